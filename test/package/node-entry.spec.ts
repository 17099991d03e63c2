/**
 * `chat-client-rx/node` as consumers load it: importing the BUILT entry (ESM and CommonJS) in a
 * fresh Node process loads the stream bridges only — no module of the embedded gateway
 * (`dist/{esm,cjs}/gateway/`) and no `ws`. ESM loads are recorded by a module loader hook
 * (`module.register`), CommonJS loads by `require.cache`. The same probe run on
 * `chat-client-rx/gateway` does see the gateway and `ws`, so the probe can fail.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A loader hook module that appends every resolved URL of a load to the file in `LOAD_LOG`. */
const hooks = `
import { appendFileSync } from 'node:fs';
export async function load(url, context, nextLoad) {
  appendFileSync(process.env.LOAD_LOG, url + '\\n');
  return nextLoad(url, context);
}
`;

interface Loaded {
  /** Every module loaded, relative to the repository root (or the node_modules path). */
  readonly files: string[];
  /** The names the entry exports. */
  readonly exports: string[];
}

/** Runs `node` with `args` and `script` at the repo root without this run's loaders; returns the JSON it prints last. */
function runChild(args: readonly string[], script: string, env: NodeJS.ProcessEnv = {}): Record<string, unknown> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.NODE_OPTIONS;
  let stdout: string;
  try {
    stdout = execFileSync(process.execPath, [...args, '-e', script], { cwd: root, env: childEnv, encoding: 'utf8', timeout: 30_000 });
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(`child process failed: ${e.message}\n${e.stderr ?? ''}\n${e.stdout ?? ''}`);
  }
  return JSON.parse(stdout.trim().split('\n').pop() ?? '') as Record<string, unknown>;
}

/** Imports `specifier` as ES module in a fresh process; returns what it loaded (from the loader hook) and its exports. */
function loadEsm(specifier: string): Loaded {
  const dir = mkdtempSync(join(tmpdir(), 'chat-client-rx-loads-'));
  const log = join(dir, 'loads.txt');
  try {
    const output = runChild(
      ['--input-type=module'],
      `import { register } from 'node:module';
       import { writeFileSync } from 'node:fs';
       writeFileSync(process.env.LOAD_LOG, '');
       register('data:text/javascript,' + encodeURIComponent(process.env.HOOKS));
       const entry = await import(${JSON.stringify(specifier)});
       console.log(JSON.stringify({ exports: Object.keys(entry).sort() }));`,
      { LOAD_LOG: log, HOOKS: hooks },
    );
    const files = readFileSync(log, 'utf8')
      .split('\n')
      .filter((url) => url.startsWith('file:'))
      .map((url) => fileURLToPath(url))
      .map((file) => (file.startsWith(root) ? file.slice(root.length + 1) : file));
    return { files, exports: output.exports as string[] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Requires `specifier` in a fresh process; returns every file in `require.cache` and its exports. */
function loadCjs(specifier: string): Loaded {
  return runChild(
    ['--input-type=commonjs'],
    `const entry = require(${JSON.stringify(specifier)});
     const files = Object.keys(require.cache).map((f) => require('node:path').relative(process.cwd(), f));
     console.log(JSON.stringify({ files, exports: Object.keys(entry).sort() }));`,
  ) as unknown as Loaded;
}

const gatewayModules = (files: readonly string[], format: 'esm' | 'cjs'): string[] =>
  files.filter((f) => f.startsWith(`dist/${format}/gateway/`));
const wsModules = (files: readonly string[]): string[] => files.filter((f) => /node_modules[\\/]ws[\\/]/.test(f));

describe('chat-client-rx/node loads neither the gateway nor ws (built dist/)', function () {
  this.timeout(60_000);

  before(function () {
    this.timeout(180_000);
    try {
      execFileSync(process.execPath, ['build.mjs'], { cwd: root, encoding: 'utf8', stdio: 'pipe', timeout: 170_000 });
    } catch (error) {
      const e = error as { stderr?: string; stdout?: string; message: string };
      throw new Error(`node build.mjs failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
    }
  });

  const expectedExports = ['BufferOverflowError', 'main', 'runDemo', 'toAsyncIterable', 'toReadable'];

  it('ESM: importing dist/esm/node/index.js loads no dist/esm/gateway module and no ws', () => {
    const { files, exports } = loadEsm('./dist/esm/node/index.js');
    expect(files).to.include('dist/esm/node/index.js');
    expect(files).to.include('dist/esm/node/to-readable.js');
    expect(gatewayModules(files, 'esm')).to.deep.equal([]);
    expect(wsModules(files)).to.deep.equal([]);
    expect(files.filter((f) => f.startsWith('dist/esm/node/cli') || f === 'dist/esm/node/demo.js')).to.deep.equal([]);
    expect(exports).to.deep.equal(expectedExports);
  });

  it('ESM: the same through the exports map (chat-client-rx/node)', () => {
    const { files } = loadEsm('chat-client-rx/node');
    expect(files).to.include('dist/esm/node/index.js');
    expect(gatewayModules(files, 'esm')).to.deep.equal([]);
    expect(wsModules(files)).to.deep.equal([]);
  });

  it('CommonJS: requiring chat-client-rx/node loads no dist/cjs/gateway module and no ws', () => {
    const { files, exports } = loadCjs('chat-client-rx/node');
    expect(files).to.include('dist/cjs/node/index.js');
    expect(gatewayModules(files, 'cjs')).to.deep.equal([]);
    expect(wsModules(files)).to.deep.equal([]);
    expect(exports).to.deep.equal(expectedExports);
  });

  it('the probe sees them where they are: importing chat-client-rx/gateway loads the gateway and ws', () => {
    const esm = loadEsm('./dist/esm/gateway/index.js');
    expect(gatewayModules(esm.files, 'esm')).to.include('dist/esm/gateway/index.js');
    expect(wsModules(esm.files)).to.not.deep.equal([]);
    const cjs = loadCjs('chat-client-rx/gateway');
    expect(gatewayModules(cjs.files, 'cjs')).to.include('dist/cjs/gateway/index.js');
    expect(wsModules(cjs.files)).to.not.deep.equal([]);
  });

  it('main and runDemo load the command line on call, in ESM and CommonJS (`main(["--help"])` exits 0)', () => {
    const esm = runChild(
      ['--input-type=module'],
      `const { main } = await import('chat-client-rx/node');
       const code = await main(['--help']);
       console.log(JSON.stringify({ code }));`,
    );
    expect(esm).to.deep.equal({ code: 0 });
    const cjs = runChild(
      ['--input-type=commonjs'],
      `const { main } = require('chat-client-rx/node');
       main(['--help']).then((code) => {
         const loaded = Object.keys(require.cache).map((f) => require('node:path').relative(process.cwd(), f));
         console.log(JSON.stringify({ code, cliLoaded: loaded.includes('dist/cjs/node/cli.js') }));
       }, (error) => { console.error(error); process.exit(1); });`,
    );
    expect(cjs).to.deep.equal({ code: 0, cliLoaded: true });
  });
});
