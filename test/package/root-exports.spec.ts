/**
 * One way to add an export (CONTRIBUTING.md, "Adding an export"): a name is exported by its
 * layer's barrel (`src/<layer>/index.ts`) first; the root (`src/index.ts`) re-exports it BY NAME
 * from that barrel. This checks the root against the barrels so the two lists cannot drift:
 *
 * - the root re-exports only from `./client.js` and the layer barrels, by name, never `export *`;
 * - every name the root lists is exported by the barrel it names (no stale names);
 * - every name of a public barrel is at the root, except the ones recorded below as kept off the
 *   root on purpose — adding a name to a barrel fails here until it is either listed in
 *   `src/index.ts` or recorded in `NOT_AT_ROOT` (with the reason in the commit);
 * - `src/core` is internal: the root picks from it by name and nothing else is required.
 *
 * The values the root exports at run time are pinned by `exports.spec.ts`.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportNames, namedReExports, sourceOf, starReExports } from './export-names.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const rootFile = resolve(root, 'src', 'index.ts');

/** Barrels whose every name belongs at the root, less these names (the decision, recorded). */
const NOT_AT_ROOT: Readonly<Record<string, readonly string[]>> = {
  // The codecs' values are in `chat-client-rx/codecs`; the root has their types (same names)
  // and the decode boundary. These helpers and event maps are codecs-only.
  './codecs/index.js': [
    'OrNullC',
    'nullable',
    'optional',
    'typeFirst',
    'MAX_JSON_DEPTH',
    'pathBeyondDepth',
    'ChatHubEvents',
    'NotificationHubEvents',
  ],
  // The route table's helpers are for a deployment that changes paths, not for an app (its types
  // are at the root: `HttpTransport.route()` and `RouteTable` use them).
  './http/index.js': ['expandPath', 'encodePathSegments', 'resolveRoute'],
  './hubs/index.js': [],
  './streams/index.js': [],
};
/** Internal barrels: the root may pick names from them; it need not export the rest. */
const INTERNAL = new Set(['./core/index.js']);
const ALLOWED_SOURCES = new Set(['./client.js', ...Object.keys(NOT_AT_ROOT), ...INTERNAL]);

describe('src/index.ts re-exports the layer barrels by name (one way to add an export)', () => {
  const groups = namedReExports(rootFile);
  const atRoot = new Set([...groups.values()].flatMap((g) => [...g.types]));

  it('re-exports only from ./client.js and the layer barrels, by name (no export *, no deep paths)', () => {
    expect(starReExports(rootFile)).to.deep.equal([]);
    expect([...groups.keys()].filter((from) => !ALLOWED_SOURCES.has(from))).to.deep.equal([]);
    const declared = readFileSync(rootFile, 'utf8').match(/^export\s+(?:const|function|class|interface|type\s+\w+\s*=|enum)\b.*$/gm);
    expect(declared, 'src/index.ts declares nothing itself').to.equal(null);
    expect(groups.size).to.be.greaterThanOrEqual(5);
  });

  it('every name it lists is exported by the module it names, as a value where it re-exports a value', () => {
    for (const [from, names] of groups) {
      const source = exportNames(sourceOf(rootFile, from));
      expect(
        [...names.types].filter((n) => !source.types.has(n)),
        `${from}: not exported there`,
      ).to.deep.equal([]);
      expect(
        [...names.values].filter((n) => !source.values.has(n)),
        `${from}: not a value there`,
      ).to.deep.equal([]);
    }
  });

  for (const [from, kept] of Object.entries(NOT_AT_ROOT)) {
    it(`every name of ${from} is at the root unless recorded as kept off it`, () => {
      const barrel = exportNames(sourceOf(rootFile, from));
      const missing = [...barrel.types].filter((n) => !atRoot.has(n) && !kept.includes(n));
      expect(missing, `add these to src/index.ts (export { … } from '${from}') or to NOT_AT_ROOT`).to.deep.equal([]);
      const stale = kept.filter((n) => !barrel.types.has(n) || atRoot.has(n));
      expect(stale, `NOT_AT_ROOT['${from}'] names that are gone or are at the root`).to.deep.equal([]);
    });
  }

  it('the parser sees what the barrels export (a known value and type of each)', () => {
    const probes: Record<string, [string, string]> = {
      './codecs/index.js': ['decodeWith', 'DecodeIssue'],
      './http/index.js': ['ChatApiError', 'RestApi'],
      './hubs/index.js': ['ChatHubClient', 'HubConnectionStatus'],
      './streams/index.js': ['accumulateStreams', 'TimelineMessage'],
    };
    for (const [from, [value, type]] of Object.entries(probes)) {
      const names = exportNames(sourceOf(rootFile, from));
      expect(names.values.has(value), `${from} ${value}`).to.equal(true);
      expect(names.types.has(type), `${from} ${type}`).to.equal(true);
    }
  });
});
