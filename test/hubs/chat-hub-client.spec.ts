import { HttpTransportType } from '@microsoft/signalr';
import { expect } from 'chai';
import { defer, EMPTY, firstValueFrom, from, lastValueFrom, of, Subject, toArray } from 'rxjs';
import { ChatHubEvents } from '../../src/codecs/chat-hub.js';
import type { ChatMessageDto, ChatSendMessageRequest, PresenceStateDto } from '../../src/codecs/index.js';
import { InvalidArgumentError } from '../../src/core/invalid-argument-error.js';
import { nestedObject } from '../support/nested.js';
import { ChatHubClient } from '../../src/hubs/chat-hub-client.js';
import type { HubClientOptions } from '../../src/hubs/hub-client.js';
import { HubError } from '../../src/hubs/hub-error.js';
import type { HubConnectionStatus, HubSession } from '../../src/hubs/hub-state.js';
import type { NotificationHubClient } from '../../src/hubs/notification-hub-client.js';
import type { PresenceMap } from '../../src/hubs/presence.js';
import type { TestGateway } from '../support/test-gateway.js';
import { waitFor } from '../support/wait.js';
import {
  connect,
  connectionIdOf,
  createGroup,
  errorOf,
  FAST_RECONNECT,
  historyTexts,
  HubFixture,
  isConnected,
  newUser,
  postMessage,
  relogin,
  rest,
  run,
  sleep,
  startHubGateway,
  textBlocks,
  textOf,
  TrackingScheduler,
  waitState,
  type TestUser,
} from './hub-test-kit.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';
import { signalrHandlerCount } from '../support/signalr-handlers.js';

const CHAT_EVENT_COUNT = 15;

function statusesOf(states: readonly HubConnectionStatus[]): string[] {
  return states.map((s) => s.status);
}

function hubErrorOf(error: unknown): HubError {
  expect(HubError.is(error), `expected a HubError, got ${String(error)}`).to.equal(true);
  return error as HubError;
}

describe('ChatHubClient against the embedded gateway', function () {
  this.timeout(15_000);
  let gw: TestGateway;
  let fixture: HubFixture;
  let alice: TestUser;
  let bob: TestUser;
  let conv: string;

  beforeEach(async () => {
    gw = await startHubGateway();
    fixture = new HubFixture(() => gw);
    alice = await newUser(gw, 'alice');
    bob = await newUser(gw, 'bob');
    conv = await createGroup(gw, alice, [bob]);
  });

  afterEach(async () => {
    await fixture.dispose();
    await gw.close();
  });

  /** A connected chat client of `user` that joined `conversationId`, recording `messageReceived`. */
  async function joined(user: TestUser, conversationId = conv, overrides: Partial<HubClientOptions> = {}) {
    const chat = fixture.chat(user, overrides);
    const messages = fixture.record(chat.on('messageReceived'));
    await connect(chat);
    await run(chat.joinConversation(conversationId));
    return { chat, messages };
  }

  describe('connecting', () => {
    it('goes disconnected → connecting → connected{connectionId}, and back to disconnected', async () => {
      const chat = fixture.chat(alice);
      const states = fixture.record(chat.state$);
      const intents = fixture.record(chat.intent$);
      expect(signalrHandlerCount(chat)).to.equal(0);
      await connect(chat);
      expect(statusesOf(states)).to.deep.equal(['disconnected', 'connecting', 'connected']);
      expect(states[1]).to.deep.equal({ status: 'connecting', attempt: 1 });
      const id = connectionIdOf(chat);
      expect(id).to.be.a('string').and.not.equal('');
      expect(signalrHandlerCount(chat)).to.equal(CHAT_EVENT_COUNT);
      if (gw.embedded) expect(gw.embedded.connectionCount).to.equal(1);

      await run(chat.disconnect());
      expect(statusesOf(states)).to.deep.equal(['disconnected', 'connecting', 'connected', 'disconnected']);
      expect(intents).to.deep.equal(['disconnected', 'connected', 'disconnected']);
      if (gw.embedded) {
        const embedded = gw.embedded;
        await waitFor(() => embedded.connectionCount === 0, 2000, 'the server to see the connection closed');
      }
    });

    it('connect() is cold and idempotent: one connection however often it is called', async function () {
      if (!gw.embedded) this.skip();
      const embedded = gw.embedded;
      const chat = fixture.chat(alice);
      const states = fixture.record(chat.state$);
      const connect$ = chat.connect();
      await sleep(50);
      expect(chat.status).to.deep.equal({ status: 'disconnected' });
      expect(embedded.connectionCount).to.equal(0);

      await Promise.all([run(connect$), run(chat.connect()), run(connect$)]);
      const id = connectionIdOf(chat);
      await run(chat.connect());
      expect(connectionIdOf(chat)).to.equal(id);
      expect(embedded.connectionCount).to.equal(1);
      expect(statusesOf(states)).to.deep.equal(['disconnected', 'connecting', 'connected']);
    });

    it('a connect() still pending when disconnect() is called errors (kind connection) instead of hanging', async () => {
      const chat = fixture.chat(alice);
      const pending = errorOf(chat.connect(), 3000);
      await run(chat.disconnect());
      const error = hubErrorOf(await pending);
      expect(error.kind).to.equal('connection');
      expect(error.message).to.match(/disconnect\(\)/);
      expect(chat.status).to.deep.equal({ status: 'disconnected' });
    });

    it('connect() right after disconnect() (not awaited) ends connected, never reported disconnected meanwhile', async () => {
      const chat = fixture.chat(alice);
      await connect(chat);
      const first = connectionIdOf(chat);
      const states = fixture.record(chat.state$);
      chat.disconnect().subscribe();
      await connect(chat);
      const second = connectionIdOf(chat);
      expect(second).not.to.equal(first);
      await sleep(100);
      const after = states.slice(states.findIndex((s) => s.status === 'connecting'));
      expect(statusesOf(after)).not.to.include('disconnected');
      expect(chat.status.status).to.equal('connected');
    });

    it('connects again after disconnect() with a new connection id', async () => {
      const chat = fixture.chat(alice);
      const sessions = fixture.record(chat.sessions$);
      await connect(chat);
      const first = connectionIdOf(chat);
      await run(chat.disconnect());
      await connect(chat);
      const second = connectionIdOf(chat);
      expect(second).not.to.equal(first);
      expect(sessions).to.deep.equal([
        { connectionId: first, previousConnectionId: null, number: 1 },
        { connectionId: second, previousConnectionId: first, number: 2 },
      ]);
    });
  });

  describe('invocations and their events', () => {
    it("joinConversation: tracked in joinedConversations$, and the conversation's events arrive", async () => {
      const chat = fixture.chat(alice);
      const joinedSets = fixture.record(chat.joinedConversations$);
      const messages = fixture.record(chat.on('messageReceived'));
      await connect(chat);
      const join$ = chat.joinConversation(conv);
      expect(chat.joinedConversations.size, 'nothing happens before subscribe').to.equal(0);
      expect(await run(join$)).to.equal(undefined);
      expect(joinedSets.map((s) => [...s])).to.deep.equal([[], [conv]]);
      const id = await postMessage(gw, bob, conv, 'hello alice');
      const received = await waitFor(() => messages.find((m) => m.id === id), 3000, 'messageReceived');
      expect(received.conversationId).to.equal(conv);
      expect(received.senderId).to.equal(bob.id);
      expect(textOf(received)).to.equal('hello alice');
    });

    it("leaveConversation: stops tracking, and the conversation's events stop", async () => {
      const other = await createGroup(gw, bob, [alice]);
      const { chat, messages } = await joined(alice);
      await run(chat.joinConversation(other));
      await run(chat.leaveConversation(conv));
      expect([...chat.joinedConversations]).to.deep.equal([other]);
      await postMessage(gw, bob, conv, 'after leaving');
      // Sent after the first one on the same socket: once it is here, the first would have been too.
      await postMessage(gw, bob, other, 'barrier');
      await waitFor(() => messages.find((m) => textOf(m) === 'barrier'), 3000, 'the barrier message');
      expect(messages.map(textOf)).to.deep.equal(['barrier']);
    });

    it("sendMessage: emits the ack with the server's messageId; messageReceived reaches the others", async () => {
      const { chat } = await joined(alice);
      const { messages: bobMessages } = await joined(bob);
      const ack = await run(chat.sendMessage({ conversationId: conv, blocks: textBlocks('via hub'), clientMessageId: 'c-1' }));
      expect(ack?.success).to.equal(true);
      expect(ack?.messageId).to.be.a('string');
      expect(ack?.clientMessageId).to.equal('c-1');
      const received = await waitFor(() => bobMessages.find((m) => m.id === ack?.messageId), 3000, "bob's messageReceived");
      expect(textOf(received)).to.equal('via hub');
      expect(received.clientMessageId).to.equal('c-1');
      expect(await historyTexts(gw, bob, conv)).to.include('via hub');
    });

    it('editMessage: the ack, and messageUpdated with the new blocks', async () => {
      const { chat } = await joined(alice);
      const updates = fixture.record(chat.on('messageUpdated'));
      const sent = await run(chat.sendMessage({ conversationId: conv, blocks: textBlocks('draft') }));
      const messageId = sent?.messageId ?? '';
      const ack = await run(chat.editMessage({ messageId, newBlocks: textBlocks('final') }));
      expect(ack).to.include({ success: true, messageId });
      expect(ack?.editedAt).to.be.a('string');
      const update = await waitFor(() => updates.find((u) => u.messageId === messageId), 3000, 'messageUpdated');
      expect(update.conversationId).to.equal(conv);
      expect(textOf(update)).to.equal('final');
    });

    it('deleteMessage and recoverMessage: acks, messageDeleted and messageRecovered', async () => {
      const { chat } = await joined(alice);
      const deleted = fixture.record(chat.on('messageDeleted'));
      const recovered = fixture.record(chat.on('messageRecovered'));
      const sent = await run(chat.sendMessage({ conversationId: conv, blocks: textBlocks('oops') }));
      const messageId = sent?.messageId ?? '';

      const deleteAck = await run(chat.deleteMessage({ messageId }));
      expect(deleteAck).to.include({ success: true, messageId });
      const deletion = await waitFor(() => deleted.find((d) => d.messageId === messageId), 3000, 'messageDeleted');
      expect(deletion).to.include({ conversationId: conv, deletedBy: alice.id });

      const recoverAck = await run(chat.recoverMessage({ messageId }));
      expect(recoverAck).to.include({ success: true, messageId });
      const recovery = await waitFor(() => recovered.find((m) => m.id === messageId), 3000, 'messageRecovered');
      expect(textOf(recovery)).to.equal('oops');
    });

    it('startTyping / stopTyping: typingStarted and typingStopped reach the others', async () => {
      const { chat } = await joined(alice);
      const { chat: bobChat } = await joined(bob);
      const started = fixture.record(bobChat.on('typingStarted'));
      const stopped = fixture.record(bobChat.on('typingStopped'));
      expect(await run(chat.startTyping(conv))).to.equal(undefined);
      await waitFor(() => started.length === 1, 3000, 'typingStarted');
      expect(started[0]).to.deep.equal({ conversationId: conv, participantId: alice.id, participantName: started[0]?.participantName });
      expect(started[0]?.participantName).to.be.a('string');
      await run(chat.stopTyping(conv));
      await waitFor(() => stopped.length === 1, 3000, 'typingStopped');
      expect(stopped[0]).to.include({ conversationId: conv, participantId: alice.id });
    });

    it('markAsRead: the ack, and readReceiptUpdated', async () => {
      const { chat } = await joined(alice);
      const { chat: bobChat } = await joined(bob);
      const receipts = fixture.record(chat.on('readReceiptUpdated'));
      const messageId = await postMessage(gw, alice, conv, 'read me');
      const ack = await run(bobChat.markAsRead(conv, messageId));
      expect(ack).to.include({ success: true, conversationId: conv });
      const receipt = await waitFor(() => receipts.find((r) => r.participantId === bob.id), 3000, 'readReceiptUpdated');
      expect(receipt).to.include({ conversationId: conv, lastReadMessageId: messageId });
    });

    it('addReaction / removeReaction: acks, reactionAdded and reactionRemoved', async () => {
      const { chat } = await joined(alice);
      const added = fixture.record(chat.on('reactionAdded'));
      const removed = fixture.record(chat.on('reactionRemoved'));
      const messageId = await postMessage(gw, bob, conv, 'react to me');
      const addAck = await run(chat.addReaction({ messageId, conversationId: conv, emoji: '👍' }));
      expect(addAck).to.include({ success: true, messageId, emoji: '👍' });
      const addition = await waitFor(() => added.find((r) => r.messageId === messageId), 3000, 'reactionAdded');
      expect(addition).to.include({ conversationId: conv, participantId: alice.id, emoji: '👍' });

      const removeAck = await run(chat.removeReaction({ messageId, emoji: '👍' }));
      expect(removeAck).to.include({ success: true, messageId, emoji: '👍' });
      const removal = await waitFor(() => removed.find((r) => r.messageId === messageId), 3000, 'reactionRemoved');
      expect(removal).to.include({ conversationId: conv, participantId: alice.id, emoji: '👍' });
    });

    it("the echo bot's streamed reply arrives as stream events", async () => {
      const withBot = await createGroup(gw, alice, [{ id: 'echo-bot', username: 'echo-bot', token: '' }]);
      const { chat } = await joined(alice, withBot);
      const startedEvents = fixture.record(chat.on('streamStarted'));
      const chunks = fixture.record(chat.on('streamChunkReceived'));
      const completed = fixture.record(chat.on('streamCompleted'));
      await run(chat.sendMessage({ conversationId: withBot, blocks: textBlocks('ping') }));
      const done = await waitFor(() => completed[0], 3000, 'streamCompleted');
      expect(textOf(done.message)).to.equal('You said: ping');
      expect(startedEvents.map((s) => s.streamId)).to.deep.equal([done.streamId]);
      expect(chunks.length).to.be.greaterThan(0);
      expect(chunks.map((c) => c.text).join('')).to.equal('You said: ping');
    });

    it('invocations are cold: nothing is sent before subscribe, one call per subscription', async () => {
      const { chat } = await joined(alice);
      const unsent$ = chat.sendMessage({ conversationId: conv, blocks: textBlocks('never sent') });
      const join$ = chat.joinConversation(await createGroup(gw, alice, [bob]));
      const twice$ = chat.sendMessage({ conversationId: conv, blocks: textBlocks('sent twice') });
      await run(twice$);
      await run(twice$);
      const texts = await historyTexts(gw, alice, conv);
      expect(texts.filter((t) => t === 'sent twice')).to.have.length(2);
      expect(texts).not.to.include('never sent');
      expect(chat.joinedConversations.size).to.equal(1);
      void unsent$;
      void join$;
    });
  });

  describe('failures', () => {
    it('an ack with success:false errors with a HubError of kind ack and its errorCode', async () => {
      const { chat } = await joined(alice);
      const messageId = await postMessage(gw, bob, conv, "bob's own");
      const error = hubErrorOf(await errorOf(chat.editMessage({ messageId, newBlocks: textBlocks('hijacked') })));
      expect(error.kind).to.equal('ack');
      expect(error.errorCode).to.equal('FORBIDDEN');
      expect(error.method).to.equal('EditMessage');
      expect(error.hub).to.equal('chat');
      expect(error.message).to.match(/sender/i);
      expect(error.raw).to.include({ success: false, errorCode: 'FORBIDDEN' });
      expect(await historyTexts(gw, bob, conv))
        .to.include("bob's own")
        .and.not.include('hijacked');
    });

    it('joining a conversation the user is not in errors with kind invocation and is not tracked', async () => {
      const carol = await newUser(gw, 'carol');
      const private_ = await createGroup(gw, bob, [carol]);
      const chat = fixture.chat(alice);
      await connect(chat);
      const error = hubErrorOf(await errorOf(chat.joinConversation(private_)));
      expect(error.kind).to.equal('invocation');
      expect(error.method).to.equal('JoinConversation');
      expect(error.message).to.match(/not a participant/i);
      expect(chat.joinedConversations.size).to.equal(0);
    });

    it('bad arguments throw InvalidArgumentError naming the argument, before any Observable', () => {
      const chat = fixture.chat(alice);
      const cases: Array<[string, () => unknown]> = [
        ['conversationId', () => chat.joinConversation('')],
        ['conversationId', () => chat.joinConversation(42 as unknown as string)],
        ['conversationId', () => chat.leaveConversation(undefined as unknown as string)],
        ['request', () => chat.sendMessage({ conversationId: conv } as unknown as ChatSendMessageRequest)],
        ['request', () => chat.editMessage({ messageId: 'm', newBlocks: 'nope' } as never)],
        ['request', () => chat.deleteMessage('m' as never)],
        ['request', () => chat.recoverMessage({} as never)],
        ['conversationId', () => chat.startTyping('   ')],
        ['conversationId', () => chat.stopTyping(1 as unknown as string)],
        ['conversationId', () => chat.markAsRead('', 'm')],
        ['messageId', () => chat.markAsRead(conv, '')],
        ['request', () => chat.addReaction({ messageId: 'm', conversationId: conv } as never)],
        ['request', () => chat.removeReaction({ emoji: '👍' } as never)],
        // A hub argument sits inside the invocation message and its arguments array: 62 levels left.
        [
          'request',
          () => chat.sendMessage({ conversationId: conv, blocks: [{ $type: 'custom', type: 'x', data: nestedObject(60) }] } as never),
        ],
      ];
      for (const [argument, call] of cases) {
        let thrown: unknown;
        try {
          call();
        } catch (error) {
          thrown = error;
        }
        expect(thrown, `${call.toString()}`).to.be.instanceOf(InvalidArgumentError);
        expect((thrown as InvalidArgumentError).argument, call.toString()).to.equal(argument);
      }
      expect(chat.status).to.deep.equal({ status: 'disconnected' });
      expect(() =>
        chat.sendMessage({ conversationId: conv, blocks: [{ $type: 'custom', type: 'x', data: nestedObject(59) }] } as never),
      ).not.to.throw();
    });

    it('an invocation without connect() fails fast with kind not-connected', async () => {
      const chat = fixture.chat(alice, { invocationTimeoutMs: 10_000 });
      const started = Date.now();
      const error = hubErrorOf(await errorOf(chat.sendMessage({ conversationId: conv, blocks: textBlocks('too early') })));
      expect(error.kind).to.equal('not-connected');
      expect(error.method).to.equal('SendMessage');
      // Far below the 10 s it would take if the call waited for a connection (with room for a slow machine).
      expect(Date.now() - started).to.be.lessThan(5000);

      await connect(chat);
      await run(chat.disconnect());
      const afterDisconnect = hubErrorOf(await errorOf(chat.startTyping(conv)));
      expect(afterDisconnect.kind).to.equal('not-connected');
      expect(await historyTexts(gw, alice, conv)).not.to.include('too early');
    });
  });

  describe('on()', () => {
    it('is hot and shared: subscribable before connect, the same Observable for the same event, one decode for all subscribers', async () => {
      const chat = fixture.chat(alice);
      expect(chat.on('messageReceived')).to.equal(chat.on('messageReceived'));
      const first = fixture.record(chat.on('messageReceived'));
      const second = fixture.record(chat.on('messageReceived'));
      const errors = fixture.record(chat.errors$);
      await connect(chat);
      await run(chat.joinConversation(conv));
      const id = await postMessage(gw, bob, conv, 'to both');
      await waitFor(() => first.some((m) => m.id === id) && second.some((m) => m.id === id), 3000, 'both subscribers');
      expect(first[0]).to.equal(second[0]);

      await gw.faults.emitRaw(conv, 'messageReceived', { id: 'bad' });
      await postMessage(gw, bob, conv, 'after the bad one');
      await waitFor(() => second.some((m) => textOf(m) === 'after the bad one'), 3000, 'the next valid message');
      expect(errors, 'one bad payload, one report, however many subscribers').to.have.length(1);
      expect(() => chat.on('noSuchEvent' as never)).to.throw(TypeError, /unknown event/);
    });

    it('a late subscriber gets only what comes after it subscribed (hot, no replay)', async () => {
      const { chat, messages } = await joined(alice);
      await postMessage(gw, bob, conv, 'early');
      await waitFor(() => messages.length === 1, 3000, 'the early message');
      const late = fixture.record(chat.on('messageReceived'));
      await postMessage(gw, bob, conv, 'late');
      await waitFor(() => late.length === 1, 3000, 'the late message');
      expect(late.map(textOf)).to.deep.equal(['late']);
    });

    it('a malformed payload goes to errors$ (kind decode, path and raw value) and the stream goes on', async () => {
      const { chat, messages } = await joined(alice);
      const errors = fixture.record(chat.errors$);
      const raw = { id: 'bad-1', conversationId: conv, senderId: 42, blocks: 'not an array' };
      await gw.faults.emitRaw(conv, 'messageReceived', raw);
      const error = await waitFor(() => errors[0], 3000, 'the decode error');
      expect(error.kind).to.equal('decode');
      expect(error.event).to.equal('messageReceived');
      expect(error.hub).to.equal('chat');
      expect(error.raw).to.deep.equal(raw);
      const paths = error.decodeError?.issues.map((i) => i.path) ?? [];
      expect(paths).to.include.members(['senderId', 'blocks']);
      expect(error.decodeError?.issues.find((i) => i.path === 'senderId')?.actual).to.equal(42);

      const id = await postMessage(gw, bob, conv, 'still flowing');
      await waitFor(() => messages.find((m) => m.id === id), 3000, 'the next valid message');
      expect(messages.map((m) => m.id)).to.deep.equal([id]);
    });

    it('matches event names case-insensitively (the server may send MessageReceived)', async () => {
      const { messages } = await joined(alice);
      const id = await postMessage(gw, bob, conv, 'original');
      const original = await waitFor(() => messages.find((m) => m.id === id), 3000, 'the original');
      await gw.faults.emitRaw(conv, 'MessageReceived', { ...original, id: 'pascal-case' });
      await waitFor(() => messages.find((m) => m.id === 'pascal-case'), 3000, 'the PascalCase event');
    });
  });

  describe('rejoinConversations() (issue 17)', () => {
    it('emits the set of conversations re-joined once, then completes: `await firstValueFrom(…)` resolves', async () => {
      const other = await createGroup(gw, alice, [bob]);
      const { chat, messages } = await joined(alice);
      await run(chat.joinConversation(other));
      const errors = fixture.record(chat.errors$);

      const rejoined = await firstValueFrom(chat.rejoinConversations());
      expect([...rejoined]).to.deep.equal([conv, other]);
      const emissions = await lastValueFrom(chat.rejoinConversations().pipe(toArray()));
      expect(emissions, 'exactly one value, then complete').to.have.length(1);
      expect([...(emissions[0] ?? [])]).to.deep.equal([conv, other]);
      expect(errors).to.deep.equal([]);
      expect([...chat.joinedConversations]).to.deep.equal([conv, other]);

      const id = await postMessage(gw, bob, other, 'after the manual re-join');
      await waitFor(() => messages.find((m) => m.id === id), 3000, 'events of the re-joined conversation');
    });

    it('emits an empty set when nothing is tracked (never an EmptyError)', async () => {
      const chat = fixture.chat(alice);
      await connect(chat);
      const rejoined = await firstValueFrom(chat.rejoinConversations());
      expect(rejoined.size).to.equal(0);
    });

    it('leaves a refused conversation out of the set (reported on errors$, no longer tracked) and still emits', async () => {
      const removedFrom = await createGroup(gw, bob, [alice]);
      const { chat } = await joined(alice);
      await run(chat.joinConversation(removedFrom));
      const errors = fixture.record(chat.errors$);
      await rest(gw, bob, 'DELETE', `/api/conversations/${removedFrom}/participants/${alice.id}`);

      const rejoined = await firstValueFrom(chat.rejoinConversations());
      expect([...rejoined]).to.deep.equal([conv]);
      expect(errors.map((e) => [e.kind, e.conversationId])).to.deep.equal([['rejoin', removedFrom]]);
      expect([...chat.joinedConversations]).to.deep.equal([conv]);
    });
  });

  describe('while reconnecting', () => {
    it('an invocation waits for the connection and then succeeds, sent once', async () => {
      const { chat } = await joined(alice);
      const id = connectionIdOf(chat);
      await gw.faults.refuseConnections(10_000);
      await gw.faults.dropConnections({ allowReconnect: true });
      await waitState(chat, (s) => s.status === 'reconnecting', 'reconnecting');
      let outcome: string | undefined;
      const ack = lastValueFrom(chat.sendMessage({ conversationId: conv, blocks: textBlocks('sent while away') })).then(
        (value) => {
          outcome = 'ack';
          return value;
        },
        (error: unknown) => {
          outcome = 'error';
          throw error;
        },
      );
      await waitState(chat, (s) => s.status === 'reconnecting' && s.attempt >= 3, 'a third attempt');
      expect(outcome, 'still waiting after several attempts').to.equal(undefined);
      await gw.faults.refuseConnections(0);
      expect((await ack).success).to.equal(true);
      expect(connectionIdOf(chat)).not.to.equal(id);
      expect((await historyTexts(gw, alice, conv)).filter((t) => t === 'sent while away')).to.have.length(1);
    });

    it('an invocation waits at most invocationTimeoutMs, then errors with kind not-connected', async () => {
      const { chat } = await joined(alice, conv, { invocationTimeoutMs: 200 });
      // Refused until released below: a call that waited for the connection would wait ~forever.
      await gw.faults.refuseConnections(60_000);
      await gw.faults.dropConnections({ allowReconnect: true });
      await waitState(chat, (s) => s.status === 'reconnecting', 'reconnecting');
      const started = Date.now();
      const error = hubErrorOf(await errorOf(chat.sendMessage({ conversationId: conv, blocks: textBlocks('gave up') }), 10_000));
      const waited = Date.now() - started;
      expect(error.kind).to.equal('not-connected');
      // At least the 200 ms, and nowhere near the refusal (generous for a slow machine).
      expect(waited).to.be.within(150, 5000);
      await gw.faults.refuseConnections(0);
      await waitState(chat, isConnected(), 'connected again');
      await run(chat.stopTyping(conv));
      expect(await historyTexts(gw, alice, conv)).not.to.include('gave up');
    });
  });
});

describe('ChatHubClient and NotificationHubClient through reconnects', function () {
  this.timeout(20_000);
  let gw: TestGateway;
  let fixture: HubFixture;
  let alice: TestUser;
  let bob: TestUser;
  let conv: string;

  beforeEach(async () => {
    gw = await startHubGateway();
    fixture = new HubFixture(() => gw);
    alice = await newUser(gw, 'alice');
    bob = await newUser(gw, 'bob');
    conv = await createGroup(gw, bob, [alice]);
  });

  afterEach(async () => {
    await fixture.dispose();
    await gw.close();
  });

  interface Scenario {
    readonly chat: ChatHubClient;
    readonly notifications: NotificationHubClient;
    readonly messages: ChatMessageDto[];
    readonly presenceStates: PresenceStateDto[];
    readonly presence: PresenceMap[];
    readonly chatStates: HubConnectionStatus[];
    readonly chatSessions: HubSession[];
  }

  /** Alice: chat joined to `conv`, notifications subscribed to bob's presence (bob offline). */
  async function scenario(
    overrides: { chat?: Partial<HubClientOptions>; notifications?: Partial<HubClientOptions> } = {},
  ): Promise<Scenario> {
    const chat = fixture.chat(alice, overrides.chat);
    const notifications = fixture.notifications(alice, overrides.notifications);
    const s: Scenario = {
      chat,
      notifications,
      messages: fixture.record(chat.on('messageReceived')),
      presenceStates: fixture.record(notifications.on('presenceState')),
      presence: fixture.record(notifications.presence$),
      chatStates: fixture.record(chat.state$),
      chatSessions: fixture.record(chat.sessions$),
    };
    await Promise.all([connect(chat), connect(notifications)]);
    await run(chat.joinConversation(conv));
    await run(notifications.subscribeToPresence([bob.id]));
    expect(s.presenceStates).to.have.length(1);
    expect(s.presence.at(-1)?.get(bob.id)?.isOnline).to.equal(false);
    return s;
  }

  interface Before {
    readonly chatId: string;
    readonly notificationsId: string;
    readonly presenceStates: number;
  }

  function before(s: Scenario): Before {
    return { chatId: connectionIdOf(s.chat), notificationsId: connectionIdOf(s.notifications), presenceStates: s.presenceStates.length };
  }

  /**
   * Both clients connected with new ids, the conversation re-joined (bob's message arrives with
   * no join call from the test) and presence re-subscribed (a new presenceState, then bob
   * coming online shows in presence$).
   */
  async function expectRecovered(s: Scenario, b: Before, label: string): Promise<void> {
    await waitState(s.chat, isConnected(b.chatId), `${label}: chat reconnected`, 8000);
    await waitState(s.notifications, isConnected(b.notificationsId), `${label}: notifications reconnected`, 8000);
    await waitFor(() => s.presenceStates.length > b.presenceStates, 3000, `${label}: presence re-subscribed`);
    expect(s.presenceStates.at(-1)?.map((p) => p.participantId)).to.deep.equal([bob.id]);
    // The re-join was sent when the connection came up, before this call on the same socket.
    await run(s.chat.stopTyping(conv));
    expect([...s.chat.joinedConversations]).to.deep.equal([conv]);
    const text = `after ${label}`;
    await postMessage(gw, bob, conv, text);
    await waitFor(() => s.messages.find((m) => textOf(m) === text), 3000, `${label}: bob's message after the reconnect`);
    const bobNotifications = fixture.notifications(bob);
    await connect(bobNotifications);
    await waitFor(() => s.presence.at(-1)?.get(bob.id)?.isOnline === true, 3000, `${label}: bob online in presence$`);
    await run(bobNotifications.disconnect());
    await waitFor(() => s.presence.at(-1)?.get(bob.id)?.isOnline === false, 3000, `${label}: bob offline in presence$`);
  }

  const faults: Array<[string, (gw: TestGateway) => Promise<void>]> = [
    ['a drop with allowReconnect', (g) => g.faults.dropConnections({ allowReconnect: true })],
    ['a drop without allowReconnect', (g) => g.faults.dropConnections({ allowReconnect: false })],
    ['a drop with an error text', (g) => g.faults.dropConnections({ error: 'maintenance' })],
    ['killed sockets', (g) => g.faults.killSockets()],
    ['a gateway restart', (g) => g.restart()],
  ];
  for (const [label, fault] of faults) {
    it(`recovers from ${label}: events flow, the conversation is re-joined, presence re-subscribed`, async () => {
      const s = await scenario();
      const b = before(s);
      await fault(gw);
      await expectRecovered(s, b, label);
      expect(statusesOf(s.chatStates)).to.include('reconnecting');
      expect(s.chatSessions.map((x) => x.number)).to.deep.equal([1, 2]);
    });
  }

  it('reports reconnecting with the attempt counting up while the gateway refuses, then connects', async () => {
    const s = await scenario();
    const b = before(s);
    // Refused until at least three attempts failed (however slow the machine), then released.
    await gw.faults.refuseConnections(60_000);
    await gw.faults.dropConnections({ allowReconnect: true });
    await waitState(s.chat, (x) => x.status === 'reconnecting' && x.attempt >= 3, 'a third attempt', 10_000);
    await gw.faults.refuseConnections(0);
    await expectRecovered(s, b, 'refused connections');
    const reconnecting = s.chatStates.filter(
      (x): x is Extract<HubConnectionStatus, { status: 'reconnecting' }> => x.status === 'reconnecting',
    );
    expect(reconnecting.length).to.be.at.least(3);
    expect(reconnecting.map((x) => x.attempt)).to.deep.equal(reconnecting.map((_, i) => i + 1));
    expect(reconnecting.map((x) => x.nextDelayMs)).to.deep.equal(reconnecting.map((_, i) => FAST_RECONNECT[Math.min(i, 2)]));
    expect(reconnecting[1]?.reason?.message).to.match(/503|Service Unavailable/i);
    const last = s.chatStates.at(-1);
    expect(last?.status).to.equal('connected');
  });

  it('after a token expiry: 401 at negotiate → refreshToken once per client → reconnected with the new token', async () => {
    const chatAuth = { token: alice.token, refreshes: 0 };
    const notificationAuth = { token: alice.token, refreshes: 0 };
    const refreshing = (auth: { token: string; refreshes: number }) => ({
      accessTokenFactory: () => auth.token,
      refreshToken: () =>
        defer(async () => {
          auth.refreshes += 1;
          auth.token = (await gw.login(alice.username)).token;
          return auth.token;
        }),
    });
    const s = await scenario({ chat: refreshing(chatAuth), notifications: refreshing(notificationAuth) });
    const b = before(s);
    const oldToken = chatAuth.token;
    await gw.faults.expireTokens();
    await relogin(gw, bob);
    await gw.faults.dropConnections({ allowReconnect: true });
    await expectRecovered(s, b, 'token expiry');
    expect(chatAuth.refreshes).to.equal(1);
    expect(notificationAuth.refreshes).to.equal(1);
    expect(chatAuth.token).not.to.equal(oldToken);
    const refreshRetry = s.chatStates.find((x) => x.status === 'reconnecting' && x.nextDelayMs === 0);
    expect(refreshRetry, 'the retry after the refresh is immediate').not.to.equal(undefined);
  });

  it('a refreshToken that gives null ends in failed with kind auth, and connect() errors the same way', async () => {
    let refreshes = 0;
    const chat = fixture.chat(alice, {
      refreshToken: () =>
        defer(() => {
          refreshes += 1;
          return of(null);
        }),
    });
    await connect(chat);
    await gw.faults.expireTokens();
    await gw.faults.dropConnections({ allowReconnect: true });
    const failed = await waitState(chat, (x) => x.status === 'failed', 'failed');
    const error = hubErrorOf(failed.status === 'failed' ? failed.error : undefined);
    expect(error.kind).to.equal('auth');
    expect(refreshes).to.equal(1);
    await sleep(300);
    expect(chat.status.status, 'it stays failed: no more attempts').to.equal('failed');
    expect(refreshes).to.equal(1);
    const again = hubErrorOf(await errorOf(chat.connect()));
    expect(again.kind).to.equal('auth');
    expect(refreshes).to.equal(2);
  });

  it('a refreshToken that completes without a token ends in failed with kind auth (not stuck reconnecting)', async () => {
    const chat = fixture.chat(alice, { refreshToken: () => EMPTY });
    await connect(chat);
    await gw.faults.expireTokens();
    await gw.faults.dropConnections({ allowReconnect: true });
    const failed = await waitState(chat, (x) => x.status === 'failed', 'failed', 3000);
    expect(hubErrorOf(failed.status === 'failed' ? failed.error : undefined).kind).to.equal('auth');
  });

  it('a refreshed token that is refused too ends in failed with kind auth (no refresh loop)', async () => {
    let refreshes = 0;
    const stale = alice.token;
    const chat = fixture.chat(alice, {
      accessTokenFactory: () => stale,
      refreshToken: () =>
        defer(() => {
          refreshes += 1;
          return from(Promise.resolve(stale));
        }),
    });
    await connect(chat);
    await gw.faults.expireTokens();
    await gw.faults.dropConnections({ allowReconnect: true });
    const failed = await waitState(chat, (x) => x.status === 'failed', 'failed');
    expect(hubErrorOf(failed.status === 'failed' ? failed.error : undefined).kind).to.equal('auth');
    // Refused after each refresh: maxAuthRefusals (3 by default) of those in a row, then no more.
    expect(refreshes).to.equal(3);
  });

  it('works through a negotiate redirect (scale-out) and reconnects through it', async () => {
    await gw.close();
    gw = await startHubGateway({ negotiateRedirect: true });
    alice = await newUser(gw, 'alice');
    bob = await newUser(gw, 'bob');
    conv = await createGroup(gw, bob, [alice]);
    const s = await scenario();
    const id = await postMessage(gw, bob, conv, 'via the edge');
    await waitFor(() => s.messages.find((m) => m.id === id), 3000, 'a message through the redirected connection');
    const b = before(s);
    await gw.faults.dropConnections({ allowReconnect: true });
    await expectRecovered(s, b, 'a drop behind a redirect');
  });

  it('after 10 reconnects: no handler registered twice, each event delivered exactly once to each subscriber', async function () {
    // Ten rounds of waits of up to 8 s each: a slow round fails with its named wait, not the mocha timeout.
    this.timeout(120_000);
    const chat = fixture.chat(alice);
    const first = fixture.record(chat.on('messageReceived'));
    const second = fixture.record(chat.on('messageReceived'));
    const sessions = fixture.record(chat.sessions$);
    const rejoined = fixture.record(chat.rejoined$);
    await connect(chat);
    await run(chat.joinConversation(conv));
    const handlers = signalrHandlerCount(chat);
    expect(handlers).to.equal(CHAT_EVENT_COUNT);
    const sent: string[] = [];
    for (let round = 0; round < 10; round++) {
      const previous = connectionIdOf(chat);
      if (round % 3 === 2) await gw.faults.killSockets();
      else await gw.faults.dropConnections({ allowReconnect: round % 2 === 0 });
      await waitState(chat, isConnected(previous), `reconnect ${round + 1}`);
      await run(chat.stopTyping(conv));
      const text = `round ${round}`;
      sent.push(text);
      await postMessage(gw, bob, conv, text);
      await waitFor(() => first.some((m) => textOf(m) === text) && second.some((m) => textOf(m) === text), 3000, text);
    }
    await run(chat.stopTyping(conv));
    sent.push('final');
    await postMessage(gw, bob, conv, 'final');
    await waitFor(() => first.some((m) => textOf(m) === 'final') && second.some((m) => textOf(m) === 'final'), 3000, 'final');
    await sleep(50);
    expect(signalrHandlerCount(chat)).to.equal(handlers);
    expect(first.map(textOf)).to.deep.equal(sent);
    expect(second.map(textOf)).to.deep.equal(sent);
    expect(sessions.map((x) => x.number)).to.deep.equal(Array.from({ length: 11 }, (_, i) => i + 1));
    // One rejoined$ per reconnect (not for the first connect), each after its own session.
    expect(rejoined.map((x) => x.session.number)).to.deep.equal(Array.from({ length: 10 }, (_, i) => i + 2));
    expect(rejoined.every((x) => x.conversationIds.size === 1 && x.conversationIds.has(conv))).to.equal(true);
    expect([...chat.joinedConversations]).to.deep.equal([conv]);
  });

  describe('stateful reconnect (socket-level drops that can resume)', () => {
    let proxy: TcpProxy | undefined;

    afterEach(async () => {
      await proxy?.close();
      proxy = undefined;
    });

    // A TCP proxy in front of the gateway (embedded or external) cuts the sockets.
    it('keeps the connection id, never reports reconnecting, and loses or repeats no event', async () => {
      const tcp = (proxy = await startTcpProxy(Number(new URL(gw.url).port)));
      // Stateful reconnect is a WebSocket feature (SignalR resumes only a WebSocket transport).
      const chat = fixture.chat(alice, { url: `${tcp.url}/hubs/chat`, transport: HttpTransportType.WebSockets });
      const messages = fixture.record(chat.on('messageReceived'));
      const states = fixture.record(chat.state$);
      const sessions = fixture.record(chat.sessions$);
      await connect(chat);
      await run(chat.joinConversation(conv));
      const id = connectionIdOf(chat);
      const total = 30;
      const expected: string[] = [];
      let during: Promise<unknown> | undefined;
      for (let i = 1; i <= total; i++) {
        if (i === 20) {
          // The second drop hits a resumed connection, not the first resume still under way: a
          // new socket through the proxy, and an invocation answered over it.
          await waitFor(() => tcp.openCount >= 1, 10_000, 'the socket of the first resume');
          await run(chat.stopTyping(conv));
        }
        if (i === 10 || i === 20) {
          tcp.dropAll();
          // Sent by the client while its socket is being replaced: buffered and replayed once.
          during ??= run(chat.sendMessage({ conversationId: conv, blocks: textBlocks('from alice during the drop') }));
        }
        const text = `seq ${i}`;
        expected.push(text);
        await postMessage(gw, bob, conv, text);
      }
      await during;
      await waitFor(() => messages.length >= total + 1, 5000, 'every message');
      await run(chat.stopTyping(conv));
      await sleep(50);
      const received = messages.map(textOf);
      expect(
        received.filter((t) => t.startsWith('seq ')),
        'complete and in order',
      ).to.deep.equal(expected);
      expect(received.filter((t) => t === 'from alice during the drop')).to.have.length(1);
      expect(received).to.have.length(total + 1);
      expect(connectionIdOf(chat)).to.equal(id);
      expect(statusesOf(states)).to.deep.equal(['disconnected', 'connecting', 'connected']);
      expect(sessions).to.have.length(1);
      expect((await historyTexts(gw, alice, conv)).filter((t) => t === 'from alice during the drop')).to.have.length(1);
    });

    it('without stateful reconnect the same drop costs a new connection (and a re-join)', async () => {
      const tcp = (proxy = await startTcpProxy(Number(new URL(gw.url).port)));
      const chat = fixture.chat(alice, { url: `${tcp.url}/hubs/chat`, statefulReconnect: false, transport: HttpTransportType.WebSockets });
      const messages = fixture.record(chat.on('messageReceived'));
      const states = fixture.record(chat.state$);
      await connect(chat);
      await run(chat.joinConversation(conv));
      const id = connectionIdOf(chat);
      tcp.dropAll();
      await waitState(chat, isConnected(id), 'a new connection');
      expect(statusesOf(states)).to.include('reconnecting');
      await run(chat.stopTyping(conv));
      await postMessage(gw, bob, conv, 'after the new connection');
      await waitFor(() => messages.find((m) => textOf(m) === 'after the new connection'), 3000, 'the message after the re-join');
    });
  });

  it('a re-join that fails (removed meanwhile) is reported on errors$ and dropped; the others are re-joined', async () => {
    const removedFrom = await createGroup(gw, bob, [alice]);
    const chat = fixture.chat(alice);
    const messages = fixture.record(chat.on('messageReceived'));
    const errors = fixture.record(chat.errors$);
    const rejoined = fixture.record(chat.rejoined$);
    await connect(chat);
    await run(chat.joinConversation(removedFrom));
    await run(chat.joinConversation(conv));
    expect([...chat.joinedConversations]).to.deep.equal([removedFrom, conv]);
    const id = connectionIdOf(chat);

    await gw.faults.refuseConnections(10_000);
    await gw.faults.dropConnections({ allowReconnect: true });
    await waitState(chat, (x) => x.status === 'reconnecting', 'reconnecting');
    await rest(gw, bob, 'DELETE', `/api/conversations/${removedFrom}/participants/${alice.id}`);
    await gw.faults.refuseConnections(0);

    await waitState(chat, isConnected(id), 'reconnected');
    const rejoin = await waitFor(() => errors.find((e) => e.kind === 'rejoin'), 3000, 'the rejoin error');
    expect(rejoin.conversationId).to.equal(removedFrom);
    expect(rejoin.method).to.equal('JoinConversation');
    expect(hubErrorOf(rejoin.cause).kind).to.equal('invocation');
    await waitFor(() => chat.joinedConversations.size === 1, 3000, 'the failed conversation dropped');
    expect([...chat.joinedConversations]).to.deep.equal([conv]);
    const done = await waitFor(() => rejoined[0], 3000, 'rejoined$');
    expect([...done.conversationIds]).to.deep.equal([conv]);
    expect(done.session.previousConnectionId).to.equal(id);
    expect(rejoined).to.have.length(1);
    await run(chat.stopTyping(conv));
    await postMessage(gw, bob, conv, 'still here');
    await waitFor(() => messages.find((m) => textOf(m) === 'still here'), 3000, 'the other conversation re-joined');
    expect(errors.filter((e) => e.kind === 'rejoin')).to.have.length(1);
  });

  it('wakeUp$ cuts a reconnect wait short; its completing does not stop reconnecting', async () => {
    const wakeUp = new Subject<void>();
    const chat = fixture.chat(alice, { reconnectDelays: [60_000], wakeUp$: wakeUp });
    await connect(chat);
    const first = connectionIdOf(chat);
    await gw.faults.dropConnections({ allowReconnect: true });
    await waitState(chat, (x) => x.status === 'reconnecting' && x.nextDelayMs === 60_000, 'a one-minute wait');
    wakeUp.next();
    await waitState(chat, isConnected(first), 'reconnected at once', 3000);

    const ended = fixture.chat(bob, { reconnectDelays: [200], wakeUp$: wakeUp });
    await connect(ended);
    const second = connectionIdOf(ended);
    wakeUp.complete();
    await gw.faults.dropConnections({ allowReconnect: true });
    await waitState(ended, isConnected(second), 'reconnected after the wait', 3000);
  });

  it('disconnect() cancels a pending retry, leaves no timer, and forgets the joins', async function () {
    if (!gw.embedded) this.skip();
    const embedded = gw.embedded;
    const scheduler = new TrackingScheduler();
    const chat = fixture.chat(alice, { reconnectDelays: [300], scheduler });
    const states = fixture.record(chat.state$);
    await connect(chat);
    await run(chat.joinConversation(conv));
    await gw.faults.dropConnections({ allowReconnect: true });
    await waitState(chat, (x) => x.status === 'reconnecting', 'reconnecting');
    expect(scheduler.pending, 'the retry waits on the injected scheduler').to.equal(1);

    await run(chat.disconnect());
    expect(chat.status).to.deep.equal({ status: 'disconnected' });
    expect(scheduler.pending, 'the pending retry was cancelled').to.equal(0);
    expect(chat.joinedConversations.size).to.equal(0);
    const count = states.length;
    await sleep(450);
    expect(chat.status).to.deep.equal({ status: 'disconnected' });
    expect(states.slice(count), 'no state after disconnect').to.deep.equal([]);
    expect(embedded.connectionCount).to.equal(0);
    expect(scheduler.pending).to.equal(0);
  });
});

describe('ChatHubClient.on() with a name that is not a chat hub event (issue 17)', () => {
  const chat = new ChatHubClient({ url: 'http://127.0.0.1:1/hubs/chat' });
  const known = Object.keys(ChatHubEvents);

  function thrownBy(event: string): InvalidArgumentError {
    let thrown: unknown;
    try {
      chat.on(event as never);
    } catch (error) {
      thrown = error;
    }
    expect(InvalidArgumentError.is(thrown), `on('${event}') should throw an InvalidArgumentError, got ${String(thrown)}`).to.equal(true);
    expect(thrown).to.be.instanceOf(InvalidArgumentError);
    return thrown as InvalidArgumentError;
  }

  for (const event of [
    'reconnecting',
    'reconnected',
    'disconnected',
    'close',
    'connected',
    'Reconnecting',
    'RECONNECTED',
    'Close',
    'onclose',
  ]) {
    it(`on('${event}'): InvalidArgumentError naming \`event\`, pointing to state$, listing the known events`, () => {
      const error = thrownBy(event);
      expect(error.name).to.equal('InvalidArgumentError');
      expect(error.argument).to.equal('event');
      expect(error.message).to.match(/^event: /);
      expect(error.message).to.contain(`'${event}'`);
      expect(error.message).to.contain('state$');
      expect(error.message).to.match(/unknown event/);
      for (const name of known) expect(error.message).to.contain(name);
    });
  }

  it('any other unknown name (Object.prototype members included) fails the same way, without pointing to state$', () => {
    for (const event of ['noSuchEvent', 'toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      const error = thrownBy(event);
      expect(error.argument).to.equal('event');
      expect(error.message).to.contain(`'${event}'`);
      expect(error.message).not.to.contain('state$');
      for (const name of known) expect(error.message).to.contain(name);
    }
    expect(signalrHandlerCount(chat)).to.equal(0);
  });

  it('a known event spelled in another case names the right spelling', () => {
    const error = thrownBy('MessageReceived');
    expect(error.message).to.contain("did you mean 'messageReceived'");
    expect(() => chat.on('messageReceived')).not.to.throw();
  });

  it('a name that is not a string fails with InvalidArgumentError too', () => {
    for (const event of [undefined, 42, Symbol('messageReceived')]) {
      let thrown: unknown;
      try {
        chat.on(event as never);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, String(event)).to.be.instanceOf(InvalidArgumentError);
      expect((thrown as InvalidArgumentError).argument).to.equal('event');
    }
  });
});

describe('ChatHubClient construction', () => {
  it('does nothing at construction and rejects an empty url', () => {
    expect(() => new ChatHubClient({ url: '' })).to.throw(TypeError, /url/);
    const chat = new ChatHubClient({ url: 'http://127.0.0.1:1/hubs/chat' });
    expect(chat.status).to.deep.equal({ status: 'disconnected' });
    expect(signalrHandlerCount(chat)).to.equal(0);
    expect(chat.joinedConversations.size).to.equal(0);
  });
});
