import { BotRegistry } from './bot-registry.js';
import { chatHubDefinition } from './chat-hub-definition.js';
import { ChatService, type GatewayEventSink } from './chat-service.js';
import { EchoBot } from './echo-bot.js';
import { FileStore } from './file-store.js';
import { createEventSink } from './gateway-event-sink.js';
import { createFaults, EventDelivery } from './gateway-faults.js';
import { GatewayHttp } from './gateway-http.js';
import type { Gateway, GatewayOptions } from './gateway-types.js';
import { notificationHubDefinition } from './notification-hub-definition.js';
import { createRestApi, type RecordedRequest } from './rest-api.js';
import { SignalRServer, type Hub } from './signalr/index.js';
import { serveStaticFiles } from './static-files.js';
import { createTestEndpoints } from './test-endpoints.js';
import { TokenIssuer } from './token-issuer.js';

export type { Gateway, GatewayFaults, GatewayOptions } from './gateway-types.js';

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
  const now = options.now ?? Date.now;
  const tokens = new TokenIssuer(options.tokenLifetimeMs ?? 3_600_000, now);
  const delivery = new EventDelivery();
  const hubs: { chat?: Hub; notifications?: Hub } = {};
  const sink = createEventSink({ chat: () => hubs.chat, notifications: () => hubs.notifications }, delivery);
  const { chat, files, bots, stopBot } = createDomain(options, sink, now);

  let port = options.port ?? 0;
  let edgePort = 0;
  const signalr = createSignalRServer(options, host, tokens, () => edgePort);
  Object.assign(hubs, addHubs(signalr, chat));

  const requests = createRequestLog();
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
    record: requests.record,
  });
  const { faults, dispose: disposeFaults } = createFaults({ signalr, tokens, delivery, chatHub: () => hubs.chat });

  const http = new GatewayHttp(
    {
      signalr,
      rest,
      // The playground page (static files) at `/`, when asked for; anything it has no file for goes to REST.
      playground: options.playground !== undefined ? serveStaticFiles(options.playground.dir) : undefined,
      testEndpoints: options.testEndpoints ? createTestEndpoints(() => gateway) : undefined,
      logger: options.logger,
    },
    host,
  );
  const open = async (): Promise<void> => {
    port = await http.listen(port);
    if (options.negotiateRedirect) edgePort = await http.listen(edgePort);
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
    requests: requests.entries,
    get connectionCount() {
      return signalr.connectionCount;
    },
    issueToken(userId, role = null) {
      if (!chat.findParticipant(userId)) chat.upsertParticipant({ id: userId, uniqueName: userId, fullName: userId });
      return tokens.issue(userId, role).token;
    },
    async restart() {
      if (closed) throw new Error('The gateway is closed.');
      await http.closeAll();
      await open();
    },
    async close() {
      if (closed) return;
      closed = true;
      stopBot();
      delivery.dispose();
      disposeFaults();
      await http.closeAll();
      await signalr.shutdown();
    },
  };
  return gateway;
}

/** The domain: the chat service, the echo bot (unless `bot: false`), files and bots. */
function createDomain(
  options: GatewayOptions,
  sink: GatewayEventSink,
  now: () => number,
): { chat: ChatService; files: FileStore; bots: BotRegistry; stopBot: () => void } {
  let bot: EchoBot | undefined;
  const chat = new ChatService({ sink, now, onUserMessage: (message) => bot?.onUserMessage(message) });
  if (options.bot !== false) {
    bot = new EchoBot(chat, sink, options.bot ?? {});
    bot.seed();
  }
  const files = new FileStore(now);
  const bots = new BotRegistry(chat, now);
  return { chat, files, bots, stopBot: () => bot?.stop() };
}

/** Adds the two hubs, `/hubs/chat` and `/hubs/notifications`, to the SignalR server. */
function addHubs(signalr: SignalRServer, chat: ChatService): { chat: Hub; notifications: Hub } {
  let chatHub: Hub | undefined;
  let notificationHub: Hub | undefined;
  chatHub = signalr.addHub(
    '/hubs/chat',
    chatHubDefinition(
      chat,
      (id, group) => chatHub?.addToGroup(id, group),
      (id, group) => chatHub?.removeFromGroup(id, group),
    ),
  );
  notificationHub = signalr.addHub(
    '/hubs/notifications',
    notificationHubDefinition(
      chat,
      (id, group) => notificationHub?.addToGroup(id, group),
      (id, group) => notificationHub?.removeFromGroup(id, group),
    ),
  );
  return { chat: chatHub, notifications: notificationHub };
}

/** The SignalR server with the gateway's token check, timings and, when asked, the negotiate redirect to the edge listener. */
function createSignalRServer(options: GatewayOptions, host: string, tokens: TokenIssuer, edgePort: () => number): SignalRServer {
  return new SignalRServer({
    authenticate: (token) => {
      const owner = tokens.verify(token);
      return owner ? { userId: owner.userId, role: owner.role, edge: owner.edge } : null;
    },
    ...(options.keepAliveIntervalMs !== undefined ? { keepAliveIntervalMs: options.keepAliveIntervalMs } : {}),
    ...(options.clientTimeoutMs !== undefined ? { clientTimeoutMs: options.clientTimeoutMs } : {}),
    ...(options.statefulReconnect !== undefined ? { statefulReconnect: options.statefulReconnect } : {}),
    ...(options.disconnectGraceMs !== undefined ? { disconnectGraceMs: options.disconnectGraceMs } : {}),
    ...(options.longPollTimeoutMs !== undefined ? { longPollTimeoutMs: options.longPollTimeoutMs } : {}),
    ...(options.transports !== undefined ? { transports: options.transports } : {}),
    ...(options.negotiateRedirect
      ? {
          negotiateRedirect: (hubPath: string, user: { userId: string; role: string | null; edge?: unknown }) =>
            user.edge === true
              ? undefined
              : { url: `http://${host}:${edgePort()}${hubPath}`, accessToken: tokens.issue(user.userId, user.role, undefined, true).token },
        }
      : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
}

/** The last 1,000 REST requests, oldest first, each numbered from 1 (the number survives the log rolling over). */
function createRequestLog(): { entries: RecordedRequest[]; record: (entry: Omit<RecordedRequest, 'seq'>) => void } {
  const entries: RecordedRequest[] = [];
  let seq = 0;
  return {
    entries,
    record: (entry) => {
      seq += 1;
      entries.push({ seq, ...entry });
      if (entries.length > 1000) entries.shift();
    },
  };
}
