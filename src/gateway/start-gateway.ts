import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { ChatHubEvents, NotificationHubEvents, PresenceChangedDto, type ChatHubEventName } from '../codecs/index.js';
import type * as t from 'io-ts';
import { BotRegistry } from './bot-registry.js';
import { chatHubDefinition, conversationGroup } from './chat-hub-definition.js';
import { ChatService, type GatewayEventSink } from './chat-service.js';
import { EchoBot, type EchoBotOptions } from './echo-bot.js';
import { FileStore } from './file-store.js';
import { GatewayError } from './gateway-error.js';
import { sendEmpty, sendJson, readBody, applyCors } from './http-util.js';
import { notificationHubDefinition, presenceGroup } from './notification-hub-definition.js';
import { createRestApi, type RecordedRequest, type TestLoginProfile } from './rest-api.js';
import { SignalRServer, type Hub, type SignalRLogger } from './signalr/index.js';
import { serveStaticFiles } from './static-files.js';
import { writeNulls } from './stj-profile.js';
import { TokenIssuer } from './token-issuer.js';

/** Options of {@link startGateway}. Durations are milliseconds. */
export interface GatewayOptions {
  /** Port to listen on; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** Interface to listen on. @default '127.0.0.1' */
  readonly host?: string;
  /** Lifetime of issued tokens. @default 3600000 (1 h) */
  readonly tokenLifetimeMs?: number;
  /** Server ping interval on the hubs. @default 15000 */
  readonly keepAliveIntervalMs?: number;
  /** A hub connection silent for this long is closed. @default 30000 */
  readonly clientTimeoutMs?: number;
  /** Offer stateful reconnect to clients that ask. @default true */
  readonly statefulReconnect?: boolean;
  /** How long a stateful connection whose socket dropped waits to be resumed. @default 15000 */
  readonly disconnectGraceMs?: number;
  /** Accepted Google ID tokens (login `google`) → the user they stand for. @default {} */
  readonly googleTokens?: Readonly<Record<string, TestLoginProfile>>;
  /** Accepted DS Account tokens (login `dsaccount`) → the user they stand for. @default {} */
  readonly dsAccountTokens?: Readonly<Record<string, TestLoginProfile>>;
  /** Password dev logins must give; unset accepts any password. @default undefined */
  readonly devPassword?: string;
  /** Proxy backends: service name → base URL (`/api/proxy/{service}/{path}`). @default {} */
  readonly proxyBackends?: Readonly<Record<string, string>>;
  /** The echo bot's timing, or `false` for no bot. @default {} */
  readonly bot?: EchoBotOptions | false;
  /** Hand out presigned absolute upload URLs on another origin (`http://localhost:PORT`) that need no token. @default false */
  readonly presignedUploads?: boolean;
  /**
   * Answer hub negotiates with a redirect `{ url, accessToken }` to a second listener of this
   * gateway (what Azure SignalR Service does for a scaled-out ASP.NET Core app). @default false
   */
  readonly negotiateRedirect?: boolean;
  /** Serve the fault endpoints under `/_test/` so another process can drive the faults. @default false */
  readonly testEndpoints?: boolean;
  /**
   * Serve a static site (the playground page, `dist/playground`) from `dir` at `/`: `GET /` is its
   * `index.html`. Only files inside `dir`; the gateway's own routes always win. @default none
   */
  readonly playground?: { readonly dir: string };
  /** Diagnostics; silent by default. Tokens are never logged. */
  readonly logger?: SignalRLogger;
  /** The gateway's clock in ms since the epoch (tests move it to age tokens and deletions). @default Date.now */
  readonly now?: () => number;
}

/** Faults to inject, for reliability tests. */
export interface GatewayFaults {
  /** Sends a Close frame to every hub connection; with `allowReconnect` clients reconnect. */
  dropConnections(options?: { allowReconnect?: boolean; error?: string }): void;
  /** Destroys every hub socket without a Close frame (stateful connections cannot resume). */
  killSockets(): void;
  /** Every token issued so far is expired: REST answers 401, negotiate too. */
  expireTokens(): void;
  /** Sends any payload, even malformed, as a chat hub event to the conversation's joined connections. */
  emitRaw(conversationId: string, event: string, payload: unknown): void;
  /** Negotiates and upgrades answer 503 for `durationMs` (0 ends it now). */
  refuseConnections(durationMs: number): void;
  /** While on, every chat hub event is sent twice. */
  duplicateEvents(on: boolean): void;
  /** Delays every chat hub event by `delayMs` (0 for none). */
  delayEvents(delayMs: number): void;
}

/** A running embedded Chat Gateway. */
export interface Gateway {
  /** `http://HOST:PORT`. */
  readonly url: string;
  /** The port it listens on (kept by `restart()`). */
  readonly port: number;
  /** Fault injection. */
  readonly faults: GatewayFaults;
  /** The most recent REST requests (up to 1,000), oldest first. */
  readonly requests: readonly RecordedRequest[];
  /** Hub connections open now. */
  readonly connectionCount: number;
  /** Issues a token directly (test convenience; creates the participant when missing). */
  issueToken(userId: string, role?: string | null): string;
  /** Same port, same data; every connection is lost. */
  restart(): Promise<void>;
  /** Stops listening, closes every connection, clears every timer. */
  close(): Promise<void>;
}

/**
 * Starts the embedded Chat Gateway: the whole REST API and both SignalR hubs in memory, over the
 * real SignalR protocol, on `127.0.0.1` and a free port by default.
 *
 * @example
 * ```ts
 * const gateway = await startGateway({ port: 0 });
 * const client = createChatClient({ baseUrl: gateway.url });
 * // …
 * await gateway.close();
 * ```
 */
export async function startGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger;
  const now = options.now ?? Date.now;
  const tokens = new TokenIssuer(options.tokenLifetimeMs ?? 3_600_000, now);
  let duplicate = false;
  let delayMs = 0;
  const pending = new Set<NodeJS.Timeout>();
  let chatHub: Hub | undefined;
  let notificationHub: Hub | undefined;

  const deliver = (send: () => void): void => {
    const once = (): void => {
      send();
      if (duplicate) send();
    };
    if (delayMs > 0) {
      const timer = setTimeout(() => {
        pending.delete(timer);
        once();
      }, delayMs);
      pending.add(timer);
    } else once();
  };
  const sink: GatewayEventSink = {
    // Payloads as a real gateway's records serialize: every unset optional member is `null`.
    chat(conversationId, event, payload, except) {
      const wire = writeNulls(ChatHubEvents[event] as t.Mixed, payload);
      deliver(() => chatHub?.sendToGroup(conversationGroup(conversationId), event, [wire], except !== undefined ? { except: [except] } : undefined));
    },
    notify(userIds, event, payload) {
      const wire = writeNulls(NotificationHubEvents[event] as t.Mixed, payload);
      for (const userId of userIds) notificationHub?.sendToUser(userId, event, [wire]);
    },
    presence(participantId, payload) {
      notificationHub?.sendToGroup(presenceGroup(participantId), 'presenceChanged', [writeNulls(PresenceChangedDto, payload)]);
    },
    leaveGroup(userId, conversationId) {
      if (chatHub === undefined) return;
      for (const connection of chatHub.connections()) {
        if (connection.user.userId === userId) chatHub.removeFromGroup(connection.connectionId, conversationGroup(conversationId));
      }
    },
  };

  let bot: EchoBot | undefined;
  const chat = new ChatService({ sink, now, onUserMessage: (message) => bot?.onUserMessage(message) });
  if (options.bot !== false) {
    bot = new EchoBot(chat, sink, options.bot ?? {});
    bot.seed();
  }
  const files = new FileStore(now);
  const bots = new BotRegistry(chat, now);

  let port = options.port ?? 0;
  let edgePort = 0;
  const signalr = new SignalRServer({
    authenticate: (token) => {
      const owner = tokens.verify(token);
      return owner ? { userId: owner.userId, role: owner.role, edge: owner.edge } : null;
    },
    ...(options.keepAliveIntervalMs !== undefined ? { keepAliveIntervalMs: options.keepAliveIntervalMs } : {}),
    ...(options.clientTimeoutMs !== undefined ? { clientTimeoutMs: options.clientTimeoutMs } : {}),
    ...(options.statefulReconnect !== undefined ? { statefulReconnect: options.statefulReconnect } : {}),
    ...(options.disconnectGraceMs !== undefined ? { disconnectGraceMs: options.disconnectGraceMs } : {}),
    ...(options.negotiateRedirect
      ? {
          negotiateRedirect: (hubPath: string, user: { userId: string; role: string | null; edge?: unknown }) =>
            user.edge === true
              ? undefined
              : { url: `http://${host}:${edgePort}${hubPath}`, accessToken: tokens.issue(user.userId, user.role, undefined, true).token },
        }
      : {}),
    ...(logger ? { logger } : {}),
  });
  chatHub = signalr.addHub(
    '/hubs/chat',
    chatHubDefinition(chat, (id, group) => chatHub?.addToGroup(id, group), (id, group) => chatHub?.removeFromGroup(id, group)),
  );
  notificationHub = signalr.addHub(
    '/hubs/notifications',
    notificationHubDefinition(chat, (id, group) => notificationHub?.addToGroup(id, group), (id, group) => notificationHub?.removeFromGroup(id, group)),
  );

  const requests: RecordedRequest[] = [];
  let requestSeq = 0;
  const rest = createRestApi({
    chat,
    files,
    bots,
    tokens,
    googleTokens: options.googleTokens ?? {},
    dsAccountTokens: options.dsAccountTokens ?? {},
    devPassword: options.devPassword,
    proxyBackends: options.proxyBackends ?? {},
    presignedUploadOrigin: () => (options.presignedUploads ? `http://localhost:${port}` : undefined),
    record: (entry) => {
      requestSeq += 1;
      requests.push({ seq: requestSeq, ...entry });
      if (requests.length > 1000) requests.shift();
    },
  });

  let refuseTimer: NodeJS.Timeout | undefined;
  const faults: GatewayFaults = {
    dropConnections: ({ allowReconnect = false, error } = {}) =>
      signalr.closeAll({ allowReconnect, ...(error !== undefined ? { error } : {}) }),
    killSockets: () => signalr.killAll(),
    expireTokens: () => tokens.expireAll(),
    emitRaw: (conversationId, event, payload) =>
      deliver(() => chatHub?.sendToGroup(conversationGroup(conversationId), event as ChatHubEventName, [payload])),
    refuseConnections: (durationMs) => {
      if (refuseTimer) clearTimeout(refuseTimer);
      refuseTimer = undefined;
      signalr.setRefuseConnections(durationMs > 0);
      if (durationMs > 0) {
        refuseTimer = setTimeout(() => {
          refuseTimer = undefined;
          signalr.setRefuseConnections(false);
        }, durationMs);
      }
    },
    duplicateEvents: (on) => {
      duplicate = on;
    },
    delayEvents: (ms) => {
      delayMs = Math.max(0, ms);
    },
  };

  const testEndpoint = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    applyCors(req, res);
    if (req.method === 'OPTIONS') return sendEmpty(res, 204);
    if (url.pathname === '/_test/requests' && req.method === 'GET') return sendJson(res, 200, requests);
    if (req.method !== 'POST') return sendEmpty(res, 405);
    // A bad body is the caller's error (400, or 413 past 1 MB), not a server failure (500).
    let body: Record<string, unknown>;
    try {
      const raw = await readBody(req, 1024 * 1024);
      const parsed: unknown = raw.length > 0 ? JSON.parse(raw.toString('utf8')) : {};
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return sendEmpty(res, 400);
      body = parsed as Record<string, unknown>;
    } catch (error) {
      return sendEmpty(res, error instanceof GatewayError ? error.status : 400);
    }
    switch (url.pathname) {
      case '/_test/faults/drop':
        faults.dropConnections({ allowReconnect: body.allowReconnect === true, ...(typeof body.error === 'string' ? { error: body.error } : {}) });
        break;
      case '/_test/faults/kill':
        faults.killSockets();
        break;
      case '/_test/faults/expire-tokens':
        faults.expireTokens();
        break;
      case '/_test/faults/emit-raw':
        faults.emitRaw(String(body.conversationId), String(body.event), body.payload);
        break;
      case '/_test/faults/refuse':
        faults.refuseConnections(Number(body.durationMs ?? 0));
        break;
      case '/_test/faults/duplicate':
        faults.duplicateEvents(body.on === true);
        break;
      case '/_test/faults/delay':
        faults.delayEvents(Number(body.delayMs ?? 0));
        break;
      case '/_test/faults/restart':
        sendEmpty(res, 204);
        setImmediate(() => void gateway.restart().catch(() => undefined));
        return;
      case '/_test/token': {
        const userId = String(body.userId ?? '');
        if (userId === '') return sendEmpty(res, 400);
        return sendJson(res, 200, { token: gateway.issueToken(userId, typeof body.role === 'string' ? body.role : null) });
      }
      default:
        return sendEmpty(res, 404);
    }
    sendEmpty(res, 204);
  };

  // The playground page (static files) at `/`, when asked for; anything it has no file for goes to REST.
  const playground = options.playground !== undefined ? serveStaticFiles(options.playground.dir) : undefined;

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://gateway.invalid');
    if (signalr.handleRequest(req, res)) return;
    const handled = options.testEndpoints && url.pathname.startsWith('/_test/')
      ? testEndpoint(req, res, url).then(() => true)
      : playground !== undefined
        ? playground(req, res, url).then((served) => served || rest(req, res, url))
        : rest(req, res, url);
    handled
      .then((done) => {
        if (!done && !res.headersSent) sendJson(res, 404, { type: 'https://tools.ietf.org/html/rfc9110#section-15.5.5', title: 'Not Found', status: 404 });
      })
      .catch((error: unknown) => {
        logger?.('error', 'request failed', { error: String(error) });
        if (!res.headersSent) sendEmpty(res, 500);
        else res.destroy();
      });
  };
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => undefined);
    if (!signalr.handleUpgrade(req, socket, head)) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    }
  };

  const servers: Server[] = [];
  const listen = async (atPort: number): Promise<{ server: Server; port: number }> => {
    const server = createServer(onRequest);
    server.on('upgrade', onUpgrade);
    server.on('clientError', (_error, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(atPort, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    servers.push(server);
    return { server, port: (server.address() as AddressInfo).port };
  };
  const open = async (): Promise<void> => {
    port = (await listen(port)).port;
    if (options.negotiateRedirect) edgePort = (await listen(edgePort)).port;
  };
  const shut = async (): Promise<void> => {
    signalr.killAll();
    const closing = servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    await Promise.all(closing);
  };

  await open();
  let closed = false;
  const gateway: Gateway = {
    get url() {
      return `http://${host}:${port}`;
    },
    get port() {
      return port;
    },
    faults,
    requests,
    get connectionCount() {
      return signalr.connectionCount;
    },
    issueToken(userId, role = null) {
      if (!chat.findParticipant(userId)) chat.upsertParticipant({ id: userId, uniqueName: userId, fullName: userId });
      return tokens.issue(userId, role).token;
    },
    async restart() {
      if (closed) throw new Error('The gateway is closed.');
      await shut();
      await open();
    },
    async close() {
      if (closed) return;
      closed = true;
      bot?.stop();
      for (const timer of pending) clearTimeout(timer);
      pending.clear();
      if (refuseTimer) clearTimeout(refuseTimer);
      await shut();
      await signalr.shutdown();
    },
  };
  return gateway;
}
