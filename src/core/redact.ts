/**
 * Token redaction for everything that reaches a {@link Logger}: one pattern set for the facade's
 * logger and SignalR's own log lines, so a token never shows in diagnostics whichever path wrote
 * them. Internal: not exported from the package.
 */
import type { Logger } from './logger.js';

/** What a redacted secret is replaced with. */
export const REDACTED = '[redacted]';

/** A JWT anywhere in a text: three base64url parts, the first a JSON object (`eyJ`). */
const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]+/g;
/** A token in a URL query (`access_token=…`, as SignalR's WebSocket and SSE URLs carry it, or an app's `refresh_token=…`). */
const ACCESS_TOKEN_PARAM = /((?:access|refresh)_token=)[^&\s'"]+/gi;
/** A bearer credential (`Bearer …`), whatever characters it has (not only JWT ones). */
const BEARER = /(Bearer\s+)\S+/gi;
/** Object keys whose values are secrets, whatever they hold. */
const SECRET_KEY = /token|authorization|password|apikey/i;
/** How deep {@link redactData} looks into nested objects and arrays. */
const MAX_DEPTH = 3;

/**
 * Replaces every JWT, `access_token=` / `refresh_token=` query value and `Bearer` credential in `text` with
 * `[redacted]`.
 *
 * @example
 * ```ts
 * redactText('GET /hubs/chat?id=1&access_token=abc'); // 'GET /hubs/chat?id=1&access_token=[redacted]'
 * ```
 */
export function redactText(text: string): string {
  return text.replace(JWT, REDACTED).replace(ACCESS_TOKEN_PARAM, `$1${REDACTED}`).replace(BEARER, `$1${REDACTED}`);
}

/**
 * Redacts log data: strings as {@link redactText}, values under a secret-looking key
 * (`token`, `authorization`, `password`, `apiKey`) entirely, nested objects and arrays up to 3
 * levels deep. Returns a copy; the input is not changed.
 */
export function redactData(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactData(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = SECRET_KEY.test(key) ? REDACTED : redactData(v, depth + 1);
  return out;
}

/**
 * Wraps a logger so no token ever reaches it: the message through {@link redactText}, the data
 * through {@link redactData}. `undefined` (no logger) stays `undefined`.
 *
 * @example
 * ```ts
 * const logger = redactingLogger(options.logger);
 * logger?.('warn', `refused: Bearer ${token}`); // the logger sees 'refused: Bearer [redacted]'
 * ```
 */
export function redactingLogger(logger: Logger | undefined): Logger | undefined {
  if (!logger) return undefined;
  return (level, message, data) =>
    logger(level, redactText(message), data === undefined ? undefined : (redactData(data) as Record<string, unknown>));
}
