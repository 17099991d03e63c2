#!/usr/bin/env node
/**
 * `npm run test:aspnet`: the integration suites against the ASP.NET Core reference gateway
 * (test/aspnet-gateway), the proof that the embedded gateway behaves like the real thing.
 *
 * 1. builds the app once (`dotnet build -c Release`);
 * 2. starts it on a free port (`dotnet ChatGateway.dll --urls http://127.0.0.1:PORT`) and waits
 *    until `/health/live` answers;
 * 3. starts a control server on another free port whose `POST /restart` stops the process
 *    (SIGTERM: it writes its state file) and starts it again on the same port (it reads the
 *    state back), answering once it is healthy — what `gateway.restart()` is for the embedded one;
 * 4. runs mocha on the hub, client, state and reconnect suites that exist, with
 *    CHAT_GATEWAY_URL and CHAT_GATEWAY_CONTROL_URL set (test/support/test-gateway.ts);
 * 5. stops everything — also when the tests fail or the run is interrupted — and exits with
 *    mocha's code.
 *
 * Usage: node scripts/test-aspnet.mjs [spec files…] [-- extra mocha arguments]
 * Environment: ASPNET_GATEWAY_LOG=1 streams the gateway's own output (else it goes to a file,
 * printed when the gateway fails to start).
 * No dependencies beyond Node and the .NET SDK.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { buildReferenceGateway, dll, dotnetEnv, freePort, project, root, sleep, stopOnInterrupt } from './reference-gateway-kit.mjs';

const work = mkdtempSync(join(tmpdir(), 'chat-aspnet-'));
const logPath = join(work, 'gateway.log');
const stateFile = join(work, 'state.json');
const signingKey = randomBytes(32).toString('hex');
const streamLog = process.env.ASPNET_GATEWAY_LOG === '1';

const log = (text) => process.stderr.write(`[test:aspnet] ${text}\n`);

// ------------------------------------------------------------------ arguments and spec files

const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const positional = dash < 0 ? argv : argv.slice(0, dash);
const mochaExtra = dash < 0 ? [] : argv.slice(dash + 1);

function walk(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

function defaultSpecs() {
  const isSpec = (path) => path.endsWith('.spec.ts');
  const gateway = join(root, 'test', 'gateway');
  const gatewaySpecs = existsSync(gateway)
    ? readdirSync(gateway)
        .filter((name) => (name.startsWith('hubs') && name.endsWith('.spec.ts')) || name === 'faults.spec.ts')
        .map((name) => join(gateway, name))
    : [];
  // The client with the MessagePack hub protocol (AddMessagePackProtocol on the ASP.NET side), and
  // one behavioural suite over every transport × hub protocol.
  for (const name of ['messagepack-client.spec.ts', 'transport-matrix.spec.ts']) {
    const spec = join(gateway, 'signalr', name);
    if (existsSync(spec)) gatewaySpecs.push(spec);
  }
  return [...walk(join(root, 'test', 'hubs')).filter(isSpec), ...walk(join(root, 'test', 'client')).filter(isSpec), ...gatewaySpecs]
    .map((path) => relative(root, path))
    .sort();
}

const specs = positional.length > 0 ? positional : defaultSpecs();

// ------------------------------------------------------------------ processes

let gateway; // the ASP.NET process
let mocha; // the mocha process
let control; // the control HTTP server
let port = 0;
const logFile = createWriteStream(logPath, { flags: 'a' });

async function waitHealthy(url, child, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`the gateway exited (${child.exitCode ?? child.signalCode}) before it was healthy`);
    try {
      const response = await fetch(`${url}/health/live`, { signal: AbortSignal.timeout(1000) });
      if (response.ok && (await response.text()) === 'Healthy') return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`the gateway was not healthy within ${timeoutMs} ms`);
}

async function startGateway() {
  const args = [
    dll,
    '--urls',
    `http://127.0.0.1:${port}`,
    '--state-file',
    stateFile,
    '--signing-key',
    signingKey,
    // The suites' FAST_BOT timings.
    '--bot-start-delay-ms',
    '5',
    '--bot-status-delay-ms',
    '5',
    '--bot-chunk-delay-ms',
    '5',
  ];
  const child = spawn('dotnet', args, { cwd: project, env: dotnetEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk) => {
      logFile.write(chunk);
      if (streamLog) process.stderr.write(chunk);
    });
  }
  gateway = child;
  await waitHealthy(`http://127.0.0.1:${port}`, child);
  return child;
}

/** SIGTERM (the app saves its state and closes its connections), SIGKILL after 10 s. */
function stopGateway() {
  const child = gateway;
  gateway = undefined;
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(killer);
      done();
    });
    child.kill('SIGTERM');
  });
}

function startControl(controlPort) {
  let restarting = Promise.resolve();
  const server = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/restart') {
      res.writeHead(404).end();
      return;
    }
    req.resume();
    restarting = restarting.then(async () => {
      try {
        const t0 = Date.now();
        await stopGateway();
        const stopped = Date.now();
        await startGateway();
        if (process.env.ASPNET_GATEWAY_LOG === '1')
          log(`restarted: stopped in ${stopped - t0} ms, healthy after ${Date.now() - stopped} ms`);
        res.writeHead(204).end();
      } catch (error) {
        log(`restart failed: ${error instanceof Error ? error.message : String(error)}`);
        res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
      }
    });
  });
  return new Promise((done, reject) => {
    server.once('error', reject);
    server.listen(controlPort, '127.0.0.1', () => done(server));
  });
}

/** Mocha runs in its own process group (npx → mocha → node): stop the whole group, SIGKILL after 5 s. */
function stopMocha() {
  const child = mocha;
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const signalGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  return new Promise((done) => {
    const killer = setTimeout(() => signalGroup('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(killer);
      done();
    });
    signalGroup('SIGTERM');
  });
}

let cleaning;
/** Stops everything once; every caller waits for the same run. */
function cleanup() {
  cleaning ??= cleanupOnce();
  return cleaning;
}

async function cleanupOnce() {
  await stopMocha();
  await stopGateway();
  if (control) await new Promise((done) => control.close(() => done()));
  control = undefined;
  logFile.end();
  if (!process.env.ASPNET_GATEWAY_KEEP) rmSync(work, { recursive: true, force: true });
}

const interrupted = stopOnInterrupt(log, cleanup);

// ------------------------------------------------------------------ main

async function main() {
  if (specs.length === 0) {
    log('no spec files found');
    return 1;
  }
  const built = buildReferenceGateway(log);
  if (built !== 0) return built;

  port = await freePort();
  try {
    await startGateway();
  } catch (error) {
    log(`the gateway did not start: ${error instanceof Error ? error.message : String(error)}`);
    logFile.end();
    await new Promise((done) => logFile.once('finish', done));
    process.stderr.write(readFileSync(logPath, 'utf8'));
    return 1;
  }
  const controlPort = await freePort();
  control = await startControl(controlPort);
  const url = `http://127.0.0.1:${port}`;
  log(`gateway ${url}, control http://127.0.0.1:${controlPort}, ${specs.length} spec file(s)`);

  const mochaArgs = [
    'mocha',
    '--no-config',
    '--node-option',
    'import=tsx',
    '--extension',
    'ts',
    '--timeout',
    '30000',
    ...mochaExtra,
    ...specs,
  ];
  mocha = spawn('npx', mochaArgs, {
    cwd: root,
    stdio: 'inherit',
    detached: true,
    env: { ...process.env, CHAT_GATEWAY_URL: url, CHAT_GATEWAY_CONTROL_URL: `http://127.0.0.1:${controlPort}` },
  });
  const code = await new Promise((done) => mocha.once('exit', (exitCode, signal) => done(exitCode ?? (signal ? 1 : 0))));
  return code;
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (error) {
  log(`failed: ${error instanceof Error ? error.stack : String(error)}`);
  exitCode = 1;
} finally {
  await cleanup();
}
process.exit(interrupted() ? 130 : exitCode);
