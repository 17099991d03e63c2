import { expect } from 'chai';
import { firstValueFrom, map, merge, of, switchMap, throwError, timer, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { AuthSession, decodeJwtExpiry } from '../../src/http/auth-session.js';
import { InvalidArgumentError } from '../../src/core/invalid-argument-error.js';
import { jwtWithExp } from './samples.js';

const BASE = 'https://chat.example.com';
const user = { id: 'alice', uniqueName: 'alice', fullName: 'Alice', role: 'dev' };

function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => {
    expect(actual).to.deep.equal(expected);
  });
}

describe('AuthSession', () => {
  describe('token precedence', () => {
    it('the token option and setToken win over tokenProvider, which is used only without one', () => {
      let provided: string | null = 'from-provider';
      const session = new AuthSession({ baseUrl: BASE, tokenProvider: () => provided });
      expect(session.getToken()).to.equal('from-provider');
      session.setToken('own');
      expect(session.getToken()).to.equal('own');
      session.setToken(null);
      provided = null;
      expect(session.getToken()).to.equal(null);
      expect(new AuthSession({ token: 'opt', tokenProvider: () => 'p' }).getToken()).to.equal('opt');
    });

    it('rejects an empty token', () => {
      expect(() => new AuthSession().setToken('')).to.throw(InvalidArgumentError);
    });
  });

  describe('expiry (virtual time)', () => {
    it('uses expiresAt from login, else the JWT exp claim, and isTokenExpired honours the skew', () => {
      const testScheduler = scheduler();
      testScheduler.run(() => {
        // virtual time starts at 0
        const session = new AuthSession({ baseUrl: BASE, scheduler: testScheduler });
        expect(session.isTokenExpired()).to.equal(true); // no token at all
        session.setToken(jwtWithExp(100)); // exp = 100 s
        expect(session.tokenExpiresAt()).to.equal(100_000);
        expect(session.isTokenExpired()).to.equal(false);
        expect(session.isTokenExpired(100_000)).to.equal(true);
        session.applyLogin({ token: jwtWithExp(100), expiresAt: '1970-01-01T00:00:05.000Z', user });
        expect(session.tokenExpiresAt()).to.equal(5_000);
        expect(session.isTokenExpired(4_999)).to.equal(false);
        expect(session.isTokenExpired(5_000)).to.equal(true);
        session.setToken('not-a-jwt');
        expect(session.tokenExpiresAt()).to.equal(null);
        expect(session.isTokenExpired(1e12)).to.equal(false); // unknown expiry counts as valid
      });
    });

    it('reads time from the scheduler: a token becomes expired as virtual time passes', () => {
      const testScheduler = scheduler();
      testScheduler.run(({ cold, expectObservable }) => {
        const session = new AuthSession({ scheduler: testScheduler, token: jwtWithExp(2) }); // expires at 2000 ms
        const expired$ = cold('a 999ms b 999ms c', { a: 0, b: 0, c: 0 }).pipe(map(() => session.isTokenExpired()));
        expectObservable(expired$).toBe('a 999ms b 999ms c', { a: false, b: false, c: true });
      });
    });

    it('decodes the exp claim without verifying, and returns null for anything else', () => {
      expect(decodeJwtExpiry(jwtWithExp(1_700_000_000))).to.equal(1_700_000_000_000);
      expect(decodeJwtExpiry('abc')).to.equal(null);
      expect(decodeJwtExpiry('a.!!!.c')).to.equal(null);
      expect(decodeJwtExpiry(`x.${Buffer.from('{"exp":"soon"}').toString('base64url')}.y`)).to.equal(null);
    });
  });

  describe('currentUser$', () => {
    it('replays the current user to late subscribers and emits null after clear()', async () => {
      const session = new AuthSession({ baseUrl: BASE });
      const seen: unknown[] = [];
      const sub = session.currentUser$.subscribe((u) => seen.push(u?.id ?? null));
      session.applyLogin({ token: 't', expiresAt: '2030-01-01T00:00:00Z', user });
      expect(await firstValueFrom(session.currentUser$)).to.deep.equal(user);
      session.clear();
      sub.unsubscribe();
      expect(seen).to.deep.equal([null, 'alice', null]);
      expect(session.getToken()).to.equal(null);
    });
  });

  describe('export and restore', () => {
    it('round-trips token, expiry, user and baseUrl', () => {
      const a = new AuthSession({ baseUrl: `${BASE}/` });
      a.applyLogin({ token: 'tok', expiresAt: '2030-01-01T00:00:00.000Z', user });
      const snapshot = a.exportSession();
      expect(snapshot).to.deep.equal({ token: 'tok', expiresAt: '2030-01-01T00:00:00.000Z', user, baseUrl: BASE });
      const b = new AuthSession({ session: JSON.parse(JSON.stringify(snapshot)) });
      expect(b.exportSession()).to.deep.equal(snapshot);
      expect(b.currentUser).to.deep.equal(user);
      expect(b.baseUrl).to.equal(BASE);
    });

    it('refuses a snapshot of another server, or something that is not a snapshot', () => {
      const session = new AuthSession({ baseUrl: BASE });
      expect(() => session.restore({ token: 't', expiresAt: null, user: null, baseUrl: 'https://evil.example.com' }))
        .to.throw(InvalidArgumentError)
        .with.property('argument', 'session');
      expect(() => session.restore({ token: 5 })).to.throw(InvalidArgumentError, /token/);
    });
  });

  describe('single-flight refresh (virtual time)', () => {
    it('concurrent callers share one refreshToken call and all get its result', () => {
      const testScheduler = scheduler();
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const refresh$ = cold('---(t|)', { t: 'new-token' });
        let calls = 0;
        const session = new AuthSession({ token: 'old', refreshToken: () => (calls++, refresh$) });
        expectObservable(
          merge(
            session.refresh(),
            session.refresh(),
            delayed(2, () => session.refresh()),
          ),
        ).toBe('---(ttt|)', {
          t: 'new-token',
        });
        expectSubscriptions(refresh$.subscriptions).toBe('^--!');
        testScheduler.flush();
        expect(calls).to.equal(1);
        expect(session.getToken()).to.equal('new-token');
      });
    });

    it('a refresh after the previous one finished calls refreshToken again', () => {
      const testScheduler = scheduler();
      testScheduler.run(({ cold, expectObservable }) => {
        let calls = 0;
        const session = new AuthSession({ token: 'old', refreshToken: () => cold('-(t|)', { t: `token-${++calls}` }) });
        expectObservable(
          merge(
            session.refresh(),
            delayed(5, () => session.refresh()),
          ),
        ).toBe('-a----(b|)', {
          a: 'token-1',
          b: 'token-2',
        });
      });
    });

    it('null gives up: emits null, keeps the token, and is not asked again for the same rejected token', () => {
      const testScheduler = scheduler();
      testScheduler.run(({ cold, expectObservable }) => {
        let calls = 0;
        const session = new AuthSession({ token: 'old', refreshToken: () => (calls++, cold('--(n|)', { n: null })) });
        expectObservable(
          merge(
            session.refresh('old'),
            delayed(4, () => session.refresh('old')),
          ),
        ).toBe('--n-(n|)', { n: null });
        testScheduler.flush();
        expect(calls).to.equal(1);
        expect(session.getToken()).to.equal('old');
      });
    });

    it('refresh(rejectedToken) emits the current token without calling when it was already replaced', () => {
      const testScheduler = scheduler();
      testScheduler.run(({ expectObservable }) => {
        let calls = 0;
        const session = new AuthSession({ token: 'newer', refreshToken: () => (calls++, Promise.resolve('x')) });
        expectObservable(session.refresh('older')).toBe('(t|)', { t: 'newer' });
        testScheduler.flush();
        expect(calls).to.equal(0);
      });
    });

    it('an erroring refreshToken errors every waiter, and the next refresh tries again', () => {
      const testScheduler = scheduler();
      testScheduler.run(({ cold, expectObservable }) => {
        let calls = 0;
        const session = new AuthSession({
          token: 'old',
          refreshToken: () => (++calls === 1 ? cold('-#', undefined, new Error('boom')) : cold('-(t|)', { t: 'ok' })),
        });
        expectObservable(merge(session.refresh(), session.refresh())).toBe('-#', undefined, new Error('boom'));
        expectObservable(delayed(3, () => session.refresh())).toBe('----(t|)', { t: 'ok' });
      });
    });

    // Issue 16 #7: a refreshToken that failed at once was called again by every 401 of the burst.
    it('a refresh that failed is shared by every caller that sent before it ended (refreshEpoch); a later one tries again', () => {
      const testScheduler = scheduler();
      testScheduler.run(({ expectObservable }) => {
        let calls = 0;
        const boom = new Error('auth server down');
        // Fails at once (synchronously), as a refreshToken whose server is down may.
        const session = new AuthSession({ token: 'old', refreshToken: () => (calls++, throwError(() => boom)) });
        const sentAt = session.refreshEpoch; // the burst's requests were sent now
        // Its 401s come back one after another, each after the previous refresh already failed.
        expectObservable(
          merge(
            session.refresh('old', sentAt),
            delayed(1, () => session.refresh('old', sentAt)),
            delayed(2, () => session.refresh('old', sentAt)),
          ),
        ).toBe('#', undefined, boom);
        expectObservable(delayed(1, () => session.refresh('old', sentAt))).toBe('-#', undefined, boom);
        expectObservable(delayed(2, () => session.refresh('old', sentAt))).toBe('--#', undefined, boom);
        testScheduler.flush();
        expect(calls, 'one refreshToken call for the whole burst').to.equal(1);
        // A request sent after the failure (a later, separate 401) asks again; so does a caller without sentAt (the hubs).
        session.refresh('old', session.refreshEpoch).subscribe({ error: () => undefined });
        expect(calls).to.equal(2);
        session.refresh('old').subscribe({ error: () => undefined });
        expect(calls).to.equal(3);
        // Another token settles it: the shared failure was about 'old' only.
        const before = session.refreshEpoch;
        session.setToken('newer');
        session.refresh('newer', before - 1).subscribe({ error: () => undefined });
        expect(calls).to.equal(4);
      });
    });

    it('a refresh goes on when every waiter left (the next caller joins it), and abandonRefresh() drops it once nobody waits: no timer left', () => {
      const testScheduler = scheduler();
      testScheduler.run(({ expectObservable }) => {
        let calls = 0;
        const session = new AuthSession({
          token: 'old',
          refreshTimeoutMs: 100,
          scheduler: testScheduler,
          refreshToken: () => (calls++, new Promise<string | null>(() => undefined)),
        });
        session.refresh('old').subscribe().unsubscribe();
        const joined = session.refresh('old').subscribe();
        expect(calls, 'the second caller joined the refresh in flight').to.equal(1);
        session.abandonRefresh();
        joined.unsubscribe();
        // Dropped: the next caller starts a new refresh, and only its timeout is left to fire.
        expectObservable(session.refresh('old')).toBe('100ms #', undefined, new Error('refreshToken did not answer within 100 ms'));
        testScheduler.flush();
        expect(calls).to.equal(2);
      });
    });

    it('without abandonRefresh(), a refresh every waiter left still times out and answers a later caller (single flight)', () => {
      const testScheduler = scheduler();
      testScheduler.run(({ expectObservable }) => {
        let calls = 0;
        const session = new AuthSession({
          token: 'old',
          refreshTimeoutMs: 100,
          scheduler: testScheduler,
          refreshToken: () => (calls++, new Promise<string | null>(() => undefined)),
        });
        session
          .refresh('old')
          .subscribe({ error: () => undefined })
          .unsubscribe();
        expectObservable(delayed(40, () => session.refresh('old'))).toBe(
          '100ms #',
          undefined,
          new Error('refreshToken did not answer within 100 ms'),
        );
        testScheduler.flush();
        expect(calls).to.equal(1);
      });
    });

    it('a refreshToken that answers synchronously (of) is called once and its token reaches the caller', async () => {
      let calls = 0;
      const session = new AuthSession({ token: 'old', refreshToken: () => (calls++, of('sync-token')) });
      expect(await firstValueFrom(session.refresh('old'))).to.equal('sync-token');
      expect(calls).to.equal(1);
      expect(session.getToken()).to.equal('sync-token');
    });

    it('without refreshToken, refresh() emits null at once', async () => {
      expect(await firstValueFrom(new AuthSession({ token: 't' }).refresh())).to.equal(null);
    });

    it('works with a Promise-returning refreshToken (one call for concurrent callers)', async () => {
      let calls = 0;
      const session = new AuthSession({ token: 'old', refreshToken: () => (calls++, new Promise((r) => setTimeout(() => r('p'), 10))) });
      const results = await Promise.all([1, 2, 3].map(() => firstValueFrom(session.refresh())));
      expect(results).to.deep.equal(['p', 'p', 'p']);
      expect(calls).to.equal(1);
    });
  });

  describe('freshToken (proactive refresh, virtual time)', () => {
    it('refreshes only when the known expiry is within minValidityMs', () => {
      const testScheduler = scheduler();
      testScheduler.run(({ cold, expectObservable }) => {
        const session = new AuthSession({
          scheduler: testScheduler,
          token: jwtWithExp(60), // expires at 60 000 ms
          refreshToken: () => cold('-(t|)', { t: 'fresh' }),
        });
        expectObservable(session.freshToken(30_000)).toBe('(a|)', { a: session.getToken() });
        expectObservable(delayed(40_000, () => session.freshToken(30_000))).toBe('40000ms -(t|)', { t: 'fresh' });
      });
    });

    it('falls back to the current token when the proactive refresh gives up', () => {
      const testScheduler = scheduler();
      testScheduler.run(({ cold, expectObservable }) => {
        const token = jwtWithExp(1);
        const session = new AuthSession({ scheduler: testScheduler, token, refreshToken: () => cold('-(n|)', { n: null }) });
        expectObservable(session.freshToken()).toBe('-(a|)', { a: token });
      });
    });
  });
});

/** `factory()` subscribed `ms` (virtual) milliseconds after subscription. */
function delayed<T>(ms: number, factory: () => Observable<T>): Observable<T> {
  return timer(ms).pipe(switchMap(factory));
}
