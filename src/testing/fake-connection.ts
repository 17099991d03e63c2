/**
 * The connection state machine behind both fake hubs: status, intent, sessions, the socket, the
 * reconnect attempts and the answers of invocations under way. Internal to
 * `chat-client-rx/testing`: `FakeHub` owns one and exposes it.
 */
import {
  BehaviorSubject,
  combineLatest,
  concat,
  defer,
  filter,
  map,
  type Observable,
  of,
  type SchedulerLike,
  startWith,
  Subject,
  type Subscription,
  take,
  timer,
} from 'rxjs';
import { whenConnectSettles, whenInvocable } from '../hubs/connection-waits.js';
import { HubError } from '../hubs/hub-error.js';
import type { HubConnectionStatus, HubSession } from '../hubs/hub-state.js';
import type { FakeHubOptions } from './fake-hub.js';

/** What the connection calls back into its hub. */
export interface ConnectionHooks {
  /** The server opens the hub's connection. */
  attach(): void;
  /** The server forgets the hub's connection. */
  detach(): void;
  /** An event arrived on the live socket. */
  deliver(event: string, payload: unknown): void;
  afterSession(session: HubSession): Observable<never>;
  whileRunning(): Observable<never>;
  onDisconnectRequested(): void;
}

/** The socket of the current connection: none, open, dead without anyone knowing, or dropped and resumable. */
type Socket = 'none' | 'open' | 'silent' | 'resumable';

/** Where an invocation was sent: on which connection, and whether it reached the server. */
export interface Sent {
  readonly epoch: number;
  readonly reached: boolean;
  /** Sent while the connection was already gone (the state not yet told): cut at once. */
  readonly gone: boolean;
}

/** One fake hub's connection lifecycle; see `FakeHub` for what each driver means. */
export class FakeConnection {
  readonly state$: Observable<HubConnectionStatus>;
  readonly intent$: Observable<'connected' | 'disconnected'>;
  readonly sessions$: Observable<HubSession>;
  private readonly state = new BehaviorSubject<HubConnectionStatus>({ status: 'disconnected' });
  private readonly intent = new BehaviorSubject<'connected' | 'disconnected'>('disconnected');
  private readonly sessions = new Subject<HubSession>();
  /** Ticks on every change of the socket (opened, killed, dropped, closed): pending answers look again. */
  private readonly socketChanged = new Subject<void>();
  private socket: Socket = 'none';
  private buffer: [string, unknown][] = [];
  private serverConnectionId: string | null = null;
  private lastConnectionId: string | null = null;
  private connectionCount = 0;
  private sessionCount = 0;
  /** Connections the server forgot so far: an answer sent on an earlier one never arrives. */
  private closeCount = 0;
  private failures = 0;
  private refusing = false;
  /** The reconnect wait or the server timeout under way. */
  private pending: Subscription | undefined;
  /** `whileRunning()` from `connect()` until `disconnect()` or `failed`. */
  private running: Subscription | undefined;
  /** `afterSession()` of the latest session. */
  private sessionWork: Subscription | undefined;

  constructor(
    private readonly hubName: string,
    private readonly scheduler: SchedulerLike,
    private readonly options: FakeHubOptions,
    private readonly hooks: ConnectionHooks,
  ) {
    this.state$ = this.state.asObservable();
    this.intent$ = this.intent.asObservable();
    this.sessions$ = this.sessions.asObservable();
  }

  get status(): HubConnectionStatus {
    return this.state.value;
  }

  get connectionId(): string | null {
    return this.serverConnectionId;
  }

  connect(): Observable<void> {
    return defer(() => {
      this.intent.next('connected');
      const now = this.state.value.status;
      if (now === 'disconnected' || now === 'failed') this.start();
      return whenConnectSettles(this.state, this.hubName);
    });
  }

  disconnect(): Observable<void> {
    return defer(() => {
      this.intent.next('disconnected');
      this.cancelPending();
      this.stopWork();
      this.hooks.onDisconnectRequested();
      this.forget();
      this.state.next({ status: 'disconnected' });
      return of(undefined);
    });
  }

  dropConnection(resume: boolean): void {
    this.assertStatus('dropConnection', 'connected');
    // A socket killed silently cannot resume (what was sent to it is gone), as a real server's
    // connection without a Close frame cannot.
    this.lose(new Error(`${this.hubName} hub (fake): the connection was lost (dropConnection)`), resume && this.socket === 'open');
  }

  killSocket(): void {
    this.assertStatus('killSocket', 'connected');
    if (this.socket !== 'open') throw new Error(`killSocket(): the ${this.hubName} hub's socket is already dead`);
    this.socket = 'silent';
    this.socketChanged.next();
    const ms = this.options.serverTimeoutMs;
    if (ms !== undefined) this.pending = timer(ms, this.scheduler).subscribe(() => this.noticeLoss());
  }

  noticeLoss(): void {
    if (this.socket !== 'silent') throw new Error(`noticeLoss(): the ${this.hubName} hub has no killed socket; call killSocket() first`);
    this.lose(new Error(`${this.hubName} hub (fake): server timeout: nothing was heard from the server (killSocket)`), false);
  }

  reconnect(): void {
    this.assertStatus('reconnect', 'reconnecting');
    this.attempt();
  }

  refuseConnections(refusing: boolean): void {
    this.refusing = refusing;
  }

  /** What the server sends: delivered on a live socket, buffered on a resumable drop, lost otherwise. */
  receive(event: string, payload: unknown): void {
    if (this.socket === 'open') this.hooks.deliver(event, payload);
    else if (this.socket === 'resumable') this.buffer.push([event, payload]);
  }

  /** Sends an invocation now: on which connection, and whether the server gets it (not into a killed socket). */
  send(): Sent {
    return { epoch: this.closeCount, reached: this.socket === 'open', gone: this.socket === 'none' };
  }

  /** Waits for the connection as the real client does: `not-connected` before `connect()`, on `failed`, or after `invocationTimeoutMs`. */
  whenConnected(method: string): Observable<unknown> {
    const { hubName, state, intent, scheduler } = this;
    return whenInvocable({ hubName, state, intent, scheduler, invocationTimeoutMs: this.options.invocationTimeoutMs }, method);
  }

  /**
   * Emits once when the answer of an invocation `sent` arrives: `delayMs` after it was sent, once
   * its socket is live. Errors as soon as that connection closes (the outcome is unknown).
   */
  answered(method: string, sent: Sent, delayMs: number): Observable<void> {
    const due$ =
      delayMs > 0
        ? timer(delayMs, this.scheduler).pipe(
            map(() => true),
            startWith(false),
          )
        : of(true);
    return combineLatest([due$, concat(of(undefined), this.socketChanged)]).pipe(
      map(([due]) => (sent.gone || this.closeCount !== sent.epoch ? 'cut' : due && sent.reached && this.socket === 'open' ? 'ok' : 'wait')),
      filter((verdict) => verdict !== 'wait'),
      take(1),
      map((verdict) => {
        if (verdict === 'cut') {
          throw new HubError('not-connected', `${this.hubName} hub: the connection closed while '${method}' was under way`, {
            hub: this.hubName,
            method,
          });
        }
      }),
    );
  }

  private assertStatus(driver: string, expected: HubConnectionStatus['status']): void {
    const now = this.state.value.status;
    if (now !== expected) throw new Error(`${driver}(): the ${this.hubName} hub is ${now}, not ${expected}`);
  }

  private start(): void {
    this.stopWork();
    this.failures = 0;
    this.running = this.hooks.whileRunning().subscribe();
    this.state.next({ status: 'connecting', attempt: 1 });
    this.attempt();
  }

  private attempt(): void {
    this.cancelPending();
    if (this.refusing) {
      // A refused resume: the server's connection (and what it buffered) is gone too.
      this.forget();
      this.failed(new Error(`${this.hubName} hub (fake): the server refused the connection (refuseConnections)`));
    } else if (this.socket === 'resumable') this.resume();
    else this.openNew();
  }

  private openNew(): void {
    this.connectionCount += 1;
    const connectionId = `fake-conn-${this.connectionCount}`;
    this.serverConnectionId = connectionId;
    this.socket = 'open';
    this.failures = 0;
    this.hooks.attach();
    this.state.next({ status: 'connected', connectionId });
    this.socketChanged.next();
    this.sessionCount += 1;
    const session: HubSession = { connectionId, previousConnectionId: this.lastConnectionId, number: this.sessionCount };
    this.lastConnectionId = connectionId;
    this.sessions.next(session);
    this.sessionWork?.unsubscribe();
    this.sessionWork = this.hooks.afterSession(session).subscribe();
  }

  private resume(): void {
    this.socket = 'open';
    this.failures = 0;
    this.state.next({ status: 'connected', connectionId: this.serverConnectionId });
    this.socketChanged.next();
    for (const [event, payload] of this.buffer.splice(0)) this.receive(event, payload);
  }

  /** The connection was lost (after being up): counts as the first failed attempt. */
  private lose(reason: Error, resumable: boolean): void {
    this.cancelPending();
    if (resumable) {
      this.socket = 'resumable';
      this.socketChanged.next();
    } else this.forget();
    this.failures = 0;
    this.failed(reason);
  }

  /** One more failed attempt: `reconnecting` with the next attempt, or `failed` past `maxReconnectAttempts`. */
  private failed(reason: Error): void {
    this.failures += 1;
    if (this.failures > (this.options.maxReconnectAttempts ?? 20)) {
      this.cancelPending();
      this.stopWork();
      this.forget();
      const message = `${this.hubName} hub: could not connect after ${this.failures} attempt(s): ${reason.message}`;
      this.state.next({ status: 'failed', error: new HubError('connection', message, { hub: this.hubName, cause: reason }) });
      return;
    }
    const delays = this.options.reconnectDelays;
    const delayMs = delays && delays.length > 0 ? (delays[Math.min(this.failures - 1, delays.length - 1)] ?? 0) : undefined;
    // Scheduled before the state is told, so a subscriber that reacts (reconnect(), disconnect()) cancels it.
    if (delayMs !== undefined) this.pending = timer(delayMs, this.scheduler).subscribe(() => this.attempt());
    this.state.next({ status: 'reconnecting', attempt: this.failures, nextDelayMs: delayMs ?? 0, reason });
  }

  /** The server forgets the connection (its groups, subscriptions, buffer). */
  private forget(): void {
    if (this.socket === 'none') return;
    this.hooks.detach();
    this.socket = 'none';
    this.serverConnectionId = null;
    this.buffer = [];
    this.closeCount += 1;
    this.socketChanged.next();
  }

  private cancelPending(): void {
    this.pending?.unsubscribe();
    this.pending = undefined;
  }

  private stopWork(): void {
    this.running?.unsubscribe();
    this.running = undefined;
    this.sessionWork?.unsubscribe();
    this.sessionWork = undefined;
  }
}
