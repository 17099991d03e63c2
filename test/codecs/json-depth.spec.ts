import { expect } from 'chai';
import { MAX_JSON_DEPTH, pathBeyondDepth } from '../../src/codecs/index.js';

describe('pathBeyondDepth', () => {
  it('counts the root container as depth 1, arrays and objects alike', () => {
    expect(pathBeyondDepth({ a: [{}] }, 3)).to.equal(null);
    expect(pathBeyondDepth({ a: [{}] }, 2)).to.equal('$.a[0]');
    expect(pathBeyondDepth([[[]]], 2)).to.equal('$[0][0]');
    expect(pathBeyondDepth('text', 0)).to.equal(null);
    expect(pathBeyondDepth(null, 0)).to.equal(null);
  });

  it('names the first too-deep path in document order', () => {
    expect(pathBeyondDepth({ ok: {}, deep: { b: { c: {} } }, later: { x: { y: {} } } }, 3)).to.equal('$.deep.b.c');
  });

  it("defaults to System.Text.Json's 64 and walks any depth without recursion", () => {
    expect(MAX_JSON_DEPTH).to.equal(64);
    let value: unknown = {};
    for (let i = 1; i < 100_000; i++) value = [value];
    expect(pathBeyondDepth(value)).to.equal(`$${'[0]'.repeat(64)}`);
  });
});
