/**
 * What carries a SignalR connection's bytes: the hub layer ({@link ServerHubConnection}) talks to
 * this interface only, so handshake, invocations, groups and faults work the same on WebSockets,
 * Server-Sent Events and long polling.
 */

import type { WireData } from './wire-protocol.js';

/** The transports of ASP.NET Core's `HttpTransportType`, by the names negotiate lists. */
export type TransportKind = 'WebSockets' | 'ServerSentEvents' | 'LongPolling';

/** Every transport, in the order negotiate offers them (ASP.NET's). */
export const TRANSPORT_KINDS: readonly TransportKind[] = ['WebSockets', 'ServerSentEvents', 'LongPolling'];

/** ASP.NET's 404 text for a request over a transport the endpoint does not offer. */
export function transportNotSupported(kind: TransportKind): string {
  return `${kind} transport not supported by this end point type`;
}

/** Close code a transport reports when it ended normally (the client closed it, or DELETE). */
export const TRANSPORT_CLOSED_NORMALLY = 1000;
/** Close code a transport reports when it was lost (socket error, idle long polling connection). */
export const TRANSPORT_LOST = 1006;

/** Callbacks a transport delivers to its connection. */
export interface TransportEvents {
  /** Bytes received from the client (a WebSocket frame, a POST body). */
  data(chunk: Buffer): void;
  /**
   * The transport is gone by the client's doing or a failure (not after {@link HubTransport.close}
   * or {@link HubTransport.destroy}). `code` is a WebSocket close code; the others report
   * {@link TRANSPORT_CLOSED_NORMALLY} or {@link TRANSPORT_LOST}.
   */
  closed(code: number): void;
}

/** One transport instance, bound to one connection. */
export interface HubTransport {
  readonly kind: TransportKind;
  /** Starts delivering what the client sends to `events`. Called once, by the connection. */
  bind(events: TransportEvents): void;
  /**
   * Sends serialised messages (JSON records as text, MessagePack frames as bytes: a binary
   * WebSocket frame, long polling's octet-stream body); a no-op once closed.
   */
  send(data: WireData): void;
  /**
   * Ends gracefully: `last` (a Close message) is sent first, then a WebSocket close handshake, the
   * end of the event stream, or long polling's 204 once the client has polled what is left.
   */
  close(last?: WireData): void;
  /**
   * Ends abruptly, without a Close message: the WebSocket or the event stream's socket is
   * destroyed, a pending long poll's socket too, and the connection is forgotten.
   */
  destroy(): void;
}
