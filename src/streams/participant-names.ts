import {
  asyncScheduler,
  catchError,
  concatWith,
  defer,
  finalize,
  from,
  ignoreElements,
  map,
  merge,
  mergeMap,
  type Observable,
  of,
  type SchedulerLike,
  share,
  Subject,
  takeWhile,
  tap,
  timer,
} from 'rxjs';
import type { ParticipantDto } from '../codecs/participants.js';
import { ArgumentRangeError, InvalidArgumentError } from '../core/invalid-argument-error.js';
import type { TimelineMessage } from './timeline-message.js';

/**
 * What {@link ParticipantNames} needs from REST: `POST /api/participants/batch`. The server skips
 * ids it does not know, so the answer may be shorter than `ids`. `client.participants` (a
 * `ParticipantApi`) is one.
 */
export interface ParticipantBatchSource {
  /** Looks up the participants with these ids; emits the ones found (their `id` and `fullName` at least). */
  getBatch(ids: readonly string[]): Observable<readonly Pick<ParticipantDto, 'id' | 'fullName'>[]>;
}

/** Options of {@link ParticipantNames}. Durations are milliseconds. */
export interface ParticipantNamesOptions {
  /** Ids asked for within this long after the first one go out in one request. @default 10 */
  readonly batchWindowMs?: number;
  /** The most ids in one `getBatch` request; a bigger batch is split into several. @default 100 */
  readonly maxBatchSize?: number;
  /** The most requests of one batch in flight at once. @default 4 */
  readonly maxConcurrentRequests?: number;
  /** The most names kept; the least recently used goes first (`Infinity`: no bound). @default 5000 */
  readonly maxNames?: number;
  /** The most ids remembered as unknown to the server, least recently used first out (`Infinity`: no bound). @default 1000 */
  readonly maxUnknownIds?: number;
  /** The scheduler of the batch window. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/**
 * A `getBatch` request of {@link ParticipantNames} that failed; its ids are not remembered, so a
 * later `resolve` asks for them again.
 *
 * @example
 * ```ts
 * names.errors$.pipe(filter(ParticipantNamesError.is)).subscribe((e) => log(e.ids, e.cause));
 * ```
 */
export class ParticipantNamesError extends Error {
  /** Always `"ParticipantNamesError"` (what {@link ParticipantNamesError.is} checks across copies of this library). */
  override readonly name = 'ParticipantNamesError' as const;
  /** The ids the failed request asked for. */
  readonly ids: readonly string[];

  constructor(ids: readonly string[], cause: unknown) {
    super(`could not look up the names of ${ids.length} participant(s)`, { cause });
    this.ids = ids;
  }

  /** True for a {@link ParticipantNamesError} (also from another copy of this library). */
  static is(error: unknown): error is ParticipantNamesError {
    if (error instanceof ParticipantNamesError) return true;
    if (typeof error !== 'object' || error === null) return false;
    const { name, ids } = error as { name?: unknown; ids?: unknown };
    return name === 'ParticipantNamesError' && Array.isArray(ids);
  }
}

/** What one settled `getBatch` request tells its waiters. */
interface Settled {
  /** Every id the request asked for (found, unknown or failed). */
  readonly ids: readonly string[];
  /** The names it found. */
  readonly names: ReadonlyMap<string, string>;
}

/** Ids collected in one batch window, and the shared requests that answer them. */
interface Batch {
  readonly ids: Set<string>;
  /** Ids learned while the batch was open or in flight: the learned name wins over the answer. */
  readonly learned: Set<string>;
  /** One emission per settled request; completes when all did. Shared while anyone waits. */
  readonly settled$: Observable<Settled>;
}

/**
 * Participant display names (`fullName`) by id, for what the wire does not name: REST history
 * (`MessageDto` has no `senderName`), reactions, read receipts. A bounded LRU cache fed by what
 * the client already sees (`learn`) and, for the rest, by `POST /api/participants/batch`: the
 * ids asked for within `batchWindowMs` go out together (at most `maxBatchSize` per request), an
 * id already being asked for is not asked for again, and ids the server does not know are
 * remembered (not asked for again until evicted or learned). A failed request is reported on
 * `errors$`, and its ids may be asked again later; it never errors a `resolve`.
 *
 * Starts no work on construction: a request is sent only for a subscribed `resolve`, and
 * cancelled when every `resolve` waiting for it unsubscribed.
 *
 * @example
 * ```ts
 * const names = new ParticipantNames(client.participants);
 * client.realtime.chat.on('messageReceived').subscribe((m) => names.learn(m.senderId, m.senderName));
 * names.resolve(page.items.map((m) => m.senderId)).subscribe((byId) => byId.get('echo-bot')); // "Echo Bot"
 * ```
 */
export class ParticipantNames {
  /** Hot: each failed `getBatch` request, as a {@link ParticipantNamesError}. Never errors. */
  readonly errors$: Observable<ParticipantNamesError>;

  private readonly errors = new Subject<ParticipantNamesError>();
  /** Least recently used first. */
  private readonly names = new Map<string, string>();
  /** The id remembered last (the last in `names` while it is there). */
  private newest: string | undefined;
  /** Ids the server said it does not know, least recently used first. */
  private readonly unknown = new Set<string>();
  /** Ids asked for (or about to be), by the batch that asks. */
  private readonly inflight = new Map<string, Batch>();
  /** The batch still collecting ids. */
  private open: Batch | undefined;
  private readonly batchWindowMs: number;
  private readonly maxBatchSize: number;
  private readonly maxConcurrentRequests: number;
  private readonly maxNames: number;
  private readonly maxUnknownIds: number;
  private readonly scheduler: SchedulerLike;

  /**
   * @throws InvalidArgumentError / ArgumentRangeError at once for an option that is not a whole
   * number in range (`batchWindowMs` ≥ 0; the others ≥ 1, `maxNames` and `maxUnknownIds` may be
   * `Infinity`).
   */
  constructor(
    private readonly source: ParticipantBatchSource,
    options: ParticipantNamesOptions = {},
  ) {
    this.batchWindowMs = wholeNumber('options.batchWindowMs', options.batchWindowMs, 10, 0, false);
    this.maxBatchSize = wholeNumber('options.maxBatchSize', options.maxBatchSize, 100, 1, false);
    this.maxConcurrentRequests = wholeNumber('options.maxConcurrentRequests', options.maxConcurrentRequests, 4, 1, false);
    this.maxNames = wholeNumber('options.maxNames', options.maxNames, 5000, 1, true);
    this.maxUnknownIds = wholeNumber('options.maxUnknownIds', options.maxUnknownIds, 1000, 1, true);
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.errors$ = this.errors.asObservable();
  }

  /**
   * Remembers `name` for `id` (a hub message's `senderId`/`senderName`, a `participantJoined`'s
   * `participantId`/`participantName`, the logged-in user). It replaces what was known, wins over
   * an answer to a request already under way, and forgets that the server did not know `id`.
   * Anything that is not a string id and a string name is ignored.
   */
  learn(id: string, name: string): void {
    if (!isId(id) || typeof name !== 'string') return;
    this.remember(id, name);
    this.unknown.delete(id);
    this.inflight.get(id)?.learned.add(id);
  }

  /** The name known for `id` now (marking it recently used), without asking the server. */
  get(id: string): string | undefined {
    const name = this.names.get(id);
    if (name !== undefined) this.remember(id, name);
    return name;
  }

  /**
   * The names of `ids`, by id. Cold: on subscribe it answers from the cache — synchronously when
   * every id is known, or known to be unknown — and otherwise asks for the missing ids (batched
   * with those other `resolve`s ask for within `batchWindowMs`; an id already asked for is
   * waited for, not asked again). Emits one map once they are all settled, and completes.
   *
   * The map holds only the ids with a name: an id the server does not know, or whose request
   * failed (reported on `errors$`), is absent. Never errors. Blank and non-string ids are ignored.
   * Unsubscribing before the answer cancels the requests nobody else waits for.
   *
   * @example
   * ```ts
   * names.resolve(['echo-bot', 'u-1']).subscribe((byId) => render(byId.get('echo-bot') ?? 'echo-bot'));
   * ```
   */
  resolve(ids: Iterable<string>): Observable<ReadonlyMap<string, string>> {
    return defer(() => {
      const wanted = new Set<string>();
      for (const id of ids) if (isId(id)) wanted.add(id);
      const found = new Map<string, string>();
      const waiting = new Set<string>();
      const batches = new Set<Batch>();
      for (const id of wanted) {
        const name = this.get(id);
        if (name !== undefined) found.set(id, name);
        else if (this.unknown.has(id)) this.touchUnknown(id);
        else {
          waiting.add(id);
          batches.add(this.inflight.get(id) ?? this.enqueue(id));
        }
      }
      if (waiting.size === 0) return of<ReadonlyMap<string, string>>(found);
      return merge(...[...batches].map((batch) => batch.settled$)).pipe(
        takeWhile((settled) => {
          for (const id of settled.ids) {
            if (!waiting.delete(id)) continue;
            const name = settled.names.get(id);
            if (name !== undefined) found.set(id, name);
          }
          return waiting.size > 0;
        }),
        ignoreElements(),
        concatWith(
          defer(() => {
            // A name learned meanwhile is newer than the cached one or the answer.
            for (const id of wanted) {
              const name = this.names.get(id);
              if (name !== undefined) found.set(id, name);
            }
            return of<ReadonlyMap<string, string>>(found);
          }),
        ),
      );
    });
  }

  /** Adds `id` to the open batch (opening one if none is). */
  private enqueue(id: string): Batch {
    const batch = this.open ?? (this.open = this.newBatch());
    batch.ids.add(id);
    this.inflight.set(id, batch);
    return batch;
  }

  /**
   * A batch whose window opens when its first waiter subscribes and closes `batchWindowMs` later;
   * then its ids go out in chunks of `maxBatchSize`.
   */
  private newBatch(): Batch {
    const batch: Batch = {
      ids: new Set(),
      learned: new Set(),
      settled$: timer(this.batchWindowMs, this.scheduler).pipe(
        mergeMap(() => {
          if (this.open === batch) this.open = undefined;
          const ids = [...batch.ids];
          const chunks: string[][] = [];
          for (let i = 0; i < ids.length; i += this.maxBatchSize) chunks.push(ids.slice(i, i + this.maxBatchSize));
          return from(chunks).pipe(mergeMap((chunk) => this.request(batch, chunk), this.maxConcurrentRequests));
        }),
        finalize(() => {
          // Settled, or nobody waits any more (the requests were cancelled): nothing is in flight.
          if (this.open === batch) this.open = undefined;
          for (const id of batch.ids) if (this.inflight.get(id) === batch) this.inflight.delete(id);
        }),
        share(),
      ),
    };
    return batch;
  }

  /** One `getBatch` request; emits what it settled, once, even when it failed. */
  private request(batch: Batch, chunk: readonly string[]): Observable<Settled> {
    return defer(() => this.source.getBatch(chunk)).pipe(
      map((participants): Settled => {
        const names = new Map<string, string>();
        for (const p of participants) names.set(p.id, p.fullName);
        for (const id of chunk) {
          if (batch.learned.has(id)) continue;
          const name = names.get(id);
          if (name !== undefined) {
            this.remember(id, name);
            this.unknown.delete(id);
          } else {
            this.names.delete(id);
            this.touchUnknown(id);
          }
        }
        return { ids: chunk, names };
      }),
      catchError((error: unknown) => {
        this.errors.next(new ParticipantNamesError(chunk, error));
        return of<Settled>({ ids: chunk, names: new Map() });
      }),
      tap(() => {
        for (const id of chunk) if (this.inflight.get(id) === batch) this.inflight.delete(id);
      }),
    );
  }

  /** Sets `id` as the most recently used name, evicting the least recently used past `maxNames`. */
  private remember(id: string, name: string): void {
    // The same sender again (a conversation's messages mostly are): already the most recent, with
    // that name — nothing to move (a delete and a set per message would churn the map's table).
    if (id === this.newest && this.names.get(id) === name) return;
    this.newest = id;
    this.names.delete(id);
    this.names.set(id, name);
    if (this.names.size > this.maxNames) {
      const oldest = this.names.keys().next();
      if (!oldest.done) this.names.delete(oldest.value);
    }
  }

  private touchUnknown(id: string): void {
    this.unknown.delete(id);
    this.unknown.add(id);
    if (this.unknown.size > this.maxUnknownIds) {
      const oldest = this.unknown.values().next();
      if (!oldest.done) this.unknown.delete(oldest.value);
    }
  }
}

/**
 * `message` with its `senderName` filled from `names` when it has none (a REST `MessageDto`
 * made into a timeline message has `senderName: null`). Returns `message` itself when it already
 * has a name or `names` does not know its sender, so unchanged messages keep their identity.
 *
 * @example
 * ```ts
 * names.resolve(page.items.map((m) => m.senderId)).pipe(
 *   map((byId) => page.items.map((dto) => withSenderName(fromMessageDto(dto), byId))),
 * );
 * ```
 */
export function withSenderName(message: TimelineMessage, names: ReadonlyMap<string, string>): TimelineMessage {
  if (message.senderName !== null) return message;
  const senderName = names.get(message.senderId);
  return senderName === undefined ? message : { ...message, senderName };
}

function isId(id: unknown): id is string {
  return typeof id === 'string' && id.trim() !== '';
}

function wholeNumber(argument: string, value: unknown, fallback: number, min: number, infinite: boolean): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number')
    throw new InvalidArgumentError(argument, `expected a whole number ≥ ${min}, got a value of type ${typeof value}`);
  if (infinite && value === Number.POSITIVE_INFINITY) return value;
  if (!Number.isInteger(value) || value < min)
    throw new ArgumentRangeError(argument, `expected a whole number ≥ ${min}${infinite ? ' or Infinity' : ''}, got ${value}`);
  return value;
}
