/**
 * The client's public shape: its options, the `ChatClient` interface and `Completion`.
 */
import { lastValueFrom, Observable, ReplaySubject, type SchedulerLike, type Subscriber } from 'rxjs';
import type { AuthUserInfo, ConversationDto, ConversationListItemDto, MediaReference } from '../codecs/index.js';
import type { Logger } from '../core/logger.js';
import type { AuthSessionOptions, SessionSnapshot } from '../http/auth-session.js';
import type { RestApi } from '../http/create-rest-api.js';
import type { HttpTransportOptions } from '../http/http-transport.js';
import type { ChatHubClientOptions } from '../hubs/chat-hub-client.js';
import type { HubClientOptions } from '../hubs/hub-client.js';
import type { ChatHub, NotificationHub } from '../hubs/ports.js';
import type { AccumulateStreamsOptions, BotStream } from '../streams/accumulate-stream.js';
import type { ConversationListStatus } from '../streams/conversation-list.js';
import type { Timeline, TimelineOptions } from '../streams/timeline.js';
import type { TimelineMessage } from '../streams/timeline-message.js';

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
   * once for all concurrent callers (REST and both hubs share it). It receives a context
   * `{ token, refreshToken, refreshExpiresAt }` (the refresh token the client holds, see
   * `setRefreshToken`) and may answer `{ token, expiresAt?, refreshToken?, refreshExpiresAt? }`
   * to rotate the refresh token. @default none
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

/**
 * Both hubs. `createChatClient` gives a `ChatHubClient` and a `NotificationHubClient` (SignalR);
 * `chat-client-rx/testing` gives in-memory fakes of the same interfaces.
 */
export interface ChatClientRealtime {
  /** The chat hub: conversations, messages, reactions, typing and bot streams. */
  readonly chat: ChatHub;
  /** The notification hub: presence and conversation-list events. */
  readonly notifications: NotificationHub;
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

  /** Promise-like side: resolves (with `undefined`) when the work completes, rejects with its error. */
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
  /**
   * `{ token, expiresAt, user, baseUrl }` to persist and pass back as `session`; with
   * `refreshToken` and `refreshExpiresAt` while the client holds a refresh token.
   */
  exportSession(): SessionSnapshot;
  /** True when the token's known expiry is past (or within `skewMs`). */
  isTokenExpired(skewMs?: number): boolean;
  /**
   * The refresh token the client holds (the seed 000 SDK's `getRefreshToken()`), or null. The
   * Chat Gateway issues none: it comes from `setRefreshToken`, a restored `session`, a login
   * answer that carries one (an identity layer in front of the gateway), or a `refreshToken`
   * function that rotates it. The library never sends it anywhere; your `refreshToken` function
   * gets it in its context.
   */
  getRefreshToken(): string | null;
  /**
   * Sets (or with `null` forgets) the refresh token and its expiry (ISO 8601, epoch ms or Date;
   * without one a JWT refresh token's `exp` claim is used, else the expiry is unknown). Kept in
   * `exportSession()`, handed to the `refreshToken` function. Throws an `InvalidArgumentError`
   * (`refreshToken`, `expiresAt`) for a bad argument.
   *
   * @example
   * ```ts
   * client.setRefreshToken(idp.refresh_token, Date.now() + idp.refresh_expires_in * 1000);
   * ```
   */
  setRefreshToken(refreshToken: string | null, expiresAt?: string | number | Date | null): void;
  /**
   * The seed 000 SDK's `isRefreshSessionExpired()`: true when there is no refresh token or its
   * known expiry is past (or within `skewMs`, a finite number ≥ 0). A refresh token whose expiry
   * is unknown counts as valid.
   */
  isRefreshSessionExpired(skewMs?: number): boolean;
  /** The REST transport and session, for extra API modules. */
  readonly rest: RestApi;
}
