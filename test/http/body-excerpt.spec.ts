import { expect } from 'chai';
import { boundedJson, errorBody, ERROR_BODY_LIMIT, fitsWithin, textExcerpt } from '../../src/http/body-excerpt.js';

describe('body excerpts (what an error may keep of a body)', () => {
  it('textExcerpt keeps a short text and cuts a long one to the limit and …', () => {
    expect(textExcerpt('abc', 3)).to.equal('abc');
    expect(textExcerpt('abcd', 3)).to.equal('abc…');
    expect(textExcerpt('x'.repeat(10_000))).to.have.length(ERROR_BODY_LIMIT + 1);
  });

  it('boundedJson writes what JSON.stringify writes while it fits, else an excerpt of it', () => {
    const value = { a: [1, 'two', null, true, undefined], b: { c: 'd' }, skipped: undefined, date: new Date(0) };
    expect(boundedJson(value)).to.equal(JSON.stringify(value));
    const big = { items: Array.from({ length: 100_000 }, (_, i) => ({ id: `m${i}` })) };
    const excerpt = boundedJson(big, 50);
    expect(excerpt).to.equal(`${JSON.stringify(big).slice(0, 50)}…`);
  });

  it('fitsWithin measures without writing the whole value; errorBody keeps small values and excerpts large ones', () => {
    const small = { id: 'x' };
    expect(fitsWithin(small)).to.equal(true);
    expect(errorBody(small)).to.equal(small);
    const big = new Array(1_000_000).fill('x');
    expect(fitsWithin(big)).to.equal(false);
    const kept = errorBody(big);
    expect(kept).to.be.a('string');
    expect((kept as string).length).to.equal(ERROR_BODY_LIMIT + 1);
    expect(errorBody('y'.repeat(1e6))).to.have.length(ERROR_BODY_LIMIT + 1);
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic['self'] = cyclic;
    expect(boundedJson(cyclic)).to.equal('{"a":1,"self":null}');
  });
});
