/**
 * Waiting helpers for integration tests: wait on a condition or a promise with a deadline that
 * fails with a message naming what was awaited, instead of sleeping a fixed time.
 */
import { messageOf } from '../../src/core/errors.js';

/** Thrown when {@link waitFor} or {@link within} runs out of time. */
export class WaitTimeoutError extends Error {
  override readonly name = 'WaitTimeoutError';
}

/** Options of {@link waitFor}. */
export interface WaitOptions {
  /** What is awaited, for the failure message. @default 'condition' */
  readonly description?: string;
  /** How often the predicate is re-evaluated. @default 5 */
  readonly intervalMs?: number;
}

/**
 * Re-evaluates `predicate` (sync or async) until it returns something other than `undefined`,
 * `null` or `false`, and resolves with that value. Rejects with a {@link WaitTimeoutError} naming
 * `description` (and the last error the predicate threw, if any) after `timeoutMs`.
 *
 * @example
 * ```ts
 * const message = await waitFor(() => events.find((e) => e.id === id), 2000, 'the echo of the message');
 * ```
 */
export async function waitFor<T>(
  predicate: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
  options: WaitOptions | string = {},
): Promise<T> {
  const { description = 'condition', intervalMs = 5 } = typeof options === 'string' ? { description: options } : options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await predicate();
      if (value !== undefined && value !== null && value !== false) return value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const cause = lastError === undefined ? '' : ` (last error: ${messageOf(lastError)})`;
      throw new WaitTimeoutError(`waitFor timed out after ${timeoutMs} ms waiting for ${description}${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Resolves or rejects as `promise` does, or rejects with a {@link WaitTimeoutError} naming
 * `description` after `timeoutMs`. The timer is cleared either way.
 */
export async function within<T>(promise: Promise<T>, timeoutMs: number, description: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new WaitTimeoutError(`timed out after ${timeoutMs} ms waiting for ${description}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves once `Date.now()` has moved past its value at the call (so the next timestamp differs). */
export async function nextMillisecond(): Promise<void> {
  const start = Date.now();
  await waitFor(() => Date.now() > start, 1000, { description: 'the clock to tick', intervalMs: 1 });
}

/**
 * A pause of `ms` real milliseconds — the one definition for the integration tests, used only to
 * prove that something does NOT happen within a while, or to pace a load. Waiting for something
 * to happen is {@link waitFor}'s job.
 */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
