import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { sendEmpty, sendJson } from './http-util.js';
import type { SignalRLogger, SignalRServer } from './signalr/index.js';

/** Answers a request it is for (true) or leaves it (false). */
export type RequestAnswerer = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;

/** What the gateway's HTTP listeners serve. */
export interface GatewayHttpHandlers {
  readonly signalr: SignalRServer;
  /** The REST API. */
  readonly rest: RequestAnswerer;
  /** The `/_test/*` endpoints, when served. */
  readonly testEndpoints?: ((req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>) | undefined;
  /** The static playground site, when served: anything it has no file for goes to REST. */
  readonly playground?: RequestAnswerer | undefined;
  readonly logger?: SignalRLogger | undefined;
}

/**
 * The gateway's HTTP listeners: the hubs first, then `/_test/*`, the playground and REST; a
 * ProblemDetails 404 for anything else. `listen` may be called again after `closeAll` (restart).
 */
export class GatewayHttp {
  private readonly servers: Server[] = [];

  constructor(
    private readonly handlers: GatewayHttpHandlers,
    private readonly host: string,
  ) {}

  /** Opens one more listener at `port` (0: a free one) and resolves with the port it got. */
  async listen(port: number): Promise<number> {
    const server = createServer((req, res) => this.onRequest(req, res));
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket, head));
    server.on('clientError', (_error, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.servers.push(server);
    return (server.address() as AddressInfo).port;
  }

  /** Kills every hub socket and closes every listener and connection. */
  async closeAll(): Promise<void> {
    this.handlers.signalr.killAll();
    const closing = this.servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    await Promise.all(closing);
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const { signalr, rest, testEndpoints, playground, logger } = this.handlers;
    const url = new URL(req.url ?? '/', 'http://gateway.invalid');
    if (signalr.handleRequest(req, res)) return;
    const handled =
      testEndpoints !== undefined && url.pathname.startsWith('/_test/')
        ? testEndpoints(req, res, url).then(() => true)
        : playground !== undefined
          ? playground(req, res, url).then((served) => served || rest(req, res, url))
          : rest(req, res, url);
    handled
      .then((done) => {
        if (!done && !res.headersSent)
          sendJson(res, 404, { type: 'https://tools.ietf.org/html/rfc9110#section-15.5.5', title: 'Not Found', status: 404 });
      })
      .catch((error: unknown) => {
        logger?.('error', 'request failed', { error: String(error) });
        if (!res.headersSent) sendEmpty(res, 500);
        else res.destroy();
      });
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => undefined);
    if (!this.handlers.signalr.handleUpgrade(req, socket, head)) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    }
  }
}
