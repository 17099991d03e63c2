/**
 * A TCP forwarder between a hub client and the gateway, so a test can cut the client's sockets
 * at the TCP level (no WebSocket Close frame) while the server keeps the SignalR connection,
 * which is what a stateful reconnect resumes from.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

/** A running forwarder. */
export interface TcpProxy {
  /** `http://127.0.0.1:PORT`: use it instead of the gateway's URL. */
  readonly url: string;
  /** Connections open through the proxy now. */
  readonly openCount: number;
  /** Destroys every proxied connection on both sides (like a network blip). */
  dropAll(): void;
  /** Stops listening and destroys every connection. */
  close(): Promise<void>;
}

/** Starts forwarding `127.0.0.1:<free port>` → `127.0.0.1:targetPort`. */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const end = (): void => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy has no port');
  const dropAll = (): void => {
    for (const [client, upstream] of [...pairs]) {
      client.destroy();
      upstream.destroy();
    }
    pairs.clear();
  };
  return {
    url: `http://127.0.0.1:${address.port}`,
    get openCount() {
      return pairs.size;
    },
    dropAll,
    close: () =>
      new Promise<void>((resolve) => {
        dropAll();
        server.close(() => resolve());
      }),
  };
}
