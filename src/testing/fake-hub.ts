import type * as t from 'io-ts';
import { defer, EMPTY, map, type Observable, type SchedulerLike, Subject, switchMap } from 'rxjs';
import type { HubError } from '../hubs/hub-error.js';
import { HubEventStreams } from '../hubs/hub-events.js';
import type { HubConnectionStatus, HubSession } from '../hubs/hub-state.js';
import { FakeConnection } from './fake-connection.js';
import type { FakeEndpoint } from './fake-hub-registry.js';

/** Options of a fake hub (`server.chatHub(id, options)`, `server.notificationHub(id, options)`). Durations are scheduler time, in ms. */
export interface FakeHubOptions {
  /**
   * Delays before automatic reconnect attempts 1, 2, 3… (the last repeats), as the real client's
   * `reconnectDelays`. Without it the hub stays `reconnecting` (with `nextDelayMs: 0`) until the
   * test calls `reconnect()`, so a test decides exactly when a connection comes back.
   * @default none (reconnect only on `reconnect()`)
   */
  readonly reconnectDelays?: readonly number[];
  /** Failed connection attempts in a row after which the state becomes `failed` (0: a lost connection fails at once). @default 20 */
  readonly maxReconnectAttempts?: number;
  /**
   * After `killSocket()`, how long until the silence counts as a lost connection by itself (the
   * real client's `serverTimeoutMs`). @default none (only `noticeLoss()` turns it into a drop)
   */
  readonly serverTimeoutMs?: number;
  /** How long the server's answer to an invocation takes. The server acts at once; the answer arrives later. @default 0 */
  readonly invocationDelayMs?: number;
  /** How long an invocation waits for the connection while connecting or reconnecting (then `not-connected`). @default 30000 */
  readonly invocationTimeoutMs?: number;
}

/** Options of `dropConnection`. */
export interface DropConnectionOptions {
  /**
   * Stateful reconnect: the server keeps the connection (its id, its groups, its presence
   * subscriptions) and buffers what it sends meanwhile; the next `reconnect()` resumes it and
   * delivers the buffer. Without it the server forgets the connection and what it sends is lost.
   * A socket killed silently (`killSocket()`) cannot resume: the drop then loses it for good.
   * @default false
   */
  readonly resume?: boolean;
}

/** One invocation as the fake server received it (`args` as passed). */
export interface FakeHubInvocation {
  /** The hub method invoked (`SendMessage`, `JoinConversation`…). */
  readonly method: string;
  /** Its arguments, as passed. */
  readonly args: readonly unknown[];
}

/** Event name → io-ts codec of its payload. */
export type FakeHubEventCodecs = Readonly<Record<string, t.Mixed>>;
/** Event name → decoded payload type. */
export type FakeHubPayloads<Events extends FakeHubEventCodecs> = { [K in keyof Events]: t.TypeOf<Events[K]> };

/**
 * The connection lifecycle both fake hubs share, and the test drivers that move it: `state$`,
 * `intent$`, `sessions$`, `errors$`, decoded hot events from `on(name)`, `connect()` /
 * `disconnect()`, and `dropConnection`, `killSocket`, `noticeLoss`, `reconnect`,
 * `refuseConnections`, `emit`, `invocations`. Everything happens synchronously or on the
 * server's scheduler: no Promise, no real timer.
 *
 * Connection ids are `fake-conn-1`, `fake-conn-2`… counted per hub, one per new server connection.
 *
 * @example
 * ```ts
 * const chat = server.chatHub('alice');
 * chat.connect().subscribe();
 * chat.dropConnection();          // reconnecting
 * chat.reconnect();               // connected as fake-conn-2; sessions$ emits { number: 2, … }
 * ```
 */
export abstract class FakeHub<Events extends FakeHubEventCodecs> {
  /** Replays the connection's current status. */
  readonly state$: Observable<HubConnectionStatus>;
  /** Replays what the user asked for last: `connected` after `connect()`, `disconnected` after `disconnect()`. */
  readonly intent$: Observable<'connected' | 'disconnected'>;
  /** Emits after every (re)connect with a new connection id (the server lost this client's groups). Hot. */
  readonly sessions$: Observable<HubSession>;
  /** Payloads that failed decoding (kind `decode`), failed re-joins and re-subscriptions. Hot. */
  readonly errors$: Observable<HubError>;
  /** The server's scheduler: every delay of this hub runs on it. */
  protected readonly scheduler: SchedulerLike;
  /** This hub's connection as the server's registry sees it. */
  protected readonly endpoint: FakeEndpoint;
  private readonly connection: FakeConnection;
  private readonly errors = new Subject<HubError>();
  private readonly events: HubEventStreams<Events>;
  private readonly log: FakeHubInvocation[] = [];

  protected constructor(
    /** `chat` or `notifications`, as in `HubError.hub`. */
    readonly hubName: string,
    events: Events,
    /** The participant this hub connects as. */
    readonly participantId: string,
    scheduler: SchedulerLike,
    private readonly options: FakeHubOptions,
  ) {
    this.scheduler = scheduler;
    this.events = new HubEventStreams(hubName, events, (error) => this.errors.next(error));
    this.connection = new FakeConnection(hubName, scheduler, options, {
      attach: () => this.attach(),
      detach: () => this.detach(),
      deliver: (event, payload) => this.events.rawSubject(event).next(payload),
      afterSession: (session) => this.afterSession(session),
      whileRunning: () => this.whileRunning(),
      onDisconnectRequested: () => this.onDisconnectRequested(),
    });
    this.state$ = this.connection.state$;
    this.intent$ = this.connection.intent$;
    this.sessions$ = this.connection.sessions$;
    this.errors$ = this.errors.asObservable();
    this.endpoint = { participantId, deliver: (event, payload) => this.connection.receive(event, payload) };
  }

  /** The current status, synchronously. */
  get status(): HubConnectionStatus {
    return this.connection.status;
  }

  /** The server connection's id now (kept while a resumable drop waits), or null. */
  get connectionId(): string | null {
    return this.connection.connectionId;
  }

  /** Every invocation the server received (or that went into a killed socket), oldest first (a copy). */
  get invocations(): readonly FakeHubInvocation[] {
    return [...this.log];
  }

  /**
   * The hot Observable of one event's decoded payloads, the same for the same name. What the
   * server sends and what `emit` injects is decoded with the event's codec; a payload that fails
   * goes to `errors$` (kind `decode`) and the stream goes on.
   *
   * @throws InvalidArgumentError for a name that is not one of this hub's events.
   */
  on<K extends keyof Events & string>(event: K): Observable<FakeHubPayloads<Events>[K]> {
    return this.events.on(event);
  }

  /**
   * Test driver: delivers a raw payload (anything, even malformed) to `on(event)` now, whatever
   * the connection state, as if the server had sent it. Use the server's drivers (`server.post`…)
   * to send through the connection instead (lost while it is down).
   *
   * @throws InvalidArgumentError for a name that is not one of this hub's events.
   */
  emit(event: keyof Events & string, payload: unknown): void {
    this.events.codecOf(event);
    this.events.rawSubject(event).next(payload);
  }

  /**
   * Connects (cold): emits once and completes when connected, errors with a `HubError` of kind
   * `connection` when the state becomes `failed` (attempts refused `maxReconnectAttempts` times)
   * or `disconnect()` is called first. Idempotent while connecting or connected; after `failed`
   * it starts over. With no refusal the connection is made at once, synchronously: `connecting`,
   * then `connected` with a new connection id, then `sessions$`.
   */
  connect(): Observable<void> {
    return this.connection.connect();
  }

  /** Disconnects (cold): cancels any wait, closes the server connection, state `disconnected`; emits once and completes. */
  disconnect(): Observable<void> {
    return this.connection.disconnect();
  }

  /**
   * Test driver: the connection is lost. The state becomes `reconnecting` (attempt 1). Without
   * `resume` the server forgets the connection: what it sends meanwhile is lost for this hub, and
   * the next successful attempt opens a new connection id (`sessions$`, re-joins). With
   * `resume: true` the next attempt resumes the same connection id and delivers what was
   * buffered, with no new session.
   *
   * @throws Error when the hub is not connected.
   */
  dropConnection(options: DropConnectionOptions = {}): void {
    this.connection.dropConnection(options.resume === true);
  }

  /**
   * Test driver: the socket dies silently. The state stays `connected`, everything the server
   * sends is lost and invocations get no answer, until `noticeLoss()` (or `serverTimeoutMs`)
   * turns it into a drop; then those invocations fail with a `HubError` of kind `not-connected`.
   *
   * @throws Error when the hub is not connected with a live socket.
   */
  killSocket(): void {
    this.connection.killSocket();
  }

  /**
   * Test driver: the client notices the silent socket of `killSocket()` (its server timeout): a
   * drop without resume.
   *
   * @throws Error when no socket was killed.
   */
  noticeLoss(): void {
    this.connection.noticeLoss();
  }

  /**
   * Test driver: makes the pending reconnect attempt now (also cutting an automatic wait short).
   * It fails while `refuseConnections(true)`; else it resumes a resumable drop or opens a new
   * connection.
   *
   * @throws Error when the hub is not `reconnecting`.
   */
  reconnect(): void {
    this.connection.reconnect();
  }

  /**
   * Test driver: while `true`, every connection attempt fails: `connect()` leaves the state
   * `reconnecting` (attempt 1, 2…) and `failed` once more than `maxReconnectAttempts` attempts
   * failed in a row; a resumable drop can no longer be resumed (the next success is a new
   * session). An open connection is not affected.
   */
  refuseConnections(refusing = true): void {
    this.connection.refuseConnections(refusing);
  }

  /**
   * Sends an invocation (cold): waits for the connection as the real client does (`not-connected`
   * before `connect()`, after `failed`, or past `invocationTimeoutMs`), logs it, runs `run` on the
   * server at once and delivers its result (or error) `invocationDelayMs` later. An answer whose
   * connection closes first errors with `not-connected`; one sent into a killed socket never
   * reaches the server.
   */
  protected invoke<R>(method: string, args: readonly unknown[], run: () => R): Observable<R> {
    return defer(() => this.connection.whenConnected(method)).pipe(
      switchMap(() => {
        this.log.push({ method, args: [...args] });
        const sent = this.connection.send();
        let outcome: { readonly value: R } | { readonly error: unknown } = { error: undefined };
        if (sent.reached) {
          try {
            outcome = { value: run() };
          } catch (error) {
            outcome = { error };
          }
        }
        return this.connection.answered(method, sent, this.options.invocationDelayMs ?? 0).pipe(
          map(() => {
            if ('error' in outcome) throw outcome.error;
            return outcome.value;
          }),
        );
      }),
    );
  }

  /** Reports an error on `errors$`. */
  protected report(error: HubError): void {
    this.errors.next(error);
  }

  /** The server opens this hub's connection. */
  protected abstract attach(): void;
  /** The server forgets this hub's connection. */
  protected abstract detach(): void;

  /** Work after a new connection id (re-joins, re-subscriptions); cancelled by `disconnect()`. Must not error. */
  protected afterSession(_session: HubSession): Observable<never> {
    return EMPTY;
  }

  /** Work from `connect()` until `disconnect()` or `failed` (folding events into state). Must not error. */
  protected whileRunning(): Observable<never> {
    return EMPTY;
  }

  /** The user asked to disconnect. */
  protected onDisconnectRequested(): void {}
}
