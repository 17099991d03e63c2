import { expect } from 'chai';
import { take, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { CursorPaginatedResult } from '../../src/codecs/pagination.js';
import { ChatApiError } from '../../src/http/chat-api-error.js';
import { cursorPageSource, numberedPageSource, paginate, paginateItems } from '../../src/http/paginate.js';
import { all, restFor, useGateway } from './helpers.js';

type Page = CursorPaginatedResult<string>;
const page = (n: number, last = 3): Page => ({
  items: [`i${n}a`, `i${n}b`],
  nextCursor: n < last ? `c${n + 1}` : null,
  hasMore: n < last,
});

function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => {
    expect(actual).to.deep.equal(expected);
  });
}

describe('paginate', () => {
  it('with loadMore$: the first page at subscribe, one more per signal, signals while loading ignored, completes after the last', () => {
    scheduler().run(({ cold, hot, expectObservable }) => {
      const fetched: Array<string | undefined> = [];
      const source = cursorPageSource((cursor): Observable<Page> => {
        fetched.push(cursor);
        const n = cursor === undefined ? 1 : Number(cursor.slice(1));
        return cold('--(p|)', { p: page(n) });
      });
      //                        0123456789
      const loadMore$ = hot('   ---x-x--x--x--x');
      expectObservable(paginate(source, { loadMore$ })).toBe('--a--b----(c|)', { a: page(1), b: page(2), c: page(3) });
    });
  });

  it('with loadMore$: a signal arriving while a page loads (exhaust) does not fetch twice', () => {
    scheduler().run(({ cold, hot, expectObservable, flush }) => {
      let fetches = 0;
      const source = cursorPageSource((cursor) => {
        fetches++;
        return cold('----(p|)', { p: page(cursor === undefined ? 1 : Number(cursor.slice(1))) });
      });
      const loadMore$ = hot('-xxx------', {});
      expectObservable(paginate(source, { loadMore$ })).toBe('----a-----', { a: page(1) });
      flush();
      expect(fetches).to.equal(1);
    });
  });

  it('without loadMore$: every page in order, fetching the next only after the previous was delivered', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const pages = [cold('-(p|)', { p: page(1) }), cold('-(p|)', { p: page(2) }), cold('-(p|)', { p: page(3) })];
      const source = cursorPageSource((cursor) => pages[cursor === undefined ? 0 : Number(cursor.slice(1)) - 1]!);
      expectObservable(paginate(source)).toBe('-ab(c|)', { a: page(1), b: page(2), c: page(3) });
    });
  });

  it('paginateItems with take(n) stops fetching pages that are not needed', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const p1 = cold('-----(p|)', { p: page(1) });
      const p2 = cold('-----(p|)', { p: page(2) });
      const p3 = cold('-----(p|)', { p: page(3) });
      const byCursor: Record<string, Observable<Page>> = { first: p1, c2: p2, c3: p3 };
      const source = cursorPageSource((cursor) => byCursor[cursor ?? 'first']!);
      expectObservable(paginateItems(source).pipe(take(3))).toBe('-----(ab)-(c|)', { a: 'i1a', b: 'i1b', c: 'i2a' });
      expectSubscriptions(p2.subscriptions).toBe('-----^----!');
      expectSubscriptions(p3.subscriptions).toBe([]);
    });
  });

  it('errors with invalid-response when the cursor does not advance (instead of looping forever)', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const stuck: Page = { items: ['x'], nextCursor: 'same', hasMore: true };
      const source = cursorPageSource(() => cold('-(p|)', { p: stuck }), 'same');
      expectObservable(paginate(source)).toBe(
        '-#',
        undefined,
        new ChatApiError({
          kind: 'invalid-response',
          status: 0,
          title: 'Pagination does not advance',
          detail: 'the server returned the key it was asked for (same) as the next one',
        }),
      );
    });
  });

  it('a page error ends the stream with that error', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const boom = new ChatApiError({ kind: 'http', status: 500, title: 'Internal Server Error' });
      const source = cursorPageSource(
        (cursor): Observable<Page> => (cursor === undefined ? cold('-(p|)', { p: page(1) }) : cold<Page>('-#', undefined, boom)),
      );
      expectObservable(paginate(source)).toBe('-a#', { a: page(1) }, boom);
    });
  });

  it('numberedPageSource stops at totalCount and at an empty page', () => {
    const source = numberedPageSource<number>(() => {
      throw new Error('not called');
    });
    expect(source.firstKey).to.equal(1);
    expect(source.nextKey({ items: [1, 2], page: 1, pageSize: 2, totalCount: 5 }, 1)).to.equal(2);
    expect(source.nextKey({ items: [5], page: 3, pageSize: 2, totalCount: 5 }, 3)).to.equal(null);
    expect(source.nextKey({ items: [3, 4], page: 2, pageSize: 2, totalCount: 4 }, 2)).to.equal(null);
    expect(source.nextKey({ items: [], page: 9, pageSize: 2, totalCount: 50 }, 9)).to.equal(null);
  });

  describe('through the REST modules (fake gateway)', () => {
    const ctx = useGateway();

    it('conversations.listAll() walks every page with the cursors passed back as strings', async () => {
      const ids = (await all(restFor(ctx.gateway).conversations.listAll({ limit: 2 }))).map((c) => c.id);
      expect(ids).to.deep.equal(['c0', 'c1', 'c2', 'c3', 'c4']);
      const cursors = ctx.gateway.requests.map((r) => r.query.get('cursor'));
      expect(cursors).to.deep.equal([null, '1743004200000_2', '1743004200000_4']);
    });

    it('conversations.listAll().pipe(take(3)) fetches only two pages', async () => {
      const ids = (await all(restFor(ctx.gateway).conversations.listAll({ limit: 2 }).pipe(take(3)))).map((c) => c.id);
      expect(ids).to.deep.equal(['c0', 'c1', 'c2']);
      expect(ctx.gateway.requests).to.have.length(2);
    });

    it('messages.historyAll(convId, {limit, direction}) passes limit and direction on every page', async () => {
      const messages = await all(restFor(ctx.gateway).messages.historyAll('conv-1', { limit: 3, direction: 'newer' }));
      expect(messages.map((m) => m.id)).to.deep.equal(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6']);
      expect(ctx.gateway.requests.map((r) => [r.rawPath, r.query.get('limit'), r.query.get('direction')])).to.deep.equal([
        ['/api/conversations/conv-1/messages', '3', 'newer'],
        ['/api/conversations/conv-1/messages', '3', 'newer'],
        ['/api/conversations/conv-1/messages', '3', 'newer'],
      ]);
    });

    it('bots.listAll({pageSize}) walks the page-numbered list', async () => {
      const bots = await all(restFor(ctx.gateway).bots.listAll({ pageSize: 2 }));
      expect(bots.map((b) => b.id)).to.deep.equal(['b0', 'b1', 'b2', 'b3', 'b4']);
      expect(ctx.gateway.requests.map((r) => r.query.get('page'))).to.deep.equal(['1', '2', '3']);
    });

    it('listPages with loadMore$ fetches the next page only when asked', async () => {
      const { Subject } = await import('rxjs');
      const more = new Subject<void>();
      const pages: number[] = [];
      const done = new Promise<void>((resolve) => {
        restFor(ctx.gateway)
          .conversations.listPages({ limit: 2 }, { loadMore$: more })
          .subscribe({ next: (p) => pages.push(p.items.length), complete: resolve });
      });
      await ctx.gateway.waitForRequests(1);
      await new Promise((r) => setTimeout(r, 30));
      expect(ctx.gateway.requests).to.have.length(1);
      more.next();
      await ctx.gateway.waitForRequests(2);
      await new Promise((r) => setTimeout(r, 30));
      more.next();
      await done;
      expect(pages).to.deep.equal([2, 2, 1]);
      expect(ctx.gateway.requests).to.have.length(3);
    });
  });
});
