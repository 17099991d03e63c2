import { expect } from 'chai';
import { compareIsoDateTimes, parseIsoDateTime } from '../../src/codecs/index.js';

describe('parseIsoDateTime / compareIsoDateTimes', () => {
  const seconds = Date.UTC(2026, 11, 4, 18, 20, 36) / 1000;

  it('reads every form a server writes, at full precision', () => {
    expect(parseIsoDateTime('2026-12-04T18:20:36.1234567+00:00')).to.deep.equal({ seconds, nanoseconds: 123_456_700 });
    expect(parseIsoDateTime('2026-12-04T18:20:36.1234567Z')).to.deep.equal({ seconds, nanoseconds: 123_456_700 });
    expect(parseIsoDateTime('2026-12-04T18:20:36.123Z')).to.deep.equal({ seconds, nanoseconds: 123_000_000 });
    expect(parseIsoDateTime('2026-12-04T18:20:36+00:00')).to.deep.equal({ seconds, nanoseconds: 0 });
    expect(parseIsoDateTime('2026-12-04T18:20:36')).to.deep.equal({ seconds, nanoseconds: 0 }); // no offset: UTC
    expect(parseIsoDateTime('2026-12-05T01:20:36.5+07:00')).to.deep.equal({ seconds, nanoseconds: 500_000_000 });
    expect(parseIsoDateTime('2026-12-04T13:50:36-04:30')).to.deep.equal({ seconds, nanoseconds: 0 });
  });

  it('answers null for what is not a date-time', () => {
    for (const bad of ['', 'yesterday', '2026-12-04', '2026-12-04 18:20:36Z', '2026-12-04T18:20:36.Z'])
      expect(parseIsoDateTime(bad), bad).to.equal(null);
  });

  it('orders instants, not strings: mixed offsets and digit counts', () => {
    // As strings these compare the other way round.
    expect(compareIsoDateTimes('2026-12-04T18:20:36.5Z', '2026-12-04T19:20:36.4+01:00')).to.equal(1);
    expect('2026-12-04T18:20:36.5Z' < '2026-12-04T19:20:36.4+01:00').to.equal(true);
    expect(compareIsoDateTimes('2026-12-04T18:20:36.1000000+00:00', '2026-12-04T18:20:36.1Z')).to.equal(0);
    expect(compareIsoDateTimes('2026-12-04T18:20:36.1234567+00:00', '2026-12-04T18:20:36.1234568+00:00')).to.equal(-1);
    // Sub-millisecond order, which Date.parse loses.
    expect(Date.parse('2026-12-04T18:20:36.1234567Z')).to.equal(Date.parse('2026-12-04T18:20:36.1239999Z'));
    expect(compareIsoDateTimes('2026-12-04T18:20:36.1239999Z', '2026-12-04T18:20:36.1234567Z')).to.equal(1);
  });

  it('never throws inside a sort: non-dates sort first, among themselves as strings', () => {
    const sorted = ['2026-12-04T18:20:36Z', 'b', '2025-01-01T00:00:00+00:00', 'a'].sort(compareIsoDateTimes);
    expect(sorted).to.deep.equal(['a', 'b', '2025-01-01T00:00:00+00:00', '2026-12-04T18:20:36Z']);
  });
});
