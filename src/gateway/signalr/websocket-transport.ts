import { WebSocket, type RawData } from 'ws';
import type { HubTransport, TransportEvents } from './transport.js';
import type { WireData } from './wire-protocol.js';

/** How long a graceful WebSocket close may take before the socket is destroyed. */
const SOCKET_CLOSE_TIMEOUT_MS = 1000;

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** The WebSockets transport: JSON records in text frames over a `ws` socket. */
export class WebSocketTransport implements HubTransport {
  readonly kind = 'WebSockets' as const;
  private finished = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly onDebug: (message: string, error: Error) => void,
  ) {}

  /** {@inheritDoc HubTransport.bind} */
  bind(events: TransportEvents): void {
    this.socket.on('message', (data: RawData) => {
      if (!this.finished) events.data(toBuffer(data));
    });
    this.socket.on('close', (code: number) => {
      if (this.finished) return;
      this.finished = true;
      events.closed(code);
    });
    this.socket.on('error', (error: Error) => this.onDebug('WebSocket error.', error));
  }

  /** {@inheritDoc HubTransport.send} */
  send(data: WireData): void {
    if (this.finished || this.socket.readyState !== WebSocket.OPEN) return;
    this.socket.send(data, (error) => {
      if (error) this.onDebug('WebSocket send failed.', error);
    });
  }

  /** {@inheritDoc HubTransport.close} */
  close(last?: WireData): void {
    if (this.finished) return;
    this.finished = true;
    const socket = this.socket;
    if (last !== undefined && socket.readyState === WebSocket.OPEN) socket.send(last, () => undefined);
    if (socket.readyState === WebSocket.CLOSED) return;
    const timer = setTimeout(() => socket.terminate(), SOCKET_CLOSE_TIMEOUT_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
    try {
      socket.close(1000);
    } catch {
      socket.terminate();
    }
  }

  /** {@inheritDoc HubTransport.destroy} */
  destroy(): void {
    this.finished = true;
    this.socket.terminate();
  }
}
