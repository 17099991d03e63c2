/**
 * Row 4: the cost per chunk of `reduceBotStreams` folding one bot reply of 1,000 versus 100,000
 * `streamChunkReceived` events (after its `streamStarted`), in order. A sample folds the whole
 * reply (the 1,000-chunk reply 50 times, so samples last alike); samples alternate; the row is
 * the ratio of the median costs per chunk. Linear total cost gives a ratio near 1; a copy of the
 * text (or of any per-chunk list) per chunk would give ~100.
 */
import type { StreamChunkReceivedDto, StreamStartedDto } from '../src/codecs/index.js';
import { type BotStreamEvent, type BotStreamsState, initialBotStreamsState, reduceBotStreams } from '../src/streams/accumulate-stream.js';
import { compare, sink } from './harness.js';
import { CONVERSATION_ID, idAt } from './payload.js';

export interface AccumulationResult {
  readonly smallNs: number;
  readonly largeNs: number;
  readonly smallChunks: number;
  readonly largeChunks: number;
}

function reply(chunks: number): { started: BotStreamsState; events: BotStreamEvent[]; expectedLength: number } {
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
  return { started, events, expectedLength };
}

function fold(started: BotStreamsState, events: readonly BotStreamEvent[]): BotStreamsState {
  let state = started;
  for (const event of events) state = reduceBotStreams(state, event);
  return state;
}

export function measureStreamAccumulation(samples = 15, smallChunks = 1_000, largeChunks = 100_000): AccumulationResult {
  const small = reply(smallChunks);
  const large = reply(largeChunks);
  for (const r of [small, large]) {
    const end = fold(r.started, r.events).changed;
    if (end?.chunkCount !== r.events.length || end.text.length !== r.expectedLength) throw new Error('the reply did not accumulate');
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
    ],
    samples,
    3,
  );
  return { smallNs: result.get('small') ?? Number.NaN, largeNs: result.get('large') ?? Number.NaN, smallChunks, largeChunks };
}
