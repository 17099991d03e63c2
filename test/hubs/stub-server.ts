/**
 * Tiny servers for the hub specs that need a server misbehaving in a precise way: one that
 * records every HTTP request and WebSocket upgrade it gets (headers and URL) and answers as the
 * test says, and one that accepts TCP connections and never answers anything.
 */
import { createServer as createHttpServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** One request a stub server received. */
export interface StubRequest {
  readonly kind: 'http' | 'upgrade';
  readonly method: string;
  /** Path and query. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

/** How a stub answers an HTTP request. */
export type StubHandler = (request: IncomingMessage, response: ServerResponse) => void;

/** A running stub. */
export interface StubServer {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly requests: StubRequest[];
  /** The requests (HTTP and upgrades) that carried the token anywhere: `Authorization` or `access_token`. */
  carrying(token: string): StubRequest[];
  close(): Promise<void>;
}

/**
 * Starts an HTTP server on 127.0.0.1 and a free port that records everything and answers with
 * `handler`; a WebSocket upgrade is recorded and refused with `upgradeStatus` (404 by default).
 */
export async function startStubServer(handler: StubHandler, upgradeStatus = 404): Promise<StubServer> {
  const requests: StubRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createHttpServer((req, res) => {
    requests.push({ kind: 'http', method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    req.resume();
    handler(req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    requests.push({ kind: 'upgrade', method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    socket.end(`HTTP/1.1 ${upgradeStatus} Refused\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the stub server has no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    carrying: (token) =>
      requests.filter(
        (r) => (r.headers.authorization ?? '').includes(token) || new URL(r.url, 'http://x').searchParams.get('access_token') === token,
      ),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Answers with a JSON body. */
export function json(res: ServerResponse, body: unknown, status = 200): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** A server that accepts TCP connections and never answers (a black hole behind a live port). */
export interface SilentServer {
  readonly url: string;
  /** Connections open now. */
  readonly openCount: number;
  /** Connections accepted so far. */
  readonly acceptedCount: number;
  /** Connections the client closed so far. */
  readonly closedCount: number;
  close(): Promise<void>;
}

/** Starts a {@link SilentServer} on 127.0.0.1 and a free port. */
export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  let closed = 0;
  let closing = false;
  const server = createTcpServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('error', () => undefined);
    // Reads (and ignores) what arrives, so that the client's close is seen.
    socket.resume();
    socket.on('close', () => {
      sockets.delete(socket);
      if (!closing) closed += 1;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the silent server has no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    get openCount() {
      return sockets.size;
    },
    get acceptedCount() {
      return accepted;
    },
    get closedCount() {
      return closed;
    },
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
