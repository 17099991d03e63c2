import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * Makes monotonic ULIDs: 48-bit millisecond time + 80 random bits, Crockford base32. Within one
 * millisecond (or if the clock steps back) the random part is incremented, so ids always sort
 * in creation order — the gateway's message order.
 */
export class UlidFactory {
  private lastTime = -1;
  private lastRandom: number[] = [];

  /** A new ULID, greater than every ULID this factory made before. */
  next(now: number = Date.now()): string {
    let time = now;
    if (time <= this.lastTime) {
      time = this.lastTime;
      this.increment();
    } else {
      this.lastTime = time;
      this.lastRandom = [...randomBytes(16)].map((b) => b % 32);
    }
    return encodeTime(time) + this.lastRandom.map((d) => ALPHABET[d]).join('');
  }

  private increment(): void {
    for (let i = this.lastRandom.length - 1; i >= 0; i--) {
      const digit = this.lastRandom[i] ?? 0;
      if (digit < 31) {
        this.lastRandom[i] = digit + 1;
        return;
      }
      this.lastRandom[i] = 0;
    }
  }
}

function encodeTime(time: number): string {
  let out = '';
  let rest = time;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

/** The millisecond timestamp encoded in a ULID's first ten characters (NaN when not a ULID). */
export function ulidTime(id: string): number {
  if (id.length < 10) return Number.NaN;
  let time = 0;
  for (let i = 0; i < 10; i++) {
    const digit = ALPHABET.indexOf(id[i] ?? '');
    if (digit < 0) return Number.NaN;
    time = time * 32 + digit;
  }
  return time;
}
