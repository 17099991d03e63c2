import {
  asyncScheduler,
  catchError,
  defaultIfEmpty,
  defer,
  map,
  merge,
  type MonoTypeOperatorFunction,
  NEVER,
  type Observable,
  race,
  retry,
  type SchedulerLike,
  switchMap,
  take,
  tap,
  throwError,
  timer,
} from 'rxjs';

/** The default reconnect schedule: 2 s, 5 s, 10 s, then 10 s again up to the attempt limit. */
export const DEFAULT_RECONNECT_DELAYS: readonly number[] = [2000, 5000, 10000];

/** One retry the operator is about to make. */
export interface ReconnectAttempt {
  /** 1 for the first retry after a failure, counting up until a success resets it. */
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
   * token) gives up: the operator errors with `authError(error)`. Without it, a 401 is retried
   * like any failure.
   */
  readonly refreshToken?: () => Observable<string | null>;
  /**
   * The error to end with when the refresh gives `null` or refreshed tokens are refused
   * `maxAuthRefusals` times in a row.
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
  /** Cuts a wait short when it emits (e.g. the browser coming back online); its completing changes nothing. */
  readonly wakeUp$?: Observable<unknown>;
  /** Called before each retry (to report `reconnecting` state). */
  readonly onRetry?: (attempt: ReconnectAttempt) => void;
}

/**
 * Resubscribes to the source after it errors — a connection session that ended — waiting
 * 2 s, 5 s, 10 s (configurable) and then the last delay again, up to `maxAttempts` retries, after
 * which the error goes through. A 401 triggers `refreshToken` and an immediate retry instead of
 * a wait; a refreshed token refused too is refreshed again after the normal wait, and
 * `maxAuthRefusals` such refusals in a row give up. The counts start over whenever the source
 * emits (a session that connected).
 *
 * Emits what the source emits; completes when it completes; errors when retries are used up
 * or the refresh gives `null`. All waits run on `scheduler`, so marble tests drive them.
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
  const delayOf = (retryCount: number): number => delays[Math.min(retryCount - 1, delays.length - 1)] ?? 0;
  return (source) =>
    defer(() => {
      // A 401 right after a refresh means the new token is refused too: after maxAuthRefusals of
      // those in a row, give up.
      let justRefreshed = false;
      let refusedInARow = 0;
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
      return source.pipe(
        tap(() => {
          justRefreshed = false;
          refusedInARow = 0;
        }),
        retry({
          resetOnSuccess: true,
          delay: (error: unknown, retryCount: number) => {
            const unauthorized = options.isUnauthorized?.(error) === true;
            const refusedAfterRefresh = unauthorized && justRefreshed;
            justRefreshed = false;
            if (refusedAfterRefresh) {
              refusedInARow += 1;
              if (refusedInARow >= maxAuthRefusals) return throwError(() => authError(error));
            }
            if (retryCount > maxAttempts) return throwError(() => error);
            const refreshToken = options.refreshToken;
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
