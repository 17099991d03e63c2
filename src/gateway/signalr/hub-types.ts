/**
 * The public contract of the SignalR server: options, hub definitions, and the handles a hub
 * author works with.
 */
import type { TransportKind } from './transport.js';

/** The authenticated caller, as returned by {@link SignalRServerOptions.authenticate}. */
export interface HubUser {
  /** Stable user id; {@link Hub.sendToUser} targets every connection of this user. */
  readonly userId: string;
  /** The user's role, or null. */
  readonly role: string | null;
  /** Any further claims. */
  readonly [claim: string]: unknown;
}

/** Severity of a {@link SignalRLogger} entry. */
export type SignalRLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Receives the server's diagnostics. Tokens are never passed to it. */
export type SignalRLogger = (level: SignalRLogLevel, message: string, data?: Record<string, unknown>) => void;

/** How a connection is closed with a Close message. */
export interface CloseOptions {
  /** Sent to the client, which reports `Server returned an error on close: <error>`. */
  readonly error?: string;
  /** When true a client built `withAutomaticReconnect()` reconnects (new negotiate, new connection id). */
  readonly allowReconnect?: boolean;
}

/** Options of {@link SignalRServer}. Durations are milliseconds. */
export interface SignalRServerOptions {
  /**
   * Called on every negotiate, every WebSocket upgrade and every SSE / long polling request with the bearer token (the
   * `Authorization: Bearer` header, else the `access_token` query parameter) or undefined.
   * Return null to answer 401. Must not throw (a throw answers 500).
   */
  authenticate(token: string | undefined): HubUser | null;
  /** Interval of the server's Ping when nothing else was sent. @default 15000 (ASP.NET KeepAliveInterval) */
  keepAliveIntervalMs?: number;
  /** A connection from which nothing was received for this long is closed. @default 30000 (ASP.NET ClientTimeoutInterval) */
  clientTimeoutMs?: number;
  /** Time allowed between the WebSocket opening and the handshake. @default 15000 (ASP.NET HandshakeTimeout) */
  handshakeTimeoutMs?: number;
  /**
   * Time allowed between negotiate and the transport opening, and between two long polls; the
   * connection id is then forgotten. @default 15000 (ASP.NET DisconnectTimeout)
   */
  negotiateTimeoutMs?: number;
  /** How long a long poll waits for messages before an empty 200 answers it. @default 90000 (ASP.NET LongPolling.PollTimeout) */
  longPollTimeoutMs?: number;
  /**
   * The transports offered at negotiate and served; a request over another one is answered 404
   * (`… transport not supported by this end point type`). @default all three (ASP.NET's `Transports`)
   */
  transports?: readonly TransportKind[];
  /** Offer stateful reconnect to clients that ask for it (`withStatefulReconnect()`). @default true */
  statefulReconnect?: boolean;
  /**
   * Un-acked bytes a stateful connection may hold while its socket is gone; beyond it the
   * connection is ended (the client then falls back to a normal reconnect). While the socket is
   * up the buffer is not capped: the client acks about once a second. @default 100000 (ASP.NET StatefulReconnectBufferSize)
   */
  statefulReconnectBufferBytes?: number;
  /** How long a stateful connection whose socket dropped waits for the client to resume. @default 15000 (ASP.NET DisconnectTimeout) */
  disconnectGraceMs?: number;
  /** Largest accepted message in bytes (record separator included). @default 32768 (ASP.NET MaximumReceiveMessageSize) */
  maximumReceiveMessageSize?: number;
  /** Append exception details to error texts, like ASP.NET's EnableDetailedErrors. @default false */
  enableDetailedErrors?: boolean;
  /** When set and it returns a value, negotiate answers `{ url, accessToken }` (the Azure SignalR redirect). */
  negotiateRedirect?: (hubPath: string, user: HubUser) => { url: string; accessToken: string } | undefined;
  /** Diagnostics sink; silent by default. */
  logger?: SignalRLogger;
}

/** One client connection, as seen by the hub author. */
export interface HubConnectionHandle {
  /** Public connection id (the client's `connectionId`). */
  readonly connectionId: string;
  /** Who authenticated at negotiate (or at the upgrade for `skipNegotiation` clients). */
  readonly user: HubUser;
  /** Path of the hub this connection belongs to. */
  readonly hubPath: string;
  /** Free per-connection state for the hub author; survives a stateful resume. */
  readonly items: Map<string, unknown>;
  /** Invokes client method `target` (one Invocation message without id). Buffered while a stateful connection waits to resume. */
  send(target: string, ...args: unknown[]): void;
  /** Sends a Close message, then closes the socket. The connection is gone (no resume). */
  close(options?: CloseOptions): void;
  /** Destroys the socket without a Close message; a stateful connection may then resume. */
  abort(): void;
}

/** One hub method. */
export interface HubMethod {
  /** Number of arguments the method takes; a call with another count gets ASP.NET's binding-failure text. */
  readonly arity: number;
  /**
   * Runs the method with the raw JSON arguments (validate them; throw InvalidDataException for a
   * binding failure, HubException for a message the caller sees). May return a value or a Promise;
   * `undefined` means void (a Completion without result).
   */
  invoke(conn: HubConnectionHandle, args: unknown[]): unknown;
}

/** What {@link SignalRServer.addHub} needs to serve a hub. */
export interface HubDefinition {
  /**
   * Methods by name, matched case-insensitively. Calls from one connection run one at a time,
   * in order (like ASP.NET with MaximumParallelInvocationsPerClient = 1).
   */
  readonly methods: Readonly<Record<string, HubMethod>>;
  /** Called after the handshake, before any invocation of that connection runs. A throw (or rejection) closes the connection with an error. */
  onConnected?(conn: HubConnectionHandle): void | Promise<void>;
  /**
   * Called once when the connection is really gone: Close message, socket closed, timeout, or the
   * stateful grace period expired. Not called for a connection that resumed, nor when onConnected failed.
   * `error` is undefined for a clean close.
   */
  onDisconnected?(conn: HubConnectionHandle, error: Error | undefined): void | Promise<void>;
}

/** Options of {@link Hub.sendToGroup}. */
export interface GroupSendOptions {
  /** Connection ids to leave out. */
  readonly except?: readonly string[];
}

/** A registered hub: its live connections, its groups, and broadcasting. */
export interface Hub {
  /** The path the hub was registered at, e.g. `/hubs/chat`. */
  readonly path: string;
  /** Snapshot of the connections past their handshake, including stateful ones waiting to resume. */
  connections(): Iterable<HubConnectionHandle>;
  /** The connection with that id, if it is live. */
  connection(connectionId: string): HubConnectionHandle | undefined;
  /** Adds a live connection to a group (no-op for an unknown id). Membership ends with the connection. */
  addToGroup(connectionId: string, group: string): void;
  /** Removes a connection from a group. */
  removeFromGroup(connectionId: string, group: string): void;
  /** Invokes `target` on every member of `group`, except the listed connection ids. */
  sendToGroup(group: string, target: string, args: readonly unknown[], options?: GroupSendOptions): void;
  /** Invokes `target` on every connection of a user. */
  sendToUser(userId: string, target: string, args: readonly unknown[]): void;
  /** Invokes `target` on every connection of the hub. */
  sendToAll(target: string, args: readonly unknown[]): void;
}
