/**
 * Complexity of the bot-stream state, proven by counting work instead of measuring time (speed
 * itself is measured by `bench/stream-accumulation.ts`, rows 4 and 4b). The count is of memory
 * cells — object fields, array elements, Map and Set entries — that the state after an event
 * holds and no earlier state did: what the event had to build. A state that copies a map per
 * event builds one cell per entry; one that shares its structure builds a bounded number.
 * The walk knows nothing of how the state is built: it follows every own property, element and
 * entry reachable from the state object.
 */
import { expect } from 'chai';
import {
  type BotStreamsState,
  createBotStreamsState,
  initialBotStreamsState,
  reduceBotStreams,
} from '../../src/streams/accumulate-stream.js';
import { chunk, started } from './fixtures.js';

/** Counts the cells of the objects reachable from `root` that are not in `seen`, and adds those to it. */
function newCells(root: unknown, seen: WeakSet<object>): number {
  let cells = 0;
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value !== 'object' || value === null || seen.has(value)) continue;
    seen.add(value);
    if (value instanceof Map) {
      cells += value.size;
      for (const [key, entry] of value) stack.push(key, entry);
    } else if (value instanceof Set) {
      cells += value.size;
      for (const entry of value) stack.push(entry);
    } else if (Array.isArray(value)) {
      cells += value.length;
      for (const element of value) stack.push(element);
    } else {
      const keys = Reflect.ownKeys(value);
      cells += keys.length;
      for (const key of keys) stack.push((value as Record<PropertyKey, unknown>)[key]);
    }
  }
  return cells;
}

/** Folds `events` from `from`, returning the last state and the cells each event built. */
function built(
  from: BotStreamsState,
  events: Iterable<Parameters<typeof reduceBotStreams>[1]>,
): { state: BotStreamsState; perEvent: number[] } {
  const seen = new WeakSet<object>();
  newCells(from, seen);
  let state = from;
  const perEvent: number[] = [];
  for (const event of events) {
    state = reduceBotStreams(state, event);
    perEvent.push(newCells(state, seen));
  }
  return { state, perEvent };
}

function* reversedChunks(n: number, streamId = 's1'): Generator<Parameters<typeof reduceBotStreams>[1]> {
  for (let i = n - 1; i >= 0; i--) yield chunk(streamId, i, `${i},`);
}

describe('reduceBotStreams complexity (counted work, not time)', () => {
  // Before the fix every early chunk copied the map of the chunks waiting (and every event the
  // map of the streams under way): the 4,999th early chunk built 4,999 cells, 5,000 reversed
  // chunks ~12.5 million in all (16,000 took 17–36 s). Now each builds one path of a hash trie.
  it('5,000 chunks in reverse order: each event builds at most 200 cells, however many chunks wait (no copy of the waiting chunks)', () => {
    const n = 5_000;
    const { state, perEvent } = built(initialBotStreamsState, reversedChunks(n));
    expect(state.changed?.chunkCount).to.equal(n);
    expect(state.active.get('s1')?.early.size).to.equal(0);
    expect(Math.max(...perEvent)).to.be.at.most(200);
    // Amortised O(1) per event: the whole run builds a bounded amount per chunk.
    expect(perEvent.reduce((a, b) => a + b, 0)).to.be.at.most(200 * n);
  });

  it('the cells an early chunk builds do not grow with the chunks waiting (500 vs 5,000 waiting: at most 2× — log32 of the count)', () => {
    const average = (n: number): number => {
      const { perEvent } = built(initialBotStreamsState, reversedChunks(n));
      return perEvent.reduce((a, b) => a + b, 0) / n;
    };
    const small = average(500);
    const large = average(5_000);
    expect(large / small).to.be.at.most(2);
  });

  it('a chunk of one of 2,000 streams under way builds at most 200 cells (no copy of the streams under way)', () => {
    const streams = 2_000;
    let state = createBotStreamsState({ maxStreams: 10_000 });
    for (let s = 0; s < streams; s++) state = reduceBotStreams(state, chunk(`s${s}`, 0, 'A'));
    expect(state.active.size).to.equal(streams);
    const { state: after, perEvent } = built(state, [
      chunk('s1000', 1, 'B'),
      started('s7'),
      chunk('s1999', 2, 'C'),
      chunk(`s${streams}`, 0, 'new'),
    ]);
    expect(after.active.size).to.equal(streams + 1);
    expect(after.active.get('s1000')?.stream.text).to.equal('AB');
    expect(Math.max(...perEvent)).to.be.at.most(200);
  });

  it('an in-order reply of 5,000 chunks builds at most 60 cells an event (the text itself is a string: not counted)', () => {
    const events = [started('s1'), ...[...reversedChunks(5_000)].reverse()];
    const { state, perEvent } = built(initialBotStreamsState, events);
    expect(state.changed?.chunkCount).to.equal(5_000);
    expect(Math.max(...perEvent.slice(1))).to.be.at.most(60);
  });
});
