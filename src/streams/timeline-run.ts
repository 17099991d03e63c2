/**
 * One run of a timeline, from its first subscriber to its last: the state, fed by the live events
 * of the conversation (through the routing tables every timeline shares), the user's changes, the
 * first history page, recoveries and the join — and the subscribers of `messages$`, `snapshot$`
 * and `status$`, told of each change. Written as objects with methods rather than an operator
 * chain: a hundred open timelines are a hundred runs, each kept small (docs/performance.md).
 * Internal.
 */
import {
  asapScheduler,
  catchError,
  concatMap,
  EMPTY,
  endWith,
  from,
  map,
  type Observable,
  of,
  type SchedulerAction,
  type SchedulerLike,
  type Subscriber,
  type Subscription,
  tap,
} from 'rxjs';
import type { ChatMessageDto, CursorPaginatedResult, MessageDto } from '../codecs/index.js';
import type { ChatHubPort } from '../hubs/ports.js';
import type { BotStream } from './accumulate-stream.js';
import type { ConversationFeed, FeedEvent } from './conversation-feed.js';
import { GAP_RETRY_DELAYS_MS, retryTransient } from './gap-recovery.js';
import type { ParticipantNames } from './participant-names.js';
import type { TimelineDeps, TimelineSnapshot, TimelineStatus } from './timeline.js';
import type { TimelineMessage } from './timeline-message.js';
import { byConversation, KeyedRouter, route, sharedRouter } from './timeline-router.js';
import { applyTimelineAction, type TimelineAction, TimelineState } from './timeline-state.js';

/** `status$` before the first page was answered. */
const LOADING: TimelineStatus = { status: 'loading' };
/** `status$` once a history request of the run succeeded. */
const LOADED: TimelineStatus = { status: 'loaded' };

/** Marks the end of the first history page in its action stream (not an action). */
const FIRST_PAGE_DONE = Symbol('first page done');
/** Marks the end of a recovery that stood in for the first page (not an action). */
const SETTLED = Symbol('recovery settled');
/** A recovery of the conversation feed. */
type RecoveredEvent = Extract<FeedEvent, { type: 'recovered' }>;
/** The routing key of a feed event: its conversation for a recovery, none (`''`) for a message. */
const recoveredKey = (event: FeedEvent): string => (event.type === 'recovered' ? event.conversationId : '');

/** What a run is made of: the timeline's settings, one object per timeline. */
export interface TimelineSetup {
  /** The conversation. */
  readonly conversationId: string;
  /** What the timeline is wired to. */
  readonly deps: TimelineDeps;
  /** The conversation feed (shared, or the timeline's own). */
  readonly feed: ConversationFeed;
  /** Messages per history page. */
  readonly pageSize: number;
  /** The window: the most messages kept. */
  readonly maxMessages: number;
  /** Hold a join of the conversation while the run is on. */
  readonly join: boolean;
  /** The scheduler for every timer. */
  readonly scheduler: SchedulerLike;
}

/** Where the shared router delivers one run's events. */
interface TimelineInput {
  /** `messageReceived` / `messageRecovered` (the sender's name is learnt first). */
  message(type: 'received' | 'recovered', message: ChatMessageDto): void;
  /** Any other live change. */
  change(action: TimelineAction): void;
  /** A recovery of the feed in this conversation. */
  recovered(event: RecoveredEvent): void;
  /** A source errored (none of them does): the run errors. */
  fail(error: unknown): void;
}

/**
 * The router of every timeline on one chat hub, bot stream and conversation feed: one subscription
 * to each hub event, to the streams and to the feed, whatever the number of open timelines; each
 * value goes to the timelines of its conversation only.
 */
function timelineRouter(chat: ChatHubPort, streams$: Observable<BotStream>, feed: ConversationFeed): KeyedRouter<TimelineInput> {
  return sharedRouter<TimelineInput>(
    [feed, chat, streams$],
    () =>
      new KeyedRouter<TimelineInput>(
        [
          route(chat.on('messageReceived'), byConversation, (t: TimelineInput, message) => t.message('received', message)),
          route(chat.on('messageRecovered'), byConversation, (t: TimelineInput, message) => t.message('recovered', message)),
          route(chat.on('messageUpdated'), byConversation, (t: TimelineInput, dto) => t.change({ type: 'updated', dto })),
          route(chat.on('messageDeleted'), byConversation, (t: TimelineInput, dto) => t.change({ type: 'deleted', dto })),
          route(chat.on('reactionAdded'), byConversation, (t: TimelineInput, dto) => t.change({ type: 'reactionAdded', dto })),
          route(chat.on('reactionRemoved'), byConversation, (t: TimelineInput, dto) => t.change({ type: 'reactionRemoved', dto })),
          route(chat.on('readReceiptUpdated'), byConversation, (t: TimelineInput, dto) => t.change({ type: 'readReceipt', dto })),
          route(streams$, byConversation, (t: TimelineInput, stream) => t.change({ type: 'stream', stream })),
          route(feed.events$, recoveredKey, (t: TimelineInput, event) => t.recovered(event as RecoveredEvent)),
        ],
        (t, error) => t.fail(error),
      ),
  );
}

/** A subscriber of a run, as `messages$`, `snapshot$` or `status$` sees it. */
export interface RunSink {
  /** The state changed — or, for a sink added to a run that emitted, what it is now. */
  state(run: TimelineRun): void;
  /** The status is now `status`: told once the sink is added, then on every change. */
  status(status: TimelineStatus): void;
  /** The run failed (and ended). */
  error(error: unknown): void;
}

/** Ends the turn of a run (an `asapScheduler` action: no closure per turn). */
function endTurn(this: SchedulerAction<TimelineRun>, run?: TimelineRun): void {
  run?.endTurn();
}

/**
 * One run. `start` subscribes what feeds it (the router first, so a recovery the join starts
 * finds it); `add`/`remove` keep its sinks, and the last one removed stops it; `fail` errors every
 * sink and stops it. The timeline reads `state`, `paging` and `status`, and sends its own changes
 * through `apply`.
 */
export class TimelineRun implements TimelineInput {
  /** The messages, receipts and version of this run. */
  readonly state: TimelineState;
  /** The history pages this run loaded. */
  readonly paging = new HistoryPaging();
  /** Where the history stands (`status$`). */
  status: TimelineStatus = LOADING;
  /** True once stopped (by its last sink going, or failing): it does nothing from then on. */
  closed = false;
  /** Outgoing typing, from the run's first keystroke on (most runs never type). */
  typing: Subscription | undefined;
  /** The sinks, as an array replaced (never changed) on add and remove: an emission goes through a stable copy. */
  private sinks: readonly RunSink[] = [];
  /** True once the state was emitted: a sink added later is told it at once (a replay). */
  private emitted = false;
  /** The turn of the event loop under way, when a hub change came in it (see `change`). */
  private turn: Subscription | undefined;
  /** A hub change of this turn is not emitted yet. */
  private behind = false;
  private removeInput: (() => void) | undefined;
  private firstPageRequest: Subscription | undefined;
  private held: Subscription | undefined;
  /** Recoveries waiting for the one under way. */
  private queue: RecoveredEvent[] | undefined;
  private recovering = false;
  private recovery: Subscription | undefined;

  constructor(private readonly setup: TimelineSetup) {
    this.state = new TimelineState(setup.conversationId, setup.maxMessages);
  }

  /** The conversation. */
  get conversationId(): string {
    return this.setup.conversationId;
  }

  /** Subscribes the live events, the first page and the join. */
  start(): void {
    const { deps, conversationId } = this.setup;
    const me = deps.currentUser();
    if (me !== null) deps.names?.learn(me.id, me.fullName); // one's own messages in history, named at once
    // Live events and recoveries through the shared router (added before the join starts a recovery).
    this.removeInput = timelineRouter(deps.chat, deps.streams$, this.setup.feed).add(conversationId, this);
    const firstPage = this.firstPage().subscribe({
      next: (action) => (action === FIRST_PAGE_DONE ? this.publish() : this.apply(action)),
      error: (error: unknown) => this.fail(error),
    });
    if (this.closed) firstPage.unsubscribe();
    else if (!firstPage.closed) this.firstPageRequest = firstPage;
    if (this.setup.join && !this.closed) {
      const held = this.setup.feed.hold(conversationId).subscribe({ error: (error: unknown) => deps.report(error) });
      if (this.closed) held.unsubscribe();
      else this.held = held;
    }
  }

  /** Adds a sink (a run that emitted tells it the state at once; the caller tells it the status). */
  add(sink: RunSink, replay: boolean): void {
    this.sinks = [...this.sinks, sink];
    if (replay && this.emitted) sink.state(this);
  }

  /** Removes a sink; the last one stops the run. */
  remove(sink: RunSink): void {
    if (!this.sinks.includes(sink)) return;
    this.sinks = this.sinks.filter((s) => s !== sink);
    if (this.sinks.length === 0) this.stop();
  }

  /**
   * A change the user made (a send, its answer, a history page, a recovery): emitted at once, with
   * whatever the turn held back.
   */
  apply(action: TimelineAction): void {
    if (applyTimelineAction(this.state, action)) this.emit();
  }

  /**
   * A change the hub brought (a live event, a bot stream): emitted per turn of the event loop — the
   * first of a turn at once, any later ones of the same turn once, at its end (a microtask): one
   * socket read of a hundred events costs two emissions, not a hundred.
   */
  change(action: TimelineAction): void {
    if (!applyTimelineAction(this.state, action)) return;
    if (this.turn !== undefined) {
      this.behind = true;
      return;
    }
    this.turn = asapScheduler.schedule(endTurn, 0, this);
    this.emit();
  }

  /** A live message: its sender's name is learnt, then it is a hub change. */
  message(type: 'received' | 'recovered', message: ChatMessageDto): void {
    this.setup.deps.names?.learn(message.senderId, message.senderName);
    this.change({ type, message });
  }

  /** The turn ended: what it held back is emitted. */
  endTurn(): void {
    this.turn = undefined;
    if (this.behind) this.emit();
  }

  /** A recovery of the conversation: run after the ones before it ended, nothing subscribed between them. */
  recovered(event: RecoveredEvent): void {
    (this.queue ??= []).push(event);
    this.recoverNext();
  }

  /** The status is `loaded` (a history request of the run succeeded). */
  settle(): void {
    if (this.status.status !== 'loaded') this.setStatus(LOADED);
  }

  /** Errors every sink, then stops. */
  fail(error: unknown): void {
    if (this.closed) return;
    // Closed first, so a sink that subscribes again from its error handler starts a new run.
    this.closed = true;
    const sinks = this.sinks;
    this.sinks = [];
    for (const sink of sinks) sink.error(error);
    this.stop();
  }

  private emit(): void {
    this.behind = false;
    this.publish();
  }

  private publish(): void {
    this.emitted = true;
    const sinks = this.sinks;
    for (let i = 0; i < sinks.length; i++) (sinks[i] as RunSink).state(this);
  }

  private setStatus(status: TimelineStatus): void {
    this.status = status;
    const sinks = this.sinks;
    for (let i = 0; i < sinks.length; i++) (sinks[i] as RunSink).status(status);
  }

  /** Unsubscribes everything the run holds (in the order it was subscribed). */
  private stop(): void {
    this.closed = true;
    this.sinks = [];
    this.queue = undefined;
    this.removeInput?.();
    this.removeInput = undefined;
    for (const subscription of [this.turn, this.firstPageRequest, this.held, this.recovery, this.typing]) subscription?.unsubscribe();
    this.turn = this.firstPageRequest = this.held = this.recovery = this.typing = undefined;
  }

  private recoverNext(): void {
    while (!this.recovering && !this.closed) {
      const event = this.queue?.shift();
      if (event === undefined) return;
      this.recovering = true;
      let sync = true;
      const running = this.recover(event).subscribe({
        next: (action) => (action === SETTLED ? this.settle() : this.apply(action)),
        error: (error: unknown) => this.fail(error),
        complete: () => {
          this.recovering = false;
          if (sync) return;
          this.recovery = undefined;
          this.recoverNext();
        },
      });
      sync = false;
      if (!this.recovering) continue;
      if (this.closed) running.unsubscribe();
      else this.recovery = running;
    }
  }

  /** The first history page as a `history` action, then `FIRST_PAGE_DONE` (answered or failed). */
  private firstPage(): Observable<TimelineAction | typeof FIRST_PAGE_DONE> {
    const { deps, conversationId, pageSize, scheduler } = this.setup;
    return deps.messages.getHistory(conversationId, { limit: pageSize, direction: 'older' }).pipe(
      // A failure that may pass is asked again (1 s, 2 s, 5 s, or the server's Retry-After), as gap recovery does.
      retryTransient(GAP_RETRY_DELAYS_MS, scheduler),
      concatMap((page) => namedPage(deps.names, page)),
      map(({ page, senderNames }): TimelineAction => {
        this.paging.record(page);
        return historyAction(page.items, senderNames);
      }),
      // Loaded (or failed) before FIRST_PAGE_DONE passes, so a `messages$` subscriber that reads
      // `status$` on that emission finds the answer there.
      tap({ complete: () => this.settle() }),
      catchError((error: unknown) => {
        this.setStatus({ status: 'failed', error });
        deps.report(error);
        return EMPTY;
      }),
      // The first page was answered (or failed): emit the state even when it is empty, so a
      // subscriber can tell "loaded, no messages" from "still loading".
      endWith(FIRST_PAGE_DONE),
    );
  }

  /**
   * A recovery's pages refresh what is held and add the gap (what is newer than where it started
   * or than the oldest message held, and what it found missed); older history stays out — the
   * window is the user's, `loadOlder` extends it. Before the first page came (it failed, or is
   * still being asked again), the recovery's newest `pageSize` messages stand in for it (then
   * `SETTLED`). Read when the recovery's turn comes, after the ones before it ended.
   */
  private recover(event: RecoveredEvent): Observable<TimelineAction | typeof SETTLED> {
    const names = this.setup.deps.names;
    if (this.status.status !== 'loaded') {
      const newest = event.pages.flatMap((page) => page.items).slice(0, this.setup.pageSize);
      return namedPage(names, { items: newest, hasMore: true, nextCursor: null }).pipe(
        map(({ page, senderNames }) => historyAction(page.items, senderNames)),
        endWith(SETTLED),
      );
    }
    const missed = new Set(event.missed.map((m) => m.id));
    return from(event.pages).pipe(
      concatMap((fetched) => {
        const oldest = this.state.oldestId();
        const items = fetched.items.filter((m) => m.id > event.from || missed.has(m.id) || (oldest !== undefined && m.id >= oldest));
        // Only a whole page tells where the history's pages begin and end.
        if (items.length === fetched.items.length) this.paging.record(fetched);
        return namedPage(names, items.length === fetched.items.length ? fetched : { ...fetched, items });
      }),
      map(({ page, senderNames }) => historyAction(page.items, senderNames)),
    );
  }
}

/** A sink that delivers to one subscriber: told nothing by default, errors it when the run fails. */
abstract class SubscriberSink<T> implements RunSink {
  constructor(protected readonly subscriber: Subscriber<T>) {}

  state(_run: TimelineRun): void {}

  status(_status: TimelineStatus): void {}

  error(error: unknown): void {
    this.subscriber.error(error);
  }
}

/** `messages$`'s subscriber: the window on each change (never the same array twice in a row). */
export class MessagesSink extends SubscriberSink<readonly TimelineMessage[]> {
  private last: readonly TimelineMessage[] | undefined;

  override state(run: TimelineRun): void {
    const messages = run.state.messages();
    if (messages === this.last) return;
    this.last = messages;
    this.subscriber.next(messages);
  }
}

/** `snapshot$`'s subscriber: a snapshot when the version or `hasOlder` changed. */
export class SnapshotSink extends SubscriberSink<TimelineSnapshot> {
  private last: TimelineSnapshot | undefined;

  override state(run: TimelineRun): void {
    const state = run.state;
    const hasOlder = run.paging.hasOlder(state);
    if (this.last !== undefined && this.last.version === state.version && this.last.hasOlder === hasOlder) return;
    this.last = {
      conversationId: run.conversationId,
      messages: state.messages(),
      hasOlder,
      readReceipts: new Map(state.readReceipts()),
      version: state.version,
    };
    this.subscriber.next(this.last);
  }
}

/** `status$`'s subscriber: the status on each change. */
export class StatusSink extends SubscriberSink<TimelineStatus> {
  private last: TimelineStatus | undefined;

  override status(status: TimelineStatus): void {
    if (status === this.last) return;
    this.last = status;
    this.subscriber.next(status);
  }
}

/**
 * What the timeline knows of the history's pages, walking back from the newest: each page's
 * oldest message with the cursor that continues below it, and the conversation's first message
 * once a page said there is nothing older.
 */
export class HistoryPaging {
  /** Page boundaries, by message id: the cursor that continues below that message. */
  private boundaries: Map<string, string> | undefined;
  /** The oldest message of the conversation ('' when it has none), once known. */
  private first: string | undefined;

  /** Records a page of `direction: 'older'` history. */
  record(page: CursorPaginatedResult<MessageDto>): void {
    let oldest: string | undefined;
    for (const m of page.items) if (oldest === undefined || m.id < oldest) oldest = m.id;
    if (page.hasMore && page.nextCursor !== null) {
      if (oldest !== undefined) (this.boundaries ??= new Map()).set(oldest, page.nextCursor);
    } else {
      const first = oldest ?? '';
      if (this.first === undefined || first < this.first) this.first = first;
    }
  }

  /** True while there are messages older than the oldest one held. */
  hasOlder(state: TimelineState): boolean {
    if (this.first === undefined) return true;
    return (state.oldestId() ?? '') > this.first;
  }

  /** The cursor of the nearest page boundary at or above `oldest` (undefined: walk from the newest). */
  cursorBelow(oldest: string | undefined): string | undefined {
    if (oldest === undefined || this.boundaries === undefined) return undefined;
    let best: string | undefined;
    let cursor: string | undefined;
    for (const [id, next] of this.boundaries) {
      if (id >= oldest && (best === undefined || id < best)) {
        best = id;
        cursor = next;
      }
    }
    return cursor;
  }
}

/** A history page with the names of its senders (when a resolver is given): cached ones at once, others in one batch. */
export function namedPage(
  names: ParticipantNames | undefined,
  page: CursorPaginatedResult<MessageDto>,
): Observable<{ readonly page: CursorPaginatedResult<MessageDto>; readonly senderNames?: ReadonlyMap<string, string> }> {
  if (names === undefined || page.items.length === 0) return of({ page });
  return names.resolve(page.items.map((m) => m.senderId)).pipe(map((senderNames) => ({ page, senderNames })));
}

/** A `history` action for `messages` (with their senders' names when known). */
export function historyAction(messages: readonly MessageDto[], senderNames: ReadonlyMap<string, string> | undefined): TimelineAction {
  return { type: 'history', messages, ...(senderNames !== undefined ? { senderNames } : {}) };
}
