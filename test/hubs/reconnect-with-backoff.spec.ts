import { expect } from 'chai';
import { defer, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { DEFAULT_RECONNECT_DELAYS, reconnectWithBackoff, type ReconnectAttempt } from '../../src/hubs/reconnect-with-backoff.js';

function newScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => {
    expect(actual).to.deep.equal(expected);
  });
}

/** A source whose n-th subscription subscribes to `sources[n]` (the last one repeats). */
function sequence<T>(sources: readonly Observable<T>[]): Observable<T> {
  let index = 0;
  return defer(() => {
    const next = sources[Math.min(index, sources.length - 1)];
    index += 1;
    if (next === undefined) throw new Error('sequence() needs at least one source');
    return next;
  });
}

const UNAUTHORIZED = { status: 401 };
const isUnauthorized = (error: unknown): boolean => error === UNAUTHORIZED;

describe('reconnectWithBackoff', () => {
  it('defaults to 2 s, 5 s, 10 s', () => {
    expect(DEFAULT_RECONNECT_DELAYS).to.deep.equal([2000, 5000, 10000]);
  });

  it('waits 2 s, 5 s, 10 s, then 10 s again, and lets the error through after maxAttempts retries', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-#', undefined, 'lost');
      const result = source.pipe(reconnectWithBackoff({ maxAttempts: 4 }));
      // 0: first try; +2000, +5000, +10000, +10000 after each failure (1 frame each); then the error.
      expectObservable(result).toBe('27005ms #', undefined, 'lost');
      expectSubscriptions(source.subscriptions).toBe(['^!', '2001ms ^!', '7002ms ^!', '17003ms ^!', '27004ms ^!']);
    });
  });

  it('uses the given delays on the given scheduler, repeating the last one', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-#', undefined, 'lost');
      const result = source.pipe(reconnectWithBackoff({ delays: [3, 7], maxAttempts: 3, scheduler }));
      expectObservable(result).toBe('21ms #', undefined, 'lost');
      expectSubscriptions(source.subscriptions).toBe(['^!', '4ms ^!', '12ms ^!', '20ms ^!']);
    });
  });

  it('does not retry at all with maxAttempts 0', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('--#', undefined, 'lost');
      expectObservable(source.pipe(reconnectWithBackoff({ maxAttempts: 0 }))).toBe('--#', undefined, 'lost');
      expectSubscriptions(source.subscriptions).toBe(['^-!']);
    });
  });

  it('lets an isFatal error through at once, after a retryable one was retried', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const first = cold('-#', undefined, 'lost');
      const fatal = cold('-#', undefined, 'fatal');
      const source = sequence([first, fatal]);
      const retried: unknown[] = [];
      const result = source.pipe(
        reconnectWithBackoff({
          delays: [3],
          scheduler,
          isFatal: (error) => error === 'fatal',
          onRetry: ({ error }) => retried.push(error),
        }),
      );
      // 1 ms: lost, 3 ms wait; 4 ms: the second attempt, fatal 1 ms later: through, no wait.
      expectObservable(result).toBe('5ms #', undefined, 'fatal');
      expectSubscriptions(first.subscriptions).toBe(['^!']);
      expectSubscriptions(fatal.subscriptions).toBe(['4ms ^!']);
      scheduler.flush();
      expect(retried).to.deep.equal(['lost']);
    });
  });

  it('passes values through and completes when the source completes', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const first = cold('a-#', { a: 'id-1' }, 'lost');
      const second = cold('b--|', { b: 'id-2' });
      const result = sequence([first, second]).pipe(reconnectWithBackoff({ delays: [5] }));
      expectObservable(result).toBe('a------b--|', { a: 'id-1', b: 'id-2' });
      expectSubscriptions(first.subscriptions).toBe('^-!');
      expectSubscriptions(second.subscriptions).toBe('7ms ^--!');
    });
  });

  it('starts counting again after the source emitted (a session that connected)', () => {
    const attempts: ReconnectAttempt[] = [];
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const fail1 = cold('-#', undefined, 'e1');
      const fail2 = cold('-#', undefined, 'e2');
      const connected = cold('a#', { a: 'conn' }, 'e3');
      const fail4 = cold('-#', undefined, 'e4');
      const fail5 = cold('-#', undefined, 'e5');
      const result = sequence([fail1, fail2, connected, fail4, fail5]).pipe(
        reconnectWithBackoff({ maxAttempts: 2, onRetry: (attempt) => attempts.push(attempt) }),
      );
      // fail1 (0–1) +2000 → fail2 (2001–2002) +5000 → connected (7002, emits, errors 7003)
      // count reset: +2000 (attempt 1 again, not 10 s) → fail4 (9003–9004) +5000 → fail5 (14004–14005)
      // → third failure in a row with maxAttempts 2: the error goes through.
      expectObservable(result).toBe('7002ms a 7002ms #', { a: 'conn' }, 'e5');
      expectSubscriptions(fail1.subscriptions).toBe('^!');
      expectSubscriptions(fail2.subscriptions).toBe('2001ms ^!');
      expectSubscriptions(connected.subscriptions).toBe('7002ms ^!');
      expectSubscriptions(fail4.subscriptions).toBe('9003ms ^!');
      expectSubscriptions(fail5.subscriptions).toBe(['14004ms ^!']);
    });
    expect(attempts.map((a) => [a.attempt, a.delayMs])).to.deep.equal([
      [1, 2000],
      [2, 5000],
      [1, 2000],
      [2, 5000],
    ]);
  });

  it('calls onRetry with attempt, delay and error before each retry', () => {
    const attempts: ReconnectAttempt[] = [];
    newScheduler().run(({ cold, expectObservable }) => {
      const result = sequence([
        cold('-#', undefined, 'e1'),
        cold('-#', undefined, 'e2'),
        cold('a#', { a: 'conn' }, 'e3'),
        cold('-#', undefined, 'e4'),
        cold('-|'),
      ]).pipe(reconnectWithBackoff({ delays: [10, 20, 30], onRetry: (attempt) => attempts.push(attempt) }));
      expectObservable(result).toBe('32ms a 32ms |', { a: 'conn' });
    });
    expect(attempts).to.deep.equal([
      { attempt: 1, delayMs: 10, error: 'e1' },
      { attempt: 2, delayMs: 20, error: 'e2' },
      { attempt: 1, delayMs: 10, error: 'e3' },
      { attempt: 2, delayMs: 20, error: 'e4' },
    ]);
  });

  describe('401 and token refresh', () => {
    it('calls refreshToken once and retries at once (no wait) when it gives a token', () => {
      const attempts: ReconnectAttempt[] = [];
      let refreshCalls = 0;
      newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const refused = cold('-#', undefined, UNAUTHORIZED);
        const accepted = cold('a', { a: 'conn' });
        const refresh = cold('--t', { t: 'new-token' });
        const result = sequence([refused, accepted]).pipe(
          reconnectWithBackoff({
            isUnauthorized,
            refreshToken: () => {
              refreshCalls += 1;
              return refresh;
            },
            onRetry: (attempt) => attempts.push(attempt),
          }),
        );
        expectObservable(result).toBe('---a', { a: 'conn' });
        expectSubscriptions(refused.subscriptions).toBe('^!');
        // Only the first token is taken: the refresh is unsubscribed when it gives one.
        expectSubscriptions(refresh.subscriptions).toBe('-^-!');
        expectSubscriptions(accepted.subscriptions).toBe('---^');
      });
      expect(refreshCalls).to.equal(1);
      expect(attempts).to.deep.equal([{ attempt: 1, delayMs: 0, error: UNAUTHORIZED }]);
    });

    it('a refresh that errors counts as a failed attempt: the normal wait, then a retry (only null gives up)', () => {
      const attempts: ReconnectAttempt[] = [];
      const refreshFailure = new Error('auth server down');
      newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const refused = cold('-#', undefined, UNAUTHORIZED);
        const accepted = cold('a', { a: 'conn' });
        const failingRefresh = cold('--#', undefined, refreshFailure);
        const result = sequence([refused, accepted]).pipe(
          reconnectWithBackoff({
            isUnauthorized,
            delays: [2000],
            refreshToken: () => failingRefresh,
            onRetry: (attempt) => attempts.push(attempt),
          }),
        );
        // 401 at 1 ms, the refresh fails at 3 ms, the 2 s wait, the retry at 2003 ms connects.
        expectObservable(result).toBe('--- 2000ms a', { a: 'conn' });
        expectSubscriptions(failingRefresh.subscriptions).toBe('-^-!');
        expectSubscriptions(accepted.subscriptions).toBe('--- 2000ms ^');
      });
      expect(attempts).to.deep.equal([
        { attempt: 1, delayMs: 0, error: UNAUTHORIZED },
        { attempt: 1, delayMs: 2000, error: refreshFailure },
      ]);
    });

    it('calls refreshToken exactly once per 401', () => {
      let refreshCalls = 0;
      newScheduler().run(({ cold, expectObservable }) => {
        const result = sequence([cold('-#', undefined, UNAUTHORIZED), cold('a')]).pipe(
          reconnectWithBackoff({
            isUnauthorized,
            refreshToken: () => {
              refreshCalls += 1;
              return cold('t|', { t: 'token' });
            },
          }),
        );
        expectObservable(result).toBe('-a');
      });
      expect(refreshCalls).to.equal(1);
    });

    it('errors with authError(error) when the refresh gives null', () => {
      newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const refused = cold('-#', undefined, UNAUTHORIZED);
        const refresh = cold('--(n|)', { n: null });
        const result = refused.pipe(
          reconnectWithBackoff({
            isUnauthorized,
            refreshToken: () => refresh,
            authError: (error) => ({ auth: error }),
          }),
        );
        expectObservable(result).toBe('---#', undefined, { auth: UNAUTHORIZED });
        expectSubscriptions(refused.subscriptions).toBe('^!');
        expectSubscriptions(refresh.subscriptions).toBe('-^-!');
      });
    });

    it('treats a refresh that completes without a token like null (errors, never hangs)', () => {
      newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const refused = cold('-#', undefined, UNAUTHORIZED);
        const refresh = cold<string | null>('--|');
        const result = refused.pipe(
          reconnectWithBackoff({ isUnauthorized, refreshToken: () => refresh, authError: (error) => ({ auth: error }) }),
        );
        expectObservable(result).toBe('---#', undefined, { auth: UNAUTHORIZED });
        expectSubscriptions(refresh.subscriptions).toBe('-^-!');
      });
    });

    it('with maxAuthRefusals 1, gives up with authError as soon as the refreshed token is refused too', () => {
      let refreshCalls = 0;
      newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const refused = cold('-#', undefined, UNAUTHORIZED);
        const result = refused.pipe(
          reconnectWithBackoff({
            isUnauthorized,
            maxAuthRefusals: 1,
            refreshToken: () => {
              refreshCalls += 1;
              return cold('t', { t: 'token' });
            },
            authError: (error) => ({ auth: error }),
          }),
        );
        // 0–1 refused, refresh gives a token at once → retry at 1, refused at 2 → give up.
        expectObservable(result).toBe('--#', undefined, { auth: UNAUTHORIZED });
        expectSubscriptions(refused.subscriptions).toBe(['^!', '-^!']);
      });
      expect(refreshCalls).to.equal(1);
    });

    it('refreshes again after the normal wait when the refreshed token is refused, and gives up after 3 refusals in a row (no refresh loop)', () => {
      let refreshCalls = 0;
      const attempts: Array<{ attempt: number; delayMs: number }> = [];
      newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const refused = cold('-#', undefined, UNAUTHORIZED);
        const result = refused.pipe(
          reconnectWithBackoff({
            isUnauthorized,
            delays: [3, 5],
            refreshToken: () => {
              refreshCalls += 1;
              return cold('t', { t: 'token' });
            },
            authError: (error) => ({ auth: error }),
            onRetry: ({ attempt, delayMs }) => attempts.push({ attempt, delayMs }),
          }),
        );
        // refused at 1 → refresh, retry at 1; refused at 2 (1st refusal) → wait 5 (retry 2's
        // delay) → refresh, retry at 7; refused at 8 (2nd) → wait 5 → retry at 13; refused at 14
        // (3rd) → give up.
        expectObservable(result).toBe('14ms #', undefined, { auth: UNAUTHORIZED });
        expectSubscriptions(refused.subscriptions).toBe(['^!', '-^!', '-------^!', '-------------^!']);
      });
      expect(refreshCalls).to.equal(3);
      expect(attempts).to.deep.equal([
        { attempt: 1, delayMs: 0 },
        { attempt: 2, delayMs: 5 },
        { attempt: 3, delayMs: 5 },
      ]);
    });

    it('a refreshed token refused once (revoked meanwhile) then accepted connects: the refusals count starts over', () => {
      let refreshCalls = 0;
      newScheduler().run(({ cold, expectObservable }) => {
        const refused = cold('-#', undefined, UNAUTHORIZED);
        const connected = cold('a', { a: 'conn' });
        const result = sequence([refused, refused, connected]).pipe(
          reconnectWithBackoff({
            isUnauthorized,
            delays: [3],
            refreshToken: () => {
              refreshCalls += 1;
              return cold('t', { t: 'token' });
            },
            authError: (error) => ({ auth: error }),
          }),
        );
        // refused at 1 → refresh, retry at 1; refused at 2 → wait 3 → refresh, retry at 5 → connected.
        expectObservable(result).toBe('-----a', { a: 'conn' });
      });
      expect(refreshCalls).to.equal(2);
    });

    it('refreshes again after a session that connected with the refreshed token', () => {
      let refreshCalls = 0;
      newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const refused1 = cold('-#', undefined, UNAUTHORIZED);
        const session = cold('a-#', { a: 'conn' }, UNAUTHORIZED);
        const last = cold('b', { b: 'conn2' });
        const result = sequence([refused1, session, last]).pipe(
          reconnectWithBackoff({
            isUnauthorized,
            refreshToken: () => {
              refreshCalls += 1;
              return cold('t', { t: 'token' });
            },
          }),
        );
        expectObservable(result).toBe('-a-b', { a: 'conn', b: 'conn2' });
        expectSubscriptions(session.subscriptions).toBe('-^-!');
        expectSubscriptions(last.subscriptions).toBe('---^');
      });
      expect(refreshCalls).to.equal(2);
    });

    it('a non-401 failure right after a refresh is retried with the normal wait', () => {
      newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const refused = cold('-#', undefined, UNAUTHORIZED);
        const lost = cold('-#', undefined, 'lost');
        const ok = cold('a', { a: 'conn' });
        const result = sequence([refused, lost, ok]).pipe(
          reconnectWithBackoff({ delays: [10], isUnauthorized, refreshToken: () => cold('t', { t: 'token' }) }),
        );
        expectObservable(result).toBe('12ms a', { a: 'conn' });
        expectSubscriptions(lost.subscriptions).toBe('-^!');
        expectSubscriptions(ok.subscriptions).toBe('12ms ^');
      });
    });

    it('without refreshToken, a 401 gives up at once with authError (the same token would be refused again)', () => {
      const attempts: ReconnectAttempt[] = [];
      newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const refused = cold('-#', undefined, UNAUTHORIZED);
        const result = refused.pipe(
          reconnectWithBackoff({
            delays: [5],
            maxAttempts: 2,
            isUnauthorized,
            authError: (error) => ({ auth: error }),
            onRetry: (a) => attempts.push(a),
          }),
        );
        expectObservable(result).toBe('-#', undefined, { auth: UNAUTHORIZED });
        expectSubscriptions(refused.subscriptions).toBe(['^!']);
      });
      expect(attempts, 'no retry announced').to.deep.equal([]);
    });

    it('refreshes no more often than maxAttempts allows when every refreshed connection is closed at once', () => {
      let refreshCalls = 0;
      newScheduler().run(({ cold, expectObservable }) => {
        const refused = cold('-#', undefined, UNAUTHORIZED);
        const closedAtOnce = cold('a#', { a: 'conn' }, 'closed');
        const result = sequence([refused, closedAtOnce, refused, closedAtOnce, refused, cold<string>('-|')]).pipe(
          reconnectWithBackoff({
            isUnauthorized,
            delays: [3],
            maxAttempts: 4,
            healthyAfterMs: 10,
            refreshToken: () => {
              refreshCalls += 1;
              return cold('t', { t: 'token' });
            },
          }),
        );
        // 401 at 1 → refresh, retry at 1 → connected, closed at 2 (failure 2) → wait 3 → 401 at 6
        // (failure 3) → refresh, retry at 6 → closed at 7 (failure 4) → wait 3 → 401 at 11: the
        // fifth failure in a row with maxAttempts 4 goes through — the short sessions never started
        // the count over, so the loop ends.
        expectObservable(result).toBe('-a----a----#', { a: 'conn' }, UNAUTHORIZED);
      });
      expect(refreshCalls).to.equal(2);
    });
  });

  describe('healthy sessions', () => {
    it('a session that ends before healthyAfterMs does not start the count over: the waits grow and maxAttempts ends the loop', () => {
      const attempts: ReconnectAttempt[] = [];
      newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const fail = cold('-#', undefined, 'refused');
        const closedAtOnce = cold('a#', { a: 'conn' }, 'closed');
        const result = sequence([fail, closedAtOnce, closedAtOnce, closedAtOnce, cold<string>('-|')]).pipe(
          reconnectWithBackoff({ delays: [3, 5, 7], maxAttempts: 3, healthyAfterMs: 10, onRetry: (a) => attempts.push(a) }),
        );
        // fail 0–1 → wait 3 → connected at 4, closed at 5 (lasted 1 < 10) → wait 5 → 10–11 → wait 7
        // → 18–19: a fourth failure in a row with maxAttempts 3 goes through.
        expectObservable(result).toBe('4ms a 5ms a 7ms a #', { a: 'conn' }, 'closed');
        expectSubscriptions(closedAtOnce.subscriptions).toBe(['4ms ^!', '10ms ^!', '18ms ^!']);
      });
      expect(attempts.map((a) => [a.attempt, a.delayMs])).to.deep.equal([
        [1, 3],
        [2, 5],
        [3, 7],
      ]);
    });

    it('a session that lasted healthyAfterMs starts the count over', () => {
      const attempts: ReconnectAttempt[] = [];
      newScheduler().run(({ cold, expectObservable }) => {
        const fail = cold('-#', undefined, 'refused');
        const lasting = cold('a 10ms #', { a: 'conn' }, 'closed');
        const result = sequence([fail, lasting, fail]).pipe(
          reconnectWithBackoff({ delays: [3, 5, 7], maxAttempts: 2, healthyAfterMs: 10, onRetry: (a) => attempts.push(a) }),
        );
        // fail 0–1 → wait 3 → connected at 4, closed at 15 (lasted 11) → count reset: wait 3 →
        // fail 18–19 → wait 5 → fail 24–25 → third failure in a row with maxAttempts 2.
        expectObservable(result).toBe('4ms a 20ms #', { a: 'conn' }, 'refused');
      });
      expect(attempts.map((a) => [a.attempt, a.delayMs])).to.deep.equal([
        [1, 3],
        [1, 3],
        [2, 5],
      ]);
    });

    it('healthy$ emitting while a session is up (after its first value) makes it healthy; listened to only during sessions', () => {
      const attempts: ReconnectAttempt[] = [];
      newScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        // h at 1: a session is up but has not emitted (ignored); h at 6: the connected session.
        const healthy = hot('-h----h');
        const fail = cold('--#', undefined, 'refused');
        const session = cold('a-#', { a: 'conn' }, 'closed');
        const result = sequence([fail, session, fail, cold<string>('-|')]).pipe(
          reconnectWithBackoff({ delays: [3, 5], healthyAfterMs: 100, healthy$: healthy, onRetry: (a) => attempts.push(a) }),
        );
        // fail 0–2 → wait 3 → connected at 5, proved healthy at 6, closed at 7 → count reset:
        // wait 3 → fail 10–12 → wait 5 → completes at 18.
        expectObservable(result).toBe('-----a 12ms |', { a: 'conn' });
        expectSubscriptions(healthy.subscriptions).toBe(['^-!', '-----^!', '----------^-!', '-----------------^!']);
      });
      expect(attempts.map((a) => [a.attempt, a.delayMs])).to.deep.equal([
        [1, 3],
        [1, 3],
        [2, 5],
      ]);
    });
  });

  describe('cancellation and wake-up', () => {
    it('unsubscribing during a wait cancels the pending retry', () => {
      const scheduler = newScheduler();
      const attempts: ReconnectAttempt[] = [];
      scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('-#', undefined, 'lost');
        const result = source.pipe(reconnectWithBackoff({ scheduler, onRetry: (attempt) => attempts.push(attempt) }));
        // Unsubscribed 1 s into the 2 s wait: the flush runs every timer still scheduled, and
        // no resubscription shows up at 2001 ms or ever after.
        expectObservable(result, '1000ms !').toBe('');
        expectSubscriptions(source.subscriptions).toBe(['^!']);
      });
      expect(attempts).to.have.length(1);
    });

    it('unsubscribing while the refresh runs cancels it and resubscribes nothing', () => {
      newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const refused = cold('-#', undefined, UNAUTHORIZED);
        const refresh = cold('-----t', { t: 'token' });
        const result = refused.pipe(reconnectWithBackoff({ isUnauthorized, refreshToken: () => refresh }));
        expectObservable(result, '---!').toBe('');
        expectSubscriptions(refused.subscriptions).toBe(['^!']);
        expectSubscriptions(refresh.subscriptions).toBe(['-^-!']);
      });
    });

    it('wakeUp$ cuts a wait short, and is only listened to while waiting', () => {
      newScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const wakeUp = hot('-----w------w');
        const fail1 = cold('-#', undefined, 'e1');
        const fail2 = cold('-#', undefined, 'e2');
        const done = cold('-|');
        const result = sequence([fail1, fail2, done]).pipe(reconnectWithBackoff({ wakeUp$: wakeUp }));
        // Waits of 2 s and 5 s, both cut short by the wake-ups at 5 and 12.
        expectObservable(result).toBe('-------------|');
        expectSubscriptions(fail2.subscriptions).toBe('-----^!');
        expectSubscriptions(done.subscriptions).toBe('------------^!');
        expectSubscriptions(wakeUp.subscriptions).toBe(['-^---!', '------^-----!']);
      });
    });

    it('a wakeUp$ that completes without emitting does not end the wait (nor the reconnecting)', () => {
      newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const wakeUp = cold('--|');
        const fail = cold('-#', undefined, 'lost');
        const ok = cold('a', { a: 'conn' });
        const result = sequence([fail, ok]).pipe(reconnectWithBackoff({ delays: [10], wakeUp$: wakeUp }));
        expectObservable(result).toBe('11ms a', { a: 'conn' });
        expectSubscriptions(ok.subscriptions).toBe('11ms ^');
      });
    });

    it('a wait still ends on time when wakeUp$ stays silent', () => {
      newScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const wakeUp = hot('-');
        const source = sequence([cold('-#', undefined, 'e1'), cold('a', { a: 'conn' })]);
        expectObservable(source.pipe(reconnectWithBackoff({ delays: [20], wakeUp$: wakeUp }))).toBe('21ms a', { a: 'conn' });
        expectSubscriptions(wakeUp.subscriptions).toBe(['-^ 19ms !']);
      });
    });
  });
});
