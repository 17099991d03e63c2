/**
 * What a hub connection is doing, tagged by `status`:
 * - `disconnected`: not connected and not trying (before `connect()`, after `disconnect()`).
 * - `connecting`: the first attempt after `connect()` is under way (`attempt` counts from 1).
 * - `connected`: `connectionId` is the server's id for this connection.
 * - `reconnecting`: the connection was lost; attempt `attempt` starts in `nextDelayMs` (0 = now).
 *   `reason` is why the last attempt or connection ended: SignalR's error (a close, a refused
 *   connection), or a `HubError` — kind `auth` with `status` 401 when the token was refused (a
 *   refresh follows), kind `connection` when the attempt took longer than `connectTimeoutMs`.
 * - `failed`: gave up (`error`: a `HubError` of kind `connection` or `auth`); `connect()` starts over.
 */
export type HubConnectionStatus =
  | { readonly status: 'disconnected' }
  | { readonly status: 'connecting'; readonly attempt: number }
  | { readonly status: 'connected'; readonly connectionId: string | null }
  | { readonly status: 'reconnecting'; readonly attempt: number; readonly nextDelayMs: number; readonly reason: Error | undefined }
  | { readonly status: 'failed'; readonly error: Error };

/** A (re)connect that produced a new connection id: the server forgot this client's groups. */
export interface HubSession {
  /** The new connection id. */
  readonly connectionId: string | null;
  /** The one before it, or null on the first connect. */
  readonly previousConnectionId: string | null;
  /** How many sessions this client has had (1 for the first connect). */
  readonly number: number;
}
