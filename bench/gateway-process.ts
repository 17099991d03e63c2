/**
 * The embedded gateway in its own process, driven over IPC by `hub-throughput.ts`, behind a
 * small TCP "gate" proxy.
 *
 * Why the gate: on a 2-core machine the gateway's per-event work (serialising a 2 KB payload,
 * framing, one socket write per event) costs more than a client's, so a live stream measures the
 * server. With the gate closed, every byte the gateway sends to the clients is held in the proxy;
 * once all `count` events are held, `release` writes them out in one go. From then on the gateway
 * process only copies bytes into the socket, and the client's process does nothing but receive,
 * so the time from `release` to the last event is the client's own consumption time.
 *
 * IPC: on start, `{ type: 'ready', url, token, conversationId }` (url is the proxy's). Then
 * `{ type: 'emit', conversationId, from, count, batch }` closes the gate, sends
 * `messageReceived` events with ids `idAt(from)…` through `faults.emitRaw`, `batch` at a time
 * (yielding to the event loop between batches), waits until they are all held, and answers
 * `{ type: 'emitted', ms, heldBytes }`; `{ type: 'release' }` opens the gate;
 * `{ type: 'close' }` ends the process.
 */
import { createConnection, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { setImmediate as yieldToLoop, setTimeout as sleep } from 'node:timers/promises';
import { startGateway } from '../src/gateway/index.js';
import { chatMessage, idAt } from './payload.js';

type Command =
  | { readonly type: 'emit'; readonly conversationId: string; readonly from: number; readonly count: number; readonly batch: number }
  | { readonly type: 'release' }
  | { readonly type: 'close' };

const send = (message: unknown): void => {
  process.send?.(message);
};

const gateway = await startGateway({ port: 0, bot: false });
const token = gateway.issueToken('bench-user');
gateway.issueToken('bench-peer');
const response = await fetch(`${gateway.url}/api/conversations`, {
  method: 'POST',
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  body: JSON.stringify({ type: 'Group', name: 'bench', participantIds: ['bench-peer'] }),
});
if (!response.ok) throw new Error(`could not create the bench conversation: ${response.status} ${await response.text()}`);
const conversation = (await response.json()) as { id: string };

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

process.on('message', (command: Command) => {
  switch (command.type) {
    case 'close':
      release();
      for (const socket of sockets) socket.destroy();
      proxy.close();
      void gateway.close().then(() => process.exit(0));
      return;
    case 'release':
      release();
      return;
    case 'emit':
      void (async () => {
        gate.closed = true;
        const started = performance.now();
        const end = command.from + command.count;
        const expectedBytes = command.count * Buffer.byteLength(JSON.stringify(chatMessage(idAt(command.from), command.conversationId)));
        let next = command.from;
        while (next < end) {
          const stop = Math.min(next + command.batch, end);
          for (; next < stop; next++)
            gateway.faults.emitRaw(command.conversationId, 'messageReceived', chatMessage(idAt(next), command.conversationId));
          await yieldToLoop();
        }
        const emittedMs = performance.now() - started;
        // Wait until every byte reached the gate: at least the payloads' size, then 50 ms of quiet.
        let last = -1;
        while (gate.bytes < expectedBytes || gate.bytes !== last) {
          last = gate.bytes;
          await sleep(50);
        }
        send({ type: 'emitted', ms: emittedMs, heldBytes: gate.bytes });
      })();
      return;
  }
});

send({ type: 'ready', url: proxyUrl, token, conversationId: conversation.id });
