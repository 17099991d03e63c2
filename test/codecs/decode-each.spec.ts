import { expect } from 'chai';
import { Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { DecodeError, decodeEach, TypingDto, type DecodeIssue } from '../../src/codecs/index.js';

const alice = { conversationId: '01JRZ9C0NVGR0UP00000000001', participantId: '01JRZ8M4Q7X9V2K5T3N6P0W1YH', participantName: 'Alice Tran' };
const bob = { conversationId: '01JRZ9C0NVGR0UP00000000001', participantId: '01JRZ8M5A2B3C4D5E6F7G8H9JK', participantName: 'Bob Nguyen' };
const carol = { conversationId: '01JRZ9C0NVGR0UP00000000001', participantId: '01JRZ8M6RSTVWXYZ0123456789', participantName: 'Carol Le' };
/** Missing `participantName`. */
const noName = { conversationId: '01JRZ9C0NVGR0UP00000000001', participantId: '01JRZ8M6RSTVWXYZ0123456789' };
/** `participantId` of the wrong type. */
const numericId = { conversationId: '01JRZ9C0NVGR0UP00000000001', participantId: 42, participantName: 'Dan' };

function newScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => {
    expect(actual).to.deep.equal(expected);
  });
}

/** Captures what `decodeEach` reports, with the virtual frame it was reported at. */
function recorder(scheduler: TestScheduler): {
  report: (error: DecodeError) => void;
  reports: Array<{ frame: number; error: DecodeError }>;
} {
  const reports: Array<{ frame: number; error: DecodeError }> = [];
  return { reports, report: (error) => reports.push({ frame: scheduler.now(), error }) };
}

const issuesOf = (error: DecodeError): Array<Pick<DecodeIssue, 'path' | 'expected' | 'actual'>> =>
  error.issues.map(({ path, expected, actual }) => ({ path, expected, actual }));

describe('decodeEach', () => {
  it('passes valid values through, in order and at their frames, then completes', () => {
    const scheduler = newScheduler();
    const { report, reports } = recorder(scheduler);
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b--c-|', { a: alice, b: bob, c: carol });
      expectObservable(source.pipe(decodeEach(TypingDto, report))).toBe('-a-b--c-|', { a: alice, b: bob, c: carol });
      expectSubscriptions(source.subscriptions).toBe('^-------!');
    });
    expect(reports).to.deep.equal([]);
  });

  it('reports a bad value once, with a DecodeError, skips it and goes on', () => {
    const scheduler = newScheduler();
    const { report, reports } = recorder(scheduler);
    scheduler.run(({ cold, expectObservable }) => {
      const source = cold('-a-x-b-|', { a: alice, x: noName, b: bob });
      expectObservable(source.pipe(decodeEach(TypingDto, report))).toBe('-a---b-|', { a: alice, b: bob });
    });
    expect(reports).to.have.length(1);
    const [first] = reports;
    expect(first?.frame).to.equal(3);
    expect(first?.error).to.be.instanceOf(DecodeError);
    expect(first?.error.codec).to.equal('TypingDto');
    expect(first?.error.value).to.equal(noName);
    expect(issuesOf(first!.error)).to.deep.equal([{ path: 'participantName', expected: 'string', actual: undefined }]);
  });

  it('reports each bad value separately, in order', () => {
    const scheduler = newScheduler();
    const { report, reports } = recorder(scheduler);
    scheduler.run(({ cold, expectObservable }) => {
      const source = cold('xyaz-b|', { x: noName, y: numericId, a: alice, z: 'typing', b: bob });
      expectObservable(source.pipe(decodeEach(TypingDto, report))).toBe('--a--b|', { a: alice, b: bob });
    });
    expect(reports.map((r) => r.frame)).to.deep.equal([0, 1, 3]);
    expect(reports.map((r) => issuesOf(r.error))).to.deep.equal([
      [{ path: 'participantName', expected: 'string', actual: undefined }],
      [{ path: 'participantId', expected: 'string', actual: 42 }],
      [{ path: '', expected: 'TypingDto', actual: 'typing' }],
    ]);
  });

  it('propagates the source error (after the values before it)', () => {
    const scheduler = newScheduler();
    const { report, reports } = recorder(scheduler);
    const failure = new Error('connection lost');
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-x-#', { a: alice, x: noName }, failure);
      expectObservable(source.pipe(decodeEach(TypingDto, report))).toBe('-a---#', { a: alice }, failure);
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
    expect(reports).to.have.length(1);
  });

  it('propagates completion of an empty source', () => {
    const scheduler = newScheduler();
    const { report, reports } = recorder(scheduler);
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('---|').pipe(decodeEach(TypingDto, report))).toBe('---|');
    });
    expect(reports).to.deep.equal([]);
  });

  it('completes even when every value was bad', () => {
    const scheduler = newScheduler();
    const { report, reports } = recorder(scheduler);
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('xy|', { x: null, y: [] }).pipe(decodeEach(TypingDto, report))).toBe('--|');
    });
    expect(reports).to.have.length(2);
  });

  it('unsubscribes from the source when the subscriber unsubscribes', () => {
    const scheduler = newScheduler();
    const { report } = recorder(scheduler);
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-a-b-c-d-|', { a: alice, b: bob, c: carol, d: alice });
      const unsubscribe = '-----!';
      expectObservable(source.pipe(decodeEach(TypingDto, report)), unsubscribe).toBe('-a-b--', { a: alice, b: bob });
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('is cold: each subscriber gets its own subscription to the source', () => {
    const scheduler = newScheduler();
    const { report } = recorder(scheduler);
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a|', { a: alice });
      const decoded = source.pipe(decodeEach(TypingDto, report));
      expectObservable(decoded).toBe('-a|', { a: alice });
      expectObservable(decoded).toBe('-a|', { a: alice });
      expectSubscriptions(source.subscriptions).toBe(['^-!', '^-!']);
    });
  });

  it('reports synchronously, before the next value is seen', () => {
    const source = new Subject<unknown>();
    const events: string[] = [];
    const subscription = source
      .pipe(decodeEach(TypingDto, (error) => events.push(`report ${error.issues[0]?.path ?? '?'}`)))
      .subscribe((value) => events.push(`next ${value.participantName}`));
    source.next(alice);
    source.next(numericId);
    events.push('after bad value');
    source.next(bob);
    subscription.unsubscribe();
    expect(source.observed).to.equal(false);
    expect(events).to.deep.equal(['next Alice Tran', 'report participantId', 'after bad value', 'next Bob Nguyen']);
  });
});
