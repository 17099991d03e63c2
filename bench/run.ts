/**
 * `npm run bench`: every benchmark of chat-client-rx, one table on stdout (progress on stderr).
 * Each row is a ratio against a baseline measured in the same run, with its target and PASS/FAIL
 * (rows without a target say `info`). The hub rows run each measurement in a fresh consumer
 * process; the machine's load average is printed next to the table, and the throughput chart is
 * written to `docs/performance-throughput.svg`.
 * Run with `node --expose-gc --import tsx bench/run.ts` (the GC is needed by the memory rows).
 * How each row is measured: docs/performance.md and the comment at the top of each bench file.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { measureBundles, readBudgets } from './bundle.js';
import { type ChartBar, throughputChart } from './chart.js';
import type { HubVariant } from './consumers.js';
import { measureDecode } from './decode.js';
import { GatewayProcess } from './gateway-handle.js';
import { formatBytes, formatNs } from './harness.js';
import {
  type HeapPerTimeline,
  type HubRun,
  type LatencyResult,
  measureHeapPerTimeline,
  measureHubThroughput,
  measureLatency,
  summariseRuns,
} from './hub-throughput.js';
import { measureEventFlood, measureTimelineChurn } from './memory.js';
import { measureStreamAccumulation } from './stream-accumulation.js';
import { GROWTH_EVENTS, measureTimelineGrowth } from './timeline-growth.js';

/** Events per throughput run, and interleaved rounds per consumer. */
const HUB_EVENTS = 100_000;
const HUB_ROUNDS = 5;
/** Heap an open timeline may cost (no messages held). */
const TIMELINE_HEAP_BUDGET = 10 * 1024;
/** The consumers of the latency rows (`bare` is their baseline). */
const LATENCY_VARIANTS: readonly HubVariant[] = ['bare', 'chatOn', 'messages', 'timeline'];
/** The throughput rows: consumer, name, target ratio (none: an `info` row). */
const HUB_ROWS: ReadonlyArray<{ readonly id: string; readonly variant: HubVariant; readonly name: string; readonly target?: number }> = [
  { id: '1', variant: 'bare', name: 'bare @microsoft/signalr handler' },
  { id: '1j', variant: 'bareWindow', name: 'bare handler keeping the last 1,000 (ring)' },
  { id: '1n', variant: 'bareWindowCopy', name: 'the same, copying the 1,000 into a new array per event' },
  { id: '1o', variant: 'bareWindow100', name: 'bare handler keeping the last 1,000 of each of 100 conversations' },
  { id: '1a', variant: 'ssv', name: '@ssv/signalr-client hub.on' },
  { id: '1b', variant: 'fromEventPattern', name: 'fromEventPattern + share (by hand)' },
  { id: '1c', variant: 'chatOn', name: "realtime.chat.on('messageReceived')", target: 0.95 },
  { id: '1d', variant: 'messages', name: 'client.messages$', target: 0.9 },
  { id: '1e', variant: 'timeline', name: 'timeline(id).messages$ (window 1,000)', target: 0.85 },
  { id: '1k', variant: 'timelineWindow50', name: 'timeline(id, { maxMessages: 50 }).messages$' },
  { id: '1f', variant: 'timeline100', name: '100 timelines, events round robin', target: 0.8 },
  { id: '1g', variant: 'timeline100one', name: '100 timelines, events to one of them' },
  { id: '1h', variant: 'timelineSubs10', name: 'timeline, 10 subscribers' },
  { id: '1i', variant: 'timelineSubs50', name: 'timeline, 50 subscribers' },
];

interface Row {
  readonly id: string;
  readonly name: string;
  readonly measured: string;
  readonly baseline: string;
  readonly ratio: number;
  readonly target: string;
  /** `undefined`: an information row, no target. */
  readonly pass: boolean | undefined;
}

const rows: Row[] = [];
const atMost = (id: string, name: string, measured: string, baseline: string, ratio: number, limit: number): void => {
  rows.push({ id, name, measured, baseline, ratio, target: `≤ ${limit}`, pass: ratio <= limit });
};
const atLeast = (id: string, name: string, measured: string, baseline: string, ratio: number, limit: number): void => {
  rows.push({ id, name, measured, baseline, ratio, target: `≥ ${limit}`, pass: ratio >= limit });
};
const info = (id: string, name: string, measured: string, baseline: string, ratio: number): void => {
  rows.push({ id, name, measured, baseline, ratio, target: '—', pass: undefined });
};
const progress = (message: string): void => {
  process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${message}\n`);
};
const loadAverage = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');

if (typeof (globalThis as { gc?: unknown }).gc !== 'function') {
  console.error('Run with --expose-gc: node --expose-gc --import tsx bench/run.ts');
  process.exit(2);
}
const started = performance.now();
const loadAtStart = loadAverage();

// 6. Bundles (first: quick, and independent of the machine's speed).
progress('bundles');
const budgets = readBudgets();
for (const size of await measureBundles()) {
  const budget = budgets[size.name];
  if (budget === undefined) throw new Error(`no budget for ${size.name} in bench/bundle-budget.json`);
  atMost(
    '6',
    `bundle ${size.name} (min+gzip)`,
    `${formatBytes(size.gzipBytes)} (min ${formatBytes(size.minBytes)})`,
    `budget ${formatBytes(budget)}`,
    size.gzipBytes / budget,
    1,
  );
}

// 2. Decode.
progress('decode');
const decode = measureDecode();
atMost(
  '2',
  `decodeWith(ChatMessageDto), guard-first, added to JSON.parse of the text (${formatBytes(decode.bytes)}; cold: ${formatNs(decode.coldDecodeNs)})`,
  formatNs(decode.decodeNs),
  formatNs(decode.parseNs),
  decode.decodeNs / decode.parseNs,
  0.15,
);

// 4. Stream accumulation.
progress('stream accumulation');
const accumulation = measureStreamAccumulation();
atMost(
  '4',
  `reduceBotStreams per chunk, ${accumulation.largeChunks.toLocaleString('en')} vs ${accumulation.smallChunks.toLocaleString('en')} chunks`,
  formatNs(accumulation.largeNs),
  formatNs(accumulation.smallNs),
  accumulation.largeNs / accumulation.smallNs,
  2,
);
// The same reply with its chunks in reverse: each waits for the gap before it (was quadratic).
atMost(
  '4b',
  `reduceBotStreams per chunk, ${accumulation.largeChunks.toLocaleString('en')} chunks in reverse vs in order`,
  formatNs(accumulation.reversedNs),
  formatNs(accumulation.largeNs),
  accumulation.reversedNs / accumulation.largeNs,
  4,
);

// 3. Timeline growth (each size in its own process).
progress('timeline growth');
const growth = await measureTimelineGrowth();
const growthNames = { new: 'a new message', edit: 'an edit', reaction: 'a reaction (add/remove)' } as const;
for (const [i, event] of GROWTH_EVENTS.entries()) {
  atMost(
    `3${'abc'[i]}`,
    `TimelineState: ${growthNames[event]}, ${growth.largeSize.toLocaleString('en')} vs ${growth.smallSize.toLocaleString('en')} held`,
    formatNs(growth.large[event]),
    formatNs(growth.small[event]),
    growth.large[event] / growth.small[event],
    2,
  );
}

// 5b. Memory: 1,000,000 events through a timeline (stub deps).
progress('memory: 1,000,000 events through one timeline');
const flood = await measureEventFlood();
atMost(
  '5b',
  `heap after ${flood.events.toLocaleString('en')} events through messages$ (stub deps)`,
  formatBytes(flood.endBytes),
  formatBytes(flood.startBytes),
  flood.endBytes / flood.startBytes,
  1.1,
);
atMost(
  '5c',
  `largest messages$ array vs maxMessages`,
  `${flood.maxLength}`,
  `${flood.maxMessages}`,
  flood.maxLength / flood.maxMessages,
  1,
);

// 1. Hub throughput, latency, heap per timeline and 5a. timeline churn, against the gateway process.
const loadBeforeHub = loadAverage();
progress(`hub rows (gateway in a child process; a fresh consumer process per run; load ${loadBeforeHub})`);
const gateway = await GatewayProcess.start();
let runs: HubRun[];
let latencies: LatencyResult[];
let heap: HeapPerTimeline;
let churn: Awaited<ReturnType<typeof measureTimelineChurn>>;
try {
  runs = await measureHubThroughput({
    gateway,
    count: HUB_EVENTS,
    rounds: HUB_ROUNDS,
    warmup: 5_000,
    batch: 256,
    onRun: (run) =>
      progress(
        `  round ${run.round + 1}/${HUB_ROUNDS} ${run.variant}: ${run.ms.toFixed(0)} ms, ${run.cpuUsPerEvent.toFixed(1)} µs CPU/event`,
      ),
  });
  progress('latency at 100 msg/s');
  latencies = [];
  for (const variant of LATENCY_VARIANTS) latencies.push(await measureLatency(gateway, variant));
  progress('heap per open timeline');
  heap = await measureHeapPerTimeline(gateway);
  progress('memory: 10,000 timelines opened and closed');
  churn = await measureTimelineChurn(gateway);
} finally {
  await gateway.close();
}
const summary = summariseRuns(runs);
const bare = summary.get('bare') as { rate: number; cpuUsPerEvent: number };
const cell = (s: { rate: number; cpuUsPerEvent: number }): string =>
  `${Math.round(s.rate).toLocaleString('en')} ev/s, ${s.cpuUsPerEvent.toFixed(1)} µs CPU/ev`;
const chartBars: ChartBar[] = [];
for (const row of HUB_ROWS) {
  const s = summary.get(row.variant);
  if (s === undefined) continue;
  const ratio = s.rate / bare.rate;
  if (row.variant !== 'bare') {
    if (row.target === undefined) info(row.id, `hub: ${row.name} vs bare handler`, cell(s), cell(bare), ratio);
    else atLeast(row.id, `hub: ${row.name} vs bare handler`, cell(s), cell(bare), ratio, row.target);
  }
  chartBars.push({
    label: row.name,
    ratio,
    rate: s.rate,
    cpuUs: s.cpuUsPerEvent,
    ...(row.target !== undefined ? { target: row.target } : {}),
  });
}
// Row 1f against what it holds: the bare handler keeping the same 100 × 1,000 payloads (1o).
const held = summary.get('bareWindow100');
const hundred = summary.get('timeline100');
if (held !== undefined && hundred !== undefined)
  info(
    '1p',
    'hub: 100 timelines, events round robin vs row 1o (the same 100,000 held)',
    cell(hundred),
    cell(held),
    hundred.rate / held.rate,
  );
const bareLatency = latencies.find((l) => l.variant === 'bare');
for (const l of latencies) {
  if (l.variant === 'bare' || bareLatency === undefined) continue;
  const ms = (r: LatencyResult): string => `median ${r.medianMs.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms`;
  info(
    '1l',
    `latency emitRaw → ${HUB_ROWS.find((r) => r.variant === l.variant)?.name ?? l.variant} at 100 msg/s (p99 vs bare p99)`,
    ms(l),
    ms(bareLatency),
    l.p99Ms / bareLatency.p99Ms,
  );
}
atMost(
  '1m',
  `heap per open timeline, no messages held (100 on 100 conversations; hand-rolled filter+scan view: ${formatBytes(heap.bytesPerView)})`,
  formatBytes(heap.bytesPerTimeline),
  `budget ${formatBytes(TIMELINE_HEAP_BUDGET)}`,
  heap.bytesPerTimeline / TIMELINE_HEAP_BUDGET,
  1,
);
atMost(
  '5a',
  'heap after 10,000 timelines opened/closed (gateway)',
  formatBytes(churn.endBytes),
  formatBytes(churn.startBytes),
  churn.endBytes / churn.startBytes,
  1.1,
);

// The table.
const order = (id: string): number => Number.parseInt(id, 10) * 100 + (id.length > 1 ? id.charCodeAt(1) - 96 : 0);
rows.sort((a, b) => order(a.id) - order(b.id));
const header = ['#', 'benchmark', 'measured', 'baseline', 'ratio', 'target', 'result'];
const table = rows.map((r) => [
  r.id,
  r.name,
  r.measured,
  r.baseline,
  r.ratio.toFixed(2),
  r.target,
  r.pass === undefined ? 'info' : r.pass ? 'PASS' : 'FAIL',
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((cells) => (cells[i] ?? '').length)));
const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const cells of table) console.log(line(cells));
const targets = rows.filter((r) => r.pass !== undefined);
const seconds = ((performance.now() - started) / 1000).toFixed(0);
const machine = `node ${process.version} · ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? 'unknown'})`;
console.log(
  `\n${targets.filter((r) => r.pass).length}/${targets.length} PASS · ${machine} · ${seconds} s · load average (1/5/15 min): at start ${loadAtStart}, before the hub rows ${loadBeforeHub}, at the end ${loadAverage()}`,
);
const chartPath = new URL('../docs/performance-throughput.svg', import.meta.url);
writeFileSync(
  chartPath,
  throughputChart(
    chartBars,
    `npm run bench, ${new Date().toISOString().slice(0, 10)}, ${machine}, load ${loadBeforeHub}, medians of ${HUB_ROUNDS} rounds`,
  ),
);
console.log(`chart: ${fileURLToPath(chartPath)}`);
process.exitCode = targets.every((r) => r.pass) ? 0 : 1;
