/**
 * The seed SDK's `ReconnectionManager`: takes over when a hub's own reconnecting gave up, with
 * 3 attempts 2 s → 5 s → 10 s apart and a token refresh on a refused token — built on the
 * reactive `reconnectWithBackoff` operator.
 */
import { asyncScheduler, defer, from, type Observable, type SchedulerLike, type Subscription, throwError } from 'rxjs';
import { HubError, isUnauthorized, reconnectWithBackoff } from '../hubs/index.js';
import { InvalidArgumentError } from '../core/invalid-argument-error.js';
import type { Unsubscribe } from './typed-event-emitter.js';

/** The seed's schedule: attempt 1 after 2 s, attempt 2 after 5 s more, attempt 3 after 10 s more. */
const SEED_DELAYS: readonly number[] = [2000, 5000, 10000];

/**
 * What a {@link ReconnectionManager} needs of a hub: its `disconnected` event and `connect()`.
 * Both compat hub clients are such hubs.
 *
 * @example
 * ```ts
 * const hub: ReconnectableHub = client.realtime.chat;
 * ```
 */
export interface ReconnectableHub {
  on(event: 'disconnected', handler: (error: Error | undefined) => void): Unsubscribe;
  connect(): Promise<void>;
}

/**
 * Options of a {@link ReconnectionManager}: the hubs to look after and how to get a new token.
 *
 * @example
 * ```ts
 * const options: ReconnectionManagerOptions = {
 *   chatHub: client.realtime.chat,
 *   notificationHub: client.realtime.notifications,
 *   onTokenExpired: async () => refreshToken(),
 * };
 * ```
 */
export interface ReconnectionManagerOptions {
  /** The chat hub. @default none */
  readonly chatHub?: ReconnectableHub;
  /** The notification hub. @default none */
  readonly notificationHub?: ReconnectableHub;
  /**
   * Called when the server refused the token (HTTP 401): return a new token after handing it to
   * the client (`client.setToken`), or `null` to stop reconnecting. Called once at a time: hubs
   * that need it together share one call. Without it a refused token stops reconnecting.
   * @default none
   */
  readonly onTokenExpired?: () => Promise<string | null> | string | null;
  /** The waits before attempts 1, 2, 3…; as many attempts as delays. @default [2000, 5000, 10000] */
  readonly delays?: readonly number[];
  /** Where the waits run (a `TestScheduler` in tests). @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/** True when the hub gave up because the server refused the token (decided by HTTP status, never by a message's text). */
function isTokenRefused(error: unknown): boolean {
  return isUnauthorized(error) || (HubError.is(error) && error.kind === 'auth');
}

/**
 * Reconnects a hub whose connection ended for good — after the hub's own reconnecting gave up
 * (`on('disconnected', error)` with an error; a `disconnect()` you asked for is left alone):
 * attempt 1 after 2 s, attempt 2 after 5 s more, attempt 3 after 10 s more, then it stops. When
 * the token was refused, `onTokenExpired` is asked for a new one first and the attempt follows
 * at once.
 *
 * @example
 * ```ts
 * const manager = new ReconnectionManager({
 *   chatHub: client.realtime.chat,
 *   notificationHub: client.realtime.notifications,
 *   onTokenExpired: async () => {
 *     const newToken = await refreshToken();
 *     if (newToken) client.setToken(newToken);
 *     return newToken; // null stops reconnecting
 *   },
 * });
 * manager.start(); // idempotent
 * manager.stop();
 * ```
 */
export class ReconnectionManager {
  private readonly hubs: readonly ReconnectableHub[];
  private readonly delays: readonly number[];
  private readonly scheduler: SchedulerLike;
  private readonly onTokenExpired: (() => Promise<string | null> | string | null) | undefined;
  private readonly listeners: Unsubscribe[] = [];
  /** The recoveries under way, by hub. */
  private readonly recovering = new Map<ReconnectableHub, Subscription>();
  private refreshing: Promise<string | null> | undefined;
  private running = false;

  /** @throws InvalidArgumentError for an `onTokenExpired` that is not a function or delays that are not non-negative numbers. */
  constructor(options: ReconnectionManagerOptions) {
    if (options.onTokenExpired !== undefined && typeof options.onTokenExpired !== 'function')
      throw new InvalidArgumentError('options.onTokenExpired', 'expected a function');
    const delays = options.delays ?? SEED_DELAYS;
    if (!Array.isArray(delays) || delays.length === 0 || !delays.every((d) => typeof d === 'number' && Number.isFinite(d) && d >= 0))
      throw new InvalidArgumentError('options.delays', 'expected a non-empty array of non-negative numbers of milliseconds');
    this.hubs = [options.chatHub, options.notificationHub].filter((hub): hub is ReconnectableHub => hub !== undefined);
    this.delays = delays;
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.onTokenExpired = options.onTokenExpired;
  }

  /** True between `start()` and `stop()`. */
  get started(): boolean {
    return this.running;
  }

  /** Starts looking after the hubs. Idempotent. */
  start(): void {
    if (this.running) return;
    this.running = true;
    for (const hub of this.hubs) {
      this.listeners.push(
        hub.on('disconnected', (error) => {
          if (error !== undefined) this.recover(hub, error);
        }),
      );
    }
  }

  /** Stops: no more attempts (one already connecting finishes on its own). */
  stop(): void {
    this.running = false;
    for (const unsubscribe of this.listeners.splice(0)) unsubscribe();
    for (const subscription of this.recovering.values()) subscription.unsubscribe();
    this.recovering.clear();
  }

  /** Reconnects `hub`, which ended with `error`, unless a recovery of it is under way. */
  private recover(hub: ReconnectableHub, error: Error): void {
    if (this.recovering.has(hub)) return;
    // The connection's end counts as the failure before attempt 1: the operator then waits the
    // first delay (or refreshes the token) before calling connect().
    let ended = false;
    const attempts$ = defer(() => {
      if (!ended) {
        ended = true;
        return throwError(() => error);
      }
      return from(hub.connect());
    });
    let finished = false;
    const onEnd = (): void => {
      finished = true;
      this.recovering.delete(hub);
    };
    const subscription = attempts$
      .pipe(
        reconnectWithBackoff({
          delays: this.delays,
          maxAttempts: this.delays.length,
          scheduler: this.scheduler,
          isUnauthorized: isTokenRefused,
          ...(this.onTokenExpired !== undefined ? { refreshToken: () => this.refreshToken() } : {}),
        }),
      )
      .subscribe({ complete: onEnd, error: onEnd });
    if (!finished) this.recovering.set(hub, subscription);
  }

  /** `onTokenExpired`, once at a time: concurrent callers share its answer. */
  private refreshToken(): Observable<string | null> {
    return defer(() => {
      const onTokenExpired = this.onTokenExpired;
      if (onTokenExpired === undefined) return from([null]);
      this.refreshing ??= Promise.resolve()
        .then(() => onTokenExpired())
        .then((token) => (typeof token === 'string' && token !== '' ? token : null))
        .finally(() => {
          this.refreshing = undefined;
        });
      return from(this.refreshing);
    });
  }
}
