/**
 * Bounded excerpts of response bodies, so that an error never holds a whole (possibly huge) body:
 * a `ChatApiError` lives as long as whoever logs, reports or stores it.
 */

/**
 * The most characters of a response body an error keeps (4 KiB): a longer text is cut to its
 * first 4,096 characters followed by `…`, a larger JSON value becomes such an excerpt of its JSON.
 */
export const ERROR_BODY_LIMIT = 4096;

/**
 * `text` when it has at most `limit` characters, else its first `limit` characters and `…`.
 *
 * @example
 * ```ts
 * textExcerpt('a'.repeat(10), 4); // "aaaa…"
 * ```
 */
export function textExcerpt(text: string, limit: number = ERROR_BODY_LIMIT): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}…`;
}

/** Thrown inside {@link writeJson} when the budget is spent; never escapes it. */
class BudgetSpent {}

/**
 * Writes `value` as `JSON.stringify` would, but stops as soon as more than `limit` characters
 * were written: `complete` says whether the whole value fit. Cycles come out as `null`.
 */
function writeJson(value: unknown, limit: number): { readonly text: string; readonly complete: boolean } {
  let out = '';
  const seen = new Set<object>();
  const write = (chunk: string): void => {
    out += chunk;
    if (out.length > limit) throw new BudgetSpent();
  };
  const walk = (v: unknown, inArray: boolean): void => {
    if (v === null) return write('null');
    switch (typeof v) {
      case 'string':
        return write(JSON.stringify(v.length > limit ? v.slice(0, limit + 1) : v));
      case 'number':
        return write(Number.isFinite(v) ? String(v) : 'null');
      case 'boolean':
        return write(String(v));
      case 'object':
        break;
      case 'bigint':
        return write(JSON.stringify(String(v)));
      default:
        // undefined, functions and symbols: null inside an array (callers skip them in objects)
        return inArray ? write('null') : undefined;
    }
    const obj = v as object;
    const toJSON = (obj as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return walk((toJSON as () => unknown).call(obj), inArray);
    if (seen.has(obj)) return write('null');
    seen.add(obj);
    if (Array.isArray(obj)) {
      write('[');
      for (let i = 0; i < obj.length; i++) {
        if (i > 0) write(',');
        walk(obj[i], true);
      }
      write(']');
    } else {
      write('{');
      let first = true;
      for (const key of Object.keys(obj)) {
        const item = (obj as Record<string, unknown>)[key];
        if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
        write(`${first ? '' : ','}${JSON.stringify(key)}:`);
        first = false;
        walk(item, false);
      }
      write('}');
    }
    seen.delete(obj);
  };
  try {
    walk(value, true);
    return { text: out, complete: true };
  } catch (e) {
    if (e instanceof BudgetSpent) return { text: out, complete: false };
    throw e;
  }
}

/**
 * The JSON of `value` as `JSON.stringify` writes it, or — when that would be longer than `limit`
 * characters — its first `limit` characters and `…`. It stops walking the value as soon as the
 * budget is spent, so an excerpt of a huge value costs O(limit), not O(size).
 *
 * @example
 * ```ts
 * boundedJson({ items: new Array(1e6).fill('x') }, 20); // '{"items":["x","x","x…'
 * ```
 */
export function boundedJson(value: unknown, limit: number = ERROR_BODY_LIMIT): string {
  const { text, complete } = writeJson(value, limit);
  return complete ? text : `${text.slice(0, limit)}…`;
}

/**
 * True when `value` written as JSON takes at most `limit` characters (a string: its length).
 * Stops early, so it costs O(limit) however large `value` is.
 *
 * @example
 * ```ts
 * fitsWithin({ id: 'x' }, 4096); // true
 * ```
 */
export function fitsWithin(value: unknown, limit: number = ERROR_BODY_LIMIT): boolean {
  if (typeof value === 'string') return value.length <= limit;
  return writeJson(value, limit).complete;
}

/**
 * A response body as an error may keep it: a value whose JSON fits in `limit` characters as is,
 * a longer string cut with {@link textExcerpt}, anything larger as a {@link boundedJson} excerpt
 * (a string).
 *
 * @example
 * ```ts
 * errorBody('x'.repeat(1e8)).length; // 4097
 * ```
 */
export function errorBody(value: unknown, limit: number = ERROR_BODY_LIMIT): unknown {
  if (typeof value === 'string') return textExcerpt(value, limit);
  return fitsWithin(value, limit) ? value : boundedJson(value, limit);
}
