import { expect } from 'chai';
import {
  emptyGapLedger,
  type GapLedger,
  type GapLedgerEntry,
  type GapLedgerEvent,
  isGiven,
  missedIds,
  reduceGapLedger,
} from '../../src/streams/gap-ledger.js';

const C = 'c1';
const run = (events: readonly GapLedgerEvent[], ledger: GapLedger = emptyGapLedger()): GapLedger =>
  events.reduce((l, e) => reduceGapLedger(l, e), ledger);
const m = (id: string): { id: string } => ({ id });
const given = (id: string): GapLedgerEvent => ({ type: 'given', conversationId: C, id });
/** What an entry says, as a plain object. */
const said = (entry: GapLedgerEntry | undefined): object | undefined =>
  entry === undefined ? undefined : { floor: entry.floor, recent: [...entry.recent], owed: entry.owed };

describe('gap ledger (pure reducer)', () => {
  it('covers a conversation from its baseline: at or below it counts as given, above it does not', () => {
    const l = run([{ type: 'covered', conversationId: C, baseline: 'm05', owed: false }]);
    const entry = l.entries.get(C);
    expect(said(entry)).to.deep.equal({ floor: 'm05', recent: [], owed: undefined });
    expect(isGiven(entry as never, 'm04')).to.equal(true);
    expect(isGiven(entry as never, 'm05')).to.equal(true);
    expect(isGiven(entry as never, 'm06')).to.equal(false);
  });

  it('a second cover changes nothing (the first baseline stands)', () => {
    const once = run([{ type: 'covered', conversationId: C, baseline: 'm05', owed: false }]);
    expect(reduceGapLedger(once, { type: 'covered', conversationId: C, baseline: 'm09', owed: true })).to.equal(once);
  });

  it('a baseline taken before the join is owed from itself', () => {
    const l = run([{ type: 'covered', conversationId: C, baseline: 'm05', owed: true }]);
    expect(l.entries.get(C)?.owed).to.equal('m05');
  });

  it('remembers given ids; giving one twice returns the same ledger', () => {
    const l = run([{ type: 'covered', conversationId: C, baseline: 'm01', owed: false }, given('m03'), given('m02')]);
    expect(l.entries.get(C)?.recent).to.deep.equal(['m02', 'm03']);
    expect(reduceGapLedger(l, given('m03'))).to.equal(l);
  });

  it('a live message of an uncovered conversation starts an entry without a floor', () => {
    const l = run([given('m07')]);
    expect(said(l.entries.get(C))).to.deep.equal({ floor: undefined, recent: ['m07'], owed: undefined });
    // Nothing is known below the first id given: a recovery takes it as given.
    expect(missedIds(l, C, [m('m06'), m('m07'), m('m08')]).map((x) => x.id)).to.deep.equal(['m08']);
  });

  it('a new session owes every covered conversation from its newest id; the first session owes nothing', () => {
    const base = run([{ type: 'covered', conversationId: C, baseline: 'm01', owed: false }, given('m02')]);
    expect(run([{ type: 'sessionStarted', session: 1 }], base).entries.get(C)?.owed).to.equal(undefined);
    const second = run(
      [
        { type: 'sessionStarted', session: 1 },
        { type: 'sessionStarted', session: 2 },
      ],
      base,
    );
    expect(second.session).to.equal(2);
    expect(second.entries.get(C)?.owed).to.equal('m02');
  });

  it('an older debt stays when another connection is lost before it was paid', () => {
    const l = run([
      { type: 'covered', conversationId: C, baseline: 'm01', owed: false },
      { type: 'sessionStarted', session: 2 },
      given('m05'),
      { type: 'sessionStarted', session: 3 },
    ]);
    expect(l.entries.get(C)?.owed).to.equal('m01');
  });

  it('a stale session number changes nothing', () => {
    const l = run([{ type: 'sessionStarted', session: 3 }]);
    expect(reduceGapLedger(l, { type: 'sessionStarted', session: 2 })).to.equal(l);
  });

  it('a recovery pays the debt it started from on the current session, and gives what it found', () => {
    const owed = run([
      { type: 'covered', conversationId: C, baseline: 'm01', owed: false },
      given('m02'),
      { type: 'sessionStarted', session: 2 },
    ]);
    const missed = missedIds(owed, C, [m('m04'), m('m03'), m('m02'), m('m01')]);
    expect(missed.map((x) => x.id)).to.deep.equal(['m03', 'm04']);
    const paid = reduceGapLedger(owed, { type: 'recovered', conversationId: C, from: 'm02', session: 2, given: ['m03', 'm04'] });
    expect(said(paid.entries.get(C))).to.deep.equal({ floor: 'm01', recent: ['m02', 'm03', 'm04'], owed: undefined });
  });

  it('a recovery that ends after a newer connection started gives what it found but leaves the debt', () => {
    const owed = run([
      { type: 'covered', conversationId: C, baseline: 'm01', owed: false },
      { type: 'sessionStarted', session: 2 },
      { type: 'sessionStarted', session: 3 },
    ]);
    const l = reduceGapLedger(owed, { type: 'recovered', conversationId: C, from: 'm01', session: 2, given: ['m02'] });
    expect(l.entries.get(C)?.owed).to.equal('m01');
    expect(isGiven(l.entries.get(C) as never, 'm02')).to.equal(true);
  });

  it('finds a message overtaken on its way (below the newest given, never given) as missed', () => {
    const l = run([
      { type: 'covered', conversationId: C, baseline: 'm01', owed: false },
      given('m02'),
      given('m04'),
      { type: 'sessionStarted', session: 2 },
    ]);
    expect(missedIds(l, C, [m('m05'), m('m04'), m('m03'), m('m02')]).map((x) => x.id)).to.deep.equal(['m03', 'm05']);
  });

  it('missedIds: each once, ascending; nothing for a conversation not covered', () => {
    const l = run([{ type: 'covered', conversationId: C, baseline: '', owed: true }]);
    expect(missedIds(l, C, [m('m02'), m('m01'), m('m02')]).map((x) => x.id)).to.deep.equal(['m01', 'm02']);
    expect(missedIds(l, 'other', [m('m01')])).to.deep.equal([]);
  });

  it('suspended: a held conversation that stopped being joined is owed from its newest id', () => {
    const l = run([
      { type: 'covered', conversationId: C, baseline: 'm01', owed: false },
      given('m03'),
      { type: 'suspended', conversationId: C },
    ]);
    expect(l.entries.get(C)?.owed).to.equal('m03');
  });

  it('uncovered drops the entry; uncovering twice returns the same ledger', () => {
    const l = run([
      { type: 'covered', conversationId: C, baseline: 'm01', owed: false },
      { type: 'uncovered', conversationId: C },
    ]);
    expect(l.entries.has(C)).to.equal(false);
    expect(reduceGapLedger(l, { type: 'uncovered', conversationId: C })).to.equal(l);
  });

  it('the memory is bounded: past the limit the oldest ids roll into the floor; a debt holds a larger window', () => {
    const ids = Array.from({ length: 12 }, (_, i) => `m${String(i + 10).padStart(2, '0')}`);
    const small = run(
      [{ type: 'covered', conversationId: C, baseline: 'm00', owed: false }, ...ids.map(given)],
      emptyGapLedger({ recentIds: 4, recentIdsOwed: 8 }),
    );
    expect(small.entries.get(C)?.recent).to.deep.equal(['m18', 'm19', 'm20', 'm21']);
    expect(small.entries.get(C)?.floor).to.equal('m17');
    const owing = run(
      [{ type: 'covered', conversationId: C, baseline: 'm00', owed: true }, ...ids.map(given)],
      emptyGapLedger({ recentIds: 4, recentIdsOwed: 8 }),
    );
    expect(owing.entries.get(C)?.recent).to.have.length(8);
    expect(owing.entries.get(C)?.floor).to.equal('m13');
  });

  it('leaves the ledger it was given unchanged (a new ledger shares the rest)', () => {
    const before = run([{ type: 'covered', conversationId: C, baseline: 'm01', owed: false }]);
    const snapshot = JSON.stringify([...before.entries].map(([id, entry]) => [id, said(entry)]));
    run([given('m02'), { type: 'sessionStarted', session: 2 }, { type: 'uncovered', conversationId: C }], before);
    expect(JSON.stringify([...before.entries].map(([id, entry]) => [id, said(entry)]))).to.equal(snapshot);
  });

  it('every ledger keeps what it said while later ones give more, roll ids over and branch off it', () => {
    // Live ids share one buffer between successive ledgers: this checks that no ledger ever sees
    // another's ids, across roll-overs and the buffer's compactions (limit 8, 600 ids), and with
    // two ledgers given different ids from the same one (the second must not append to the first's).
    const cap = 8;
    const id = (n: number): string => `m${String(n).padStart(4, '0')}`;
    const expected = (given: readonly string[]): object => ({
      floor: given.length > cap ? given[given.length - cap - 1] : id(0),
      recent: given.slice(-cap),
      owed: undefined,
    });
    const start = run([{ type: 'covered', conversationId: C, baseline: id(0), owed: false }], emptyGapLedger({ recentIds: cap }));
    const chain: GapLedger[] = [start];
    const branches: Array<{ ledger: GapLedger; given: string[] }> = [];
    for (let n = 1; n <= 600; n++) {
      const previous = chain[n - 1] as GapLedger;
      chain.push(reduceGapLedger(previous, given(id(n * 2))));
      // Every 7th: a branch from the previous ledger, given an id between (not the chain's next).
      if (n % 7 === 0) {
        const before = Array.from({ length: n - 1 }, (_, i) => id((i + 1) * 2));
        branches.push({ ledger: reduceGapLedger(previous, given(id(n * 2 + 1))), given: [...before, id(n * 2 + 1)] });
      }
    }
    chain.forEach((ledger, n) => {
      expect(said(ledger.entries.get(C)), `ledger ${n}`).to.deep.equal(expected(Array.from({ length: n }, (_, i) => id((i + 1) * 2))));
    });
    for (const branch of branches) expect(said(branch.ledger.entries.get(C))).to.deep.equal(expected(branch.given));
    // And the answers read from the window agree with the array it shows.
    const last = chain[600]?.entries.get(C) as GapLedgerEntry;
    expect(isGiven(last, id(1200))).to.equal(true);
    expect(isGiven(last, id(1101))).to.equal(true); // below the floor (never given, taken as given)
    expect(isGiven(last, id(1199))).to.equal(false); // above it, never given
    expect(isGiven(last, id(1201))).to.equal(false);
  });
});
