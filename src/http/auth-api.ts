import { tap, type Observable } from 'rxjs';
import { AuthResponse, type LoginRequest } from '../codecs/auth.js';
import type { JsonObject } from '../codecs/scalars.js';
import type { HttpTransport } from './http-transport.js';
import { InvalidArgumentError } from '../core/invalid-argument-error.js';
import { assertNonEmptyString, assertString, assertUrlSafeToken } from '../core/validate.js';

/**
 * Login calls (`POST /api/auth/login/{provider}`, no JWT needed). Each emits the
 * `AuthResponse` once and completes; on success the token, its expiry and the user are stored in
 * the shared {@link AuthSession} first (so `currentUser$` has emitted the user and later requests
 * and hub connections use the token). Errors with a `ChatApiError` (401 for bad credentials).
 * Arguments are checked synchronously: a bad one throws an `InvalidArgumentError`.
 *
 * @example
 * ```ts
 * client.auth.loginWithDev('alice', 'pw').subscribe(({ user }) => console.log(`hi ${user.fullName}`));
 * ```
 */
export class AuthApi {
  constructor(private readonly http: HttpTransport) {}

  /**
   * Logs in with a Google ID token (`POST /api/auth/login/google`, body `{ idToken }`).
   *
   * @example
   * ```ts
   * client.auth.loginWithGoogle(credential).subscribe();
   * ```
   */
  loginWithGoogle(idToken: string): Observable<AuthResponse> {
    assertNonEmptyString('idToken', idToken);
    return this.login('google', { idToken });
  }

  /**
   * Logs in with a DS Account token (`POST /api/auth/login/dsaccount`, body `{ token }`).
   *
   * @example
   * ```ts
   * client.auth.loginWithDsAccount(dsToken).subscribe();
   * ```
   */
  loginWithDsAccount(token: string): Observable<AuthResponse> {
    assertNonEmptyString('token', token);
    return this.login('dsaccount', { token });
  }

  /**
   * Logs in a development account (`POST /api/auth/login/dev`); its JWT has `role=dev`, which
   * the bot management calls need.
   *
   * @example
   * ```ts
   * client.auth.loginWithDev('devuser', 'devpass').subscribe();
   * ```
   */
  loginWithDev(username: string, password: string): Observable<AuthResponse> {
    assertNonEmptyString('username', username);
    assertString('password', password);
    return this.login('dev', { username, password });
  }

  /**
   * Logs in with any provider (`POST /api/auth/login/{provider}`); `provider` must be a URL-safe
   * name (letters, digits, `. _ ~ -`) and `body` a JSON object.
   *
   * @example
   * ```ts
   * client.auth.login('custom-provider', { token: '…' }).subscribe();
   * ```
   */
  login(provider: string, body: LoginRequest | JsonObject): Observable<AuthResponse> {
    assertUrlSafeToken('provider', provider);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new InvalidArgumentError('body', 'expected a login request object');
    }
    const session = this.http.session;
    return this.http
      .request({ ...this.http.route('auth.login', { provider }), body, auth: false, codec: AuthResponse })
      .pipe(tap((response) => session.applyLogin(response)));
  }
}
