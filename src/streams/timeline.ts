import {
  asyncScheduler,
  catchError,
  concatMap,
  defer,
  EMPTY,
  expand,
  filter,
  ignoreElements,
  map,
  merge,
  Observable,
  of,
  reduce,
  type SchedulerLike,
  shareReplay,
  Subject,
  takeWhile,
  tap,
  timeout,
} from 'rxjs';
import * as t from 'io-ts';
import { Block, type CursorPaginatedResult, Mention, type MessageDto, QuickReply, type SendMessageAck } from '../codecs/index.js';
import { MAX_JSON_DEPTH } from '../codecs/json-depth.js';
import { array, optional } from '../codecs/scalars.js';
import { InvalidArgumentError } from '../core/invalid-argument-error.js';
import {
  assertBody,
  assertMessageBlocks,
  assertNonEmptyString,
  assertOptionalClientMessageId,
  assertOptionalId,
  assertOptionalObject,
  assertTextLength,
} from '../core/validate.js';
import { HubError } from '../hubs/hub-error.js';
import type { ChatHubPort } from '../hubs/ports.js';
import type { BotStream } from './accumulate-stream.js';
import { outgoingTyping } from './outgoing-typing.js';
import { localMessage, type TimelineMessage } from './timeline-message.js';
import type { ReadReceipt } from './timeline-state.js';
import { ConversationFeed } from './conversation-feed.js';
import {
  historyAction,
  MessagesSink,
  namedPage,
  type RunSink,
  SnapshotSink,
  StatusSink,
  TimelineRun,
  type TimelineSetup,
} from './timeline-run.js';
import type { ParticipantNames } from './participant-names.js';
import { trackTyping, type TypingParticipant } from './track-typing.js';

/**
 * How deep the blocks of a send may nest: they go as `request.blocks` of a hub argument (the
 * invocation message, its `arguments` array and the request object come first) or of a REST body.
 */
const BLOCKS_MAX_DEPTH = MAX_JSON_DEPTH - 3;
/** What `send`'s blocks are checked against. */
const SendBlocks = array(Block, 'Block[]');
/** What `send`'s options are checked against. */
const SendOptionsCodec = optional(
  { replyToMessageId: t.string, mentions: array(Mention), quickReplies: array(QuickReply), clientMessageId: t.string },
  'SendOptions',
);

/** What a timeline needs from REST. */
export interface TimelineHistoryApi {
  getHistory(
    conversationId: string,
    params: { limit?: number; cursor?: string; direction?: 'older' | 'newer' },
  ): Observable<CursorPaginatedResult<MessageDto>>;
  send(
    conversationId: string,
    request: { blocks: Block[]; clientMessageId?: string; replyToMessageId?: string; mentions?: Mention[]; quickReplies?: QuickReply[] },
  ): Observable<MessageDto>;
}

/** What a timeline is wired to (the facade passes its REST API, chat hub and shared streams). */
export interface TimelineDeps {
  readonly chat: ChatHubPort;
  readonly messages: TimelineHistoryApi;
  /** Accumulated bot streams of every conversation (shared). */
  readonly streams$: Observable<BotStream>;
  /** The logged-in user, for optimistic messages and to leave one's own typing out. */
  readonly currentUser: () => { readonly id: string; readonly fullName: string } | null;
  /** Reports what could not be delivered (failed join, failed gap recovery). */
  readonly report: (error: unknown) => void;
  /** Makes a new `clientMessageId`. */
  readonly newClientMessageId: () => string;
  /**
   * The loss-free core shared with `messages$` and the other timelines: reference-counted joins
   * with a baseline, and gap recovery after reconnects (the facade passes one for all).
   * @default one per timeline, over `chat` and `messages`
   */
  readonly feed?: ConversationFeed;
  /**
   * Resolves the names of senders of history messages (REST carries none, live messages do), so
   * one sender has one name in the timeline. @default none: history messages keep `senderName: null`
   * until a live copy names them
   */
  readonly names?: ParticipantNames;
}

/** Options of a timeline. Durations are milliseconds. */
export interface TimelineOptions {
  /** Messages per history page (first load, `loadOlder`, gap recovery). @default 50 */
  readonly pageSize?: number;
  /** The most messages kept; the oldest are dropped as live ones arrive. @default 1000 */
  readonly maxMessages?: number;
  /** Join the conversation on the chat hub while subscribed. @default true */
  readonly join?: boolean;
  /** Leave the conversation on the hub when the last subscriber goes (only a join the timeline made; ignored when `deps.feed` is shared). @default true */
  readonly leaveOnUnsubscribe?: boolean;
  /** Pages gap recovery may fetch after a reconnect before giving up on overlap. @default 20 */
  readonly maxGapPages?: number;
  /** Someone typing disappears after this long without `typingStopped`. @default 6000 */
  readonly typingTimeoutMs?: number;
  /** At most one `StartTyping` per this interval. @default 2000 */
  readonly typingThrottleMs?: number;
  /** `StopTyping` after this long without `notifyTyping()`. @default 3000 */
  readonly typingIdleMs?: number;
  /** How long a hub send waits for its ack before the message is `failed`. @default 30000 */
  readonly sendTimeoutMs?: number;
  /** The scheduler for every timer. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/** Everything a timeline knows, emitted on change. */
export interface TimelineSnapshot {
  readonly conversationId: string;
  /** Oldest to newest. */
  readonly messages: readonly TimelineMessage[];
  /** False once `loadOlder` reached the start of the conversation. */
  readonly hasOlder: boolean;
  /** Read receipts by participant id. */
  readonly readReceipts: ReadonlyMap<string, ReadReceipt>;
  /** Bumped on every change. */
  readonly version: number;
}

/**
 * Where a timeline's history stands, as `status$` replays it: `loading` until the first history
 * page is answered; `loaded` once it was (the conversation may have no messages: `messages$`
 * is then `[]`); `failed` when it could not be loaded — `error` is what the request failed with,
 * a `ChatApiError` for a REST answer (404: no such conversation, 403: not a participant).
 */
export type TimelineStatus =
  | { readonly status: 'loading' }
  | { readonly status: 'loaded' }
  | { readonly status: 'failed'; readonly error: unknown };

/** What `send` takes besides the content. */
export interface SendOptions {
  /** The message this one answers. */
  readonly replyToMessageId?: string;
  /** Who the message mentions (shown as such by clients). */
  readonly mentions?: Mention[];
  /** Buttons offered with the message. */
  readonly quickReplies?: QuickReply[];
  /** Use this id instead of a generated one. */
  readonly clientMessageId?: string;
}

/**
 * One conversation as scanned state: the REST history (newest page on first subscribe) merged
 * with live hub events, bot streams, optimistic sends and gap recovery after reconnects —
 * de-duplicated by message id and `clientMessageId`, in the server's order, in a bounded window.
 *
 * `messages$` and `snapshot$` are shared while subscribed (refCount) and emit only on change;
 * while anyone subscribes, the conversation is joined on the chat hub (and left after the last
 * subscriber goes, by default). `typing$` lists who is typing. `status$` tells loading, loaded
 * and failed apart (an empty `messages$` is `[]` in both of the last two).
 */
export class Timeline {
  /**
   * The messages, oldest to newest; emits on change; shared while subscribed. A change you make
   * (`send`, `loadOlder`, …) is emitted synchronously; changes the hub brings are emitted per
   * turn of the event loop — the first at once, the rest of the turn in one emission at its end
   * (a microtask), each emission the whole window (docs/state.md).
   */
  readonly messages$: Observable<readonly TimelineMessage[]>;
  /** Messages plus paging and receipts; emits on change (as `messages$` does); shared while subscribed. */
  readonly snapshot$: Observable<TimelineSnapshot>;
  /** Who is typing now (others only), `[]` to start with. */
  readonly typing$: Observable<readonly TypingParticipant[]>;
  /**
   * Where the history stands: `{ status: 'loading' }`, then `{ status: 'loaded' }` or
   * `{ status: 'failed', error }` (a `ChatApiError` when the server refused, e.g. 404 for a
   * conversation that does not exist) — so an empty `messages$` (`[]`) can be told apart from
   * "still loading" and from "could not be loaded". Replays the current status to each new
   * subscriber; emits on change only; never errors. Subscribing to it runs the timeline like
   * `messages$` does (shared: one history request, one join). A failure is also reported on
   * `client.errors$`. A `failed` timeline becomes `loaded` when a later history request of it
   * succeeds (gap recovery after a reconnect, `loadOlder()`); otherwise it stays failed until
   * its last subscriber goes, and the next subscriber starts over with `loading`.
   *
   * @example
   * ```ts
   * timeline.status$.subscribe((s) => s.status === 'failed' ? showError(s.error) : s.status === 'loading' ? showSpinner() : hideSpinner());
   * ```
   */
  readonly status$: Observable<TimelineStatus>;

  /** Keystrokes and sends, for outgoing typing: made on first use. */
  private keystrokesSubject: Subject<void> | undefined;
  private sentSubject: Subject<void> | undefined;
  private readonly scheduler: SchedulerLike;
  private readonly pageSize: number;
  private readonly setup: TimelineSetup;
  /** The run under way (or the last one: closed once stopped). */
  private current: TimelineRun | undefined;

  constructor(
    readonly conversationId: string,
    private readonly deps: TimelineDeps,
    private readonly options: TimelineOptions = {},
  ) {
    if (typeof conversationId !== 'string' || conversationId.trim() === '')
      throw new InvalidArgumentError('conversationId', 'expected a non-empty string id');
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.pageSize = options.pageSize ?? 50;
    const feed =
      deps.feed ??
      new ConversationFeed({
        chat: deps.chat,
        history: deps.messages,
        report: deps.report,
        leaveOnRelease: options.leaveOnUnsubscribe ?? true,
        ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}),
        ...(options.maxGapPages !== undefined ? { maxPages: options.maxGapPages } : {}),
        scheduler: this.scheduler,
      });
    this.setup = {
      conversationId,
      deps,
      feed,
      pageSize: this.pageSize,
      maxMessages: options.maxMessages ?? 1000,
      join: options.join ?? true,
      scheduler: this.scheduler,
    };
    this.messages$ = new Observable((subscriber) => this.attach(new MessagesSink(subscriber)));
    this.snapshot$ = new Observable((subscriber) => this.attach(new SnapshotSink(subscriber)));
    this.status$ = new Observable((subscriber) => this.attach(new StatusSink(subscriber)));
    const me = (): string | undefined => deps.currentUser()?.id;
    this.typing$ = lazy(() =>
      trackTyping(
        deps.chat.on('typingStarted').pipe(filter((t) => t.conversationId === conversationId && t.participantId !== me())),
        deps.chat.on('typingStopped').pipe(filter((t) => t.conversationId === conversationId)),
        { timeoutMs: options.typingTimeoutMs ?? 6000, scheduler: this.scheduler },
      ).pipe(shareReplay({ bufferSize: 1, refCount: true })),
    );
  }

  /** The messages now (empty while nobody subscribes). */
  get messages(): readonly TimelineMessage[] {
    return this.run?.state.messages() ?? [];
  }

  /**
   * Loads the page before the oldest message held into the same state. Cold; emits how many
   * messages it added (0 at the start of the conversation) and completes. Needs a subscriber to
   * `messages$` (otherwise emits 0). After the window dropped old messages, it loads from just
   * below the oldest one still held, so no message is skipped.
   */
  loadOlder(): Observable<number> {
    return defer(() => {
      const run = this.run;
      if (run === undefined || !run.paging.hasOlder(run.state)) return of(0);
      const { state, paging } = run;
      const oldest = state.oldestId();
      // Continue below the oldest message held. Its page's cursor is known unless the window
      // dropped messages since; then the nearest page boundary above it is used (re-fetching a
      // few held messages, de-duplicated), or, failing that, pages are walked from the newest
      // down to it — never a hole between what is held and what is loaded.
      const cursor = paging.cursorBelow(oldest);
      let pages = 0;
      const fetch = (from: string | undefined): Observable<CursorPaginatedResult<MessageDto>> => {
        pages += 1;
        return this.deps.messages.getHistory(this.conversationId, {
          limit: this.pageSize,
          direction: 'older',
          ...(from !== undefined ? { cursor: from } : {}),
        });
      };
      const reachedBelow = (page: CursorPaginatedResult<MessageDto>): boolean =>
        oldest === undefined || page.items.some((m) => m.id < oldest);
      return fetch(cursor).pipe(
        expand((page) =>
          cursor === undefined &&
          !reachedBelow(page) &&
          page.hasMore &&
          page.nextCursor !== null &&
          pages < (this.options.maxGapPages ?? 20)
            ? fetch(page.nextCursor)
            : EMPTY,
        ),
        takeWhile(() => !run.closed),
        concatMap((page) => namedPage(this.deps.names, page)),
        map(({ page, senderNames }) => {
          paging.record(page);
          const before = state.size;
          run.apply(historyAction(page.items, senderNames));
          return state.size - before;
        }),
        reduce((total, added) => total + added, 0),
        // A page came: a timeline whose first page failed is loaded now (loadOlder is its retry).
        tap(() => run.settle()),
      );
    });
  }

  /**
   * Sends a message optimistically. On subscribe a `pending` message (a generated
   * `clientMessageId`, id `local:…`) enters the timeline at once; it goes over the chat hub (over
   * REST when the hub is not connected, or when the message is larger than the hub's
   * `maxMessageBytes` — a server closes the connection on a bigger one) and moves to `sent` with
   * the server's id, then to `confirmed` when the echo comes — never a second copy. Emits the
   * message at each step here (pending, then sent or failed) and completes; a failure does not
   * error: the message is `failed` with `error`, and `retry(clientMessageId)` sends it again.
   *
   * @throws InvalidArgumentError at once, before anything enters the timeline, for content that
   * is neither text nor an array of blocks, blank text, no blocks, text (or a text block) over
   * 100,000 characters, or bad options (`options.clientMessageId` empty or over 128 characters,
   * an empty `options.replyToMessageId`, malformed mentions or quick replies).
   */
  send(content: string | readonly Block[], options: SendOptions = {}): Observable<TimelineMessage> {
    const blocks = sendBlocks(content);
    assertSendOptions(options);
    return defer(() => {
      const clientMessageId = options.clientMessageId ?? this.deps.newClientMessageId();
      const state = this.run?.state;
      const user = this.deps.currentUser();
      const text = blocks.map((b) => (b.$type === 'text' ? ((b as { plainText?: string | null }).plainText ?? '') : '')).join('\n');
      const pending = localMessage({
        id: state?.nextLocalId() ?? `local:${clientMessageId}`,
        clientMessageId,
        conversationId: this.conversationId,
        senderId: user?.id ?? '',
        senderName: user?.fullName ?? null,
        senderType: 'User',
        blocks,
        plainText: text === '' ? null : text,
        replyToMessageId: options.replyToMessageId ?? null,
        quickReplies: options.quickReplies ?? null,
        mentions: options.mentions ?? null,
        createdAt: new Date(this.scheduler.now()).toISOString(),
        status: 'pending',
      });
      this.run?.apply({ type: 'pending', message: pending });
      this.sentSubject?.next();
      return this.deliver(clientMessageId, blocks, options, pending);
    });
  }

  /** Sends a `failed` message again, same `clientMessageId` (the server keeps one copy). Emits like `send`. */
  retry(clientMessageId: string): Observable<TimelineMessage> {
    assertNonEmptyString('clientMessageId', clientMessageId);
    return defer(() => {
      const failed = this.run?.state.byClientMessageId(clientMessageId);
      if (failed?.status !== 'failed') return EMPTY;
      this.run?.apply({ type: 'retrying', clientMessageId });
      return this.deliver(
        clientMessageId,
        [...failed.blocks],
        {
          ...(failed.replyToMessageId !== null ? { replyToMessageId: failed.replyToMessageId } : {}),
          ...(failed.mentions !== null ? { mentions: [...failed.mentions] } : {}),
          ...(failed.quickReplies !== null ? { quickReplies: [...failed.quickReplies] } : {}),
        },
        { ...failed, status: 'pending', error: undefined },
      );
    });
  }

  /** Call on every keystroke: sends `StartTyping` at most once per 2 s and `StopTyping` after a pause or a send. */
  notifyTyping(): void {
    const run = this.run;
    if (run !== undefined && run.typing === undefined) {
      const typing = this.typingOut().subscribe({ error: (error: unknown) => run.fail(error) });
      if (run.closed) typing.unsubscribe();
      else run.typing = typing;
    }
    this.keystrokesSubject?.next();
  }

  /** The run under way, if any. */
  private get run(): TimelineRun | undefined {
    const run = this.current;
    return run !== undefined && !run.closed ? run : undefined;
  }

  /**
   * Subscribes `sink` to the run under way, or to a new one (shared while anyone subscribes, as
   * `share` with a replay of one would be: a sink added to a run that emitted is told its state).
   */
  private attach(sink: RunSink): () => void {
    let run = this.run;
    if (run === undefined) {
      run = new TimelineRun(this.setup);
      this.current = run;
      run.add(sink, false);
      run.start();
    } else {
      run.add(sink, true);
    }
    // The status after the start, so a start that settled it at once tells only that.
    if (!run.closed) sink.status(run.status);
    const attached = run;
    return () => attached.remove(sink);
  }

  private deliver(clientMessageId: string, blocks: Block[], options: SendOptions, pending: TimelineMessage): Observable<TimelineMessage> {
    const extra = {
      ...(options.replyToMessageId !== undefined ? { replyToMessageId: options.replyToMessageId } : {}),
      ...(options.mentions !== undefined ? { mentions: options.mentions } : {}),
      ...(options.quickReplies !== undefined ? { quickReplies: options.quickReplies } : {}),
    };
    const overRest$ = (): Observable<{ messageId: string; message?: MessageDto }> =>
      this.deps.messages
        .send(this.conversationId, { blocks, clientMessageId, ...extra })
        .pipe(map((message) => ({ messageId: message.id, message })));
    const chat = this.deps.chat;
    const hubRequest = { conversationId: this.conversationId, blocks, clientMessageId, ...extra };
    // A message larger than the server reads would close the connection (re-joins, gap recovery,
    // bot streams cut off): it goes over REST, as it does while the hub is not connected.
    const viaHub = chat.status.status === 'connected' && fitsOneHubMessage(chat, hubRequest);
    const request$: Observable<{ messageId: string; message?: MessageDto }> = viaHub
      ? defer(() => chat.sendMessage(hubRequest)).pipe(
          timeout({ first: this.options.sendTimeoutMs ?? 30_000, scheduler: this.scheduler }),
          map((ack: SendMessageAck): { messageId: string; message?: MessageDto } => ({ messageId: ack.messageId ?? '' })),
          catchError((error: unknown) => (HubError.is(error) && error.kind === 'not-connected' ? overRest$() : throwErrorOf(error))),
        )
      : overRest$();
    const current = (): TimelineMessage => this.run?.state.byClientMessageId(clientMessageId) ?? pending;
    return merge(
      of(pending),
      request$.pipe(
        map((result) => {
          if (result.messageId === '') throw new Error('the server accepted the message without an id');
          this.run?.apply({
            type: 'sent',
            clientMessageId,
            messageId: result.messageId,
            ...(result.message ? { message: result.message } : {}),
          });
          const now = current();
          return now.id.startsWith('local:') ? { ...now, id: result.messageId, status: 'sent' as const } : now;
        }),
        catchError((error: unknown) => {
          this.run?.apply({ type: 'failed', clientMessageId, error });
          const now = current();
          return of(now.status === 'failed' ? now : { ...now, status: 'failed' as const, error });
        }),
      ),
    );
  }

  /** `StartTyping` / `StopTyping` on the hub as `notifyTyping()` and sends go. */
  private typingOut(): Observable<never> {
    const chat = this.deps.chat;
    const id = this.conversationId;
    return outgoingTyping((this.keystrokesSubject ??= new Subject<void>()), (this.sentSubject ??= new Subject<void>()), {
      throttleMs: this.options.typingThrottleMs ?? 2000,
      idleMs: this.options.typingIdleMs ?? 3000,
      scheduler: this.scheduler,
    }).pipe(
      concatMap((signal) => (signal === 'start' ? chat.startTyping(id) : chat.stopTyping(id)).pipe(catchError(() => EMPTY))),
      ignoreElements(),
    );
  }
}

/**
 * `make()` on the first subscription, the same Observable from then on: the pipelines most
 * timelines never use (snapshots, status, typing) cost nothing until someone subscribes.
 */
function lazy<T>(make: () => Observable<T>): Observable<T> {
  let made: Observable<T> | undefined;
  return defer(() => (made ??= make()));
}

/** `send`'s content as blocks, checked (see `send`'s `@throws`). */
function sendBlocks(content: unknown): Block[] {
  if (typeof content === 'string') {
    if (content.trim() === '')
      throw new InvalidArgumentError('content', 'expected non-empty text or at least one block, got a blank string');
    assertTextLength('content', content);
    return [{ $type: 'text', format: 'Plain', content, plainText: content }];
  }
  if (!Array.isArray(content)) {
    throw new InvalidArgumentError(
      'content',
      `expected text or an array of blocks, got ${content === null ? 'null' : `a value of type ${typeof content}`}`,
    );
  }
  assertBody('content', SendBlocks, content, BLOCKS_MAX_DEPTH);
  assertMessageBlocks('content', content);
  return [...(content as Block[])];
}

/** Checks `send`'s options (see `send`'s `@throws`). */
function assertSendOptions(options: unknown): asserts options is SendOptions {
  assertOptionalObject('options', options);
  if (options === undefined) return;
  assertBody('options', SendOptionsCodec, options, BLOCKS_MAX_DEPTH);
  const { clientMessageId, replyToMessageId } = options as SendOptions;
  assertOptionalClientMessageId('options.clientMessageId', clientMessageId);
  assertOptionalId('options.replyToMessageId', replyToMessageId);
}

/** True when `SendMessage(request)` fits in one message the server reads. */
function fitsOneHubMessage(chat: ChatHubPort, request: object): boolean {
  return chat.invocationBytes('SendMessage', [request]) <= chat.maxMessageBytes;
}

function throwErrorOf(error: unknown): Observable<never> {
  return defer(() => {
    throw error;
  });
}
