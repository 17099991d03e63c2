/**
 * Shared fixture of the SignalR server specs: a `node:http` server on 127.0.0.1 with a small
 * test hub, plus helpers to build official `@microsoft/signalr` clients and raw `ws` clients.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpTransportType, HubConnectionBuilder, HubConnectionState, LogLevel, type HubConnection } from '@microsoft/signalr';
import { WebSocket } from 'ws';
import {
  HubException,
  InvalidDataException,
  SignalRServer,
  type Hub,
  type HubConnectionHandle,
  type HubUser,
  type SignalRServerOptions,
} from '../../../src/gateway/signalr/index.js';

export const RS = '\u001e';
export const HUB_PATH = '/hubs/test';

/** Tokens the test `authenticate` accepts. */
export const USERS: Readonly<Record<string, HubUser>> = {
  alice: { userId: 'alice', role: 'user' },
  bob: { userId: 'bob', role: 'admin' },
};

/** What the test hub observed. */
export interface HubEvents {
  readonly connected: string[];
  readonly disconnected: { connectionId: string; error: Error | undefined }[];
}

/** A running server with the test hub. */
export interface Harness {
  readonly server: SignalRServer;
  readonly hub: Hub;
  readonly http: Server;
  readonly port: number;
  readonly events: HubEvents;
  /** http://127.0.0.1:port/hubs/test */
  readonly url: string;
  /** Resolves when the test hub's onDisconnected ran for `connectionId`. */
  disconnected(connectionId: string): Promise<Error | undefined>;
  stop(): Promise<void>;
}

function assertNumber(value: unknown): number {
  if (typeof value !== 'number') throw new InvalidDataException('Error converting value to Int32.');
  return value;
}

/**
 * Serves a SignalR server on a free loopback port (404 for anything it does not handle);
 * `close()` shuts the server down, then the HTTP listener with its connections.
 */
export async function listen(server: SignalRServer): Promise<{ http: Server; port: number; close(): Promise<void> }> {
  const http = createServer((req, res) => {
    if (!server.handleRequest(req, res)) {
      res.statusCode = 404;
      res.end();
    }
  });
  http.on('upgrade', (req, socket, head) => {
    if (!server.handleUpgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    http,
    port: (http.address() as AddressInfo).port,
    close: async () => {
      await server.shutdown();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** Starts the HTTP server and the test hub. */
export async function startHarness(options: Partial<SignalRServerOptions> = {}): Promise<Harness> {
  const server = new SignalRServer({
    authenticate: (token) => (token === undefined ? null : (USERS[token] ?? null)),
    ...options,
  });
  const events: HubEvents = { connected: [], disconnected: [] };
  const waiters = new Map<string, (error: Error | undefined) => void>();
  const counters = new Set<NodeJS.Timeout>();
  let hubRef: Hub | undefined;
  const hub = server.addHub(HUB_PATH, {
    methods: {
      Echo: { arity: 1, invoke: (_conn, [value]) => value },
      Add: { arity: 2, invoke: (_conn, [a, b]) => assertNumber(a) + assertNumber(b) },
      DoNothing: { arity: 0, invoke: () => undefined },
      Delay: {
        arity: 2,
        invoke: async (_conn, [ms, value]) => {
          await new Promise((resolve) => setTimeout(resolve, assertNumber(ms)));
          return value;
        },
      },
      ThrowHubException: {
        arity: 1,
        invoke: (_conn, [message]) => {
          throw new HubException(String(message));
        },
      },
      ThrowPlainError: {
        arity: 0,
        invoke: () => {
          throw new Error('internal details that must not leak');
        },
      },
      CallMeBack: {
        arity: 1,
        invoke: (conn: HubConnectionHandle, [payload]) => {
          conn.send('callback', payload, conn.connectionId);
        },
      },
      WhoAmI: {
        arity: 0,
        invoke: (conn) => ({ userId: conn.user.userId, connectionId: conn.connectionId, hubPath: conn.hubPath }),
      },
      JoinGroup: {
        arity: 1,
        invoke: (conn, [group]) => {
          hubRef?.addToGroup(conn.connectionId, String(group));
        },
      },
      SendToGroup: {
        arity: 2,
        invoke: (conn, [group, payload]) => {
          hubRef?.sendToGroup(String(group), 'groupMessage', [payload, conn.connectionId]);
        },
      },
      SendToGroupExceptMe: {
        arity: 2,
        invoke: (conn, [group, payload]) => {
          hubRef?.sendToGroup(String(group), 'groupMessage', [payload, conn.connectionId], { except: [conn.connectionId] });
        },
      },
      /** Sends `count` events numbered 1..count, one every `intervalMs`. */
      StartCounting: {
        arity: 2,
        invoke: (conn, [count, intervalMs]) => {
          const total = assertNumber(count);
          let next = 1;
          const timer = setInterval(() => {
            conn.send('count', next);
            next += 1;
            if (next > total) {
              clearInterval(timer);
              counters.delete(timer);
            }
          }, assertNumber(intervalMs));
          counters.add(timer);
        },
      },
    },
    onConnected: (conn) => {
      events.connected.push(conn.connectionId);
    },
    onDisconnected: (conn, error) => {
      events.disconnected.push({ connectionId: conn.connectionId, error });
      waiters.get(conn.connectionId)?.(error);
    },
  });
  hubRef = hub;
  const { http, port, close } = await listen(server);
  return {
    server,
    hub,
    http,
    port,
    events,
    url: `http://127.0.0.1:${port}${HUB_PATH}`,
    disconnected: (connectionId) => {
      const seen = events.disconnected.find((entry) => entry.connectionId === connectionId);
      if (seen !== undefined) return Promise.resolve(seen.error);
      return new Promise((resolve) => waiters.set(connectionId, resolve));
    },
    stop: async () => {
      for (const timer of counters) clearInterval(timer);
      await close();
    },
  };
}

/** Options of {@link buildClient}. */
export interface ClientOptions {
  readonly token?: string;
  readonly stateful?: boolean;
  readonly reconnectDelays?: readonly number[];
  readonly skipNegotiation?: boolean;
  readonly serverTimeoutMs?: number;
  readonly keepAliveIntervalMs?: number;
  /** @default HttpTransportType.WebSockets */
  readonly transport?: HttpTransportType;
}

/** Builds an official client for the test hub (not started). */
export function buildClient(url: string, options: ClientOptions = {}): HubConnection {
  const token = options.token ?? 'alice';
  let builder = new HubConnectionBuilder()
    .withUrl(url, {
      accessTokenFactory: () => token,
      transport: options.transport ?? HttpTransportType.WebSockets,
      skipNegotiation: options.skipNegotiation ?? false,
    })
    .configureLogging(LogLevel.None);
  if (options.stateful === true) builder = builder.withStatefulReconnect();
  if (options.reconnectDelays !== undefined) builder = builder.withAutomaticReconnect([...options.reconnectDelays]);
  if (options.serverTimeoutMs !== undefined) builder = builder.withServerTimeout(options.serverTimeoutMs);
  if (options.keepAliveIntervalMs !== undefined) builder = builder.withKeepAliveInterval(options.keepAliveIntervalMs);
  return builder.build();
}

/** Tracks clients so `afterEach` can stop them all. */
export class ClientPool {
  private readonly clients: HubConnection[] = [];
  private readonly sockets: WebSocket[] = [];

  /** Builds and starts an official client. */
  async start(url: string, options: ClientOptions = {}): Promise<HubConnection> {
    const client = this.build(url, options);
    await client.start();
    return client;
  }

  /** Builds an official client without starting it. */
  build(url: string, options: ClientOptions = {}): HubConnection {
    const client = buildClient(url, options);
    this.clients.push(client);
    return client;
  }

  /** Opens a raw `ws` socket to the hub (token in the Authorization header). */
  async raw(port: number, query = '', token = 'alice'): Promise<RawClient> {
    const socket = new WebSocket(`ws://127.0.0.1:${port}${HUB_PATH}${query}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    this.sockets.push(socket);
    const client = new RawClient(socket);
    await client.opened;
    return client;
  }

  async stopAll(): Promise<void> {
    await Promise.all(
      this.clients.splice(0).map(async (client) => {
        if (client.state !== HubConnectionState.Disconnected) await client.stop().catch(() => undefined);
      }),
    );
    for (const socket of this.sockets.splice(0)) socket.terminate();
  }
}

/** A raw WebSocket speaking the protocol by hand; collects every record it receives. */
export class RawClient {
  readonly records: string[] = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<number>;
  private buffer = '';
  private waiters: (() => void)[] = [];

  constructor(readonly socket: WebSocket) {
    this.opened = new Promise((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('unexpected-response', (_req, res) => reject(new Error(`status ${res.statusCode}`)));
      socket.once('error', reject);
    });
    this.closed = new Promise((resolve) => socket.once('close', (code) => resolve(code)));
    this.opened.catch(() => undefined);
    socket.on('message', (data) => {
      this.buffer += data.toString();
      const parts = this.buffer.split(RS);
      this.buffer = parts.pop() ?? '';
      this.records.push(...parts);
      for (const waiter of this.waiters.splice(0)) waiter();
    });
  }

  send(text: string): void {
    this.socket.send(text);
  }

  /** Sends the JSON handshake and waits for the `{}` answer. */
  async handshake(version = 1): Promise<void> {
    this.send(JSON.stringify({ protocol: 'json', version }) + RS);
    const answer = await this.next();
    if (answer !== '{}') throw new Error(`handshake failed: ${answer}`);
  }

  /** Waits for the first received record (from `from` on) matching `predicate`. */
  async waitFor(predicate: (record: string) => boolean, from = 0): Promise<string> {
    for (;;) {
      const found = this.records.slice(from).find(predicate);
      if (found !== undefined) return found;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private consumed = 0;

  /** The next record not yet returned by `next()`. */
  async next(): Promise<string> {
    for (;;) {
      const record = this.records[this.consumed];
      if (record !== undefined) {
        this.consumed += 1;
        return record;
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Parsed JSON of {@link next}, skipping pings. */
  async nextMessage(): Promise<Record<string, unknown>> {
    for (;;) {
      const parsed = JSON.parse(await this.next()) as Record<string, unknown>;
      if (parsed['type'] !== 6) return parsed;
    }
  }
}

/** Resolves on the next call of a client method. */
export function nextCall(client: HubConnection, method: string): Promise<unknown[]> {
  return new Promise((resolve) => {
    const handler = (...args: unknown[]): void => {
      client.off(method, handler);
      resolve(args);
    };
    client.on(method, handler);
  });
}

/** Rejects after `ms` (a guard so a broken test fails with a message instead of the mocha timeout). */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
