/**
 * The conversation feed in virtual time on the fakes of `chat-client-rx/testing`: baselines taken
 * before joins, recoveries after re-joins, failed recoveries tried again, and what is given.
 */
import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import { ConversationFeed, type FeedEvent } from '../../src/streams/conversation-feed.js';
import { FakeChatServer } from '../../src/testing/index.js';
import { chatMessage } from '../testing/kit.js';

function setup(scheduler: TestScheduler) {
  const server = new FakeChatServer({ scheduler });
  for (const id of ['alice', 'bob']) server.addParticipant(id);
  server.addConversation('c1', ['alice', 'bob']);
  server.post('c1', 'bob', 'before');
  const chat = server.chatHub('alice', { reconnectDelays: [0] });
  const history = server.history('alice');
  const reported: unknown[] = [];
  const feed = new ConversationFeed({ chat, history, report: (e) => reported.push(e), scheduler });
  const events: Array<[number, FeedEvent]> = [];
  feed.events$.subscribe((e) => events.push([scheduler.now(), e]));
  const given = (): string[] =>
    events.flatMap(([, e]) =>
      e.type === 'message' ? (e.fresh ? [e.message.plainTextContent ?? ''] : []) : e.missed.map((m) => m.plainTextIndex ?? ''),
    );
  return { server, chat, history, feed, events, given, reported };
}

const newScheduler = (): TestScheduler =>
  new TestScheduler((a, b) => {
    expect(a).to.deep.equal(b);
  });

describe('ConversationFeed (virtual time, testing kit)', () => {
  it('takes the baseline before the join is sent, and recovers what came between them once joined', () => {
    const scheduler = newScheduler();
    scheduler.run(() => {
      const { server, chat, history, feed, given } = setup(scheduler);
      chat.connect().subscribe();
      history.delay(100);
      feed.hold('c1').subscribe();
      // The baseline is on its way (answered at 100 with the newest message at 0: 'before').
      scheduler.schedule(() => {
        expect(chat.invocations.map((i) => i.method)).to.deep.equal([]);
        server.post('c1', 'bob', 'during the join');
      }, 50);
      scheduler.schedule(() => {
        expect(chat.invocations.map((i) => i.method)).to.deep.equal(['JoinConversation']);
        expect(feed.gapLedger.entries.get('c1')?.floor).to.equal(server.messages('c1')[0]?.id);
      }, 101);
      scheduler.schedule(() => server.post('c1', 'bob', 'live'), 500);
      scheduler.schedule(() => expect(given()).to.deep.equal(['during the join', 'live']), 1000);
    });
  });

  it('a recovery that failed for good is tried again after retryFailedRecoveryMs, and pays the debt then', () => {
    const scheduler = newScheduler();
    scheduler.run(() => {
      const { server, chat, history, feed, given, reported } = setup(scheduler);
      chat.connect().subscribe();
      feed.hold('c1').subscribe();
      scheduler.schedule(() => {
        chat.dropConnection();
        server.post('c1', 'bob', 'missed');
        history.failNext(4); // the first try and its three retries (1 s, 2 s, 5 s)
      }, 100);
      scheduler.schedule(() => {
        expect(given()).to.deep.equal([]);
        expect(reported).to.have.length(1);
        expect(feed.gapLedger.entries.get('c1')?.owed).to.not.equal(undefined);
      }, 20_000);
      scheduler.schedule(() => {
        expect(given()).to.deep.equal(['missed']);
        expect(feed.gapLedger.entries.get('c1')?.owed).to.equal(undefined);
      }, 40_000);
    });
  });

  it('gives a message of a conversation neither covered nor joined to nobody', () => {
    const scheduler = newScheduler();
    scheduler.run(() => {
      const { chat, events } = setup(scheduler);
      chat.connect().subscribe();
      scheduler.schedule(() => chat.emit('messageReceived', { ...chatMessage('m900000', 'stray'), conversationId: 'elsewhere' }), 10);
      scheduler.schedule(() => expect(events.map(([, e]) => e.type === 'message' && e.fresh)).to.deep.equal([false]), 20);
    });
  });

  it('a held conversation the hub stopped joining (disconnect) is owed until joined again', () => {
    const scheduler = newScheduler();
    scheduler.run(() => {
      const { server, chat, feed, given } = setup(scheduler);
      const hold = feed.hold('c1').subscribe();
      chat.connect().subscribe();
      scheduler.schedule(() => {
        chat.disconnect().subscribe();
        server.post('c1', 'bob', 'while disconnected');
        expect(feed.gapLedger.entries.get('c1')?.owed).to.not.equal(undefined);
      }, 100);
      scheduler.schedule(() => chat.connect().subscribe(), 200);
      scheduler.schedule(() => {
        expect(given()).to.deep.equal(['while disconnected']);
        hold.unsubscribe();
        expect(feed.gapLedger.entries.has('c1')).to.equal(false);
      }, 300);
    });
  });

  it('one recovery per conversation at a time: a trigger during one runs after it, once', () => {
    const scheduler = newScheduler();
    scheduler.run(() => {
      const { server, chat, history, feed } = setup(scheduler);
      chat.connect().subscribe();
      feed.hold('c1').subscribe();
      scheduler.schedule(() => {
        history.delay(500);
        chat.dropConnection();
        server.post('c1', 'bob', 'one');
        chat.reconnect();
      }, 100);
      scheduler.schedule(() => {
        chat.dropConnection();
        server.post('c1', 'bob', 'two');
        chat.reconnect();
      }, 200);
      const counted: Array<[number, number]> = [];
      for (const at of [150, 250, 599, 601]) scheduler.schedule(() => counted.push([at, history.requests.length]), at);
      scheduler.schedule(() => {
        // The baseline and the recovery after the join (frame 0), the first re-join's recovery
        // (frame 100, answered at 600); the second re-join's (frame 200) waits for it, then runs once.
        expect(counted).to.deep.equal([
          [150, 3],
          [250, 3],
          [599, 3],
          [601, 4],
        ]);
        expect(history.requests.length).to.equal(4);
      }, 5000);
    });
  });
});
