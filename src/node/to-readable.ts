import { Readable } from 'node:stream';
import { type Observable, Subscription } from 'rxjs';

/** What to do when the consumer is slower than the Observable and the buffer is full. */
export type OverflowPolicy =
  /** Destroy the stream with a `BufferOverflowError` (nothing is silently lost). */
  | 'error'
  /** Drop the oldest buffered value to make room (the freshest data wins: tails, live views). */
  | 'drop-oldest'
  /** Drop the incoming value (what was buffered first wins). */
  | 'drop-newest';

/**
 * Options of {@link toReadable} and {@link toAsyncIterable}. (A `Readable` also holds the one
 * value that answered a pending read in its own queue, so a paused consumer can be one value more
 * than `bufferSize` behind.)
 */
export interface BufferOptions {
  /** Values buffered while the consumer is not reading. @default 1000 */
  readonly bufferSize?: number;
  /** What happens when the buffer is full. @default 'error' */
  readonly overflow?: OverflowPolicy;
  /** Called for every dropped value (policies `drop-oldest` / `drop-newest`). */
  readonly onDrop?: (value: unknown) => void;
}

/** The buffer of a bridged Observable filled up under the `error` policy. */
export class BufferOverflowError extends Error {
  /** Always `"BufferOverflowError"` (what {@link BufferOverflowError.is} checks across copies of this library). */
  override readonly name = 'BufferOverflowError';
  constructor(
    /** The size of the buffer that filled up (the `bufferSize` option): how many values the consumer fell behind. */
    readonly bufferSize: number,
  ) {
    super(`the consumer fell ${bufferSize} values behind the Observable (overflow policy 'error')`);
  }

  /** True for a `BufferOverflowError`. */
  static is(error: unknown): error is BufferOverflowError {
    return (
      error instanceof BufferOverflowError ||
      (typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'BufferOverflowError')
    );
  }
}

/** A bounded FIFO applying an overflow policy; shared by both bridges. */
class BoundedQueue<T> {
  private readonly items: T[] = [];
  private head = 0;
  constructor(
    private readonly size: number,
    private readonly policy: OverflowPolicy,
    private readonly onDrop: ((value: unknown) => void) | undefined,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError('bufferSize must be a whole number ≥ 1');
  }

  get length(): number {
    return this.items.length - this.head;
  }

  /** Adds a value; false when the `error` policy refuses it. */
  push(value: T): boolean {
    if (this.length >= this.size) {
      if (this.policy === 'error') return false;
      if (this.policy === 'drop-newest') {
        this.onDrop?.(value);
        return true;
      }
      // Not `this.onDrop?.(this.shift())`: an optional call skips its arguments, so without
      // an `onDrop` nothing would be dropped and the buffer would grow without bound.
      const dropped = this.shift();
      this.onDrop?.(dropped);
    }
    this.items.push(value);
    return true;
  }

  shift(): T | undefined {
    if (this.length === 0) return undefined;
    const value = this.items[this.head];
    this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
    return value;
  }
}

/**
 * Bridges an Observable into a Node object-mode `Readable` with a bounded buffer. Subscribes on
 * the first read; each value is pushed while the consumer keeps up and buffered (up to
 * `bufferSize`) while it does not, then the overflow policy applies. The Observable's error
 * destroys the stream with it; completion ends it; destroying the stream (e.g. the reader went
 * away) unsubscribes.
 *
 * @example
 * ```ts
 * toReadable(timeline.messages$.pipe(map((m) => JSON.stringify(m) + '\n')), { overflow: 'drop-oldest' })
 *   .pipe(process.stdout);
 * ```
 */
export function toReadable<T>(source: Observable<T>, options: BufferOptions = {}): Readable {
  const queue = new BoundedQueue<T>(options.bufferSize ?? 1000, options.overflow ?? 'error', options.onDrop);
  let subscription: Subscription | undefined;
  let wanting = false;
  let done = false;
  const readable = new Readable({
    objectMode: true,
    highWaterMark: 1,
    read() {
      wanting = true;
      flush();
      if (!subscription && !done) {
        subscription = source.subscribe({
          next(value) {
            if (wanting && queue.length === 0) {
              wanting = readable.push(value);
              return;
            }
            if (!queue.push(value)) {
              subscription?.unsubscribe();
              readable.destroy(new BufferOverflowError(options.bufferSize ?? 1000));
            }
          },
          error(error: unknown) {
            done = true;
            readable.destroy(error instanceof Error ? error : new Error(String(error)));
          },
          complete() {
            done = true;
            flush();
          },
        });
        // A source that overflowed synchronously destroyed the stream before `subscription` was
        // set; whatever it subscribed to (e.g. a hot part after a synchronous prefix) must go too.
        if (readable.destroyed) subscription.unsubscribe();
      }
    },
    destroy(error, callback) {
      done = true;
      subscription?.unsubscribe();
      callback(error);
    },
  });
  function flush(): void {
    while (wanting && queue.length > 0) wanting = readable.push(queue.shift());
    if (done && queue.length === 0 && !readable.destroyed) readable.push(null);
  }
  return readable;
}

/**
 * Bridges an Observable into an async iterable with a bounded buffer (same policies as
 * {@link toReadable}). Subscribes when iteration starts; `break` or `return` unsubscribes; the
 * Observable's error is thrown from the loop.
 *
 * @example
 * ```ts
 * for await (const message of toAsyncIterable(client.messages$, { bufferSize: 100 })) console.log(message.plainText);
 * ```
 */
export function toAsyncIterable<T>(source: Observable<T>, options: BufferOptions = {}): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<T> {
      const queue = new BoundedQueue<T>(options.bufferSize ?? 1000, options.overflow ?? 'error', options.onDrop);
      let waiting: { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void } | undefined;
      let finished = false;
      let failure: { error: unknown } | undefined;
      // A container first, so an overflow during a synchronous `subscribe` can unsubscribe: adding
      // the source's subscription to a closed container unsubscribes it at once.
      const subscription = new Subscription();
      subscription.add(
        source.subscribe({
          next(value) {
            if (waiting) {
              const w = waiting;
              waiting = undefined;
              w.resolve({ value, done: false });
            } else if (!queue.push(value)) {
              failure = { error: new BufferOverflowError(options.bufferSize ?? 1000) };
              subscription.unsubscribe();
            }
          },
          error(error: unknown) {
            failure = { error };
            if (waiting) {
              const w = waiting;
              waiting = undefined;
              w.reject(error);
            }
          },
          complete() {
            finished = true;
            if (waiting) {
              const w = waiting;
              waiting = undefined;
              w.resolve({ value: undefined, done: true });
            }
          },
        }),
      );
      return {
        next() {
          if (queue.length > 0) return Promise.resolve({ value: queue.shift() as T, done: false });
          if (failure) return Promise.reject(failure.error);
          if (finished) return Promise.resolve({ value: undefined, done: true });
          return new Promise((resolve, reject) => {
            waiting = { resolve, reject };
          });
        },
        return() {
          subscription.unsubscribe();
          finished = true;
          return Promise.resolve({ value: undefined, done: true });
        },
      };
    },
  };
}
