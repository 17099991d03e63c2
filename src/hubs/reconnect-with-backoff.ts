import {
  asyncScheduler,
  catchError,
  defaultIfEmpty,
  defer,
  EMPTY,
  endWith,
  filter,
  ignoreElements,
  map,
  merge,
  type MonoTypeOperatorFunction,
  NEVER,
  type Observable,
  race,
  retry,
  type SchedulerLike,
  share,
  switchMap,
  take,
  takeUntil,
  tap,
  throwError,
  timer,
} from 'rxjs';

/** The default reconnect schedule: 2 s, 5 s, 10 s, then 10 s again up to the attempt limit. */
export const DEFAULT_RECONNECT_DELAYS: readonly number[] = [2000, 5000, 10000];

/** One retry the operator is about to make. */
export interface ReconnectAttempt {
  /** 1 for the first retry after a failure, counting up until a healthy session resets it. */
  readonly attempt: number;
  /** How long until the attempt (0 when it follows a token refresh). */
  readonly delayMs: number;
  /** Why the previous attempt or session ended. */
  readonly error: unknown;
}

/** Options of {@link reconnectWithBackoff}. */
export interface ReconnectWithBackoffOptions {
  /** Delays before retries 1, 2, 3…; the last one repeats. @default [2000, 5000, 10000] */
  readonly delays?: readonly number[];
  /** Retries after which the error goes through (0 = never retry). @default 20 */
  readonly maxAttempts?: number;
  /** Where the waits run. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
  /** Tells a refused token (HTTP 401) apart from other failures. @default never */
  readonly isUnauthorized?: (error: unknown) => boolean;
  /**
   * Refreshes the token after a 401; the retry then runs at once. `null` (or completing without a
   * token) gives up: the operator errors with `authError(error)`. Without it, a 401 gives up at
   * once with `authError(error)`: the same token would only be refused again.
   */
  readonly refreshToken?: () => Observable<string | null>;
  /**
   * The error to end with when a 401 cannot be answered with a new token (no `refreshToken`, or
   * it gave `null`) or refreshed tokens are refused `maxAuthRefusals` times in a row.
   * A refresh that errors is not a refusal: it counts as a failed attempt and the normal wait
   * follows. @default the 401 itself
   */
  readonly authError?: (error: unknown) => unknown;
  /**
   * Refreshed tokens refused in a row (a 401 right after a refresh) before giving up with
   * `authError`. Between them the normal wait runs, then the token is refreshed again: a token
   * revoked between its refresh and its use (a race, not a verdict) does not end the client.
   * @default 3
   */
  readonly maxAuthRefusals?: number;
  /**
   * How long a session (from the source's first value) must last to count as healthy. Only a
   * healthy session starts the attempts and the token refusals over; one that ends sooner counts
   * as one more failed attempt, so a server that accepts every connection and closes it at once
   * ends in the error after `maxAttempts` instead of a reconnect loop. 0 = healthy at once.
   * @default 0
   */
  readonly healthyAfterMs?: number;
  /**
   * Emits when the current session proved healthy before `healthyAfterMs` (e.g. data arrived
   * from the server). Listened to only while a session is up. @default never
   */
  readonly healthy$?: Observable<unknown>;
  /** Cuts a wait short when it emits (e.g. the browser coming back online); its completing changes nothing. */
  readonly wakeUp$?: Observable<unknown>;
  /** Called before each retry (to report `reconnecting` state). */
  readonly onRetry?: (attempt: ReconnectAttempt) => void;
  /**
   * True for an error that would come back the same on every attempt (e.g. no transport of the
   * server can carry the client's hub protocol): it goes through at once, without retries.
   * @default never
   */
  readonly isFatal?: (error: unknown) => boolean;
}

/**
 * Resubscribes to the source after it errors — a connection session that ended — waiting
 * 2 s, 5 s, 10 s (configurable) and then the last delay again, up to `maxAttempts` retries, after
 * which the error goes through. A 401 triggers `refreshToken` and an immediate retry instead of
 * a wait (without `refreshToken` it gives up at once with `authError`; an `isFatal` error goes
 * through at once too); a refreshed token refused
 * too is refreshed again after the normal wait, and `maxAuthRefusals` such refusals in a row give
 * up. The counts start over after a healthy session: one that lasted `healthyAfterMs` from its
 * first value, or during which `healthy$` emitted (with the default 0, any session that emitted).
 *
 * Emits what the source emits; completes when it completes; errors when retries are used up,
 * or with `authError` on a 401 that no new token can answer. All waits run on `scheduler`, and a
 * session's age is read from `scheduler.now()`, so marble tests drive them.
 *
 * @example
 * ```ts
 * session$.pipe(reconnectWithBackoff({ delays: [2000, 5000, 10000], onRetry: report }))
 * ```
 */
export function reconnectWithBackoff<T>(options: ReconnectWithBackoffOptions = {}): MonoTypeOperatorFunction<T> {
  const delays = options.delays && options.delays.length > 0 ? options.delays : DEFAULT_RECONNECT_DELAYS;
  const maxAttempts = options.maxAttempts ?? 20;
  const scheduler = options.scheduler ?? asyncScheduler;
  const authError = (error: unknown): unknown => (options.authError ? options.authError(error) : error);
  const maxAuthRefusals = Math.max(1, options.maxAuthRefusals ?? 3);
  const healthyAfterMs = Math.max(0, options.healthyAfterMs ?? 0);
  const delayOf = (retryCount: number): number => delays[Math.min(retryCount - 1, delays.length - 1)] ?? 0;
  return (source) =>
    defer(() => {
      // Failed attempts in a row; a session that ended before it was healthy is one of them.
      let failures = 0;
      // A 401 right after a refresh means the new token is refused too: after maxAuthRefusals of
      // those in a row, give up.
      let justRefreshed = false;
      let refusedInARow = 0;
      // When the current session emitted first (undefined: it never did), and whether it proved healthy.
      let connectedAt: number | undefined;
      let provedHealthy = false;
      const wait = (delayMs: number): Observable<unknown> => {
        const done = timer(delayMs, scheduler);
        // Only a wake-up value cuts the wait short: a wakeUp$ that completes must not end it
        // (that would complete the stream and stop reconnecting for good).
        return options.wakeUp$ ? race(done, merge(options.wakeUp$, NEVER).pipe(take(1))) : done;
      };
      const refresh = (refreshToken: () => Observable<string | null>, retryCount: number, error: unknown): Observable<unknown> => {
        justRefreshed = true;
        return refreshToken().pipe(
          take(1),
          // A refresh that ends without a token gives up like `null` (completing here would
          // complete the whole stream and leave the caller reconnecting forever).
          defaultIfEmpty(null),
          // A refresh that fails (the auth server is down for a moment) is not a "no": it
          // counts as a failed attempt and the normal wait follows; only `null` gives up.
          catchError((refreshError: unknown) => {
            justRefreshed = false;
            const delayMs = delayOf(retryCount);
            options.onRetry?.({ attempt: retryCount, delayMs, error: refreshError });
            return timer(delayMs, scheduler).pipe(map(() => 'waited' as const));
          }),
          map((token) => {
            if (token === null) throw authError(error);
            return token;
          }),
        );
      };
      const session$ = defer(() => {
        connectedAt = undefined;
        provedHealthy = false;
        const attempt$ = source.pipe(
          tap(() => {
            justRefreshed = false;
            connectedAt ??= scheduler.now();
          }),
        );
        const healthy$ = options.healthy$;
        if (healthy$ === undefined) return attempt$;
        const shared$ = attempt$.pipe(share());
        // Listens to healthy$ while the session is up (after its first value), until it ends either way.
        const proof$ = healthy$.pipe(
          filter(() => connectedAt !== undefined),
          take(1),
          tap(() => (provedHealthy = true)),
          ignoreElements(),
          takeUntil(
            shared$.pipe(
              ignoreElements(),
              catchError(() => EMPTY),
              endWith(undefined),
            ),
          ),
        );
        return merge(shared$, proof$);
      });
      return session$.pipe(
        retry({
          delay: (error: unknown) => {
            const lasted = connectedAt === undefined ? -1 : scheduler.now() - connectedAt;
            if (provedHealthy || lasted >= healthyAfterMs) {
              // A healthy session: everything starts over.
              failures = 0;
              refusedInARow = 0;
            }
            connectedAt = undefined;
            failures += 1;
            const retryCount = failures;
            const unauthorized = options.isUnauthorized?.(error) === true;
            const refusedAfterRefresh = unauthorized && justRefreshed;
            justRefreshed = false;
            if (refusedAfterRefresh) {
              refusedInARow += 1;
              if (refusedInARow >= maxAuthRefusals) return throwError(() => authError(error));
            }
            if (options.isFatal?.(error) === true) return throwError(() => error);
            const refreshToken = options.refreshToken;
            // A definite 401 with no way to a new token: the same token would be refused again.
            if (unauthorized && !refreshToken) return throwError(() => authError(error));
            if (retryCount > maxAttempts) return throwError(() => error);
            if (refreshToken && unauthorized) {
              if (refusedAfterRefresh) {
                // The refreshed token was refused: wait as after any failure, then refresh again.
                const delayMs = delayOf(retryCount);
                options.onRetry?.({ attempt: retryCount, delayMs, error });
                return wait(delayMs).pipe(
                  take(1),
                  switchMap(() => refresh(refreshToken, retryCount, error)),
                );
              }
              options.onRetry?.({ attempt: retryCount, delayMs: 0, error });
              return refresh(refreshToken, retryCount, error);
            }
            const delayMs = delayOf(retryCount);
            options.onRetry?.({ attempt: retryCount, delayMs, error });
            return wait(delayMs);
          },
        }),
      );
    });
}
