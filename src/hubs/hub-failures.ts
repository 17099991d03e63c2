/**
 * What a failure of a hub client means: a 401 (decided by HTTP status), an invocation that was
 * never sent, a connection attempt's decisive cause. Internal to the hub clients, except
 * {@link isUnauthorized}.
 */
import { HttpError } from '@microsoft/signalr';
import { messageOf } from '../core/errors.js';
import { HubError } from './hub-error.js';
import type { HubTransport } from './hub-transport.js';
import { noUsableTransport } from './no-usable-transport.js';

const NOT_CONNECTED = /not in the 'Connected' State/i;

/**
 * True when `error` is the server refusing the token with HTTP 401 at negotiate or at the
 * WebSocket upgrade: a `HubError` of kind `auth` with `status` 401 (how the hub clients report
 * it), SignalR's `HttpError` with `statusCode` 401, or SignalR's negotiate failure, which keeps
 * only the text of the `HttpError` it wraps — and that text always ends with the status. A
 * close, whatever its reason says ("Quota of 401 messages…"), is never one.
 *
 * @example
 * ```ts
 * isUnauthorized(new HttpError('Unauthorized', 401)); // true
 * isUnauthorized(new Error("Server returned an error on close: Quota of 401 messages reached")); // false
 * ```
 */
export function isUnauthorized(error: unknown): boolean {
  if (HubError.is(error)) return error.kind === 'auth' && error.status === 401;
  if (error instanceof HttpError) return error.statusCode === 401;
  return isNegotiateFailure(error) && NEGOTIATE_401.test(error.message);
}

const NEGOTIATE_401 = /: Status code '401'$/;

/** SignalR's `FailedToNegotiateWithServerError` (tagged by its `errorType` field). */
function isNegotiateFailure(error: unknown): error is Error {
  return error instanceof Error && (error as { errorType?: unknown }).errorType === 'FailedToNegotiateWithServerError';
}

/**
 * True when the invocation was never sent (the connection was not connected at that instant), so
 * sending it again cannot duplicate it. An invocation cancelled because the connection closed
 * while it was under way is NOT retried: the server may already have run it.
 */
export function isNotConnected(error: unknown): boolean {
  return NOT_CONNECTED.test(messageOf(error));
}

/**
 * The error a failed connection attempt reports: a `HubError` as it is; no usable transport
 * (`fatal`: retrying cannot help); the HTTP 401 recorded by `transport` for this attempt (`auth`,
 * or `connection` when the token was withheld from that origin); else SignalR's own error.
 */
export function attemptFailure(error: unknown, transport: HubTransport, hubName: string, protocolName: string): unknown {
  if (HubError.is(error)) return error;
  const unusable = noUsableTransport(error);
  if (unusable !== undefined) {
    return new HubError(
      'connection',
      `${hubName} hub: no transport the server offers can carry this client (hubs.transport, hubs.protocol '${protocolName}'): ${unusable}`,
      { hub: hubName, cause: error, fatal: true },
    );
  }
  const refusal = transport.refusal;
  if (refusal === undefined) return error;
  if (refusal.tokenWithheld) {
    return new HubError(
      'connection',
      `${hubName} hub: ${refusal.origin} answered 401 to the ${refusal.phase}; the token was not sent there (not the hub's origin, and no accessToken for it in the negotiate answer)`,
      { hub: hubName, status: refusal.status, cause: error },
    );
  }
  return new HubError('auth', `${hubName} hub: the server refused the token (HTTP 401 at the ${refusal.phase})`, {
    hub: hubName,
    status: refusal.status,
    cause: error,
  });
}
