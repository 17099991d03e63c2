/**
 * The seed 000 SDK's refresh token on the reactive session (issue 21): set by the app or a login
 * answer that carries one, its expiry (explicit, else a JWT `exp`, else unknown = valid) with a
 * skew in virtual time, exported and restored, redacted from logs, handed to the `refreshToken`
 * function (which may rotate it), and the facade's `getRefreshToken` / `setRefreshToken` /
 * `isRefreshSessionExpired`. The Chat Gateway itself issues no refresh token.
 */
import { expect } from 'chai';
import { firstValueFrom, map, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { createChatClient } from '../../src/client.js';
import { InvalidArgumentError } from '../../src/core/invalid-argument-error.js';
import { REDACTED, redactingLogger } from '../../src/core/redact.js';
import type { LogLevelName } from '../../src/core/logger.js';
import { AuthSession, type RefreshContext, type RefreshTokenFn } from '../../src/http/auth-session.js';
import { restFor, single, useGateway } from './helpers.js';
import { jwtWithExp } from './samples.js';

const BASE = 'https://chat.example.com';
const user = { id: 'alice', uniqueName: 'alice', fullName: 'Alice', role: 'dev' };
const login = { token: 'tok', expiresAt: '2030-01-01T00:00:00.000Z', user };

function virtualTime(): TestScheduler {
  return new TestScheduler((actual, expected) => {
    expect(actual).to.deep.equal(expected);
  });
}

/** The `argument` of the InvalidArgumentError `call` throws. */
function argumentOf(call: () => unknown): string {
  try {
    call();
  } catch (error) {
    expect(error).to.be.instanceOf(InvalidArgumentError);
    return (error as InvalidArgumentError).argument;
  }
  throw new Error('expected an InvalidArgumentError');
}

describe('AuthSession refresh token (seed 000 session features)', () => {
  describe('setRefreshToken / getRefreshToken', () => {
    it('holds nothing at first; set, replace and forget it; setToken and a refresh of the access token leave it alone', async () => {
      const session = new AuthSession({ baseUrl: BASE, token: 'a', refreshToken: () => of('b') });
      expect(session.getRefreshToken()).to.equal(null);
      session.setRefreshToken('rt-1');
      expect(session.getRefreshToken()).to.equal('rt-1');
      session.setToken('a2');
      session.setToken(null);
      expect(session.getRefreshToken()).to.equal('rt-1');
      expect(await firstValueFrom(session.refresh())).to.equal('b');
      expect(session.getRefreshToken(), 'a bare-string refresh answer keeps it').to.equal('rt-1');
      session.setRefreshToken('rt-2', '2030-01-01T00:00:00Z');
      expect(session.getRefreshToken()).to.equal('rt-2');
      session.setRefreshToken(null);
      expect([session.getRefreshToken(), session.refreshTokenExpiresAt()]).to.deep.equal([null, null]);
    });

    it('clear() (log out) forgets it with the token and the user', () => {
      const session = new AuthSession({ baseUrl: BASE });
      session.applyLogin(login);
      session.setRefreshToken('rt', 1);
      session.clear();
      expect([session.getToken(), session.getRefreshToken(), session.refreshTokenExpiresAt(), session.currentUser]).to.deep.equal([
        null,
        null,
        null,
        null,
      ]);
    });

    const badTokens: ReadonlyArray<readonly [string, unknown]> = [
      ['an empty string', ''],
      ['a number', 42],
      ['undefined', undefined],
      ['an object', { token: 'x' }],
    ];
    for (const [what, value] of badTokens) {
      it(`refuses ${what} as the refresh token (InvalidArgumentError "refreshToken"), keeping the one held`, () => {
        const session = new AuthSession();
        session.setRefreshToken('kept');
        expect(argumentOf(() => session.setRefreshToken(value as string))).to.equal('refreshToken');
        expect(session.getRefreshToken()).to.equal('kept');
      });
    }

    const badExpiries: ReadonlyArray<readonly [string, unknown]> = [
      ['a string that is no date', 'next tuesday'],
      ['NaN', Number.NaN],
      ['Infinity', Number.POSITIVE_INFINITY],
      ['an invalid Date', new Date('nope')],
      ['an object', { at: 1 }],
    ];
    for (const [what, value] of badExpiries) {
      it(`refuses ${what} as its expiry (InvalidArgumentError "expiresAt"), changing nothing`, () => {
        const session = new AuthSession();
        session.setRefreshToken('kept', 5);
        expect(argumentOf(() => session.setRefreshToken('new', value as number))).to.equal('expiresAt');
        expect([session.getRefreshToken(), session.refreshTokenExpiresAt()]).to.deep.equal(['kept', 5]);
      });
    }

    it('the error never quotes the refresh token', () => {
      const session = new AuthSession();
      try {
        session.setRefreshToken('very-secret-refresh', 'garbage');
        expect.fail('should throw');
      } catch (error) {
        expect(String(error)).not.to.include('very-secret-refresh');
      }
    });
  });

  describe('isRefreshSessionExpired (virtual time)', () => {
    it('true without a refresh token; explicit expiry with a skew; else a JWT exp; unknown expiry counts as valid', () => {
      const scheduler = virtualTime();
      scheduler.run(() => {
        const session = new AuthSession({ baseUrl: BASE, scheduler, token: 'access' }); // now = 0
        expect(session.isRefreshSessionExpired(), 'no refresh token').to.equal(true);
        session.setRefreshToken('opaque');
        expect(session.refreshTokenExpiresAt()).to.equal(null);
        expect(session.isRefreshSessionExpired(1e12), 'unknown expiry = valid').to.equal(false);
        session.setRefreshToken(jwtWithExp(10)); // exp = 10 s
        expect(session.refreshTokenExpiresAt()).to.equal(10_000);
        expect(session.isRefreshSessionExpired(9_999)).to.equal(false);
        expect(session.isRefreshSessionExpired(10_000)).to.equal(true);
        session.setRefreshToken(jwtWithExp(10), '1970-01-01T00:00:05.000Z'); // the explicit expiry wins over exp
        expect(session.refreshTokenExpiresAt()).to.equal(5_000);
        expect(session.isRefreshSessionExpired()).to.equal(false);
        expect(session.isRefreshSessionExpired(5_000)).to.equal(true);
        session.setRefreshToken('opaque', new Date(7_000));
        expect(session.refreshTokenExpiresAt()).to.equal(7_000);
        // The access token's own expiry is independent of it.
        expect(session.isTokenExpired()).to.equal(false);
      });
    });

    it('reads the time from the scheduler: it expires as virtual time passes', () => {
      const scheduler = virtualTime();
      scheduler.run(({ cold, expectObservable }) => {
        const session = new AuthSession({ scheduler });
        session.setRefreshToken('rt', 2_000);
        const expired$ = cold('a 999ms b 999ms c', { a: 0, b: 0, c: 0 }).pipe(map(() => session.isRefreshSessionExpired()));
        expectObservable(expired$).toBe('a 999ms b 999ms c', { a: false, b: false, c: true });
      });
    });

    for (const skew of [-1, Number.NaN, Number.POSITIVE_INFINITY, '5', null]) {
      it(`refuses ${String(skew)} (${typeof skew}) as skewMs (InvalidArgumentError "skewMs")`, () => {
        expect(argumentOf(() => new AuthSession().isRefreshSessionExpired(skew as number))).to.equal('skewMs');
      });
    }
  });

  describe('from a login answer', () => {
    it('the Chat Gateway answer (no refresh fields) keeps the refresh token set before the login, or for the same user', () => {
      const session = new AuthSession({ baseUrl: BASE });
      session.setRefreshToken('set-before-login', 9);
      session.applyLogin(login);
      expect([session.getRefreshToken(), session.refreshTokenExpiresAt()]).to.deep.equal(['set-before-login', 9]);
      session.applyLogin({ ...login, token: 'tok-2' }); // the same user again (a refresh that is a login)
      expect([session.getToken(), session.getRefreshToken()]).to.deep.equal(['tok-2', 'set-before-login']);
    });

    it('a login as another user forgets the refresh token of the previous one', () => {
      const session = new AuthSession({ baseUrl: BASE });
      session.applyLogin(login);
      session.setRefreshToken('alice-refresh');
      session.applyLogin({ ...login, user: { ...user, id: 'bob', uniqueName: 'bob' } });
      expect([session.getRefreshToken(), session.isRefreshSessionExpired()]).to.deep.equal([null, true]);
    });

    it('a login answer that carries one replaces the one held', () => {
      const session = new AuthSession({ baseUrl: BASE });
      session.setRefreshToken('old', 1);
      session.applyLogin({ ...login, refreshToken: 'new' });
      expect([session.getRefreshToken(), session.refreshTokenExpiresAt()]).to.deep.equal(['new', null]);
    });

    const answers: ReadonlyArray<readonly [string, Record<string, unknown>, string | null, number | null]> = [
      ['refreshToken + refreshExpiresAt', { refreshToken: 'rt-a', refreshExpiresAt: '2031-01-01T00:00:00Z' }, 'rt-a', Date.UTC(2031, 0, 1)],
      ['refresh_token (the seed 000 spelling)', { refresh_token: 'rt-b' }, 'rt-b', null],
      ['both spellings: refreshToken wins', { refreshToken: 'camel', refresh_token: 'snake' }, 'camel', null],
      ['refreshToken null, refresh_token set', { refreshToken: null, refresh_token: 'snake' }, 'snake', null],
      ['null refresh fields (System.Text.Json)', { refreshToken: null, refreshExpiresAt: null }, null, null],
      ['an empty refreshToken', { refreshToken: '' }, null, null],
      ['an empty refreshToken, refresh_token set', { refreshToken: '', refresh_token: 'snake' }, 'snake', null],
      ['a malformed refreshToken (ignored, the login still counts)', { refreshToken: 42 }, null, null],
    ];
    for (const [what, extra, token, expiry] of answers) {
      it(`${what}`, () => {
        const session = new AuthSession({ baseUrl: BASE });
        session.applyLogin({ ...login, ...extra } as typeof login);
        expect([session.getToken(), session.currentUser?.id]).to.deep.equal(['tok', 'alice']);
        expect([session.getRefreshToken(), session.refreshTokenExpiresAt()]).to.deep.equal([token, expiry]);
      });
    }

    describe('over HTTP (fake gateway answering with extra fields)', () => {
      const ctx = useGateway();

      it('auth.login stores the refresh token the answer carries; the decoded answer keeps the extra fields', async () => {
        ctx.gateway.override('POST', '/api/auth/login/:provider', () => ({
          status: 200,
          json: {
            token: 'good-token',
            expiresAt: '2030-01-01T00:00:00Z',
            user,
            refresh_token: 'rt-http',
            refreshExpiresAt: '2031-01-01T00:00:00Z',
          },
        }));
        const rest = restFor(ctx.gateway, { token: null });
        const answer = await single(rest.auth.loginWithDev('alice', 'pw'));
        expect(answer).to.deep.include({ token: 'good-token', refresh_token: 'rt-http' });
        expect(rest.session.getRefreshToken()).to.equal('rt-http');
        expect(rest.session.refreshTokenExpiresAt()).to.equal(Date.UTC(2031, 0, 1));
      });
    });
  });

  describe('exportSession / restore', () => {
    it('exports refreshToken and refreshExpiresAt only while one is held (older snapshots unchanged)', () => {
      const session = new AuthSession({ baseUrl: BASE });
      session.applyLogin(login);
      expect(session.exportSession()).to.deep.equal({ ...login, baseUrl: BASE });
      session.setRefreshToken('rt', Date.UTC(2031, 0, 1));
      expect(session.exportSession()).to.deep.equal({
        ...login,
        baseUrl: BASE,
        refreshToken: 'rt',
        refreshExpiresAt: '2031-01-01T00:00:00.000Z',
      });
      session.setRefreshToken('opaque');
      expect(session.exportSession()).to.deep.include({ refreshToken: 'opaque', refreshExpiresAt: null });
    });

    it('round-trips through JSON into a new session (and the session option)', () => {
      const a = new AuthSession({ baseUrl: BASE });
      a.applyLogin(login);
      a.setRefreshToken('rt', '2031-01-01T00:00:00Z');
      const saved = JSON.parse(JSON.stringify(a.exportSession()));
      const b = new AuthSession({ session: saved });
      expect(b.exportSession()).to.deep.equal(a.exportSession());
      expect([b.getRefreshToken(), b.refreshTokenExpiresAt(), b.getToken()]).to.deep.equal(['rt', Date.UTC(2031, 0, 1), 'tok']);
    });

    it('restoring a snapshot without a refresh token (an older one) leaves none, replacing the one held', () => {
      const session = new AuthSession({ baseUrl: BASE });
      session.setRefreshToken('held');
      session.restore({ token: 't', expiresAt: null, user: null, baseUrl: BASE });
      expect(session.getRefreshToken()).to.equal(null);
      session.restore({ token: 't', expiresAt: null, user: null, baseUrl: BASE, refreshToken: null, refreshExpiresAt: null });
      expect(session.getRefreshToken()).to.equal(null);
    });

    it('refuses a snapshot whose refresh fields are malformed (InvalidArgumentError "session")', () => {
      const session = new AuthSession({ baseUrl: BASE });
      expect(argumentOf(() => session.restore({ token: 't', expiresAt: null, user: null, baseUrl: BASE, refreshToken: 7 }))).to.equal(
        'session',
      );
      expect(argumentOf(() => session.restore({ token: 't', expiresAt: null, user: null, baseUrl: BASE, refreshExpiresAt: {} }))).to.equal(
        'session',
      );
    });
  });

  describe('redaction', () => {
    it('a logged snapshot shows neither token nor refresh token; a JWT refresh token in text is redacted too', () => {
      const lines: Array<{ level: LogLevelName; message: string; data: unknown }> = [];
      const logger = redactingLogger((level, message, data) => lines.push({ level, message, data }));
      const session = new AuthSession({ baseUrl: BASE });
      session.applyLogin(login);
      const jwtRefresh = jwtWithExp(9_999_999_999);
      session.setRefreshToken('opaque-refresh', 1);
      logger?.('info', 'saved', { session: session.exportSession(), refresh_token: 'snake-secret' });
      logger?.('info', `rotated to ${jwtRefresh}`);
      const data = lines[0]?.data as { session: Record<string, unknown>; refresh_token: unknown };
      const snapshot = data.session;
      expect(snapshot.token).to.equal(REDACTED);
      expect(snapshot.refreshToken).to.equal(REDACTED);
      expect(snapshot.refreshExpiresAt, 'an expiry is no secret').to.equal('1970-01-01T00:00:00.001Z');
      expect(data.refresh_token).to.equal(REDACTED);
      expect(lines[1]?.message).to.equal(`rotated to ${REDACTED}`);
      expect(JSON.stringify(lines)).not.to.include('opaque-refresh').and.not.to.include('snake-secret');
    });
  });

  describe('the refreshToken function', () => {
    it('receives { token, refreshToken, refreshExpiresAt } (frozen), read when the refresh starts', async () => {
      const contexts: RefreshContext[] = [];
      const session = new AuthSession({
        baseUrl: BASE,
        token: 'old',
        refreshToken: (context) => {
          contexts.push(context);
          return of('new');
        },
      });
      expect(await firstValueFrom(session.refresh('old'))).to.equal('new');
      session.setRefreshToken('rt', 5_000);
      expect(await firstValueFrom(session.refresh('new'))).to.equal('new');
      expect(contexts).to.deep.equal([
        { token: 'old', refreshToken: null, refreshExpiresAt: null },
        { token: 'new', refreshToken: 'rt', refreshExpiresAt: 5_000 },
      ]);
      expect(Object.isFrozen(contexts[0])).to.equal(true);
    });

    it('a function written as () => … (no parameter) still works, typed as the option', async () => {
      const legacy: () => Promise<string | null> = async () => 'legacy-new';
      const option: RefreshTokenFn = legacy;
      const session = new AuthSession({ token: 'old', refreshToken: option });
      expect(await firstValueFrom(session.refresh())).to.equal('legacy-new');
    });

    it('a refresh that logs in again (the Chat Gateway has no refresh endpoint) and answers a bare token keeps the refresh token', async () => {
      const session: AuthSession = new AuthSession({
        baseUrl: BASE,
        refreshToken: ({ refreshToken }) => {
          expect(refreshToken).to.equal('idp-refresh');
          session.applyLogin({ ...login, token: 'relogged' }); // what client.auth.loginWith…() does
          return of('relogged');
        },
      });
      session.applyLogin(login);
      session.setRefreshToken('idp-refresh');
      expect(await firstValueFrom(session.refresh('tok'))).to.equal('relogged');
      expect([session.getToken(), session.getRefreshToken()]).to.deep.equal(['relogged', 'idp-refresh']);
    });

    it('may answer { token, expiresAt, refreshToken, refreshExpiresAt }: rotation stores both with their expiries', async () => {
      const session = new AuthSession({
        baseUrl: BASE,
        token: 'old',
        refreshToken: ({ refreshToken }) =>
          of({ token: `access-for-${refreshToken}`, expiresAt: 60_000, refreshToken: 'rt-2', refreshExpiresAt: '2031-01-01T00:00:00Z' }),
      });
      session.setRefreshToken('rt-1');
      expect(await firstValueFrom(session.refresh())).to.equal('access-for-rt-1');
      expect([session.getToken(), session.tokenExpiresAt()]).to.deep.equal(['access-for-rt-1', 60_000]);
      expect([session.getRefreshToken(), session.refreshTokenExpiresAt()]).to.deep.equal(['rt-2', Date.UTC(2031, 0, 1)]);
    });

    it('{ token } without refreshToken keeps the refresh token; refreshToken: null forgets it; token: null gives up', async () => {
      const answers: unknown[] = [{ token: 'a' }, { token: 'b', refreshToken: null }, { token: null, refreshToken: 'ignored' }];
      const session = new AuthSession({ token: 'old', refreshToken: () => of(answers.shift() as string) });
      session.setRefreshToken('rt', 1);
      expect(await firstValueFrom(session.refresh())).to.equal('a');
      expect([session.getRefreshToken(), session.refreshTokenExpiresAt()]).to.deep.equal(['rt', 1]);
      expect(await firstValueFrom(session.refresh())).to.equal('b');
      expect(session.getRefreshToken()).to.equal(null);
      session.setRefreshToken('rt-3');
      expect(await firstValueFrom(session.refresh())).to.equal(null);
      expect([session.getToken(), session.getRefreshToken()]).to.deep.equal(['b', 'rt-3']);
    });

    for (const [what, answer] of [
      ['an array', ['x']],
      ['an object whose token is a number', { token: 5 }],
      ['an object whose refreshToken is empty', { token: 't', refreshToken: '' }],
    ] as const) {
      it(`an answer that is ${what} fails the refresh (TypeError), changing nothing`, async () => {
        const session = new AuthSession({ token: 'old', refreshToken: () => of(answer as unknown as string) });
        session.setRefreshToken('rt');
        let error: unknown;
        await firstValueFrom(session.refresh()).catch((e: unknown) => {
          error = e;
        });
        expect(error).to.be.instanceOf(TypeError);
        expect([session.getToken(), session.getRefreshToken()]).to.deep.equal(['old', 'rt']);
      });
    }

    describe('on a REST 401 (fake gateway)', () => {
      const ctx = useGateway();

      it('the refused call refreshes with the context and is retried with the new token', async () => {
        const contexts: RefreshContext[] = [];
        const rest = restFor(ctx.gateway, {
          token: 'stale-token',
          refreshToken: (context) => {
            contexts.push(context);
            return Promise.resolve({ token: 'good-token', refreshToken: 'rt-rotated' });
          },
        });
        rest.session.setRefreshToken('rt-1', '2031-01-01T00:00:00Z');
        await single(rest.participants.getById('alice'));
        expect(contexts).to.deep.equal([{ token: 'stale-token', refreshToken: 'rt-1', refreshExpiresAt: Date.UTC(2031, 0, 1) }]);
        expect(ctx.gateway.requests.map((r) => r.headers.authorization)).to.deep.equal(['Bearer stale-token', 'Bearer good-token']);
        expect(
          ctx.gateway.requests.some((r) => JSON.stringify(r.headers).includes('rt-1')),
          'the refresh token is never sent',
        ).to.equal(false);
        expect([rest.session.getRefreshToken(), rest.session.refreshTokenExpiresAt()]).to.deep.equal(['rt-rotated', null]);
      });
    });
  });
});

describe('ChatClient facade: getRefreshToken / setRefreshToken / isRefreshSessionExpired', () => {
  it('restores the refresh token from the session option and exports it again; set, check and forget it', async () => {
    const session = {
      token: 'tok',
      expiresAt: null,
      user,
      baseUrl: BASE,
      refreshToken: 'rt-saved',
      refreshExpiresAt: '2999-01-01T00:00:00.000Z',
    };
    const client = createChatClient({ baseUrl: BASE, session });
    try {
      expect(client.getRefreshToken()).to.equal('rt-saved');
      expect(client.isRefreshSessionExpired()).to.equal(false);
      expect(client.exportSession()).to.deep.equal(session);
      client.setRefreshToken('rt-short', Date.now() + 60_000);
      expect(client.isRefreshSessionExpired()).to.equal(false);
      expect(client.isRefreshSessionExpired(120_000), 'within the skew').to.equal(true);
      client.setRefreshToken(null);
      expect([client.getRefreshToken(), client.isRefreshSessionExpired()]).to.deep.equal([null, true]);
      expect(client.exportSession()).not.to.have.any.keys('refreshToken', 'refreshExpiresAt');
    } finally {
      await client.disconnect();
    }
  });

  it('bad arguments throw InvalidArgumentError naming them', async () => {
    const client = createChatClient({ baseUrl: BASE });
    try {
      expect(argumentOf(() => client.setRefreshToken('' as string))).to.equal('refreshToken');
      expect(argumentOf(() => client.setRefreshToken(undefined as unknown as string))).to.equal('refreshToken');
      expect(argumentOf(() => client.setRefreshToken('rt', 'soon'))).to.equal('expiresAt');
      expect(argumentOf(() => client.isRefreshSessionExpired(-5))).to.equal('skewMs');
      expect(client.getRefreshToken()).to.equal(null);
    } finally {
      await client.disconnect();
    }
  });
});
