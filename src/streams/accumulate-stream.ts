import { asyncScheduler, map, merge, Observable, type OperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';
import type {
  ChatMessageDto,
  MediaReference,
  StreamAbortedDto,
  StreamChunkReceivedDto,
  StreamCompletedDto,
  StreamStartedDto,
  StreamStatusUpdatedDto,
} from '../codecs/index.js';
import { PersistentMap } from './persistent-map.js';

/** One bot-stream event, tagged by `type`. */
export type BotStreamEvent =
  | { readonly type: 'started'; readonly dto: StreamStartedDto }
  | { readonly type: 'status'; readonly dto: StreamStatusUpdatedDto }
  | { readonly type: 'chunk'; readonly dto: StreamChunkReceivedDto }
  | { readonly type: 'completed'; readonly dto: StreamCompletedDto }
  | { readonly type: 'aborted'; readonly dto: StreamAbortedDto }
  /**
   * Not a hub event: the client gave the stream up while it was under way — it lost its
   * connection (a new connection id), or {@link accumulateStreams} heard nothing of the stream
   * for `idleTimeoutMs` — so its end may never arrive. The stream ends `aborted` with `reason`
   * and is remembered as dropped, not as finished: its later chunks and statuses are ignored,
   * but if the bot goes on and completes it, the completion still applies.
   */
  | {
      readonly type: 'interrupted';
      readonly dto: { readonly streamId: string; readonly messageId: string; readonly conversationId: string; readonly reason: string };
    };

/** Where a bot stream is. */
export type BotStreamPhase = 'streaming' | 'completed' | 'aborted';

/** A bot's streamed reply so far. */
export interface BotStream {
  /** The stream's id (`streamId` of its events). */
  readonly streamId: string;
  /** The id of the reply's placeholder message (the final message may have another). */
  readonly messageId: string;
  /** The conversation the reply is in. */
  readonly conversationId: string;
  /** Null until `streamStarted` arrives (a chunk may come first). */
  readonly senderId: string | null;
  /** The bot's display name (null until `streamStarted`). */
  readonly senderName: string | null;
  /** The bot's avatar, if it has one. */
  readonly senderAvatar: MediaReference | null;
  /** The message the reply answers, if any. */
  readonly replyToMessageId: string | null;
  /** The last status, e.g. `"thinking"`. */
  readonly status: string | null;
  /** The detail sent with the last status, if any. */
  readonly statusDetail: string | null;
  /** The text of every chunk applied so far, in `chunkIndex` order, without gaps. */
  readonly text: string;
  /** Chunks applied to `text`. */
  readonly chunkCount: number;
  /** Where the reply stands: streaming, completed or aborted. */
  readonly phase: BotStreamPhase;
  /** Why it was aborted (`phase: 'aborted'`). */
  readonly reason: string | null;
  /** The final hub message (`phase: 'completed'`); it replaces the placeholder. */
  readonly message: ChatMessageDto | null;
  /** When the stream started (`streamStarted`'s time; null until it arrived). */
  readonly startedAt: string | null;
}

/**
 * Bounds of the bot-stream state, so a server that never ends its streams (or sends without
 * end) cannot make it grow without limit. A stream that would go past a bound ends `aborted`
 * with a reason naming the bound, and is dropped like an interrupted stream (its completion
 * still applies). `Infinity` lifts a bound.
 */
export interface BotStreamLimits {
  /**
   * Chunks per stream: a chunk whose `chunkIndex` is `maxChunks` or more ends the stream with the
   * reason `the reply exceeded <maxChunks> chunks (maxChunks)`. Also bounds the chunks waiting.
   * @default 100000
   */
  readonly maxChunks?: number;
  /**
   * Characters (UTF-16 code units) held per stream: its text plus its waiting chunks. A chunk that
   * would go past it ends the stream with the reason
   * `the reply exceeded <maxTextLength> characters (maxTextLength)`.
   * @default 2000000
   */
  readonly maxTextLength?: number;
  /**
   * Streams under way at once. A new stream beyond it ends the stream changed least recently
   * (`evicted`), with the reason `more than <maxStreams> replies were streaming at once (maxStreams)`.
   * @default 64
   */
  readonly maxStreams?: number;
}

/** The accumulator's state: streams under way by id, and the stream the last event changed. */
export interface BotStreamsState {
  /**
   * Streams still streaming, the least recently changed first. Finished streams are released
   * after the event that finished them. An immutable map that shares its structure with the
   * previous state's: producing the next state copies O(1) of it, whatever its size.
   */
  readonly active: ReadonlyMap<string, ActiveStream>;
  /** The stream the last event changed, or null when the event changed nothing (a duplicate). */
  readonly changed: BotStream | null;
  /**
   * The stream the last event pushed out to make room (`maxStreams`), ended `aborted`; emitted
   * before `changed`. Null almost always.
   */
  readonly evicted: BotStream | null;
  /** Ids of recently finished streams (at most 256), so late duplicates of their events are ignored. */
  readonly finished: ReadonlySet<string>;
  /**
   * Ids of streams the client ended itself (at most 256): interrupted, idle, over a limit or
   * evicted. Their later chunks, statuses and aborts are ignored; a completion still applies.
   */
  readonly dropped: ReadonlySet<string>;
  /** The bounds this state keeps (from {@link createBotStreamsState}). */
  readonly limits: Required<BotStreamLimits>;
}

/** A stream under way plus its out-of-order chunks waiting for the gap before them to fill. */
export interface ActiveStream {
  readonly stream: BotStream;
  /** chunkIndex → text for chunks that arrived early (an immutable map, in arrival order). */
  readonly early: ReadonlyMap<number, string>;
}

/** How many finished (and dropped) stream ids are remembered. */
const REMEMBERED = 256;

const DEFAULT_LIMITS: Required<BotStreamLimits> = { maxChunks: 100_000, maxTextLength: 2_000_000, maxStreams: 64 };

/**
 * An empty state with the given bounds (each one left out takes its default). Throws a
 * `RangeError` for a bound that is not a number ≥ 1 (`maxTextLength` ≥ 0), `Infinity` allowed.
 *
 * @example
 * ```ts
 * let state = createBotStreamsState({ maxStreams: 8 });
 * state = reduceBotStreams(state, event);
 * ```
 */
export function createBotStreamsState(limits: BotStreamLimits = {}): BotStreamsState {
  const resolved: Required<BotStreamLimits> = {
    maxChunks: limits.maxChunks ?? DEFAULT_LIMITS.maxChunks,
    maxTextLength: limits.maxTextLength ?? DEFAULT_LIMITS.maxTextLength,
    maxStreams: limits.maxStreams ?? DEFAULT_LIMITS.maxStreams,
  };
  for (const [name, value] of Object.entries(resolved)) {
    const least = name === 'maxTextLength' ? 0 : 1;
    if (typeof value !== 'number' || Number.isNaN(value) || value < least)
      throw new RangeError(`${name} must be a number ≥ ${least}, got ${String(value)}`);
  }
  return { active: PersistentMap.empty(), changed: null, evicted: null, finished: new Set(), dropped: new Set(), limits: resolved };
}

/** The state before any event, with the default bounds. */
export const initialBotStreamsState: BotStreamsState = createBotStreamsState();

function blank(streamId: string, messageId: string, conversationId: string): BotStream {
  return {
    streamId,
    messageId,
    conversationId,
    senderId: null,
    senderName: null,
    senderAvatar: null,
    replyToMessageId: null,
    status: null,
    statusDetail: null,
    text: '',
    chunkCount: 0,
    phase: 'streaming',
    reason: null,
    message: null,
    startedAt: null,
  };
}

/** What `active` holds: the public entry plus the characters its waiting chunks hold. */
interface Entry extends ActiveStream {
  readonly early: PersistentMap<number, string>;
  readonly waiting: number;
}

const NO_CHUNKS: PersistentMap<number, string> = PersistentMap.empty();

/**
 * The pure reducer of {@link accumulateStreams}. Chunks are applied by `chunkIndex`: a duplicate
 * (already applied or already waiting) is ignored, an early one waits until the gap before it
 * fills. Appending is one string concatenation per chunk, so the total cost is linear in the
 * text. A completed or aborted stream leaves `active` (its memory is released) and events for a
 * finished stream are ignored. The state's `limits` bound each stream and their number.
 *
 * Cost per event: O(1) amortised, in any order of arrival — plus O(1) per waiting chunk it
 * releases (each chunk is released once). `active` and each stream's waiting chunks are
 * persistent maps (hash tries): the next state shares all but one path of them with the previous
 * one, which stays as it was. A new stream that evicts another scans `active` (≤ `maxStreams`);
 * finishing a stream copies the set of remembered ids (≤ 256).
 */
export function reduceBotStreams(state: BotStreamsState, event: BotStreamEvent): BotStreamsState {
  const { streamId, messageId, conversationId } = event.dto;
  const active = PersistentMap.of(state.active);
  const found = active.get(streamId);
  if (found === undefined) {
    if (state.finished.has(streamId)) return unchanged(state, active);
    // A stream the client gave up on: only its completion (the final message) still applies.
    if (state.dropped.has(streamId) && event.type !== 'completed') return unchanged(state, active);
  }
  const entry: Entry =
    found === undefined ? { stream: blank(streamId, messageId, conversationId), early: NO_CHUNKS, waiting: 0 } : entryOf(found);
  const limits = state.limits;
  let stream = entry.stream;
  switch (event.type) {
    case 'started': {
      const dto = event.dto;
      stream = {
        ...stream,
        senderId: dto.senderId,
        senderName: dto.senderName,
        senderAvatar: dto.senderAvatar ?? null,
        replyToMessageId: dto.replyToMessageId ?? null,
        startedAt: dto.startedAt,
      };
      return keep(state, active, found === undefined, { stream, early: entry.early, waiting: entry.waiting }, stream);
    }
    case 'status':
      if (stream.status === event.dto.status && stream.statusDetail === (event.dto.detail ?? null)) return unchanged(state, active);
      stream = { ...stream, status: event.dto.status, statusDetail: event.dto.detail ?? null };
      return keep(state, active, found === undefined, { stream, early: entry.early, waiting: entry.waiting }, stream);
    case 'chunk': {
      const { chunkIndex, text } = event.dto;
      let early = entry.early;
      if (chunkIndex < stream.chunkCount || early.has(chunkIndex)) return unchanged(state, active);
      if (chunkIndex >= limits.maxChunks) return drop(state, active, stream, `the reply exceeded ${limits.maxChunks} chunks (maxChunks)`);
      if (stream.text.length + entry.waiting + text.length > limits.maxTextLength) {
        return drop(state, active, stream, `the reply exceeded ${limits.maxTextLength} characters (maxTextLength)`);
      }
      if (chunkIndex > stream.chunkCount) {
        return keep(
          state,
          active,
          found === undefined,
          { stream, early: early.with(chunkIndex, text), waiting: entry.waiting + text.length },
          null,
        );
      }
      let appended = stream.text + text;
      let count = stream.chunkCount + 1;
      let waiting = entry.waiting;
      if (early.size > 0) {
        const first = count;
        let next = early.get(count);
        while (next !== undefined) {
          appended += next;
          waiting -= next.length;
          count += 1;
          next = early.get(count);
        }
        const released = count - first;
        if (released === early.size) early = NO_CHUNKS;
        else for (let index = first; index < count; index++) early = early.without(index);
      }
      stream = { ...stream, text: appended, chunkCount: count };
      return keep(state, active, found === undefined, { stream, early, waiting }, stream);
    }
    case 'completed':
      // `messageId` stays the placeholder's id (the one the stream's events carried), so a consumer
      // can find and replace the placeholder even when the final message got another id.
      return finish(state, active, { ...stream, phase: 'completed', message: event.dto.message });
    case 'aborted':
      return finish(state, active, { ...stream, phase: 'aborted', reason: event.dto.reason });
    case 'interrupted':
      if (found === undefined) return unchanged(state, active);
      return drop(state, active, stream, event.dto.reason);
  }
}

function unchanged(state: BotStreamsState, active: PersistentMap<string, ActiveStream>): BotStreamsState {
  return { active, changed: null, evicted: null, finished: state.finished, dropped: state.dropped, limits: state.limits };
}

/** Puts a stream still under way, making room first when it is new and `active` is full. */
function keep(
  state: BotStreamsState,
  active: PersistentMap<string, ActiveStream>,
  isNew: boolean,
  entry: Entry,
  changed: BotStream | null,
): BotStreamsState {
  let evicted: BotStream | null = null;
  let dropped = state.dropped;
  if (isNew && active.size >= state.limits.maxStreams) {
    const victim = active.oldest();
    if (victim !== undefined) {
      active = active.without(victim.stream.streamId);
      evicted = {
        ...victim.stream,
        phase: 'aborted',
        reason: `more than ${state.limits.maxStreams} replies were streaming at once (maxStreams)`,
      };
      dropped = remember(dropped, victim.stream.streamId);
    }
  }
  return { active: active.with(entry.stream.streamId, entry), changed, evicted, finished: state.finished, dropped, limits: state.limits };
}

/** Ends a stream on the client's side: released, and remembered so that only its completion applies. */
function drop(state: BotStreamsState, active: PersistentMap<string, ActiveStream>, stream: BotStream, reason: string): BotStreamsState {
  return {
    active: active.without(stream.streamId),
    changed: { ...stream, phase: 'aborted', reason },
    evicted: null,
    finished: state.finished,
    dropped: remember(state.dropped, stream.streamId),
    limits: state.limits,
  };
}

function finish(state: BotStreamsState, active: PersistentMap<string, ActiveStream>, stream: BotStream): BotStreamsState {
  const streamId = stream.streamId;
  let dropped = state.dropped;
  if (dropped.has(streamId)) {
    const rest = new Set(dropped);
    rest.delete(streamId);
    dropped = rest;
  }
  return {
    active: active.without(streamId),
    changed: stream,
    evicted: null,
    finished: remember(state.finished, streamId),
    dropped,
    limits: state.limits,
  };
}

/** The set plus `id`, keeping only the last {@link REMEMBERED} ids, so it never grows forever. */
function remember(ids: ReadonlySet<string>, id: string): ReadonlySet<string> {
  const next = new Set(ids);
  next.add(id);
  if (next.size > REMEMBERED) next.delete(next.values().next().value as string);
  return next;
}

/** An entry of a state this module made, or one made elsewhere (plain maps), converted once. */
function entryOf(value: ActiveStream): Entry {
  if (value.early instanceof PersistentMap && typeof (value as Partial<Entry>).waiting === 'number') return value as Entry;
  let waiting = 0;
  for (const text of value.early.values()) waiting += text.length;
  return { stream: value.stream, early: PersistentMap.of(value.early), waiting };
}

/** Options of {@link accumulateStreams}: the state's bounds, and when a silent stream is given up. */
export interface AccumulateStreamsOptions extends BotStreamLimits {
  /**
   * Each emission (a reason) ends every stream under way as `aborted` with that reason — e.g. a
   * reconnect that lost the connection's state, after which a stream's end may never arrive. An
   * interrupted stream is dropped, not remembered as finished: its later chunks and statuses are
   * ignored, but a completion that still comes applies.
   * @default never
   */
  readonly interruptions$?: Observable<string>;
  /**
   * A stream under way that gets no event for this long is given up: it ends `aborted` with the
   * reason `the reply got no event for <idleTimeoutMs> ms` and is dropped (its completion still
   * applies). `Infinity` keeps streams until they end. One timer runs, on `scheduler`, only while
   * a stream is under way.
   * @default 300000 (5 minutes)
   */
  readonly idleTimeoutMs?: number;
  /** Where the idle timer runs and what tells the time. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/**
 * Scans bot-stream events into per-stream state and emits the stream each event changed:
 * ids, sender, status text, the text so far, chunk count and phase
 * (`streaming | completed | aborted`, with the reason). Duplicated chunks emit nothing; early chunks wait for the gap.
 * The state is bounded: a stream that goes past `maxChunks` or `maxTextLength`, that gets no
 * event for `idleTimeoutMs`, or that is pushed out by a new one beyond `maxStreams` is emitted
 * `aborted` with a reason and dropped (only its completion still applies). Each event costs O(1)
 * amortised, in any order. Completes when the source completes; errors when it errors.
 *
 * @example
 * ```ts
 * botStreamEvents(client.realtime.chat).pipe(accumulateStreams({ idleTimeoutMs: 120_000 }))
 *   .subscribe((stream) => render(stream.messageId, stream.text));
 * ```
 */
export function accumulateStreams(options: AccumulateStreamsOptions = {}): OperatorFunction<BotStreamEvent, BotStream> {
  const idleTimeoutMs = options.idleTimeoutMs ?? 300_000;
  if (typeof idleTimeoutMs !== 'number' || Number.isNaN(idleTimeoutMs) || idleTimeoutMs < 0)
    throw new RangeError(`idleTimeoutMs must be a number ≥ 0, got ${String(idleTimeoutMs)}`);
  const initial = createBotStreamsState(options);
  const scheduler = options.scheduler ?? asyncScheduler;
  const idleReason = `the reply got no event for ${idleTimeoutMs} ms`;
  // One state per subscription, fed by three inputs: the source's events, interruptions that turn
  // into one `interrupted` event per stream under way, and the idle timer, which does the same for
  // the streams silent for `idleTimeoutMs`. Completing or erroring follows the source alone; the
  // others live only as long as the source runs.
  return (source) =>
    new Observable<BotStream>((subscriber) => {
      let state = initial;
      // The time of each stream's last event, the least recent first (a touched stream is moved to
      // the end), so the idle check reads only the streams it gives up plus one.
      const lastEventAt = new Map<string, number>();
      let timer: Subscription | null = null;
      let sweeping = false;

      const arm = (): void => {
        if (timer !== null || sweeping || idleTimeoutMs === Infinity) return;
        const oldest = lastEventAt.values().next();
        if (oldest.done === true) return;
        timer = scheduler.schedule(sweep, Math.max(0, oldest.value + idleTimeoutMs - scheduler.now()));
      };
      const sweep = (): void => {
        timer = null;
        sweeping = true;
        const now = scheduler.now();
        for (const [streamId, at] of lastEventAt) {
          if (at + idleTimeoutMs > now) break;
          const entry = state.active.get(streamId);
          if (entry === undefined) lastEventAt.delete(streamId);
          else
            apply({
              type: 'interrupted',
              dto: { streamId, messageId: entry.stream.messageId, conversationId: entry.stream.conversationId, reason: idleReason },
            });
        }
        sweeping = false;
        arm();
      };
      const apply = (event: BotStreamEvent): void => {
        const next = reduceBotStreams(state, event);
        state = next;
        const streamId = event.dto.streamId;
        lastEventAt.delete(streamId);
        if (next.active.has(streamId)) lastEventAt.set(streamId, scheduler.now());
        if (next.evicted !== null) lastEventAt.delete(next.evicted.streamId);
        if (lastEventAt.size === 0) {
          // Nothing under way: no timer.
          timer?.unsubscribe();
          timer = null;
        } else arm();
        if (next.evicted !== null) subscriber.next(next.evicted);
        if (next.changed !== null) subscriber.next(next.changed);
      };
      const interruptions = options.interruptions$?.subscribe({
        next: (reason) => {
          for (const { stream } of [...state.active.values()]) {
            apply({
              type: 'interrupted',
              dto: { streamId: stream.streamId, messageId: stream.messageId, conversationId: stream.conversationId, reason },
            });
          }
        },
        error: (error: unknown) => subscriber.error(error),
      });
      const events = source.subscribe({
        next: apply,
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => {
        timer?.unsubscribe();
        timer = null;
        interruptions?.unsubscribe();
        events.unsubscribe();
      };
    });
}

/** The five stream events of a chat hub client, merged and tagged. */
export interface StreamEventSource {
  on(event: 'streamStarted'): Observable<StreamStartedDto>;
  on(event: 'streamStatusUpdated'): Observable<StreamStatusUpdatedDto>;
  on(event: 'streamChunkReceived'): Observable<StreamChunkReceivedDto>;
  on(event: 'streamCompleted'): Observable<StreamCompletedDto>;
  on(event: 'streamAborted'): Observable<StreamAbortedDto>;
}

/**
 * Merges a chat hub's `streamStarted`, `streamStatusUpdated`, `streamChunkReceived`,
 * `streamCompleted` and `streamAborted` into one tagged stream for {@link accumulateStreams}.
 * Hot, like the events it merges.
 */
export function botStreamEvents(chat: StreamEventSource): Observable<BotStreamEvent> {
  return merge(
    chat.on('streamStarted').pipe(map((dto): BotStreamEvent => ({ type: 'started', dto }))),
    chat.on('streamStatusUpdated').pipe(map((dto): BotStreamEvent => ({ type: 'status', dto }))),
    chat.on('streamChunkReceived').pipe(map((dto): BotStreamEvent => ({ type: 'chunk', dto }))),
    chat.on('streamCompleted').pipe(map((dto): BotStreamEvent => ({ type: 'completed', dto }))),
    chat.on('streamAborted').pipe(map((dto): BotStreamEvent => ({ type: 'aborted', dto }))),
  );
}
