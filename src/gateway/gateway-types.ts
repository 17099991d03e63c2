import type { EchoBotOptions } from './echo-bot.js';
import type { RecordedRequest, TestLoginProfile } from './rest-api.js';
import type { SignalRLogger, TransportKind } from './signalr/index.js';

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
  /** How long a long poll waits for messages before an empty answer (ASP.NET's `LongPolling.PollTimeout`). @default 90000 */
  readonly longPollTimeoutMs?: number;
  /**
   * The hub transports offered at negotiate and served (ASP.NET's `HttpConnectionDispatcherOptions.Transports`);
   * a request over another one is answered 404. @default ['WebSockets', 'ServerSentEvents', 'LongPolling']
   */
  readonly transports?: readonly TransportKind[];
  /** Accepted Google ID tokens (login `google`) → the user they stand for. @default `{}` */
  readonly googleTokens?: Readonly<Record<string, TestLoginProfile>>;
  /** Accepted DS Account tokens (login `dsaccount`) → the user they stand for. @default `{}` */
  readonly dsAccountTokens?: Readonly<Record<string, TestLoginProfile>>;
  /** Password dev logins must give; unset accepts any password. @default undefined */
  readonly devPassword?: string;
  /** Proxy backends: service name → base URL (`/api/proxy/{service}/{path}`). @default `{}` */
  readonly proxyBackends?: Readonly<Record<string, string>>;
  /** The echo bot's timing, or `false` for no bot. @default `{}` */
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
