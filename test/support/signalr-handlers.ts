/**
 * The handlers SignalR really holds on a hub client's connection: its private `_methods` table,
 * read from outside (a test probe, not a member of the production class). 0 before the client
 * built a connection.
 */
export function signalrHandlerCount(hub: object): number {
  const connection = (hub as { connection?: { _methods?: Record<string, unknown[]> } }).connection;
  const methods = connection?._methods;
  if (methods === undefined) return 0;
  return Object.values(methods).reduce((sum, handlers) => sum + handlers.length, 0);
}
