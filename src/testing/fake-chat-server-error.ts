import { ChatApiError } from '../http/chat-api-error.js';

/** The statuses a {@link FakeChatServer} refuses with, as the gateway would. */
export type FakeChatServerStatus = 400 | 403 | 404 | 409;

const CODES: Readonly<Record<FakeChatServerStatus, string>> = {
  400: 'VALIDATION_ERROR',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
};

const TITLES: Readonly<Record<FakeChatServerStatus, string>> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
};

/**
 * What a {@link FakeChatServer} throws when the gateway would refuse an operation: a non-member
 * posting, an unknown conversation or message, editing someone else's message, a bad cursor…
 * The fakes turn it into what the real client would deliver: a `ChatApiError` of kind `http`
 * (`FakeHistoryApi`), a `HubError` of kind `ack` with `errorCode` (chat hub methods with an ack),
 * or of kind `invocation` (`joinConversation`, typing). Test drivers such as `server.post` throw it
 * as is: calling a driver the server would refuse is a mistake in the test.
 *
 * @example
 * ```ts
 * expect(() => server.post('general', 'mallory', 'hi')).to.throw(FakeChatServerError);
 * ```
 */
export class FakeChatServerError extends Error {
  /** Always `"FakeChatServerError"`. */
  override readonly name = 'FakeChatServerError' as const;
  /** The HTTP status the gateway answers with. */
  readonly status: FakeChatServerStatus;
  /** The hub ack's `errorCode` for the same failure (`FORBIDDEN`, `NOT_FOUND`…). */
  readonly code: string;

  constructor(status: FakeChatServerStatus, detail: string) {
    super(detail);
    this.status = status;
    this.code = CODES[status];
  }

  /** True for a {@link FakeChatServerError}. */
  static is(error: unknown): error is FakeChatServerError {
    return error instanceof FakeChatServerError;
  }

  /** The `ChatApiError` (kind `http`) a REST call refused this way errors with. */
  toChatApiError(): ChatApiError {
    return ChatApiError.fromProblemDetails({ status: this.status, title: TITLES[this.status], detail: this.message }, this);
  }
}
