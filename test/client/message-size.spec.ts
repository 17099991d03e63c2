/**
 * Issue 16, item 6: a message larger than the hub's maximum message size (ASP.NET Core's
 * `MaximumReceiveMessageSize`, 32 KB by default; the embedded gateway enforces the same) must not
 * reach the hub — the server would close the connection: every conversation re-joined, gap
 * recovery, bot streams cut off. `timeline.send` sends it over REST instead; a direct
 * `chat.sendMessage`/`editMessage` is refused at once with an `InvalidArgumentError`.
 */
import { JsonHubProtocol } from '@microsoft/signalr';
import { expect } from 'chai';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import type { Block } from '../../src/codecs/index.js';
import { InvalidArgumentError } from '../../src/core/invalid-argument-error.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../../src/hubs/chat-hub-client.js';
import type { HubSession } from '../../src/hubs/hub-state.js';
import type { TimelineMessage } from '../../src/streams/timeline-message.js';
import { requestMark, startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { ClientKit, group, joined, waitFor } from './client-kit.js';

const last = <T>(values: readonly T[]): T | undefined => values[values.length - 1];
const connectionIdOf = (status: { status: string; connectionId?: string | null }): string | null | undefined =>
  status.status === 'connected' ? status.connectionId : undefined;
const plain = (content: string, plainText: string | null = content): Block => ({ $type: 'text', format: 'Plain', content, plainText });

describe("messages over the hub's maximum message size (embedded gateway)", function () {
  this.timeout(20_000);
  let gateway: TestGateway;
  const kit = new ClientKit(() => gateway);

  before(async () => {
    gateway = await startTestGateway();
  });
  afterEach(() => kit.closeAll());
  after(() => gateway.close());

  it('a 40 KB message via timeline.send arrives (over REST) and the connection id does not change (no re-join)', async () => {
    const { client: alice } = await kit.user('alice');
    const { client: bob, id: bobId } = await kit.user('bob');
    const conversation = await group(alice, [bobId]);
    const timeline = alice.timeline(conversation.id);
    const seen = kit.record(timeline.messages$);
    const bobSeen = kit.record(bob.timeline(conversation.id).messages$);
    await joined(alice, conversation.id);
    await joined(bob, conversation.id);
    const chat = alice.realtime.chat;
    const connectionId = connectionIdOf(chat.status);
    expect(connectionId, 'connected with an id').to.be.a('string');
    const sessions = kit.record<HubSession>(chat.sessions$);
    const rejoined = kit.record(chat.rejoined$);
    const states = kit.record(chat.state$);
    const mark = await requestMark(gateway);

    const text = `big:${'x'.repeat(40 * 1024)}`;
    const emitted = await lastValueFrom(timeline.send(text).pipe(toArray()));
    expect(emitted.map((m) => m.status)).to.have.length(2);
    expect(emitted[0]?.status).to.equal('pending');
    expect(emitted[1]?.status, 'sent, or confirmed when the echo beat the answer').to.be.oneOf(['sent', 'confirmed']);
    const clientMessageId = emitted[0]?.clientMessageId as string;
    const posts = (await mark.since()).filter((r) => r.method === 'POST' && r.path.endsWith(`/conversations/${conversation.id}/messages`));
    expect(posts, 'one REST POST of the message').to.have.length(1);

    await waitFor(
      () => last(seen.values)?.find((m) => m.clientMessageId === clientMessageId && m.status === 'confirmed'),
      5000,
      'the big message to be confirmed',
    );
    await waitFor(() => last(bobSeen.values)?.find((m) => m.plainText === text), 5000, 'bob to receive the big message');
    const history = await firstValueFrom(bob.messages.getHistory(conversation.id, { limit: 10 }));
    expect(history.items.filter((m) => m.plainTextIndex === text)).to.have.length(1);
    expect((last(seen.values) ?? []).filter((m: TimelineMessage) => m.plainText === text)).to.have.length(1);

    // And the connection stayed: same id, never left `connected`, no new session, no re-join.
    // (A small message after it still goes over the hub on that same connection.)
    const after = await lastValueFrom(timeline.send('small after big').pipe(toArray()));
    expect(after.map((m) => m.status)).to.deep.include.members(['pending']);
    expect(last(after)?.status).to.be.oneOf(['sent', 'confirmed']);
    expect(
      (await mark.since()).filter((r) => r.method === 'POST' && r.path.endsWith('/messages')),
      'the small one went over the hub',
    ).to.have.length(1);
    expect(connectionIdOf(chat.status)).to.equal(connectionId);
    expect(states.values.map((s) => s.status)).to.deep.equal(['connected']);
    expect(sessions.values).to.deep.equal([]);
    expect(rejoined.values).to.deep.equal([]);
  });

  it('chat.sendMessage / editMessage over maxMessageBytes throw InvalidArgumentError at once; the connection is untouched', async () => {
    const { client: alice } = await kit.user('alice');
    const { id: bobId } = await kit.user('bob', { connect: false });
    const conversation = await group(alice, [bobId]);
    const timeline = alice.timeline(conversation.id);
    kit.record(timeline.messages$);
    await joined(alice, conversation.id);
    const chat = alice.realtime.chat;
    const connectionId = connectionIdOf(chat.status);
    const states = kit.record(chat.state$);
    const sessions = kit.record(chat.sessions$);

    const big = [plain('y'.repeat(40 * 1024))];
    let thrown: unknown;
    try {
      chat.sendMessage({ conversationId: conversation.id, blocks: big, clientMessageId: 'big-1' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).to.be.instanceOf(InvalidArgumentError);
    expect((thrown as InvalidArgumentError).argument).to.equal('request');
    expect((thrown as Error).message).to.match(/maximum message size of 32768 bytes/);

    const ack = await firstValueFrom(chat.sendMessage({ conversationId: conversation.id, blocks: [plain('small')] }));
    const messageId = ack.messageId as string;
    expect(() => chat.editMessage({ messageId, newBlocks: big })).to.throw(InvalidArgumentError, /maximum message size/);

    // Still the same connection, and it still works.
    await firstValueFrom(chat.editMessage({ messageId, newBlocks: [plain('edited')] }));
    expect(connectionIdOf(chat.status)).to.equal(connectionId);
    expect(states.values.map((s) => s.status)).to.deep.equal(['connected']);
    expect(sessions.values).to.deep.equal([]);
    const history = await firstValueFrom(alice.messages.getHistory(conversation.id, { limit: 10 }));
    expect(history.items.map((m) => m.plainTextIndex)).to.deep.equal(['edited']);
  });

  it('the limit is exact: a frame of exactly maxMessageBytes goes over the hub and the server reads it; one byte more is refused', async () => {
    // The arithmetic below is the JSON protocol's (test/hubs/wire-values.spec.ts measures MessagePack frames).
    const { client: alice } = await kit.user('alice', { hubs: { protocol: new JsonHubProtocol(), reconnectDelays: [50, 100, 200] } });
    const { id: bobId } = await kit.user('bob', { connect: false });
    const conversation = await group(alice, [bobId]);
    const chat = alice.realtime.chat;
    await firstValueFrom(chat.joinConversation(conversation.id));
    const connectionId = connectionIdOf(chat.status);
    const sessions = kit.record(chat.sessions$);
    expect(chat.maxMessageBytes).to.equal(DEFAULT_MAX_MESSAGE_BYTES).and.to.equal(32_768);

    // Multi-byte text (é is 2 bytes in UTF-8, 😀 is 4): the limit is in bytes, not characters.
    const request = (content: string) => ({ conversationId: conversation.id, blocks: [plain(content, null)], clientMessageId: 'edge' });
    const base = chat.invocationBytes('SendMessage', [request('')]);
    const pairs = Math.floor((chat.maxMessageBytes - base) / 6); // '😀é' is 6 bytes
    const exact = '😀é'.repeat(pairs) + 'a'.repeat(chat.maxMessageBytes - base - pairs * 6);
    expect(chat.invocationBytes('SendMessage', [request(exact)])).to.equal(chat.maxMessageBytes);
    expect(() => chat.sendMessage(request(`${exact}a`))).to.throw(InvalidArgumentError, /32769 bytes/);

    const ack = await firstValueFrom(chat.sendMessage(request(exact)));
    expect(ack.success).to.equal(true);
    const stored = await firstValueFrom(alice.messages.getById(ack.messageId as string));
    expect(stored.blocks[0]).to.deep.include({ content: exact });
    expect(connectionIdOf(chat.status)).to.equal(connectionId);
    expect(sessions.values).to.deep.equal([]);
  });

  it('why: with the check off (maxMessageBytes: Infinity), a frame just over 32 KB makes the server close the connection', async () => {
    const { client: alice } = await kit.user('alice', {
      hubs: { reconnectDelays: [50, 100, 200], maxMessageBytes: Number.POSITIVE_INFINITY },
    });
    const { id: bobId } = await kit.user('bob', { connect: false });
    const conversation = await group(alice, [bobId]);
    const chat = alice.realtime.chat;
    await firstValueFrom(chat.joinConversation(conversation.id));
    const connectionId = connectionIdOf(chat.status);
    const sessions = kit.record(chat.sessions$);
    const request = (content: string) => ({ conversationId: conversation.id, blocks: [plain(content, null)] });
    // 10 bytes over by this client's measure, which counts a 10-digit invocation id: the real
    // frame (an id of 1 or 2 digits) is still over the server's 32768 bytes.
    const over = 'a'.repeat(DEFAULT_MAX_MESSAGE_BYTES + 10 - chat.invocationBytes('SendMessage', [request('')]));
    const outcome = await firstValueFrom(chat.sendMessage(request(over))).then(
      () => 'acknowledged',
      (error: unknown) => error,
    );
    expect(outcome).not.to.equal('acknowledged');
    await waitFor(() => sessions.values.length > 0, 5000, 'a new connection after the server closed the old one');
    expect(connectionIdOf(chat.status)).not.to.equal(connectionId);
  });

  it('maxMessageBytes is an option (hubs.maxMessageBytes): a smaller limit sends smaller messages over REST', async () => {
    const { client: alice } = await kit.user('alice', { hubs: { reconnectDelays: [50, 100, 200], maxMessageBytes: 2000 } });
    const { id: bobId } = await kit.user('bob', { connect: false });
    const conversation = await group(alice, [bobId]);
    const timeline = alice.timeline(conversation.id);
    kit.record(timeline.messages$);
    await joined(alice, conversation.id);
    expect(alice.realtime.chat.maxMessageBytes).to.equal(2000);
    const mark = await requestMark(gateway);
    await lastValueFrom(timeline.send('z'.repeat(1500)));
    await lastValueFrom(timeline.send('short'));
    const posts = (await mark.since()).filter((r) => r.method === 'POST' && r.path.endsWith(`/conversations/${conversation.id}/messages`));
    expect(posts, 'only the 1500-character message went over REST').to.have.length(1);
    expect(() => alice.realtime.chat.sendMessage({ conversationId: conversation.id, blocks: [plain('z'.repeat(1500))] })).to.throw(
      InvalidArgumentError,
    );
    expect(() => kit.create({ hubs: { maxMessageBytes: 0 } })).to.throw(InvalidArgumentError, /maxMessageBytes/);
    expect(() => kit.create({ hubs: { maxMessageBytes: Number.POSITIVE_INFINITY } })).not.to.throw();
  });
});
