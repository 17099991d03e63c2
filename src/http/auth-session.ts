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
import { nullable } from '../codecs/scalars.js';
import { InvalidArgumentError } from '../core/invalid-argument-error.js';

/**
 * What {@link AuthSession.exportSession} returns and {@link AuthSession.restore} (or the
 * `session` option) accepts: plain JSON, safe to keep in `localStorage`.
 */
export const SessionSnapshot = t.type(
  { token: nullable(t.string), expiresAt: nullable(t.string), user: nullable(AuthUserInfo), baseUrl: t.string },
  'SessionSnapshot',
);
/** An exported session: `{ token, expiresAt (ISO 8601 or null), user, baseUrl }`. */
export type SessionSnapshot = t.TypeOf<typeof SessionSnapshot>;

/** What a `refreshToken` function may return: a new token, or `null` to give up. */
export type RefreshTokenResult = Promise<string | null> | Observable<string | null>;

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
   */
  readonly refreshToken?: () => RefreshTokenResult;
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

function normaliseBaseUrl(url: string): string {
  return url.replace(/\/+$/, '');
}

const decodeSnapshot = decodeWith(SessionSnapshot);

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
  private readonly refreshFn: (() => RefreshTokenResult) | undefined;
  private readonly user = new BehaviorSubject<AuthUserInfo | null>(null);
  private readonly tokenSet = new Subject<string>();
  private ownToken: string | null = null;
  /** Explicit expiry of `ownToken` (from a login or `setToken(token, expiresAt)`), epoch ms. */
  private ownExpiry: number | null = null;
  private inflight$: Observable<string | null> | null = null;
  /** Keeps the refresh in flight alive when every caller waiting for it left (single flight). */
  private keeper: Subscription | undefined;
  /** Set when `refreshToken` gave up (returned null) while this token was current. */
  private gaveUp: { readonly token: string | null } | null = null;
  /**
   * The last refresh that failed (rejected, threw, timed out): the token it started with, its
   * error, and the {@link refreshEpoch} it ended at. Callers that read the epoch before it share it.
   */
  private failed: { readonly token: string | null; readonly error: unknown; readonly epoch: number } | null = null;
  private refreshCount = 0;
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

  /** How many times `refreshToken` has been called so far (for diagnostics and tests). */
  get refreshCalls(): number {
    return this.refreshCount;
  }

  /**
   * How many refreshes have ended so far (answered, gave up or failed). Read it when you send a
   * request, and pass it to {@link refresh} with the token the request was refused with: a refresh
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

  /** Stores a login's result: its token, `expiresAt` and user (`currentUser$` emits the user). */
  applyLogin(response: AuthResponse): void {
    this.setToken(response.token, response.expiresAt);
    this.user.next(response.user);
  }

  /** Forgets the token, its expiry and the user (log out); `currentUser$` emits null. */
  clear(): void {
    this.setToken(null);
    this.user.next(null);
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
   * client's `session` option. `expiresAt` is ISO 8601 (or null when unknown).
   */
  exportSession(): SessionSnapshot {
    const expiry = this.tokenExpiresAt();
    return {
      token: this.getToken(),
      expiresAt: expiry === null ? null : new Date(expiry).toISOString(),
      user: this.currentUser,
      baseUrl: this.baseUrl,
    };
  }

  /**
   * Restores an exported session (token, expiry, user). Throws an {@link InvalidArgumentError}
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
   * With `sentAt` too (the {@link refreshEpoch} read when the refused request was sent), a refresh
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
   * the single-flight {@link refresh} (falling back to the current token if the refresh gives up).
   * Emits null when there is no token.
   *
   * @param minValidityMs @default the `refreshMarginMs` option (30 s)
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
      this.refreshCount++;
      return from(refreshFn());
    }).pipe(
      take(1),
      defaultIfEmpty(null),
      // A refresh that never answers must not hold every waiting request and both hubs forever.
      timeout({
        first: this.refreshTimeoutMs,
        scheduler: this.scheduler,
        with: () => throwError(() => new Error(`refreshToken did not answer within ${this.refreshTimeoutMs} ms`)),
      }),
      map((token: unknown) => {
        if (token === null || token === undefined || token === '') return null;
        if (typeof token !== 'string') throw new TypeError('refreshToken must resolve to a string or null');
        return token;
      }),
      tap({
        next: (token) => {
          this.refreshesEnded++;
          if (token !== null) this.setToken(token);
          else this.gaveUp = { token: startedWith };
        },
        error: (error: unknown) => {
          this.refreshesEnded++;
          this.failed = { token: startedWith, error, epoch: this.refreshesEnded };
        },
      }),
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
