/**
 * `npm run bench`: every benchmark of chat-client-rx, one table on stdout (progress on stderr).
 * Each row is a ratio against a baseline measured in the same run, with its target and PASS/MISS.
 * Run with `node --expose-gc --import tsx bench/run.ts` (the GC is needed by the memory rows).
 * How each row is measured: docs/performance.md and the comment at the top of each bench file.
 */
import { cpus } from 'node:os';
import { measureBundles, readBudgets } from './bundle.js';
import { measureDecode } from './decode.js';
import { GatewayProcess } from './gateway-handle.js';
import { formatBytes, formatNs, median } from './harness.js';
import { measureHubThroughput, type HubRun, type HubVariant } from './hub-throughput.js';
import { measureEventFlood, measureTimelineChurn } from './memory.js';
import { measureStreamAccumulation } from './stream-accumulation.js';
import { GROWTH_EVENTS, measureTimelineGrowth } from './timeline-growth.js';

interface Row {
  readonly id: string;
  readonly name: string;
  readonly measured: string;
  readonly baseline: string;
  readonly ratio: number;
  readonly target: string;
  readonly pass: boolean;
}

const rows: Row[] = [];
const atMost = (id: string, name: string, measured: string, baseline: string, ratio: number, limit: number): void => {
  rows.push({ id, name, measured, baseline, ratio, target: `≤ ${limit}`, pass: ratio <= limit });
};
const atLeast = (id: string, name: string, measured: string, baseline: string, ratio: number, limit: number): void => {
  rows.push({ id, name, measured, baseline, ratio, target: `≥ ${limit}`, pass: ratio >= limit });
};
const progress = (message: string): void => {
  process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${message}\n`);
};

if (typeof (globalThis as { gc?: unknown }).gc !== 'function') {
  console.error('Run with --expose-gc: node --expose-gc --import tsx bench/run.ts');
  process.exit(2);
}
const started = performance.now();

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
  `decodeWith(ChatMessageDto) vs JSON.parse (${formatBytes(decode.bytes)})`,
  formatNs(decode.decodeNs),
  formatNs(decode.parseNs),
  decode.decodeNs / decode.parseNs,
  1.5,
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

// 1. Hub throughput and 5a. timeline churn, against the gateway process.
progress('hub throughput (gateway in a child process)');
const gateway = await GatewayProcess.start();
let runs: HubRun[];
let churn: Awaited<ReturnType<typeof measureTimelineChurn>>;
try {
  runs = await measureHubThroughput({
    gateway,
    count: 100_000,
    rounds: 3,
    batch: 256,
    onRun: (run) => progress(`  ${run.variant}: ${run.ms.toFixed(0)} ms`),
  });
  progress('memory: 10,000 timelines opened and closed');
  churn = await measureTimelineChurn(gateway);
} finally {
  await gateway.close();
}
const rate = (variant: HubVariant): number => median(runs.filter((r) => r.variant === variant).map((r) => r.rate));
const perSecond = (value: number): string => `${Math.round(value).toLocaleString('en')} ev/s`;
const bare = rate('bare');
const chatHubRate = rate('chatHub');
const timelineRate = rate('timeline');
atLeast(
  '1b',
  'hub: ChatHubClient.on(messageReceived) vs bare HubConnection',
  perSecond(chatHubRate),
  perSecond(bare),
  chatHubRate / bare,
  0.8,
);
atLeast('1c', 'hub: timeline(id).messages$ vs bare HubConnection', perSecond(timelineRate), perSecond(bare), timelineRate / bare, 0.5);
atMost(
  '5a',
  'heap after 10,000 timelines opened/closed (gateway)',
  formatBytes(churn.endBytes),
  formatBytes(churn.startBytes),
  churn.endBytes / churn.startBytes,
  1.1,
);

// The table.
const order = (id: string): number => Number.parseInt(id, 10) * 100 + (id.charCodeAt(1) || 0);
rows.sort((a, b) => order(a.id) - order(b.id));
const header = ['#', 'benchmark', 'measured', 'baseline', 'ratio', 'target', 'result'];
const table = rows.map((r) => [r.id, r.name, r.measured, r.baseline, r.ratio.toFixed(2), r.target, r.pass ? 'PASS' : 'MISS']);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((cells) => (cells[i] ?? '').length)));
const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const cells of table) console.log(line(cells));
console.log(
  `\n${rows.filter((r) => r.pass).length}/${rows.length} PASS · node ${process.version} · ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}) · ${((performance.now() - started) / 1000).toFixed(0)} s`,
);
process.exitCode = rows.every((r) => r.pass) ? 0 : 1;
