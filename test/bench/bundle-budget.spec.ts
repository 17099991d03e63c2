/**
 * Bundle budgets: every entry point bundled with esbuild (minified, dependencies external) and
 * the typical browser app bundle (dependencies included) must stay within the min+gzip budgets of
 * `bench/bundle-budget.json`. Sizes are deterministic for the same sources and esbuild version,
 * so this asserts no timing. Raise a budget on purpose (`node --import tsx bench/bundle.ts
 * --write-budgets` rewrites them all as the size now + 20 %), never to make this pass blindly.
 */
import { expect } from 'chai';
import { measureBundles, readBudgets, type BundleSize } from '../../bench/bundle.js';

describe('bundle budgets (min+gzip, esbuild)', function () {
  this.timeout(60_000);
  let sizes: BundleSize[];
  const budgets = readBudgets();

  before(async () => {
    sizes = await measureBundles();
  });

  it('measures every entry point that has a budget, and has a budget for every bundle', () => {
    expect(sizes.map((s) => s.name).sort()).to.deep.equal(Object.keys(budgets).sort());
  });

  for (const [name, budget] of Object.entries(budgets)) {
    it(`${name} is within ${budget} bytes gzipped`, () => {
      const size = sizes.find((s) => s.name === name);
      expect(size, `no bundle named ${name}`).to.not.equal(undefined);
      expect(size?.gzipBytes, `${name}: ${size?.gzipBytes} B gzip (${size?.minBytes} B min) > budget ${budget} B`).to.be.at.most(budget);
    });
  }
});
