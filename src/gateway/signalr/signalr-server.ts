import { randomBytes } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { HubEndpoint } from './hub-endpoint.js';
import { HttpTransportDispatcher } from './http-transports.js';
import type { CloseOptions, Hub, HubDefinition, HubUser, SignalRServerOptions } from './hub-types.js';
import { resolveServerOptions, type ResolvedServerOptions } from './server-options.js';
import { ServerHubConnection } from './server-hub-connection.js';
import { WebSocketTransport } from './websocket-transport.js';
import { transportNotSupported } from './transport.js';

/** Headers a browser client may send on negotiate (the ones ASP.NET's CORS setup for SignalR allows). */
const ALLOWED_HEADERS = 'X-Requested-With, X-SignalR-User-Agent, Authorization, Content-Type';
/** What negotiate offers, in ASP.NET's order (the client takes the first it supports and is allowed). */
const AVAILABLE_TRANSPORTS = [
  { transport: 'WebSockets', transferFormats: ['Text', 'Binary'] },
  { transport: 'ServerSentEvents', transferFormats: ['Text'] },
  { transport: 'LongPolling', transferFormats: ['Text', 'Binary'] },
] as const;
const NEGOTIATE_SUFFIX = '/negotiate';
/** How long {@link SignalRServer.shutdown} waits for sockets to finish their close handshake. */
const SHUTDOWN_GRACE_MS = 1000;

/** 16 random bytes, base64url: the format of ASP.NET's connection ids. */
function newConnectionId(): string {
  return randomBytes(16).toString('base64url');
}

/** 32 random bytes, base64url: the secret that authorises opening the WebSocket. */
function newConnectionToken(): string {
  return randomBytes(32).toString('base64url');
}

function normalizePath(path: string): string {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed;
}

function requestUrl(req: IncomingMessage): URL {
  return new URL(req.url ?? '/', 'http://localhost');
}

/** The bearer token: `Authorization: Bearer` header first, else the `access_token` query parameter. */
function extractToken(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (match?.[1] !== undefined) return match[1].trim();
  }
  const query = url.searchParams.get('access_token');
  return query === null || query === '' ? undefined : query;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * An ASP.NET Core-compatible SignalR server (JSON and MessagePack hub protocols) for `node:http`. It implements
 * negotiate (v0 and v1, CORS), the WebSockets transport (with `skipNegotiation`), Server-Sent
 * Events and long polling (`GET`/`POST`/`DELETE {hub}?id=…`), the handshake, invocations, keep-alive, client timeout, Close with or without reconnect, and
 * stateful reconnect. Wire it into an HTTP server:
 *
 * ```ts
 * const signalr = new SignalRServer({ authenticate });
 * const chat = signalr.addHub('/hubs/chat', definition);
 * http.createServer((req, res) => { if (!signalr.handleRequest(req, res)) notFound(res); })
 *   .on('upgrade', (req, socket, head) => { if (!signalr.handleUpgrade(req, socket, head)) socket.destroy(); });
 * ```
 */
export class SignalRServer {
  private readonly options: ResolvedServerOptions;
  private readonly hubs = new Map<string, HubEndpoint>();
  /** Every connection not yet ended, by its secret token. */
  private readonly byToken = new Map<string, ServerHubConnection>();
  private readonly sockets = new Set<WebSocket>();
  private readonly wss: WebSocketServer;
  private readonly http: HttpTransportDispatcher;
  private refuseConnections = false;
  private stopped = false;

  constructor(options: SignalRServerOptions) {
    this.options = resolveServerOptions(options);
    // Frames may batch many messages; the per-message limit is enforced by the hub protocol reader.
    const maxPayload = Math.max(this.options.maximumReceiveMessageSize * 16, 1024 * 1024);
    this.wss = new WebSocketServer({ noServer: true, maxPayload, perMessageDeflate: false, clientTracking: false });
    this.http = new HttpTransportDispatcher({
      connection: (token) => this.byToken.get(token),
      authenticate: (req, url) => this.options.authenticate(extractToken(req, url)),
      refusing: () => this.refuseConnections || this.stopped,
      respond: (req, res, status, text) => this.respond(req, res, status, text),
      pollTimeoutMs: this.options.longPollTimeoutMs,
      transports: this.options.transports,
      idleTimeoutMs: this.options.negotiateTimeoutMs,
      maxBodyBytes: maxPayload,
      log: this.options.log,
    });
  }

  /** Connections past their handshake on every hub, including stateful ones waiting to resume. */
  get connectionCount(): number {
    let count = 0;
    for (const hub of this.hubs.values()) count += hub.size;
    return count;
  }

  /** Registers a hub at `path` (e.g. `/hubs/chat`) and returns it. Throws if the path is taken. */
  addHub(path: string, definition: HubDefinition): Hub {
    if (!path.startsWith('/')) throw new Error(`Hub path must start with '/': ${path}`);
    const normalized = normalizePath(path);
    if (this.hubs.has(normalized)) throw new Error(`A hub is already registered at ${normalized}.`);
    const hub = new HubEndpoint(normalized, definition, this.options.log);
    this.hubs.set(normalized, hub);
    return hub;
  }

  /**
   * Handles negotiate (`POST {hub}/negotiate`), CORS preflights, and the Server-Sent Events and
   * long polling requests (`GET`, `POST`, `DELETE {hub}?id=…`) of registered hubs. Returns false,
   * without touching `res`, when the request is not for a hub.
   */
  handleRequest(req: IncomingMessage, res: ServerResponse): boolean {
    let url: URL;
    try {
      url = requestUrl(req);
    } catch {
      return false;
    }
    const path = normalizePath(url.pathname);
    const isNegotiate = path.endsWith(NEGOTIATE_SUFFIX);
    const hub = this.hubs.get(isNegotiate ? path.slice(0, -NEGOTIATE_SUFFIX.length) : path);
    if (hub === undefined) return false;
    try {
      this.applyCors(req, res);
      if (req.method === 'OPTIONS') {
        res.setHeader('Access-Control-Allow-Methods', 'GET, POST, DELETE, OPTIONS');
        res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
        this.respond(req, res, 204);
      } else if (!isNegotiate) {
        this.http.handle(req, res, url, hub.path);
      } else if (req.method !== 'POST') {
        res.setHeader('Allow', 'POST');
        this.respond(req, res, 405);
      } else {
        this.negotiate(req, res, url, hub);
      }
    } catch (error) {
      this.options.log('error', isNegotiate ? 'Negotiate failed.' : 'Transport request failed.', { hub: hub.path, error: describe(error) });
      if (!res.headersSent) this.respond(req, res, 500);
      else res.destroy();
    }
    return true;
  }

  /**
   * Handles a WebSocket upgrade to a registered hub: with `?id=<connectionToken>` (after
   * negotiate, or a stateful resume) or without id (`skipNegotiation`). Rejections are raw HTTP
   * answers: 401 bad token, 403 other user, 404 unknown id, 409 socket already open, 503 refused.
   * Returns false, without touching the socket, when the path is not a hub.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    let url: URL;
    try {
      url = requestUrl(req);
    } catch {
      return false;
    }
    const hub = this.hubs.get(normalizePath(url.pathname));
    if (hub === undefined) return false;
    socket.on('error', (error: Error) => {
      this.options.log('debug', 'Upgrade socket error.', { hub: hub.path, error: describe(error) });
    });
    try {
      this.upgrade(req, socket, head, url, hub);
    } catch (error) {
      this.options.log('error', 'Upgrade failed.', { hub: hub.path, error: describe(error) });
      this.rejectUpgrade(socket, 500, 'Internal server error.');
    }
    return true;
  }

  /** Sends a Close message to every connection and closes it; negotiated-but-unopened connections are dropped. */
  closeAll(options: CloseOptions = {}): void {
    for (const connection of [...this.byToken.values()]) {
      if (connection.isLive) connection.close(options);
      else connection.kill(new Error('The server closed every connection.'));
    }
  }

  /**
   * Destroys every socket without a Close message and forgets every connection (no stateful
   * resume): WebSockets and event streams are destroyed, a pending long poll's socket too, and a
   * long polling client's next poll gets 404.
   */
  killAll(): void {
    for (const connection of [...this.byToken.values()]) connection.kill(new Error('The server killed every connection.'));
    this.http.destroyAll();
  }

  /** Fault injection: while set, negotiate and every upgrade (resumes included) answer 503. */
  setRefuseConnections(refuse: boolean): void {
    this.refuseConnections = refuse;
  }

  /** Closes every connection (Close message), refuses new ones, and resolves when every socket is closed and every timer cleared. */
  async shutdown(): Promise<void> {
    this.stopped = true;
    this.closeAll();
    const open = [...this.sockets];
    await new Promise<void>((resolve) => {
      if (open.length === 0) {
        resolve();
        return;
      }
      let remaining = open.length;
      const timer = setTimeout(() => {
        for (const socket of open) socket.terminate();
      }, SHUTDOWN_GRACE_MS);
      for (const socket of open) {
        const done = (): void => {
          remaining -= 1;
          if (remaining === 0) {
            clearTimeout(timer);
            resolve();
          }
        };
        if (socket.readyState === socket.CLOSED) done();
        else socket.once('close', done);
      }
    });
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private negotiate(req: IncomingMessage, res: ServerResponse, url: URL, hub: HubEndpoint): void {
    req.resume();
    if (this.refuseConnections || this.stopped) {
      this.respond(req, res, 503);
      return;
    }
    const user = this.options.authenticate(extractToken(req, url));
    if (user === null) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      this.respond(req, res, 401);
      return;
    }
    const redirect = this.options.negotiateRedirect?.(hub.path, user);
    if (redirect !== undefined) {
      this.respondJson(req, res, { url: redirect.url, accessToken: redirect.accessToken });
      return;
    }
    const negotiateVersion = Number.parseInt(url.searchParams.get('negotiateVersion') ?? '0', 10) >= 1 ? 1 : 0;
    const stateful = this.options.statefulReconnect && url.searchParams.get('useStatefulReconnect') === 'true';
    const connectionId = newConnectionId();
    // Negotiate v0 clients connect with the connection id itself.
    const connectionToken = negotiateVersion === 1 ? newConnectionToken() : connectionId;
    this.createConnection(hub, user, connectionId, connectionToken, stateful, true);
    const body: Record<string, unknown> = { connectionId };
    if (negotiateVersion === 1) body.connectionToken = connectionToken;
    body.negotiateVersion = negotiateVersion;
    body.availableTransports = AVAILABLE_TRANSPORTS.filter((offer) => this.options.transports.has(offer.transport));
    if (stateful) body.useStatefulReconnect = true;
    this.options.log('debug', 'Negotiated a connection.', { hub: hub.path, connectionId, stateful });
    this.respondJson(req, res, body);
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL, hub: HubEndpoint): void {
    if (this.refuseConnections || this.stopped) {
      this.rejectUpgrade(socket, 503, 'The server is not accepting connections.');
      return;
    }
    const user = this.options.authenticate(extractToken(req, url));
    if (user === null) {
      this.rejectUpgrade(socket, 401, 'Unauthorized.');
      return;
    }
    const id = url.searchParams.get('id');
    let connection: ServerHubConnection;
    if (id === null || id === '') {
      if (!this.options.transports.has('WebSockets')) {
        this.rejectUpgrade(socket, 404, transportNotSupported('WebSockets'));
        return;
      }
      const connectionId = newConnectionId();
      connection = this.createConnection(hub, user, connectionId, newConnectionToken(), false, false);
    } else {
      const existing = this.byToken.get(id);
      if (existing === undefined || existing.hubPath !== hub.path) {
        this.rejectUpgrade(socket, 404, 'No Connection with that ID');
        return;
      }
      if (existing.user.userId !== user.userId) {
        this.rejectUpgrade(socket, 403, 'Forbidden.');
        return;
      }
      if (!this.options.transports.has('WebSockets')) {
        this.rejectUpgrade(socket, 404, transportNotSupported('WebSockets'));
        return;
      }
      if (this.http.hasTransport(id) || (existing.transportKind ?? 'WebSockets') !== 'WebSockets') {
        this.rejectUpgrade(socket, 400, 'Cannot change transports mid-connection');
        return;
      }
      const attachability = existing.attachability();
      if (attachability === 'conflict') {
        this.rejectUpgrade(socket, 409, 'Connection is already active.');
        return;
      }
      if (attachability === 'gone') {
        this.rejectUpgrade(socket, 404, 'No Connection with that ID');
        return;
      }
      connection = existing;
    }
    this.wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      this.sockets.add(ws);
      ws.once('close', () => this.sockets.delete(ws));
      this.options.log('debug', 'Transport opened.', { hub: hub.path, connectionId: connection.connectionId, transport: 'WebSockets' });
      try {
        connection.attach(
          new WebSocketTransport(ws, (message, error) => this.options.log('debug', message, { hub: hub.path, error: describe(error) })),
        );
      } catch (error) {
        this.options.log('error', 'Attaching a socket failed.', { hub: hub.path, error: describe(error) });
        ws.terminate();
      }
    });
  }

  private createConnection(
    hub: HubEndpoint,
    user: HubUser,
    connectionId: string,
    connectionToken: string,
    statefulNegotiated: boolean,
    awaitSocket: boolean,
  ): ServerHubConnection {
    const connection = new ServerHubConnection({
      connectionId,
      connectionToken,
      user,
      hub,
      options: this.options,
      statefulNegotiated,
      awaitSocket,
      onEnded: (ended) => {
        if (this.byToken.get(ended.connectionToken) === ended) this.byToken.delete(ended.connectionToken);
        this.http.connectionEnded(ended.connectionToken);
      },
    });
    this.byToken.set(connectionToken, connection);
    return connection;
  }

  private applyCors(req: IncomingMessage, res: ServerResponse): void {
    const origin = req.headers.origin;
    if (origin === undefined) return;
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    res.setHeader('Vary', 'Origin');
  }

  private respond(req: IncomingMessage, res: ServerResponse, status: number, text?: string): void {
    req.resume();
    res.statusCode = status;
    res.setHeader('Cache-Control', 'no-cache');
    if (text === undefined) {
      res.end();
      return;
    }
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.end(text);
  }

  private respondJson(req: IncomingMessage, res: ServerResponse, body: unknown): void {
    req.resume();
    res.statusCode = 200;
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify(body));
  }

  /** Answers an upgrade with a plain HTTP status, then closes the socket. */
  private rejectUpgrade(socket: Duplex, status: number, text: string): void {
    this.options.log('debug', 'Upgrade rejected.', { status });
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const body = Buffer.from(text, 'utf8');
    const head =
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${body.length}\r\n\r\n`;
    socket.once('finish', () => socket.destroy());
    socket.end(Buffer.concat([Buffer.from(head, 'latin1'), body]));
  }
}
