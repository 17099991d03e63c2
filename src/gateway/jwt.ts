import { createHmac, timingSafeEqual } from 'node:crypto';

/** The claims the embedded gateway puts in its tokens. */
export interface GatewayClaims {
  /** The participant id. */
  readonly sub: string;
  /** `'dev'` for dev logins, absent otherwise. */
  readonly role?: string;
  readonly name?: string;
  /** Issued at, seconds since the epoch. */
  readonly iat: number;
  /** Expires at, seconds since the epoch. */
  readonly exp: number;
  /** Token generation: `faults.expireTokens()` makes every older generation invalid. */
  readonly gen: number;
  /** Set on the access token a negotiate redirect hands out (the scale-out "edge"). */
  readonly edge?: boolean;
}

const base64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

/** Signs `claims` as an HS256 JWT. */
export function signJwt(claims: GatewayClaims, secret: Buffer): string {
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = base64url(JSON.stringify(claims));
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

/** Verifies an HS256 JWT's signature and shape; returns its claims or null. Expiry is the caller's check. */
export function verifyJwt(token: string, secret: Buffer): GatewayClaims | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [header, payload, signature] = parts as [string, string, string];
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const head = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: unknown };
    if (head.alg !== 'HS256') return null;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<GatewayClaims>;
    if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number' || typeof claims.iat !== 'number') return null;
    return { gen: 0, ...claims } as GatewayClaims;
  } catch {
    return null;
  }
}
