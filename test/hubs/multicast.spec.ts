import { expect } from 'chai';
import { defer, Observable, Subject, throwError } from 'rxjs';
import { Multicast, SKIP, shareLight, shareMapped } from '../../src/hubs/multicast.js';

describe('Multicast, shareMapped, shareLight (the hub streams without a Subject per value)', () => {
  it('Multicast delivers each value to the subscribers there are, in order; error and complete end them all', () => {
    const hub = new Multicast<number>();
    const a: unknown[] = [];
    const b: unknown[] = [];
    const subA = hub.subscribe({ next: (v) => a.push(v), complete: () => a.push('done') });
    hub.next(1);
    const subB = hub.subscribe({ next: (v) => b.push(v), error: (e: unknown) => b.push(`error ${String(e)}`) });
    expect(hub.observed).to.equal(true);
    hub.next(2);
    subA.unsubscribe();
    hub.next(3);
    hub.error('boom');
    hub.next(4);
    expect(a).to.deep.equal([1, 2]);
    expect(b).to.deep.equal([2, 3, 'error boom']);
    expect(hub.observed).to.equal(false);
    expect(subB.closed).to.equal(true);
    const c: unknown[] = [];
    hub.subscribe({ next: (v) => c.push(v), complete: () => c.push('done') });
    hub.complete();
    expect(c).to.deep.equal(['done']);
  });

  it('a subscriber unsubscribed by another during a delivery gets nothing more', () => {
    const hub = new Multicast<number>();
    const got: number[] = [];
    let second: { unsubscribe(): void } | undefined;
    hub.subscribe(() => second?.unsubscribe());
    second = hub.subscribe((v) => got.push(v));
    hub.next(1);
    expect(got).to.deep.equal([]);
  });

  it('shareMapped maps once per value for every subscriber, skips SKIP, and holds the source only while subscribed', () => {
    const source = new Subject<number>();
    let projected = 0;
    const shared = shareMapped(source, (v) => {
      projected += 1;
      return v % 2 === 0 ? v * 10 : SKIP;
    });
    const a: number[] = [];
    const b: number[] = [];
    const subA = shared.subscribe((v) => a.push(v));
    const subB = shared.subscribe((v) => b.push(v));
    expect(source.observed).to.equal(true);
    for (const v of [1, 2, 3, 4]) source.next(v);
    expect(a).to.deep.equal([20, 40]);
    expect(b).to.deep.equal([20, 40]);
    expect(projected, 'once per value, not per subscriber').to.equal(4);
    subA.unsubscribe();
    expect(source.observed).to.equal(true);
    subB.unsubscribe();
    expect(source.observed, 'released with the last subscriber').to.equal(false);
    const c: number[] = [];
    shared.subscribe((v) => c.push(v));
    source.next(6);
    expect(c).to.deep.equal([60]);
  });

  it('shareLight subscribes once for all subscribers, and an error ends every one of them', () => {
    let subscriptions = 0;
    let unsubscriptions = 0;
    const source = new Subject<string>();
    const shared = shareLight(
      new Observable<string>((subscriber) => {
        subscriptions += 1;
        const inner = source.subscribe(subscriber);
        return () => {
          unsubscriptions += 1;
          inner.unsubscribe();
        };
      }),
    );
    const a: string[] = [];
    const b: string[] = [];
    const subA = shared.subscribe({ next: (v) => a.push(v), error: (e: unknown) => a.push(`error ${String(e)}`) });
    shared.subscribe({ next: (v) => b.push(v), error: (e: unknown) => b.push(`error ${String(e)}`) });
    source.next('x');
    expect(subscriptions).to.equal(1);
    source.error('bad');
    expect(unsubscriptions, 'the source ended itself; nothing left to unsubscribe').to.equal(1);
    expect(a).to.deep.equal(['x', 'error bad']);
    expect(b).to.deep.equal(['x', 'error bad']);
    expect(subA.closed).to.equal(true);
  });

  it('shareLight: refcount to zero unsubscribes; a synchronous error reaches the subscriber and the next one starts over', () => {
    let runs = 0;
    let tornDown = 0;
    const source = new Subject<number>();
    const shared = shareLight(
      defer(() => {
        runs += 1;
        return new Observable<number>((subscriber) => {
          const inner = source.subscribe(subscriber);
          return () => {
            tornDown += 1;
            inner.unsubscribe();
          };
        });
      }),
    );
    const first = shared.subscribe();
    const second = shared.subscribe();
    first.unsubscribe();
    expect(tornDown).to.equal(0);
    second.unsubscribe();
    expect(tornDown).to.equal(1);
    shared.subscribe().unsubscribe();
    expect(runs).to.equal(2);

    let attempts = 0;
    const failing = shareLight(
      defer(() => {
        attempts += 1;
        return throwError(() => new Error(`attempt ${attempts}`));
      }),
    );
    const errors: string[] = [];
    failing.subscribe({ error: (e: Error) => errors.push(e.message) });
    failing.subscribe({ error: (e: Error) => errors.push(e.message) });
    expect(errors).to.deep.equal(['attempt 1', 'attempt 2']);
  });

  it('shareLight: a subscriber arriving during a synchronous emission shares the same run', () => {
    let runs = 0;
    const late: number[] = [];
    const shared: Observable<number> = shareLight(
      new Observable<number>((subscriber) => {
        runs += 1;
        subscriber.next(1);
        subscriber.next(2);
      }),
    );
    shared.subscribe((v) => {
      if (v === 1) shared.subscribe((w) => late.push(w));
    });
    expect(runs).to.equal(1);
    expect(late).to.deep.equal([2]);
  });
});
