#!/usr/bin/env node
/**
 * `npm run test:transports`: the hub, client (state) and reliability (reconnect) suites again over
 * every other transport × hub protocol a SignalR server carries — `npm test` runs them over
 * WebSockets with JSON, and test/gateway/signalr/transport-matrix.spec.ts runs one behavioural
 * test per combination there. Each combination runs the suites in a fresh mocha process with
 * CHAT_TEST_TRANSPORT / CHAT_TEST_PROTOCOL set (test/support/hub-profile.ts; the kits that make
 * clients read them; tests about one transport's or protocol's own wire pin theirs).
 *
 * Usage: node scripts/test-transports.mjs [--aspnet] [Transport/protocol …]
 *   --aspnet   against the ASP.NET Core reference gateway (through scripts/test-aspnet.mjs)
 *   e.g. `node scripts/test-transports.mjs LongPolling/messagepack` runs one combination.
 * Prints a line per combination and exits non-zero if any failed.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const COMBINATIONS = ['WebSockets/messagepack', 'ServerSentEvents/json', 'LongPolling/json', 'LongPolling/messagepack'];
const SUITES = ['test/hubs/*.spec.ts', 'test/client/*.spec.ts', 'test/reliability/*.spec.ts'];
/** What test:aspnet runs of those (the reliability suites drive embedded-only faults). */
const ASPNET_SUITES = ['test/hubs', 'test/client'];

const args = process.argv.slice(2);
const aspnet = args.includes('--aspnet');
const chosen = args.filter((a) => a !== '--aspnet');
for (const name of chosen) {
  if (!COMBINATIONS.includes(name) && name !== 'WebSockets/json') {
    console.error(`test:transports: unknown combination ${name} (one of ${COMBINATIONS.join(', ')}, WebSockets/json)`);
    process.exit(2);
  }
}
const combinations = chosen.length > 0 ? chosen : COMBINATIONS;

function mochaArgs() {
  return ['--no-config', '--node-option', 'import=tsx', '--extension', 'ts', '--timeout', '20000', '--reporter', 'dot', ...SUITES];
}

function aspnetArgs() {
  const specs = ASPNET_SUITES.flatMap((dir) =>
    readdirSync(resolve(root, dir))
      .filter((name) => name.endsWith('.spec.ts'))
      .map((name) => `${dir}/${name}`),
  );
  return [resolve(root, 'scripts', 'test-aspnet.mjs'), ...specs, '--', '--reporter', 'dot'];
}

const results = [];
for (const name of combinations) {
  const [transport, protocol] = name.split('/');
  const started = Date.now();
  console.log(`\n== ${name}${aspnet ? ' (ASP.NET reference gateway)' : ''}`);
  const command = aspnet ? process.execPath : resolve(root, 'node_modules', '.bin', 'mocha');
  const run = spawnSync(command, aspnet ? aspnetArgs() : mochaArgs(), {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, CHAT_TEST_TRANSPORT: transport, CHAT_TEST_PROTOCOL: protocol },
  });
  results.push({ name, ok: run.status === 0, seconds: (Date.now() - started) / 1000, status: run.status ?? run.signal });
}

console.log('\n== test:transports');
for (const r of results)
  console.log(`${r.ok ? 'PASS' : 'FAIL'}  ${r.name.padEnd(24)} ${r.seconds.toFixed(1)} s${r.ok ? '' : `  (exit ${r.status})`}`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
