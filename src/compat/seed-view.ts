/**
 * Where compat applies {@link toSeed}: a client's (or a standalone hub's) view of the reactive
 * values as the seed's types, which reports the blocks it drops to the client's logger.
 */
import { map, type Observable } from 'rxjs';
import type { Logger } from '../core/index.js';
import { ackPromise, toPromise } from './promise.js';
import { type DroppedBlock, type Shape, toSeed } from './to-seed.js';

/**
 * Applies {@link toSeed} for one client and reports what it drops: a warning on the logger the
 * first time a block of a given `$type` is dropped (later ones of that `$type` are dropped
 * silently, so a conversation full of them does not flood the log).
 *
 * @example
 * ```ts
 * const view = new SeedView(logger);
 * const message = await view.promise(seedShapes.MessageDto, () => rx.messages.getById(id));
 * ```
 */
export class SeedView {
  private readonly reported = new Set<string>();

  constructor(private readonly logger: Logger) {}

  /** `value` as the seed type of `shape` (see {@link toSeed}). */
  toSeed<T>(shape: Shape<T>, value: unknown): T {
    return toSeed(shape, value, (dropped) => this.report(dropped));
  }

  /** The first value of `work()`'s Observable, as the seed type of `shape`; a synchronous throw rejects. */
  promise<T>(shape: Shape<T>, work: () => Observable<unknown>): Promise<T> {
    return toPromise(() => work().pipe(map((value) => this.toSeed(shape, value))));
  }

  /** A hub method's ack (also one with `success: false`) as the seed type of `shape`. */
  ack<T>(shape: Shape<T>, work: () => Observable<unknown>): Promise<T> {
    return ackPromise(work).then((ack) => this.toSeed(shape, ack));
  }

  private report(dropped: DroppedBlock): void {
    if (this.reported.has(dropped.$type)) return;
    this.reported.add(dropped.$type);
    this.logger(
      'warn',
      `chat-client-rx/compat: dropped a block of $type '${dropped.$type}' at ${dropped.path}: the seed's Block has no such kind ` +
        `(the reactive client, client.rx, keeps it as an UnknownBlock); further blocks of this $type are dropped without a warning`,
      { $type: dropped.$type, path: dropped.path },
    );
  }
}
