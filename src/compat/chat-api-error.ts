/**
 * The seed SDK's `ChatApiError`: the reactive `ChatApiError` (every REST failure already is one)
 * with the seed's static `fromResponse(response: Response): Promise<ChatApiError>`.
 */
import { type ChatApiErrorInit, ChatApiError as ReactiveChatApiError } from '../http/index.js';
import type { ProblemDetails } from './types-common.js';

/** The reactive class as a plain constructor: its statics are not inherited in the types (`fromResponse` differs). */
const ReactiveBase = ReactiveChatApiError as unknown as new (init: ChatApiErrorInit) => ReactiveChatApiError;

/** The fields of an error, to build another of the same content. */
function initOf(error: ReactiveChatApiError): ChatApiErrorInit {
  return {
    kind: error.kind,
    status: error.status,
    title: error.title,
    detail: error.detail,
    type: error.type,
    errors: error.errors,
    decodeError: error.decodeError,
    body: error.body,
    retryAfterMs: error.retryAfterMs,
    cause: error.cause,
  };
}

/**
 * Every HTTP failure of `chat-client-rx/compat` (and of the reactive client): `status`, `title`,
 * `detail`, `message` (`detail ?? title`) and `name` (`"ChatApiError"`) as in the seed SDK, plus
 * `kind` (`http`, `network`, `timeout`, `aborted`, `decode`, `invalid-response`), `type`,
 * `errors`, `retryAfterMs` and `body`.
 *
 * `err instanceof ChatApiError` is true for every REST error the compat API rejects with — they
 * are the reactive `ChatApiError`s, recognised by {@link ChatApiError.is} — and for the errors
 * built here.
 *
 * @example
 * ```ts
 * try {
 *   await client.messages.addReaction(messageId, '👍');
 * } catch (err) {
 *   if (err instanceof ChatApiError && err.status === 409) showToast('Already reacted');
 * }
 * ```
 */
export class ChatApiError extends ReactiveBase {
  /**
   * @param init - the fields (`kind`, `status`, `title`, `detail`…), or an HTTP status followed by
   * the `title` and `detail` (kind `http`).
   */
  constructor(init: ChatApiErrorInit);
  constructor(status: number, title: string, detail?: string);
  constructor(init: ChatApiErrorInit | number, title = '', detail?: string) {
    super(typeof init === 'number' ? { kind: 'http', status: init, title, detail } : init);
  }

  /** `instanceof ChatApiError`: any reactive `ChatApiError` (subclasses of this class keep the usual check). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class `instanceof` was asked about: this one or a subclass.
    if (this === ChatApiError) return ReactiveChatApiError.is(value);
    // biome-ignore lint/complexity/noThisInStatic: a subclass keeps the ordinary prototype check.
    return Function.prototype[Symbol.hasInstance].call(this, value);
  }

  /**
   * True for a `ChatApiError` (also one made by another copy of the library).
   *
   * @example
   * ```ts
   * if (ChatApiError.is(err) && err.kind === 'network') showOffline();
   * ```
   */
  static is(value: unknown): value is ChatApiError {
    return ReactiveChatApiError.is(value);
  }

  /**
   * Reads a failed `fetch` `Response` (its status, its RFC 7807 or proxy `{ detail }` or text
   * body, and `Retry-After`) into an error, as the seed SDK did internally. A body that cannot be
   * read (already used) is treated as empty.
   *
   * @example
   * ```ts
   * const response = await fetch(url);
   * if (!response.ok) throw await ChatApiError.fromResponse(response);
   * ```
   */
  static async fromResponse(response: Response): Promise<ChatApiError> {
    let text = '';
    try {
      text = await response.text();
    } catch {
      text = '';
    }
    const parsed = ReactiveChatApiError.fromResponse(response.status, text, response.statusText, undefined, {
      headers: response.headers,
    });
    return new ChatApiError(initOf(parsed));
  }

  /**
   * An HTTP error from an RFC 7807 object: `message` is its `detail ?? title`.
   *
   * @example
   * ```ts
   * const error = ChatApiError.fromProblemDetails({ status: 404, title: 'Not Found', detail: 'Conversation not found' });
   * error.message; // "Conversation not found"
   * ```
   */
  static fromProblemDetails(pd: ProblemDetails): ChatApiError {
    return new ChatApiError(initOf(ReactiveChatApiError.fromProblemDetails(pd)));
  }
}
