/**
 * The options and event typing of the hub clients (`HubClient` and its subclasses).
 */
import type { HttpTransportType, IHubProtocol, LogLevel } from '@microsoft/signalr';
import type * as t from 'io-ts';
import type { Observable, SchedulerLike } from 'rxjs';
import type { Logger } from '../core/logger.js';

/** Where a hub client's diagnostics go (silent by default). Tokens are never passed to it. The same type as `ChatLogger`. */
export type HubLogger = Logger;

/** Options shared by both hub clients. Durations are milliseconds. */
export interface HubClientOptions {
  /** The hub's absolute URL, e.g. `https://chat.example.com/hubs/chat`. */
  readonly url: string;
  /**
   * Gives the token for each connection attempt (read on every negotiate and socket open).
   * May return a Promise, e.g. one that refreshes a token about to expire. @default no token
   */
  readonly accessTokenFactory?: () => string | null | undefined | Promise<string | null | undefined>;
  /**
   * Refreshes the token after the server refused it (HTTP 401 at negotiate or at the WebSocket
   * upgrade). Share one single-flight refresh between REST and both hubs. Called with the token
   * the server refused (`null` when the attempt sent none), so a refresh that another caller already
   * made need not be made again (`AuthSession.refresh(refusedToken)` answers with the newer token).
   * `null` gives up: the state becomes `failed` with a `HubError` of kind `auth`. @default none (a
   * 401 ends at once in `failed` with kind `auth`: the same token would be refused again)
   */
  readonly refreshToken?: (refusedToken: string | null) => Observable<string | null>;
  /** Delays before reconnect attempts 1, 2, 3…; the last repeats. @default [2000, 5000, 10000] */
  readonly reconnectDelays?: readonly number[];
  /** Reconnect attempts in a row before the state becomes `failed`. @default 20 */
  readonly maxReconnectAttempts?: number;
  /**
   * Refreshed tokens refused in a row (a 401 right after `refreshToken` gave one) before the state
   * becomes `failed` with kind `auth`; between them the normal reconnect wait runs. @default 3
   */
  readonly maxAuthRefusals?: number;
  /**
   * How long a connection must stay up to count as healthy. Only a healthy connection starts the
   * reconnect attempts and the token refusals over; one that the server closes sooner counts as
   * one more failed attempt, so a server that accepts every connection and closes it at once ends
   * in `failed` after `maxReconnectAttempts` instead of a reconnect loop. A connection that
   * delivers an event is healthy at once. @default 5000
   */
  readonly healthyAfterMs?: number;
  /**
   * How long one connection attempt (negotiate, WebSocket, handshake) may take. A slower one is
   * aborted (kind `connection`) and counts as a failed attempt; 0 = no limit (SignalR's 100 s
   * HTTP timeout only). @default 15000
   */
  readonly connectTimeoutMs?: number;
  /** Resume a dropped socket without losing messages (SignalR stateful reconnect). @default true */
  readonly statefulReconnect?: boolean;
  /** Client keep-alive ping interval. @default 15000 (SignalR's) */
  readonly keepAliveIntervalMs?: number;
  /** Time without data from the server before the connection is considered lost. @default 30000 (SignalR's) */
  readonly serverTimeoutMs?: number;
  /** How long an invocation waits for the connection while connecting or reconnecting. @default 30000 */
  readonly invocationTimeoutMs?: number;
  /** The scheduler for every wait (reconnect delays, connect and invocation timeouts). @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
  /** Emits when a wait should be cut short (default: the browser's `online` event, where there is one). */
  readonly wakeUp$?: Observable<unknown>;
  /** Diagnostics, including SignalR's own (tokens redacted). @default silent */
  readonly logger?: HubLogger;
  /** SignalR's minimum log level passed to `logger`. @default LogLevel.Warning */
  readonly logLevel?: LogLevel;
  /** The hub protocol, e.g. a MessagePack protocol instance. @default SignalR's JSON protocol */
  readonly protocol?: IHubProtocol;
  /** Restrict transports (e.g. `HttpTransportType.WebSockets`). @default SignalR's choice */
  readonly transport?: HttpTransportType;
  /** Skip negotiate (WebSockets only; no connection id, no stateful reconnect). @default false */
  readonly skipNegotiation?: boolean;
  /** Extra HTTP headers on negotiate and (in Node) the socket. @default none */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A hub's events: event name → the io-ts codec of its payload. */
export type HubEventCodecs = Readonly<Record<string, t.Mixed>>;
/** Event name → decoded payload type of a {@link HubEventCodecs} map. */
export type HubEventPayloads<Events extends HubEventCodecs> = { [K in keyof Events]: t.TypeOf<Events[K]> };
