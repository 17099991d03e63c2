/**
 * The message of anything thrown: an `Error`'s `message`, anything else as `String(value)`.
 * For diagnostics and error texts only — never branch on it when the error has a field.
 *
 * @example
 * ```ts
 * messageOf(new Error('boom')); // 'boom'
 * messageOf('offline');         // 'offline'
 * ```
 */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
