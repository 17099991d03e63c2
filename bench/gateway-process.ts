/**
 * The embedded gateway in its own process, driven over IPC by `gateway-handle.ts`, behind a
 * small TCP "gate" proxy.
 *
 * Why the gate: on a 2-core machine the gateway's per-event work (serialising a 2 KB payload,
 * framing, one socket write per event) costs more than a client's, so a live stream measures the
 * server. With the gate closed, every byte the gateway sends to the clients is held in the proxy;
 * once all `count` events are held, `release` writes them out in one go. From then on the gateway
 * process only copies bytes into the socket, and the consumer's process does nothing but receive,
 * so the time from `release` to the last event is the consumer's own consumption time.
 *
 * IPC: on start, `{ type: 'ready', url, token, conversationId, conversations, churnConversationId }`
 * (url is the proxy's; `conversations` are 120 more Group conversations of the same user). Then
 * - `{ type: 'emit', conversationIds, from, count, batch, hold }` sends `messageReceived` events
 *   with ids `idAt(from)…`, round robin over `conversationIds`, through `faults.emitRaw`, `batch`
 *   at a time (yielding to the event loop between batches). With `hold`, the gate is closed first
 *   and the answer `{ type: 'emitted', ms, heldBytes }` comes once every byte is held; without, the
 *   events flow as they are made (a warm-up) and the answer comes once they are sent;
 * - `{ type: 'paced', conversationId, from, count, intervalMs }` (gate open) sends one event every
 *   `intervalMs` and answers `{ type: 'paced', sentAt }`: each event's wall-clock time
 *   (`performance.timeOrigin + performance.now()`, ms) just before `emitRaw`;
 * - `{ type: 'release' }` opens the gate (answer `{ type: 'released' }`); `{ type: 'close' }`
 *   ends the process.
 */
import { createConnection, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { setImmediate as yieldToLoop, setTimeout as sleep } from 'node:timers/promises';
import { startGateway } from '../src/gateway/index.js';
import { chatMessage, idAt } from './payload.js';

/** What the parent asks of this process. */
export type GatewayCommand =
  | {
      readonly type: 'emit';
      readonly conversationIds: readonly string[];
      readonly from: number;
      readonly count: number;
      readonly batch: number;
      readonly hold: boolean;
    }
  | { readonly type: 'paced'; readonly conversationId: string; readonly from: number; readonly count: number; readonly intervalMs: number }
  | { readonly type: 'release' }
  | { readonly type: 'close' };

/** Extra conversations made at start (100 timelines open, heap per timeline). */
const EXTRA_CONVERSATIONS = 120;

const send = (message: unknown): void => {
  process.send?.(message);
};

const gateway = await startGateway({ port: 0, bot: false });
const token = gateway.issueToken('bench-user');
gateway.issueToken('bench-peer');
async function createConversation(name: string): Promise<string> {
  const response = await fetch(`${gateway.url}/api/conversations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'Group', name, participantIds: ['bench-peer'] }),
  });
  if (!response.ok) throw new Error(`could not create a bench conversation: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
}
const conversationId = await createConversation('bench');
const churnConversationId = await createConversation('churn');
const conversations: string[] = [];
for (let i = 0; i < EXTRA_CONVERSATIONS; i++) conversations.push(await createConversation(`bench ${i}`));

// ---- the gate: client → gateway flows freely; gateway → client is held while closed.
const gate = { closed: false, held: [] as Array<{ to: Socket; chunk: Buffer }>, bytes: 0 };
const sockets = new Set<Socket>();
const proxy = createServer((downstream) => {
  const upstream = createConnection(gateway.port, '127.0.0.1');
  sockets.add(downstream).add(upstream);
  downstream.setNoDelay(true);
  upstream.setNoDelay(true);
  downstream.on('data', (chunk: Buffer) => upstream.write(chunk));
  upstream.on('data', (chunk: Buffer) => {
    if (gate.closed) {
      gate.held.push({ to: downstream, chunk });
      gate.bytes += chunk.length;
    } else downstream.write(chunk);
  });
  const end = (): void => {
    sockets.delete(downstream);
    sockets.delete(upstream);
    downstream.destroy();
    upstream.destroy();
  };
  downstream.on('close', end).on('error', end);
  upstream.on('close', end).on('error', end);
});
await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;

const release = (): void => {
  gate.closed = false;
  const held = gate.held;
  gate.held = [];
  gate.bytes = 0;
  for (const { to, chunk } of held) if (!to.destroyed) to.write(chunk);
};

async function emit(command: Extract<GatewayCommand, { type: 'emit' }>): Promise<void> {
  gate.closed = command.hold;
  const started = performance.now();
  const end = command.from + command.count;
  const ids = command.conversationIds;
  const expectedBytes = command.count * Buffer.byteLength(JSON.stringify(chatMessage(idAt(command.from), ids[0])));
  let next = command.from;
  while (next < end) {
    const stop = Math.min(next + command.batch, end);
    for (; next < stop; next++) {
      const to = ids[next % ids.length] as string;
      gateway.faults.emitRaw(to, 'messageReceived', chatMessage(idAt(next), to));
    }
    await yieldToLoop();
  }
  const emittedMs = performance.now() - started;
  if (command.hold) {
    // Wait until every byte reached the gate: at least the payloads' size, then 50 ms of quiet.
    let last = -1;
    while (gate.bytes < expectedBytes || gate.bytes !== last) {
      last = gate.bytes;
      await sleep(50);
    }
  }
  send({ type: 'emitted', ms: emittedMs, heldBytes: gate.bytes });
}

async function paced(command: Extract<GatewayCommand, { type: 'paced' }>): Promise<void> {
  const sentAt: number[] = [];
  const start = performance.now();
  for (let i = 0; i < command.count; i++) {
    const due = start + i * command.intervalMs;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const id = idAt(command.from + i);
    const payload = chatMessage(id, command.conversationId);
    sentAt.push(performance.timeOrigin + performance.now());
    gateway.faults.emitRaw(command.conversationId, 'messageReceived', payload);
  }
  send({ type: 'paced', sentAt });
}

process.on('message', (command: GatewayCommand) => {
  switch (command.type) {
    case 'close':
      release();
      for (const socket of sockets) socket.destroy();
      proxy.close();
      void gateway.close().then(() => process.exit(0));
      return;
    case 'release':
      release();
      send({ type: 'released' });
      return;
    case 'emit':
      void emit(command);
      return;
    case 'paced':
      void paced(command);
      return;
  }
});

send({ type: 'ready', url: proxyUrl, token, conversationId, conversations, churnConversationId });
