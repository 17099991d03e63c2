import { expect } from 'chai';
import { catchError, concatWith, map, of, switchMap } from 'rxjs';
import type { SendMessageAck } from '../../src/codecs/index.js';
import { InvalidArgumentError } from '../../src/core/invalid-argument-error.js';
import { HubError } from '../../src/hubs/hub-error.js';
import type { FakeChatHub, FakeChatServer } from '../../src/testing/index.js';
import { act, chatMessage, hubSend, newScheduler, record, statusOf, world } from './kit.js';

/** Connects and joins the conversations, in order. */
function connectAndJoin(chat: FakeChatHub, ...conversationIds: string[]): void {
  chat
    .connect()
    .pipe(concatWith(...conversationIds.map((id) => chat.joinConversation(id))))
    .subscribe();
}

/** What an Observable ended with: `ok:<value>` or `<HubError kind>`. */
const outcome = <T>(label: (value: T) => string) => ({
  ok: map(label),
  err: catchError((e: unknown) => of(HubError.is(e) ? `${e.kind}${e.errorCode ? `:${e.errorCode}` : ''}` : `other:${String(e)}`)),
});

const texts = (chat: FakeChatHub) => chat.on('messageReceived').pipe(map((m) => m.plainTextContent));

describe('FakeChatHub', () => {
  let server: FakeChatServer;

  it('connects at once: connecting, connected with fake-conn-1, session 1', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      server = world(scheduler);
      const chat = server.chatHub('alice');
      const states = record(scheduler, chat.state$.pipe(map(statusOf)));
      expectObservable(chat.sessions$).toBe('-s', { s: { connectionId: 'fake-conn-1', previousConnectionId: null, number: 1 } });
      expectObservable(cold('-(c|)').pipe(switchMap(() => chat.connect()))).toBe('-(c|)', { c: undefined });
      scheduler.flush();
      expect(states).to.deep.equal([
        [0, 'disconnected'],
        [1, 'connecting:1'],
        [1, 'connected:fake-conn-1'],
      ]);
    });
  });

  it('fails invocations before connect() with not-connected, and refuses a non-member join (invocation) without tracking it', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      server = world(scheduler);
      const chat = server.chatHub('mallory');
      const { ok, err } = outcome(() => 'joined');
      expectObservable(chat.joinConversation('general').pipe(ok, err)).toBe('(e|)', { e: 'not-connected' });
      expectObservable(
        cold('--(a|)').pipe(
          switchMap(() => chat.joinConversation('general')),
          ok,
          err,
        ),
      ).toBe('--(e|)', { e: 'invocation' });
      act(cold, '-c', { c: () => chat.connect().subscribe() });
      scheduler.flush();
      expect(chat.joinedConversations.size).to.equal(0);
      expect(chat.invocations).to.deep.equal([{ method: 'JoinConversation', args: ['general'] }]);
    });
  });

  it('delivers what the server broadcasts to a joined conversation, decoded (sender name from the server)', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      server = world(scheduler);
      const chat = server.chatHub('alice');
      expectObservable(chat.on('messageReceived').pipe(map((m) => `${m.id}:${m.senderName}:${m.conversationId}`))).toBe('---a', {
        a: 'm000002:Bob:general',
      });
      act(cold, '-jab', {
        j: () => connectAndJoin(chat, 'general'),
        a: () => server.post('random', 'bob', 'not joined'),
        b: () => server.post('general', 'bob', 'joined'),
      });
    });
  });

  it('drop without resume: loses what is broadcast meanwhile, then a new session re-joins and says so on rejoined$', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      server = world(scheduler);
      const chat = server.chatHub('alice');
      expectObservable(texts(chat)).toBe('--a---c', { a: 'one', c: 'three' });
      expectObservable(chat.sessions$.pipe(map((s) => `${s.number}:${s.connectionId}<${s.previousConnectionId}`))).toBe('-x---y', {
        x: '1:fake-conn-1<null',
        y: '2:fake-conn-2<fake-conn-1',
      });
      expectObservable(chat.rejoined$.pipe(map((e) => `${e.session.number}:${[...e.conversationIds].join(',')}`))).toBe('-----r', {
        r: '2:general',
      });
      const states = record(scheduler, chat.state$.pipe(map(statusOf)));
      act(cold, '-jadbrc', {
        j: () => connectAndJoin(chat, 'general'),
        a: () => server.post('general', 'bob', 'one'),
        d: () => chat.dropConnection(),
        b: () => server.post('general', 'bob', 'two'),
        r: () => chat.reconnect(),
        c: () => server.post('general', 'bob', 'three'),
      });
      scheduler.flush();
      expect(states.filter(([frame]) => frame >= 3)).to.deep.equal([
        [3, 'reconnecting:1/0'],
        [5, 'connected:fake-conn-2'],
      ]);
      expect(chat.invocations.map((i) => i.method)).to.deep.equal(['JoinConversation', 'JoinConversation']);
      expect(server.messages('general').map((m) => m.plainTextIndex)).to.deep.equal(['one', 'two', 'three']);
    });
  });

  it('drop with resume: the same connection id comes back, the buffered messages arrive then, no new session', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      server = world(scheduler);
      const chat = server.chatHub('alice');
      expectObservable(texts(chat)).toBe('------(bc)', { b: 'two', c: 'three' });
      expectObservable(chat.sessions$.pipe(map((s) => s.number))).toBe('-1', { 1: 1 });
      const states = record(scheduler, chat.state$.pipe(map(statusOf)));
      act(cold, '-jdbc-r', {
        j: () => connectAndJoin(chat, 'general'),
        d: () => chat.dropConnection({ resume: true }),
        b: () => server.post('general', 'bob', 'two'),
        c: () => server.post('general', 'bob', 'three'),
        r: () => chat.reconnect(),
      });
      scheduler.flush();
      expect(states.filter(([frame]) => frame >= 2)).to.deep.equal([
        [2, 'reconnecting:1/0'],
        [6, 'connected:fake-conn-1'],
      ]);
      expect(chat.invocations).to.have.length(1);
    });
  });

  it('killSocket: stays connected while messages and answers are lost, until noticeLoss() makes it a drop', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      server = world(scheduler);
      const chat = server.chatHub('alice');
      expectObservable(texts(chat)).toBe('---------a', { a: 'after' });
      const { ok, err } = outcome((ack: SendMessageAck) => `ok:${ack.messageId}`);
      // Sent at frame 4 into the dead socket: no answer until the loss is noticed at frame 6.
      expectObservable(
        cold('----(s|)').pipe(
          switchMap(() => chat.sendMessage(hubSend('general', 'into the void'))),
          ok,
          err,
        ),
      ).toBe('------(e|)', { e: 'not-connected' });
      const states = record(scheduler, chat.state$.pipe(map(statusOf)));
      act(cold, '-jkl--n-rp', {
        j: () => connectAndJoin(chat, 'general'),
        k: () => chat.killSocket(),
        l: () => server.post('general', 'bob', 'lost'),
        n: () => chat.noticeLoss(),
        r: () => chat.reconnect(),
        p: () => server.post('general', 'bob', 'after'),
      });
      scheduler.flush();
      expect(states.filter(([frame]) => frame >= 2)).to.deep.equal([
        [6, 'reconnecting:1/0'],
        [8, 'connected:fake-conn-2'],
      ]);
      expect(server.messages('general').map((m) => m.plainTextIndex)).to.deep.equal(['lost', 'after']);
    });
  });

  it('notices a killed socket by itself after serverTimeoutMs and reconnects after reconnectDelays', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold }) => {
      server = world(scheduler);
      const chat = server.chatHub('alice', { serverTimeoutMs: 5, reconnectDelays: [3] });
      const states = record(scheduler, chat.state$.pipe(map(statusOf)));
      act(cold, '-ck', { c: () => chat.connect().subscribe(), k: () => chat.killSocket() });
      scheduler.flush();
      expect(states.filter(([frame]) => frame >= 2)).to.deep.equal([
        [7, 'reconnecting:1/3'],
        [10, 'connected:fake-conn-2'],
      ]);
    });
  });

  it('drops a conversation it may no longer join from tracking and reports it on errors$ (rejoin), re-joining the others', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      server = world(scheduler);
      const chat = server.chatHub('alice');
      expectObservable(chat.errors$.pipe(map((e) => `${e.kind}:${e.conversationId}:${(e.cause as HubError).kind}`))).toBe('----e', {
        e: 'rejoin:general:invocation',
      });
      expectObservable(chat.rejoined$.pipe(map((e) => [...e.conversationIds]))).toBe('----r', { r: ['random'] });
      act(cold, '-jdxr', {
        j: () => connectAndJoin(chat, 'general', 'random'),
        d: () => chat.dropConnection(),
        x: () => server.removeMember('general', 'alice'),
        r: () => chat.reconnect(),
      });
      scheduler.flush();
      expect([...chat.joinedConversations]).to.deep.equal(['random']);
    });
  });

  it('keeps tracking a conversation whose re-join was cut off (not-connected), and re-joins it next time', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      server = world(scheduler);
      const chat = server.chatHub('alice');
      const cutOff = new HubError('not-connected', 'chat hub: the connection closed', { hub: 'chat' });
      expectObservable(chat.rejoined$.pipe(map((e) => [...e.conversationIds]))).toBe('---a-b', { a: [], b: ['general'] });
      expectObservable(chat.errors$.pipe(map((e) => e.kind))).toBe('---e', { e: 'rejoin' });
      act(cold, '-jdrdr', {
        j: () => connectAndJoin(chat, 'general'),
        d: () => chat.dropConnection(),
        r: () => {
          if (chat.invocations.length === 1) chat.failNextJoin('general', cutOff);
          chat.reconnect();
        },
      });
      scheduler.flush();
      expect([...chat.joinedConversations]).to.deep.equal(['general']);
    });
  });

  it('reports a malformed payload on errors$ (decode) while the stream goes on', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      server = world(scheduler);
      const chat = server.chatHub('alice');
      expectObservable(texts(chat)).toBe('-a-b', { a: 'first', b: 'third' });
      expectObservable(chat.errors$.pipe(map((e) => `${e.kind}:${e.event}:${JSON.stringify(e.raw)}`))).toBe('--e', {
        e: 'decode:messageReceived:{"id":5}',
      });
      act(cold, '-abc', {
        a: () => chat.emit('messageReceived', chatMessage('x1', 'first')),
        b: () => chat.emit('messageReceived', { id: 5 }),
        c: () => chat.emit('messageReceived', chatMessage('x3', 'third')),
      });
    });
  });

  it('throws InvalidArgumentError for an unknown event name, pointing lifecycle names to state$', () => {
    const chat = world(newScheduler()).chatHub('alice');
    const on = chat.on.bind(chat) as (name: string) => unknown;
    expect(() => on('reconnected')).to.throw(InvalidArgumentError, 'subscribe to state$ instead');
    expect(() => on('MessageReceived')).to.throw(InvalidArgumentError, "did you mean 'messageReceived'");
    expect(() => chat.emit('nope' as 'error', {})).to.throw(InvalidArgumentError);
    expect(chat.on('messageReceived')).to.equal(chat.on('messageReceived'));
  });

  it('refuses connections: reconnecting attempt by attempt, then failed, and connect() errors; it connects once allowed', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      server = world(scheduler);
      const chat = server.chatHub('alice', { maxReconnectAttempts: 2 });
      chat.refuseConnections(true);
      const { ok, err } = outcome(() => 'connected');
      // connect() at frame 2 is refused, so are the attempts at 3 and 4: failed. Allowed again at 6, connect() at 6 connects.
      expectObservable(
        cold('--(a|)').pipe(
          switchMap(() => chat.connect()),
          ok,
          err,
        ),
      ).toBe('----(e|)', { e: 'connection' });
      expectObservable(
        cold('------(a|)').pipe(
          switchMap(() => chat.connect()),
          ok,
          err,
        ),
      ).toBe('------(c|)', { c: 'connected' });
      const states = record(scheduler, chat.state$.pipe(map(statusOf)));
      act(cold, '---rr-a', { r: () => chat.reconnect(), a: () => chat.refuseConnections(false) });
      scheduler.flush();
      expect(states).to.deep.equal([
        [0, 'disconnected'],
        [2, 'connecting:1'],
        [2, 'reconnecting:1/0'],
        [3, 'reconnecting:2/0'],
        [4, 'failed:connection'],
        [6, 'connecting:1'],
        [6, 'connected:fake-conn-1'],
      ]);
    });
  });

  it('retries on reconnectDelays (the last repeats) while refused', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      server = world(scheduler);
      const chat = server.chatHub('alice', { reconnectDelays: [2, 4] });
      chat.refuseConnections(true);
      expectObservable(cold('-a|').pipe(switchMap(() => chat.connect()))).toBe('-----------(c|)', { c: undefined });
      const states = record(scheduler, chat.state$.pipe(map(statusOf)));
      act(cold, '--------a', { a: () => chat.refuseConnections(false) });
      scheduler.flush();
      expect(states.slice(2)).to.deep.equal([
        [1, 'reconnecting:1/2'],
        [3, 'reconnecting:2/4'],
        [7, 'reconnecting:3/4'],
        [11, 'connected:fake-conn-1'],
      ]);
    });
  });

  it('acks sendMessage through the server; a refused send errors with a HubError of kind ack and its errorCode', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      server = world(scheduler);
      server.addConversation('private', ['bob']);
      const chat = server.chatHub('alice');
      const { ok, err } = outcome((ack: SendMessageAck) => JSON.stringify(ack));
      expectObservable(
        cold('-(a|)').pipe(
          switchMap(() => chat.sendMessage(hubSend('general', 'hi', 'c1'))),
          ok,
          err,
        ),
      ).toBe('-(a|)', {
        a: JSON.stringify({ success: true, messageId: 'm000001', createdAt: '1970-01-01T00:00:00.001Z', clientMessageId: 'c1' }),
      });
      expectObservable(
        cold('--(a|)').pipe(
          switchMap(() => chat.sendMessage(hubSend('private', 'hi'))),
          ok,
          err,
        ),
      ).toBe('--(e|)', {
        e: 'ack:FORBIDDEN',
      });
      chat.connect().subscribe();
    });
  });

  it('answers invocationDelayMs later; a drop before the answer errors not-connected although the server acted', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      server = world(scheduler);
      const chat = server.chatHub('alice', { invocationDelayMs: 3 });
      const { ok, err } = outcome((ack: SendMessageAck) => `ok:${ack.messageId}`);
      // Sent at 1, answered at 4. Sent at 5, due at 8, cut off by the drop at 7.
      expectObservable(
        cold('-(a|)').pipe(
          switchMap(() => chat.sendMessage(hubSend('general', 'one'))),
          ok,
          err,
        ),
      ).toBe('----(a|)', {
        a: 'ok:m000001',
      });
      expectObservable(
        cold('-----(a|)').pipe(
          switchMap(() => chat.sendMessage(hubSend('general', 'two'))),
          ok,
          err,
        ),
      ).toBe('-------(e|)', {
        e: 'not-connected',
      });
      chat.connect().subscribe();
      act(cold, '-------d', { d: () => chat.dropConnection() });
      scheduler.flush();
      expect(server.messages('general').map((m) => m.plainTextIndex)).to.deep.equal(['one', 'two']);
    });
  });

  it('sends typing to the other joined connections only, and disconnect() forgets the joins', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      server = world(scheduler);
      const alice = server.chatHub('alice');
      const bob = server.chatHub('bob');
      expectObservable(bob.on('typingStarted').pipe(map((t) => `${t.participantName}@${t.conversationId}`))).toBe('--t', {
        t: 'Alice@general',
      });
      expectObservable(alice.on('typingStarted')).toBe('---');
      expectObservable(alice.joinedConversations$.pipe(map((s) => [...s].join(',')))).toBe('ab-c', { a: '', b: 'general', c: '' });
      act(cold, '-jtd', {
        j: () => {
          connectAndJoin(alice, 'general');
          connectAndJoin(bob, 'general');
        },
        t: () => alice.startTyping('general').subscribe(),
        d: () => alice.disconnect().subscribe(),
      });
      scheduler.flush();
      expect(alice.status).to.deep.equal({ status: 'disconnected' });
    });
  });
});
