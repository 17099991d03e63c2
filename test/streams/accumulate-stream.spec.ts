import { expect } from 'chai';
import fc from 'fast-check';
import { map, Subject, type Subscription, VirtualTimeScheduler } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  accumulateStreams,
  type ActiveStream,
  botStreamEvents,
  type BotStream,
  type BotStreamEvent,
  type BotStreamsState,
  createBotStreamsState,
  initialBotStreamsState,
  reduceBotStreams,
  type StreamEventSource,
} from '../../src/streams/accumulate-stream.js';
import { aborted, BOT, botMessage, chunk, completed, CONV, started, status } from './fixtures.js';

function newScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => {
    expect(actual).to.deep.equal(expected);
  });
}

/** What a test cares about in an emitted stream, as one comparable line. */
const summary = (s: BotStream): string => `${s.streamId}|${s.phase}|${s.text}|${s.chunkCount}${s.reason !== null ? `|${s.reason}` : ''}`;

/** The client's own event for a stream whose end may have been lost with the connection. */
const interrupted = (streamId: string): BotStreamEvent => ({
  type: 'interrupted',
  dto: { streamId, messageId: `msg-${streamId}`, conversationId: CONV, reason: 'lost' },
});

/** Folds events through the reducer from the initial state. */
function fold(events: readonly BotStreamEvent[], from: BotStreamsState = initialBotStreamsState): BotStreamsState {
  return events.reduce(reduceBotStreams, from);
}

describe('accumulateStreams (marbles)', () => {
  it('appends chunks in order, then completes with the final message; subscribes once and unsubscribes on complete', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const final = botMessage(50, 'You said: hello');
      const source = cold('-a-b-c-d-e-|', {
        a: started('s1'),
        b: status('s1', 'thinking'),
        c: chunk('s1', 0, 'You said: '),
        d: chunk('s1', 1, 'hello'),
        e: completed('s1', final),
      });
      expectObservable(source.pipe(accumulateStreams(), map(summary))).toBe('-a-b-c-d-e-|', {
        a: 's1|streaming||0',
        b: 's1|streaming||0',
        c: 's1|streaming|You said: |1',
        d: 's1|streaming|You said: hello|2',
        e: 's1|completed|You said: hello|2',
      });
      expectSubscriptions(source.subscriptions).toBe('^----------!');
    });
  });

  it('interruptions$ ends every stream under way as aborted with its reason; a completion that still comes applies', () => {
    newScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const final = botMessage(50, 'AB');
      const source = cold('-a-b------c-|', { a: chunk('s1', 0, 'A'), b: chunk('s2', 0, 'X'), c: completed('s1', final) });
      const interruptions = hot('-----r--------', { r: 'lost' });
      expectObservable(source.pipe(accumulateStreams({ interruptions$: interruptions }), map(summary))).toBe('-a-b-(xy)-c-|', {
        a: 's1|streaming|A|1',
        b: 's2|streaming|X|1',
        x: 's1|aborted|A|1|lost',
        y: 's2|aborted|X|1|lost',
        c: 's1|completed||0',
      });
      // Listened to only while the source runs: the source's completion ends it.
      expectSubscriptions(interruptions.subscriptions).toBe('^-----------!');
    });
  });

  it('carries sender, status and the final message; the completed stream keeps the placeholder id (the final id is on message)', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const final = botMessage(50, 'hi');
      const source = cold('-a-b-c-|', { a: started('s1'), b: status('s1', 'thinking'), c: completed('s1', final) });
      expectObservable(
        source.pipe(
          accumulateStreams(),
          map((s) => ({ senderId: s.senderId, status: s.status, messageId: s.messageId, message: s.message?.id ?? null })),
        ),
      ).toBe('-a-b-c-|', {
        a: { senderId: BOT, status: null, messageId: 'msg-s1', message: null },
        b: { senderId: BOT, status: 'thinking', messageId: 'msg-s1', message: null },
        c: { senderId: BOT, status: 'thinking', messageId: 'msg-s1', message: final.id },
      });
    });
  });

  it('holds an early chunk until the gap before it fills (no emission for the early one)', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-c-d-b-|', {
        a: chunk('s1', 0, 'A'),
        c: chunk('s1', 2, 'C'),
        d: chunk('s1', 3, 'D'),
        b: chunk('s1', 1, 'B'),
      });
      expectObservable(source.pipe(accumulateStreams(), map(summary))).toBe('-a-----b-|', {
        a: 's1|streaming|A|1',
        b: 's1|streaming|ABCD|4',
      });
      expectSubscriptions(source.subscriptions).toBe('^--------!');
    });
  });

  it('ignores duplicated chunks, whether already applied or still waiting', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('-a-a-c-c-b-b-|', { a: chunk('s1', 0, 'A'), b: chunk('s1', 1, 'B'), c: chunk('s1', 2, 'C') });
      expectObservable(source.pipe(accumulateStreams(), map(summary))).toBe('-a-------b---|', {
        a: 's1|streaming|A|1',
        b: 's1|streaming|ABC|3',
      });
    });
  });

  it('ignores a repeated status with the same text and detail, emits a new one', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('-a-a-b-|', { a: status('s1', 'thinking'), b: status('s1', 'writing') });
      expectObservable(
        source.pipe(
          accumulateStreams(),
          map((s) => s.status),
        ),
      ).toBe('-a---b-|', { a: 'thinking', b: 'writing' });
    });
  });

  it('keeps the partial text with the reason when aborted', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('-a-b-c-|', { a: chunk('s1', 0, 'You '), b: chunk('s1', 1, 'said'), c: aborted('s1', 'bot_timeout') });
      expectObservable(source.pipe(accumulateStreams(), map(summary))).toBe('-a-b-c-|', {
        a: 's1|streaming|You |1',
        b: 's1|streaming|You said|2',
        c: 's1|aborted|You said|2|bot_timeout',
      });
    });
  });

  it('releases a finished stream: late duplicates of its events (chunks, status, completion, abort) emit nothing', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const final = botMessage(50, 'AB');
      const source = cold('-a-b-c-a-b-d-c-e-f-|', {
        a: chunk('s1', 0, 'A'),
        b: chunk('s1', 1, 'B'),
        c: completed('s1', final),
        d: status('s1', 'thinking'),
        e: aborted('s1', 'late'),
        f: started('s1'),
      });
      expectObservable(source.pipe(accumulateStreams(), map(summary))).toBe('-a-b-c-------------|', {
        a: 's1|streaming|A|1',
        b: 's1|streaming|AB|2',
        c: 's1|completed|AB|2',
      });
    });
  });

  it('keeps two interleaved streams apart', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('-a-x-b-z-y-c-w-|', {
        a: chunk('s1', 0, 'one '),
        x: chunk('s2', 0, 'uno '),
        b: chunk('s1', 1, 'two'),
        z: chunk('s2', 2, 'tres'),
        y: chunk('s2', 1, 'dos '),
        c: completed('s1', botMessage(60, 'one two')),
        w: aborted('s2', 'cancelled'),
      });
      expectObservable(source.pipe(accumulateStreams(), map(summary))).toBe('-a-x-b---y-c-w-|', {
        a: 's1|streaming|one |1',
        x: 's2|streaming|uno |1',
        b: 's1|streaming|one two|2',
        y: 's2|streaming|uno dos tres|3',
        c: 's1|completed|one two|2',
        w: 's2|aborted|uno dos tres|3|cancelled',
      });
    });
  });

  it('passes an error through and unsubscribes from the source', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-#', { a: chunk('s1', 0, 'A') }, 'boom');
      expectObservable(source.pipe(accumulateStreams(), map(summary))).toBe('-a-#', { a: 's1|streaming|A|1' }, 'boom');
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('unsubscribes from a hot source when the subscriber leaves, and a new subscriber starts from a clean state', () => {
    newScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-a-b-c-d-|', { a: chunk('s1', 0, 'A'), b: chunk('s1', 1, 'B'), c: chunk('s1', 2, 'C'), d: chunk('s1', 3, 'D') });
      const result = source.pipe(accumulateStreams(), map(summary));
      expectObservable(result, '^--!').toBe('-a-', { a: 's1|streaming|A|1' });
      // Joining at frame 4 (after chunks 0 and 1) this subscriber's state has chunk 2 as early: nothing until a gap fills.
      expectObservable(result, '----^---').toBe('---------|');
      expectSubscriptions(source.subscriptions).toBe(['^--!', '----^----!']);
    });
  });
});

describe('accumulateStreams bounds (marbles)', () => {
  it('gives a stream up after idleTimeoutMs without an event (aborted, with the reason); any event of it restarts the wait; later chunks are ignored, the completion applies', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b-c------d-e-|', {
        a: chunk('s1', 0, 'A'),
        b: chunk('s2', 0, 'X'),
        c: chunk('s2', 2, 'Z'), // early: emits nothing, but s2 is alive
        d: chunk('s1', 1, 'B'),
        e: completed('s1', botMessage(50, 'AB')),
      });
      expectObservable(source.pipe(accumulateStreams({ idleTimeoutMs: 5 }), map(summary))).toBe('-a-b--x---y---e-|', {
        a: 's1|streaming|A|1',
        b: 's2|streaming|X|1',
        x: 's1|aborted|A|1|the reply got no event for 5 ms',
        y: 's2|aborted|X|1|the reply got no event for 5 ms',
        e: 's1|completed||0',
      });
      expectSubscriptions(source.subscriptions).toBe('^---------------!');
    });
  });

  it('gives a silent stream up after 5 minutes by default, and never with idleTimeoutMs: Infinity', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('-a 300000ms |', { a: chunk('s1', 0, 'A') });
      expectObservable(source.pipe(accumulateStreams(), map(summary))).toBe('-a 299999ms x |', {
        a: 's1|streaming|A|1',
        x: 's1|aborted|A|1|the reply got no event for 300000 ms',
      });
      expectObservable(source.pipe(accumulateStreams({ idleTimeoutMs: Infinity }), map(summary))).toBe('-a 300000ms |', {
        a: 's1|streaming|A|1',
      });
    });
  });

  it('maxChunks: a chunk whose index reaches it ends the stream aborted with the text so far; later chunks are ignored, the completion applies', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('-a-b-c-d-e-f-|', {
        a: chunk('s1', 0, 'A'),
        b: chunk('s1', 1, 'B'),
        c: chunk('s1', 2, 'C'),
        d: chunk('s1', 3, 'D'),
        e: chunk('s1', 4, 'E'),
        f: completed('s1', botMessage(50, 'ABCDE')),
      });
      expectObservable(source.pipe(accumulateStreams({ maxChunks: 3 }), map(summary))).toBe('-a-b-c-d---f-|', {
        a: 's1|streaming|A|1',
        b: 's1|streaming|AB|2',
        c: 's1|streaming|ABC|3',
        d: 's1|aborted|ABC|3|the reply exceeded 3 chunks (maxChunks)',
        f: 's1|completed||0',
      });
    });
  });

  it('maxTextLength counts the text and the chunks waiting: a chunk that would hold more ends the stream; exactly the bound is fine', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('-a-b-c-d-|', {
        a: chunk('s1', 0, 'AB'),
        b: chunk('s1', 2, 'EF'),
        c: chunk('s1', 1, 'CD'),
        d: chunk('s1', 3, 'G'),
      });
      expectObservable(source.pipe(accumulateStreams({ maxTextLength: 5 }), map(summary))).toBe('-a---c---|', {
        a: 's1|streaming|AB|1',
        c: 's1|aborted|AB|1|the reply exceeded 5 characters (maxTextLength)',
      });
      expectObservable(source.pipe(accumulateStreams({ maxTextLength: 7 }), map(summary))).toBe('-a---c-d-|', {
        a: 's1|streaming|AB|1',
        c: 's1|streaming|ABCDEF|3',
        d: 's1|streaming|ABCDEFG|4',
      });
    });
  });

  it('maxStreams: a new stream beyond it ends the one changed least recently first (emitted before the new one); its later chunks are ignored, its completion applies', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('-a-b-c-d------e-f-|', {
        a: chunk('s1', 0, 'A'),
        b: chunk('s2', 0, 'X'),
        c: chunk('s1', 1, 'B'), // s1 is now the most recent
        d: chunk('s3', 0, 'Q'),
        e: chunk('s2', 1, 'Y'),
        f: completed('s2', botMessage(60, 'XY')),
      });
      expectObservable(source.pipe(accumulateStreams({ maxStreams: 2 }), map(summary))).toBe('-a-b-c-(xd)-----f-|', {
        a: 's1|streaming|A|1',
        b: 's2|streaming|X|1',
        c: 's1|streaming|AB|2',
        x: 's2|aborted|X|1|more than 2 replies were streaming at once (maxStreams)',
        d: 's3|streaming|Q|1',
        f: 's2|completed||0',
      });
    });
  });

  it('runs one idle timer on the given scheduler, only while a stream is under way; unsubscribing cancels it', () => {
    const virtual = new VirtualTimeScheduler();
    const events = new Subject<BotStreamEvent>();
    const seen: string[] = [];
    const subscription: Subscription = events
      .pipe(accumulateStreams({ idleTimeoutMs: 100, scheduler: virtual }))
      .subscribe((s) => seen.push(summary(s)));
    const timers = (): number => virtual.actions.length;
    expect(timers()).to.equal(0);
    events.next(chunk('s1', 0, 'A'));
    expect(timers()).to.equal(1);
    events.next(chunk('s2', 0, 'X'));
    events.next(chunk('s1', 1, 'B'));
    expect(timers()).to.equal(1);
    events.next(completed('s1', botMessage(50, 'AB')));
    expect(timers()).to.equal(1);
    events.next(aborted('s2', 'r'));
    expect(timers()).to.equal(0);
    events.next(chunk('s3', 0, 'Q'));
    virtual.flush();
    expect(virtual.now()).to.equal(100);
    expect(timers()).to.equal(0);
    events.next(chunk('s4', 0, 'W'));
    expect(timers()).to.equal(1);
    subscription.unsubscribe();
    expect(timers()).to.equal(0);
    expect(seen).to.deep.equal([
      's1|streaming|A|1',
      's2|streaming|X|1',
      's1|streaming|AB|2',
      's1|completed|AB|2',
      's2|aborted|X|1|r',
      's3|streaming|Q|1',
      's3|aborted|Q|1|the reply got no event for 100 ms',
      's4|streaming|W|1',
    ]);
  });

  it('rejects bounds that are not numbers ≥ 1 (maxTextLength and idleTimeoutMs ≥ 0), at once', () => {
    expect(() => accumulateStreams({ maxStreams: 0 })).to.throw(RangeError, 'maxStreams');
    expect(() => accumulateStreams({ maxChunks: Number.NaN })).to.throw(RangeError, 'maxChunks');
    expect(() => accumulateStreams({ maxTextLength: -1 })).to.throw(RangeError, 'maxTextLength');
    expect(() => accumulateStreams({ idleTimeoutMs: -1 })).to.throw(RangeError, 'idleTimeoutMs');
    expect(() => accumulateStreams({ maxChunks: Infinity, maxTextLength: 0, maxStreams: 1, idleTimeoutMs: 0 })).not.to.throw();
    expect(createBotStreamsState({ maxStreams: 3 }).limits).to.deep.equal({ maxChunks: 100_000, maxTextLength: 2_000_000, maxStreams: 3 });
  });
});

describe('botStreamEvents', () => {
  it('merges the five hub events tagged by type, subscribing to each while subscribed', () => {
    newScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const a = started('s1');
      const b = status('s1', 'thinking');
      const c = chunk('s1', 0, 'A');
      const d = completed('s1', botMessage(50, 'A'));
      const e = aborted('s2', 'x');
      const sources = {
        streamStarted: hot('-a------', { a: a.dto }),
        streamStatusUpdated: hot('--b-----', { b: b.dto }),
        streamChunkReceived: hot('---c----', { c: c.dto }),
        streamCompleted: hot('----d---', { d: d.dto }),
        streamAborted: hot('-----e--', { e: e.dto }),
      };
      const chat = { on: (event: keyof typeof sources) => sources[event] } as unknown as StreamEventSource;
      expectObservable(botStreamEvents(chat), '^------!').toBe('-abcde--', { a, b, c, d, e });
      for (const source of Object.values(sources)) expectSubscriptions(source.subscriptions).toBe('^------!');
    });
  });
});

describe('reduceBotStreams (table)', () => {
  const final = botMessage(50, 'AB');
  const cases: ReadonlyArray<{
    name: string;
    events: BotStreamEvent[];
    changed: string | null;
    active: string[];
    early?: number[];
    finished?: string[];
    dropped?: string[];
  }> = [
    { name: 'a first chunk opens the stream', events: [chunk('s1', 0, 'A')], changed: 's1|streaming|A|1', active: ['s1'] },
    { name: 'an early chunk waits (changed null)', events: [chunk('s1', 1, 'B')], changed: null, active: ['s1'], early: [1] },
    {
      name: 'a duplicate applied chunk changes nothing',
      events: [chunk('s1', 0, 'A'), chunk('s1', 0, 'A')],
      changed: null,
      active: ['s1'],
    },
    {
      name: 'a duplicate waiting chunk changes nothing',
      events: [chunk('s1', 2, 'C'), chunk('s1', 2, 'C')],
      changed: null,
      active: ['s1'],
      early: [2],
    },
    {
      name: 'the gap filling releases every waiting chunk in order',
      events: [chunk('s1', 2, 'C'), chunk('s1', 1, 'B'), chunk('s1', 0, 'A')],
      changed: 's1|streaming|ABC|3',
      active: ['s1'],
      early: [],
    },
    {
      name: 'a filled gap releases only up to the next gap',
      events: [chunk('s1', 1, 'B'), chunk('s1', 3, 'D'), chunk('s1', 0, 'A')],
      changed: 's1|streaming|AB|2',
      active: ['s1'],
      early: [3],
    },
    {
      name: 'completion releases the stream',
      events: [chunk('s1', 0, 'A'), completed('s1', final)],
      changed: 's1|completed|A|1',
      active: [],
      finished: ['s1'],
    },
    {
      name: 'abort releases the stream and keeps the text',
      events: [chunk('s1', 0, 'A'), aborted('s1', 'r')],
      changed: 's1|aborted|A|1|r',
      active: [],
      finished: ['s1'],
    },
    {
      name: 'an event after completion is ignored',
      events: [completed('s1', final), chunk('s1', 0, 'A')],
      changed: null,
      active: [],
      finished: ['s1'],
    },
    {
      name: 'another stream stays active when one finishes',
      events: [chunk('s1', 0, 'A'), chunk('s2', 0, 'B'), aborted('s1', 'r')],
      changed: 's1|aborted|A|1|r',
      active: ['s2'],
      finished: ['s1'],
    },
    { name: 'started before any chunk gives an empty streaming text', events: [started('s1')], changed: 's1|streaming||0', active: ['s1'] },
    {
      name: 'an interruption (connection lost) aborts with its reason and releases, not remembered as finished but as dropped',
      events: [chunk('s1', 0, 'A'), interrupted('s1')],
      changed: 's1|aborted|A|1|lost',
      active: [],
      finished: [],
      dropped: ['s1'],
    },
    {
      name: 'after an interruption, later chunks, statuses, starts and aborts of the stream are ignored (it does not come back as a blank stream)',
      events: [
        chunk('s1', 0, 'A'),
        interrupted('s1'),
        chunk('s1', 1, 'B'),
        chunk('s1', 5, 'F'),
        status('s1', 'writing'),
        started('s1'),
        aborted('s1', 'late'),
      ],
      changed: null,
      active: [],
      dropped: ['s1'],
    },
    { name: 'an interruption of an unknown stream changes nothing', events: [interrupted('s9')], changed: null, active: [] },
    {
      name: 'a completion after an interruption still applies (the bot went on)',
      events: [chunk('s1', 0, 'A'), interrupted('s1'), completed('s1', final)],
      changed: 's1|completed||0',
      active: [],
      finished: ['s1'],
      dropped: [],
    },
    {
      name: 'a chunk past maxChunks (100,000 by default) ends the stream aborted, keeping its text',
      events: [chunk('s1', 0, 'A'), chunk('s1', 100_000, 'Z')],
      changed: 's1|aborted|A|1|the reply exceeded 100000 chunks (maxChunks)',
      active: [],
      dropped: ['s1'],
    },
    {
      name: 'a first chunk past maxChunks ends the new stream at once (nothing waits)',
      events: [chunk('s1', 1e9, 'Z')],
      changed: 's1|aborted||0|the reply exceeded 100000 chunks (maxChunks)',
      active: [],
      dropped: ['s1'],
    },
    {
      name: 'a duplicate is ignored before the bounds are checked',
      events: [chunk('s1', 0, 'A'), chunk('s1', 0, 'A'.repeat(2_000_001))],
      changed: null,
      active: ['s1'],
    },
    {
      name: 'a chunk past maxTextLength (2,000,000 characters by default) ends the stream aborted',
      events: [chunk('s1', 0, 'A'), chunk('s1', 1, 'B'.repeat(2_000_000))],
      changed: 's1|aborted|A|1|the reply exceeded 2000000 characters (maxTextLength)',
      active: [],
      dropped: ['s1'],
    },
    {
      name: "a completion after a bound was passed still applies (the final message is the server's)",
      events: [chunk('s1', 0, 'A'), chunk('s1', 100_000, 'Z'), chunk('s1', 1, 'B'), completed('s1', final)],
      changed: 's1|completed||0',
      active: [],
      finished: ['s1'],
      dropped: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const state = fold(c.events);
      expect(state.changed === null ? null : summary(state.changed)).to.equal(c.changed);
      expect([...state.active.keys()]).to.deep.equal(c.active);
      if (c.early !== undefined) expect([...(state.active.get('s1')?.early.keys() ?? [])].sort()).to.deep.equal(c.early);
      expect([...state.finished]).to.deep.equal(c.finished ?? []);
      if (c.dropped !== undefined) expect([...state.dropped]).to.deep.equal(c.dropped);
    });
  }

  it('fills the sender from a started that comes after the first chunk, keeping the text', () => {
    const state = fold([chunk('s1', 0, 'A'), started('s1')]);
    expect(state.changed).to.include({ senderId: BOT, senderName: 'Echo Bot', text: 'A', chunkCount: 1, conversationId: CONV });
  });

  it('is pure: the previous state is left as it was', () => {
    const before = fold([chunk('s1', 0, 'A'), chunk('s1', 2, 'C')]);
    const activeBefore = before.active.get('s1');
    const after = reduceBotStreams(before, chunk('s1', 1, 'B'));
    expect(after).not.to.equal(before);
    expect(before.active.get('s1')).to.equal(activeBefore);
    expect(activeBefore?.stream.text).to.equal('A');
    expect([...(activeBefore?.early.keys() ?? [])]).to.deep.equal([2]);
    expect(after.active.get('s1')?.stream.text).to.equal('ABC');
    const finished = reduceBotStreams(after, aborted('s1', 'r'));
    expect(after.active.has('s1')).to.equal(true);
    expect(after.finished.has('s1')).to.equal(false);
    expect(finished.finished.has('s1')).to.equal(true);
  });

  it('a new stream beyond maxStreams evicts the least recently changed one even when its first event emits nothing (an early chunk)', () => {
    let state = createBotStreamsState({ maxStreams: 2 });
    state = fold([chunk('s1', 0, 'A'), chunk('s2', 0, 'X'), status('s1', 'writing')], state);
    expect([...state.active.keys()]).to.deep.equal(['s2', 's1']); // least recently changed first
    state = reduceBotStreams(state, chunk('s3', 4, 'E'));
    expect(state.changed).to.equal(null);
    expect(state.evicted === null ? null : summary(state.evicted)).to.equal(
      's2|aborted|X|1|more than 2 replies were streaming at once (maxStreams)',
    );
    expect([...state.active.keys()]).to.deep.equal(['s1', 's3']);
    expect([...state.dropped]).to.deep.equal(['s2']);
    // The next event reports no eviction again.
    state = reduceBotStreams(state, chunk('s1', 1, 'B'));
    expect(state.evicted).to.equal(null);
    expect(state.changed?.text).to.equal('AB');
  });

  it('accepts a state whose maps are plain Maps (made elsewhere): same results, and that state is left as it was', () => {
    const base = fold([chunk('s1', 0, 'A'), chunk('s1', 2, 'C'), chunk('s2', 0, 'X')]);
    const toPlain = (active: ReadonlyMap<string, ActiveStream>): Map<string, ActiveStream> =>
      new Map([...active].map(([id, entry]) => [id, { stream: entry.stream, early: new Map(entry.early) }]));
    const plain: BotStreamsState = { ...base, active: toPlain(base.active) };
    const after = reduceBotStreams(plain, chunk('s1', 1, 'B'));
    expect(after.changed === null ? null : summary(after.changed)).to.equal('s1|streaming|ABC|3');
    expect(after.active.get('s1')?.early.size).to.equal(0);
    expect(after.active.get('s2')?.stream.text).to.equal('X');
    expect([...(plain.active.get('s1')?.early.keys() ?? [])]).to.deep.equal([2]);
    // A bound counts the waiting chunks of a plain entry too.
    const bounded: BotStreamsState = { ...plain, limits: { ...plain.limits, maxTextLength: 2 } };
    expect(summary(reduceBotStreams(bounded, chunk('s1', 3, 'D')).changed as BotStream)).to.equal(
      's1|aborted|A|1|the reply exceeded 2 characters (maxTextLength)',
    );
  });

  it('keys of equal hash (chunk indexes 2³² apart, with maxChunks: Infinity) are kept apart', () => {
    const far = 2 ** 32;
    let state = fold(
      [chunk('s1', far + 1, 'far'), chunk('s1', 1, 'B'), chunk('s1', far + 2, 'far2')],
      createBotStreamsState({ maxChunks: Infinity }),
    );
    expect(state.active.get('s1')?.early.get(1)).to.equal('B');
    expect(state.active.get('s1')?.early.get(far + 1)).to.equal('far');
    expect(state.active.get('s1')?.early.get(far + 2)).to.equal('far2');
    state = reduceBotStreams(state, chunk('s1', 0, 'A'));
    expect(state.changed?.text).to.equal('AB');
    expect([...(state.active.get('s1')?.early.entries() ?? [])]).to.deep.equal([
      [far + 1, 'far'],
      [far + 2, 'far2'],
    ]);
  });

  it('matches a copying reference model for chunks out of order, duplicated and interleaved, and every earlier state stays as it was (fast-check)', () => {
    /** A small PRNG, so one integer seeds a whole run (mulberry32). */
    const random = (seed: number) => () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    interface Model {
      text: string;
      count: number;
      early: Map<number, string>;
    }
    type Snapshot = Array<[string, string, number, Array<[number, string]>]>;
    const snapshot = (state: BotStreamsState): Snapshot =>
      [...state.active].map(([id, { stream, early }]) => [id, stream.text, stream.chunkCount, [...early]]);
    const modelSnapshot = (models: Map<string, Model>): Snapshot => [...models].map(([id, m]) => [id, m.text, m.count, [...m.early]]);
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 1_200 }),
        fc.integer({ min: 0, max: 1_200 }),
        (seed, streams, n, window) => {
          const next = random(seed);
          // Each stream's chunks arrive in the order of index + a random delay of up to `window`.
          const queues = Array.from({ length: streams }, (_, s) =>
            Array.from({ length: n }, (_, i) => ({ i, at: i + next() * window }))
              .sort((a, b) => a.at - b.at)
              .map(({ i }) => chunk(`s${s}`, i, `${s}.${i} `)),
          );
          const models = new Map<string, Model>(); // in the order of the last change, as `active`
          const kept: Array<{ state: BotStreamsState; snapshot: Snapshot }> = [];
          let state = initialBotStreamsState;
          let step = 0;
          while (queues.some((q) => q.length > 0)) {
            const open = queues.filter((q) => q.length > 0);
            const queue = open[Math.floor(next() * open.length)] as BotStreamEvent[];
            // Now and then a duplicate of a chunk already sent.
            const event =
              next() < 0.1
                ? chunk((queue[0] as BotStreamEvent).dto.streamId, Math.floor(next() * n), 'dup')
                : (queue.shift() as BotStreamEvent);
            if (event.type !== 'chunk') throw new Error('chunks only');
            const { streamId, chunkIndex, text } = event.dto;
            const model = models.get(streamId) ?? { text: '', count: 0, early: new Map<number, string>() };
            let expected: string | null = null;
            const duplicate = chunkIndex < model.count || model.early.has(chunkIndex);
            // A "duplicate" of a chunk not sent yet would be a new chunk with other text: not sent.
            if (text === 'dup' && !duplicate) continue;
            if (!duplicate) {
              if (chunkIndex > model.count) model.early.set(chunkIndex, text);
              else {
                model.text += text;
                model.count += 1;
                for (let waiting = model.early.get(model.count); waiting !== undefined; waiting = model.early.get(model.count)) {
                  model.early.delete(model.count);
                  model.text += waiting;
                  model.count += 1;
                }
                expected = `${streamId}|streaming|${model.text}|${model.count}`;
              }
              models.delete(streamId);
              models.set(streamId, model);
            }
            state = reduceBotStreams(state, event);
            expect(state.changed === null ? null : summary(state.changed)).to.equal(expected);
            step += 1;
            if (step % 97 === 0 || queues.every((q) => q.length === 0)) {
              const now = snapshot(state);
              expect(now).to.deep.equal(modelSnapshot(models));
              kept.push({ state, snapshot: now });
            }
          }
          for (const { state: earlier, snapshot: then } of kept) expect(snapshot(earlier)).to.deep.equal(then);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('remembers at most 256 finished ids (the oldest is forgotten first)', () => {
    let state = initialBotStreamsState;
    for (let i = 0; i < 300; i++) state = reduceBotStreams(state, aborted(`s${i}`, 'r'));
    expect(state.finished.size).to.equal(256);
    expect(state.finished.has('s0')).to.equal(false);
    expect(state.finished.has('s43')).to.equal(false);
    expect(state.finished.has('s44')).to.equal(true);
    expect(state.finished.has('s299')).to.equal(true);
    expect(state.active.size).to.equal(0);
    // A late event of a remembered stream is ignored; the memory does not grow.
    const late = reduceBotStreams(state, chunk('s299', 0, 'x'));
    expect(late.changed).to.equal(null);
    expect(late.active.size).to.equal(0);
  });

  // 20,000 (before the fix, every early chunk copied the waiting map: 16,000 took 17–36 s; the
  // work is counted in accumulate-stream-complexity.spec.ts and timed by bench row 4b).
  it('holds 20,000 chunks arriving in reverse and applies them all, in order, once the first comes', () => {
    const n = 20_000;
    let state = initialBotStreamsState;
    for (let i = n - 1; i >= 1; i--) state = reduceBotStreams(state, chunk('s1', i, `${i},`));
    expect(state.active.get('s1')?.early.size).to.equal(n - 1);
    expect(state.active.get('s1')?.early.get(n - 1)).to.equal(`${n - 1},`);
    expect(state.changed).to.equal(null);
    state = reduceBotStreams(state, chunk('s1', 0, '0,'));
    expect(state.changed?.chunkCount).to.equal(n);
    expect(state.changed?.text).to.equal(Array.from({ length: n }, (_, i) => `${i},`).join(''));
    expect(state.active.get('s1')?.early.size).to.equal(0);
  });
});
