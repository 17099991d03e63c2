import { once } from 'node:events';
import { type Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { expect } from 'chai';
import { concat, config, defer, EMPTY, finalize, type Observable, of, range, Subject } from 'rxjs';
import { BufferOverflowError, toAsyncIterable, toReadable, type BufferOptions } from '../../src/node/to-readable.js';

/** One turn of the event loop (lets `nextTick`/microtask work such as `resume()` run). */
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The source with counters of its subscriptions and teardowns. */
function tracked<T>(source: Observable<T>): { source$: Observable<T>; counts: { subscribed: number; finalized: number } } {
  const counts = { subscribed: 0, finalized: 0 };
  const source$ = defer(() => {
    counts.subscribed += 1;
    return source;
  }).pipe(finalize(() => (counts.finalized += 1)));
  return { source$, counts };
}

/** Everything a readable still yields, until it ends. */
async function collect(readable: Readable): Promise<unknown[]> {
  const values: unknown[] = [];
  for await (const value of readable) values.push(value);
  return values;
}

/** Drains an already-started iterator until it is done (or throws). */
async function drain<T>(iterator: AsyncIterator<T>, into: T[]): Promise<void> {
  for (;;) {
    const result = await iterator.next();
    if (result.done === true) return;
    into.push(result.value);
  }
}

/** Errors RxJS reports as unhandled (an exception thrown inside a subscriber) while `body` runs. */
async function unhandledDuring(body: () => Promise<void>): Promise<unknown[]> {
  const unhandled: unknown[] = [];
  const previous = config.onUnhandledError;
  config.onUnhandledError = (error) => unhandled.push(error);
  try {
    await body();
    // RxJS reports them from a 0 ms timer: a later timer runs after it.
    await new Promise((resolve) => setTimeout(resolve, 10));
  } finally {
    config.onUnhandledError = previous;
  }
  return unhandled;
}

describe('toReadable', () => {
  it('emits the values in order to a flowing consumer and ends on completion', async () => {
    const subject = new Subject<number>();
    const readable = toReadable(subject);
    const data: unknown[] = [];
    readable.on('data', (value) => data.push(value));
    const ended = once(readable, 'end');
    await tick(); // resume() is deferred: the first read happens on the next tick
    expect(subject.observed).to.equal(true);
    subject.next(1);
    subject.next(2);
    subject.next(3);
    subject.complete();
    await ended;
    expect(data).to.deep.equal([1, 2, 3]);
  });

  it('is an object-mode stream (values are not stringified or concatenated)', async () => {
    const values = [{ id: 'a' }, 'b', 3];
    expect(toReadable(of(...values)).readableObjectMode).to.equal(true);
    expect(await collect(toReadable(of(...values)))).to.deep.equal(values);
  });

  it('is cold until read: subscribes on the first read, once', async () => {
    const subject = new Subject<string>();
    const { source$, counts } = tracked(subject);
    const readable = toReadable(source$);
    await tick();
    expect(counts.subscribed, 'subscribed before any read').to.equal(0);
    expect(readable.read()).to.equal(null);
    expect(counts.subscribed).to.equal(1);
    subject.next('a');
    expect(readable.read()).to.equal('a');
    subject.next('b');
    expect(readable.read()).to.equal('b');
    expect(counts.subscribed, 'resubscribed on a later read').to.equal(1);
    readable.destroy();
  });

  it('rejects a bufferSize that is not a whole number ≥ 1', () => {
    expect(() => toReadable(EMPTY, { bufferSize: 0 })).to.throw(RangeError);
    expect(() => toReadable(EMPTY, { bufferSize: 1.5 })).to.throw(RangeError);
    expect(() => toAsyncIterable(EMPTY, { bufferSize: -1 })[Symbol.asyncIterator]()).to.throw(RangeError);
  });

  describe('backpressure (a paused consumer)', () => {
    /**
     * Starts a reader that asks for one value and then stops reading. The first value answers
     * that pending read (it sits in the stream's own one-value buffer, highWaterMark 1); the
     * values after it go to the bounded buffer.
     */
    function pausedReader(options: BufferOptions): {
      subject: Subject<number>;
      readable: Readable;
      counts: { subscribed: number; finalized: number };
    } {
      const subject = new Subject<number>();
      const { source$, counts } = tracked(subject);
      const readable = toReadable(source$, options);
      expect(readable.read()).to.equal(null);
      return { subject, readable, counts };
    }

    it('buffers up to bufferSize, and a consumer that catches up loses nothing', async () => {
      const { subject, readable } = pausedReader({ bufferSize: 3 });
      for (let i = 1; i <= 4; i++) subject.next(i); // 1 answers the pending read, 2..4 fill the buffer
      expect(readable.destroyed).to.equal(false);
      expect([readable.read(), readable.read(), readable.read(), readable.read()]).to.deep.equal([1, 2, 3, 4]);
      for (let i = 5; i <= 8; i++) subject.next(i); // the buffer drained: room again
      expect(readable.destroyed).to.equal(false);
      subject.complete();
      expect(await collect(readable)).to.deep.equal([5, 6, 7, 8]);
    });

    it("'error' (the default) destroys the stream with a BufferOverflowError and unsubscribes", async () => {
      const onDrop: unknown[] = [];
      const { subject, readable, counts } = pausedReader({ bufferSize: 3, onDrop: (value) => onDrop.push(value) });
      const errored = once(readable, 'error');
      for (let i = 1; i <= 4; i++) subject.next(i);
      expect(readable.destroyed, 'destroyed with the buffer merely full').to.equal(false);
      subject.next(5);
      expect(readable.destroyed).to.equal(true);
      const [error] = (await errored) as [unknown];
      expect(error).to.be.instanceOf(BufferOverflowError);
      expect(BufferOverflowError.is(error)).to.equal(true);
      expect((error as BufferOverflowError).name).to.equal('BufferOverflowError');
      expect((error as BufferOverflowError).bufferSize).to.equal(3);
      expect(counts.finalized).to.equal(1);
      expect(subject.observed).to.equal(false);
      expect(onDrop, "onDrop is for the drop policies, 'error' drops nothing silently").to.deep.equal([]);
    });

    it("'error' also unsubscribes when the overflow happens during the synchronous subscribe", async () => {
      // A synchronous prefix that overflows, then a hot part: the hot part must not stay subscribed.
      const hot = new Subject<number>();
      const readable = toReadable(concat(range(1, 10), hot), { bufferSize: 3 });
      const errored = once(readable, 'error');
      readable.read();
      const [error] = (await errored) as [unknown];
      expect(BufferOverflowError.is(error)).to.equal(true);
      expect(hot.observed, 'the source is still subscribed after the overflow').to.equal(false);
    });

    it("'drop-oldest' keeps the newest bufferSize values and reports each dropped one", async () => {
      const dropped: unknown[] = [];
      const { subject, readable } = pausedReader({ bufferSize: 3, overflow: 'drop-oldest', onDrop: (value) => dropped.push(value) });
      for (let i = 1; i <= 10; i++) subject.next(i);
      subject.complete();
      expect(readable.destroyed).to.equal(false);
      expect(dropped).to.deep.equal([2, 3, 4, 5, 6, 7]);
      // 1 answered the pending read; the buffer kept the newest three.
      expect(await collect(readable)).to.deep.equal([1, 8, 9, 10]);
    });

    it("'drop-newest' keeps the first bufferSize values and reports each dropped one", async () => {
      const dropped: unknown[] = [];
      const { subject, readable } = pausedReader({ bufferSize: 3, overflow: 'drop-newest', onDrop: (value) => dropped.push(value) });
      for (let i = 1; i <= 10; i++) subject.next(i);
      subject.complete();
      expect(readable.destroyed).to.equal(false);
      expect(dropped).to.deep.equal([5, 6, 7, 8, 9, 10]);
      expect(await collect(readable)).to.deep.equal([1, 2, 3, 4]);
    });

    it('the drop policies work without an onDrop callback', async () => {
      const oldest = pausedReader({ bufferSize: 2, overflow: 'drop-oldest' });
      const newest = pausedReader({ bufferSize: 2, overflow: 'drop-newest' });
      for (const { subject } of [oldest, newest]) {
        for (let i = 1; i <= 6; i++) subject.next(i);
        subject.complete();
      }
      expect(await collect(oldest.readable)).to.deep.equal([1, 5, 6]);
      expect(await collect(newest.readable)).to.deep.equal([1, 2, 3]);
    });
  });

  it("the source's error destroys the stream with that error", async () => {
    const subject = new Subject<number>();
    const { source$, counts } = tracked(subject);
    const readable = toReadable(source$);
    const errored = once(readable, 'error');
    readable.read();
    subject.next(1);
    const boom = new Error('boom');
    subject.error(boom);
    const [error] = (await errored) as [unknown];
    expect(error).to.equal(boom);
    expect(readable.destroyed).to.equal(true);
    expect(counts.finalized).to.equal(1);
  });

  it('a non-Error the source throws becomes an Error with its text', async () => {
    const subject = new Subject<number>();
    const readable = toReadable(subject);
    const errored = once(readable, 'error');
    readable.read();
    subject.error('not an Error');
    const [error] = (await errored) as [unknown];
    expect(error).to.be.instanceOf(Error);
    expect((error as Error).message).to.equal('not an Error');
  });

  it("completion ends the stream ('end') after the buffered values are read", async () => {
    const subject = new Subject<number>();
    const readable = toReadable(subject);
    readable.read();
    subject.next(1);
    subject.next(2);
    subject.next(3);
    subject.complete();
    let ended = false;
    readable.on('end', () => (ended = true));
    await tick();
    expect(ended, "'end' before the buffered values were read").to.equal(false);
    expect(await collect(readable)).to.deep.equal([1, 2, 3]);
    expect(ended).to.equal(true);
  });

  it('an empty source ends the stream at once', async () => {
    const readable = toReadable(EMPTY);
    expect(await collect(readable)).to.deep.equal([]);
    expect(readable.readableEnded).to.equal(true);
  });

  it('destroying the stream unsubscribes the source', async () => {
    const subject = new Subject<number>();
    const { source$, counts } = tracked(subject);
    const readable = toReadable(source$);
    readable.read();
    subject.next(1);
    expect(counts).to.deep.equal({ subscribed: 1, finalized: 0 });
    const closed = once(readable, 'close');
    readable.destroy();
    expect(counts.finalized).to.equal(1);
    expect(subject.observed).to.equal(false);
    await closed;
    subject.next(2); // nothing listens any more; must not throw
  });

  it('a stream destroyed before its first read never subscribes', async () => {
    const { source$, counts } = tracked(new Subject<number>());
    const readable = toReadable(source$);
    readable.destroy();
    await once(readable, 'close');
    expect(readable.read()).to.equal(null);
    expect(counts).to.deep.equal({ subscribed: 0, finalized: 0 });
  });

  it('breaking out of a for-await over the stream unsubscribes the source', async () => {
    const subject = new Subject<number>();
    const { source$, counts } = tracked(subject);
    const seen: unknown[] = [];
    const loop = (async () => {
      for await (const value of toReadable(source$)) {
        seen.push(value);
        if (value === 2) break;
      }
    })();
    await tick();
    subject.next(1);
    subject.next(2);
    subject.next(3);
    await loop;
    expect(seen).to.deep.equal([1, 2]);
    expect(counts.finalized).to.equal(1);
    expect(subject.observed).to.equal(false);
  });

  it('pipeline() into a slow Writable delivers every value in order, then completes', async () => {
    const { source$, counts } = tracked(range(1, 50));
    const written: unknown[] = [];
    const slow = new Writable({
      objectMode: true,
      highWaterMark: 1,
      write(chunk, _encoding, callback) {
        written.push(chunk);
        setImmediate(callback);
      },
    });
    await pipeline(toReadable(source$, { bufferSize: 100 }), slow);
    expect(written).to.deep.equal(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(counts).to.deep.equal({ subscribed: 1, finalized: 1 });
  });

  it('pipeline() rejects and unsubscribes the source when the Writable fails', async () => {
    const hot = new Subject<number>();
    const { source$, counts } = tracked(concat(range(1, 5), hot));
    const failing = new Writable({
      objectMode: true,
      write(chunk, _encoding, callback) {
        callback(chunk === 3 ? new Error('disk full') : null);
      },
    });
    let failure: unknown;
    await pipeline(toReadable(source$), failing).catch((error: unknown) => (failure = error));
    expect((failure as Error | undefined)?.message).to.equal('disk full');
    expect(counts.finalized).to.equal(1);
    expect(hot.observed).to.equal(false);
  });
});

describe('toAsyncIterable', () => {
  it('for await gets every value, and completion ends the loop', async () => {
    const subject = new Subject<number>();
    const seen: number[] = [];
    const loop = (async () => {
      for await (const value of toAsyncIterable(subject)) seen.push(value);
    })();
    expect(subject.observed, 'subscribed when the iteration starts').to.equal(true);
    subject.next(1); // a waiting next() gets it directly
    subject.next(2); // buffered
    subject.next(3);
    await tick();
    subject.next(4);
    subject.complete();
    await loop;
    expect(seen).to.deep.equal([1, 2, 3, 4]);
  });

  it('is cold: nothing is subscribed until the iteration starts, and each iteration subscribes anew', async () => {
    const { source$, counts } = tracked(of('a', 'b'));
    const iterable = toAsyncIterable(source$);
    expect(counts.subscribed).to.equal(0);
    const first: string[] = [];
    for await (const value of iterable) first.push(value);
    const second: string[] = [];
    for await (const value of iterable) second.push(value);
    expect(first).to.deep.equal(['a', 'b']);
    expect(second).to.deep.equal(['a', 'b']);
    expect(counts).to.deep.equal({ subscribed: 2, finalized: 2 });
  });

  it('an empty source ends the loop at once', async () => {
    let iterations = 0;
    for await (const _ of toAsyncIterable(EMPTY)) iterations += 1;
    expect(iterations).to.equal(0);
  });

  it('break unsubscribes the source', async () => {
    const subject = new Subject<number>();
    const { source$, counts } = tracked(subject);
    const seen: number[] = [];
    const loop = (async () => {
      for await (const value of toAsyncIterable(source$)) {
        seen.push(value);
        if (value === 2) break;
      }
    })();
    subject.next(1);
    await tick();
    subject.next(2);
    await loop;
    expect(seen).to.deep.equal([1, 2]);
    expect(counts.finalized).to.equal(1);
    expect(subject.observed).to.equal(false);
  });

  it('an exception in the loop body unsubscribes the source', async () => {
    const subject = new Subject<number>();
    const { source$, counts } = tracked(subject);
    const loop = (async () => {
      for await (const value of toAsyncIterable(source$)) if (value === 1) throw new Error('body failed');
    })();
    subject.next(1);
    let failure: unknown;
    await loop.catch((error: unknown) => (failure = error));
    expect((failure as Error).message).to.equal('body failed');
    expect(counts.finalized).to.equal(1);
  });

  it("the source's error is thrown from the loop (after the values buffered before it)", async () => {
    const subject = new Subject<number>();
    const seen: number[] = [];
    const loop = (async () => {
      for await (const value of toAsyncIterable(subject)) seen.push(value);
    })();
    const boom = new Error('boom');
    subject.next(1);
    subject.next(2);
    subject.error(boom);
    let failure: unknown;
    await loop.catch((error: unknown) => (failure = error));
    expect(failure).to.equal(boom);
    expect(seen).to.deep.equal([1, 2]);
  });

  it("the source's error reaches a loop already waiting for the next value", async () => {
    const subject = new Subject<number>();
    const loop = (async () => {
      for await (const _ of toAsyncIterable(subject)) {
        // nothing comes
      }
    })();
    await tick();
    const boom = new Error('late boom');
    subject.error(boom);
    let failure: unknown;
    await loop.catch((error: unknown) => (failure = error));
    expect(failure).to.equal(boom);
  });

  describe('overflow policies (values arriving before the consumer reads)', () => {
    it("'error' (the default) yields what was buffered, then throws a BufferOverflowError; the source is unsubscribed at the overflow", async () => {
      const subject = new Subject<number>();
      const { source$, counts } = tracked(subject);
      const iterator = toAsyncIterable(source$, { bufferSize: 3 })[Symbol.asyncIterator]();
      for (let i = 1; i <= 3; i++) subject.next(i);
      expect(subject.observed, 'unsubscribed with the buffer merely full').to.equal(true);
      subject.next(4);
      expect(counts.finalized).to.equal(1);
      expect(subject.observed).to.equal(false);
      const seen: number[] = [];
      let failure: unknown;
      await drain(iterator, seen).catch((error: unknown) => (failure = error));
      expect(seen).to.deep.equal([1, 2, 3]);
      expect(BufferOverflowError.is(failure)).to.equal(true);
      expect((failure as BufferOverflowError).bufferSize).to.equal(3);
    });

    it("'error' with a source that overflows synchronously: thrown from the loop, nothing unhandled, the source unsubscribed", async () => {
      const hot = new Subject<number>();
      const seen: number[] = [];
      let failure: unknown;
      const unhandled = await unhandledDuring(async () => {
        try {
          for await (const value of toAsyncIterable(concat(range(1, 10), hot), { bufferSize: 3 })) seen.push(value);
        } catch (error) {
          failure = error;
        }
      });
      expect(unhandled, 'errors thrown inside the subscriber').to.deep.equal([]);
      expect(seen).to.deep.equal([1, 2, 3]);
      expect(BufferOverflowError.is(failure)).to.equal(true);
      expect(hot.observed, 'the source is still subscribed after the overflow').to.equal(false);
    });

    it("'drop-oldest' keeps the newest bufferSize values and reports each dropped one", async () => {
      const subject = new Subject<number>();
      const dropped: unknown[] = [];
      const iterator = toAsyncIterable(subject, { bufferSize: 3, overflow: 'drop-oldest', onDrop: (value) => dropped.push(value) })[
        Symbol.asyncIterator
      ]();
      for (let i = 1; i <= 10; i++) subject.next(i);
      subject.complete();
      const seen: number[] = [];
      await drain(iterator, seen);
      expect(seen).to.deep.equal([8, 9, 10]);
      expect(dropped).to.deep.equal([1, 2, 3, 4, 5, 6, 7]);
    });

    it("'drop-newest' keeps the first bufferSize values and reports each dropped one", async () => {
      const subject = new Subject<number>();
      const dropped: unknown[] = [];
      const iterator = toAsyncIterable(subject, { bufferSize: 3, overflow: 'drop-newest', onDrop: (value) => dropped.push(value) })[
        Symbol.asyncIterator
      ]();
      for (let i = 1; i <= 10; i++) subject.next(i);
      subject.complete();
      const seen: number[] = [];
      await drain(iterator, seen);
      expect(seen).to.deep.equal([1, 2, 3]);
      expect(dropped).to.deep.equal([4, 5, 6, 7, 8, 9, 10]);
    });

    it('the drop policies work without an onDrop callback (the buffer stays bounded)', async () => {
      const results: number[][] = [];
      for (const overflow of ['drop-oldest', 'drop-newest'] as const) {
        const subject = new Subject<number>();
        const iterator = toAsyncIterable(subject, { bufferSize: 2, overflow })[Symbol.asyncIterator]();
        for (let i = 1; i <= 6; i++) subject.next(i);
        subject.complete();
        const seen: number[] = [];
        await drain(iterator, seen);
        results.push(seen);
      }
      expect(results).to.deep.equal([
        [5, 6],
        [1, 2],
      ]);
    });

    it('a consumer that keeps up never overflows a small buffer', async () => {
      const subject = new Subject<number>();
      const seen: number[] = [];
      const loop = (async () => {
        for await (const value of toAsyncIterable(subject, { bufferSize: 1 })) seen.push(value);
      })();
      for (let i = 1; i <= 20; i++) {
        subject.next(i);
        await tick();
      }
      subject.complete();
      await loop;
      expect(seen).to.deep.equal(Array.from({ length: 20 }, (_, i) => i + 1));
    });
  });
});
