/**
 * Fast guards: an io-ts codec's `is`, generated as code from the codec itself (see
 * `guard-source.ts`) so it cannot drift from it. Internal: `decodeWith` runs it on every value
 * before the full `decode`, which only a value it rejects goes through.
 */
import type * as t from 'io-ts';
import { generateGuard } from './guard-source.js';

/** A type guard. */
export type Guard = (u: unknown) => boolean;

const guards = new WeakMap<t.Any, Guard>();

/**
 * The guard of `codec`, made once per codec (cached): the codec's structure written out as
 * JavaScript and compiled, one function per object or array codec, property reads by name and
 * primitives inlined.
 *
 * It accepts exactly what `codec.is` accepts for the codecs of this library, and never more for
 * any io-ts codec: `t.type` / `t.partial` (the same own-property rule for `undefined` members),
 * `t.intersection`, `t.union` (a `nullable` union tests `null` first), `t.literal`, `t.keyof`,
 * `t.refinement`, `t.readonly`, `t.exact` / `t.strict` (their `is` is the inner type's), the
 * primitives, `t.UnknownRecord` and the hand-written `Block` (dispatch on `$type`) are flattened;
 * an array is checked element by element, a hole read as `undefined` (as the library's `array()`
 * does; io-ts's own `t.array` skips holes, so for it this guard is stricter). Anything else — a
 * hand-written `t.Type` such as `Cursor`, a record, a recursive type — keeps its own `is`. Where
 * code cannot be compiled (a Content-Security-Policy without `unsafe-eval`), it is `codec.is`.
 *
 * @example
 * ```ts
 * const isMessage = fastGuard(ChatMessageDto);
 * if (isMessage(JSON.parse(text))) render(…);
 * ```
 */
export function fastGuard<C extends t.Any>(codec: C): (u: unknown) => u is t.TypeOf<C> {
  let guard = guards.get(codec);
  if (guard === undefined) {
    guard = generateGuard(codec) ?? ((u: unknown) => codec.is(u));
    guards.set(codec, guard);
  }
  return guard as (u: unknown) => u is t.TypeOf<C>;
}

/** The parts of io-ts's codec classes the generator reads (`_tag` and the members of each kind). */
export interface Node {
  readonly _tag?: string;
  readonly props?: Record<string, t.Any>;
  readonly types?: readonly t.Any[];
  readonly type?: t.Any;
  readonly value?: unknown;
  readonly keys?: Record<string, unknown>;
  readonly predicate?: (u: unknown) => boolean;
}
