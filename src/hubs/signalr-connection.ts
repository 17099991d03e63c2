/**
 * How a hub client's SignalR connection is built and what it takes from its environment: the
 * connection options, SignalR's logger (redacted), the browser's `online` event. Internal.
 */
import { HubConnectionBuilder, LogLevel, type HubConnection, type IHttpConnectionOptions, type ILogger } from '@microsoft/signalr';
import { Observable } from 'rxjs';
import { redactText } from '../core/redact.js';
import type { HubClientOptions, HubLogger } from './hub-client-options.js';
import type { HubTransport } from './hub-transport.js';

/**
 * The `HubConnection` for `options` over `transport` (its HTTP client, WebSocket and token guard):
 * protocol, transport, stateful reconnect (unless negotiate is skipped), timeouts, headers.
 * Handlers are the caller's.
 */
export function buildConnection(options: HubClientOptions, transport: HubTransport, logger: ILogger): HubConnection {
  const o = options;
  // `WebSocket` and `EventSource` are read by SignalR's HttpConnection although its typings no longer list them.
  const connectionOptions: IHttpConnectionOptions & { WebSocket: unknown; EventSource: unknown } = {
    accessTokenFactory: transport.tokenFactory(o.accessTokenFactory),
    httpClient: transport.httpClient,
    WebSocket: transport.webSocket,
    EventSource: transport.eventSource,
    ...(o.transport !== undefined ? { transport: o.transport } : {}),
    ...(o.skipNegotiation !== undefined ? { skipNegotiation: o.skipNegotiation } : {}),
    ...(o.headers !== undefined ? { headers: { ...o.headers } } : {}),
  };
  const builder = new HubConnectionBuilder().withUrl(o.url, connectionOptions).configureLogging(logger);
  if (o.protocol) builder.withHubProtocol(o.protocol);
  if ((o.statefulReconnect ?? true) && o.skipNegotiation !== true) builder.withStatefulReconnect();
  if (o.serverTimeoutMs !== undefined) builder.withServerTimeout(o.serverTimeoutMs);
  if (o.keepAliveIntervalMs !== undefined) builder.withKeepAliveInterval(o.keepAliveIntervalMs);
  return builder.build();
}

/** The browser's `online` event, where there is a `window` (undefined elsewhere). */
export function browserOnline$(): Observable<unknown> | undefined {
  const target = (globalThis as { window?: { addEventListener?: unknown } }).window;
  if (!target || typeof target.addEventListener !== 'function') return undefined;
  return new Observable<unknown>((subscriber) => {
    const w = target as unknown as {
      addEventListener(n: string, f: () => void): void;
      removeEventListener(n: string, f: () => void): void;
    };
    const handler = (): void => subscriber.next(undefined);
    w.addEventListener('online', handler);
    return () => w.removeEventListener('online', handler);
  });
}

/** SignalR's log lines from `minimum` up, redacted, to `logger` (`signalr: …`). */
export function signalrLogger(logger: HubLogger | undefined, minimum: LogLevel): ILogger {
  return {
    log(level: LogLevel, message: string) {
      if (!logger || level < minimum || level === LogLevel.None) return;
      const text = redactText(message);
      const mapped =
        level >= LogLevel.Error ? 'error' : level >= LogLevel.Warning ? 'warn' : level >= LogLevel.Information ? 'info' : 'debug';
      logger(mapped, `signalr: ${text}`);
    },
  };
}
