/**
 * The published package: what `npm pack` puts in it, that the exports resolve for ESM, CJS and
 * types (publint, @arethetypeswrong/cli), and that `chat-client-rx/codecs` pulls in neither
 * SignalR nor axios (an esbuild metafile of a bundle of it). `npm pack` runs `prepack`, which
 * rebuilds dist/ from the sources, so a stale build cannot be packed.
 */
import { expect } from 'chai';
import { build } from 'esbuild';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function run(command: string, args: readonly string[], cwd = root): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      command,
      [...args],
      { cwd, timeout: 120_000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NODE_OPTIONS: '' } },
      (error, stdout, stderr) => done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('the published package', function () {
  this.timeout(180_000);
  let tarball: string;
  let files: string[];
  const packDir = mkdtempSync(join(tmpdir(), 'chat-client-rx-pack-'));

  before(async () => {
    if (!existsSync(join(root, 'dist/esm/index.js')) || !existsSync(join(root, 'dist/cjs/index.d.ts'))) {
      const built = await run(process.execPath, ['build.mjs']);
      expect(built.code, built.stderr).to.equal(0);
    }
    // A file no source builds: `prepack` (a fresh build) must remove it before the files are packed.
    mkdirSync(join(root, 'dist/esm'), { recursive: true });
    writeFileSync(join(root, 'dist/esm/stale-leftover.js'), 'export {};\n');
    const packed = await run('npm', ['pack', '--json', '--pack-destination', packDir]);
    expect(packed.code, packed.stderr).to.equal(0);
    const info = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>;
    tarball = join(packDir, info[0]?.filename ?? '');
    files = (info[0]?.files ?? []).map((f) => f.path);
  });
  after(() => rmSync(packDir, { recursive: true, force: true }));

  it('contains the build, the bin, the README, LICENSE, CHANGELOG and docs — no sources, tests or benchmarks', () => {
    expect(files).to.include.members([
      'package.json',
      'README.md',
      'LICENSE',
      'CHANGELOG.md',
      'bin/chat-rx.mjs',
      'dist/esm/index.js',
      'dist/cjs/index.js',
      'dist/esm/index.d.ts',
      'dist/cjs/codecs/index.d.ts',
    ]);
    const leaked = files.filter(
      (f) => /^(src|test|bench|scripts|\.ci|node_modules)\//.test(f) || f.endsWith('.spec.js') || f === 'tsconfig.json',
    );
    expect(leaked).to.deep.equal([]);
  });

  it('packs a fresh build: prepack runs the build, so a stale file in dist/ is not packed', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.prepack).to.equal('npm run build');
    expect(files).to.not.include('dist/esm/stale-leftover.js');
    expect(existsSync(join(root, 'dist/esm/stale-leftover.js'))).to.equal(false);
    expect(files).to.include.members(['dist/playground/index.html', 'dist/playground/app.js']);
  });

  it('declares sideEffects: false and an exports map with import, require and types for every entry', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { sideEffects: unknown; exports: Record<string, unknown> };
    expect(pkg.sideEffects).to.equal(false);
    for (const [entry, conditions] of Object.entries(pkg.exports)) {
      if (entry === './package.json') continue;
      const c = conditions as { import?: { types?: string; default?: string }; require?: { types?: string; default?: string } };
      for (const target of [c.import?.types, c.import?.default, c.require?.types, c.require?.default]) {
        expect(target, `${entry}`).to.be.a('string');
        expect(files, `${entry} → ${target}`).to.include((target as string).replace(/^\.\//, ''));
      }
    }
  });

  it('passes publint', async () => {
    const result = await run(process.execPath, [join(root, 'node_modules/publint/src/cli.js'), '--strict']);
    expect(result.code, result.stdout + result.stderr).to.equal(0);
    expect(result.stdout).to.include('All good');
  });

  it('resolves for node16 ESM, node16 CJS and bundlers with correct types (@arethetypeswrong/cli)', async () => {
    const result = await run(process.execPath, [
      join(root, 'node_modules/@arethetypeswrong/cli/dist/index.js'),
      tarball,
      '--profile',
      'node16',
      '--format',
      'json',
    ]);
    const report = JSON.parse(result.stdout) as { problems?: unknown[] | Record<string, unknown[]> };
    const all = (Array.isArray(report.problems) ? report.problems : Object.values(report.problems ?? {}).flat()) as Array<{
      resolutionKind?: string;
    }>;
    // node10 resolution predates the exports map, so subpaths cannot resolve there; the node16
    // profile (Node ≥ 12 resolution, ESM and CJS, and bundlers) is what this package supports.
    const problems = all.filter((p) => p.resolutionKind !== 'node10');
    expect(problems, result.stdout.slice(0, 2000)).to.deep.equal([]);
  });

  it('chat-client-rx/codecs bundles without @microsoft/signalr or axios (esbuild metafile)', async () => {
    const result = await build({
      entryPoints: [join(root, 'dist/esm/codecs/index.js')],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'neutral',
      mainFields: ['module', 'main'],
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((p) => p.includes('node_modules/io-ts/'))).to.equal(true);
    expect(inputs.filter((p) => p.includes('@microsoft/signalr') || p.includes('node_modules/axios'))).to.deep.equal([]);
  });
});
