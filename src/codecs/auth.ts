import * as t from 'io-ts';
import { IsoDateTime, nullable, optional } from './scalars.js';

/** The logged-in user as the login endpoints return it (`avatar` is a plain URL here). */
export const AuthUserInfo = t.intersection(
  [t.type({ id: t.string, uniqueName: t.string, fullName: t.string }), optional({ avatar: t.string, role: nullable(t.string) })],
  'AuthUserInfo',
);
/** The logged-in user (`role` is `'dev'` for dev logins, null otherwise). */
export type AuthUserInfo = t.TypeOf<typeof AuthUserInfo>;

/** What every login returns: the JWT, its expiry and the user. */
export const AuthResponse = t.type({ token: t.string, expiresAt: IsoDateTime, user: AuthUserInfo }, 'AuthResponse');
/** What every login returns. */
export type AuthResponse = t.TypeOf<typeof AuthResponse>;

/** Body of `POST /api/auth/login/google`. */
export const GoogleLoginRequest = t.type({ idToken: t.string }, 'GoogleLoginRequest');
/** Body of `POST /api/auth/login/google`. */
export type GoogleLoginRequest = t.TypeOf<typeof GoogleLoginRequest>;

/** Body of `POST /api/auth/login/dsaccount`. */
export const DsAccountLoginRequest = t.type({ token: t.string }, 'DsAccountLoginRequest');
/** Body of `POST /api/auth/login/dsaccount`. */
export type DsAccountLoginRequest = t.TypeOf<typeof DsAccountLoginRequest>;

/** Body of `POST /api/auth/login/dev`. */
export const DevLoginRequest = t.type({ username: t.string, password: t.string }, 'DevLoginRequest');
/** Body of `POST /api/auth/login/dev`. */
export type DevLoginRequest = t.TypeOf<typeof DevLoginRequest>;

/** Any login body (`login(provider, body)`). */
export const LoginRequest = t.union([GoogleLoginRequest, DsAccountLoginRequest, DevLoginRequest], 'LoginRequest');
/** Any login body. */
export type LoginRequest = t.TypeOf<typeof LoginRequest>;
