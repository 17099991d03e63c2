import { LogLevel, type HubConnection, type ILogger } from '@microsoft/signalr';
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
  type Observable,
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
import { typeFirst } from '../codecs/type-first.js';
import { messageOf } from '../core/errors.js';
import type { HubClientOptions, HubEventCodecs, HubEventPayloads } from './hub-client-options.js';
import { HubError } from './hub-error.js';
import { attemptFailure, isNotConnected, isUnauthorized } from './hub-failures.js';
import type { HubConnectionStatus, HubSession } from './hub-state.js';
import { whenConnectSettles, whenInvocable } from './connection-waits.js';
import { HubEventStreams } from './hub-events.js';
import { HubTransport } from './hub-transport.js';
import { DEFAULT_RECONNECT_DELAYS, reconnectWithBackoff } from './reconnect-with-backoff.js';
import { browserOnline$, buildConnection, signalrLogger } from './signalr-connection.js';
import { jsonShaped } from './wire-values.js';

export type { HubClientOptions, HubEventCodecs, HubEventPayloads, HubLogger } from './hub-client-options.js';
export { isUnauthorized } from './hub-failures.js';

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
    const connection = buildConnection(this.options, transport, logger);
    for (const event of this.events.names) {
      const subject = this.events.rawSubject(event);
      connection.on(event, (payload: unknown) => subject.next(this.shape(payload)));
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
      catchError((error: unknown) =>
        throwError(() => attemptFailure(error, transport, this.hubName, this.options.protocol?.name ?? 'json')),
      ),
    );
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
        ...(o.refreshToken ? { refreshToken: refreshWith(o.refreshToken, transport) } : {}),
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

/** The `refreshToken` of the reconnect loop: the hub's, told which token the server refused. */
function refreshWith(
  refresh: (refusedToken: string | null) => Observable<string | null>,
  transport: HubTransport,
): () => Observable<string | null> {
  return () => refresh(transport.lastToken);
}
