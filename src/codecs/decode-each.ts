import type * as t from 'io-ts';
import { either } from 'fp-ts';
import { Observable, type OperatorFunction } from 'rxjs';
import type { DecodeError } from './decode-error.js';
import { decodeWith } from './decode-with.js';

/**
 * Decodes every value of the source with `codec`; a value that fails is handed to `report`
 * (the side channel, e.g. a hub client's `errors$`) and skipped, and the stream goes on.
 *
 * Emits each valid value, typed; completes and errors when the source does. `report` is called
 * synchronously, once per bad value, and must not throw.
 *
 * @example
 * ```ts
 * raw$.pipe(decodeEach(ChatMessageDto, (error) => errors.next(error)))
 *   .subscribe((message) => render(message));
 * ```
 */
export function decodeEach<C extends t.Any>(codec: C, report: (error: DecodeError) => void): OperatorFunction<unknown, t.TypeOf<C>> {
  const decode = decodeWith(codec);
  return (source) =>
    new Observable<t.TypeOf<C>>((subscriber) =>
      source.subscribe({
        next(value) {
          const result = decode(value);
          if (either.isRight(result)) subscriber.next(result.right);
          else report(result.left);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }),
    );
}
