/**
 * The chaos scenario: a seeded, reproducible run of the whole client against the embedded
 * gateway while the gateway suffers random faults.
 *
 * User A (small reconnect delays, a `refreshToken` that logs in again over REST) holds the
 * timelines of three conversations, `client.messages$` and the presence of B and C; user B sends
 * `messages` messages into the three conversations in bursts, over REST and over the chat hub,
 * while every `faultEveryMs` (± 50 %) a fault picked by the seeded PRNG hits the gateway: drops
 * with and without `allowReconnect`, killed sockets, expired tokens, restarts, duplicated and
 * delayed events for a while, and a couple of seconds of refused connections.
 *
 * After the faults stop and the client settled (waited on conditions), it checks against the
 * REST history (the truth): every timeline holds each of B's messages exactly once in server
 * order, `messages$` gave each exactly once, A sees B and C online, the handlers registered on
 * A's hub connections are those of the first connect, no unhandled rejection or uncaught
 * exception happened, and after everything was disconnected and closed the active handles and
 * timers are back to where they started. A failure throws a {@link ChaosFailure} whose message
 * starts with the seed and the command that replays it.
 *
 * Test-only code: lives under test/, never imported by src/.
 */
import { createHook } from 'node:async_hooks';
import { firstValueFrom, type Subscription, timeout } from 'rxjs';
import { type ChatClient, createChatClient } from '../../src/client.js';
import type { Block, MessageDto } from '../../src/codecs/index.js';
import type { TimelineMessage } from '../../src/streams/timeline-message.js';
import { startTestGateway, type TestGateway, uniqueName } from '../support/test-gateway.js';
import { signalrHandlerCount } from '../support/signalr-handlers.js';
import { waitFor, sleep } from '../support/wait.js';

/** The knobs of one run. */
export interface ChaosOptions {
  /** Seeds the PRNG that picks faults, pauses, conversations and channels. */
  readonly seed: number;
  /** How many messages B sends in all (short profile ~150, long 1,000). */
  readonly messages: number;
  /** Roughly how long B's sending should take, in ms (the pauses between bursts are derived from it). */
  readonly durationHint: number;
  /** Mean time between two faults, in ms (each gap is drawn in [0.5, 1.5] × this). */
  readonly faultEveryMs: number;
  /** How long the settle waits may take, together, after the faults stop. @default 30000 */
  readonly settleTimeoutMs?: number;
  /** Progress lines (the fault log), e.g. `console.log` for the long profile. @default silent */
  readonly log?: (line: string) => void;
}

/** What a successful run did. */
export interface ChaosReport {
  readonly seed: number;
  readonly sent: number;
  readonly perConversation: readonly number[];
  readonly faults: readonly string[];
  readonly reconnects: { readonly chat: number; readonly notifications: number };
  readonly errorsReported: number;
  readonly elapsedMs: number;
}

/** A failed run: the message names the seed and how to replay it. */
export class ChaosFailure extends Error {
  override readonly name = 'ChaosFailure';
  constructor(
    readonly seed: number,
    readonly problems: readonly string[],
    readonly faults: readonly string[],
  ) {
    super(
      `chaos run failed with seed ${seed} — replay: CHAOS_SEED=${seed} npx mocha --no-config --node-option import=tsx --extension ts --timeout 120000 test/reliability/chaos.spec.ts\n` +
        problems.map((p) => `  - ${p}`).join('\n') +
        `\n  fault log (ms since start): ${faults.join(', ')}`,
    );
  }
}

/** mulberry32: a tiny, fast, seeded PRNG (32-bit state), good enough to pick faults. */
export function seededRandom(seed: number): {
  next(): number;
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
} {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)] as (typeof items)[number],
    chance: (p) => next() < p,
  };
}

/** Active handles and timers by type, the TCP-ish and timer ones only. */
export function activeResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) {
    if (!/Timeout|TCP|Pipe|Socket|Immediate|Interval|Server/i.test(kind)) continue;
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return counts;
}

/**
 * Tracks where live timers were created (for diagnosing a leak): `CHAOS_TRACE_TIMERS=1`.
 * Returns the stacks of the Timeouts created since the call that are still alive.
 */
export function traceTimers(): { alive(): string[]; stop(): void } {
  const live = new Map<number, { timer: { _destroyed?: boolean; hasRef?: () => boolean; _idleTimeout?: number }; stack: string }>();
  const hook = createHook({
    init(id, type, _trigger, resource) {
      if (type === 'Timeout') live.set(id, { timer: resource as never, stack: new Error('created here').stack ?? '' });
    },
    destroy(id) {
      live.delete(id);
    },
  });
  hook.enable();
  return {
    alive: () =>
      [...live.values()]
        .filter(({ timer }) => timer._destroyed !== true && timer.hasRef?.() !== false)
        .map(
          ({ timer, stack }) =>
            `(${String(timer._idleTimeout)} ms) ${stack
              .split('\n')
              .slice(6, 16)
              .map((l) => l.trim())
              .join(' <- ')}`,
        ),
    stop: () => hook.disable(),
  };
}

/** The types whose count grew from `before` to `after`, as `type: before → after`. */
export function resourceGrowth(before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>): string[] {
  const grown: string[] = [];
  for (const [kind, count] of after) {
    const was = before.get(kind) ?? 0;
    if (count > was) grown.push(`${kind}: ${was} → ${count}`);
  }
  return grown;
}

/** Records unhandled rejections and uncaught exceptions until `stop()`. */
export function recordProcessFailures(): { readonly failures: string[]; stop(): void } {
  const failures: string[] = [];
  const onRejection = (reason: unknown): void => {
    failures.push(`unhandledRejection: ${describe(reason)}`);
  };
  const onException = (error: unknown): void => {
    failures.push(`uncaughtException: ${describe(error)}`);
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return {
    failures,
    stop() {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
    },
  };
}

function describe(value: unknown): string {
  return value instanceof Error ? `${value.name}: ${value.message}` : String(value);
}

function stateOf(state: { status: string; error?: unknown }): string {
  if (state.error === undefined) return state.status;
  const error = state.error as { kind?: string; message?: string; cause?: unknown };
  return `${state.status} (${error.kind ?? ''}: ${error.message ?? ''}; cause: ${describe(error.cause)})`;
}

interface DevLogin {
  readonly token: string;
  readonly user: { readonly id: string };
}

async function devLogin(url: string, username: string): Promise<DevLogin> {
  const response = await fetch(`${url}/api/auth/login/dev`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'pw' }),
  });
  if (!response.ok) throw new Error(`dev login of ${username} answered ${response.status}`);
  return (await response.json()) as DevLogin;
}

/** Every message of a conversation from REST, oldest first (the truth). */
async function restHistory(url: string, token: string, conversationId: string): Promise<MessageDto[]> {
  const all: MessageDto[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 200; page++) {
    const query = new URLSearchParams({ limit: '100', direction: 'older', ...(cursor !== null ? { cursor } : {}) });
    const response = await fetch(`${url}/api/conversations/${conversationId}/messages?${query.toString()}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (!response.ok) throw new Error(`history of ${conversationId} answered ${response.status}`);
    const body = (await response.json()) as { items: MessageDto[]; hasMore: boolean; nextCursor: string | null };
    all.push(...body.items);
    if (!body.hasMore || body.nextCursor === null) break;
    cursor = body.nextCursor;
  }
  return all.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

const textBlocks = (text: string): Block[] => [{ $type: 'text', format: 'Plain', content: text, plainText: text }];

/**
 * Runs the scenario; resolves with a report, or rejects with a {@link ChaosFailure} listing every
 * broken guarantee (all are checked before failing, so one run shows everything).
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const { seed, messages: total, durationHint, faultEveryMs } = options;
  const settleMs = options.settleTimeoutMs ?? 30_000;
  const log = options.log ?? (() => undefined);
  // Separate streams, so the faults and the sends each replay the same sequence whatever the timing.
  const rng = seededRandom(seed);
  const sendRng = seededRandom(seed ^ 0x9e3779b9);
  const started = Date.now();
  const at = (): number => Date.now() - started;
  const faultLog: string[] = [];
  const problems: string[] = [];

  // After a turn of the event loop, so the test runner's own timer (mocha arms it once the test
  // function returned its promise) is part of the baseline.
  await new Promise((resolve) => setImmediate(resolve));
  const resourcesBefore = activeResources();
  const timerTrace = process.env.CHAOS_TRACE_TIMERS ? traceTimers() : undefined;
  const processFailures = recordProcessFailures();
  const subscriptions: Subscription[] = [];
  const clients: ChatClient[] = [];
  let gateway: TestGateway | undefined;
  let faultsRunning = false;
  let faultLoop: Promise<void> = Promise.resolve();

  try {
    // A short grace, so a stateful connection that was not resumed (the socket was killed) is
    // reaped within the run and its consequences (presence going offline) are observable.
    gateway = await startTestGateway({ bot: false, disconnectGraceMs: 1500 });
    const gw = gateway;
    const url = gw.url;
    const names = { a: uniqueName('chaos-a'), b: uniqueName('chaos-b'), c: uniqueName('chaos-c') };
    const refreshFor = (username: string) => async (): Promise<string> => (await devLogin(url, username)).token;
    const makeClient = (username: string): ChatClient => {
      const client = createChatClient({
        baseUrl: url,
        hubs: { reconnectDelays: [50, 150, 300], maxReconnectAttempts: 100, invocationTimeoutMs: 5000 },
        refreshToken: refreshFor(username),
      });
      clients.push(client);
      return client;
    };
    const a = makeClient(names.a);
    const b = makeClient(names.b);
    const c = makeClient(names.c);
    const aId = (await firstValueFrom(a.auth.loginWithDev(names.a, 'pw'))).user.id;
    const bId = (await firstValueFrom(b.auth.loginWithDev(names.b, 'pw'))).user.id;
    const cId = (await firstValueFrom(c.auth.loginWithDev(names.c, 'pw'))).user.id;
    const conversations = [
      await firstValueFrom(b.groupConversation([aId, cId], { name: 'chaos-1' })),
      await firstValueFrom(b.groupConversation([aId], { name: 'chaos-2' })),
      await firstValueFrom(b.directConversation(aId)),
    ].map((conversation) => conversation.id);

    await firstValueFrom(b.connect(), { defaultValue: undefined });
    await firstValueFrom(c.realtime.notifications.connect(), { defaultValue: undefined });
    await firstValueFrom(a.connect(), { defaultValue: undefined });
    const handlersAfterConnect = {
      chat: signalrHandlerCount(a.realtime.chat),
      notifications: signalrHandlerCount(a.realtime.notifications),
    };

    // A's view: three timelines, messages$, presence of B and C, errors$.
    const latest = conversations.map(() => [] as readonly TimelineMessage[]);
    const duplicateSightings: string[] = [];
    const streamDeaths: string[] = [];
    conversations.forEach((conversationId, index) => {
      subscriptions.push(
        a.timeline(conversationId).messages$.subscribe({
          next: (list) => {
            latest[index] = list;
            const ids = list.filter((m) => m.senderId === bId).map((m) => m.id);
            if (new Set(ids).size !== ids.length && duplicateSightings.length < 5) {
              duplicateSightings.push(
                `timeline ${index + 1} at ${at()} ms held a message twice (${ids.length - new Set(ids).size} duplicate(s))`,
              );
            }
          },
          error: (error: unknown) => streamDeaths.push(`timeline ${index + 1} errored: ${describe(error)}`),
          complete: () => streamDeaths.push(`timeline ${index + 1} completed`),
        }),
      );
    });
    const finished = new Map<string, number>();
    subscriptions.push(
      a.messages$.subscribe({
        next: (message) => {
          if (message.senderId === bId) finished.set(message.id, (finished.get(message.id) ?? 0) + 1);
        },
        error: (error: unknown) => streamDeaths.push(`messages$ errored: ${describe(error)}`),
        complete: () => streamDeaths.push('messages$ completed'),
      }),
    );
    let presence = new Map<string, { isOnline: boolean }>() as ReadonlyMap<string, { isOnline: boolean }>;
    subscriptions.push(a.realtime.notifications.presence$.subscribe((map) => (presence = map)));
    const errors: unknown[] = [];
    subscriptions.push(a.errors$.subscribe((error) => errors.push(error)));
    const reconnects = { chat: 0, notifications: 0 };
    subscriptions.push(a.realtime.chat.state$.subscribe((s) => (s.status === 'reconnecting' ? (reconnects.chat += 1) : undefined)));
    subscriptions.push(
      a.realtime.notifications.state$.subscribe((s) => (s.status === 'reconnecting' ? (reconnects.notifications += 1) : undefined)),
    );
    await firstValueFrom(a.realtime.notifications.subscribeToPresence([bId, cId]), { defaultValue: undefined });
    await waitFor(
      () => conversations.every((id) => a.realtime.chat.joinedConversations.has(id)),
      10_000,
      'A to join the three conversations',
    );

    // ---- faults ----
    let duplicateOffAt = 0;
    let delayOffAt = 0;
    let refusals = 0;
    const maxRefusals = total >= 500 ? 2 : 1;
    const faults: Array<{ name: string; weight: number; run: () => Promise<string | undefined> }> = [
      { name: 'drop', weight: 3, run: async () => (await gw.faults.dropConnections({ allowReconnect: true }), 'drop(allowReconnect)') },
      {
        name: 'drop-final',
        weight: 2,
        run: async () => (await gw.faults.dropConnections({ allowReconnect: false }), 'drop(no reconnect)'),
      },
      { name: 'kill', weight: 3, run: async () => (await gw.faults.killSockets(), 'killSockets') },
      { name: 'expire', weight: 1, run: async () => (await gw.faults.expireTokens(), 'expireTokens') },
      {
        name: 'expire+drop',
        weight: 1,
        run: async () => {
          await gw.faults.expireTokens();
          await gw.faults.dropConnections({ allowReconnect: false });
          return 'expireTokens+drop';
        },
      },
      { name: 'restart', weight: 1, run: async () => (await gw.restart(), 'restart') },
      {
        name: 'duplicate',
        weight: 1,
        run: async () => {
          await gw.faults.duplicateEvents(true);
          duplicateOffAt = at() + rng.int(300, 1500);
          return 'duplicateEvents(on)';
        },
      },
      {
        name: 'delay',
        weight: 1,
        run: async () => {
          const ms = rng.int(20, 250);
          await gw.faults.delayEvents(ms);
          delayOffAt = at() + rng.int(300, 1500);
          return `delayEvents(${ms})`;
        },
      },
      {
        name: 'refuse',
        weight: 1,
        run: async () => {
          if (refusals >= maxRefusals) return undefined;
          refusals += 1;
          const ms = rng.int(1500, 2500);
          await gw.faults.refuseConnections(ms);
          return `refuseConnections(${ms})`;
        },
      },
    ];
    const weighted = faults.flatMap((f) => Array.from({ length: f.weight }, () => f));
    faultsRunning = true;
    faultLoop = (async () => {
      while (faultsRunning) {
        await sleep(rng.int(Math.round(faultEveryMs / 2), Math.round((faultEveryMs * 3) / 2)));
        if (!faultsRunning) break;
        if (duplicateOffAt > 0 && at() >= duplicateOffAt) {
          duplicateOffAt = 0;
          await gw.faults.duplicateEvents(false);
          faultLog.push(`${at()}:duplicateEvents(off)`);
        }
        if (delayOffAt > 0 && at() >= delayOffAt) {
          delayOffAt = 0;
          await gw.faults.delayEvents(0);
          faultLog.push(`${at()}:delayEvents(0)`);
        }
        const fault = rng.pick(weighted);
        try {
          const name = await fault.run();
          if (name !== undefined) {
            faultLog.push(`${at()}:${name}`);
            log(`[chaos ${seed}] ${at()} ms: ${name}`);
          }
        } catch (error) {
          problems.push(`fault ${fault.name} threw: ${describe(error)}`);
        }
      }
    })();

    // ---- B sends, in bursts, over REST and the hub; a failed send is retried with the same clientMessageId ----
    const sentTexts = conversations.map(() => [] as string[]);
    let sendFailures = 0;
    const sendOne = async (index: number, conversationId: string, text: string, viaHub: boolean): Promise<void> => {
      const clientMessageId = `${text}-cid`;
      let lastError: unknown;
      for (let attempt = 0; attempt < 80; attempt++) {
        try {
          if (viaHub && attempt < 4 && b.realtime.chat.status.status === 'connected') {
            await firstValueFrom(
              b.realtime.chat.sendMessage({ conversationId, blocks: textBlocks(text), clientMessageId }).pipe(timeout(5000)),
            );
          } else {
            await firstValueFrom(b.messages.send(conversationId, { blocks: textBlocks(text), clientMessageId }).pipe(timeout(5000)));
          }
          sentTexts[index]?.push(text);
          return;
        } catch (error) {
          lastError = error;
          sendFailures += 1;
          await sleep(25 + attempt * 10);
        }
      }
      throw new Error(`B could not send ${text}: ${describe(lastError)}`);
    };
    const bursts: number[] = [];
    for (let left = total; left > 0; ) {
      const size = Math.min(left, sendRng.int(3, 15));
      bursts.push(size);
      left -= size;
    }
    const pause = Math.max(0, Math.round(durationHint / Math.max(1, bursts.length)));
    let n = 0;
    for (const size of bursts) {
      const work: Array<Promise<void>> = [];
      for (let k = 0; k < size; k++) {
        const index = sendRng.int(0, conversations.length - 1);
        const conversationId = conversations[index] as string;
        const text = `chaos-${seed}-${String(n).padStart(5, '0')}`;
        n += 1;
        const viaHub = sendRng.chance(0.5);
        // Up to three in flight at once inside a burst.
        work.push(sendOne(index, conversationId, text, viaHub));
        if (work.length >= 3) await Promise.all(work.splice(0));
      }
      await Promise.all(work);
      await sleep(sendRng.int(Math.round(pause / 2), Math.round((pause * 3) / 2)));
    }

    // ---- faults stop ----
    faultsRunning = false;
    await faultLoop;
    await gw.faults.duplicateEvents(false);
    await gw.faults.delayEvents(0);
    await gw.faults.refuseConnections(0);
    faultLog.push(`${at()}:faults stop`);
    log(`[chaos ${seed}] ${at()} ms: faults stop after ${faultLog.length - 1} faults; B's sends needed ${sendFailures} retries`);

    // ---- the truth: REST history ----
    const truthToken = (await devLogin(url, names.b)).token;
    const truth: string[][] = [];
    for (const [index, conversationId] of conversations.entries()) {
      const history = (await restHistory(url, truthToken, conversationId)).filter((m) => m.senderId === bId);
      truth.push(history.map((m) => m.id));
      const texts = history.map((m) => m.plainTextIndex ?? '');
      const expected = [...(sentTexts[index] ?? [])].sort();
      const stored = [...texts].sort();
      if (JSON.stringify(stored) !== JSON.stringify(expected)) {
        problems.push(
          `server: conversation ${index + 1} stores ${stored.length} of B's messages, B sent ${expected.length} (duplicates or losses on the server)`,
        );
      }
    }

    // ---- settle: wait on conditions ----
    const timelineMatches = (index: number): boolean => {
      const ids = (latest[index] ?? []).filter((m) => m.senderId === bId && !m.id.startsWith('local:')).map((m) => m.id);
      return JSON.stringify(ids) === JSON.stringify(truth[index]);
    };
    // One deadline for all the settle waits together, so that they end (with the report of what
    // did not settle) before the test's own timeout would cut them off without one.
    const settleDeadline = Date.now() + settleMs;
    const settled = async (description: string, predicate: () => boolean): Promise<boolean> => {
      try {
        await waitFor(predicate, Math.max(100, settleDeadline - Date.now()), { description, intervalMs: 20 });
        return true;
      } catch {
        return false;
      }
    };
    await settled(
      'both of A’s hubs connected',
      () => a.realtime.chat.status.status === 'connected' && a.realtime.notifications.status.status === 'connected',
    );
    for (const index of conversations.keys()) {
      if (!(await settled(`timeline ${index + 1}`, () => timelineMatches(index)))) {
        const held = (latest[index] ?? []).filter((m) => m.senderId === bId).map((m) => m.id);
        const expected = truth[index] ?? [];
        const missing = expected.filter((id) => !held.includes(id));
        const extra = held.filter((id) => !expected.includes(id));
        const dupes = held.length - new Set(held).size;
        const sorted = [...held].sort();
        problems.push(
          `timeline ${index + 1}: holds ${held.length} of B's messages, REST has ${expected.length}; missing ${missing.length} [${missing.slice(0, 5).join(', ')}], ` +
            `not on the server ${extra.length}, duplicates ${dupes}, in id order ${JSON.stringify(sorted) === JSON.stringify(held)}`,
        );
      }
    }
    const allTruth = truth.flat();
    if (!(await settled('messages$ to give every message', () => allTruth.every((id) => finished.has(id))))) {
      const missing = allTruth.filter((id) => !finished.has(id));
      const where = missing.slice(0, 5).map((id) => {
        const index = truth.findIndex((ids) => ids.includes(id));
        return `${id} (conversation ${index + 1}, #${(truth[index] ?? []).indexOf(id) + 1} of ${(truth[index] ?? []).length}, in the timeline: ${(latest[index] ?? []).some((m) => m.id === id)})`;
      });
      problems.push(`messages$: ${missing.length} of ${allTruth.length} of B's messages never emitted: ${where.join(', ')}`);
    }
    const twice = [...finished].filter(([, count]) => count !== 1);
    if (twice.length > 0)
      problems.push(
        `messages$: ${twice.length} message(s) emitted more than once (e.g. ${twice
          .slice(0, 3)
          .map(([id, k]) => `${id}×${k}`)
          .join(', ')})`,
      );
    const unknown = [...finished.keys()].filter((id) => !allTruth.includes(id));
    if (unknown.length > 0) problems.push(`messages$: ${unknown.length} id(s) not in the REST history`);
    problems.push(...duplicateSightings, ...streamDeaths);

    const online = (id: string): boolean => presence.get(id)?.isOnline === true;
    if (!(await settled('A to see B and C online', () => online(bId) && online(cId)))) {
      problems.push(
        `presence: A sees B ${JSON.stringify(presence.get(bId) ?? null)}, C ${JSON.stringify(presence.get(cId) ?? null)}; both are connected (B chat ${b.realtime.chat.status.status}, notifications ${b.realtime.notifications.status.status}; C ${c.realtime.notifications.status.status}); C's state ${stateOf(c.realtime.notifications.status)}, B's ${stateOf(b.realtime.notifications.status)}, A's ${stateOf(a.realtime.notifications.status)}`,
      );
    } else {
      // Prove B does not go offline later: a stale connection reaped after the grace must not win.
      await sleep(2000);
      if (!online(bId) || !online(cId))
        problems.push(
          `presence: B or C went offline after the run settled (B ${JSON.stringify(presence.get(bId))}, C ${JSON.stringify(presence.get(cId))})`,
        );
    }

    const handlersNow = {
      chat: signalrHandlerCount(a.realtime.chat),
      notifications: signalrHandlerCount(a.realtime.notifications),
    };
    if (JSON.stringify(handlersNow) !== JSON.stringify(handlersAfterConnect)) {
      problems.push(`handlers: after the first connect ${JSON.stringify(handlersAfterConnect)}, now ${JSON.stringify(handlersNow)}`);
    }
    if (a.realtime.chat.status.status !== 'connected') problems.push(`A's chat hub ended ${stateOf(a.realtime.chat.status)}`);
    if (a.realtime.notifications.status.status !== 'connected')
      problems.push(`A's notification hub ended ${stateOf(a.realtime.notifications.status)}`);

    // ---- teardown, then the resources ----
    for (const subscription of subscriptions.splice(0)) subscription.unsubscribe();
    await Promise.all(clients.splice(0).map((client) => client.disconnect()));
    await gw.close();
    gateway = undefined;
    // Polled with an unref'd timer, so the poll itself is not counted.
    const leftOver = await (async (): Promise<string[]> => {
      const deadline = Date.now() + 5000;
      for (;;) {
        const grown = resourceGrowth(resourcesBefore, activeResources());
        if (grown.length === 0 || Date.now() >= deadline) return grown;
        await new Promise((resolve) => setTimeout(resolve, 20).unref());
      }
    })();
    if (leftOver.length > 0) {
      problems.push(`resources left after disconnect() and close(): ${leftOver.join('; ')}`);
      if (timerTrace) for (const stack of timerTrace.alive().slice(0, 5)) problems.push(`a live timer ${stack}`);
    }

    processFailures.stop();
    problems.push(...processFailures.failures.slice(0, 10));
    const report: ChaosReport = {
      seed,
      sent: total,
      perConversation: truth.map((ids) => ids.length),
      faults: faultLog,
      reconnects,
      errorsReported: errors.length,
      elapsedMs: at(),
    };
    if (problems.length > 0) {
      if (errors.length > 0) problems.push(`(A's errors$ reported ${errors.length}: ${errors.slice(0, 5).map(describe).join(' | ')})`);
      throw new ChaosFailure(seed, problems, faultLog);
    }
    return report;
  } catch (error) {
    if (error instanceof ChaosFailure) throw error;
    throw new ChaosFailure(
      seed,
      [...problems, `the run itself failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`],
      faultLog,
    );
  } finally {
    faultsRunning = false;
    await faultLoop.catch(() => undefined);
    processFailures.stop();
    timerTrace?.stop();
    for (const subscription of subscriptions) subscription.unsubscribe();
    await Promise.all(clients.map((client) => client.disconnect().then(undefined, () => undefined)));
    await gateway?.close();
  }
}
