// Builds the package: per-file ESM (dist/esm) and CommonJS (dist/cjs) with esbuild,
// declarations with tsc, copied beside both so each condition of the exports map has
// types that match its module format.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const src = join(root, 'src');
const dist = join(root, 'dist');

/** Every TypeScript source file under `dir` (no declaration files; not the playground app, which is bundled for browsers by build:playground). */
function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (path === join(src, 'playground')) return [];
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every file under `dir` whose name ends with `suffix`. */
function filesEndingWith(dir, suffix) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesEndingWith(path, suffix);
    return name.endsWith(suffix) ? [path] : [];
  });
}

rmSync(dist, { recursive: true, force: true });
const entryPoints = sources(src);
const common = {
  entryPoints,
  outbase: src,
  bundle: false,
  platform: 'neutral',
  target: 'es2022',
  sourcemap: true,
  logLevel: 'warning',
};

await Promise.all([
  build({ ...common, outdir: join(dist, 'esm'), format: 'esm' }),
  build({ ...common, outdir: join(dist, 'cjs'), format: 'cjs' }),
]);
writeFileSync(join(dist, 'cjs', 'package.json'), `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);

const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
for (const file of filesEndingWith(join(dist, 'types'), '.d.ts')) {
  const rel = relative(join(dist, 'types'), file);
  for (const format of ['esm', 'cjs']) {
    const target = join(dist, format, rel);
    mkdirSync(dirname(target), { recursive: true });
    cpSync(file, target);
  }
}
rmSync(join(dist, 'types'), { recursive: true, force: true });
console.log(`built ${entryPoints.length} modules into dist/esm and dist/cjs`);
