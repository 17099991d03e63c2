/**
 * The test suites: `npm run test:unit` (.mocharc.unit.json) and `npm run test:integration`
 * (.mocharc.integration.json) split the specs that `npm test` (.mocharc.json) runs — every spec
 * in exactly one of them, and every unit glob still names a spec.
 */
import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface MochaConfig {
  readonly spec: readonly string[];
  readonly ignore?: readonly string[];
  readonly 'node-option'?: readonly string[];
  readonly extension?: readonly string[];
}

const config = (name: string): MochaConfig => JSON.parse(readFileSync(join(root, name), 'utf8')) as MochaConfig;

/** A mocha spec glob (`*`, `**​/`) as a regular expression over paths relative to the repo root. */
function globRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (glob.startsWith('**/', i)) {
      source += '(?:.*/)?';
      i += 2;
    } else if (c === '*') source += '[^/]*';
    else source += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** Every file under `dir`, relative to the repo root, with `/` separators. */
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'bin' || name === 'obj') return [];
    return statSync(path).isDirectory() ? files(path) : [relative(root, path).split('\\').join('/')];
  });
}

/** The specs a config selects. */
function selected(c: MochaConfig, all: readonly string[]): string[] {
  const take = c.spec.map(globRegExp);
  const drop = (c.ignore ?? []).map(globRegExp);
  return all.filter((f) => take.some((r) => r.test(f)) && !drop.some((r) => r.test(f)));
}

describe('test suites: unit + integration = npm test', () => {
  const all = files(join(root, 'test'));
  const full = config('.mocharc.json');
  const unit = config('.mocharc.unit.json');
  const integration = config('.mocharc.integration.json');

  it('npm test runs every spec; unit and integration split them with nothing left out or run twice', () => {
    const everything = selected(full, all);
    expect(everything.length).to.be.greaterThan(50);
    const u = selected(unit, all);
    const i = selected(integration, all);
    expect(
      u.filter((f) => i.includes(f)),
      'in both suites',
    ).to.deep.equal([]);
    expect([...u, ...i].sort()).to.deep.equal([...everything].sort());
    expect(u).to.include('test/codecs/codecs.spec.ts');
    expect(i).to.include('test/package/suites.spec.ts');
  });

  it('every glob of the unit suite names a spec (none left stale by a rename)', () => {
    for (const glob of unit.spec)
      expect(
        all.filter((f) => globRegExp(glob).test(f)),
        glob,
      ).to.not.deep.equal([]);
  });

  it('the integration suite ignores exactly the unit suite, and all three load TypeScript the same way', () => {
    expect(integration.ignore).to.deep.equal(unit.spec);
    expect(integration.spec).to.deep.equal(full.spec);
    for (const c of [unit, integration]) {
      expect(c['node-option']).to.deep.equal(full['node-option']);
      expect(c.extension).to.deep.equal(full.extension);
    }
  });

  it('package.json runs them: npm test (all), test:unit, test:integration, coverage (c8 over npm test)', () => {
    const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.test).to.equal('mocha');
    expect(scripts['test:unit']).to.equal('mocha --config .mocharc.unit.json');
    expect(scripts['test:integration']).to.equal('mocha --config .mocharc.integration.json');
    expect(scripts.coverage).to.equal('c8 npm test');
  });
});
