import {
  HttpError,
  type HttpTransportType,
  HubConnectionBuilder,
  LogLevel,
  type HubConnection,
  type IHttpConnectionOptions,
  type IHubProtocol,
  type ILogger,
} from '@microsoft/signalr';
import { either } from 'fp-ts';
import type * as t from 'io-ts';
import {
  asyncScheduler,
  BehaviorSubject,
  catchError,
  concat,
  defer,
  EMPTY,
  from,
  map,
  merge,
  mergeMap,
  Observable,
  of,
  race,
  retry,
  type SchedulerLike,
  Subject,
  type Subscription,
  switchMap,
  take,
  throwError,
  timer,
} from 'rxjs';
import { decodeWith } from '../codecs/decode-with.js';
import { jsonShaped } from './wire-values.js';
import { typeFirst } from '../codecs/type-first.js';
import { messageOf } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { redactText } from '../core/redact.js';
import { HubError } from './hub-error.js';
import type { HubConnectionStatus, HubSession } from './hub-state.js';
import { whenConnectSettles, whenInvocable } from './connection-waits.js';
import { HubEventStreams } from './hub-events.js';
import { HubTransport } from './hub-transport.js';
import { noUsableTransport } from './no-usable-transport.js';
import { DEFAULT_RECONNECT_DELAYS, reconnectWithBackoff } from './reconnect-with-backoff.js';

/** Where a hub client's diagnostics go (silent by default). Tokens are never passed to it. The same type as `ChatLogger`. */
export type HubLogger = Logger;

/** Options shared by both hub clients. Durations are milliseconds. */
export interface HubClientOptions {
  /** The hub's absolute URL, e.g. `https://chat.example.com/hubs/chat`. */
  readonly url: string;
  /**
   * Gives the token for each connection attempt (read on every negotiate and socket open).
   * May return a Promise, e.g. one that refreshes a token about to expire. @default no token
   */
  readonly accessTokenFactory?: () => string | null | undefined | Promise<string | null | undefined>;
  /**
   * Refreshes the token after the server refused it (HTTP 401 at negotiate or at the WebSocket
   * upgrade). Share one single-flight refresh between REST and both hubs. `null` gives up: the
   * state becomes `failed` with a `HubError` of kind `auth`. @default none (a 401 ends at once in
   * `failed` with kind `auth`: the same token would be refused again)
   */
  readonly refreshToken?: () => Observable<string | null>;
  /** Delays before reconnect attempts 1, 2, 3…; the last repeats. @default [2000, 5000, 10000] */
  readonly reconnectDelays?: readonly number[];
  /** Reconnect attempts in a row before the state becomes `failed`. @default 20 */
  readonly maxReconnectAttempts?: number;
  /**
   * Refreshed tokens refused in a row (a 401 right after `refreshToken` gave one) before the state
   * becomes `failed` with kind `auth`; between them the normal reconnect wait runs. @default 3
   */
  readonly maxAuthRefusals?: number;
  /**
   * How long a connection must stay up to count as healthy. Only a healthy connection starts the
   * reconnect attempts and the token refusals over; one that the server closes sooner counts as
   * one more failed attempt, so a server that accepts every connection and closes it at once ends
   * in `failed` after `maxReconnectAttempts` instead of a reconnect loop. A connection that
   * delivers an event is healthy at once. @default 5000
   */
  readonly healthyAfterMs?: number;
  /**
   * How long one connection attempt (negotiate, WebSocket, handshake) may take. A slower one is
   * aborted (kind `connection`) and counts as a failed attempt; 0 = no limit (SignalR's 100 s
   * HTTP timeout only). @default 15000
   */
  readonly connectTimeoutMs?: number;
  /** Resume a dropped socket without losing messages (SignalR stateful reconnect). @default true */
  readonly statefulReconnect?: boolean;
  /** Client keep-alive ping interval. @default 15000 (SignalR's) */
  readonly keepAliveIntervalMs?: number;
  /** Time without data from the server before the connection is considered lost. @default 30000 (SignalR's) */
  readonly serverTimeoutMs?: number;
  /** How long an invocation waits for the connection while connecting or reconnecting. @default 30000 */
  readonly invocationTimeoutMs?: number;
  /** The scheduler for every wait (reconnect delays, connect and invocation timeouts). @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
  /** Emits when a wait should be cut short (default: the browser's `online` event, where there is one). */
  readonly wakeUp$?: Observable<unknown>;
  /** Diagnostics, including SignalR's own (tokens redacted). @default silent */
  readonly logger?: HubLogger;
  /** SignalR's minimum log level passed to `logger`. @default LogLevel.Warning */
  readonly logLevel?: LogLevel;
  /** The hub protocol, e.g. a MessagePack protocol instance. @default SignalR's JSON protocol */
  readonly protocol?: IHubProtocol;
  /** Restrict transports (e.g. `HttpTransportType.WebSockets`). @default SignalR's choice */
  readonly transport?: HttpTransportType;
  /** Skip negotiate (WebSockets only; no connection id, no stateful reconnect). @default false */
  readonly skipNegotiation?: boolean;
  /** Extra HTTP headers on negotiate and (in Node) the socket. @default none */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A hub's events: event name → the io-ts codec of its payload. */
export type HubEventCodecs = Readonly<Record<string, t.Mixed>>;
/** Event name → decoded payload type of a {@link HubEventCodecs} map. */
export type HubEventPayloads<Events extends HubEventCodecs> = { [K in keyof Events]: t.TypeOf<Events[K]> };

const NOT_CONNECTED = /not in the 'Connected' State/i;

/**
 * One SignalR hub as Observables: `state$`, hot events from `on(name)`, cold invocations, and
 * reconnects with backoff and token refresh. The base of the chat and notification hub clients.
 *
 * Lifetime: nothing happens at construction. The first `connect()` builds the one
 * `HubConnection` this client will ever use and registers one handler per event name on it;
 * each handler forwards into a long-lived Subject, so subscribers never notice a reconnect and
 * nothing is registered twice. Reconnects (after any close the user did not ask for) restart
 * that same connection on `scheduler`, 2 s / 5 s / 10 s apart by default; the count starts over
 * only after a healthy connection (`healthyAfterMs`), and one attempt may take `connectTimeoutMs`.
 * A 401 is the HTTP status answered to negotiate or to the WebSocket upgrade, never a close's
 * text; the user's token goes to the hub URL's origin only (`HubTransport`).
 */
export class HubClient<Events extends HubEventCodecs> {
  /** Replays the connection's current status; see {@link HubConnectionStatus}. */
  readonly state$: Observable<HubConnectionStatus>;
  /** Replays what the user asked for last: `connected` after `connect()`, `disconnected` after `disconnect()`. */
  readonly intent$: Observable<'connected' | 'disconnected'>;
  /** What could not be delivered: payloads that failed decoding (kind `decode`), failed re-joins… Hot. */
  readonly errors$: Observable<HubError>;
  /** Emits after every (re)connect that produced a new connection id (the server lost our groups). Hot. */
  readonly sessions$: Observable<HubSession>;

  /** The options this client was made with, as passed. */
  protected readonly options: HubClientOptions;
  /** The scheduler of every timer (reconnect delays, timeouts): `options.scheduler`, else `asyncScheduler`. */
  protected readonly scheduler: SchedulerLike;
  private readonly state = new BehaviorSubject<HubConnectionStatus>({ status: 'disconnected' });
  private readonly intent = new BehaviorSubject<'connected' | 'disconnected'>('disconnected');
  private readonly errors = new Subject<HubError>();
  private readonly sessions = new Subject<HubSession>();
  private readonly closed = new Subject<Error | undefined>();
  private readonly events: HubEventStreams<Events>;
  private connection: HubConnection | undefined;
  private transport: HubTransport | undefined;
  private loop: Subscription | undefined;
  /** The stop under way, if any (settles when the connection is Disconnected). */
  private stopping: Promise<void> | undefined;
  private lastConnectionId: string | null = null;
  private sessionCount = 0;
  /** How many times the connection closed (an invocation that saw it change was cut off). */
  private closeCount = 0;

  constructor(
    /** A short name for errors and logs (`chat`, `notifications`). */
    readonly hubName: string,
    events: Events,
    options: HubClientOptions,
  ) {
    if (typeof options.url !== 'string' || options.url === '')
      throw new TypeError(`${hubName} hub: options.url must be a non-empty string`);
    this.events = new HubEventStreams(hubName, events, (error) => this.errors.next(error));
    this.options = options;
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.state$ = this.state.asObservable();
    this.intent$ = this.intent.asObservable();
    this.errors$ = this.errors.asObservable();
    this.sessions$ = this.sessions.asObservable();
  }

  /** The current status, synchronously. */
  get status(): HubConnectionStatus {
    return this.state.value;
  }

  /**
   * Connects (cold: on subscribe). Emits once and completes when connected; errors with a
   * `HubError` (kind `connection` or `auth`) if every attempt failed, or (kind `connection`) when
   * `disconnect()` is called before the connection was established. Idempotent: while
   * connected or connecting it just waits for the same connection. A manual `connect()` after
   * `failed` starts over.
   *
   * @example
   * ```ts
   * client.realtime.chat.connect().subscribe();
   * ```
   */
  connect(): Observable<void> {
    return defer(() => {
      this.intent.next('connected');
      if (!this.loop) this.startLoop();
      // `disconnected` here means disconnect() was called meanwhile: end, never hang.
      return whenConnectSettles(this.state, this.hubName);
    });
  }

  /**
   * Disconnects (cold: on subscribe): cancels any pending retry, aborts an attempt under way (a
   * negotiate the server never answers included), stops the connection, and completes once it is
   * closed. The state becomes `disconnected`.
   */
  disconnect(): Observable<void> {
    return defer(() => {
      this.intent.next('disconnected');
      this.loop?.unsubscribe();
      this.loop = undefined;
      this.transport?.abort();
      this.onDisconnectRequested();
      const connection = this.connection;
      const stopping = connection ? from(this.stop(connection)) : of(undefined);
      return stopping.pipe(
        map(() => {
          // A connect() called while stopping owns the state now: do not report it disconnected.
          if (this.intent.value === 'disconnected') this.state.next({ status: 'disconnected' });
        }),
      );
    });
  }

  /**
   * The hot Observable of one event's decoded payloads. Subscribable before `connect()`,
   * unaffected by reconnects; a payload that fails decoding goes to `errors$` and the stream
   * goes on. Never completes. The same Observable for the same name.
   *
   * Only the hub's own events are here: the connection's lifecycle (connected, reconnecting,
   * disconnected…) is `state$`, a new connection id `sessions$`.
   *
   * @example
   * ```ts
   * chat.on('messageReceived').subscribe((message) => render(message));
   * chat.state$.pipe(filter((s) => s.status === 'reconnecting')).subscribe(showBanner); // not on('reconnecting')
   * ```
   *
   * @throws InvalidArgumentError (`argument`: `event`) at once for a name that is not one of this
   * hub's events — its message lists the known ones; for a connection lifecycle name
   * (`reconnecting`, `reconnected`, `disconnected`, `close`, `connected`…, in any case) it points
   * to `state$`.
   */
  on<K extends keyof Events & string>(event: K): Observable<HubEventPayloads<Events>[K]> {
    return this.events.on(event);
  }

  /** Reports an error on `errors$` (for subclasses: failed re-joins, re-subscriptions). */
  protected report(error: HubError): void {
    this.errors.next(error);
  }

  /** Hook: the user asked to disconnect (the chat hub forgets its joins here). */
  protected onDisconnectRequested(): void {}

  /**
   * Hook: work after a (re)connect that produced a new connection id — the server forgot this
   * client's groups (the chat hub re-joins, the notification hub re-subscribes). Runs as part of
   * the connection loop, so `disconnect()` cancels it. Must not error.
   */
  protected afterSession(_session: HubSession): Observable<never> {
    return EMPTY;
  }

  /**
   * Hook: work for as long as the connection loop runs (from `connect()` until `disconnect()` or
   * `failed`), e.g. folding events into client state. Must not error.
   */
  protected whileRunning(): Observable<never> {
    return EMPTY;
  }

  /**
   * A payload as the JSON protocol would have carried it: with a binary protocol (MessagePack),
   * timestamps arrive as `Date`s and `byte[]` as `Uint8Array`s, made ISO 8601 strings and base64 here.
   */
  private shape(payload: unknown): unknown {
    const protocol = this.options.protocol;
    return protocol === undefined || protocol.name === 'json' ? payload : jsonShaped(payload);
  }

  /**
   * Invokes a hub method (cold: once per subscription) after waiting for the connection, and
   * emits its result decoded with `codec` (or `undefined` for a void method), then completes.
   */
  protected invoke<C extends t.Mixed | undefined>(
    method: string,
    args: readonly unknown[],
    codec?: C,
  ): Observable<C extends t.Mixed ? t.TypeOf<C> : void> {
    // biome-ignore lint/suspicious/noConfusingVoidType: without a codec the invocation completes with no value, typed `void` as in the signature.
    type R = C extends t.Mixed ? t.TypeOf<C> : void;
    let closesBefore = 0;
    return defer(() => this.whenConnected(method)).pipe(
      switchMap((connection) => {
        closesBefore = this.closeCount;
        // `$type` first in every block: System.Text.Json refuses a polymorphic object whose `$type` is not.
        return from(connection.invoke(method, ...args.map(typeFirst)));
      }),
      // The state may say connected while the socket just closed: wait for the next connection.
      retry({ count: 3, delay: (error: unknown) => (isNotConnected(error) ? this.whenConnected(method) : throwError(() => error)) }),
      map((result): R => {
        if (codec === undefined) return undefined as R;
        const decoded = decodeWith(codec)(this.shape(result));
        if (either.isLeft(decoded)) {
          throw new HubError('decode', `${this.hubName} hub: the result of '${method}' is invalid: ${decoded.left.message}`, {
            hub: this.hubName,
            method,
            decodeError: decoded.left,
            raw: result,
          });
        }
        return decoded.right as R;
      }),
      catchError((error: unknown) =>
        throwError(() => {
          if (HubError.is(error)) return error;
          // The connection closed while the call was under way (SignalR rejects it with the close
          // reason, whatever that is): the outcome is unknown — the server may have run it — but
          // it is a connection problem, not the server refusing the call.
          if (this.closeCount !== closesBefore) {
            return new HubError('not-connected', `${this.hubName} hub: the connection closed while '${method}' was under way`, {
              hub: this.hubName,
              method,
              cause: error,
            });
          }
          return new HubError('invocation', messageOf(error), { hub: this.hubName, method, cause: error });
        }),
      ),
    );
  }

  /** Invokes a method whose result is an ack `{ success, errorCode?, errorMessage? }`; `success: false` errors with a `HubError` of kind `ack`. */
  protected invokeAck<C extends t.Mixed>(method: string, args: readonly unknown[], codec: C): Observable<t.TypeOf<C>> {
    return this.invoke(method, args, codec).pipe(
      map((ack) => {
        const value = ack as { success: boolean; errorCode?: string | null; errorMessage?: string | null };
        if (!value.success) {
          throw new HubError('ack', value.errorMessage ?? `${method} failed`, {
            hub: this.hubName,
            method,
            raw: ack,
            ...(value.errorCode != null ? { errorCode: value.errorCode } : {}),
          });
        }
        return ack as t.TypeOf<C>;
      }),
    );
  }

  private whenConnected(method: string): Observable<HubConnection> {
    const { hubName, state, intent, scheduler } = this;
    return whenInvocable({ hubName, state, intent, scheduler, invocationTimeoutMs: this.options.invocationTimeoutMs }, method).pipe(
      // Connected implies built: the connection is made before the first status changes.
      map(() => this.connection as HubConnection),
    );
  }

  /** Stops the connection, remembering the stop until it is done (never rejects). */
  private stop(connection: HubConnection): Promise<void> {
    const stopping: Promise<void> = connection
      .stop()
      .catch(() => undefined)
      .finally(() => {
        if (this.stopping === stopping) this.stopping = undefined;
      });
    this.stopping = stopping;
    return stopping;
  }

  private build(transport: HubTransport, logger: ILogger): HubConnection {
    const o = this.options;
    // `WebSocket` is read by SignalR's HttpConnection although its typings no longer list it.
    const connectionOptions: IHttpConnectionOptions & { WebSocket: unknown } = {
      accessTokenFactory: transport.tokenFactory(o.accessTokenFactory),
      httpClient: transport.httpClient,
      WebSocket: transport.webSocket,
      ...(o.transport !== undefined ? { transport: o.transport } : {}),
      ...(o.skipNegotiation !== undefined ? { skipNegotiation: o.skipNegotiation } : {}),
      ...(o.headers !== undefined ? { headers: { ...o.headers } } : {}),
    };
    const builder = new HubConnectionBuilder().withUrl(o.url, connectionOptions).configureLogging(logger);
    if (o.protocol) builder.withHubProtocol(o.protocol);
    if ((o.statefulReconnect ?? true) && o.skipNegotiation !== true) builder.withStatefulReconnect();
    if (o.serverTimeoutMs !== undefined) builder.withServerTimeout(o.serverTimeoutMs);
    if (o.keepAliveIntervalMs !== undefined) builder.withKeepAliveInterval(o.keepAliveIntervalMs);
    const connection = builder.build();
    for (const event of this.events.names) {
      const subject = this.events.rawSubject(event);
      connection.on(event, (...args: unknown[]) => subject.next(this.shape(args[0])));
    }
    connection.onclose((error) => {
      this.closeCount += 1;
      this.closed.next(error);
    });
    return connection;
  }

  /**
   * One connection attempt: starts the connection, aborted after `connectTimeoutMs` (on the
   * scheduler). Errors with what decided the failure: a `HubError` of kind `auth` with `status`
   * 401 when the server refused the token at negotiate or at the WebSocket upgrade, whatever
   * SignalR's error says.
   */
  private startAttempt(connection: HubConnection, transport: HubTransport): Observable<void> {
    const limit = this.options.connectTimeoutMs ?? 15_000;
    return from(transport.prepare()).pipe(
      switchMap(() => {
        transport.beginAttempt();
        const started = from(connection.start());
        if (!(limit > 0 && Number.isFinite(limit))) return started;
        // Whichever comes first: the connection, or the limit (then abort what is still opening,
        // wait for SignalR to settle — the next attempt needs a Disconnected connection — and fail).
        return race(started.pipe(map(() => false)), timer(limit, this.scheduler).pipe(map(() => true))).pipe(
          switchMap((timedOut) => {
            if (!timedOut) return of(undefined);
            transport.abort();
            return from(this.stop(connection)).pipe(
              switchMap(() =>
                throwError(
                  () =>
                    new HubError('connection', `${this.hubName} hub: connecting took longer than ${limit} ms; the attempt was aborted`, {
                      hub: this.hubName,
                    }),
                ),
              ),
            );
          }),
        );
      }),
      catchError((error: unknown) => throwError(() => this.attemptFailure(error, transport))),
    );
  }

  private attemptFailure(error: unknown, transport: HubTransport): unknown {
    if (HubError.is(error)) return error;
    const unusable = noUsableTransport(error);
    if (unusable !== undefined) {
      const protocol = this.options.protocol?.name ?? 'json';
      return new HubError(
        'connection',
        `${this.hubName} hub: no transport the server offers can carry this client (hubs.transport, hubs.protocol '${protocol}'): ${unusable}`,
        { hub: this.hubName, cause: error, fatal: true },
      );
    }
    const refusal = transport.refusal;
    if (refusal === undefined) return error;
    if (refusal.tokenWithheld) {
      return new HubError(
        'connection',
        `${this.hubName} hub: ${refusal.origin} answered 401 to the ${refusal.phase}; the token was not sent there (not the hub's origin, and no accessToken for it in the negotiate answer)`,
        { hub: this.hubName, status: refusal.status, cause: error },
      );
    }
    return new HubError('auth', `${this.hubName} hub: the server refused the token (HTTP 401 at the ${refusal.phase})`, {
      hub: this.hubName,
      status: refusal.status,
      cause: error,
    });
  }

  private startLoop(): void {
    const o = this.options;
    if (!this.connection || !this.transport) {
      const logger = signalrLogger(o.logger, o.logLevel ?? LogLevel.Warning);
      this.transport = new HubTransport(o.url, logger);
      this.connection = this.build(this.transport, logger);
    }
    const connection = this.connection;
    const transport = this.transport;
    let attempt = 0;
    this.state.next({ status: 'connecting', attempt: 1 });
    const session$ = defer(() => {
      attempt += 1;
      // A stop still under way (a disconnect() just before) must end first, or SignalR refuses to
      // start a connection that is not yet Disconnected.
      const stopping = this.stopping;
      return (stopping ? from(stopping) : of(undefined)).pipe(switchMap(() => this.startAttempt(connection, transport)));
    }).pipe(
      mergeMap(() =>
        concat(
          of(connection.connectionId),
          this.closed.pipe(
            take(1),
            mergeMap((error) => throwError(() => error ?? new Error(`${this.hubName} hub: the connection was closed`))),
          ),
        ),
      ),
    );
    const wakeUp$ = o.wakeUp$ ?? browserOnline$();
    const sessions$ = session$.pipe(
      reconnectWithBackoff({
        delays: o.reconnectDelays ?? DEFAULT_RECONNECT_DELAYS,
        maxAttempts: o.maxReconnectAttempts ?? 20,
        ...(o.maxAuthRefusals !== undefined ? { maxAuthRefusals: o.maxAuthRefusals } : {}),
        scheduler: this.scheduler,
        isUnauthorized,
        isFatal: (error) => HubError.is(error) && error.fatal === true,
        healthyAfterMs: o.healthyAfterMs ?? 5000,
        // Any event from the server proves the connection healthy before healthyAfterMs.
        healthy$: this.events.anyRaw(),
        ...(o.refreshToken ? { refreshToken: o.refreshToken } : {}),
        authError: (error) =>
          new HubError(
            'auth',
            o.refreshToken
              ? `${this.hubName} hub: the server refused the token and no new token could be had`
              : `${this.hubName} hub: the server refused the token (HTTP 401) and there is no refreshToken to get another`,
            { hub: this.hubName, cause: error, ...(isUnauthorized(error) ? { status: 401 } : {}) },
          ),
        ...(wakeUp$ ? { wakeUp$ } : {}),
        onRetry: ({ attempt: n, delayMs, error }) =>
          this.state.next({ status: 'reconnecting', attempt: n, nextDelayMs: delayMs, reason: error instanceof Error ? error : undefined }),
      }),
      mergeMap((connectionId) => {
        attempt = 0;
        this.state.next({ status: 'connected', connectionId });
        const previous = this.lastConnectionId;
        if (connectionId !== null && connectionId === previous) return EMPTY;
        this.lastConnectionId = connectionId;
        this.sessionCount += 1;
        const session: HubSession = { connectionId, previousConnectionId: previous, number: this.sessionCount };
        this.sessions.next(session);
        return this.afterSession(session);
      }),
    );
    // One subscription owns everything the connection does — the attempts, the work after each
    // new session (re-joins, re-subscriptions) and the subclass's work while it runs — so
    // `disconnect()` (or giving up) tears all of it down at once.
    this.loop = merge(sessions$, this.whileRunning()).subscribe({
      error: (error: unknown) => {
        this.loop = undefined;
        const failure = HubError.is(error)
          ? error
          : new HubError('connection', `${this.hubName} hub: could not connect after ${attempt} attempt(s): ${messageOf(error)}`, {
              hub: this.hubName,
              cause: error,
            });
        this.state.next({ status: 'failed', error: failure });
        void this.stop(connection);
      },
    });
  }
}

/**
 * True when `error` is the server refusing the token with HTTP 401 at negotiate or at the
 * WebSocket upgrade: a `HubError` of kind `auth` with `status` 401 (how the hub clients report
 * it), SignalR's `HttpError` with `statusCode` 401, or SignalR's negotiate failure, which keeps
 * only the text of the `HttpError` it wraps — and that text always ends with the status. A
 * close, whatever its reason says ("Quota of 401 messages…"), is never one.
 *
 * @example
 * ```ts
 * isUnauthorized(new HttpError('Unauthorized', 401)); // true
 * isUnauthorized(new Error("Server returned an error on close: Quota of 401 messages reached")); // false
 * ```
 */
export function isUnauthorized(error: unknown): boolean {
  if (HubError.is(error)) return error.kind === 'auth' && error.status === 401;
  if (error instanceof HttpError) return error.statusCode === 401;
  return isNegotiateFailure(error) && NEGOTIATE_401.test(error.message);
}

const NEGOTIATE_401 = /: Status code '401'$/;

/** SignalR's `FailedToNegotiateWithServerError` (tagged by its `errorType` field). */
function isNegotiateFailure(error: unknown): error is Error {
  return error instanceof Error && (error as { errorType?: unknown }).errorType === 'FailedToNegotiateWithServerError';
}

/**
 * True when the invocation was never sent (the connection was not connected at that instant), so
 * sending it again cannot duplicate it. An invocation cancelled because the connection closed
 * while it was under way is NOT retried: the server may already have run it.
 */
function isNotConnected(error: unknown): boolean {
  return NOT_CONNECTED.test(messageOf(error));
}

function browserOnline$(): Observable<unknown> | undefined {
  const target = (globalThis as { window?: { addEventListener?: unknown } }).window;
  if (!target || typeof target.addEventListener !== 'function') return undefined;
  return new Observable<unknown>((subscriber) => {
    const w = target as unknown as {
      addEventListener(n: string, f: () => void): void;
      removeEventListener(n: string, f: () => void): void;
    };
    const handler = (): void => subscriber.next(undefined);
    w.addEventListener('online', handler);
    return () => w.removeEventListener('online', handler);
  });
}

function signalrLogger(logger: HubLogger | undefined, minimum: LogLevel): ILogger {
  return {
    log(level: LogLevel, message: string) {
      if (!logger || level < minimum || level === LogLevel.None) return;
      const text = redactText(message);
      const mapped =
        level >= LogLevel.Error ? 'error' : level >= LogLevel.Warning ? 'warn' : level >= LogLevel.Information ? 'info' : 'debug';
      logger(mapped, `signalr: ${text}`);
    },
  };
}
