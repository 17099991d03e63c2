/**
 * docs/migrating.md lists every seed example with the test that runs it: the list and the tests
 * must stay the same set (a renamed or added test without its row, or a row naming no test, fails).
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** `file › title` of every `it` in the numbered seed specs. */
function tests(): string[] {
  return readdirSync(here)
    .filter((name) => /^\d\d-.*\.spec\.ts$/.test(name))
    .sort()
    .flatMap((name) =>
      [...readFileSync(join(here, name), 'utf8').matchAll(/\n {2}it\(\s*(['"])(.*?)\1,/gs)].map(
        (m) => `${name} › ${(m[2] as string).replace(/\\'/g, "'")}`,
      ),
    );
}

/** `file › title` of every row of the table in docs/migrating.md. */
function rows(): string[] {
  const doc = readFileSync(join(here, '../../docs/migrating.md'), 'utf8');
  return [...doc.matchAll(/^\|[^\n]*\| `(\d\d-[^`]+\.spec\.ts)` › ([^\n]*) \|$/gm)].map(
    (m) => `${m[1]} › ${(m[2] as string).replace(/\\\|/g, '|')}`,
  );
}

describe('docs/migrating.md: the table of seed examples', () => {
  it('names every test of test/compat, and only those', () => {
    const all = tests();
    expect(all.length).to.be.greaterThan(100);
    expect(rows()).to.deep.equal(all);
  });
});
