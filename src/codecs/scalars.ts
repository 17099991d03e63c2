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

/** `codec` itself when it already accepts `null`, else `codec | null`. */
export type OrNullC<C extends t.Mixed> = null extends t.TypeOf<C> ? C : t.UnionC<[C, t.NullC]>;

/**
 * The optional members of a DTO as a real ASP.NET Core server writes them: each may be absent
 * **or `null`** (System.Text.Json writes `null` for an unset member unless the server opts out
 * member by member). `t.partial` whose every member is wrapped in {@link nullable} (a member
 * that already accepts `null` is kept as it is), so the decoded type says `x?: T | null`.
 *
 * Still an identity codec: a valid value decodes to itself, which keeps the guard-first decode
 * boundary (`decodeWith`) allocation-free. Read such members with `?.` / `??`, which treat
 * `null` and absence alike.
 *
 * @example
 * ```ts
 * const Ack = t.intersection([t.type({ success: t.boolean }), optional({ messageId: t.string })]);
 * // { success: boolean; messageId?: string | null }
 * ```
 */
export function optional<P extends t.Props>(props: P, name?: string): t.PartialC<{ [K in keyof P]: OrNullC<P[K]> }> {
  const wrapped: Record<string, t.Mixed> = {};
  for (const key of Object.keys(props)) {
    const codec = props[key] as t.Mixed;
    wrapped[key] = codec.is(null) ? codec : nullable(codec);
  }
  return t.partial(wrapped, name) as unknown as t.PartialC<{ [K in keyof P]: OrNullC<P[K]> }>;
}

/** An ISO 8601 date-time string as the gateway sends it (`"2025-03-26T15:30:00Z"`). */
export const IsoDateTime = t.string;
/** An ISO 8601 date-time string. */
export type IsoDateTime = t.TypeOf<typeof IsoDateTime>;

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * An instant read from an ISO 8601 date-time string at full precision: whole seconds since the
 * epoch and the nanoseconds within that second. `Date.parse` keeps milliseconds only, and two
 * servers' strings for one instant need not be equal (`…:36.1Z` from a JavaScript server,
 * `…:36.1000000+00:00` from a .NET `DateTimeOffset`), so neither string comparison nor
 * `Date.parse` orders them right.
 */
export interface IsoInstant {
  /** Whole seconds since 1970-01-01T00:00:00Z. */
  readonly seconds: number;
  /** Nanoseconds within the second, 0–999,999,999 (digits beyond the ninth are dropped). */
  readonly nanoseconds: number;
}

/**
 * Reads an ISO 8601 date-time as the gateway writes it: `Z`, `+00:00` or any other offset, and 0
 * to 7 (or more) fractional digits. A string without an offset is read as UTC, as the server
 * means a `DateTime` of kind UTC. Returns `null` for anything else.
 *
 * @example
 * ```ts
 * parseIsoDateTime('2026-12-04T18:20:36.1234567+00:00'); // { seconds: 1796408436, nanoseconds: 123456700 }
 * ```
 */
export function parseIsoDateTime(value: string): IsoInstant | null {
  const match = ISO_DATE_TIME.exec(value);
  if (!match) return null;
  const [, year, month, day, hour, minute, second, fraction, zone] = match as unknown as string[];
  const utcMs = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second));
  if (Number.isNaN(utcMs)) return null;
  let offsetSeconds = 0;
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const digits = zone.replace(':', '');
    offsetSeconds = (zone.startsWith('-') ? -1 : 1) * (Number(digits.slice(1, 3)) * 3600 + Number(digits.slice(3, 5)) * 60);
  }
  const nanoseconds = fraction === undefined ? 0 : Number(fraction.slice(0, 9).padEnd(9, '0'));
  return { seconds: utcMs / 1000 - offsetSeconds, nanoseconds };
}

/**
 * Orders two ISO 8601 date-times by the instant they name, at full precision, whatever their
 * offsets and digit counts: negative when `a` is earlier, 0 for the same instant, positive when
 * later. A string that is not a date-time sorts before every date-time (and two such strings
 * compare as strings), so a bad value never throws inside a sort.
 *
 * @example
 * ```ts
 * compareIsoDateTimes('2026-12-04T18:20:36.5Z', '2026-12-04T19:20:36.4+01:00'); // > 0
 * ```
 */
export function compareIsoDateTimes(a: string, b: string): number {
  const x = parseIsoDateTime(a);
  const y = parseIsoDateTime(b);
  if (x === null || y === null) {
    if (x !== null) return 1;
    if (y !== null) return -1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  return Math.sign(x.seconds !== y.seconds ? x.seconds - y.seconds : x.nanoseconds - y.nanoseconds);
}

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
      return t.failure(
        u,
        c,
        'cursors are opaque strings like "<UnixMs>_<ULID>"; a number is not a cursor (never convert a cursor to a number)',
      );
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
  (u, c) => (typeof u === 'number' && Number.isInteger(u) && u >= 0 ? t.success(u) : t.failure(u, c)),
  t.identity,
);
/** A whole number ≥ 0. */
export type NonNegativeInteger = t.TypeOf<typeof NonNegativeInteger>;

/** A JSON object with any keys (`Record<string, unknown>`). */
export const JsonObject = t.UnknownRecord;
/** A JSON object with any keys. */
export type JsonObject = t.TypeOf<typeof JsonObject>;
