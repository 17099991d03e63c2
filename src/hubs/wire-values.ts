/**
 * Payloads of a binary hub protocol (MessagePack) in the shape the JSON protocol gives them, so
 * the codecs and the public types are the same whatever the protocol. Internal.
 */

/** Whole minutes of a valid UTC offset, as MessagePack-CSharp writes a `DateTimeOffset`'s. */
const MAX_OFFSET_MINUTES = 14 * 60;

function pad(value: number, width = 2): string {
  return String(Math.abs(value)).padStart(width, '0');
}

/**
 * The ISO 8601 text of the instant `date` shows on a clock `offsetMinutes` ahead of UTC, in
 * System.Text.Json's `DateTimeOffset` form: fraction trimmed of trailing zeros (milliseconds at
 * most: what a `Date` keeps), offset always written (`+00:00` for UTC).
 *
 * @example
 * ```ts
 * isoFromDate(new Date('2026-12-04T18:20:36.100Z')); // '2026-12-04T18:20:36.1+00:00'
 * ```
 */
export function isoFromDate(date: Date, offsetMinutes = 0): string {
  const local = new Date(date.getTime() + offsetMinutes * 60_000);
  const ms = local.getUTCMilliseconds();
  const fraction = ms === 0 ? '' : `.${pad(ms, 3).replace(/0+$/, '')}`;
  const sign = offsetMinutes < 0 ? '-' : '+';
  const offset = `${sign}${pad(Math.trunc(Math.abs(offsetMinutes) / 60))}:${pad(Math.abs(offsetMinutes) % 60)}`;
  return (
    `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}${fraction}${offset}`
  );
}

/** `[Date, offset minutes]`: how ASP.NET's default MessagePack resolver writes a `DateTimeOffset`. */
function isDateTimeOffsetPair(value: readonly unknown[]): value is [Date, number] {
  const [date, offset] = value;
  return (
    value.length === 2 &&
    date instanceof Date &&
    typeof offset === 'number' &&
    Number.isInteger(offset) &&
    Math.abs(offset) <= MAX_OFFSET_MINUTES
  );
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * `value` as the JSON protocol would have carried it, at any depth:
 *
 * - a `Date` (MessagePack timestamp, a .NET `DateTime`) becomes its ISO 8601 string in UTC, `+00:00`;
 * - a `[Date, offsetMinutes]` pair (a .NET `DateTimeOffset`, whose timestamp is the clock time
 *   labelled UTC) becomes the ISO 8601 string of that clock time with that offset;
 * - a `Uint8Array` (MessagePack bin, a .NET `byte[]`) becomes base64, as System.Text.Json writes it.
 *
 * Anything else is returned as it is; objects and arrays are copied only when something changed.
 */
export function jsonShaped(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return isoFromDate(value);
  if (value instanceof Uint8Array) return base64(value);
  if (Array.isArray(value)) {
    if (isDateTimeOffsetPair(value)) return isoFromDate(new Date(value[0].getTime() - value[1] * 60_000), value[1]);
    let changed = false;
    const items = value.map((item: unknown) => {
      const shaped = jsonShaped(item);
      if (shaped !== item) changed = true;
      return shaped;
    });
    return changed ? items : value;
  }
  let copy: Record<string, unknown> | undefined;
  for (const [key, member] of Object.entries(value)) {
    const shaped = jsonShaped(member);
    if (shaped === member) continue;
    copy ??= { ...(value as Record<string, unknown>) };
    copy[key] = shaped;
  }
  return copy ?? value;
}
