import { either } from 'fp-ts';
import type * as t from 'io-ts';
import { DecodeError } from './decode-error.js';
import { fastGuard } from './fast-guard.js';

/** The result of decoding: a `DecodeError` on the left, the typed value on the right. */
export type DecodeResult<A> = either.Either<DecodeError, A>;

/**
 * The one decode boundary: returns a function that decodes unknown wire data with `codec`.
 *
 * Guard first: the codec's guard, flattened from the codec into plain closures once per codec
 * (`fastGuard`: it accepts what `codec.is` accepts, and is cheap and allocation-free), accepts
 * a valid value as it is; only a value that fails it goes through the full `decode`, which explains the failure as
 * a {@link DecodeError} with every failing path. Every codec of this library is an identity
 * codec (decoding never changes a valid value), so both paths give the same result.
 *
 * @example
 * ```ts
 * const decodeMessage = decodeWith(ChatMessageDto);
 * const result = decodeMessage(JSON.parse(text));
 * if (either.isRight(result)) render(result.right);
 * ```
 */
export function decodeWith<C extends t.Any>(codec: C): (input: unknown) => DecodeResult<t.TypeOf<C>> {
  const is = fastGuard(codec);
  return (input) => {
    if (is(input)) return either.right(input as t.TypeOf<C>);
    const result = codec.decode(input);
    return either.isRight(result)
      ? either.right(result.right as t.TypeOf<C>)
      : either.left(DecodeError.fromValidationErrors(codec.name, result.left, input));
  };
}

/**
 * Decodes `input` with `codec` and returns the typed value, or throws a {@link DecodeError}.
 *
 * @example
 * ```ts
 * const page = decodeOrThrow(CursorPaginatedResult(MessageDto), body);
 * ```
 */
export function decodeOrThrow<C extends t.Any>(codec: C, input: unknown): t.TypeOf<C> {
  const result = decodeWith(codec)(input);
  if (either.isLeft(result)) throw result.left;
  return result.right;
}
