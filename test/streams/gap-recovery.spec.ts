/**
 * pagesSince (gap recovery's history walk) in virtual time: newest pages until one reaches the
 * baseline, transient failures asked again after 1 s / 2 s / 5 s, other failures at once.
 */
import { expect } from 'chai';
import { defer, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { CursorPaginatedResult, MessageDto } from '../../src/codecs/index.js';
import { ChatApiError } from '../../src/http/chat-api-error.js';
import { isTransient, pagesSince } from '../../src/streams/gap-recovery.js';

function newScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => {
    expect(actual).to.deep.equal(expected);
  });
}

/** A page of messages with these ids (newest first, as `direction: 'older'` answers). */
function page(ids: readonly string[], nextCursor: string | null): CursorPaginatedResult<MessageDto> {
  return { items: ids.map((id) => ({ id }) as MessageDto), nextCursor, hasMore: nextCursor !== null };
}

const network = new ChatApiError({ kind: 'network', status: 0, title: 'Network error', detail: 'connect ECONNREFUSED' });
const notFound = new ChatApiError({ kind: 'http', status: 404, title: 'Not Found' });

describe('pagesSince (marbles)', () => {
  it('walks older pages until one holds the baseline, and stops there', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const calls: Array<string | undefined> = [];
      const pages: Record<string, CursorPaginatedResult<MessageDto>> = {
        first: page(['09', '08'], 'c1'),
        c1: page(['07', '06'], 'c2'),
        c2: page(['05', '04'], 'c3'),
      };
      const api = {
        getHistory: (_id: string, params: { cursor?: string }): Observable<CursorPaginatedResult<MessageDto>> => {
          calls.push(params.cursor);
          return cold('-(p|)', { p: pages[params.cursor ?? 'first'] as CursorPaginatedResult<MessageDto> });
        },
      };
      expectObservable(pagesSince(api, 'conv', '06', { pageSize: 2, maxPages: 20, scheduler })).toBe('-a(b|)', {
        a: pages['first'],
        b: pages['c1'],
      });
      scheduler.flush();
      expect(calls).to.deep.equal([undefined, 'c1']);
    });
  });

  it('stops at maxPages and at the end of the history; without a baseline one page is enough', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const endless = { getHistory: () => cold('-(p|)', { p: page(['9'], 'more') }) };
      expectObservable(pagesSince(endless, 'conv', '0', { pageSize: 1, maxPages: 3, scheduler })).toBe('-ab(c|)', {
        a: page(['9'], 'more'),
        b: page(['9'], 'more'),
        c: page(['9'], 'more'),
      });
      const ended = { getHistory: () => cold('-(p|)', { p: page(['9'], null) }) };
      expectObservable(pagesSince(ended, 'conv', '0', { pageSize: 1, maxPages: 3, scheduler })).toBe('-(a|)', { a: page(['9'], null) });
      expectObservable(pagesSince(endless, 'conv', undefined, { pageSize: 1, maxPages: 3, scheduler })).toBe('-(a|)', {
        a: page(['9'], 'more'),
      });
    });
  });

  it('asks a page that failed with a transient error again after 1 s, 2 s, then 5 s, then gives up with the error', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      let attempts = 0;
      // Like a REST call, each subscription is a new request.
      const failingTwice = {
        getHistory: () =>
          defer(() => {
            attempts += 1;
            return attempts <= 2
              ? cold<CursorPaginatedResult<MessageDto>>('-#', undefined, network)
              : cold('-(p|)', { p: page(['9'], null) });
          }),
      };
      // fails at 1 ms, asked again at 1001 ms, fails at 1002, asked again at 3002, answers at 3003.
      expectObservable(pagesSince(failingTwice, 'conv', '0', { pageSize: 1, maxPages: 3, scheduler })).toBe('3003ms (a|)', {
        a: page(['9'], null),
      });
      const alwaysFailing = { getHistory: () => cold<CursorPaginatedResult<MessageDto>>('-#', undefined, network) };
      // 1 + 1000 + 1 + 2000 + 1 + 5000 + 1 = 8004 ms: three retries, then the error.
      expectObservable(pagesSince(alwaysFailing, 'conv', '0', { pageSize: 1, maxPages: 3, scheduler })).toBe('8004ms #', {}, network);
    });
  });

  // Issue 16 #12: a 429/503's Retry-After was ignored (the fixed 1 s / 2 s / 5 s schedule ran on).
  it("waits for a 503's or 429's Retry-After instead of the schedule, at most maxRetryAfterMs", () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const busy = (retryAfterMs: number | undefined, status = 503) =>
        new ChatApiError({ kind: 'http', status, title: 'Service Unavailable', ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
      /** Fails once with `error`, then answers: each subscription is a new request, as with REST. */
      const failingOnce = (error: ChatApiError) => {
        let attempts = 0;
        return {
          getHistory: () =>
            defer(() =>
              ++attempts === 1 ? cold<CursorPaginatedResult<MessageDto>>('-#', undefined, error) : cold('-(p|)', { p: page(['9'], null) }),
            ),
        };
      };
      const answered = { a: page(['9'], null) };
      // fails at 1 ms, Retry-After 3 s: asked again at 3001 ms, answers at 3002 (not 1002).
      expectObservable(pagesSince(failingOnce(busy(3000)), 'conv', '0', { pageSize: 1, maxPages: 3, scheduler })).toBe(
        '3002ms (a|)',
        answered,
      );
      expectObservable(pagesSince(failingOnce(busy(4000, 429)), 'conv', '0', { pageSize: 1, maxPages: 3, scheduler })).toBe(
        '4002ms (a|)',
        answered,
      );
      // Retry-After: 0 is honoured too; without one, the schedule (1 s).
      expectObservable(pagesSince(failingOnce(busy(0)), 'conv', '0', { pageSize: 1, maxPages: 3, scheduler })).toBe('--(a|)', answered);
      expectObservable(pagesSince(failingOnce(busy(undefined)), 'conv', '0', { pageSize: 1, maxPages: 3, scheduler })).toBe(
        '1002ms (a|)',
        answered,
      );
      // An hour is cut to maxRetryAfterMs: 30 s by default, or what the caller says.
      expectObservable(pagesSince(failingOnce(busy(3_600_000)), 'conv', '0', { pageSize: 1, maxPages: 3, scheduler })).toBe(
        '30002ms (a|)',
        answered,
      );
      expectObservable(
        pagesSince(failingOnce(busy(3_600_000)), 'conv', '0', { pageSize: 1, maxPages: 3, scheduler, maxRetryAfterMs: 10_000 }),
      ).toBe('10002ms (a|)', answered);
    });
  });

  it('does not ask again after a failure that is not transient (a 404)', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      let attempts = 0;
      const api = {
        getHistory: () =>
          defer(() => {
            attempts += 1;
            return cold<CursorPaginatedResult<MessageDto>>('-#', undefined, notFound);
          }),
      };
      expectObservable(pagesSince(api, 'conv', '0', { pageSize: 1, maxPages: 3, scheduler })).toBe('-#', {}, notFound);
      scheduler.flush();
      expect(attempts).to.equal(1);
    });
  });

  it('isTransient: network, timeout, 5xx and 429 are; 4xx, decode and foreign errors are not', () => {
    const http = (status: number) => new ChatApiError({ kind: 'http', status, title: 't' });
    expect(
      [network, new ChatApiError({ kind: 'timeout', status: 0, title: 't' }), http(500), http(503), http(429)].map(isTransient),
    ).to.deep.equal([true, true, true, true, true]);
    expect(
      [notFound, http(400), http(401), new ChatApiError({ kind: 'decode', status: 200, title: 't' }), new Error('x'), null].map(
        isTransient,
      ),
    ).to.deep.equal([false, false, false, false, false, false]);
  });
});
