import { defer, type Observable, of, switchMap, throwError, timer } from 'rxjs';
import { type CursorPaginatedResult, type HistoryDirection, type MessageDto, SendMessageRequest } from '../codecs/index.js';
import {
  assertBody,
  assertId,
  assertMessageFields,
  assertOneOf,
  assertOptionalCursor,
  assertOptionalInteger,
  assertOptionalObject,
} from '../core/validate.js';
import { ChatApiError } from '../http/chat-api-error.js';
import type { GetHistoryParams } from '../http/message-api.js';
import { FakeChatServerError } from './fake-chat-server-error.js';
import type { FakeChatServer } from './fake-chat-server.js';

/** One request a {@link FakeHistoryApi} received, in the order received. */
export type FakeHistoryRequest =
  | { readonly method: 'getHistory'; readonly conversationId: string; readonly params: GetHistoryParams }
  | { readonly method: 'send'; readonly conversationId: string; readonly request: SendMessageRequest };

const DIRECTIONS: readonly HistoryDirection[] = ['older', 'newer'];

/** The error of a failure injected by `failNext` without one: no response at all. */
function networkError(): ChatApiError {
  return new ChatApiError({
    kind: 'network',
    status: 0,
    title: 'Network Error',
    detail: 'chat-client-rx/testing: failure injected by failNext()',
  });
}

/**
 * The REST messages one participant sees on a {@link FakeChatServer}: `getHistory` and `send` with
 * the signatures of `client.messages`, as cold Observables answered from the server truth, with
 * failure and latency injection and a log of requests. Get it from `server.history(participantId)`.
 *
 * Arguments are checked as the real `MessageApi` does (an `InvalidArgumentError` at once); the
 * server's refusals arrive as a `ChatApiError` of kind `http` (404 unknown conversation, 403 not a
 * member, 400 bad limit or cursor).
 *
 * @example
 * ```ts
 * const history = server.history('alice');
 * history.failNext(1).delay(100);
 * history.getHistory('general', { limit: 20 }).subscribe({ error: (e) => console.log(e.kind) }); // 'network', at 100 ms
 * ```
 */
export class FakeHistoryApi {
  private readonly log: FakeHistoryRequest[] = [];
  private readonly failures: unknown[] = [];
  private latencyMs = 0;

  /** Made by `server.history(participantId)`. */
  constructor(
    private readonly server: FakeChatServer,
    /** Whose history this is. */
    readonly participantId: string,
  ) {}

  /** Every request received, oldest first (a copy); a request counts when subscribed to. */
  get requests(): readonly FakeHistoryRequest[] {
    return [...this.log];
  }

  /**
   * Makes the next `count` requests fail with `error`, after the latency, without reaching the
   * server (a failed `send` posts nothing).
   *
   * @param error - @default a `ChatApiError` of kind `network` (status 0), a new one per failure
   */
  failNext(count = 1, error?: unknown): this {
    for (let i = 0; i < count; i++) this.failures.push(error ?? networkError());
    return this;
  }

  /** Every later answer (value or error) arrives `ms` of scheduler time after the request; the server acts at once. @default 0 */
  delay(ms: number): this {
    this.latencyMs = ms;
    return this;
  }

  /**
   * One page of history, paged exactly as the embedded gateway does: `direction: 'older'` (the
   * default) gives the newest `limit` (default 50) messages below the cursor, NEWEST FIRST;
   * `'newer'` the oldest `limit` above it, oldest first. `nextCursor` (opaque, null on the last
   * page) continues where the page ended. Emits once and completes (cold).
   *
   * @throws InvalidArgumentError at once for a bad id or params, as `client.messages.getHistory`.
   */
  getHistory(conversationId: string, params: GetHistoryParams = {}): Observable<CursorPaginatedResult<MessageDto>> {
    assertId('conversationId', conversationId);
    assertOptionalObject('params', params);
    assertOptionalInteger('params.limit', params.limit);
    assertOptionalCursor('params.cursor', params.cursor);
    assertOneOf('params.direction', params.direction, DIRECTIONS);
    return this.answer({ method: 'getHistory', conversationId, params: { ...params } }, () =>
      this.server.historyPage(this.participantId, conversationId, params),
    );
  }

  /**
   * Sends a message over REST: posts it on the server (broadcast to the joined hubs, idempotent by
   * `clientMessageId`) and emits the `MessageDto` once (cold).
   *
   * @throws InvalidArgumentError at once for a bad id or request, as `client.messages.send`.
   */
  send(conversationId: string, request: SendMessageRequest): Observable<MessageDto> {
    assertId('conversationId', conversationId);
    assertBody('request', SendMessageRequest, request);
    assertMessageFields('request', request);
    return this.answer({ method: 'send', conversationId, request }, () =>
      this.server.post(conversationId, this.participantId, request.blocks, request),
    );
  }

  /** On subscribe: logs the request, fails it if asked to, else lets the server answer; delivers after the latency. */
  private answer<T>(entry: FakeHistoryRequest, serve: () => T): Observable<T> {
    return defer(() => {
      this.log.push(entry);
      let result$: Observable<T>;
      if (this.failures.length > 0) {
        const error = this.failures.shift();
        result$ = throwError(() => error);
      } else {
        try {
          result$ = of(serve());
        } catch (error) {
          result$ = throwError(() => (FakeChatServerError.is(error) ? error.toChatApiError() : error));
        }
      }
      return this.latencyMs > 0 ? timer(this.latencyMs, this.server.scheduler).pipe(switchMap(() => result$)) : result$;
    });
  }
}
