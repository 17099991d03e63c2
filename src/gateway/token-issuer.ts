import { randomBytes } from 'node:crypto';
import { signJwt, verifyJwt } from './jwt.js';
import { formatDateTimeOffset } from './stj-profile.js';

/** Who a valid token belongs to. */
export interface TokenOwner {
  readonly userId: string;
  readonly role: string | null;
  /** True for a token from a negotiate redirect. */
  readonly edge: boolean;
}

/**
 * Issues and checks the embedded gateway's HS256 JWTs (`sub`, `role`, `exp`). The signing key
 * is random per gateway and survives `restart()`. `expireAll()` makes every token issued so far
 * invalid (the `expireTokens` fault) by bumping the token generation.
 */
export class TokenIssuer {
  private readonly secret = randomBytes(32);
  private generation = 1;

  constructor(
    private readonly lifetimeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new token for `userId`; `role: 'dev'` for dev logins. */
  issue(userId: string, role: string | null, name?: string, edge = false): { token: string; expiresAt: string } {
    const nowMs = this.now();
    const exp = Math.floor((nowMs + this.lifetimeMs) / 1000);
    const token = signJwt(
      {
        sub: userId,
        iat: Math.floor(nowMs / 1000),
        exp,
        gen: this.generation,
        ...(role !== null ? { role } : {}),
        ...(name !== undefined ? { name } : {}),
        ...(edge ? { edge } : {}),
      },
      this.secret,
    );
    return { token, expiresAt: formatDateTimeOffset(exp * 1000) };
  }

  /** The owner of a valid, unexpired token of the current generation, or null. */
  verify(token: string | undefined): TokenOwner | null {
    if (token === undefined || token === '') return null;
    const claims = verifyJwt(token, this.secret);
    if (!claims) return null;
    if (claims.exp * 1000 <= this.now()) return null;
    if (claims.gen !== this.generation) return null;
    return { userId: claims.sub, role: claims.role ?? null, edge: claims.edge === true };
  }

  /** Every token issued so far is expired from now on. */
  expireAll(): void {
    this.generation += 1;
  }
}
