import type { DecodeError } from '../codecs/decode-error.js';

/** What went wrong on a hub. */
export type HubErrorKind =
  /** An ack came back with `success: false` (`errorCode`, `errorMessage`). */
  | 'ack'
  /** The server failed the invocation (a HubException or an unexpected error; the text is ASP.NET's). */
  | 'invocation'
  /**
   * No connection for the invocation: it waited longer than `invocationTimeoutMs`, was made before
   * any `connect()`, or the connection closed while it was under way (outcome unknown).
   */
  | 'not-connected'
  /** An event payload or an ack did not match its codec (`decodeError` has the paths, `raw` the value). */
  | 'decode'
  /** Re-joining a tracked conversation after a reconnect failed; it is no longer tracked. */
  | 'rejoin'
  /** Re-subscribing presence after a reconnect failed for some ids. */
  | 'resubscribe'
  /**
   * The server refused the token: HTTP 401 at negotiate or at the WebSocket upgrade (`status` 401),
   * with no new token to be had (no `refreshToken`, or it gave `null`), or refreshed tokens
   * refused too often. Also the `reason` of a `reconnecting` state right after such a 401.
   */
  | 'auth'
  /**
   * Connecting failed: for good (every retry used up), for one attempt (it took longer than
   * `connectTimeoutMs`, or another origin answered 401 to a request the token was kept from —
   * `status` 401), or `disconnect()` ended a pending `connect()`; at once, without retries, when no
   * transport the server offers can carry the client (`fatal`).
   */
  | 'connection';

/** Details of a {@link HubError}. */
export interface HubErrorDetails {
  /** Which hub: `chat`, `notifications`, or the hub URL of a standalone client. */
  readonly hub: string;
  /** The HTTP status that decided the error (401 at negotiate or at the WebSocket upgrade). */
  readonly status?: number;
  /** The hub method invoked (`SendMessage`, `JoinConversation`…), when an invocation failed. */
  readonly method?: string;
  /** The event whose payload failed decoding (kind `decode`). */
  readonly event?: string;
  /** The server's `errorCode` from an ack with `success: false` (kind `ack`). */
  readonly errorCode?: string;
  /** The conversation a re-join failed for (kind `rejoin`). */
  readonly conversationId?: string;
  /** The ids whose presence could not be subscribed again (kind `resubscribe`). */
  readonly participantIds?: readonly string[];
  /** For kind `decode`: the failing paths of the payload or result. */
  readonly decodeError?: DecodeError;
  /** The value as received: the payload or result that failed decoding, or the refusing ack. */
  readonly raw?: unknown;
  /** The underlying error (SignalR's, or the failed invocation's). */
  readonly cause?: unknown;
  /** True when retrying cannot help (see {@link HubError.fatal}). */
  readonly fatal?: boolean;
}

/**
 * The one error type of the hub clients. `kind` says what failed; the fields carry the data
 * (never parse `message`). Invocations error with it; `errors$` emits the ones that could not
 * be delivered to a caller (bad payloads, failed re-joins).
 *
 * Acks with `success: false` become a `HubError` of kind `ack` carrying `errorCode` and the
 * server's `errorMessage` as `message` — chosen once, so callers handle failure in one place
 * (`catchError`) instead of checking `success` on every value.
 *
 * @example
 * ```ts
 * chat.sendMessage(request).pipe(
 *   catchError((error) => HubError.is(error) && error.kind === 'ack' ? of(markFailed(error.errorCode)) : throwError(() => error)),
 * );
 * ```
 */
export class HubError extends Error {
  /** Always `"HubError"` (what {@link HubError.is} checks across copies of this library). */
  override readonly name = 'HubError' as const;
  /** What failed (see `HubErrorKind`). */
  readonly kind: HubErrorKind;
  /** Which hub: `chat`, `notifications`, or the hub URL of a standalone client. */
  readonly hub: string;
  /** The HTTP status that decided the error (401 at negotiate or at the WebSocket upgrade), if one did. */
  readonly status: number | undefined;
  /** The hub method invoked (`SendMessage`, `JoinConversation`…), when an invocation failed. */
  readonly method: string | undefined;
  /** The event whose payload failed decoding (kind `decode`). */
  readonly event: string | undefined;
  /** The server's `errorCode` from an ack with `success: false` (kind `ack`). */
  readonly errorCode: string | undefined;
  /** The conversation a re-join failed for (kind `rejoin`). */
  readonly conversationId: string | undefined;
  /** The ids whose presence could not be subscribed again (kind `resubscribe`). */
  readonly participantIds: readonly string[] | undefined;
  /** For kind `decode`: the failing paths of the payload or result. */
  readonly decodeError: DecodeError | undefined;
  /** The value as received: the payload or result that failed decoding, or the refusing ack. */
  readonly raw: unknown;
  /** The underlying error (SignalR's, or the failed invocation's), if any. */
  override readonly cause: unknown;
  /**
   * True when the same error would come back on every attempt, so the hub client gave up at once:
   * no transport the server offers can carry the client (`hubs.transport` excludes them, or the
   * transport cannot carry `hubs.protocol` — Server-Sent Events are text-only, MessagePack binary).
   */
  readonly fatal: boolean;

  constructor(kind: HubErrorKind, message: string, details: HubErrorDetails) {
    super(message);
    this.kind = kind;
    this.hub = details.hub;
    this.status = details.status;
    this.method = details.method;
    this.event = details.event;
    this.errorCode = details.errorCode;
    this.conversationId = details.conversationId;
    this.participantIds = details.participantIds;
    this.decodeError = details.decodeError;
    this.raw = details.raw;
    this.cause = details.cause;
    this.fatal = details.fatal === true;
  }

  /** True for a `HubError` (also one from another copy of this library). */
  static is(error: unknown): error is HubError {
    return error instanceof HubError || (typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'HubError');
  }
}
