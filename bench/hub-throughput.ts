/**
 * Row 1: hub event throughput, latency and heap per open timeline, every run in a **fresh
 * consumer process** (`consumer-process.ts`; the consumers are in `consumers.ts`). The embedded
 * gateway runs in its own process (`gateway-process.ts`) behind a TCP gate.
 *
 * Throughput, per run: start a consumer process, set the consumer up (connected, joined); an
 * untimed warm-up of `warmup` events flows through it live (JIT, a full timeline window); then the
 * gateway sends `count` events into the closed gate; the consumer is told the window starts, the
 * gate opens, and the run's time is from then until the consumer delivered the last event (its
 * own clock), with the CPU time its process used meanwhile (`process.cpuUsage`). Variants run
 * interleaved, round by round (a round = every variant once, in a shuffled order that differs per
 * round); each variant's rate is the median of its rounds.
 *
 * Latency: a consumer process per variant; the gateway (gate open) sends one event every 10 ms
 * (100 msg/s) and notes each one's wall-clock time just before `emitRaw`; the consumer notes the
 * wall-clock time each is delivered; latency = delivered − sent, median and p99 over the events
 * after the first 50.
 *
 * Heap per open timeline: see `consumer-process.ts` (`heap`).
 */
import { fileURLToPath } from 'node:url';
import { type ChildProcess, fork } from 'node:child_process';
import { build } from 'esbuild';
import { type HubVariant, HUB_VARIANTS } from './consumers.js';
import { GatewayProcess, IpcPeer } from './gateway-handle.js';
import { median } from './harness.js';
import { idAt } from './payload.js';

/** One consumer of the hub rows (see `consumers.ts`). */
export type { HubVariant } from './consumers.js';

/** How {@link measureHubThroughput} runs. */
export interface HubThroughputOptions {
  readonly gateway: GatewayProcess;
  readonly count: number;
  readonly rounds: number;
  readonly warmup: number;
  readonly batch: number;
  readonly variants?: readonly HubVariant[];
  /** Called after each run. */
  readonly onRun?: (run: HubRun) => void;
}

/** One throughput run of one consumer, in its own process. */
export interface HubRun {
  readonly variant: HubVariant;
  readonly round: number;
  readonly ms: number;
  /** Events per second. */
  readonly rate: number;
  /** CPU time of the consumer's process per event, µs. */
  readonly cpuUsPerEvent: number;
  /** Garbage collection pauses of the consumer per event, µs (for reading a run; no target uses it). */
  readonly gcUsPerEvent: number;
  /** How long the gateway took to hand every event to its socket. */
  readonly serverMs: number;
}

interface Done {
  readonly ms: number;
  readonly cpuUs: number;
  readonly gcMs: number;
  readonly seen: number;
  readonly stamps?: number[];
}

/** Ids of every event the bench sends: one increasing sequence over the whole run. */
let nextId = 0;

let consumerScript: Promise<string> | undefined;

/**
 * `consumer-process.ts` and the library code it runs, compiled once with esbuild as the package
 * build compiles it (ES2022, no `keepNames`; dependencies left to `node_modules`), so the consumer
 * runs on plain Node what an app would run — not tsx's on-the-fly transform, which wraps every
 * named function in a `__name` call that costs heap per closure.
 */
function compiledConsumer(): Promise<string> {
  consumerScript ??= (async () => {
    const outfile = fileURLToPath(new URL('../.tmp/bench/consumer-process.mjs', import.meta.url));
    await build({
      entryPoints: [fileURLToPath(new URL('./consumer-process.ts', import.meta.url))],
      outfile,
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      target: 'es2022',
      logLevel: 'warning',
    });
    return outfile;
  })();
  return consumerScript;
}

/**
 * Forks the compiled consumer process. `BENCH_CONSUMER_CPU_PROF=<dir>` profiles it (`--cpu-prof`);
 * `BENCH_CONSUMER_FLAGS` adds Node flags (e.g. `--trace-gc-nvp`).
 */
async function forkConsumer(): Promise<ChildProcess> {
  const cpuProf = process.env.BENCH_CONSUMER_CPU_PROF;
  return fork(await compiledConsumer(), [], {
    execArgv: [
      '--expose-gc',
      ...(cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${cpuProf}`] : []),
      ...(process.env.BENCH_CONSUMER_FLAGS?.split(' ') ?? []),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** A consumer process set up with `variant`. */
async function startConsumerProcess(
  gateway: GatewayProcess,
  variant: HubVariant,
): Promise<{ peer: IpcPeer; conversationIds: readonly string[] }> {
  const child = await forkConsumer();
  const peer = new IpcPeer(child, `consumer (${variant})`);
  await peer.next('started');
  const setUp = await peer.request<{ conversationIds: string[] }>({ type: 'setup', variant, ready: gateway.ready }, 'setUp');
  return { peer, conversationIds: setUp.conversationIds };
}

/** Arms the consumer for `count` events over `conversationIds`; resolves its `done` promise and the first id. */
async function expect(peer: IpcPeer, count: number, stamps: boolean): Promise<{ done: Promise<Done>; from: number }> {
  const from = nextId;
  nextId += count;
  const done = peer.next<Done>('done');
  await peer.request({ type: 'expect', count, lastId: idAt(from + count - 1), stamps }, 'armed');
  return { done, from };
}

/** One throughput run of `variant` in a fresh process. */
async function throughputRun(options: HubThroughputOptions, variant: HubVariant, round: number): Promise<HubRun> {
  const { gateway, batch } = options;
  const { peer, conversationIds } = await startConsumerProcess(gateway, variant);
  try {
    if (options.warmup > 0) {
      const warm = await expect(peer, options.warmup, false);
      await gateway.emit(conversationIds, warm.from, options.warmup, batch, false);
      await warm.done;
    }
    const timed = await expect(peer, options.count, false);
    const serverMs = await gateway.emit(conversationIds, timed.from, options.count, batch, true);
    await peer.request({ type: 'go' }, 'going');
    await gateway.release();
    const done = await timed.done;
    return {
      variant,
      round,
      ms: done.ms,
      rate: (options.count / done.ms) * 1000,
      cpuUsPerEvent: done.cpuUs / options.count,
      gcUsPerEvent: (done.gcMs * 1000) / options.count,
      serverMs,
    };
  } finally {
    await peer.close();
  }
}

/** The variants in a different order each round (a fixed seed): drift and neighbours hit them alike. */
function roundOrder(variants: readonly HubVariant[], round: number): HubVariant[] {
  const order = [...variants];
  let x = 0x9e3779b9 ^ (round + 1);
  for (let i = order.length - 1; i > 0; i--) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const j = (x >>> 0) % (i + 1);
    [order[i], order[j]] = [order[j] as HubVariant, order[i] as HubVariant];
  }
  return order;
}

/** Runs every variant `rounds` times, interleaved, each run in a fresh process; returns every run. */
export async function measureHubThroughput(options: HubThroughputOptions): Promise<HubRun[]> {
  const variants = options.variants ?? HUB_VARIANTS;
  const runs: HubRun[] = [];
  for (let round = 0; round < options.rounds; round++) {
    for (const variant of roundOrder(variants, round)) {
      const run = await throughputRun(options, variant, round);
      runs.push(run);
      options.onRun?.(run);
    }
  }
  return runs;
}

/** The median rate and CPU per event of each variant. */
export function summariseRuns(runs: readonly HubRun[]): Map<HubVariant, { rate: number; cpuUsPerEvent: number; rates: number[] }> {
  const out = new Map<HubVariant, { rate: number; cpuUsPerEvent: number; rates: number[] }>();
  for (const variant of new Set(runs.map((r) => r.variant))) {
    const mine = runs.filter((r) => r.variant === variant);
    out.set(variant, {
      rate: median(mine.map((r) => r.rate)),
      cpuUsPerEvent: median(mine.map((r) => r.cpuUsPerEvent)),
      rates: mine.map((r) => r.rate),
    });
  }
  return out;
}

/** Latency of one consumer at 100 msg/s, ms (wall clock, sent → delivered). */
export interface LatencyResult {
  readonly variant: HubVariant;
  readonly medianMs: number;
  readonly p99Ms: number;
}

/** Latency of `variant` at `perSecond` events a second: sent (before `emitRaw`) → delivered. */
export async function measureLatency(gateway: GatewayProcess, variant: HubVariant, count = 400, perSecond = 100): Promise<LatencyResult> {
  const { peer, conversationIds } = await startConsumerProcess(gateway, variant);
  try {
    const warm = await expect(peer, 2_000, false);
    await gateway.emit(conversationIds, warm.from, 2_000, 256, false);
    await warm.done;
    const timed = await expect(peer, count, true);
    const sentAt = await gateway.paced(conversationIds[0] as string, timed.from, count, 1000 / perSecond);
    const stamps = (await timed.done).stamps ?? [];
    const latencies = stamps.slice(50).map((at, i) => at - (sentAt[i + 50] as number));
    latencies.sort((a, b) => a - b);
    return {
      variant,
      medianMs: median(latencies),
      p99Ms: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? Number.NaN,
    };
  } finally {
    await peer.close();
  }
}

/** Heap per open timeline and per hand-rolled `filter` + `scan` view, bytes. */
export interface HeapPerTimeline {
  readonly bytesPerTimeline: number;
  readonly bytesPerView: number;
}

/** Heap per open timeline (no messages held), in a fresh process: 20 opened to warm up, then 100 measured. */
export async function measureHeapPerTimeline(gateway: GatewayProcess): Promise<HeapPerTimeline> {
  const child = await forkConsumer();
  const peer = new IpcPeer(child, 'consumer (heap)');
  await peer.next('started');
  try {
    const conversations = gateway.ready.conversations;
    return await peer.request<HeapPerTimeline>(
      { type: 'heap', ready: gateway.ready, warm: conversations.slice(100, 120), measure: conversations.slice(0, 100) },
      'heap',
    );
  } finally {
    await peer.close();
  }
}

// Standalone: `node --expose-gc --import tsx bench/hub-throughput.ts [count] [rounds] [variants]`
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const count = Number(process.argv[2] ?? 100_000);
  const rounds = Number(process.argv[3] ?? 3);
  const variants = process.argv[4]?.split(',') as HubVariant[] | undefined;
  const gateway = await GatewayProcess.start();
  try {
    const runs = await measureHubThroughput({
      gateway,
      count,
      rounds,
      warmup: 10_000,
      batch: 256,
      ...(variants ? { variants } : {}),
      onRun: (run) =>
        console.log(
          `${run.variant.padEnd(16)} ${run.ms.toFixed(0).padStart(6)} ms  ${run.rate.toFixed(0).padStart(7)} ev/s  ${run.cpuUsPerEvent.toFixed(1)} µs CPU/ev  ${run.gcUsPerEvent.toFixed(1)} µs GC/ev  server ${run.serverMs.toFixed(0)} ms`,
        ),
    });
    for (const [variant, s] of summariseRuns(runs))
      console.log(`${variant.padEnd(16)} median ${s.rate.toFixed(0)} ev/s ${s.cpuUsPerEvent.toFixed(1)} µs`);
  } finally {
    await gateway.close();
  }
}
