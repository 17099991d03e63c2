import { map, merge, Observable, type OperatorFunction } from 'rxjs';
import type {
  ChatMessageDto,
  MediaReference,
  StreamAbortedDto,
  StreamChunkReceivedDto,
  StreamCompletedDto,
  StreamStartedDto,
  StreamStatusUpdatedDto,
} from '../codecs/index.js';

/** One bot-stream event, tagged by `type`. */
export type BotStreamEvent =
  | { readonly type: 'started'; readonly dto: StreamStartedDto }
  | { readonly type: 'status'; readonly dto: StreamStatusUpdatedDto }
  | { readonly type: 'chunk'; readonly dto: StreamChunkReceivedDto }
  | { readonly type: 'completed'; readonly dto: StreamCompletedDto }
  | { readonly type: 'aborted'; readonly dto: StreamAbortedDto }
  /**
   * Not a hub event: the client lost its connection (a new connection id) while the stream was
   * under way, so its end may never arrive. The stream ends `aborted` with `reason`, and is not
   * remembered as finished: if the bot goes on and completes it, the completion still applies.
   */
  | { readonly type: 'interrupted'; readonly dto: { readonly streamId: string; readonly messageId: string; readonly conversationId: string; readonly reason: string } };

/** Where a bot stream is. */
export type BotStreamPhase = 'streaming' | 'completed' | 'aborted';

/** A bot's streamed reply so far. */
export interface BotStream {
  readonly streamId: string;
  readonly messageId: string;
  readonly conversationId: string;
  /** Null until `streamStarted` arrives (a chunk may come first). */
  readonly senderId: string | null;
  readonly senderName: string | null;
  readonly senderAvatar: MediaReference | null;
  readonly replyToMessageId: string | null;
  /** The last status, e.g. `"thinking"`. */
  readonly status: string | null;
  readonly statusDetail: string | null;
  /** The text of every chunk applied so far, in `chunkIndex` order, without gaps. */
  readonly text: string;
  /** Chunks applied to `text`. */
  readonly chunkCount: number;
  readonly phase: BotStreamPhase;
  /** Why it was aborted (`phase: 'aborted'`). */
  readonly reason: string | null;
  /** The final hub message (`phase: 'completed'`); it replaces the placeholder. */
  readonly message: ChatMessageDto | null;
  readonly startedAt: string | null;
}

/** The accumulator's state: streams under way by id, and the stream the last event changed. */
export interface BotStreamsState {
  /** Streams still streaming. Finished streams are released after the event that finished them. */
  readonly active: ReadonlyMap<string, ActiveStream>;
  /** The stream the last event changed, or null when the event changed nothing (a duplicate). */
  readonly changed: BotStream | null;
  /** Ids of recently finished streams (at most 256), so late duplicates of their events are ignored. */
  readonly finished: ReadonlySet<string>;
}

/** A stream under way plus its out-of-order chunks waiting for the gap before them to fill. */
export interface ActiveStream {
  readonly stream: BotStream;
  /** chunkIndex → text for chunks that arrived early. */
  readonly early: ReadonlyMap<number, string>;
}

/** The state before any event. */
export const initialBotStreamsState: BotStreamsState = { active: new Map(), changed: null, finished: new Set() };

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

/**
 * The pure reducer of {@link accumulateStreams}. Chunks are applied by `chunkIndex`: a duplicate
 * (already applied or already waiting) is ignored, an early one waits until the gap before it
 * fills. Appending is one string concatenation per chunk, so the total cost is linear in the
 * text. A completed or aborted stream leaves `active` (its memory is released) and events for a
 * finished stream are ignored.
 *
 * Cost per event: O(1) amortised plus the number of waiting chunks it releases; the `active` map
 * is copied, which is O(streams under way) — a handful.
 */
export function reduceBotStreams(state: BotStreamsState, event: BotStreamEvent): BotStreamsState {
  const { streamId, messageId, conversationId } = event.dto;
  const entry = state.active.get(streamId) ?? { stream: blank(streamId, messageId, conversationId), early: new Map<number, string>() };
  if (!state.active.has(streamId) && state.finished.has(streamId)) return { ...state, changed: null };
  let stream = entry.stream;
  let early = entry.early;
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
      break;
    }
    case 'status':
      if (stream.status === event.dto.status && stream.statusDetail === (event.dto.detail ?? null)) return { ...state, changed: null };
      stream = { ...stream, status: event.dto.status, statusDetail: event.dto.detail ?? null };
      break;
    case 'chunk': {
      const { chunkIndex, text } = event.dto;
      if (chunkIndex < stream.chunkCount || early.has(chunkIndex)) return { ...state, changed: null };
      if (chunkIndex > stream.chunkCount) {
        const waiting = new Map(early);
        waiting.set(chunkIndex, text);
        return { active: new Map(state.active).set(streamId, { stream, early: waiting }), changed: null, finished: state.finished };
      }
      let appended = stream.text + text;
      let count = stream.chunkCount + 1;
      if (early.size > 0) {
        let next = early.get(count);
        if (next !== undefined) {
          const waiting = new Map(early);
          while (next !== undefined) {
            waiting.delete(count);
            appended += next;
            count += 1;
            next = waiting.get(count);
          }
          early = waiting;
        }
      }
      stream = { ...stream, text: appended, chunkCount: count };
      break;
    }
    case 'completed':
      // `messageId` stays the placeholder's id (the one the stream's events carried), so a consumer
      // can find and replace the placeholder even when the final message got another id.
      stream = { ...stream, phase: 'completed', message: event.dto.message };
      return finish(state, streamId, stream);
    case 'aborted':
      stream = { ...stream, phase: 'aborted', reason: event.dto.reason };
      return finish(state, streamId, stream);
    case 'interrupted': {
      if (!state.active.has(streamId)) return { ...state, changed: null };
      const active = new Map(state.active);
      active.delete(streamId);
      return { active, changed: { ...stream, phase: 'aborted', reason: event.dto.reason }, finished: state.finished };
    }
  }
  return { active: new Map(state.active).set(streamId, { stream, early }), changed: stream, finished: state.finished };
}

function finish(state: BotStreamsState, streamId: string, stream: BotStream): BotStreamsState {
  const active = new Map(state.active);
  active.delete(streamId);
  const finished = new Set(state.finished);
  finished.add(streamId);
  // Remember only the last finished ids, so a late duplicate event is ignored without growing forever.
  if (finished.size > 256) finished.delete(finished.values().next().value as string);
  return { active, changed: stream, finished };
}

/** Options of {@link accumulateStreams}. */
export interface AccumulateStreamsOptions {
  /**
   * Each emission (a reason) ends every stream under way as `aborted` with that reason — e.g. a
   * reconnect that lost the connection's state, after which a stream's end may never arrive. An
   * interrupted stream is not remembered as finished: a completion that still comes applies.
   * @default never
   */
  readonly interruptions$?: Observable<string>;
}

/**
 * Scans bot-stream events into per-stream state and emits the stream each event changed:
 * ids, sender, status text, the text so far, chunk count and phase (`streaming | completed |
 * aborted` with the reason). Duplicated chunks emit nothing; early chunks wait for the gap.
 * Completes when the source completes.
 *
 * @example
 * ```ts
 * botStreamEvents(client.realtime.chat).pipe(accumulateStreams())
 *   .subscribe((stream) => render(stream.messageId, stream.text));
 * ```
 */
export function accumulateStreams(options: AccumulateStreamsOptions = {}): OperatorFunction<BotStreamEvent, BotStream> {
  // One state per subscription, fed by two inputs: the source's events, and interruptions that
  // turn into one `interrupted` event per stream under way. Completing or erroring follows the
  // source alone; the interruptions are listened to only as long as the source runs.
  return (source) =>
    new Observable<BotStream>((subscriber) => {
      let state = initialBotStreamsState;
      const apply = (event: BotStreamEvent): void => {
        state = reduceBotStreams(state, event);
        if (state.changed !== null) subscriber.next(state.changed);
      };
      const interruptions = options.interruptions$?.subscribe({
        next: (reason) => {
          for (const { stream } of [...state.active.values()]) {
            apply({ type: 'interrupted', dto: { streamId: stream.streamId, messageId: stream.messageId, conversationId: stream.conversationId, reason } });
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
