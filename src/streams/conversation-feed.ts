/**
 * The loss-free core: the gap ledger run against a chat hub and the history API. One feed per
 * client serves `messages$` and every timeline: it takes each joined conversation's baseline,
 * marks what the hub delivers as given, owes what a lost connection may have missed, and fetches
 * it after the re-join — once, for everybody.
 */
import {
  asyncScheduler,
  catchError,
  defer,
  EMPTY,
  filter,
  finalize,
  ignoreElements,
  map,
  merge,
  mergeMap,
  Observable,
  of,
  retry,
  type SchedulerLike,
  Subject,
  type Subscriber,
  type Subscription,
  tap,
  throwError,
  timer,
  toArray,
} from 'rxjs';
import type { ChatMessageDto, CursorPaginatedResult, MessageDto } from '../codecs/index.js';
import type { ChatHubPort } from '../hubs/ports.js';
import {
  emptyGapLedger,
  type GapLedger,
  type GapLedgerEvent,
  type GapLedgerLimits,
  isGiven,
  missedIds,
  reduceGapLedger,
} from './gap-ledger.js';
import { GAP_RETRY_DELAYS_MS, type GapHistoryApi, isTransient, pagesSince, retryTransient } from './gap-recovery.js';
import { shareLight } from '../hubs/multicast.js';
import { JoinRegistry } from './join-registry.js';

/** What a {@link ConversationFeed} runs on. */
export interface ConversationFeedDeps {
  /** The chat hub: its events, sessions, joins and re-joins. */
  readonly chat: ChatHubPort;
  /** The history API (`client.messages`), for baselines and recoveries. */
  readonly history: GapHistoryApi;
  /** Finished bot replies (their final message): given like live messages. @default none */
  readonly finished$?: Observable<ChatMessageDto>;
  /** Where failed baselines and recoveries are reported (the stream goes on). */
  readonly report: (error: unknown) => void;
  /** Leave a conversation the feed joined when its last holder goes. @default true */
  readonly leaveOnRelease?: boolean;
  /** Messages per recovery page. @default 50 */
  readonly pageSize?: number;
  /** Pages a recovery may fetch before giving up on reaching what was given. @default 20 */
  readonly maxPages?: number;
  /** Recoveries (and baselines) in flight at once. @default 4 */
  readonly concurrency?: number;
  /**
   * How long after a recovery failed for good (its retries spent) it is tried again, while the
   * conversation is still owed: a debt is never dropped. @default 30000
   */
  readonly retryFailedRecoveryMs?: number;
  /** How many ids the ledger remembers per conversation. */
  readonly limits?: Partial<GapLedgerLimits>;
  /** The scheduler of retries. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/** What the feed emits. */
export type FeedEvent =
  /** A message the hub delivered (or a completed bot reply); `fresh` unless it was given before. */
  | { readonly type: 'message'; readonly message: ChatMessageDto; readonly fresh: boolean }
  /**
   * A recovery ended: `pages` as fetched (newest first; timelines refresh what they hold with
   * them — the pages reach at or below `from`) and `missed`, the messages no one was given (not
   * deleted, oldest first; a message below `from` that was overtaken and lost is among them).
   */
  | {
      readonly type: 'recovered';
      readonly conversationId: string;
      /** The id the recovery started from (what was given before the gap; `''`: an empty conversation). */
      readonly from: string;
      readonly pages: readonly CursorPaginatedResult<MessageDto>[];
      readonly missed: readonly MessageDto[];
    };

/**
 * The gap ledger at work. `events$` runs the feed while subscribed (shared; a new run starts over
 * with an empty ledger); `hold(id)` joins a conversation with a baseline taken before the join,
 * so what is said while the join is under way — or while the connection is lost before the join
 * was answered — is recovered once it is joined.
 *
 * @example
 * ```ts
 * const feed = new ConversationFeed({ chat, history: client.messages, report: console.warn });
 * feed.events$.pipe(filter((e) => e.type === 'recovered')).subscribe((e) => console.log(e.missed));
 * feed.hold(conversationId).subscribe();
 * ```
 */
export class ConversationFeed {
  /** Everything the feed learns, hot while subscribed. */
  readonly events$: Observable<FeedEvent>;
  /**
   * The holds keeping the feed running: `events$` is subscribed once for all of them while there
   * are any (a thousand holds add one subscriber, not a thousand that each see every event).
   */
  private readonly running = new Set<Subscriber<void>>();
  private runningSubscription: Subscription | undefined;
  private ledger: GapLedger;
  private readonly recoverNow = new Subject<string>();
  /** Conversations whose recovery failed for good: tried again later. */
  private readonly failed = new Subject<string>();
  private readonly joins: JoinRegistry;
  private readonly scheduler: SchedulerLike;
  /** Conversations whose pre-join baseline is being fetched. */
  private readonly baselining = new Set<string>();

  constructor(private readonly deps: ConversationFeedDeps) {
    this.scheduler = deps.scheduler ?? asyncScheduler;
    this.ledger = emptyGapLedger(deps.limits);
    this.joins = new JoinRegistry(deps.chat, deps.leaveOnRelease ?? true, {
      beforeJoin: (id) => this.coverBeforeJoin(id),
      afterJoin: (id) => this.recoverNow.next(id),
      released: (id) => {
        if (!deps.chat.joinedConversations.has(id)) this.dispatch({ type: 'uncovered', conversationId: id });
      },
    });
    this.events$ = shareLight(defer(() => this.run()));
  }

  /** The ledger now (a snapshot; empty while the feed is not running). */
  get gapLedger(): GapLedger {
    return this.ledger;
  }

  /**
   * Holds a join while subscribed (reference-counted; see `JoinRegistry.hold`) and keeps the feed
   * running. Emits when the conversation is joined; errors when the server refuses the join.
   */
  hold(conversationId: string): Observable<void> {
    return new Observable<void>((subscriber) => {
      this.keepRunning(subscriber);
      subscriber.add(() => this.stopRunning(subscriber));
      // The join's hold delivers to this subscriber itself (its teardown runs after the one above).
      this.joins.hold(conversationId).subscribe(subscriber);
    });
  }

  /** Keeps `events$` subscribed for `holder` (an error of the feed ends every holder). */
  private keepRunning(holder: Subscriber<void>): void {
    this.running.add(holder);
    if (this.runningSubscription !== undefined) return;
    const subscription = this.events$.subscribe({
      error: (error: unknown) => {
        this.runningSubscription = undefined;
        for (const held of [...this.running]) held.error(error);
      },
      complete: () => {
        this.runningSubscription = undefined;
      },
    });
    if (this.running.size === 0) subscription.unsubscribe();
    else if (!subscription.closed) this.runningSubscription = subscription;
  }

  private stopRunning(holder: Subscriber<void>): void {
    this.running.delete(holder);
    if (this.running.size === 0 && this.runningSubscription !== undefined) {
      const subscription = this.runningSubscription;
      this.runningSubscription = undefined;
      subscription.unsubscribe();
    }
  }

  /** How many holders a conversation has. */
  holderCount(conversationId: string): number {
    return this.joins.holderCount(conversationId);
  }

  private dispatch(event: GapLedgerEvent): void {
    this.ledger = reduceGapLedger(this.ledger, event);
  }

  private run(): Observable<FeedEvent> {
    const { chat } = this.deps;
    this.ledger = emptyGapLedger(this.deps.limits);
    const inFlight = new Set<string>();
    const again = new Set<string>();
    const given$ = merge(chat.on('messageReceived'), this.deps.finished$ ?? EMPTY).pipe(
      map((message): FeedEvent => {
        const entry = this.ledger.entries.get(message.conversationId);
        // Only a covered or joined conversation's messages are given: a server may still send a
        // conversation left while the connection was away (a leave lost, the connection resumed).
        if (entry === undefined && !chat.joinedConversations.has(message.conversationId)) return { type: 'message', message, fresh: false };
        const fresh = entry === undefined || !isGiven(entry, message.id);
        this.dispatch({ type: 'given', conversationId: message.conversationId, id: message.id });
        return { type: 'message', message, fresh };
      }),
    );
    const sessions$ = chat.sessions$.pipe(tap((session) => this.dispatch({ type: 'sessionStarted', session: session.number })));
    const rejoined$ = chat.rejoined$.pipe(
      tap((event) => {
        for (const id of event.conversationIds) this.recoverNow.next(id);
      }),
    );
    const recoveries$ = this.recoverNow.pipe(mergeMap((id) => this.recover(id, inFlight, again), this.deps.concurrency ?? 4));
    const retries$ = this.failed.pipe(
      mergeMap((id) => timer(this.deps.retryFailedRecoveryMs ?? 30_000, this.scheduler).pipe(tap(() => this.recoverNow.next(id)))),
    );
    return merge(merge(sessions$, rejoined$, retries$, this.coverage()).pipe(ignoreElements()), given$, recoveries$).pipe(
      finalize(() => {
        this.ledger = emptyGapLedger(this.deps.limits);
      }),
    );
  }

  /**
   * Keeps the covered set in step with the hub's joined set: a conversation that stopped being
   * joined is uncovered, or owed when it is still held (joined again later, then recovered); one joined without a baseline (joined on the hub directly, or before the
   * feed ran) is covered from its newest message now.
   */
  private coverage(): Observable<never> {
    const { chat } = this.deps;
    let joinedBefore: ReadonlySet<string> = new Set();
    return chat.joinedConversations$.pipe(
      tap((ids) => {
        // Still held (the hub was disconnected on purpose): owed until joined again. Else gone.
        for (const id of joinedBefore) {
          if (!ids.has(id)) this.dispatch({ type: this.joins.holderCount(id) > 0 ? 'suspended' : 'uncovered', conversationId: id });
        }
        joinedBefore = ids;
      }),
      mergeMap((ids) => [...ids].filter((id) => !this.ledger.entries.has(id) && !this.baselining.has(id))),
      mergeMap(
        (id) =>
          this.baseline(id).pipe(
            tap((newest) => {
              if (chat.joinedConversations.has(id)) this.dispatch({ type: 'covered', conversationId: id, baseline: newest, owed: false });
            }),
            catchError(() => EMPTY),
          ),
        this.deps.concurrency ?? 4,
      ),
      ignoreElements(),
    );
  }

  /** Before the hold's join is sent: cover the conversation from its newest message, owed until recovered once joined. */
  private coverBeforeJoin(conversationId: string): Observable<unknown> {
    if (this.ledger.entries.has(conversationId)) return of(undefined);
    return this.baseline(conversationId).pipe(
      // The join waits for its baseline: while the history answers with failures that may pass,
      // it is asked again every `retryFailedRecoveryMs` (each failure reported).
      retry({
        delay: (error: unknown) => {
          if (!isTransient(error)) return throwError(() => error);
          this.deps.report(error);
          return timer(this.deps.retryFailedRecoveryMs ?? 30_000, this.scheduler);
        },
      }),
      tap((newest) => this.dispatch({ type: 'covered', conversationId, baseline: newest, owed: true })),
      catchError((error: unknown) => {
        // Refused (403, 404): the join is sent anyway and will say why; nothing is covered.
        this.deps.report(error);
        return of(undefined);
      }),
    );
  }

  /** The conversation's newest message id now (`''` when it has none); transient failures are asked again as recoveries are. */
  private baseline(conversationId: string): Observable<string> {
    return defer(() => {
      this.baselining.add(conversationId);
      return this.deps.history.getHistory(conversationId, { limit: 1, direction: 'older' }).pipe(
        retryTransient(GAP_RETRY_DELAYS_MS, this.scheduler),
        map((page) => page.items[0]?.id ?? ''),
        finalize(() => this.baselining.delete(conversationId)),
      );
    });
  }

  /** Fetches what is owed in one conversation, one recovery per conversation at a time. */
  private recover(conversationId: string, inFlight: Set<string>, again: Set<string>): Observable<FeedEvent> {
    return defer(() => {
      if (inFlight.has(conversationId)) {
        again.add(conversationId);
        return EMPTY;
      }
      const from = this.ledger.entries.get(conversationId)?.owed;
      if (from === undefined) return EMPTY;
      const session = this.ledger.session;
      inFlight.add(conversationId);
      return pagesSince(this.deps.history, conversationId, from, {
        pageSize: this.deps.pageSize ?? 50,
        maxPages: this.deps.maxPages ?? 20,
        scheduler: this.scheduler,
      }).pipe(
        toArray(),
        map((pages): FeedEvent => {
          const fetched = pages.flatMap((page) => page.items).filter((m) => !m.isDeleted);
          const missed = missedIds(this.ledger, conversationId, fetched);
          this.dispatch({ type: 'recovered', conversationId, from, session, given: missed.map((m) => m.id) });
          return { type: 'recovered', conversationId, from, pages, missed };
        }),
        catchError((error: unknown) => {
          // Still owed: tried again later, and the next re-join recovers from the same point.
          this.deps.report(error);
          this.failed.next(conversationId);
          return EMPTY;
        }),
        finalize(() => {
          inFlight.delete(conversationId);
          if (again.delete(conversationId)) this.recoverNow.next(conversationId);
        }),
      );
    });
  }
}

/** The recovered events of one conversation. */
export function recoveredIn(
  conversationId: string,
): (events$: Observable<FeedEvent>) => Observable<Extract<FeedEvent, { type: 'recovered' }>> {
  return (events$) =>
    events$.pipe(
      filter((e): e is Extract<FeedEvent, { type: 'recovered' }> => e.type === 'recovered' && e.conversationId === conversationId),
    );
}
