/**
 * Telling "no transport of the server can carry this client" from a connection that failed.
 * Internal to the hub clients.
 */

/** SignalR's refusals decided by the client before any transport was tried (errorType, or none). */
const CLIENT_SIDE_REFUSAL = new Set(['DisabledTransportError', 'UnsupportedTransportError']);

/** A SignalR `AggregateErrors` (no `errorType` of its own: recognised by its `innerErrors`). */
function innerErrorsOf(error: unknown): readonly unknown[] | undefined {
  if (!(error instanceof Error)) return undefined;
  const inner = (error as { innerErrors?: unknown }).innerErrors;
  return Array.isArray(inner) ? inner : undefined;
}

/**
 * Why no transport the server offered can be used, when `error` (what `HubConnection.start()`
 * rejected with) says so: every transport of the negotiate answer was refused by the client itself
 * — disabled by `hubs.transport`, not available in this environment, or unable to carry the hub
 * protocol's transfer format (Server-Sent Events are text-only, MessagePack is binary) — and none
 * was tried and failed. Such a start fails the same way every time, so it is not retried.
 * Undefined for anything else (a transport that failed to start, a refused negotiate…).
 *
 * @example
 * ```ts
 * noUsableTransport(aggregate); // "'ServerSentEvents' does not support Binary. 'WebSockets' is disabled by the client. …"
 * ```
 */
export function noUsableTransport(error: unknown): string | undefined {
  // SignalR lists a label (`'WebSockets failed:'`, a string) before each transport's error.
  const inner = innerErrorsOf(error)?.filter((e) => typeof e !== 'string');
  if (inner === undefined || inner.length === 0) return undefined;
  const clientSide = inner.every((e) => {
    if (!(e instanceof Error)) return false;
    const type = (e as { errorType?: unknown }).errorType;
    // SignalR's "'X' does not support Binary." is a plain Error (no errorType).
    return type === undefined
      ? / does not support (Binary|Text)\.$/.test(e.message)
      : typeof type === 'string' && CLIENT_SIDE_REFUSAL.has(type);
  });
  return clientSide ? inner.map((e) => (e as Error).message).join(' ') : undefined;
}
