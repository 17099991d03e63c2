/**
 * Bundles the playground page for browsers: `src/playground/app.ts` and everything it imports
 * (the library, rxjs, axios, @microsoft/signalr, io-ts, fp-ts) into one minified ES module,
 * `app.js`, beside a copy of `index.html`. Needs esbuild (a devDependency): it runs in a clone
 * of the repository; an installed package ships the result in `dist/playground`.
 *
 * Run it with `npx tsx src/playground/build-playground.ts [outDir]` (default `dist/playground`);
 * `chat-rx gateway` runs it on the fly from a clone.
 */
import { build, type Plugin } from 'esbuild';
import { copyFile, mkdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { messageOf } from '../core/errors.js';

/** Options of {@link buildPlayground}. */
export interface BuildPlaygroundOptions {
  /** The repository root (where `src/playground` is). */
  readonly root: string;
  /** Where `index.html` and `app.js` go. @default `<root>/dist/playground` */
  readonly outDir?: string;
  /** Minify `app.js`. @default true */
  readonly minify?: boolean;
  /** Write `app.js.map` beside it. @default false */
  readonly sourcemap?: boolean;
}

/** What {@link buildPlayground} produced. */
export interface PlaygroundBuild {
  /** The directory holding `index.html` and `app.js`. */
  readonly outDir: string;
  /** The size of `app.js` in bytes. */
  readonly bytes: number;
}

/**
 * Modules the browser bundle must never contain: Node built-ins, and the Node-only packages
 * `@microsoft/signalr` reaches for in Node (through a `require` that esbuild leaves alone). If the
 * library's browser graph ever imports one, the build fails naming the importing file.
 */
const NODE_ONLY =
  /^(node:.*|ws|node-fetch|eventsource|fetch-cookie|tough-cookie|abort-controller|http|https|net|tls|fs|path|stream|zlib|crypto|url|util|events|os|child_process)$/;

const refuseNodeModules: Plugin = {
  name: 'refuse-node-modules',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: NODE_ONLY }, (args) => ({
      errors: [{ text: `"${args.path}" is Node-only but ${args.importer} imports it: the browser bundle must not reach it` }],
    }));
  },
};

/**
 * Builds the playground into `outDir` (created if missing): `index.html` and the bundled `app.js`
 * (platform browser, ES module, es2022). Rejects with esbuild's errors.
 *
 * @example
 * ```ts
 * const { outDir } = await buildPlayground({ root: process.cwd() });
 * const gateway = await startGateway({ playground: { dir: outDir } });
 * ```
 */
export async function buildPlayground(options: BuildPlaygroundOptions): Promise<PlaygroundBuild> {
  const source = join(options.root, 'src', 'playground');
  const outDir = resolve(options.outDir ?? join(options.root, 'dist', 'playground'));
  await mkdir(outDir, { recursive: true });
  await build({
    entryPoints: [join(source, 'app.ts')],
    outfile: join(outDir, 'app.js'),
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: options.minify ?? true,
    sourcemap: options.sourcemap ?? false,
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [refuseNodeModules],
    logLevel: 'silent',
  });
  await copyFile(join(source, 'index.html'), join(outDir, 'index.html'));
  return { outDir, bytes: (await stat(join(outDir, 'app.js'))).size };
}

// As a script: `tsx src/playground/build-playground.ts [outDir]`.
const script = process.argv[1];
if (script !== undefined && /build-playground\.[cm]?[jt]s$/.test(script)) {
  const root = resolve(dirname(script), '..', '..');
  const outDir = process.argv[2];
  buildPlayground({ root, ...(outDir !== undefined ? { outDir: resolve(outDir) } : {}) }).then(
    (result) => process.stdout.write(`built the playground into ${result.outDir} (app.js: ${(result.bytes / 1024).toFixed(0)} KB)\n`),
    (error: unknown) => {
      process.stderr.write(`${messageOf(error)}\n`);
      process.exitCode = 1;
    },
  );
}
