/**
 * A hot source for many subscribers that allocates nothing per value: what a hub's event
 * streams are made of, one per event name. An RxJS `Subject` does the same job, but its `next`
 * allocates a closure and an iterator per value (in the CommonJS build Node loads), and a hub
 * event passes two of them; at tens of thousands of events a second that is garbage the young
 * generation collects for nothing (see docs/performance.md).
 *
 * Subscribers are kept in an array replaced (never changed) on subscribe and unsubscribe, so a
 * value is delivered to the subscribers there were when it came, even if one of them
 * unsubscribes another meanwhile. A subscriber's own error is RxJS's to report (its `next`
 * never throws into the loop). Internal.
 */
import { Observable, type Subscriber, Subscription } from 'rxjs';

/** A hot Observable that the owner feeds with `next`; it never errors or completes. */
export class Multicast<T> extends Observable<T> {
  private subscribers: ReadonlyArray<Subscriber<T>> = [];

  constructor() {
    super((subscriber) => {
      this.subscribers = [...this.subscribers, subscriber];
      return () => {
        this.subscribers = this.subscribers.filter((s) => s !== subscriber);
      };
    });
  }

  /** True while anyone subscribes. */
  get observed(): boolean {
    return this.subscribers.length > 0;
  }

  /** Delivers `value` to every subscriber there is now, in the order they subscribed. */
  next(value: T): void {
    const subscribers = this.subscribers;
    for (let i = 0; i < subscribers.length; i++) (subscribers[i] as Subscriber<T>).next(value);
  }

  /** Ends every subscriber there is now with `error` (and forgets them). */
  error(error: unknown): void {
    const subscribers = this.subscribers;
    this.subscribers = [];
    for (const subscriber of subscribers) subscriber.error(error);
  }

  /** Completes every subscriber there is now (and forgets them). */
  complete(): void {
    const subscribers = this.subscribers;
    this.subscribers = [];
    for (const subscriber of subscribers) subscriber.complete();
  }
}

/**
 * `source` shared while anyone subscribes, as `share()` does with its defaults (subscribed on the
 * first subscriber, unsubscribed after the last; after an error or completion, reaching every
 * subscriber there was, the next subscriber starts it over) — without the allocations of
 * `share`'s Subject per value.
 */
export function shareLight<T>(source: Observable<T>): Observable<T> {
  let out: Multicast<T> | undefined;
  let upstream: Subscription | undefined;
  return new Observable<T>((subscriber) => {
    let hub = out;
    if (hub === undefined) {
      hub = new Multicast<T>();
      out = hub;
    }
    const current = hub;
    const inner = current.subscribe(subscriber);
    if (upstream === undefined) {
      const ended = (): void => {
        if (out === current) {
          out = undefined;
          upstream = undefined;
        }
      };
      // Set before subscribing, so a subscriber arriving during a synchronous emission shares it.
      const connection = new Subscription();
      upstream = connection;
      connection.add(
        source.subscribe({
          next: (value) => current.next(value),
          error: (error: unknown) => {
            ended();
            current.error(error);
          },
          complete: () => {
            ended();
            current.complete();
          },
        }),
      );
    }
    return () => {
      inner.unsubscribe();
      if (out === current && !current.observed && upstream !== undefined) {
        const closing = upstream;
        out = undefined;
        upstream = undefined;
        closing.unsubscribe();
      }
    };
  });
}

/** What a `shareMapped` projection returns for a value to skip. */
export const SKIP: unique symbol = Symbol('skip');

/**
 * `source` mapped through `project` once per value for all subscribers ({@link SKIP}: skipped),
 * subscribed while anyone subscribes — `source.pipe(map, filter, share())` without the
 * per-value allocations of `share`'s Subject. For a source that never errors or completes.
 */
export function shareMapped<S, T>(source: Observable<S>, project: (value: S) => T | typeof SKIP): Observable<T> {
  const out = new Multicast<T>();
  let upstream: Subscription | undefined;
  return new Observable<T>((subscriber) => {
    const inner = out.subscribe(subscriber);
    upstream ??= source.subscribe((value) => {
      const mapped = project(value);
      if (mapped !== SKIP) out.next(mapped);
    });
    return () => {
      inner.unsubscribe();
      if (!out.observed && upstream !== undefined) {
        const closing = upstream;
        upstream = undefined;
        closing.unsubscribe();
      }
    };
  });
}
