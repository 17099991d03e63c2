import { expect } from 'chai';
import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  accumulateStreams,
  botStreamEvents,
  type BotStream,
  type BotStreamEvent,
  type BotStreamsState,
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
      expectObservable(source.pipe(accumulateStreams(), map((s) => s.status))).toBe('-a---b-|', { a: 'thinking', b: 'writing' });
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
  const cases: ReadonlyArray<{ name: string; events: BotStreamEvent[]; changed: string | null; active: string[]; early?: number[]; finished?: string[] }> = [
    { name: 'a first chunk opens the stream', events: [chunk('s1', 0, 'A')], changed: 's1|streaming|A|1', active: ['s1'] },
    { name: 'an early chunk waits (changed null)', events: [chunk('s1', 1, 'B')], changed: null, active: ['s1'], early: [1] },
    { name: 'a duplicate applied chunk changes nothing', events: [chunk('s1', 0, 'A'), chunk('s1', 0, 'A')], changed: null, active: ['s1'] },
    { name: 'a duplicate waiting chunk changes nothing', events: [chunk('s1', 2, 'C'), chunk('s1', 2, 'C')], changed: null, active: ['s1'], early: [2] },
    { name: 'the gap filling releases every waiting chunk in order', events: [chunk('s1', 2, 'C'), chunk('s1', 1, 'B'), chunk('s1', 0, 'A')], changed: 's1|streaming|ABC|3', active: ['s1'], early: [] },
    { name: 'a filled gap releases only up to the next gap', events: [chunk('s1', 1, 'B'), chunk('s1', 3, 'D'), chunk('s1', 0, 'A')], changed: 's1|streaming|AB|2', active: ['s1'], early: [3] },
    { name: 'completion releases the stream', events: [chunk('s1', 0, 'A'), completed('s1', final)], changed: 's1|completed|A|1', active: [], finished: ['s1'] },
    { name: 'abort releases the stream and keeps the text', events: [chunk('s1', 0, 'A'), aborted('s1', 'r')], changed: 's1|aborted|A|1|r', active: [], finished: ['s1'] },
    { name: 'an event after completion is ignored', events: [completed('s1', final), chunk('s1', 0, 'A')], changed: null, active: [], finished: ['s1'] },
    { name: 'another stream stays active when one finishes', events: [chunk('s1', 0, 'A'), chunk('s2', 0, 'B'), aborted('s1', 'r')], changed: 's1|aborted|A|1|r', active: ['s2'], finished: ['s1'] },
    { name: 'started before any chunk gives an empty streaming text', events: [started('s1')], changed: 's1|streaming||0', active: ['s1'] },
    { name: 'an interruption (connection lost) aborts with its reason and releases, not remembered as finished', events: [chunk('s1', 0, 'A'), interrupted('s1')], changed: 's1|aborted|A|1|lost', active: [], finished: [] },
    { name: 'an interruption of an unknown stream changes nothing', events: [interrupted('s9')], changed: null, active: [] },
    { name: 'a completion after an interruption still applies (the bot went on)', events: [chunk('s1', 0, 'A'), interrupted('s1'), completed('s1', final)], changed: 's1|completed||0', active: [], finished: ['s1'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const state = fold(c.events);
      expect(state.changed === null ? null : summary(state.changed)).to.equal(c.changed);
      expect([...state.active.keys()]).to.deep.equal(c.active);
      if (c.early !== undefined) expect([...(state.active.get('s1')?.early.keys() ?? [])].sort()).to.deep.equal(c.early);
      expect([...state.finished]).to.deep.equal(c.finished ?? []);
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

  // 1,000, not more: every early chunk copies the waiting map (O(waiting) each; see the report).
  it('holds 1,000 chunks arriving in reverse and applies them all, in order, once the first comes', () => {
    const n = 1_000;
    let state = initialBotStreamsState;
    for (let i = n - 1; i >= 1; i--) state = reduceBotStreams(state, chunk('s1', i, `${i},`));
    expect(state.active.get('s1')?.early.size).to.equal(n - 1);
    expect(state.changed).to.equal(null);
    state = reduceBotStreams(state, chunk('s1', 0, '0,'));
    expect(state.changed?.chunkCount).to.equal(n);
    expect(state.changed?.text).to.equal(Array.from({ length: n }, (_, i) => `${i},`).join(''));
    expect(state.active.get('s1')?.early.size).to.equal(0);
  });
});
