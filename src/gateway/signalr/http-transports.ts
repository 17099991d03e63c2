import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HubUser, SignalRLogger } from './hub-types.js';
import { LongPollingTransport } from './long-polling-transport.js';
import type { ServerHubConnection } from './server-hub-connection.js';
import { ServerSentEventsTransport } from './sse-transport.js';
import { type TransportKind, transportNotSupported } from './transport.js';

/** What {@link HttpTransportDispatcher} needs from its server. */
export interface HttpTransportHost {
  /** The connection negotiated with this token, if it is not ended. */
  connection(token: string): ServerHubConnection | undefined;
  /** The caller, or null (401). */
  authenticate(req: IncomingMessage, url: URL): HubUser | null;
  /** True while new transports are refused (503): the `refuseConnections` fault, or shutdown. */
  refusing(): boolean;
  /** Plain answer (optional text/plain body). */
  respond(req: IncomingMessage, res: ServerResponse, status: number, text?: string): void;
  readonly pollTimeoutMs: number;
  /** The transports the server offers (another one is answered 404, as ASP.NET does). */
  readonly transports: ReadonlySet<TransportKind>;
  readonly idleTimeoutMs: number;
  readonly maxBodyBytes: number;
  readonly log: SignalRLogger;
}

type HttpTransport = ServerSentEventsTransport | LongPollingTransport;

interface Entry {
  readonly transport: HttpTransport;
  readonly hubPath: string;
  readonly userId: string;
}

const NO_CONNECTION = 'No Connection with that ID';
const CHANGE_TRANSPORT = 'Cannot change transports mid-connection';

function wantsEventStream(req: IncomingMessage): boolean {
  return (req.headers.accept ?? '').toLowerCase().includes('text/event-stream');
}

/**
 * The HTTP side of ASP.NET's `HttpConnectionDispatcher` for one server: `GET {hub}?id=…` opens
 * Server-Sent Events (with `Accept: text/event-stream`) or polls (long polling), `POST` carries
 * the client's messages, `DELETE` ends a long polling connection (202). Unknown ids get 404
 * "No Connection with that ID"; every request is authenticated and must come from the user who
 * negotiated (401, 403).
 */
export class HttpTransportDispatcher {
  private readonly transports = new Map<string, Entry>();

  constructor(private readonly host: HttpTransportHost) {}

  /** True when the connection with this token runs over SSE or long polling (a WebSocket for it gets 400). */
  hasTransport(token: string): boolean {
    return this.transports.has(token);
  }

  /** Serves a non-negotiate request to a hub path. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL, hubPath: string): void {
    const { host } = this;
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'POST' && method !== 'DELETE') {
      res.setHeader('Allow', 'GET, POST, DELETE');
      host.respond(req, res, 405);
      return;
    }
    const id = url.searchParams.get('id');
    if (id === null || id === '') {
      host.respond(req, res, 400, 'Connection ID required');
      return;
    }
    const user = host.authenticate(req, url);
    if (user === null) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      host.respond(req, res, 401);
      return;
    }
    const entry = this.transports.get(id);
    if (entry !== undefined && (entry.hubPath !== hubPath || entry.userId !== user.userId)) {
      host.respond(req, res, entry.hubPath !== hubPath ? 404 : 403, entry.hubPath !== hubPath ? NO_CONNECTION : undefined);
      return;
    }
    if (method === 'GET') this.get(req, res, id, hubPath, user, entry);
    else if (method === 'POST') this.post(req, res, id, entry);
    else this.delete(req, res, id, entry);
  }

  /** Forgets the transport of an ended connection, unless long polling still has to hand out its last messages. */
  connectionEnded(token: string): void {
    const entry = this.transports.get(token);
    if (entry === undefined) return;
    if (entry.transport instanceof LongPollingTransport && !entry.transport.isDone) return;
    this.transports.delete(token);
  }

  /** Destroys every transport (sockets of pending polls and event streams) and forgets every id. */
  destroyAll(): void {
    for (const { transport } of [...this.transports.values()]) transport.destroy();
    this.transports.clear();
  }

  private get(req: IncomingMessage, res: ServerResponse, id: string, hubPath: string, user: HubUser, entry: Entry | undefined): void {
    const { host } = this;
    const kind: TransportKind = wantsEventStream(req) ? 'ServerSentEvents' : 'LongPolling';
    if (entry !== undefined) {
      if (entry.transport.kind !== kind) host.respond(req, res, 400, CHANGE_TRANSPORT);
      else if (entry.transport instanceof LongPollingTransport) {
        req.resume();
        this.poll(entry.transport, res, id);
      } else host.respond(req, res, 409, 'Connection is already active.');
      return;
    }
    const connection = host.connection(id);
    if (connection === undefined || connection.hubPath !== hubPath) {
      host.respond(req, res, 404, NO_CONNECTION);
      return;
    }
    if (connection.user.userId !== user.userId) {
      host.respond(req, res, 403);
      return;
    }
    if (!host.transports.has(kind)) {
      host.respond(req, res, 404, transportNotSupported(kind));
      return;
    }
    if (connection.transportKind !== undefined && connection.transportKind !== kind) {
      host.respond(req, res, 400, CHANGE_TRANSPORT);
      return;
    }
    if (host.refusing()) {
      host.respond(req, res, 503);
      return;
    }
    if (connection.attachability() !== 'ok') {
      host.respond(req, res, 409, 'Connection is already active.');
      return;
    }
    req.resume();
    const transport =
      kind === 'ServerSentEvents'
        ? new ServerSentEventsTransport(req, res)
        : new LongPollingTransport({ pollTimeoutMs: host.pollTimeoutMs, idleTimeoutMs: host.idleTimeoutMs });
    const created: Entry = { transport, hubPath, userId: user.userId };
    this.transports.set(id, created);
    if (transport instanceof LongPollingTransport) {
      transport.onFinished(() => {
        if (this.transports.get(id) === created) this.transports.delete(id);
      });
    }
    host.log('debug', 'Transport opened.', { hub: hubPath, connectionId: connection.connectionId, transport: kind });
    connection.attach(transport);
    if (transport instanceof LongPollingTransport) this.poll(transport, res, id);
  }

  /** Serves a poll; one left waiting is logged (debug), so a test knows it reached the server. */
  private poll(transport: LongPollingTransport, res: ServerResponse, id: string): void {
    transport.handlePoll(res);
    if (transport.isPolling) this.host.log('debug', 'Long poll waiting.', { connectionToken: id });
  }

  private post(req: IncomingMessage, res: ServerResponse, id: string, entry: Entry | undefined): void {
    const { host } = this;
    if (entry === undefined) {
      const connection = host.connection(id);
      if (connection?.transportKind === 'WebSockets') {
        host.respond(req, res, 405, 'POST requests are not allowed for WebSocket connections.');
      } else {
        host.respond(req, res, 404, NO_CONNECTION);
      }
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > host.maxBodyBytes) tooLarge = true;
      else chunks.push(chunk);
    });
    req.once('error', () => undefined);
    req.once('end', () => {
      if (tooLarge) {
        host.respond(req, res, 413);
        return;
      }
      if (this.transports.get(id) !== entry) {
        host.respond(req, res, 404, NO_CONNECTION);
        return;
      }
      entry.transport.receive(Buffer.concat(chunks));
      host.respond(req, res, 200);
    });
  }

  private delete(req: IncomingMessage, res: ServerResponse, id: string, entry: Entry | undefined): void {
    const { host } = this;
    if (entry === undefined) {
      const connection = host.connection(id);
      if (connection === undefined) host.respond(req, res, 404, NO_CONNECTION);
      else host.respond(req, res, 400, 'Cannot terminate this connection using the DELETE endpoint.');
      return;
    }
    if (!(entry.transport instanceof LongPollingTransport)) {
      host.respond(req, res, 400, 'Cannot terminate this connection using the DELETE endpoint.');
      return;
    }
    entry.transport.terminate();
    this.transports.delete(id);
    host.respond(req, res, 202);
  }
}
