import { expect } from 'chai';
import { from, map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { distinctById } from '../../src/streams/distinct-by-id.js';

function newScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => {
    expect(actual).to.deep.equal(expected);
  });
}

const v = { a: { id: 'a' }, b: { id: 'b' }, c: { id: 'c' }, d: { id: 'd' } };

describe('distinctById', () => {
  it('lets each id through once and follows the source’s subscription', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b-a-c-b-a-|', v);
      expectObservable(source.pipe(distinctById())).toBe('-a-b---c-----|', v);
      expectSubscriptions(source.subscriptions).toBe('^------------!');
    });
  });

  it('has bounded memory: an id older than `memory` ids is let through again', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      // memory 2: after a, b, c the ring holds b, c — a is forgotten and passes again; then the ring
      // holds c, a: the repeated c is still known, b is forgotten and passes again.
      const source = cold('-a-b-c-a-c-b-|', v);
      expectObservable(source.pipe(distinctById(2))).toBe('-a-b-c-a---b-|', v);
    });
  });

  it('does not count dropped duplicates against the memory', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      // memory 2: a, b, then a duplicate b (dropped) — a must still be known.
      const source = cold('-a-b-b-a-|', v);
      expectObservable(source.pipe(distinctById(2))).toBe('-a-b-----|', v);
    });
  });

  it('gives each subscription its own memory', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-a-b-|', v);
      const result = source.pipe(
        distinctById(),
        map((x) => x.id),
      );
      expectObservable(result).toBe('-a---b-|', { a: 'a', b: 'b' });
      expectObservable(result, '--^------').toBe('---a---b-|', { a: 'a', b: 'b' });
      expectSubscriptions(source.subscriptions).toBe(['^------!', '--^------!']);
    });
  });

  it('over a long stream remembers exactly `memory` ids: 11 ids cycling through a memory of 10 all pass, 10 ids only once', () => {
    let passedEleven = 0;
    from(Array.from({ length: 100_000 }, (_, i) => ({ id: `m${i % 11}` })))
      .pipe(distinctById(10))
      .subscribe(() => (passedEleven += 1));
    expect(passedEleven).to.equal(100_000);
    let passedTen = 0;
    from(Array.from({ length: 100_000 }, (_, i) => ({ id: `m${i % 10}` })))
      .pipe(distinctById(10))
      .subscribe(() => (passedTen += 1));
    expect(passedTen).to.equal(10);
  });
});
