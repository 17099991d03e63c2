import {
  asyncScheduler,
  timer,
  catchError,
  concat,
  EMPTY,
  filter,
  finalize,
  firstValueFrom,
  lastValueFrom,
  map,
  merge,
  mergeMap,
  Observable,
  of,
  ReplaySubject,
  retry,
  type SchedulerLike,
  scan,
  share,
  shareReplay,
  startWith,
  Subject,
  switchMap,
  take,
  tap,
  toArray,
  type Subscriber,
  from,
  ignoreElements,
  distinctUntilChanged,
  concatWith,
  defer,
  pairwise,
  takeUntil,
} from 'rxjs';
import type { AuthUserInfo, ConversationDto, ConversationListItemDto, MediaReference, MessageDto } from './codecs/index.js';
import { createRestApi, type RestApi } from './http/create-rest-api.js';
import type { AuthSessionOptions, SessionSnapshot } from './http/auth-session.js';
import type { HttpTransportOptions } from './http/http-transport.js';
import { messageOf } from './core/errors.js';
import { InvalidArgumentError } from './core/invalid-argument-error.js';
import type { Logger } from './core/logger.js';
import { redactingLogger } from './core/redact.js';
import { assertId, assertIdArray } from './core/validate.js';
import { ChatHubClient, type ChatHubClientOptions } from './hubs/chat-hub-client.js';
import { pagesSince, RecentIds } from './streams/gap-recovery.js';
import type { HubClientOptions } from './hubs/hub-client.js';
import { NotificationHubClient } from './hubs/notification-hub-client.js';
import { accumulateStreams, botStreamEvents, type AccumulateStreamsOptions, type BotStream } from './streams/accumulate-stream.js';
import {
  INITIAL_CONVERSATION_LIST_STATE,
  reduceConversationListState,
  type ConversationListAction,
  type ConversationListState,
  type ConversationListStatus,
} from './streams/conversation-list.js';
import { distinctById } from './streams/distinct-by-id.js';
import { JoinRegistry } from './streams/join-registry.js';
import { Timeline, type TimelineOptions } from './streams/timeline.js';
import { fromChatMessageDto, fromMessageDto, type TimelineMessage } from './streams/timeline-message.js';
import { ParticipantNames, withSenderName } from './streams/participant-names.js';

/** Where the client's diagnostics go. Tokens never reach it (they are redacted). The same type as `HubLogger`. */
export type ChatLogger = Logger;

/**
 * Hub settings shared by both hubs, plus the chat hub's `maxMessageBytes` (the server's maximum
 * message size, 32768 by default: a larger message goes over REST from `timeline.send` and is
 * refused at once by `chat.sendMessage`/`editMessage`).
 */
export type ChatClientHubOptions = Omit<ChatHubClientOptions, 'url' | 'accessTokenFactory' | 'refreshToken' | 'scheduler' | 'logger'>;

/** Options of {@link createChatClient}. Durations are milliseconds. */
export interface ChatClientOptions {
  /** The gateway's absolute base URL, `http(s)://host[:port][/prefix]`. Required. */
  readonly baseUrl: string;
  /** A JWT to start with (wins over `tokenProvider`). Not together with `session`. @default none */
  readonly token?: string;
  /** Reads the token from outside (a store) while the client holds none of its own. @default none */
  readonly tokenProvider?: () => string | null | undefined;
  /**
   * Gets a new token when the server refuses the current one (REST 401, hub negotiate 401) or
   * shortly before it expires: a Promise or Observable of the token, or `null` to give up. Runs
   * once for all concurrent callers (REST and both hubs share it). @default none
   */
  readonly refreshToken?: AuthSessionOptions['refreshToken'];
  /** A session saved with `exportSession()` to restore. Not together with `token`. @default none */
  readonly session?: SessionSnapshot;
  /** How long before its expiry a token is refreshed proactively. @default 30000 */
  readonly refreshMarginMs?: number;
  /** How long a `refreshToken` call may take before it counts as failed. @default 30000 */
  readonly refreshTimeoutMs?: number;
  /**
   * REST settings: `timeoutMs` (30 s), `adapter`, `headers`, `routes`, `axiosDefaults`,
   * `maxResponseBytes` (64 MiB: a larger answer is refused as `invalid-response`) and
   * `idempotencyKeyHeader` (`Idempotency-Key`, carrying a send's `clientMessageId`; `null` sends none).
   */
  readonly http?: Omit<HttpTransportOptions, 'baseUrl' | 'session' | 'scheduler'>;
  /**
   * Hub settings: reconnect delays (2 s, 5 s, 10 s), attempts (20), stateful reconnect (on),
   * keep-alive, timeouts, protocol, `connectTimeoutMs` (15 s: an attempt that takes longer is
   * aborted), `healthyAfterMs` (5 s: a connection that closes sooner without delivering an event
   * counts as a failed attempt), and the chat hub's `maxMessageBytes` (32768).
   */
  readonly hubs?: ChatClientHubOptions;
  /** Defaults for every `timeline()`. */
  readonly timeline?: Omit<TimelineOptions, 'scheduler'>;
  /**
   * Bounds of `streams$`, the accumulated bot replies: `maxChunks` (100,000), `maxTextLength`
   * (2,000,000), `maxStreams` (64) and `idleTimeoutMs` (5 minutes) — see `accumulateStreams`.
   */
  readonly streams?: Omit<AccumulateStreamsOptions, 'scheduler' | 'interruptions$'>;
  /** The seed SDK's SignalR settings (`logLevel`), kept for migration. @default Warning */
  readonly signalrOptions?: { readonly logLevel?: HubClientOptions['logLevel'] };
  /** The scheduler for every timer (reconnect delays, typing, timeouts). Tests pass a TestScheduler. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
  /** Diagnostics, silent by default; tokens are redacted from everything it receives. */
  readonly logger?: ChatLogger;
}

/** Both hubs. */
export interface ChatClientRealtime {
  readonly chat: ChatHubClient;
  readonly notifications: NotificationHubClient;
}

/**
 * Work that starts at once and can be awaited or subscribed to: an Observable of one `void`
 * (then complete) that is also a Promise-like, so `await client.disconnect()` and
 * `client.disconnect().subscribe(...)` both work.
 */
export class Completion extends Observable<void> implements PromiseLike<void> {
  private readonly done: ReplaySubject<void>;

  constructor(work: Observable<unknown>) {
    const done = new ReplaySubject<void>(1);
    super((subscriber: Subscriber<void>) => done.subscribe(subscriber));
    this.done = done;
    work.subscribe({
      error: (error: unknown) => done.error(error),
      complete: () => {
        done.next();
        done.complete();
      },
    });
  }

  // biome-ignore lint/suspicious/noThenProperty: the done handle is awaitable on purpose (a PromiseLike over `done`).
  then<A = void, B = never>(
    // biome-ignore lint/suspicious/noConfusingVoidType: PromiseLike<void> resolves with `void`, as in lib.es5.d.ts.
    onfulfilled?: ((value: void) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): PromiseLike<A | B> {
    return lastValueFrom(this.done, { defaultValue: undefined }).then(onfulfilled, onrejected);
  }
}

/** The client: every REST group, both hubs, and scanned state. */
export interface ChatClient
  extends Pick<RestApi, 'auth' | 'participants' | 'conversations' | 'messages' | 'files' | 'bots' | 'proxy' | 'health'> {
  /** Both SignalR hubs. */
  readonly realtime: ChatClientRealtime;
  /** Replays the logged-in user (null before login). */
  readonly currentUser$: Observable<AuthUserInfo | null>;
  /** The logged-in user now. */
  readonly currentUser: AuthUserInfo | null;
  /**
   * Hot: every finished message of the **joined** conversations — received, bot replies when they
   * complete, and those recovered after a reconnect — each exactly once, in arrival order. Silent
   * until a conversation is joined (a subscribed `timeline(id)`, `realtime.chat.joinConversation`,
   * or {@link ChatClient.followAllConversations} for every conversation of the user).
   */
  readonly messages$: Observable<TimelineMessage>;
  /**
   * The conversation list from REST (first page), kept current by the notification hub (unread
   * counts, created/updated, pinned, last message) in the server's order. Shared while
   * subscribed; reloaded after the notification hub reconnects with a new connection id. Its
   * first value is the list once the first request settled (no placeholder `[]` before it, so
   * `firstValueFrom` gives the loaded list), or earlier when an event adds a row; a failed
   * request emits what is held (`[]` at first) — `conversationListState$` says which. A row's
   * `lastMessage` is `null` or the message `lastMessageId` names (a preview built from the
   * notification when only that came; see `previewMessageDto`).
   */
  readonly conversationList$: Observable<readonly ConversationListItemDto[]>;
  /**
   * The same list with where it stands: `{ status: 'loading', items }` until the first list
   * request is answered, then `{ status: 'loaded', items }`, or `{ status: 'failed', items, error }`
   * when the latest list request failed (`error` a `ChatApiError`; `items` what was held, `[]` at
   * first). A reload after a reconnect keeps the status of the last answer until its own answer
   * comes. Replays the current value; emits on change; shares one list state (and one REST
   * request) with `conversationList$`.
   *
   * @example
   * ```ts
   * client.conversationListState$.subscribe((s) =>
   *   s.status === 'loading' ? spinner() : s.status === 'failed' ? showError(s.error) : render(s.items));
   * ```
   */
  readonly conversationListState$: Observable<ConversationListStatus>;
  /**
   * Follows every conversation of the user on the chat hub, so `messages$` carries all of them.
   * Cold: while subscribed it joins each conversation of `conversationList$` (the first 100 of
   * the REST list) and each one that appears later (created, or the user was added), leaves
   * each one that leaves the list (the user left or was removed), and on unsubscribe leaves
   * them all — except those a subscribed `timeline()` still holds (joins are reference-counted).
   * Emits the ids of the conversations followed, each time they change; a join the server
   * refuses is reported on `errors$` and the others go on; never completes.
   *
   * @example
   * ```ts
   * const following = client.followAllConversations().subscribe();
   * client.messages$.subscribe((m) => notify(m));   // every conversation, not only the open one
   * following.unsubscribe();                         // leaves them again
   * ```
   */
  followAllConversations(): Observable<ReadonlySet<string>>;
  /** Hot: every bot reply as it streams (accumulated), across conversations. */
  readonly streams$: Observable<BotStream>;
  /** Hot: what could not be delivered (bad payloads, failed re-joins, failed gap recovery). */
  readonly errors$: Observable<unknown>;
  /** One conversation as scanned state (a new Timeline per call; they share the hub join). */
  timeline(conversationId: string, options?: Omit<TimelineOptions, 'scheduler'>): Timeline;
  /** Finds the OneToOne conversation with `participantId`, creating it when there is none. Cold. */
  directConversation(participantId: string): Observable<ConversationDto>;
  /** Creates a Group conversation with the given members (the caller is added by the server). Cold. */
  groupConversation(
    participantIds: readonly string[],
    options?: { readonly name?: string; readonly avatar?: MediaReference },
  ): Observable<ConversationDto>;
  /** Connects both hubs (notifications first, then chat). Cold; emits once when both are connected. */
  connect(): Observable<void>;
  /**
   * Disconnects both hubs and cancels every pending retry and timer. Starts at once; await it or
   * subscribe to know when everything is closed.
   */
  disconnect(): Completion;
  /** Replaces the token (REST at once; hubs on their next connection attempt). */
  setToken(token: string): void;
  /** `{ token, expiresAt, user, baseUrl }` to persist and pass back as `session`. */
  exportSession(): SessionSnapshot;
  /** True when the token's known expiry is past (or within `skewMs`). */
  isTokenExpired(skewMs?: number): boolean;
  /** The REST transport and session, for extra API modules. */
  readonly rest: RestApi;
}

function validateOptions(options: ChatClientOptions): void {
  if (typeof options !== 'object' || options === null)
    throw new InvalidArgumentError('options', 'expected an options object with a baseUrl');
  if (typeof options.baseUrl !== 'string' || options.baseUrl === '')
    throw new InvalidArgumentError('options.baseUrl', 'is required: the gateway URL, e.g. "https://chat.example.com"');
  let url: URL;
  try {
    url = new URL(options.baseUrl);
  } catch {
    throw new InvalidArgumentError('options.baseUrl', `"${options.baseUrl}" is not an absolute URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new InvalidArgumentError('options.baseUrl', `must be an http(s) URL, got ${url.protocol}`);
  if (url.search !== '' || url.hash !== '') throw new InvalidArgumentError('options.baseUrl', 'must not have a query or fragment');
  if (options.token !== undefined && options.session !== undefined)
    throw new InvalidArgumentError('options.token', 'give either token or session, not both');
  if (options.token !== undefined && (typeof options.token !== 'string' || options.token === ''))
    throw new InvalidArgumentError('options.token', 'expected a non-empty string');
  const maxMessageBytes: unknown = options.hubs?.maxMessageBytes;
  if (
    maxMessageBytes !== undefined &&
    !(
      maxMessageBytes === Number.POSITIVE_INFINITY ||
      (typeof maxMessageBytes === 'number' && Number.isInteger(maxMessageBytes) && maxMessageBytes > 0)
    )
  ) {
    throw new InvalidArgumentError(
      'options.hubs.maxMessageBytes',
      `expected a positive whole number of bytes (or Infinity), got ${String(maxMessageBytes)}`,
    );
  }
  for (const key of ['tokenProvider', 'refreshToken', 'logger'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'function')
      throw new InvalidArgumentError(`options.${key}`, 'expected a function');
  }
}

let clientMessageCounter = 0;
function newClientMessageId(): string {
  const random = globalThis.crypto?.randomUUID?.();
  clientMessageCounter += 1;
  return random ?? `cm-${Date.now().toString(36)}-${clientMessageCounter.toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/**
 * Creates the client: REST groups (cold Observables), both SignalR hubs (hot events, cold
 * invocations, reconnect with 2 s / 5 s / 10 s backoff and a shared token refresh), and scanned
 * state (`timeline()`, `messages$`, `conversationList$`). Starts no work: nothing is sent until
 * something is subscribed.
 *
 * @throws InvalidArgumentError at once for a missing or malformed `baseUrl`, both `token` and
 * `session`, or an option of the wrong type.
 * @example
 * ```ts
 * const client = createChatClient({ baseUrl: 'https://chat.example.com' });
 * client.auth.loginWithDev('alice', 'pw').pipe(switchMap(() => client.connect())).subscribe();
 * client.timeline(conversationId).messages$.subscribe((messages) => render(messages));
 * ```
 */
export function createChatClient(options: ChatClientOptions): ChatClient {
  validateOptions(options);
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const logger = redactingLogger(options.logger);
  const scheduler = options.scheduler;
  const rest = createRestApi({
    ...(options.http ?? {}),
    baseUrl,
    ...(options.token !== undefined ? { token: options.token } : {}),
    ...(options.tokenProvider !== undefined ? { tokenProvider: options.tokenProvider } : {}),
    ...(options.refreshToken !== undefined ? { refreshToken: options.refreshToken } : {}),
    ...(options.refreshMarginMs !== undefined ? { refreshMarginMs: options.refreshMarginMs } : {}),
    ...(options.refreshTimeoutMs !== undefined ? { refreshTimeoutMs: options.refreshTimeoutMs } : {}),
    ...(options.session !== undefined ? { restoreSession: options.session } : {}),
    ...(scheduler !== undefined ? { scheduler } : {}),
  });
  const session = rest.session;
  const { maxMessageBytes, ...sharedHubOptions } = options.hubs ?? {};
  const hubOptions = (path: string): HubClientOptions => ({
    ...sharedHubOptions,
    ...(options.hubs?.logLevel === undefined && options.signalrOptions?.logLevel !== undefined
      ? { logLevel: options.signalrOptions.logLevel }
      : {}),
    url: `${baseUrl}${path}`,
    accessTokenFactory: () => firstValueFrom(session.freshToken(), { defaultValue: null }),
    ...(session.canRefresh ? { refreshToken: () => session.refresh(session.getToken()) } : {}),
    ...(scheduler !== undefined ? { scheduler } : {}),
    ...(logger !== undefined ? { logger } : {}),
  });
  const chat = new ChatHubClient({ ...hubOptions('/hubs/chat'), ...(maxMessageBytes !== undefined ? { maxMessageBytes } : {}) });
  const notifications = new NotificationHubClient(hubOptions('/hubs/notifications'));
  const reports = new Subject<unknown>();
  const report = (error: unknown): void => {
    logger?.('warn', messageOf(error));
    reports.next(error);
  };
  const joins = new JoinRegistry(chat, options.timeline?.leaveOnUnsubscribe ?? true);
  // One name per sender: REST history has none, so timelines and messages$ resolve them here
  // (learned from live messages, else one batched participants lookup).
  const names = new ParticipantNames(rest.participants, scheduler !== undefined ? { scheduler } : {});

  // Bot streams, accumulated. A reconnect with a new connection id may have lost a stream's end:
  // the streams under way then end as interrupted (their final message comes back with the
  // timeline's gap recovery, or with the completion if the bot is still going).
  const streams$ = botStreamEvents(chat).pipe(
    accumulateStreams({
      ...options.streams,
      ...(scheduler !== undefined ? { scheduler } : {}),
      interruptions$: chat.sessions$.pipe(
        filter((session) => session.number > 1),
        map(() => 'the connection was lost while the reply was streaming'),
      ),
    }),
    share(),
  );

  // Gap recovery for messages$: after re-joining, fetch each conversation's newest pages until
  // they reach the last message seen there, and emit the missed ones, oldest first. Per joined
  // conversation: the newest message id seen (or its baseline from REST at the join) and the last
  // messages given — a recovered page may hold one below the newest that was overtaken on its way
  // (delayed, then lost with the connection).
  const seenIn = new Map<string, { newest: string; readonly given: RecentIds }>();
  // What is owed: per conversation, the newest message seen before a connection was lost, kept
  // until a recovery from it succeeded. It is taken when the new connection starts, before the
  // re-join (live messages that arrive between the re-join and `rejoined$` must not move it past
  // the gap), and a connection lost again — or a recovery that failed — keeps the older one.
  const owed = new Map<string, string>();
  let latestSession = 0;
  const recovered$ = chat.sessions$.pipe(
    filter((session) => session.number > 1),
    switchMap((session) => {
      latestSession = session.number;
      for (const [conversationId, seen] of seenIn) if (!owed.has(conversationId)) owed.set(conversationId, seen.newest);
      return chat.rejoined$.pipe(take(1));
    }),
    mergeMap((event) =>
      from([...event.conversationIds]).pipe(
        mergeMap((conversationId) => {
          const newest = owed.get(conversationId);
          if (newest === undefined) return EMPTY;
          const missed: MessageDto[] = [];
          return pagesSince(rest.messages, conversationId, newest, {
            pageSize: 50,
            maxPages: 20,
            ...(scheduler !== undefined ? { scheduler } : {}),
          }).pipe(
            tap((page) => {
              const given = seenIn.get(conversationId)?.given;
              missed.push(...page.items.filter((m) => !m.isDeleted && (m.id > newest || given?.missed(m.id) === true)));
            }),
            ignoreElements(),
            concatWith(
              defer(() => {
                // Paid, unless a newer connection started meanwhile: its own recovery (from
                // this same baseline) is what settles it then.
                if (latestSession === event.session.number && owed.get(conversationId) === newest) owed.delete(conversationId);
                missed.sort((a, b) => (a.id < b.id ? -1 : 1));
                return names
                  .resolve(missed.map((m) => m.senderId))
                  .pipe(mergeMap((byId) => from(missed.map((m) => withSenderName(fromMessageDto(m), byId)))));
              }),
            ),
            catchError((error: unknown) => {
              // Still owed: the next connection's recovery starts from the same baseline.
              report(error);
              return EMPTY;
            }),
          );
        }, 4),
      ),
    ),
  );
  // A conversation joined before anything was seen in it needs a baseline too, or a message sent
  // while the connection is lost would have nothing to be "newer than": its newest message id at
  // the time of the join ('' for an empty conversation).
  // A conversation left (or whose re-join failed, or all of them after `disconnect()`) is no
  // longer covered: its baseline goes, and a later join takes a new one rather than recovering
  // what was said while it was not joined.
  const baselining = new Set<string>();
  let joinedBefore: ReadonlySet<string> = new Set();
  const baselines$ = chat.joinedConversations$.pipe(
    tap((ids) => {
      for (const id of joinedBefore) {
        if (!ids.has(id)) {
          seenIn.delete(id);
          owed.delete(id);
        }
      }
      joinedBefore = ids;
    }),
    mergeMap((ids) => [...ids].filter((id) => !seenIn.has(id) && !baselining.has(id))),
    mergeMap((conversationId) => {
      baselining.add(conversationId);
      return rest.messages.getHistory(conversationId, { limit: 1, direction: 'older' }).pipe(
        retry({ count: 2, delay: () => timer(500, scheduler ?? asyncScheduler) }),
        tap((page) => {
          if (!seenIn.has(conversationId) && chat.joinedConversations.has(conversationId)) {
            seenIn.set(conversationId, { newest: page.items[0]?.id ?? '', given: new RecentIds() });
          }
        }),
        catchError(() => EMPTY),
        finalize(() => baselining.delete(conversationId)),
      );
    }, 4),
    ignoreElements(),
  );
  const messages$ = merge(
    baselines$,
    chat.on('messageReceived').pipe(
      tap((message) => names.learn(message.senderId, message.senderName)),
      map(fromChatMessageDto),
    ),
    streams$.pipe(
      filter((s) => s.phase === 'completed' && s.message !== null),
      map((s) => fromChatMessageDto(s.message as NonNullable<BotStream['message']>)),
    ),
    recovered$,
  ).pipe(
    distinctById(),
    tap((message) => {
      let seen = seenIn.get(message.conversationId);
      if (seen === undefined) seenIn.set(message.conversationId, (seen = { newest: message.id, given: new RecentIds() }));
      else if (message.id > seen.newest) seen.newest = message.id;
      seen.given.add(message.id);
    }),
    share(),
  );

  const me = (): string | null => session.currentUser?.id ?? null;
  const listEvents$ = merge(
    notifications.on('unreadCountChanged').pipe(map((dto): ConversationListAction => ({ type: 'unreadCountChanged', dto }))),
    notifications.on('newMessageNotification').pipe(map((dto): ConversationListAction => ({ type: 'newMessage', dto }))),
    notifications.on('conversationCreated').pipe(map((dto): ConversationListAction => ({ type: 'created', dto }))),
    notifications.on('conversationUpdated').pipe(map((dto): ConversationListAction => ({ type: 'updated', dto }))),
    notifications.on('conversationPinned').pipe(map((dto): ConversationListAction => ({ type: 'pinned', dto }))),
    notifications.on('conversationUnpinned').pipe(map((dto): ConversationListAction => ({ type: 'unpinned', dto }))),
    notifications.on('readStatusChanged').pipe(map((dto): ConversationListAction => ({ type: 'readStatus', dto }))),
    notifications.on('participantJoined').pipe(map((dto): ConversationListAction => ({ type: 'participantJoined', dto, me: me() }))),
    notifications.on('participantLeft').pipe(map((dto): ConversationListAction => ({ type: 'participantLeft', dto, me: me() }))),
    chat.on('messageReceived').pipe(
      filter((message) => message.senderId === me()),
      map((message): ConversationListAction => ({ type: 'ownMessage', message })),
    ),
  );
  // `loading` goes first, before the request is sent: events from then on are applied again on top of its answer.
  const loadList$ = (): Observable<ConversationListAction> =>
    concat(
      of<ConversationListAction>({ type: 'loading' }),
      rest.conversations.list({ limit: 100 }).pipe(
        map((page): ConversationListAction => ({ type: 'loaded', items: page.items })),
        catchError((error: unknown) => {
          report(error);
          return of<ConversationListAction>({ type: 'loadFailed', error });
        }),
      ),
    );
  // One scanned list for both streams: the list state (see reduceConversationListState) and
  // where the loading stands.
  type ListView = { readonly state: ConversationListState; readonly view: ConversationListStatus };
  const initialView: ListView = {
    state: INITIAL_CONVERSATION_LIST_STATE,
    view: { status: 'loading', items: INITIAL_CONVERSATION_LIST_STATE.list },
  };
  const conversationListState$ = merge(
    listEvents$,
    loadList$(),
    notifications.sessions$.pipe(
      filter((s) => s.number > 1),
      switchMap(() => loadList$()),
    ),
  ).pipe(
    scan((current: ListView, action: ConversationListAction): ListView => {
      const state = reduceConversationListState(current.state, action);
      const items = state.list;
      const before = current.view;
      const view: ConversationListStatus =
        action.type === 'loaded'
          ? { status: 'loaded', items }
          : action.type === 'loadFailed'
            ? { status: 'failed', items, error: action.error }
            : before.items === items
              ? before
              : { ...before, items };
      return view === before && state === current.state ? current : { state, view };
    }, initialView),
    map((current) => current.view),
    startWith(initialView.view),
    distinctUntilChanged(),
    shareReplay({ bufferSize: 1, refCount: true }),
  );
  // The list once the first request settled (loaded, or failed: then what is held, `[]` at
  // first), so `firstValueFrom(conversationList$)` is the loaded list, not a placeholder.
  const conversationList$ = conversationListState$.pipe(
    filter((s) => s.status !== 'loading' || s.items.length > 0),
    map((s) => s.items),
    distinctUntilChanged(),
    shareReplay({ bufferSize: 1, refCount: true }),
  );
  const followAllConversations = (): Observable<ReadonlySet<string>> =>
    defer(() => {
      const ids$ = conversationList$.pipe(
        map((list) => new Set(list.map((c) => c.id)) as ReadonlySet<string>),
        distinctUntilChanged((a, b) => a.size === b.size && [...a].every((id) => b.has(id))),
        share(),
      );
      // Each change: the new set, and a hold on each conversation that joined the list (held
      // until the conversation leaves the list or the subscriber goes).
      return ids$.pipe(
        startWith(new Set<string>() as ReadonlySet<string>),
        pairwise(),
        mergeMap(([before, now]) =>
          merge(
            of(now),
            from([...now].filter((id) => !before.has(id))).pipe(
              mergeMap((id) =>
                joins.hold(id).pipe(
                  ignoreElements(),
                  catchError((error: unknown) => {
                    report(error);
                    return EMPTY;
                  }),
                  takeUntil(ids$.pipe(filter((ids) => !ids.has(id)))),
                ),
              ),
            ),
          ),
        ),
      );
    });
  const timelineDefaults = options.timeline ?? {};
  const client: ChatClient = {
    rest,
    auth: rest.auth,
    participants: rest.participants,
    conversations: rest.conversations,
    messages: rest.messages,
    files: rest.files,
    bots: rest.bots,
    proxy: rest.proxy,
    health: rest.health,
    realtime: { chat, notifications },
    currentUser$: session.currentUser$,
    get currentUser() {
      return session.currentUser;
    },
    messages$,
    conversationList$,
    conversationListState$,
    followAllConversations,
    streams$,
    errors$: merge(chat.errors$, notifications.errors$, reports, names.errors$),
    timeline(conversationId, timelineOptions = {}) {
      assertId('conversationId', conversationId);
      return new Timeline(
        conversationId,
        {
          chat,
          messages: rest.messages,
          streams$,
          currentUser: () => session.currentUser,
          report,
          newClientMessageId,
          joins,
          names,
        },
        { ...timelineDefaults, ...timelineOptions, ...(scheduler !== undefined ? { scheduler } : {}) },
      );
    },
    directConversation(participantId) {
      assertId('participantId', participantId);
      return rest.conversations
        .findOneToOne(participantId)
        .pipe(switchMap((found) => (found ? of(found) : rest.conversations.create({ type: 'OneToOne', participantIds: [participantId] }))));
    },
    groupConversation(participantIds, groupOptions = {}) {
      assertIdArray('participantIds', participantIds);
      if (participantIds.length === 0) throw new InvalidArgumentError('participantIds', 'a group needs at least one other participant');
      return rest.conversations.create({
        type: 'Group',
        participantIds: [...participantIds],
        ...(groupOptions.name !== undefined ? { name: groupOptions.name } : {}),
        ...(groupOptions.avatar !== undefined ? { avatar: groupOptions.avatar } : {}),
      });
    },
    connect() {
      return concat(notifications.connect(), chat.connect()).pipe(
        toArray(),
        map(() => undefined),
      );
    },
    disconnect() {
      // A refresh in flight is kept no longer than somebody waits for it (the hubs stop now).
      session.abandonRefresh();
      return new Completion(merge(chat.disconnect(), notifications.disconnect()));
    },
    setToken(token) {
      if (typeof token !== 'string' || token === '') throw new InvalidArgumentError('token', 'expected a non-empty string');
      session.setToken(token);
    },
    exportSession() {
      return session.exportSession();
    },
    isTokenExpired(skewMs) {
      return session.isTokenExpired(skewMs);
    },
  };
  return client;
}
