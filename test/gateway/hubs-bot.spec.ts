/**
 * The embedded `echo-bot` over `/hubs/chat` with the official client: a streamed reply
 * (started → status "thinking" → chunks → completed, "You said: <text>"), the abort word, the
 * reply in REST history, and no `messageReceived` for the streamed message; the fail word: the
 * reply fails on the server — `streamAborted` to the room, the hub's `error` to the author's chat
 * connections (the only place a gateway sends `error`: no invocation is left to answer).
 */
import { expect } from 'chai';
import { CursorPaginatedResult, HubErrorDto, MessageDto, SendMessageAck } from '../../src/codecs/index.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import {
  HubClients,
  api,
  createConversation,
  decoded,
  expectOk,
  newUsers,
  sendText,
  text,
  type ChatRecorder,
  type TestUser,
} from './gateway-helpers.js';

const MessagePage = CursorPaginatedResult(MessageDto);
const BOT = 'echo-bot';

describe('gateway hubs: the echo bot', () => {
  let gw: TestGateway;
  const hubs = new HubClients(() => gw);
  before(async () => {
    gw = await startTestGateway({ bot: { startDelayMs: 5, statusDelayMs: 5, chunkDelayMs: 5 } });
  });
  afterEach(async () => hubs.stopAll());
  after(async () => gw.close());

  /** Alice and Bob in a group with the bot; both joined on the chat hub. */
  const botRoom = async (): Promise<{ alice: TestUser; bob: TestUser; conversationId: string; a: ChatRecorder; b: ChatRecorder }> => {
    const [alice, bob] = await newUsers(gw, 'alice', 'bob');
    const conversationId = (await createConversation(gw, alice, 'Group', [bob.id, BOT], 'With bot')).id;
    const [a, b] = await Promise.all([hubs.chat(alice.token), hubs.chat(bob.token)]);
    await Promise.all([a.connection.invoke('JoinConversation', conversationId), b.connection.invoke('JoinConversation', conversationId)]);
    return { alice, bob, conversationId, a, b };
  };

  const history = async (user: TestUser, conversationId: string): Promise<MessageDto[]> =>
    expectOk(await api(gw, 'GET', `/api/conversations/${conversationId}/messages?limit=100`, { token: user.token }), 200, MessagePage)
      .items;

  it('streams a reply: started → "thinking" → chunks 0..n-1 → completed with "You said: <text>"', async () => {
    const { alice, bob, conversationId, a, b } = await botRoom();
    const ack = decoded(
      SendMessageAck,
      await a.connection.invoke('SendMessage', { conversationId, blocks: [text('hello there, bot of echoes')] }),
    );
    expect(ack.success).to.equal(true);

    const completed = await b.waitFor('streamCompleted', () => true, 3000);
    // A barrier after the stream: a typing event from Alice arrives after everything before it.
    await a.connection.invoke('StartTyping', conversationId);
    await b.waitFor('typingStarted');

    const names = b.names();
    const chunkCount = names.filter((n) => n === 'streamChunkReceived').length;
    expect(chunkCount).to.be.at.least(2);
    expect(names).to.deep.equal([
      'messageReceived',
      'streamStarted',
      'streamStatusUpdated',
      ...Array.from({ length: chunkCount }, () => 'streamChunkReceived'),
      'streamCompleted',
      'typingStarted',
    ]);

    const started = b.events('streamStarted')[0];
    const status = b.events('streamStatusUpdated')[0];
    const chunks = b.events('streamChunkReceived');
    expect(started).to.deep.include({ conversationId, senderId: BOT, senderName: 'Echo Bot', replyToMessageId: ack.messageId });
    const { streamId, messageId } = started ?? { streamId: '', messageId: '' };
    expect(status).to.deep.include({ streamId, messageId, conversationId, status: 'thinking' });
    expect(chunks.map((c) => c.chunkIndex)).to.deep.equal(Array.from({ length: chunkCount }, (_, i) => i));
    expect(chunks.every((c) => c.streamId === streamId && c.messageId === messageId)).to.equal(true);

    const joined = chunks.map((c) => c.text).join('');
    expect(joined).to.equal('You said: hello there, bot of echoes');
    expect(completed).to.deep.include({ streamId, messageId, conversationId });
    expect(completed.message).to.deep.include({
      id: messageId,
      conversationId,
      senderId: BOT,
      senderName: 'Echo Bot',
      senderType: 'Bot',
      plainTextContent: joined,
      replyToMessageId: ack.messageId,
    });

    // No messageReceived for the streamed message: the only one is Alice's own.
    expect(b.events('messageReceived').map((m) => m.id)).to.deep.equal([ack.messageId]);
    // The sender's connection saw the same stream.
    await a.waitFor('streamCompleted');
    expect(
      a
        .events('streamChunkReceived')
        .map((c) => c.text)
        .join(''),
    ).to.equal(joined);

    // Afterwards the reply is in REST history, after the message it answers.
    const items = await history(bob, conversationId);
    expect(items.map((m) => [m.senderId, m.senderType, m.plainTextIndex])).to.deep.equal([
      [BOT, 'Bot', 'You said: hello there, bot of echoes'],
      [alice.id, 'User', 'hello there, bot of echoes'],
    ]);
    expect(items[0]?.id).to.equal(messageId);
    expect(items[0]?.replyToMessageId).to.equal(ack.messageId);
  });

  it('replies to a message sent over REST too', async () => {
    const { alice, conversationId, b } = await botRoom();
    const sent = await sendText(gw, alice, conversationId, 'ping');
    const completed = await b.waitFor('streamCompleted');
    expect(completed.message.plainTextContent).to.equal('You said: ping');
    expect(completed.message.replyToMessageId).to.equal(sent.id);
  });

  it('the trigger word "abort" ends the stream in streamAborted, and nothing is stored', async () => {
    const { alice, bob, conversationId, a, b } = await botRoom();
    const sent = await sendText(gw, alice, conversationId, 'please abort this one');
    const aborted = await b.waitFor('streamAborted');
    await a.connection.invoke('StartTyping', conversationId);
    await b.waitFor('typingStarted');

    const started = b.events('streamStarted')[0];
    expect(aborted).to.deep.include({ streamId: started?.streamId, messageId: started?.messageId, conversationId });
    expect(aborted.reason).to.be.a('string').and.not.equal('');
    const names = b.names();
    const chunkCount = names.filter((n) => n === 'streamChunkReceived').length;
    expect(chunkCount).to.be.within(1, 2);
    expect(names).to.deep.equal([
      'messageReceived',
      'streamStarted',
      'streamStatusUpdated',
      ...Array.from({ length: chunkCount }, () => 'streamChunkReceived'),
      'streamAborted',
      'typingStarted',
    ]);
    expect(b.events('streamCompleted')).to.deep.equal([]);
    expect((await history(bob, conversationId)).map((m) => m.id)).to.deep.equal([sent.id]);
  });

  it('the trigger word "fail" fails the reply on the server: streamAborted to the room, `error` to every chat connection of the author', async () => {
    const { alice, bob, conversationId, a, b } = await botRoom();
    // Another chat connection of Alice's that joined nothing: `error` goes to the user, not the group.
    const other = await hubs.chat(alice.token);
    const ack = decoded(
      SendMessageAck,
      await a.connection.invoke('SendMessage', { conversationId, blocks: [text('this will FAIL on the server')] }),
    );
    expect(ack.success).to.equal(true);

    const error = await a.waitFor('error');
    await other.waitFor('error');
    const aborted = await b.waitFor('streamAborted');
    // Barriers: everything the server sent before these answers has been dispatched.
    await a.connection.invoke('StartTyping', conversationId);
    await b.waitFor('typingStarted');
    await Promise.all([a.roundTrip(), other.roundTrip()]);

    const started = b.events('streamStarted')[0];
    const { streamId, messageId } = started ?? { streamId: '', messageId: '' };
    expect(aborted).to.deep.include({ streamId, messageId, conversationId, reason: 'The bot failed while replying.' });
    expect(decoded(HubErrorDto, error)).to.deep.equal({
      code: 'BOT_STREAM_FAILED',
      message: 'The bot failed while replying to your message.',
      details: { conversationId, messageId: ack.messageId, streamId, botId: BOT },
    });
    const chunkCount = b.names().filter((n) => n === 'streamChunkReceived').length;
    expect(chunkCount).to.be.within(1, 2);
    const stream = [
      'streamStarted',
      'streamStatusUpdated',
      ...Array.from({ length: chunkCount }, () => 'streamChunkReceived'),
      'streamAborted',
    ];
    expect(a.names()).to.deep.equal(['messageReceived', ...stream, 'error']);
    expect(b.names()).to.deep.equal(['messageReceived', ...stream, 'typingStarted']);
    expect(other.names()).to.deep.equal(['error']);
    expect(other.events('error')).to.deep.equal([error]);
    expect((await history(bob, conversationId)).map((m) => m.id)).to.deep.equal([ack.messageId]);

    // The connection is fine: the next message gets its full reply.
    await a.connection.invoke('SendMessage', { conversationId, blocks: [text('and this one?')] });
    const completed = await b.waitFor('streamCompleted');
    expect(completed.message.plainTextContent).to.equal('You said: and this one?');
    expect(a.events('error')).to.have.length(1);
  });

  it('a message with both words fails: "fail" wins over "abort"', async () => {
    const { alice, conversationId, a, b } = await botRoom();
    const sent = await sendText(gw, alice, conversationId, 'abort or fail?');
    const aborted = await b.waitFor('streamAborted');
    const error = await a.waitFor('error');
    expect(aborted.reason).to.equal('The bot failed while replying.');
    expect(error.details).to.deep.include({ messageId: sent.id, streamId: aborted.streamId });
  });

  it('stays silent in conversations without it', async () => {
    const [alice, bob] = await newUsers(gw, 'alice', 'bob');
    const conversationId = (await createConversation(gw, alice, 'Group', [bob.id], 'No bot')).id;
    const b = await hubs.chat(bob.token);
    await b.connection.invoke('JoinConversation', conversationId);
    await sendText(gw, alice, conversationId, 'anyone?');
    await b.waitFor('messageReceived');
    // A control conversation with the bot, messaged later: its stream completing means a stream
    // for the first message (same delays, started earlier) would have been seen by now.
    const withBot = (await createConversation(gw, alice, 'Group', [bob.id, BOT], 'Control')).id;
    await b.connection.invoke('JoinConversation', withBot);
    await sendText(gw, alice, withBot, 'control');
    await b.waitFor('streamCompleted');
    expect(b.events('streamStarted').map((s) => s.conversationId)).to.deep.equal([withBot]);
    expect(b.events('streamCompleted')).to.have.length(1);
  });
});
