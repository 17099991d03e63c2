/**
 * Row 1: hub event throughput. `messageReceived` events come from the embedded gateway, which
 * runs in a child process (`gateway-process.ts`) so the server has a core of its own, over
 * loopback WebSockets, and are consumed here by
 *   (a) a bare `@microsoft/signalr` HubConnection handler (the baseline),
 *   (b) `ChatHubClient.on('messageReceived')` (decoding every payload),
 *   (c) `createChatClient(...).timeline(id).messages$` (decode + timeline reducer + the emitted
 *       array, default window of 1,000 messages).
 * Each run: connect a fresh client and join; the gateway sends `count` events into a closed gate
 * (see `gateway-process.ts`); time from opening the gate until the client has received the last
 * one. Variants run interleaved, round by round; the first round is a shorter, unrecorded warm-up.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { HubConnectionBuilder, LogLevel, type HubConnection } from '@microsoft/signalr';
import { filter, firstValueFrom, take } from 'rxjs';
import { createChatClient } from '../src/client.js';
import { ChatHubClient } from '../src/hubs/chat-hub-client.js';
import { GatewayProcess, type Ready } from './gateway-handle.js';
import { idAt } from './payload.js';

export type HubVariant = 'bare' | 'chatHub' | 'timeline';

export interface HubThroughputOptions {
  /** The gateway process to use (one is started and closed when absent). */
  readonly gateway?: GatewayProcess;
  readonly count: number;
  readonly rounds: number;
  readonly batch: number;
  readonly variants?: readonly HubVariant[];
  /** Called after each recorded run. */
  readonly onRun?: (run: HubRun) => void;
}

export interface HubRun {
  readonly variant: HubVariant;
  readonly ms: number;
  /** Events per second. */
  readonly rate: number;
  /** How long the gateway took to hand every event to its socket. */
  readonly serverMs: number;
}

/** A consumer under test: set up (connected and joined), then `received` resolves after the last event. */
interface Consumer {
  /** Resolves when the event with id `lastId` (the `count`th) has arrived. */
  arm(count: number, lastId: string): Promise<void>;
  close(): Promise<void>;
}

async function bareConsumer(ready: Ready): Promise<Consumer> {
  const connection: HubConnection = new HubConnectionBuilder()
    .withUrl(`${ready.url}/hubs/chat`, { accessTokenFactory: () => ready.token })
    .withStatefulReconnect()
    .configureLogging(LogLevel.Warning)
    .build();
  let seen = 0;
  let target = Infinity;
  let done: () => void = () => undefined;
  connection.on('messageReceived', () => {
    seen += 1;
    if (seen === target) done();
  });
  await connection.start();
  await connection.invoke('JoinConversation', ready.conversationId);
  return {
    arm(count) {
      seen = 0;
      target = count;
      return new Promise((resolve) => (done = resolve));
    },
    close: () => connection.stop(),
  };
}

async function chatHubConsumer(ready: Ready): Promise<Consumer> {
  const chat = new ChatHubClient({ url: `${ready.url}/hubs/chat`, accessTokenFactory: () => ready.token });
  let seen = 0;
  let target = Infinity;
  let done: () => void = () => undefined;
  let errors = 0;
  const subscription = chat.on('messageReceived').subscribe(() => {
    seen += 1;
    if (seen === target) done();
  });
  subscription.add(chat.errors$.subscribe(() => (errors += 1)));
  await firstValueFrom(chat.connect());
  await firstValueFrom(chat.joinConversation(ready.conversationId), { defaultValue: undefined });
  return {
    arm(count) {
      seen = 0;
      target = count;
      return new Promise((resolve) => (done = resolve));
    },
    async close() {
      subscription.unsubscribe();
      await firstValueFrom(chat.disconnect(), { defaultValue: undefined });
      if (errors > 0) throw new Error(`ChatHubClient reported ${errors} errors`);
    },
  };
}

async function timelineConsumer(ready: Ready): Promise<Consumer> {
  const client = createChatClient({ baseUrl: ready.url, token: ready.token });
  const timeline = client.timeline(ready.conversationId);
  let lastId = '';
  let done: () => void = () => undefined;
  let errors = 0;
  const subscription = timeline.messages$.subscribe((messages) => {
    if (messages[messages.length - 1]?.id === lastId) done();
  });
  subscription.add(client.errors$.subscribe(() => (errors += 1)));
  await firstValueFrom(client.connect());
  await firstValueFrom(
    client.realtime.chat.joinedConversations$.pipe(
      filter((ids) => ids.has(ready.conversationId)),
      take(1),
    ),
  );
  await sleep(100); // the first history page and the gap recovery after the join
  return {
    arm(_count, id) {
      lastId = id;
      return new Promise((resolve) => (done = resolve));
    },
    async close() {
      subscription.unsubscribe();
      await client.disconnect();
      if (errors > 0) throw new Error(`the chat client reported ${errors} errors`);
    },
  };
}

const FACTORIES: Record<HubVariant, (ready: Ready) => Promise<Consumer>> = {
  bare: bareConsumer,
  chatHub: chatHubConsumer,
  timeline: timelineConsumer,
};

/** Runs every variant `rounds` times, interleaved; returns every run. */
export async function measureHubThroughput(options: HubThroughputOptions): Promise<HubRun[]> {
  const variants = options.variants ?? (['bare', 'chatHub', 'timeline'] as const);
  const gateway = options.gateway ?? (await GatewayProcess.start());
  const runs: HubRun[] = [];
  let next = 0;
  try {
    // One short warm-up per variant (JIT, connection code paths), not recorded.
    for (let round = -1; round < options.rounds; round++) {
      for (const variant of variants) {
        const count = round < 0 ? Math.min(10_000, options.count) : options.count;
        const consumer = await FACTORIES[variant](gateway.ready);
        globalThis.gc?.();
        await sleep(20);
        const received = consumer.arm(count, idAt(next + count - 1));
        const serverMs = await gateway.emit(next, count, options.batch);
        globalThis.gc?.();
        const started = performance.now();
        gateway.release();
        await received;
        const ms = performance.now() - started;
        next += count;
        await consumer.close();
        if (round >= 0) {
          const run: HubRun = { variant, ms, rate: (count / ms) * 1000, serverMs };
          runs.push(run);
          options.onRun?.(run);
        }
      }
    }
  } finally {
    if (!options.gateway) await gateway.close();
  }
  return runs;
}

// Standalone: `node --expose-gc --import tsx bench/hub-throughput.ts [count] [rounds]`
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const count = Number(process.argv[2] ?? 100_000);
  const rounds = Number(process.argv[3] ?? 3);
  const variants = process.argv[4]?.split(',') as HubVariant[] | undefined;
  const runs = await measureHubThroughput({ count, rounds, batch: 256, ...(variants ? { variants } : {}) });
  for (const run of runs)
    console.log(
      `${run.variant.padEnd(9)} ${run.ms.toFixed(0).padStart(6)} ms  ${run.rate.toFixed(0).padStart(7)} ev/s  server ${run.serverMs.toFixed(0)} ms`,
    );
}
