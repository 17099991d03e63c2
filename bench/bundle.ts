/**
 * Row 6: bundle sizes. Each entry point is bundled with esbuild (ES module, minified, es2022,
 * every package external) and its min+gzip size taken (gzip level 9); a typical browser app
 * (`import { createChatClient } from 'chat-client-rx'`, used) is bundled with its dependencies
 * for `platform: 'browser'`, the Node-only modules @microsoft/signalr loads at run time on Node
 * (ws, node-fetch, eventsource, fetch-cookie, tough-cookie, abort-controller) aliased to empty.
 * `chat-client-rx` resolves to `src/index.ts`, so the sizes are of the sources as they are now.
 *
 * Budgets live in `bench/bundle-budget.json` (gzip bytes); `--write-budgets` rewrites them as the
 * measured size + 20 %, rounded up to 100 bytes.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { isMain } from './child.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const budgetFile = fileURLToPath(new URL('./bundle-budget.json', import.meta.url));

/** Node-only modules of @microsoft/signalr (and its Node fetch stack), empty in a browser bundle. */
const NODE_ONLY = ['ws', 'node-fetch', 'eventsource', 'fetch-cookie', 'tough-cookie', 'abort-controller'];

/** One bundle's minified and gzipped size, bytes. */
export interface BundleSize {
  readonly name: string;
  readonly minBytes: number;
  readonly gzipBytes: number;
}

interface Entry {
  readonly name: string;
  readonly options: BuildOptions;
}

const selfToSource: Plugin = {
  name: 'chat-client-rx-source',
  setup(b) {
    b.onResolve({ filter: /^chat-client-rx$/ }, () => ({ path: `${root}src/index.ts` }));
    b.onResolve({ filter: new RegExp(`^(${NODE_ONLY.join('|')})(/.*)?$`) }, (args) => ({ path: args.path, namespace: 'node-only-empty' }));
    b.onLoad({ filter: /.*/, namespace: 'node-only-empty' }, () => ({ contents: 'export default {};', loader: 'js' }));
  },
};

function entries(): Entry[] {
  const library = (name: string, path: string, platform: 'browser' | 'node'): Entry[] =>
    existsSync(`${root}${path}`) ? [{ name, options: { entryPoints: [`${root}${path}`], platform, packages: 'external' } }] : [];
  return [
    ...library('chat-client-rx', 'src/index.ts', 'browser'),
    ...library('chat-client-rx/codecs', 'src/codecs/index.ts', 'browser'),
    ...library('chat-client-rx/gateway', 'src/gateway/index.ts', 'node'),
    ...library('chat-client-rx/node', 'src/node/index.ts', 'node'),
    // Browser platform: a Node import in the testing kit (or in the pure gateway modules it uses)
    // fails this build, so Karma-run Angular tests can bundle it.
    ...library('chat-client-rx/testing', 'src/testing/index.ts', 'browser'),
    ...library('chat-client-rx/compat', 'src/compat/index.ts', 'browser'),
    {
      name: 'browser app: createChatClient + deps',
      options: {
        stdin: {
          contents:
            "import { createChatClient } from 'chat-client-rx';\nexport const client = createChatClient({ baseUrl: 'https://chat.example.com' });\n",
          resolveDir: root,
          loader: 'js',
        },
        platform: 'browser',
        plugins: [selfToSource],
        define: { 'process.env.NODE_ENV': '"production"' },
      },
    },
  ];
}

/** Bundles every entry and measures it. Deterministic for the same sources and esbuild version. */
export async function measureBundles(): Promise<BundleSize[]> {
  const results: BundleSize[] = [];
  for (const entry of entries()) {
    const out = await build({
      ...entry.options,
      absWorkingDir: root,
      bundle: true,
      format: 'esm',
      target: 'es2022',
      minify: true,
      write: false,
      legalComments: 'none',
      logLevel: 'silent',
    });
    const code = out.outputFiles[0]?.contents;
    if (!code) throw new Error(`esbuild produced nothing for ${entry.name}`);
    results.push({ name: entry.name, minBytes: code.byteLength, gzipBytes: gzipSync(code, { level: 9 }).byteLength });
  }
  return results;
}

/** The budgets (gzip bytes by entry name). */
export function readBudgets(): Record<string, number> {
  return JSON.parse(readFileSync(budgetFile, 'utf8')) as Record<string, number>;
}

/** Measured size + 20 %, rounded up to 100 bytes. */
export function budgetFor(gzipBytes: number): number {
  return Math.ceil((gzipBytes * 1.2) / 100) * 100;
}

// `node --import tsx bench/bundle.ts [--write-budgets]`
if (isMain(import.meta.url)) {
  const sizes = await measureBundles();
  for (const s of sizes)
    console.log(`${s.name.padEnd(40)} ${String(s.minBytes).padStart(8)} B min  ${String(s.gzipBytes).padStart(7)} B gzip`);
  if (process.argv.includes('--write-budgets')) {
    writeFileSync(budgetFile, `${JSON.stringify(Object.fromEntries(sizes.map((s) => [s.name, budgetFor(s.gzipBytes)])), null, 2)}\n`);
    console.log(`wrote ${budgetFile}`);
  }
}
