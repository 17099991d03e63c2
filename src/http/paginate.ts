import { EMPTY, concat, concatMap, defer, exhaustMap, from, of, takeWhile, tap, type Observable } from 'rxjs';
import type { CursorPaginatedResult, PagedResult } from '../codecs/pagination.js';
import { ChatApiError } from './chat-api-error.js';

/**
 * Where pages come from: the key of the first page, how to fetch the page for a key (a cold
 * Observable emitting one page), and the key of the page after a page (`null` when it was the last).
 */
export interface PageSource<K, P> {
  /** The key of the first page (a cursor, a page number…). */
  readonly firstKey: K;
  /** Fetches one page; must be cold (nothing happens until subscribe). */
  fetchPage(key: K): Observable<P>;
  /** The key of the next page, or `null` after the last page. */
  nextKey(page: P, key: K): K | null;
}

/** Options of {@link paginate}. */
export interface PaginateOptions {
  /**
   * "Load more" signals (scroll reached the end, a button): the first page is fetched at
   * subscribe, then one more page per signal. A signal while a page is loading, or after the
   * last page, is ignored. Without it, all pages are fetched one after another.
   * @default undefined (fetch every page, each only after the previous one was delivered)
   */
  readonly loadMore$?: Observable<unknown>;
}

/**
 * Turns a paged API into an Observable of pages. Cold: nothing is fetched until subscribe.
 *
 * Without `loadMore$` it emits every page in order, fetching the next page only after the
 * previous one was delivered, so `take(n)` (or unsubscribing) stops fetching; it completes after
 * the last page. With `loadMore$` (infinite scroll) it emits the first page, then one page per
 * signal; it completes after the last page, or when `loadMore$` completes and no page is loading.
 * Errors when a page fetch errors (a {@link ChatApiError}), or with kind `invalid-response` when
 * the server returns the same key again (a cursor that does not advance would loop forever).
 *
 * @example
 * ```ts
 * // infinite scroll: one more page each time the sentinel becomes visible
 * paginate(cursorPageSource((cursor) => client.conversations.list({ limit: 20, cursor })), {
 *   loadMore$: sentinelVisible$,
 * }).pipe(scan((all, page) => [...all, ...page.items], [])).subscribe(render);
 * ```
 */
export function paginate<K, P>(source: PageSource<K, P>, options: PaginateOptions = {}): Observable<P> {
  const advance = (page: P, key: K): K | null => {
    const next = source.nextKey(page, key);
    if (next !== null && Object.is(next, key)) {
      throw new ChatApiError({
        kind: 'invalid-response',
        status: 0,
        title: 'Pagination does not advance',
        detail: `the server returned the key it was asked for (${String(key)}) as the next one`,
      });
    }
    return next;
  };

  const loadMore$ = options.loadMore$;
  if (loadMore$ === undefined) {
    const pagesFrom = (key: K): Observable<P> =>
      source.fetchPage(key).pipe(
        concatMap((page) => {
          const next = advance(page, key);
          return concat(of(page), next === null ? EMPTY : defer(() => pagesFrom(next)));
        }),
      );
    return defer(() => pagesFrom(source.firstKey));
  }

  return defer(() => {
    let key: K | null = source.firstKey;
    return concat(of(null), loadMore$).pipe(
      exhaustMap(() => {
        const current = key;
        if (current === null) return EMPTY;
        return source.fetchPage(current).pipe(
          tap((page) => {
            key = advance(page, current);
          }),
        );
      }),
      takeWhile(() => key !== null, true),
    );
  });
}

/**
 * Every item of a paged API, in order, as one lazy stream: the next page is fetched only when
 * the items of the previous one have been delivered, so `take(n)` stops fetching. Completes after
 * the last item; errors as {@link paginate} does.
 *
 * @example
 * ```ts
 * paginateItems(botPageSource((page) => client.bots.list({ page, pageSize: 50 })))
 *   .pipe(first((bot) => bot.kafkaTopic === 'orders'))
 *   .subscribe(useBot);
 * ```
 */
export function paginateItems<K, T>(source: PageSource<K, { readonly items: readonly T[] }>): Observable<T> {
  return paginate(source).pipe(concatMap((page) => from(page.items)));
}

/**
 * A {@link PageSource} over a cursor-paginated call (`nextCursor`/`hasMore`). The first page is
 * fetched with `firstCursor` (undefined: from the start); the cursor is passed on as received.
 *
 * @example
 * ```ts
 * cursorPageSource((cursor) => client.messages.getHistory(convId, { limit: 50, cursor }));
 * ```
 */
export function cursorPageSource<T>(
  fetchPage: (cursor: string | undefined) => Observable<CursorPaginatedResult<T>>,
  firstCursor?: string,
): PageSource<string | undefined, CursorPaginatedResult<T>> {
  return {
    firstKey: firstCursor,
    fetchPage,
    nextKey: (page) => (page.hasMore && page.nextCursor !== null && page.nextCursor !== '' ? page.nextCursor : null),
  };
}

/**
 * A {@link PageSource} over a page-numbered call (`page` from 1, `pageSize`, `totalCount`), such
 * as `bots.list`. Stops after the page that reaches `totalCount`, or at an empty page.
 *
 * @param firstPage - @default 1
 * @example
 * ```ts
 * numberedPageSource((page) => client.bots.list({ page, pageSize: 20 }));
 * ```
 */
export function numberedPageSource<T>(
  fetchPage: (page: number) => Observable<PagedResult<T>>,
  firstPage = 1,
): PageSource<number, PagedResult<T>> {
  return {
    firstKey: firstPage,
    fetchPage,
    nextKey: (result, page) =>
      result.items.length > 0 && page * Math.max(result.pageSize, result.items.length) < result.totalCount ? page + 1 : null,
  };
}
