/**
 * Row 4: the cost per chunk of `reduceBotStreams` folding one bot reply of 1,000 versus 100,000
 * `streamChunkReceived` events (after its `streamStarted`), in order. A sample folds the whole
 * reply (the 1,000-chunk reply 50 times, so samples last alike); samples alternate; the row is
 * the ratio of the median costs per chunk. Linear total cost gives a ratio near 1; a copy of the
 * text (or of any per-chunk list) per chunk would give ~100.
 *
 * Row 4b: the same 100,000-chunk reply with its chunks in reverse order (chunk 99,999 first, chunk
 * 0 last: every chunk but the last waits, and the last releases them all) versus in order, per
 * chunk, in the same alternating samples. O(1) amortised work per chunk in any order gives a small
 * constant (a waiting chunk costs one insertion into a hash trie, and one lookup when released);
 * a copy of the waiting chunks per early chunk — the defect this row guards against — made it
 * quadratic: 16,000 reversed chunks took 17–36 s, so 100,000 would take the better part of an hour
 * (a ratio in the thousands).
 */
import type { StreamChunkReceivedDto, StreamStartedDto } from '../src/codecs/index.js';
import { type BotStreamEvent, type BotStreamsState, initialBotStreamsState, reduceBotStreams } from '../src/streams/accumulate-stream.js';
import { compare, sink } from './harness.js';
import { CONVERSATION_ID, idAt } from './payload.js';

/** Rows 4 and 4b: nanoseconds per chunk. */
export interface AccumulationResult {
  /** Per chunk, the small reply in order. */
  readonly smallNs: number;
  /** Per chunk, the large reply in order. */
  readonly largeNs: number;
  /** Per chunk, the large reply in reverse order (row 4b, against `largeNs`). */
  readonly reversedNs: number;
  readonly smallChunks: number;
  readonly largeChunks: number;
}

function reply(chunks: number): { started: BotStreamsState; events: BotStreamEvent[]; expectedLength: number; expectedText: string } {
  const streamId = `stream-${chunks}`;
  const messageId = idAt(chunks);
  const start: StreamStartedDto = {
    streamId,
    messageId,
    conversationId: CONVERSATION_ID,
    senderId: 'weather-bot',
    senderName: 'Weather Bot',
    startedAt: '2025-03-26T15:30:00Z',
  };
  const started = reduceBotStreams(initialBotStreamsState, { type: 'started', dto: start });
  let expectedLength = 0;
  const events = Array.from({ length: chunks }, (_, chunkIndex): BotStreamEvent => {
    const text = `word${chunkIndex % 97} and more `;
    expectedLength += text.length;
    const dto: StreamChunkReceivedDto = { streamId, messageId, conversationId: CONVERSATION_ID, text, chunkIndex };
    return { type: 'chunk', dto };
  });
  return { started, events, expectedLength, expectedText: events.map((e) => (e.type === 'chunk' ? e.dto.text : '')).join('') };
}

function fold(started: BotStreamsState, events: readonly BotStreamEvent[]): BotStreamsState {
  let state = started;
  for (const event of events) state = reduceBotStreams(state, event);
  return state;
}

/** Rows 4 and 4b: folds the replies, alternating samples; medians per chunk. */
export function measureStreamAccumulation(samples = 15, smallChunks = 1_000, largeChunks = 100_000): AccumulationResult {
  const small = reply(smallChunks);
  const large = reply(largeChunks);
  const reversed = { ...large, events: [...large.events].reverse() };
  for (const r of [small, large, reversed]) {
    const end = fold(r.started, r.events).changed;
    if (end?.chunkCount !== r.events.length || end.text.length !== r.expectedLength || end.text !== r.expectedText)
      throw new Error('the reply did not accumulate');
  }
  const repeats = Math.max(1, Math.round(largeChunks / smallChunks / 2));
  const result = compare(
    [
      {
        name: 'small',
        opsPerSample: smallChunks * repeats,
        run: () => {
          for (let i = 0; i < repeats; i++) sink.value = fold(small.started, small.events);
        },
      },
      { name: 'large', opsPerSample: largeChunks, run: () => (sink.value = fold(large.started, large.events)) },
      { name: 'reversed', opsPerSample: largeChunks, run: () => (sink.value = fold(reversed.started, reversed.events)) },
    ],
    samples,
    3,
  );
  return {
    smallNs: result.get('small') ?? Number.NaN,
    largeNs: result.get('large') ?? Number.NaN,
    reversedNs: result.get('reversed') ?? Number.NaN,
    smallChunks,
    largeChunks,
  };
}
