import { either } from 'fp-ts';
import * as t from 'io-ts';
import {
  asyncScheduler,
  BehaviorSubject,
  defaultIfEmpty,
  defer,
  distinctUntilChanged,
  finalize,
  from,
  map,
  type Observable,
  of,
  race,
  ReplaySubject,
  type SchedulerLike,
  share,
  Subject,
  type Subscription,
  take,
  tap,
  throwError,
  timeout,
} from 'rxjs';
import { AuthUserInfo, type AuthResponse } from '../codecs/auth.js';
import { decodeWith } from '../codecs/decode-with.js';
import { IsoDateTime, nullable, optional } from '../codecs/scalars.js';
import { InvalidArgumentError } from '../core/invalid-argument-error.js';

/**
 * What {@link AuthSession.exportSession} returns and {@link AuthSession.restore} (or the
 * `session` option) accepts: plain JSON, safe to keep in `localStorage`.
 */
export const SessionSnapshot = t.intersection(
  [
    t.type({ token: nullable(t.string), expiresAt: nullable(t.string), user: nullable(AuthUserInfo), baseUrl: t.string }),
    optional({ refreshToken: t.string, refreshExpiresAt: t.string }),
  ],
  'SessionSnapshot',
);
/**
 * An exported session: `{ token, expiresAt (ISO 8601 or null), user, baseUrl }`, plus
 * `refreshToken` and `refreshExpiresAt` (ISO 8601 or null) only while the session holds a
 * refresh token. Snapshots without them (older ones) restore as sessions without a refresh token.
 */
export type SessionSnapshot = t.TypeOf<typeof SessionSnapshot>;

/**
 * Refresh-token fields a login answer MAY carry beyond the Chat Gateway's `AuthResponse`
 * (`{ token, expiresAt, user }`: the gateway issues no refresh token). An identity layer in front
 * of the gateway may add them; {@link AuthSession.applyLogin} reads `refreshToken` (or
 * `refresh_token`, the seed 000 SDK's spelling) and `refreshExpiresAt` when present. Each may be
 * absent or null. Not part of the `AuthResponse` codec, whose type stays the server's.
 */
export const LoginRefreshFields = optional(
  { refreshToken: t.string, refresh_token: t.string, refreshExpiresAt: IsoDateTime },
  'LoginRefreshFields',
);
/** Optional refresh-token fields of a login answer (see `LoginRefreshFields`). */
export type LoginRefreshFields = t.TypeOf<typeof LoginRefreshFields>;

/**
 * What a `refreshToken` function may answer instead of a bare token: the new access token with
 * its expiry, and — for an identity provider that rotates refresh tokens — the new refresh token
 * and its expiry. `refreshToken` absent (undefined) keeps the one the session holds; `null`
 * forgets it. Expiries are ISO 8601, epoch ms or a Date; absent means "unknown" (the access
 * token's JWT `exp` claim is then used, as for `setToken`).
 */
export interface RefreshedTokens {
  /** The new access token (a non-empty string), or `null` to give up as a bare `null` does. */
  readonly token: string | null;
  /** When `token` expires. @default unknown (the JWT `exp` claim) */
  readonly expiresAt?: string | number | Date | null;
  /** The new refresh token; `null` forgets the current one. @default the current one is kept */
  readonly refreshToken?: string | null;
  /** When the new refresh token expires. @default unknown (its JWT `exp` claim, if it is a JWT) */
  readonly refreshExpiresAt?: string | number | Date | null;
}

/**
 * What a `refreshToken` function may return: a new token, or {@link RefreshedTokens} (a token
 * and, with rotation, a new refresh token), or `null` to give up.
 */
export type RefreshTokenResult = Promise<string | RefreshedTokens | null> | Observable<string | RefreshedTokens | null>;

/**
 * What the session hands its `refreshToken` function (as the first, optional argument: a
 * function written as `() => …` keeps working). Read-only; a snapshot taken when the refresh
 * starts.
 */
export interface RefreshContext {
  /** The access token being replaced (the one a 401 refused, or the one about to expire); null when none. */
  readonly token: string | null;
  /** The refresh token the session holds (`setRefreshToken`, a login answer, a restored session); null when none. */
  readonly refreshToken: string | null;
  /** When that refresh token expires (epoch ms); null when there is none or its expiry is unknown. */
  readonly refreshExpiresAt: number | null;
}

/** A `refreshToken` function: gets a new token, given the {@link RefreshContext}. */
export type RefreshTokenFn = (context: RefreshContext) => RefreshTokenResult;

/** Options of {@link AuthSession}. */
export interface AuthSessionOptions {
  /**
   * The gateway's base URL; exported with the session, and a restored session must match it.
   * @default the snapshot's `baseUrl` when `session` is given, else `''`
   */
  readonly baseUrl?: string;
  /** A JWT to start with. It wins over `tokenProvider` (as `setToken` does). @default null */
  readonly token?: string | null;
  /** Reads the token from outside (a store); used only while the session holds no token of its own. */
  readonly tokenProvider?: () => string | null | undefined;
  /**
   * Gets a new token when the current one is rejected (401) or about to expire: a Promise or an
   * Observable of the new token, or of `null` to give up (the 401 then reaches the caller). Called
   * at most once at a time: every concurrent caller waits for the same result.
   *
   * It receives a {@link RefreshContext} (the refresh token the session holds, its expiry, the
   * token being replaced) and may answer {@link RefreshedTokens} instead of a string to also
   * store the token's expiry and a rotated refresh token. `() => …` functions keep working.
   */
  readonly refreshToken?: RefreshTokenFn;
  /** A session exported earlier (`exportSession()`), restored at construction. */
  readonly session?: SessionSnapshot;
  /**
   * How long before its known expiry a token counts as "about to expire" for proactive refresh
   * (`freshToken()`).
   * @default 30_000
   */
  readonly refreshMarginMs?: number;
  /**
   * How long a `refreshToken` call may take; past it the refresh counts as failed (REST callers
   * get their 401, hubs wait and try again) instead of holding everyone forever.
   * @default 30_000
   */
  readonly refreshTimeoutMs?: number;
  /** Where the time comes from (`scheduler.now()`); pass a `TestScheduler` in tests. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/**
 * The expiry (epoch ms) in a JWT's `exp` claim, decoded WITHOUT verifying the signature, or `null`
 * when the token is not a JWT or has no numeric `exp`.
 *
 * @example
 * ```ts
 * decodeJwtExpiry(token); // 1767225600000
 * ```
 */
export function decodeJwtExpiry(token: string): number | null {
  const payload = token.split('.')[1];
  if (payload === undefined || payload === '') return null;
  try {
    const base64 = payload
      .replace(/-/g, '+')
      .replace(/_/g, '/')
      .padEnd(Math.ceil(payload.length / 4) * 4, '=');
    const binary = atob(base64);
    const bytes = Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
    const exp = typeof claims === 'object' && claims !== null ? (claims as { exp?: unknown }).exp : undefined;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : null;
  } catch {
    return null;
  }
}

function toEpochMs(value: string | number | Date | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

/**
 * An expiry given by the caller: undefined/null (unknown), a finite epoch-ms number, a valid
 * Date, or a string `Date.parse` reads. Anything else throws an {@link InvalidArgumentError}
 * naming `argument` (an expiry that cannot be read must not silently become "never expires").
 */
function checkedExpiry(argument: string, value: unknown): number | null {
  if (value === undefined || value === null) return null;
  const ms =
    value instanceof Date
      ? value.getTime()
      : typeof value === 'number'
        ? value
        : typeof value === 'string'
          ? Date.parse(value)
          : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw new InvalidArgumentError(argument, 'expected an ISO 8601 date-time, epoch milliseconds, a valid Date, or null');
  }
  return ms;
}

/** A refresh token given by the caller: a non-empty string or null (forget it). */
function checkedRefreshToken(argument: string, value: unknown): string | null {
  if (value === null) return null;
  if (typeof value !== 'string' || value === '') throw new InvalidArgumentError(argument, 'expected a non-empty string or null');
  return value;
}

/** A skew in milliseconds: a finite number ≥ 0. */
function checkedSkew(argument: string, value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidArgumentError(argument, 'expected a finite number of milliseconds ≥ 0');
  }
  return value;
}

function normaliseBaseUrl(url: string): string {
  return url.replace(/\/+$/, '');
}

/** A `refreshToken` answer read: the token (null = give up) and what it says about the rest. */
interface RefreshAnswer {
  readonly token: string | null;
  readonly expiresAt: number | null;
  /** undefined: keep the current refresh token. */
  readonly refreshToken: string | null | undefined;
  readonly refreshExpiresAt: number | null;
}

const GAVE_UP: RefreshAnswer = { token: null, expiresAt: null, refreshToken: undefined, refreshExpiresAt: null };

/** Reads what `refreshToken` answered: a token, `null`/`''`/nothing (give up), or {@link RefreshedTokens}. */
function readRefreshAnswer(answer: unknown): RefreshAnswer {
  if (answer === null || answer === undefined || answer === '') return GAVE_UP;
  if (typeof answer === 'string') return { token: answer, expiresAt: null, refreshToken: undefined, refreshExpiresAt: null };
  if (typeof answer !== 'object' || Array.isArray(answer)) {
    throw new TypeError('refreshToken must resolve to a string, { token, … } or null');
  }
  const tokens = answer as RefreshedTokens;
  if (tokens.token === null || tokens.token === undefined || tokens.token === '') return GAVE_UP;
  if (typeof tokens.token !== 'string') throw new TypeError('refreshToken resolved to an object whose token is not a string');
  const refreshToken = tokens.refreshToken;
  if (refreshToken !== undefined && refreshToken !== null && (typeof refreshToken !== 'string' || refreshToken === '')) {
    throw new TypeError('refreshToken resolved to an object whose refreshToken is not a non-empty string or null');
  }
  return {
    token: tokens.token,
    expiresAt: toEpochMs(tokens.expiresAt),
    refreshToken,
    refreshExpiresAt: toEpochMs(tokens.refreshExpiresAt),
  };
}

const decodeSnapshot = decodeWith(SessionSnapshot);
const decodeLoginRefreshFields = decodeWith(LoginRefreshFields);

/**
 * The one auth session shared by the REST transport and both hubs: the current token and its
 * expiry, the logged-in user, export/restore, and the single-flight token refresh.
 *
 * Token precedence (as in the seed SDK): the session's own token (the `token` option,
 * `setToken()`, a login, a refresh) wins; `tokenProvider` is asked only while there is none.
 * The expiry is the login's `expiresAt` when known, else the JWT's `exp` claim.
 * All time is read from `scheduler.now()`.
 *
 * @example
 * ```ts
 * const session = new AuthSession({ baseUrl, refreshToken: () => fetchNewToken() });
 * session.currentUser$.subscribe((user) => render(user));
 * localStorage.setItem('chat', JSON.stringify(session.exportSession()));
 * ```
 */
export class AuthSession {
  /** The gateway base URL this session belongs to (no trailing slash). */
  readonly baseUrl: string;
  /**
   * The logged-in user: replays the current value (null before login or after `clear()`) to each
   * subscriber, then emits on every change. Never completes.
   */
  readonly currentUser$: Observable<AuthUserInfo | null>;

  private readonly scheduler: SchedulerLike;
  private readonly refreshMarginMs: number;
  private readonly refreshTimeoutMs: number;
  private readonly tokenProvider: (() => string | null | undefined) | undefined;
  private readonly refreshFn: RefreshTokenFn | undefined;
  private readonly user = new BehaviorSubject<AuthUserInfo | null>(null);
  private readonly tokenSet = new Subject<string>();
  private ownToken: string | null = null;
  /** Explicit expiry of `ownToken` (from a login or `setToken(token, expiresAt)`), epoch ms. */
  private ownExpiry: number | null = null;
  /** The refresh token (`setRefreshToken`, a login answer, a restored session, a rotating refresh). */
  private ownRefreshToken: string | null = null;
  /** Explicit expiry of `ownRefreshToken`, epoch ms. */
  private ownRefreshExpiry: number | null = null;
  private inflight$: Observable<string | null> | null = null;
  /** Keeps the refresh in flight alive when every caller waiting for it left (single flight). */
  private keeper: Subscription | undefined;
  /** Set when `refreshToken` gave up (returned null) while this token was current. */
  private gaveUp: { readonly token: string | null } | null = null;
  /**
   * The last refresh that failed (rejected, threw, timed out): the token it started with, its
   * error, and the {@link AuthSession.refreshEpoch} it ended at. Callers that read the epoch before it share it.
   */
  private failed: { readonly token: string | null; readonly error: unknown; readonly epoch: number } | null = null;
  private refreshesEnded = 0;

  constructor(options: AuthSessionOptions = {}) {
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.refreshMarginMs = options.refreshMarginMs ?? 30_000;
    this.refreshTimeoutMs = options.refreshTimeoutMs ?? 30_000;
    this.tokenProvider = options.tokenProvider;
    this.refreshFn = options.refreshToken;
    this.baseUrl = normaliseBaseUrl(options.baseUrl ?? options.session?.baseUrl ?? '');
    this.currentUser$ = this.user.pipe(distinctUntilChanged());
    if (options.session !== undefined) this.restore(options.session);
    if (options.token !== undefined && options.token !== null) this.setToken(options.token);
  }

  /** The logged-in user right now (null before login). */
  get currentUser(): AuthUserInfo | null {
    return this.user.getValue();
  }

  /** True when a `refreshToken` function was given. */
  get canRefresh(): boolean {
    return this.refreshFn !== undefined;
  }

  /**
   * How many refreshes have ended so far (answered, gave up or failed). Read it when you send a
   * request, and pass it to {@link AuthSession.refresh} with the token the request was refused with: a refresh
   * for that token that failed after you read it is shared instead of asked again.
   */
  get refreshEpoch(): number {
    return this.refreshesEnded;
  }

  /**
   * The current token: the session's own (option, `setToken`, login, refresh) or else the
   * `tokenProvider`'s, or null.
   */
  getToken(): string | null {
    if (this.ownToken !== null) return this.ownToken;
    const provided = this.tokenProvider?.();
    return typeof provided === 'string' && provided !== '' ? provided : null;
  }

  /**
   * Sets (or with `null` clears) the session's own token, effective for every later request and
   * hub connection attempt. `expiresAt` (ISO 8601, epoch ms or Date) overrides the JWT's `exp`.
   *
   * @example
   * ```ts
   * session.setToken(newJwt);
   * ```
   */
  setToken(token: string | null, expiresAt?: string | number | Date | null): void {
    if (token !== null && (typeof token !== 'string' || token === '')) {
      throw new InvalidArgumentError('token', 'expected a non-empty string or null');
    }
    this.ownToken = token;
    this.ownExpiry = token === null ? null : toEpochMs(expiresAt);
    this.gaveUp = null;
    this.failed = null;
    // A token given from outside settles the question a refresh under way was asking: callers
    // that arrive from now on use it, and those waiting get it at once.
    this.inflight$ = null;
    if (token !== null) this.tokenSet.next(token);
  }

  /**
   * Stores a login's result: its token, `expiresAt` and user (`currentUser$` emits the user).
   *
   * The refresh token: a login answer that carries `refreshToken` (or `refresh_token`) and
   * `refreshExpiresAt` sets them (see `LoginRefreshFields`; the Chat Gateway's answer does
   * not). An answer without one keeps the refresh token the session holds — a refresh against
   * the Chat Gateway is itself a login, and an app may call {@link AuthSession.setRefreshToken} before
   * logging in — unless the login is for another user than the session's, which forgets it.
   */
  applyLogin(response: AuthResponse & LoginRefreshFields): void {
    const previousUser = this.user.getValue();
    this.setToken(response.token, response.expiresAt);
    const extra = decodeLoginRefreshFields(response);
    const fields: LoginRefreshFields = either.isRight(extra) ? extra.right : {};
    const refreshToken = fields.refreshToken || fields.refresh_token || null;
    if (refreshToken !== null) {
      this.ownRefreshToken = refreshToken;
      this.ownRefreshExpiry = toEpochMs(fields.refreshExpiresAt);
    } else if (previousUser !== null && previousUser.id !== response.user.id) {
      this.ownRefreshToken = null;
      this.ownRefreshExpiry = null;
    }
    this.user.next(response.user);
  }

  /** Forgets the token, its expiry, the refresh token and the user (log out); `currentUser$` emits null. */
  clear(): void {
    this.setToken(null);
    this.ownRefreshToken = null;
    this.ownRefreshExpiry = null;
    this.user.next(null);
  }

  /** The refresh token the session holds, or null. Never sent to the gateway by this library. */
  getRefreshToken(): string | null {
    return this.ownRefreshToken;
  }

  /**
   * Sets (or with `null` forgets) the refresh token, for the app's `refreshToken` function (it
   * gets it in its {@link RefreshContext}) and for `exportSession()`. `expiresAt` (ISO 8601,
   * epoch ms or Date) is its expiry; without one, a JWT refresh token's `exp` claim is used, and
   * otherwise the expiry is unknown. The access token is not touched.
   *
   * @throws InvalidArgumentError (`refreshToken`) for anything but a non-empty string or null,
   * (`expiresAt`) for an expiry that cannot be read.
   * @example
   * ```ts
   * session.setRefreshToken(idp.refresh_token, Date.now() + idp.refresh_expires_in * 1000);
   * ```
   */
  setRefreshToken(refreshToken: string | null, expiresAt?: string | number | Date | null): void {
    const token = checkedRefreshToken('refreshToken', refreshToken);
    const expiry = checkedExpiry('expiresAt', expiresAt);
    this.ownRefreshToken = token;
    this.ownRefreshExpiry = token === null ? null : expiry;
  }

  /**
   * When the refresh token expires (epoch ms): the explicit expiry (`setRefreshToken`, the login
   * answer, the snapshot, a rotating refresh), else its JWT `exp` claim; null when there is no
   * refresh token or its expiry is unknown.
   */
  refreshTokenExpiresAt(): number | null {
    const token = this.ownRefreshToken;
    if (token === null) return null;
    return this.ownRefreshExpiry ?? decodeJwtExpiry(token);
  }

  /**
   * The seed 000 SDK's `isRefreshSessionExpired()`: true when there is no refresh token, or its
   * known expiry is at or before `now + skewMs`. A refresh token whose expiry is unknown counts as
   * valid (as an access token does in {@link AuthSession.isTokenExpired}: the identity provider refuses it if
   * it is not).
   *
   * @throws InvalidArgumentError (`skewMs`) for anything but a finite number ≥ 0.
   * @example
   * ```ts
   * if (session.isTokenExpired() && session.isRefreshSessionExpired()) redirectToLogin();
   * ```
   */
  isRefreshSessionExpired(skewMs = 0): boolean {
    const skew = checkedSkew('skewMs', skewMs);
    if (this.ownRefreshToken === null) return true;
    const expiry = this.refreshTokenExpiresAt();
    return expiry !== null && expiry <= this.scheduler.now() + skew;
  }

  /**
   * When the current token expires (epoch ms): the explicit expiry from login / `setToken`, else
   * the JWT `exp` claim; null when there is no token or its expiry is unknown.
   */
  tokenExpiresAt(): number | null {
    const token = this.getToken();
    if (token === null) return null;
    if (token === this.ownToken && this.ownExpiry !== null) return this.ownExpiry;
    return decodeJwtExpiry(token);
  }

  /**
   * True when there is no token, or its known expiry is at or before `now + skewMs`. A token
   * whose expiry is unknown counts as valid (the gateway will answer 401 if it is not).
   *
   * @example
   * ```ts
   * if (session.isTokenExpired(60_000)) session.refresh().subscribe();
   * ```
   */
  isTokenExpired(skewMs = 0): boolean {
    if (this.getToken() === null) return true;
    const expiry = this.tokenExpiresAt();
    return expiry !== null && expiry <= this.scheduler.now() + skewMs;
  }

  /**
   * The session as plain JSON: `{ token, expiresAt, user, baseUrl }`, for `restore()` or the
   * client's `session` option. `expiresAt` is ISO 8601 (or null when unknown). While the session
   * holds a refresh token, `refreshToken` and `refreshExpiresAt` (ISO 8601 or null) are added.
   * It holds secrets: store it where you would store the tokens themselves.
   */
  exportSession(): SessionSnapshot {
    const expiry = this.tokenExpiresAt();
    const refreshToken = this.ownRefreshToken;
    const refreshExpiry = this.refreshTokenExpiresAt();
    return {
      token: this.getToken(),
      expiresAt: expiry === null ? null : new Date(expiry).toISOString(),
      user: this.currentUser,
      baseUrl: this.baseUrl,
      ...(refreshToken !== null
        ? { refreshToken, refreshExpiresAt: refreshExpiry === null ? null : new Date(refreshExpiry).toISOString() }
        : {}),
    };
  }

  /**
   * Restores an exported session (token, expiry, refresh token and its expiry, user): a snapshot
   * without a refresh token leaves the session without one. Throws an {@link InvalidArgumentError}
   * when `snapshot` is not a session, or belongs to another `baseUrl` (so a token is never sent
   * to a server it was not issued by).
   */
  restore(snapshot: unknown): void {
    const result = decodeSnapshot(snapshot);
    if (either.isLeft(result)) {
      throw new InvalidArgumentError('session', `is not an exported session: ${result.left.message}`, { cause: result.left });
    }
    const session = result.right;
    const theirs = normaliseBaseUrl(session.baseUrl);
    if (this.baseUrl !== '' && theirs !== '' && theirs !== this.baseUrl) {
      throw new InvalidArgumentError('session', `belongs to ${theirs}, not ${this.baseUrl}`);
    }
    this.setToken(session.token, session.expiresAt);
    const refreshToken = session.refreshToken ?? null;
    this.ownRefreshToken = refreshToken === '' ? null : refreshToken;
    this.ownRefreshExpiry = this.ownRefreshToken === null ? null : toEpochMs(session.refreshExpiresAt);
    this.user.next(session.user);
  }

  /**
   * Refreshes the token through the `refreshToken` option, single-flight: while a refresh is
   * running every caller joins it, so `refreshToken` runs at most once at a time. Emits the new
   * token (also stored in the session), or `null` when `refreshToken` gave up or none was given,
   * then completes; errors when `refreshToken` fails. Unsubscribing does not cancel a refresh
   * other callers may be waiting for.
   *
   * With `rejectedToken` (the token a 401 answered), nothing is called when the session already
   * holds another token (emits that one), nor when `refreshToken` already gave up on this token.
   * With `sentAt` too (the {@link AuthSession.refreshEpoch} read when the refused request was sent), a refresh
   * for this token that failed since then is not asked again: the caller gets its error. So a
   * burst of 401s shares one failed refresh, however fast it failed; a request sent after the
   * failure (a later, separate 401) may try again, and so may a caller without `sentAt`.
   *
   * @example
   * ```ts
   * session.refresh().subscribe((token) => token ?? redirectToLogin());
   * const sentAt = session.refreshEpoch; // when sending
   * session.refresh(sentToken, sentAt);  // on its 401
   * ```
   */
  refresh(rejectedToken?: string | null, sentAt?: number): Observable<string | null> {
    return defer(() => {
      let refreshing$: Observable<string | null>;
      if (this.inflight$ !== null) refreshing$ = this.inflight$;
      else {
        if (rejectedToken !== undefined) {
          const current = this.getToken();
          if (current !== null && current !== rejectedToken) return of(current);
          if (this.gaveUp !== null && this.gaveUp.token === current) return of(null);
          const failed = this.failed;
          if (failed !== null && sentAt !== undefined && sentAt < failed.epoch && failed.token === current) {
            return throwError(() => failed.error);
          }
        }
        refreshing$ = this.startRefresh();
      }
      // A token set meanwhile (`setToken`, a login) answers every waiting caller at once, even if
      // the refresh itself is still under way (or never answers).
      return race(refreshing$, this.tokenSet.pipe(take(1)));
    });
  }

  /**
   * Emits a token that is valid for at least `minValidityMs` more, then completes: the current
   * one, or, when its known expiry is closer than that and `refreshToken` is set, the result of
   * the single-flight {@link AuthSession.refresh} (falling back to the current token if the refresh gives up).
   * Emits null when there is no token.
   *
   * @param minValidityMs - @default the `refreshMarginMs` option (30 s)
   * @example
   * ```ts
   * session.freshToken(60_000).subscribe((token) => connectHub(token));
   * ```
   */
  freshToken(minValidityMs: number = this.refreshMarginMs): Observable<string | null> {
    return defer(() => {
      const token = this.getToken();
      if (token === null || !this.canRefresh) return of(token);
      const expiry = this.tokenExpiresAt();
      if (expiry === null || expiry - this.scheduler.now() > minValidityMs) return of(token);
      return this.refresh(token).pipe(map((fresh) => fresh ?? token));
    });
  }

  private startRefresh(): Observable<string | null> {
    const refreshFn = this.refreshFn;
    if (refreshFn === undefined) return of(null);
    const startedWith = this.getToken();
    const shared$: Observable<string | null> = defer(() => {
      const context: RefreshContext = Object.freeze({
        token: startedWith,
        refreshToken: this.ownRefreshToken,
        refreshExpiresAt: this.refreshTokenExpiresAt(),
      });
      return from(refreshFn(context));
    }).pipe(
      take(1),
      defaultIfEmpty(null),
      // A refresh that never answers must not hold every waiting request and both hubs forever.
      timeout({
        first: this.refreshTimeoutMs,
        scheduler: this.scheduler,
        with: () => throwError(() => new Error(`refreshToken did not answer within ${this.refreshTimeoutMs} ms`)),
      }),
      map((answer: unknown) => readRefreshAnswer(answer)),
      tap({
        next: (answer) => {
          this.refreshesEnded++;
          if (answer.token !== null) {
            // The rotated refresh token first: whoever reacts to the new token sees both.
            if (answer.refreshToken !== undefined) {
              this.ownRefreshToken = answer.refreshToken;
              this.ownRefreshExpiry = answer.refreshToken === null ? null : answer.refreshExpiresAt;
            }
            this.setToken(answer.token, answer.expiresAt);
          } else this.gaveUp = { token: startedWith };
        },
        error: (error: unknown) => {
          this.refreshesEnded++;
          this.failed = { token: startedWith, error, epoch: this.refreshesEnded };
        },
      }),
      map((answer) => answer.token),
      finalize(() => {
        if (this.inflight$ === shared$) {
          this.inflight$ = null;
          this.keeper = undefined;
        }
      }),
      // The answer is replayed to whoever subscribes to this refresh after it came (it may come
      // synchronously, while the keeper subscribes); new callers start from `inflight$`, which
      // is cleared when it ends. Unsubscribed by all (after `abandonRefresh()`), it is dropped.
      share({
        connector: () => new ReplaySubject<string | null>(1),
        resetOnError: false,
        resetOnComplete: false,
        resetOnRefCountZero: true,
      }),
    );
    this.inflight$ = shared$;
    // The refresh goes on when every caller waiting for it left (the next 401 joins it instead
    // of asking again), until it answers, times out, or `abandonRefresh()` lets it go.
    this.keeper = shared$.subscribe({ error: () => undefined });
    return shared$;
  }

  /**
   * Lets a refresh in flight go once nobody waits for it any more: it is no longer kept alive
   * for later callers, so a `refreshToken` that never answers leaves no timer behind.
   * `client.disconnect()` calls it; a later 401 starts a new refresh.
   *
   * @example
   * ```ts
   * session.abandonRefresh(); // e.g. when tearing the client down
   * ```
   */
  abandonRefresh(): void {
    const keeper = this.keeper;
    this.keeper = undefined;
    keeper?.unsubscribe();
  }
}
