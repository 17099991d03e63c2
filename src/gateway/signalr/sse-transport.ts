import type { IncomingMessage, ServerResponse } from 'node:http';
import { TRANSPORT_CLOSED_NORMALLY, type HubTransport, type TransportEvents } from './transport.js';
import type { WireData } from './wire-protocol.js';

/**
 * The Server-Sent Events transport: the `GET {hub}?id=…` response (`text/event-stream`) carries
 * server→client messages as `data:` lines, kept open for the life of the connection; the client's
 * messages come as `POST {hub}?id=…` bodies ({@link receive}). Like ASP.NET's
 * `ServerSentEventsServerTransport`, the stream starts with an empty comment (`:`) so that the
 * client's EventSource fires `open` at once. Text only: JSON needs no binary frames.
 */
export class ServerSentEventsTransport implements HubTransport {
  readonly kind = 'ServerSentEvents' as const;
  private events: TransportEvents | undefined;
  private finished = false;

  constructor(
    req: IncomingMessage,
    private readonly res: ServerResponse,
  ) {
    res.statusCode = 200;
    res.setHeader('Content-Type', 'text/event-stream');
    res.setHeader('Cache-Control', 'no-cache,no-store');
    res.setHeader('Pragma', 'no-cache');
    res.setHeader('Content-Encoding', 'identity');
    res.setHeader('X-Accel-Buffering', 'no');
    res.write(':\r\n');
    req.socket.setNoDelay(true);
    const lost = (): void => {
      if (this.finished) return;
      this.finished = true;
      this.events?.closed(TRANSPORT_CLOSED_NORMALLY);
    };
    res.once('close', lost);
  }

  /** {@inheritDoc HubTransport.bind} */
  bind(events: TransportEvents): void {
    this.events = events;
  }

  /** A POST body from the client. */
  receive(chunk: Buffer): void {
    if (!this.finished) this.events?.data(chunk);
  }

  /** {@inheritDoc HubTransport.send} */
  send(wire: WireData): void {
    if (this.finished || this.res.writableEnded) return;
    // Text only: the handshake refuses binary protocols on this transport.
    const data = typeof wire === 'string' ? wire : wire.toString('utf8');
    // One event per write; an event's lines each get a `data: ` prefix (the client joins them with \n).
    const lines = data.split('\n').map((line) => `data: ${line.endsWith('\r') ? line.slice(0, -1) : line}\r\n`);
    this.res.write(`${lines.join('')}\r\n`);
  }

  /** {@inheritDoc HubTransport.close} */
  close(last?: WireData): void {
    if (this.finished) return;
    if (last !== undefined) this.send(last);
    this.finished = true;
    this.res.end();
  }

  /** {@inheritDoc HubTransport.destroy} */
  destroy(): void {
    this.finished = true;
    this.res.destroy();
  }
}
