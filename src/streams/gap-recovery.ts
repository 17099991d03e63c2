/**
 * Fetching what a reconnect may have missed: the newest history pages of a conversation until
 * one reaches the newest message held before the connection was lost. Used by the conversation feed's
 * recovery (`ConversationFeed`).
 */
import {
  asyncScheduler,
  defer,
  EMPTY,
  expand,
  type MonoTypeOperatorFunction,
  type Observable,
  retry,
  type SchedulerLike,
  throwError,
  timer,
} from 'rxjs';
import type { CursorPaginatedResult, MessageDto } from '../codecs/index.js';
import { ChatApiError } from '../http/chat-api-error.js';

/** The history call gap recovery needs (the REST API's `messages.getHistory`). */
export interface GapHistoryApi {
  /** One page of a conversation's history (`GET /api/conversations/{id}/messages`); gap recovery asks for `direction: 'older'` pages. */
  getHistory(
    conversationId: string,
    params: { limit?: number; cursor?: string; direction?: 'older' | 'newer' },
  ): Observable<CursorPaginatedResult<MessageDto>>;
}

/** Options of `pagesSince`. */
export interface PagesSinceOptions {
  /** Messages per page. */
  readonly pageSize: number;
  /** Pages to fetch at most before giving up on reaching `newest`. */
  readonly maxPages: number;
  /**
   * Waits before asking a failed page again; its length is the number of retries. A failure that
   * carries the server's `Retry-After` (`ChatApiError.retryAfterMs`, on a 429 or 503) waits that
   * long instead, at most `maxRetryAfterMs`.
   * @default [1000, 2000, 5000]
   */
  readonly retryDelaysMs?: readonly number[];
  /** The longest wait a `Retry-After` may ask for; a longer one is cut to this. @default 30_000 */
  readonly maxRetryAfterMs?: number;
  /** The scheduler of those waits. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/** Retry delays of gap recovery: a restarting gateway or a refused connection passes within seconds. */
export const GAP_RETRY_DELAYS_MS: readonly number[] = [1000, 2000, 5000];

/** The default of {@link PagesSinceOptions.maxRetryAfterMs}: a server's `Retry-After` is honoured up to 30 s. */
export const GAP_MAX_RETRY_AFTER_MS = 30_000;

/**
 * How long to wait before retry number `attempt` (1-based) after `error`: the server's
 * `Retry-After` when the error carries one (at most `maxRetryAfterMs`), else `delays[attempt - 1]`.
 *
 * @example
 * ```ts
 * retryDelayMs(new ChatApiError({ kind: 'http', status: 503, title: 'x', retryAfterMs: 4000 }), 1, [1000], 30_000); // 4000
 * ```
 */
export function retryDelayMs(
  error: unknown,
  attempt: number,
  delays: readonly number[],
  maxRetryAfterMs: number = GAP_MAX_RETRY_AFTER_MS,
): number {
  const retryAfter = ChatApiError.is(error) ? error.retryAfterMs : undefined;
  if (typeof retryAfter === 'number' && Number.isFinite(retryAfter) && retryAfter >= 0) return Math.min(retryAfter, maxRetryAfterMs);
  return delays[attempt - 1] ?? 0;
}

/** True for failures that asking again may cure: no response, a timeout, a 5xx or a 429. */
export function isTransient(error: unknown): boolean {
  if (!ChatApiError.is(error)) return false;
  if (error.kind === 'network' || error.kind === 'timeout') return true;
  return error.kind === 'http' && (error.status >= 500 || error.status === 429);
}

/**
 * Asks a failed request again while the failure may pass ({@link isTransient}): after each delay
 * of `delays` — or after the server's `Retry-After`, at most `maxRetryAfterMs` — then errors with
 * the last failure; any other failure errors at once.
 *
 * @example
 * ```ts
 * client.messages.getHistory(id, { limit: 1 }).pipe(retryTransient(GAP_RETRY_DELAYS_MS, asyncScheduler));
 * ```
 */
export function retryTransient<T>(
  delays: readonly number[],
  scheduler: SchedulerLike,
  maxRetryAfterMs: number = GAP_MAX_RETRY_AFTER_MS,
): MonoTypeOperatorFunction<T> {
  return retry({
    count: delays.length,
    delay: (error: unknown, attempt: number) =>
      isTransient(error) ? timer(retryDelayMs(error, attempt, delays, maxRetryAfterMs), scheduler) : throwError(() => error),
  });
}

/**
 * The newest pages of `conversationId`'s history (`direction: 'older'`), newest first, until a
 * page holds a message at or below `newest` (no limit when `newest` is undefined: one page), the
 * history ends, or `maxPages` were fetched. A page that fails with a transient error is asked
 * again after each delay of `retryDelaysMs` (or after the server's `Retry-After`, up to
 * `maxRetryAfterMs`); then, or at once for any other error, the Observable errors (the pages
 * already emitted stay emitted). Cold: fetches on subscribe.
 *
 * @example
 * ```ts
 * pagesSince(client.messages, conversationId, lastSeenId, { pageSize: 50, maxPages: 20 })
 *   .subscribe((page) => missed.push(...page.items.filter((m) => m.id > lastSeenId)));
 * ```
 */
export function pagesSince(
  api: GapHistoryApi,
  conversationId: string,
  newest: string | undefined,
  options: PagesSinceOptions,
): Observable<CursorPaginatedResult<MessageDto>> {
  const delays = options.retryDelaysMs ?? GAP_RETRY_DELAYS_MS;
  const scheduler = options.scheduler ?? asyncScheduler;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? GAP_MAX_RETRY_AFTER_MS;
  return defer(() => {
    let pages = 0;
    const fetch = (cursor: string | undefined): Observable<CursorPaginatedResult<MessageDto>> => {
      pages += 1;
      return api
        .getHistory(conversationId, { limit: options.pageSize, direction: 'older', ...(cursor !== undefined ? { cursor } : {}) })
        .pipe(retryTransient(delays, scheduler, maxRetryAfterMs));
    };
    const reached = (page: CursorPaginatedResult<MessageDto>): boolean => newest === undefined || page.items.some((m) => m.id <= newest);
    return fetch(undefined).pipe(
      expand((page) =>
        !page.hasMore || page.nextCursor === null || reached(page) || pages >= options.maxPages ? EMPTY : fetch(page.nextCursor),
      ),
    );
  });
}
