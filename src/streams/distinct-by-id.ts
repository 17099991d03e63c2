import { filter, type MonoTypeOperatorFunction, defer } from 'rxjs';

/**
 * Lets each id through once: a value whose `id` was seen among the last `memory` ids is dropped.
 * Memory is bounded (a ring of recent ids), so a long-running stream does not grow.
 *
 * @example
 * ```ts
 * merge(live$, recovered$).pipe(distinctById()) // each message once
 * ```
 */
export function distinctById<T extends { readonly id: string }>(memory = 10_000): MonoTypeOperatorFunction<T> {
  return (source) =>
    defer(() => {
      const seen = new Set<string>();
      const ring: string[] = new Array<string>(memory);
      let next = 0;
      return source.pipe(
        filter((value) => {
          if (seen.has(value.id)) return false;
          const evicted = ring[next];
          if (evicted !== undefined) seen.delete(evicted);
          ring[next] = value.id;
          next = (next + 1) % memory;
          seen.add(value.id);
          return true;
        }),
      );
    });
}
