/**
 * Row 3: the cost of applying one live event to a `TimelineState` holding 1,000 versus 100,000
 * messages (`maxMessages` 200,000, so nothing is trimmed): a new message (`received`, the newest
 * id), an edit (`updated`) of an existing message, and a reaction (`reactionAdded` then
 * `reactionRemoved`, so the message returns to its first shape) on an existing message.
 *
 * Each size runs in its own process (its heap holds only that state, as an app's would), after a
 * JIT warm-up on a throwaway state. Messages are parsed from JSON, like wire data. A new-message
 * sample applies 10 messages with ids newer than all held, and the state keeps them (no deletes,
 * as in a live timeline), so over the 105 samples the states grow 1,000 → 2,050 and 100,000 →
 * 101,050. Edits and reactions (200 a sample) hit messages spread over the whole state in a
 * fixed pseudo-random order. 100 samples a kind, interleaved; processes alternate (1k, 100k, 1k,
 * 100k); each row is the ratio of the medians.
 */
import type { ChatMessageDto, MessageUpdatedDto, ReactionAddedDto, ReactionRemovedDto } from '../src/codecs/index.js';
import { applyTimelineAction, TimelineState } from '../src/streams/timeline-state.js';
import { isMain, runChild } from './child.js';
import { type Case, collectGarbage, compare, median } from './harness.js';
import { CONVERSATION_ID, chatMessage, idAt } from './payload.js';

/** The kinds of event row 3 applies. */
export type GrowthEvent = 'new' | 'edit' | 'reaction';
/** Every kind, in row order (3a, 3b, 3c). */
export const GROWTH_EVENTS: readonly GrowthEvent[] = ['new', 'edit', 'reaction'];

/** Nanoseconds per event, by event kind. */
export type GrowthTimings = Record<GrowthEvent, number>;

/** Row 3: nanoseconds per event by kind, for the small and the large state. */
export interface GrowthResult {
  readonly small: GrowthTimings;
  readonly large: GrowthTimings;
  readonly smallSize: number;
  readonly largeSize: number;
}

/** Edits and reactions per sample. */
const BATCH = 200;
/** New messages per sample: the states grow by 1,050 over a run (1,000 → 2,050; 100,000 → 101,050). */
const NEW_BATCH = 10;
const TEMPLATE = JSON.stringify(chatMessage('@@ID@@'));

/** A message as it comes off the wire: parsed from JSON (flat strings, fresh objects). */
function wire(id: string): ChatMessageDto {
  return JSON.parse(TEMPLATE.replace('@@ID@@', id)) as ChatMessageDto;
}

/** A fixed pseudo-random sequence of indexes below `size` (xorshift32). */
function spread(size: number, count: number): number[] {
  let x = 2463534242;
  return Array.from({ length: count }, () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % size;
  });
}

function filled(messages: readonly ChatMessageDto[]): TimelineState {
  const state = new TimelineState(CONVERSATION_ID, 200_000);
  for (const message of messages) applyTimelineAction(state, { type: 'received', message });
  if (state.size !== messages.length) throw new Error(`expected ${messages.length} messages, got ${state.size}`);
  return state;
}

function cases(size: number, samples: number, warmup: number): Case[] {
  const held = Array.from({ length: size }, (_, i) => wire(idAt(i)));
  const state = filled(held);
  // New messages: NEW_BATCH a sample with ids newer than all held; the state keeps them (no
  // deletes, as in a live timeline), so it grows by NEW_BATCH × (samples + warm-up) over the run.
  const fresh = Array.from({ length: NEW_BATCH * (samples + warmup) }, (_, i) => wire(idAt(size + 1 + i)));
  let offset = 0;
  const targets = spread(size, BATCH).map((i) => (state.get(idAt(i)) as { id: string }).id);
  const edits = targets.map(
    (messageId, i): MessageUpdatedDto => ({
      messageId,
      conversationId: CONVERSATION_ID,
      blocks: [{ $type: 'text', format: 'Plain', content: `edited ${i}`, plainText: `edited ${i}` }],
      plainTextContent: `edited ${i}`,
      updatedAt: '2025-03-26T16:00:00Z',
    }),
  );
  const added = targets.map(
    (messageId): ReactionAddedDto => ({
      messageId,
      conversationId: CONVERSATION_ID,
      participantId: 'bench-reactor',
      participantName: 'Bench Reactor',
      emoji: '🎉',
      createdAt: '2025-03-26T16:00:00Z',
    }),
  );
  const removed = added.map(({ createdAt, ...rest }): ReactionRemovedDto => ({ ...rest, removedAt: createdAt }));
  return [
    {
      name: 'new',
      opsPerSample: NEW_BATCH,
      run: (n) => {
        let changed = 0;
        for (let i = 0; i < n; i++)
          if (applyTimelineAction(state, { type: 'received', message: fresh[offset + i] as ChatMessageDto })) changed += 1;
        if (changed !== n) throw new Error('a new message changed nothing');
        offset += n;
      },
    },
    {
      name: 'edit',
      opsPerSample: BATCH,
      run: (n) => {
        let changed = 0;
        for (let i = 0; i < n; i++) if (applyTimelineAction(state, { type: 'updated', dto: edits[i] as MessageUpdatedDto })) changed += 1;
        if (changed !== n) throw new Error('an edit changed nothing');
      },
    },
    {
      name: 'reaction',
      opsPerSample: BATCH * 2,
      run: (n) => {
        let changed = 0;
        for (let i = 0; i < n / 2; i++) {
          if (applyTimelineAction(state, { type: 'reactionAdded', dto: added[i] as ReactionAddedDto })) changed += 1;
          if (applyTimelineAction(state, { type: 'reactionRemoved', dto: removed[i] as ReactionRemovedDto })) changed += 1;
        }
        if (changed !== n) throw new Error('a reaction changed nothing');
      },
    },
  ];
}

/** In this process: warm up, build a state of `size`, time each event kind. */
export function measureAtSize(size: number, samples = 100, warmup = 5): GrowthTimings {
  compare(cases(1_000, 40, 10), 40, 10); // JIT warm-up on a throwaway state
  collectGarbage();
  const measured = cases(size, samples, warmup);
  collectGarbage();
  const result = compare(measured, samples, warmup);
  return { new: result.get('new') ?? Number.NaN, edit: result.get('edit') ?? Number.NaN, reaction: result.get('reaction') ?? Number.NaN };
}

/** Both sizes, each in its own process, alternating `rounds` times. */
export async function measureTimelineGrowth(rounds = 2, smallSize = 1_000, largeSize = 100_000): Promise<GrowthResult> {
  const small: GrowthTimings[] = [];
  const large: GrowthTimings[] = [];
  for (let round = 0; round < rounds; round++) {
    small.push(await runChild<GrowthTimings>(import.meta.url, [String(smallSize)]));
    large.push(await runChild<GrowthTimings>(import.meta.url, [String(largeSize)]));
  }
  const pick = (runs: GrowthTimings[]): GrowthTimings => ({
    new: median(runs.map((r) => r.new)),
    edit: median(runs.map((r) => r.edit)),
    reaction: median(runs.map((r) => r.reaction)),
  });
  return { small: pick(small), large: pick(large), smallSize, largeSize };
}

// Child: `node --expose-gc --import tsx bench/timeline-growth.ts <size>` prints the timings as JSON.
if (isMain(import.meta.url)) {
  console.log(JSON.stringify(measureAtSize(Number(process.argv[2] ?? 1000))));
}
