import * as t from 'io-ts';
import { Block, KnownBlock } from '../codecs/blocks.js';
import { MAX_JSON_DEPTH, pathBeyondDepth } from '../codecs/json-depth.js';

/**
 * The wire profile of a stock ASP.NET Core server (System.Text.Json with
 * `JsonSerializerDefaults.Web`, DTOs as C# records), which the embedded gateway follows so that
 * every suite sees what a real Chat Gateway sends and refuses:
 *
 * - **output**: every optional member of a DTO that has no value is written as `null` (STJ
 *   writes nulls unless a member opts out), timestamps are `DateTimeOffset` strings with up to 7
 *   fractional digits, trailing zeros trimmed, and a `+00:00` offset;
 * - **input**: JSON nested deeper than 64 levels is refused (STJ's default `MaxDepth`), and a
 *   polymorphic block whose `$type` discriminator is not its first property is refused (STJ's
 *   default without `AllowOutOfOrderMetadataProperties`).
 *
 * @packageDocumentation
 */

/**
 * Returns `value` (valid for `codec`) with every absent optional member (`t.partial`) set to
 * `null`, at any depth: what System.Text.Json writes for a C# record whose nullable property is
 * unset. Members the codec does not know are kept as they are.
 *
 * @example
 * ```ts
 * writeNulls(ChatMessageDto, message); // { …, senderAvatar: null } when the sender has no avatar
 * ```
 */
export function writeNulls<T>(codec: t.Type<T, unknown, unknown> | t.Mixed, value: T): T {
  return fill(codec as t.Mixed, value) as T;
}

function fill(codec: t.Mixed, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  // `Block` is a hand-written discriminated codec: its known kinds are the union to walk.
  if (codec === Block) return fill(KnownBlock, value);
  if (codec instanceof t.UnionType) {
    const member = (codec.types as t.Mixed[]).find((type) => type.is(value));
    return member === undefined ? value : fill(member, value);
  }
  if (codec instanceof t.IntersectionType) {
    let out: unknown = value;
    for (const type of codec.types as t.Mixed[]) out = fill(type, out);
    return out;
  }
  if (codec instanceof t.RefinementType || codec instanceof t.ReadonlyType || codec instanceof t.ExactType) {
    return fill(codec.type as t.Mixed, value);
  }
  if (codec instanceof t.ArrayType || codec instanceof t.ReadonlyArrayType) {
    return Array.isArray(value) ? value.map((item: unknown) => fill(codec.type as t.Mixed, item)) : value;
  }
  if ((codec instanceof t.InterfaceType || codec instanceof t.PartialType) && typeof value === 'object' && !Array.isArray(value)) {
    const props = (codec as t.InterfaceType<t.Props> | t.PartialType<t.Props>).props as Record<string, t.Mixed>;
    const record = value as Record<string, unknown>;
    const out: Record<string, unknown> = { ...record };
    for (const key of Object.keys(props)) {
      const member = record[key];
      if (member === undefined) {
        if (codec instanceof t.PartialType) out[key] = null;
      } else {
        out[key] = fill(props[key] as t.Mixed, member);
      }
    }
    return out;
  }
  return value;
}

/**
 * Formats an instant as System.Text.Json writes a UTC `DateTimeOffset`:
 * `2026-12-04T18:20:36.1234567+00:00`, the 7 fractional digits (100 ns ticks) with trailing
 * zeros trimmed (`…:36.12+00:00`, `…:36+00:00`).
 *
 * @param epochMs milliseconds since the epoch
 * @param subMillisecondTicks 100 ns ticks within that millisecond, 0–9999
 * @example
 * ```ts
 * formatDateTimeOffset(Date.UTC(2026, 11, 4, 18, 20, 36, 120)); // "2026-12-04T18:20:36.12+00:00"
 * ```
 */
export function formatDateTimeOffset(epochMs: number, subMillisecondTicks = 0): string {
  const iso = new Date(epochMs).toISOString(); // yyyy-mm-ddThh:mm:ss.fffZ
  const ticks = `${iso.slice(20, 23)}${String(subMillisecondTicks).padStart(4, '0')}`.replace(/0+$/, '');
  return `${iso.slice(0, 19)}${ticks === '' ? '' : `.${ticks}`}+00:00`;
}

/**
 * A clock that stamps times as a real server does: `DateTimeOffset` strings with 100 ns
 * resolution. Two stamps within one millisecond get increasing sub-millisecond ticks, so stamps
 * are strictly increasing and deterministic for a given `now()`.
 */
export class ServerClock {
  private lastMs = Number.NaN;
  private ticks = 0;

  /** @param now milliseconds since the epoch */
  constructor(private readonly now: () => number) {}

  /** The current time as `2026-12-04T18:20:36.1234567+00:00`. */
  stamp(): string {
    return this.format(this.now());
  }

  /** `epochMs` as a server timestamp (sub-millisecond ticks count stamps within one ms). */
  format(epochMs: number): string {
    if (epochMs === this.lastMs) this.ticks = Math.min(this.ticks + 1, 9999);
    else {
      this.lastMs = epochMs;
      this.ticks = 0;
    }
    return formatDateTimeOffset(epochMs, this.ticks);
  }
}

/** What System.Text.Json refuses in a request body, with the JSON path it names. */
export interface StjInputError {
  /** The JSON path, as STJ writes it (`$.blocks[0].$type`). */
  readonly path: string;
  /** STJ's own wording of the failure. */
  readonly message: string;
}

/** The members of a request that hold polymorphic blocks (`[JsonPolymorphic]` `Block[]`). */
const BLOCK_MEMBERS = ['blocks', 'newBlocks'] as const;

/**
 * What a stock ASP.NET Core server would refuse while reading `body` into its request type
 * before any validation runs, or `null`: nesting deeper than {@link MAX_JSON_DEPTH} (counting the
 * `enclosingDepth` levels around it: 2 for a hub argument, inside the invocation message and its
 * `arguments` array, which the hub protocol's reader counts too), or a block whose `$type` is
 * present but not its first property.
 *
 * @param enclosingDepth levels of JSON around `body` in the document the server reads (0 for a REST body)
 * @example
 * ```ts
 * stjInputError({ blocks: [{ content: 'hi', $type: 'text' }] })?.path; // "$.blocks[0].$type"
 * ```
 */
export function stjInputError(body: unknown, enclosingDepth = 0): StjInputError | null {
  const deep = pathBeyondDepth(body, MAX_JSON_DEPTH - enclosingDepth);
  if (deep !== null) {
    return { path: deep, message: `The maximum configured depth of ${MAX_JSON_DEPTH} has been exceeded. Cannot read next JSON object.` };
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return null;
  for (const member of BLOCK_MEMBERS) {
    const blocks = (body as Record<string, unknown>)[member];
    if (!Array.isArray(blocks)) continue;
    for (let i = 0; i < blocks.length; i++) {
      const block: unknown = blocks[i];
      if (block === null || typeof block !== 'object' || Array.isArray(block)) continue;
      const keys = Object.keys(block);
      if (keys.indexOf('$type') > 0) {
        return {
          path: `$.${member}[${i}].$type`,
          message:
            'The metadata property is either not supported by the type or is not the first property in the deserialized JSON object.',
        };
      }
    }
  }
  return null;
}

/** STJ's text when a JSON value does not fit the member's type. */
const CONVERSION_FAILURE = 'The JSON value could not be converted to the type of the member.';

/**
 * Where `value` does not fit the C# type behind `codec` as System.Text.Json binds it, or `null`:
 * a string where a list is declared, a number where a string is, an enum name the enum does not
 * have, a block without a known `$type`. Absent members and `null` bind (to null or the default)
 * and are left to the server's own validation, as a real gateway's records behave; so is every
 * rule beyond the JSON kind (an empty list, a negative number).
 *
 * @example
 * ```ts
 * bindingError(ChatSendMessageRequest, { conversationId: 'c', blocks: 'x' }); // { path: '$.blocks', … }
 * ```
 */
export function bindingError(codec: t.Mixed, value: unknown): StjInputError | null {
  const path = misfit(codec, value, '$');
  return path === null ? null : { path, message: CONVERSION_FAILURE };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function misfit(codec: t.Mixed, value: unknown, path: string): string | null {
  if (value === null || value === undefined) return null;
  if (codec === Block) {
    // [JsonPolymorphic] with the seed's 14 derived types: an unknown or missing `$type` does not bind.
    if (!isObject(value)) return path;
    const kind = (KnownBlock.types as readonly t.Mixed[]).find((type) => {
      const literal = (type as t.InterfaceType<t.Props>).props.$type as t.LiteralType<string> | undefined;
      return literal?.value === value.$type;
    });
    return kind === undefined ? path : misfit(kind, value, path);
  }
  if (codec instanceof t.UnionType) {
    const types = codec.types as readonly t.Mixed[];
    const nonNull = types.filter((type) => !(type instanceof t.NullType));
    return nonNull.length === 1 ? misfit(nonNull[0] as t.Mixed, value, path) : null;
  }
  if (codec instanceof t.IntersectionType) {
    for (const type of codec.types as readonly t.Mixed[]) {
      const found = misfit(type, value, path);
      if (found !== null) return found;
    }
    return null;
  }
  if (codec instanceof t.RefinementType || codec instanceof t.ReadonlyType || codec instanceof t.ExactType)
    return misfit(codec.type as t.Mixed, value, path);
  if (codec instanceof t.StringType) return typeof value === 'string' ? null : path;
  if (codec instanceof t.NumberType) return typeof value === 'number' ? null : path;
  if (codec instanceof t.BooleanType) return typeof value === 'boolean' ? null : path;
  if (codec instanceof t.KeyofType) return typeof value === 'string' && Object.hasOwn(codec.keys, value) ? null : path;
  if (codec instanceof t.LiteralType) return typeof value === typeof codec.value ? null : path;
  if (codec instanceof t.ArrayType) {
    if (!Array.isArray(value)) return path;
    for (let i = 0; i < value.length; i++) {
      const found = misfit(codec.type as t.Mixed, value[i], `${path}[${i}]`);
      if (found !== null) return found;
    }
    return null;
  }
  if (codec instanceof t.InterfaceType || codec instanceof t.PartialType) {
    if (!isObject(value)) return path;
    const props = (codec as t.InterfaceType<t.Props>).props as Record<string, t.Mixed>;
    for (const [key, type] of Object.entries(props)) {
      if (key === '$type') continue; // metadata, read by the polymorphic converter
      const found = misfit(type, value[key], `${path}.${key}`);
      if (found !== null) return found;
    }
    return null;
  }
  if (codec instanceof t.AnyDictionaryType || codec instanceof t.DictionaryType) return isObject(value) ? null : path;
  // Custom string codecs of this library (Cursor, TimeSpan): strings in C#.
  if (codec.name === 'Cursor' || codec.name === 'TimeSpan') return typeof value === 'string' ? null : path;
  return null;
}
