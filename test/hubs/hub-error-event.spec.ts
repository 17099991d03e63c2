/**
 * The chat hub's `error` event (issue 21): a real Chat Gateway sends it only where no invocation
 * is left to answer — the echo bot's reply to an accepted message failing on the server (the word
 * `fail`). The stream ends in `streamAborted` for everyone in the room; then every chat connection
 * of the message's author gets `error` with a `HubErrorDto`; the connection stays up and later
 * messages flow. Through the whole client (`createChatClient`): `realtime.chat.on('error')`.
 *
 * Runs on the embedded gateway and, in `npm run test:aspnet`, on the ASP.NET reference gateway.
 */
import { expect } from 'chai';
import { firstValueFrom, lastValueFrom, type Subscription } from 'rxjs';
import type { HubErrorDto, StreamAbortedDto } from '../../src/codecs/index.js';
import { type ChatClient, createChatClient } from '../../src/client.js';
import type { BotStream } from '../../src/streams/accumulate-stream.js';
import type { TestGateway } from '../support/test-gateway.js';
import { uniqueName } from '../support/test-gateway.js';
import { waitFor } from '../support/wait.js';
import { connectionIdOf, FAST_RECONNECT, historyTexts, startHubGateway, textBlocks, type TestUser } from './hub-test-kit.js';

/** One invocation round trip on `client`'s chat connection: events the server sent it before are delivered by then. */
const barrier = (client: ChatClient, conversationId: string): Promise<void> =>
  lastValueFrom(client.realtime.chat.stopTyping(conversationId), { defaultValue: undefined });

const BOT = 'echo-bot';

describe('the chat hub `error` event: a bot reply that fails on the server', function () {
  this.timeout(20_000);
  let gw: TestGateway;
  const clients: ChatClient[] = [];
  const subscriptions: Subscription[] = [];

  before(async () => {
    gw = await startHubGateway();
  });
  afterEach(async () => {
    for (const s of subscriptions.splice(0)) s.unsubscribe();
    await Promise.all(clients.splice(0).map((c) => c.disconnect()));
  });
  after(async () => gw.close());

  /** A logged-in, connected client. */
  const user = async (prefix: string): Promise<{ client: ChatClient; me: TestUser }> => {
    const client = createChatClient({ baseUrl: gw.url, hubs: { reconnectDelays: FAST_RECONNECT } });
    clients.push(client);
    const username = uniqueName(prefix);
    const { user: me, token } = await firstValueFrom(client.auth.loginWithDev(username, 'pw'));
    await firstValueFrom(client.connect(), { defaultValue: undefined });
    return { client, me: { id: me.id, username, token } };
  };

  /** Collects what `source` emits until the end of the test. */
  const record = <T>(source: { subscribe(next: (value: T) => void): Subscription }): T[] => {
    const values: T[] = [];
    subscriptions.push(source.subscribe((value) => values.push(value)));
    return values;
  };

  /** Alice and Bob in a group with the bot, both joined on the chat hub. */
  const room = async () => {
    const alice = await user('err-alice');
    const bob = await user('err-bob');
    const conversation = await firstValueFrom(alice.client.groupConversation([bob.me.id, BOT], { name: uniqueName('bot room') }));
    await firstValueFrom(alice.client.realtime.chat.joinConversation(conversation.id), { defaultValue: undefined });
    await firstValueFrom(bob.client.realtime.chat.joinConversation(conversation.id), { defaultValue: undefined });
    return { alice, bob, conversationId: conversation.id };
  };

  const send = (client: ChatClient, conversationId: string, text: string) =>
    firstValueFrom(client.realtime.chat.sendMessage({ conversationId, blocks: textBlocks(text) }));

  it("reaches the author's realtime.chat.on('error') decoded, after the stream ended in streamAborted; the others get no error", async () => {
    const { alice, bob, conversationId } = await room();
    const aliceErrors = record<HubErrorDto>(alice.client.realtime.chat.on('error'));
    const bobErrors = record<HubErrorDto>(bob.client.realtime.chat.on('error'));
    const aliceAborted = record<StreamAbortedDto>(alice.client.realtime.chat.on('streamAborted'));
    const bobAborted = record<StreamAbortedDto>(bob.client.realtime.chat.on('streamAborted'));
    const bobStreams = record<BotStream>(bob.client.streams$);
    const aliceConnection = connectionIdOf(alice.client.realtime.chat);
    const aliceOrder: string[] = [];
    for (const name of ['streamStarted', 'streamChunkReceived', 'streamAborted', 'streamCompleted', 'error'] as const)
      subscriptions.push(alice.client.realtime.chat.on(name).subscribe(() => aliceOrder.push(name)));

    // The message itself is accepted: its ack is a success, the failure comes later.
    const ack = await send(alice.client, conversationId, 'this reply will fail, sorry');
    expect(ack.success).to.equal(true);

    await waitFor(() => aliceErrors.length > 0, 5000, "alice's error event");
    await waitFor(() => bobAborted.length > 0, 5000, "bob's streamAborted");
    const [error] = aliceErrors;
    const [aborted] = bobAborted;
    expect(aborted).to.deep.include({ conversationId, reason: 'The bot failed while replying.' });
    expect(error).to.deep.equal({
      code: 'BOT_STREAM_FAILED',
      message: 'The bot failed while replying to your message.',
      details: { conversationId, messageId: ack.messageId, streamId: aborted?.streamId, botId: BOT },
    });
    // The author's own connection saw the stream end in streamAborted, then the error.
    expect(aliceAborted.map((a) => a.streamId)).to.deep.equal([aborted?.streamId]);
    const chunks = aliceOrder.filter((name) => name === 'streamChunkReceived').length;
    expect(chunks).to.be.within(1, 2);
    expect(aliceOrder).to.deep.equal([
      'streamStarted',
      ...Array.from({ length: chunks }, () => 'streamChunkReceived'),
      'streamAborted',
      'error',
    ]);

    // Bob's stream ended aborted with the server's reason; the reply was never stored.
    const last = bobStreams.filter((s) => s.streamId === aborted?.streamId).at(-1);
    expect(last).to.deep.include({ phase: 'aborted', reason: 'The bot failed while replying.', replyToMessageId: ack.messageId });
    expect(last?.chunkCount).to.be.within(1, 2);
    expect(await historyTexts(gw, bob.me, conversationId)).to.deep.equal(['this reply will fail, sorry']);

    // The connection stays up (same connection id, no reconnect) and later messages flow, bot reply included.
    const bobMessages = record(bob.client.realtime.chat.on('messageReceived'));
    const bobCompleted = record(bob.client.realtime.chat.on('streamCompleted'));
    const next = await send(alice.client, conversationId, 'and now a normal one');
    expect(next.success).to.equal(true);
    await waitFor(() => bobCompleted.length > 0, 5000, "bob's streamCompleted");
    expect(bobMessages.map((m) => m.id)).to.deep.equal([next.messageId]);
    expect(bobCompleted[0]?.message.plainTextContent).to.equal('You said: and now a normal one');
    expect(alice.client.realtime.chat.status).to.deep.include({ status: 'connected', connectionId: aliceConnection });
    expect(aliceErrors).to.have.length(1);
    expect(bobErrors).to.deep.equal([]);
  });

  it("goes to every chat connection of the author, joined or not (a REST send too), and to no one else's", async () => {
    const { alice, bob, conversationId } = await room();
    // Alice's second client (another tab): connected to the chat hub, but it joined nothing.
    const tab = createChatClient({ baseUrl: gw.url, token: alice.me.token, hubs: { reconnectDelays: FAST_RECONNECT } });
    clients.push(tab);
    await firstValueFrom(tab.connect(), { defaultValue: undefined });
    const errors = record<HubErrorDto>(alice.client.realtime.chat.on('error'));
    const tabErrors = record<HubErrorDto>(tab.realtime.chat.on('error'));
    const bobErrors = record<HubErrorDto>(bob.client.realtime.chat.on('error'));
    const bobAborted = record<StreamAbortedDto>(bob.client.realtime.chat.on('streamAborted'));

    // Over REST: no hub invocation at all, and the author still hears of it on the hub.
    const sent = await firstValueFrom(alice.client.messages.send(conversationId, { blocks: textBlocks('FAIL loudly') }));
    await waitFor(() => errors.length > 0 && tabErrors.length > 0 && bobAborted.length > 0, 5000, 'the error on both of alice’s clients');
    expect(tabErrors).to.deep.equal(errors);
    expect(errors[0]?.details).to.deep.include({ conversationId, messageId: sent.id, streamId: bobAborted[0]?.streamId });

    // Bob's own failing message: the error is his alone.
    await send(bob.client, conversationId, 'fail for bob');
    await waitFor(() => bobErrors.length > 0, 5000, "bob's error event");
    // A round trip on each of alice's connections: an error sent to them with bob's would be here by now.
    await Promise.all([barrier(alice.client, conversationId), barrier(tab, conversationId)]);
    expect(bobErrors[0]?.details).to.deep.include({ conversationId, botId: BOT });
    expect(errors).to.have.length(1);
    expect(tabErrors).to.have.length(1);
  });

  it('a word that only contains "fail" (failure, failed) is answered normally, with no error', async () => {
    const { alice, bob, conversationId } = await room();
    const errors = record<HubErrorDto>(alice.client.realtime.chat.on('error'));
    const completed = record(bob.client.realtime.chat.on('streamCompleted'));
    await send(alice.client, conversationId, 'no failure here, nothing failed');
    await waitFor(() => completed.length > 0, 5000, "bob's streamCompleted");
    await barrier(alice.client, conversationId); // an error sent to alice with the reply would be here by now
    expect(completed[0]?.message.plainTextContent).to.equal('You said: no failure here, nothing failed');
    expect(errors).to.deep.equal([]);
  });
});
