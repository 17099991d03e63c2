/**
 * One consumer in a fresh process, driven over IPC by `hub-throughput.ts`: every throughput,
 * latency and heap run gets a process of its own, so no run inherits another's heap, JIT state
 * or garbage.
 *
 * IPC (answers in brackets):
 * - `{ type: 'setup', variant, ready }` sets the consumer up (connected, joined) [`setUp`];
 * - `{ type: 'expect', count, lastId, stamps }` arms it for the next `count` events, the last with
 *   id `lastId` (or the `count`th arrival where the consumer sees no ids) [`armed`], then, once
 *   they all arrived, [`done`, with `ms` and `cpuUs` since `go`, and with `stamps` the wall-clock
 *   arrival time (`performance.timeOrigin + performance.now()`, ms) of each event];
 * - `{ type: 'go' }`: the timed window starts now (the parent opens the gate next) [`going`];
 * - `{ type: 'heap', warm, measure }`: no setup needed — opens one timeline per conversation of
 *   `warm` (untimed warm-up), then measures the heap (two full GCs) before and after opening one
 *   per conversation of `measure`, ten at a time [`heap`, with `bytesPerTimeline`, and the same
 *   for a hand-rolled `filter` + `scan` view per conversation];
 * - `{ type: 'close' }` closes the consumer and exits.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';
import { setTimeout as sleep } from 'node:timers/promises';
import { filter, firstValueFrom, scan, type Subscription } from 'rxjs';
import { createChatClient } from '../src/client.js';
import type { ChatMessageDto } from '../src/codecs/index.js';
import { type Consumer, type HubVariant, holdTimelines, startConsumer } from './consumers.js';
import type { Ready } from './gateway-handle.js';
import { collectGarbage } from './harness.js';

type Command =
  | { readonly type: 'setup'; readonly variant: HubVariant; readonly ready: Ready }
  | { readonly type: 'expect'; readonly count: number; readonly lastId: string; readonly stamps: boolean }
  | { readonly type: 'go' }
  | { readonly type: 'heap'; readonly ready: Ready; readonly warm: readonly string[]; readonly measure: readonly string[] }
  | { readonly type: 'close' };

/**
 * `BENCH_WINDOW_PROF=<dir>`: a CPU profile of the timed window only (from `go` to the last event),
 * written to `<dir>/<pid>.cpuprofile` — the setup, joins and warm-up left out, unlike `--cpu-prof`.
 */
const windowProfDir = process.env.BENCH_WINDOW_PROF;
let profiler: Session | undefined;

function startWindowProfile(): void {
  if (windowProfDir === undefined) return;
  profiler = new Session();
  profiler.connect();
  if (process.env.BENCH_WINDOW_HEAP) {
    profiler.post('HeapProfiler.enable');
    profiler.post('HeapProfiler.startSampling', {
      samplingInterval: 16384,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: process.env.BENCH_WINDOW_HEAP === 'all',
    } as never);
    return;
  }
  profiler.post('Profiler.enable');
  profiler.post('Profiler.start');
}

function stopWindowProfile(): void {
  const session = profiler;
  if (session === undefined || windowProfDir === undefined) return;
  profiler = undefined;
  if (process.env.BENCH_WINDOW_HEAP) {
    session.post('HeapProfiler.stopSampling', (error, result) => {
      if (error === null) writeFileSync(join(windowProfDir, `${process.pid}.heapprofile`), JSON.stringify(result.profile));
      session.disconnect();
    });
    return;
  }
  session.post('Profiler.stop', (error, result) => {
    if (error === null) writeFileSync(join(windowProfDir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    session.disconnect();
  });
}

/** Garbage collection pauses (ms) since the window started: reported with `done`, for reading a run (no target uses it). */
let gcMs = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMs += entry.duration;
}).observe({ entryTypes: ['gc'] });

const send = (message: unknown): void => {
  process.send?.(message);
};
const wallNow = (): number => performance.timeOrigin + performance.now();

let consumer: Consumer | undefined;
let seen = 0;
let target = Number.POSITIVE_INFINITY;
let lastId = '';
let stamps: number[] | undefined;
let started = 0;
let cpuAtStart: NodeJS.CpuUsage | undefined;

function arrived(id: string | undefined): void {
  seen += 1;
  if (stamps !== undefined) stamps.push(wallNow());
  if (seen === target || (id !== undefined && id === lastId)) {
    const ms = performance.now() - started;
    const cpu = process.cpuUsage(cpuAtStart);
    stopWindowProfile();
    target = Number.POSITIVE_INFINITY;
    lastId = '';
    send({ type: 'done', ms, cpuUs: cpu.user + cpu.system, gcMs, seen, ...(stamps ? { stamps } : {}) });
    stamps = undefined;
  }
}

/**
 * `BENCH_HEAP_SNAPSHOTS=<dir>`: the heap row writes `<dir>/before.heapsnapshot` and
 * `<dir>/after.heapsnapshot` around the hundred timelines it measures (to diff what they hold).
 */
const heapSnapshots = process.env.BENCH_HEAP_SNAPSHOTS;

const heapUsed = (): number => {
  collectGarbage();
  return process.memoryUsage().heapUsed;
};

async function measureHeap(ready: Ready, warm: readonly string[], measure: readonly string[]): Promise<void> {
  const client = createChatClient({ baseUrl: ready.url, token: ready.token });
  await firstValueFrom(client.connect());
  const subscriptions: Subscription[] = [];
  const hold = (ids: readonly string[]): Promise<void> => holdTimelines(client, ids, subscriptions);
  await hold(warm);
  // A rehearsal: the same 100 opened and closed once, so what the engine compiles or optimises
  // for a hundred timelines at once (code, feedback, a stack formatted once) is made before the
  // measure, not counted as what a timeline holds.
  const rehearsal = subscriptions.length;
  await hold(measure);
  for (const subscription of subscriptions.splice(rehearsal)) subscription.unsubscribe();
  await sleep(300); // the leaves
  const before = heapUsed();
  if (heapSnapshots) writeHeapSnapshot(join(heapSnapshots, 'before.heapsnapshot'));
  await hold(measure);
  const after = heapUsed();
  if (heapSnapshots) writeHeapSnapshot(join(heapSnapshots, 'after.heapsnapshot'));
  // The same conversations as hand-rolled views over the decoded hub stream (no REST, no joins).
  const viewsBefore = heapUsed();
  const received$ = client.realtime.chat.on('messageReceived');
  for (const id of measure) {
    subscriptions.push(
      received$
        .pipe(
          filter((m: ChatMessageDto) => m.conversationId === id),
          scan((list: readonly ChatMessageDto[], m) => [...list.slice(-999), m], []),
        )
        .subscribe(),
    );
  }
  const viewsAfter = heapUsed();
  send({
    type: 'heap',
    bytesPerTimeline: (after - before) / measure.length,
    bytesPerView: (viewsAfter - viewsBefore) / measure.length,
  });
  for (const subscription of subscriptions) subscription.unsubscribe();
  await client.disconnect();
}

process.on('message', (command: Command) => {
  switch (command.type) {
    case 'setup':
      void startConsumer(command.variant, command.ready, arrived).then((c) => {
        consumer = c;
        send({ type: 'setUp', conversationIds: c.conversationIds });
      });
      return;
    case 'expect':
      seen = 0;
      target = command.count;
      lastId = command.lastId;
      stamps = command.stamps ? [] : undefined;
      started = performance.now();
      cpuAtStart = process.cpuUsage();
      send({ type: 'armed' });
      return;
    case 'go':
      collectGarbage();
      startWindowProfile();
      gcMs = 0;
      started = performance.now();
      cpuAtStart = process.cpuUsage();
      send({ type: 'going' });
      return;
    case 'heap':
      void measureHeap(command.ready, command.warm, command.measure);
      return;
    case 'close':
      void (consumer?.close() ?? Promise.resolve()).then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(error);
          process.exit(1);
        },
      );
      return;
  }
});
send({ type: 'started' });
