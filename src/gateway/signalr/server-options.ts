import type { HubUser, SignalRLogger, SignalRServerOptions } from './hub-types.js';
import { TRANSPORT_KINDS, type TransportKind } from './transport.js';

/** {@link SignalRServerOptions} with every default applied. */
export interface ResolvedServerOptions {
  readonly authenticate: (token: string | undefined) => HubUser | null;
  readonly keepAliveIntervalMs: number;
  readonly clientTimeoutMs: number;
  readonly handshakeTimeoutMs: number;
  readonly negotiateTimeoutMs: number;
  readonly longPollTimeoutMs: number;
  readonly transports: ReadonlySet<TransportKind>;
  readonly statefulReconnect: boolean;
  readonly statefulReconnectBufferBytes: number;
  readonly disconnectGraceMs: number;
  readonly maximumReceiveMessageSize: number;
  readonly enableDetailedErrors: boolean;
  readonly negotiateRedirect: SignalRServerOptions['negotiateRedirect'];
  /** Never throws, even when the user's logger does. */
  readonly log: SignalRLogger;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`SignalRServerOptions.${name} must be a positive number, got ${value}.`);
  return value;
}

function transportsOf(transports: readonly TransportKind[] | undefined): ReadonlySet<TransportKind> {
  if (transports === undefined) return new Set(TRANSPORT_KINDS);
  const unknown = transports.filter((kind) => !TRANSPORT_KINDS.includes(kind));
  if (transports.length === 0 || unknown.length > 0)
    throw new RangeError(
      `SignalRServerOptions.transports must name some of ${TRANSPORT_KINDS.join(', ')}, got ${JSON.stringify(transports)}.`,
    );
  return new Set(transports);
}

/** Applies the defaults (the ASP.NET Core ones) and validates the numbers and transports. */
export function resolveServerOptions(options: SignalRServerOptions): ResolvedServerOptions {
  const logger = options.logger;
  const log: SignalRLogger = (level, message, data) => {
    if (logger === undefined) return;
    try {
      logger(level, message, data);
    } catch {
      // A failing logger must not break the server.
    }
  };
  return {
    authenticate: options.authenticate,
    keepAliveIntervalMs: positive('keepAliveIntervalMs', options.keepAliveIntervalMs, 15_000),
    clientTimeoutMs: positive('clientTimeoutMs', options.clientTimeoutMs, 30_000),
    handshakeTimeoutMs: positive('handshakeTimeoutMs', options.handshakeTimeoutMs, 15_000),
    negotiateTimeoutMs: positive('negotiateTimeoutMs', options.negotiateTimeoutMs, 15_000),
    longPollTimeoutMs: positive('longPollTimeoutMs', options.longPollTimeoutMs, 90_000),
    transports: transportsOf(options.transports),
    statefulReconnect: options.statefulReconnect ?? true,
    statefulReconnectBufferBytes: positive('statefulReconnectBufferBytes', options.statefulReconnectBufferBytes, 100_000),
    disconnectGraceMs: positive('disconnectGraceMs', options.disconnectGraceMs, 15_000),
    maximumReceiveMessageSize: positive('maximumReceiveMessageSize', options.maximumReceiveMessageSize, 32_768),
    enableDetailedErrors: options.enableDetailedErrors ?? false,
    negotiateRedirect: options.negotiateRedirect,
    log,
  };
}
