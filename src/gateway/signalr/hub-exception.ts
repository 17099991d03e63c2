/**
 * An error whose message is meant for the caller.
 *
 * Throw it from a hub method (or from anything the method awaits) to send its message to the
 * client, exactly as ASP.NET Core SignalR does: the client's `invoke()` rejects with
 * `An unexpected error occurred invoking '<method>' on the server. HubException: <message>`.
 * Any other error thrown by a hub method reaches the client only as the generic
 * `An unexpected error occurred invoking '<method>' on the server.` (unless
 * `enableDetailedErrors` is set).
 */
export class HubException extends Error {
  override name = 'HubException';

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}
