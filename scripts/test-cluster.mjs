#!/usr/bin/env node
/**
 * `npm run test:cluster`: the client against a scaled-out ASP.NET Core gateway (issue 20,
 * docs/scale-out.md).
 *
 * 1. builds test/aspnet-gateway (`dotnet build -c Release`);
 * 2. starts, on free loopback ports and in a temporary directory: PostgreSQL (initdb; as the
 *    `postgres` user when run as root), Redis (no persistence), two gateway nodes in cluster mode
 *    (`--node-name`, `--redis`, `--postgres`) and HAProxy (test/cluster/haproxy.cfg: cookie
 *    sticky sessions, `option redispatch`);
 * 3. starts a control server (POST /node/NAME/kill|start|restart, /redis/restart) and runs the
 *    scenarios (test/cluster/scenarios.ts, the client from src/ via tsx) against the load
 *    balancer's URL;
 * 4. stops everything — also when a scenario fails or the run is interrupted — and exits with
 *    the scenarios' code (non-zero when anything was lost or duplicated).
 *
 * Environment: CLUSTER_LOG=1 streams the servers' output (else it goes to files in the temporary
 * directory, whose tails are printed on failure); CLUSTER_KEEP=1 keeps that directory;
 * PG_BIN=/path/to/postgresql/bin picks the PostgreSQL binaries.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildReferenceGateway, dll, dotnetEnv, freePort, project, root, sleep, stopOnInterrupt } from './reference-gateway-kit.mjs';

const work = mkdtempSync(join(tmpdir(), 'chat-cluster-'));
const streamLog = process.env.CLUSTER_LOG === '1';
const signingKey = randomBytes(32).toString('hex');
const log = (text) => process.stderr.write(`[test:cluster] ${text}\n`);

// ------------------------------------------------------------------ processes

/** name → { child, logPath } of every process this script started (and still owns). */
const processes = new Map();

function start(name, command, args, options = {}) {
  const logPath = join(work, `${name}.log`);
  const file = createWriteStream(logPath, { flags: 'a' });
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk) => {
      file.write(chunk);
      if (streamLog) process.stderr.write(`[${name}] ${chunk}`);
    });
  }
  child.once('exit', () => file.end());
  child.once('error', (error) => log(`${name} could not be started: ${error.message}`));
  processes.set(name, { child, logPath });
  return child;
}

const alive = (child) => child && child.exitCode === null && child.signalCode === null;

/** SIGTERM (SIGKILL after `graceMs`), or SIGKILL at once; resolves once it exited. */
function stop(name, signal = 'SIGTERM', graceMs = 10_000) {
  const entry = processes.get(name);
  processes.delete(name);
  const child = entry?.child;
  if (!alive(child)) return Promise.resolve();
  return new Promise((done) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(killer);
      done();
    });
    child.kill(signal);
  });
}

function tail(name, lines = 40) {
  const path = join(work, `${name}.log`);
  if (!existsSync(path)) return '';
  return readFileSync(path, 'utf8').split('\n').slice(-lines).join('\n');
}

async function waitFor(what, check, child, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && !alive(child)) throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}) before it was ready`);
    if (await check().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`${what} was not ready within ${timeoutMs} ms`);
}

async function httpOk(url) {
  const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
  await response.body?.cancel();
  return response.ok;
}

function tcpOpen(port) {
  return new Promise((done) => {
    const socket = createNetServer().listen(port, '127.0.0.1');
    socket.once('listening', () => socket.close(() => done(false)));
    socket.once('error', () => done(true));
  });
}

// ------------------------------------------------------------------ PostgreSQL, Redis, nodes, HAProxy

function postgresBin() {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = readdirSync(base)
      .filter((v) => existsSync(join(base, v, 'bin', 'postgres')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length > 0) return join(base, versions[0], 'bin');
  }
  return ''; // on PATH
}

/** PostgreSQL refuses to run as root: as root, the data directory and the server belong to `postgres`. */
function postgresUser() {
  if (process.getuid?.() !== 0) return {};
  const id = (flag) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  const gid = id('-g');
  if (!Number.isInteger(uid) || !Number.isInteger(gid) || uid === 0)
    throw new Error('running as root needs a `postgres` user for PostgreSQL');
  return { uid, gid };
}

const ports = {};
let pgUser = {};

async function startPostgres() {
  const bin = postgresBin();
  const exe = (name) => (bin ? join(bin, name) : name);
  const data = join(work, 'pg');
  mkdirSync(data, { mode: 0o700 });
  pgUser = postgresUser();
  if (pgUser.uid !== undefined) {
    chownSync(work, pgUser.uid, pgUser.gid); // the server writes its log and socket here
    chownSync(data, pgUser.uid, pgUser.gid);
  }
  const init = spawnSync(exe('initdb'), ['-D', data, '-U', 'chat', '-A', 'trust', '--no-sync', '-E', 'UTF8'], {
    encoding: 'utf8',
    cwd: work,
    ...pgUser,
  });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.error?.message ?? init.stderr}`);
  ports.postgres = await freePort();
  const child = start(
    'postgres',
    exe('postgres'),
    [
      '-D',
      data,
      '-p',
      String(ports.postgres),
      '-c',
      'listen_addresses=127.0.0.1',
      '-k',
      work,
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
    ],
    { cwd: work, ...pgUser },
  );
  await waitFor('PostgreSQL', () => tcpOpen(ports.postgres), child);
  // Accepting TCP is not accepting queries yet: wait for pg_isready where it exists.
  await waitFor(
    'PostgreSQL',
    async () => spawnSync(exe('pg_isready'), ['-h', '127.0.0.1', '-p', String(ports.postgres)]).status === 0,
    child,
  );
}

async function startRedis() {
  ports.redis ??= await freePort();
  const child = start('redis', 'redis-server', [
    '--port',
    String(ports.redis),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    work,
  ]);
  await waitFor('Redis', () => tcpOpen(ports.redis), child);
}

const nodeNames = ['node1', 'node2'];

async function startNode(name) {
  const args = [
    dll,
    '--urls',
    `http://127.0.0.1:${ports[name]}`,
    '--node-name',
    name,
    '--redis',
    `127.0.0.1:${ports.redis}`,
    '--postgres',
    `Host=127.0.0.1;Port=${ports.postgres};Username=chat;Database=postgres;Timeout=5;Command Timeout=15`,
    '--signing-key',
    signingKey,
    '--bot-start-delay-ms',
    '5',
    '--bot-status-delay-ms',
    '5',
    '--bot-chunk-delay-ms',
    '5',
  ];
  const child = start(name, 'dotnet', args, { cwd: project, env: dotnetEnv });
  await waitFor(name, () => httpOk(`http://127.0.0.1:${ports[name]}/health/live`), child);
}

async function startHaproxy() {
  const config = join(root, 'test', 'cluster', 'haproxy.cfg');
  const env = {
    ...process.env,
    CHAT_LB_PORT: String(ports.lb),
    CHAT_LB_STATS_PORT: String(ports.lbStats),
    CHAT_NODE1_PORT: String(ports.node1),
    CHAT_NODE2_PORT: String(ports.node2),
  };
  const check = spawnSync('haproxy', ['-c', '-q', '-f', config], { env, encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`haproxy -c: ${check.error?.message ?? check.stderr}`);
  const child = start('haproxy', 'haproxy', ['-db', '-f', config], { env });
  await waitFor('HAProxy', () => httpOk(`http://127.0.0.1:${ports.lb}/health/live`), child);
}

// ------------------------------------------------------------------ control server for the scenarios

/** Until HAProxy's own health checks count the node UP again (it gets no new clients before). */
async function waitLbUp(name) {
  await waitFor(
    `HAProxy to count ${name} up`,
    async () => {
      const csv = await (await fetch(`http://127.0.0.1:${ports.lbStats}/stats;csv`, { signal: AbortSignal.timeout(1000) })).text();
      return csv.split('\n').some((line) => line.startsWith(`gateways,${name},`) && line.split(',')[17] === 'UP');
    },
    null,
    15_000,
  );
}

let control;
let scenarios;

function startControl() {
  let queue = Promise.resolve();
  const server = createServer((req, res) => {
    req.resume();
    const parts = new URL(req.url ?? '/', 'http://control').pathname.split('/').filter(Boolean);
    const run = async () => {
      const t0 = Date.now();
      if (req.method === 'POST' && parts[0] === 'node' && nodeNames.includes(parts[1])) {
        const [, name, action] = parts;
        if (action === 'kill') await stop(name, 'SIGKILL');
        else if (action === 'stop') await stop(name, 'SIGTERM');
        else if (action === 'start') {
          await startNode(name);
          await waitLbUp(name);
        } else if (action === 'restart') {
          await stop(name, 'SIGTERM');
          await startNode(name);
          await waitLbUp(name);
        } else return 404;
      } else if (req.method === 'POST' && parts[0] === 'redis' && parts[1] === 'restart') {
        const downMs = Number(new URL(req.url ?? '', 'http://x').searchParams.get('downMs') ?? '1000');
        await stop('redis', 'SIGKILL');
        await sleep(downMs);
        await startRedis();
      } else return 404;
      log(`${parts.join(' ')} done in ${Date.now() - t0} ms`);
      return 204;
    };
    queue = queue.then(async () => {
      try {
        res.writeHead(await run()).end();
      } catch (error) {
        log(`control ${req.url} failed: ${error instanceof Error ? error.message : String(error)}`);
        res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
      }
    });
  });
  return new Promise((done, reject) => {
    server.once('error', reject);
    server.listen(ports.control, '127.0.0.1', () => done(server));
  });
}

// ------------------------------------------------------------------ cleanup

let cleaning;
function cleanup() {
  cleaning ??= (async () => {
    if (alive(scenarios)) {
      try {
        process.kill(-scenarios.pid, 'SIGTERM');
      } catch {
        // gone
      }
      await Promise.race([new Promise((done) => scenarios.once('exit', done)), sleep(5000)]);
      try {
        process.kill(-scenarios.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    if (control) await new Promise((done) => control.close(() => done()));
    // The load balancer first, then the nodes (SIGTERM: they close their hub connections), then what they use.
    await stop('haproxy');
    await Promise.all(nodeNames.map((name) => stop(name)));
    await stop('redis');
    await stop('postgres', 'SIGINT'); // fast shutdown
    for (const name of [...processes.keys()]) await stop(name, 'SIGKILL');
    if (!process.env.CLUSTER_KEEP) rmSync(work, { recursive: true, force: true });
    else log(`kept ${work}`);
  })();
  return cleaning;
}

const interrupted = stopOnInterrupt(log, cleanup);

// ------------------------------------------------------------------ main

async function main() {
  for (const tool of ['redis-server', 'haproxy']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
      log(`${tool} is not installed (Debian: apt-get install redis-server haproxy postgresql)`);
      return 1;
    }
  }
  if (buildReferenceGateway(log) !== 0) return 1;

  const t0 = Date.now();
  for (const key of ['node1', 'node2', 'lb', 'lbStats', 'control']) ports[key] = await freePort();
  try {
    await startPostgres();
    await startRedis();
    // One after the other: the first creates the schema.
    for (const name of nodeNames) await startNode(name);
    await startHaproxy();
  } catch (error) {
    log(`the cluster did not start: ${error instanceof Error ? error.message : String(error)}`);
    for (const name of ['postgres', 'redis', ...nodeNames, 'haproxy']) {
      const text = tail(name);
      if (text) process.stderr.write(`---- ${name}.log\n${text}\n`);
    }
    return 1;
  }
  control = await startControl();
  const lb = `http://127.0.0.1:${ports.lb}`;
  log(
    `cluster up in ${((Date.now() - t0) / 1000).toFixed(1)} s: load balancer ${lb} (stats ${lb.replace(String(ports.lb), String(ports.lbStats))}/stats), ` +
      `node1 :${ports.node1}, node2 :${ports.node2}, Redis :${ports.redis}, PostgreSQL :${ports.postgres}`,
  );

  scenarios = spawn(process.execPath, ['--import', 'tsx', join(root, 'test', 'cluster', 'scenarios.ts'), ...process.argv.slice(2)], {
    cwd: root,
    stdio: 'inherit',
    detached: true,
    env: {
      ...process.env,
      CLUSTER_LB_URL: lb,
      CLUSTER_CONTROL_URL: `http://127.0.0.1:${ports.control}`,
      CLUSTER_NODES: JSON.stringify(Object.fromEntries(nodeNames.map((name) => [name, `http://127.0.0.1:${ports[name]}`]))),
    },
  });
  const code = await new Promise((done) => scenarios.once('exit', (exitCode, signal) => done(exitCode ?? (signal ? 1 : 0))));
  if (code !== 0) {
    for (const name of [...nodeNames, 'haproxy']) {
      const text = tail(name, 25);
      if (text) process.stderr.write(`---- ${name}.log (tail)\n${text}\n`);
    }
  }
  return code;
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (error) {
  log(`failed: ${error instanceof Error ? error.stack : String(error)}`);
} finally {
  await cleanup();
}
process.exit(interrupted() ? 130 : exitCode);
