import * as t from 'io-ts';

/**
 * `codec | null`: the seed's `T | null` fields (present, possibly null).
 *
 * The same codec as `t.union([codec, t.null])` (same name, members, `validate` and `encode`),
 * with a guard that tests `null` first and calls `codec.is` directly, instead of io-ts's generic
 * `types.some(…)`: the decode boundary runs every hub payload through these guards (a
 * `ChatMessageDto` has ~20 nullable fields), and a null no longer goes through `codec.is` first.
 *
 * @example
 * ```ts
 * const Caption = nullable(t.string); // string | null
 * ```
 */
export function nullable<C extends t.Mixed>(codec: C): t.UnionC<[C, t.NullC]> {
  const union = t.union([codec, t.null], `${codec.name} | null`);
  return new t.UnionType(
    union.name,
    (u): u is t.TypeOf<C> | null => u === null || codec.is(u),
    union.validate,
    union.encode,
    union.types,
  ) as t.UnionC<[C, t.NullC]>;
}

/** An ISO 8601 date-time string as the gateway sends it (`"2025-03-26T15:30:00Z"`). */
export const IsoDateTime = t.string;
/** An ISO 8601 date-time string. */
export type IsoDateTime = t.TypeOf<typeof IsoDateTime>;

/**
 * An opaque pagination cursor, `"<UnixMs>_<ULID>"`. Always a string: a number is rejected with
 * an error that says why (a cursor converted to a number loses precision and breaks paging).
 */
export const Cursor = new t.Type<string, string, unknown>(
  'Cursor',
  (u): u is string => typeof u === 'string',
  (u, c) => {
    if (typeof u === 'string') return t.success(u);
    if (typeof u === 'number' || typeof u === 'bigint') {
      return t.failure(u, c, 'cursors are opaque strings like "<UnixMs>_<ULID>"; a number is not a cursor (never convert a cursor to a number)');
    }
    return t.failure(u, c, 'cursors are opaque strings like "<UnixMs>_<ULID>"');
  },
  t.identity,
);
/** An opaque pagination cursor string. */
export type Cursor = t.TypeOf<typeof Cursor>;

const TIME_SPAN = /^(-)?(?:(\d+)\.)?([01]?\d|2[0-3]):([0-5]\d):([0-5]\d)(?:\.(\d{1,7}))?$/;

/**
 * A .NET `TimeSpan` string such as `"00:00:00.0123456"` or `"1.02:03:04"` (days.hh:mm:ss.fffffff).
 * A number is rejected: durations never arrive as numbers.
 */
export const TimeSpan = new t.Type<string, string, unknown>(
  'TimeSpan',
  (u): u is string => typeof u === 'string' && TIME_SPAN.test(u),
  (u, c) => {
    if (typeof u === 'string' && TIME_SPAN.test(u)) return t.success(u);
    if (typeof u === 'number') return t.failure(u, c, 'durations are .NET TimeSpan strings like "00:00:00.0123456", not numbers');
    return t.failure(u, c, 'expected a .NET TimeSpan string like "00:00:00.0123456"');
  },
  t.identity,
);
/** A .NET `TimeSpan` string. */
export type TimeSpan = t.TypeOf<typeof TimeSpan>;

/**
 * Converts a .NET `TimeSpan` string to milliseconds (fractions kept).
 *
 * @throws RangeError when `value` is not a TimeSpan string.
 * @example
 * ```ts
 * timeSpanToMilliseconds('00:00:01.5000000'); // 1500
 * ```
 */
export function timeSpanToMilliseconds(value: string): number {
  const match = TIME_SPAN.exec(value);
  if (!match) throw new RangeError(`timeSpanToMilliseconds: "${value}" is not a .NET TimeSpan string`);
  const [, sign, days, hours, minutes, seconds, fraction] = match;
  const ms =
    Number(days ?? 0) * 86_400_000 +
    Number(hours) * 3_600_000 +
    Number(minutes) * 60_000 +
    Number(seconds) * 1000 +
    (fraction ? Number(`0.${fraction}`) * 1000 : 0);
  return sign ? -ms : ms;
}

/**
 * Formats milliseconds as a .NET `TimeSpan` string (`"00:00:00.0123456"`, days when ≥ 24 h).
 *
 * @example
 * ```ts
 * millisecondsToTimeSpan(12.3456); // "00:00:00.0123456"
 * ```
 */
export function millisecondsToTimeSpan(milliseconds: number): string {
  if (!Number.isFinite(milliseconds)) throw new RangeError('millisecondsToTimeSpan: milliseconds must be finite');
  const ticks = Math.round(Math.abs(milliseconds) * 10_000);
  const negative = milliseconds < 0 && ticks > 0;
  const totalSeconds = Math.floor(ticks / 10_000_000);
  const fraction = ticks % 10_000_000;
  const days = Math.floor(totalSeconds / 86_400);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const hms = `${pad(Math.floor(totalSeconds / 3600) % 24)}:${pad(Math.floor(totalSeconds / 60) % 60)}:${pad(totalSeconds % 60)}`;
  return `${negative ? '-' : ''}${days > 0 ? `${days}.` : ''}${hms}.${String(fraction).padStart(7, '0')}`;
}

/**
 * `t.array` whose `is` guard also rejects holes (`[a, , b]`): io-ts's own guard skips them, and
 * the decode boundary trusts the guard, so every array of the wire codecs is built with this.
 */
export function array<C extends t.Mixed>(item: C, name = `Array<${item.name}>`): t.ArrayC<C> {
  const base = t.array(item, name);
  return new t.ArrayType(
    name,
    (u: unknown): u is Array<t.TypeOf<C>> => {
      if (!Array.isArray(u)) return false;
      for (let i = 0; i < u.length; i++) if (!item.is(u[i])) return false;
      return true;
    },
    base.validate,
    base.encode,
    item,
  ) as t.ArrayC<C>;
}

/** A whole number ≥ 0 (counts, indexes). */
export const NonNegativeInteger = new t.Type<number, number, unknown>(
  'NonNegativeInteger',
  (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= 0,
  (u, c) =>
    typeof u === 'number' && Number.isInteger(u) && u >= 0 ? t.success(u) : t.failure(u, c),
  t.identity,
);
/** A whole number ≥ 0. */
export type NonNegativeInteger = t.TypeOf<typeof NonNegativeInteger>;

/** A JSON object with any keys (`Record<string, unknown>`). */
export const JsonObject = t.UnknownRecord;
/** A JSON object with any keys. */
export type JsonObject = t.TypeOf<typeof JsonObject>;
