import * as t from 'io-ts';
import type { Observable } from 'rxjs';
import { DeleteMessageResponse, EditMessageRequest, MessageDto, SendMessageRequest, type HistoryDirection } from '../codecs/messages.js';
import { CursorPaginatedResult } from '../codecs/pagination.js';
import type { HttpTransport } from './http-transport.js';
import { cursorPageSource, paginate, paginateItems, type PaginateOptions } from './paginate.js';
import {
  assertBody,
  assertId,
  assertMessageFields,
  assertNonEmptyString,
  assertOneOf,
  assertOptionalCursor,
  assertOptionalInteger,
  assertOptionalObject,
  assertSegmentValue,
} from '../core/validate.js';

const MessagePage = CursorPaginatedResult(MessageDto);
const MessageList = t.array(MessageDto, 'MessageDto[]');
const DIRECTIONS: readonly HistoryDirection[] = ['older', 'newer'];

/** Parameters of `messages.getHistory`. */
export interface GetHistoryParams {
  /** Page size. @default the server's */
  readonly limit?: number;
  /** The opaque `nextCursor` of the previous page, exactly as received. @default the newest messages */
  readonly cursor?: string | null;
  /** Page towards older (scrolling up) or newer messages from the cursor. @default 'older' */
  readonly direction?: HistoryDirection;
}

/**
 * Messages; every call needs the JWT. Each method validates its arguments synchronously
 * (throwing an `InvalidArgumentError`/`ArgumentRangeError` naming the argument) and returns a
 * cold Observable that sends the request on subscribe, emits once and completes (void calls emit
 * `undefined`), or errors with a `ChatApiError`.
 *
 * @example
 * ```ts
 * client.messages.send(convId, { blocks: [{ $type: 'text', format: 'Plain', content: 'Hi', plainText: 'Hi' }] })
 *   .subscribe((message) => console.log(message.id));
 * ```
 */
export class MessageApi {
  constructor(private readonly http: HttpTransport) {}

  /**
   * Sends a message: `POST /api/conversations/{id}/messages` (201, the full `MessageDto`).
   *
   * @throws InvalidArgumentError at once for a bad id, a request that does not match
   * `SendMessageRequest`, no blocks (`request.blocks`), a text block over 100,000 characters
   * (`request.blocks[i].content`), a `clientMessageId` that is empty or over 128 characters, or an
   * empty `replyToMessageId`.
   *
   * @example
   * ```ts
   * client.messages.send(convId, { blocks, clientMessageId: uuid }).subscribe();
   * ```
   */
  send(conversationId: string, request: SendMessageRequest): Observable<MessageDto> {
    assertId('conversationId', conversationId);
    assertBody('request', SendMessageRequest, request);
    assertMessageFields('request', request);
    return this.http.request({
      ...this.http.route('messages.send', { conversationId }),
      body: request,
      auth: true,
      codec: MessageDto,
    });
  }

  /**
   * One page of history: `GET /api/conversations/{id}/messages?limit=&cursor=&direction=`.
   *
   * @example
   * ```ts
   * client.messages.getHistory(convId, { limit: 30, cursor: page.nextCursor, direction: 'older' }).subscribe();
   * ```
   */
  getHistory(conversationId: string, params: GetHistoryParams = {}): Observable<CursorPaginatedResult<MessageDto>> {
    assertId('conversationId', conversationId);
    assertHistoryParams(params);
    return this.http.request({
      ...this.http.route('messages.history', { conversationId }),
      query: { limit: params.limit, cursor: params.cursor, direction: params.direction },
      auth: true,
      codec: MessagePage,
    });
  }

  /**
   * Pages of history from `params.cursor` in `params.direction`: all of them, or (with
   * `loadMore$`) the first and then one per signal, e.g. each time the user scrolls to the top.
   * See {@link paginate}.
   *
   * @example
   * ```ts
   * client.messages.historyPages(convId, { limit: 30 }, { loadMore$: scrolledToTop$ }).subscribe(prependPage);
   * ```
   */
  historyPages(
    conversationId: string,
    params: GetHistoryParams = {},
    options: PaginateOptions = {},
  ): Observable<CursorPaginatedResult<MessageDto>> {
    assertId('conversationId', conversationId);
    assertHistoryParams(params);
    const { cursor: first, ...rest } = params;
    return paginate(
      cursorPageSource((cursor) => this.getHistory(conversationId, { ...rest, cursor: cursor ?? null }), first ?? undefined),
      options,
    );
  }

  /**
   * Every message of the history, one by one, in `direction` order, fetching the next page only
   * after the previous page's messages were delivered (`take(n)` stops fetching).
   *
   * @example
   * ```ts
   * client.messages.historyAll(convId, { limit: 100 }).pipe(take(250)).subscribe();
   * ```
   */
  historyAll(conversationId: string, params: Omit<GetHistoryParams, 'cursor'> = {}): Observable<MessageDto> {
    assertId('conversationId', conversationId);
    assertHistoryParams(params);
    return paginateItems(cursorPageSource((cursor) => this.getHistory(conversationId, { ...params, cursor: cursor ?? null })));
  }

  /**
   * Full-text search in one conversation: `GET /api/conversations/{id}/messages/search?q=&limit=`.
   *
   * @example
   * ```ts
   * client.messages.search(convId, 'invoice', 20).subscribe();
   * ```
   */
  search(conversationId: string, query: string, limit?: number): Observable<MessageDto[]> {
    assertId('conversationId', conversationId);
    assertNonEmptyString('query', query);
    assertOptionalInteger('limit', limit);
    return this.http.request({
      ...this.http.route('messages.search', { conversationId }),
      query: { q: query, limit },
      auth: true,
      codec: MessageList,
    });
  }

  /**
   * One message: `GET /api/messages/{id}`.
   *
   * @example
   * ```ts
   * client.messages.getById(messageId).subscribe();
   * ```
   */
  getById(messageId: string): Observable<MessageDto> {
    assertId('messageId', messageId);
    return this.http.request({ ...this.http.route('messages.getById', { id: messageId }), auth: true, codec: MessageDto });
  }

  /**
   * Edits a message (sender only): `PUT /api/messages/{id}` with `{ blocks, mentions }` (the REST
   * names; the hub uses `newBlocks`/`newMentions`).
   *
   * @throws InvalidArgumentError at once for a bad id, a request that does not match
   * `EditMessageRequest`, no blocks, or a text block over 100,000 characters.
   *
   * @example
   * ```ts
   * client.messages.edit(messageId, { blocks, mentions: [] }).subscribe();
   * ```
   */
  edit(messageId: string, request: EditMessageRequest): Observable<MessageDto> {
    assertId('messageId', messageId);
    assertBody('request', EditMessageRequest, request);
    assertMessageFields('request', request);
    return this.http.request({
      ...this.http.route('messages.edit', { id: messageId }),
      body: request,
      auth: true,
      codec: MessageDto,
    });
  }

  /**
   * Soft-deletes a message: `DELETE /api/messages/{id}`; emits `{ messageId, deletedAt }`.
   *
   * @example
   * ```ts
   * client.messages.delete(messageId).subscribe(({ deletedAt }) => console.log(deletedAt));
   * ```
   */
  delete(messageId: string): Observable<DeleteMessageResponse> {
    assertId('messageId', messageId);
    return this.http.request({
      ...this.http.route('messages.delete', { id: messageId }),
      auth: true,
      codec: DeleteMessageResponse,
    });
  }

  /**
   * Restores a deleted message (within 10 minutes of the delete): `POST /api/messages/{id}/recover`.
   * Emits `undefined`.
   *
   * @example
   * ```ts
   * client.messages.recover(messageId).subscribe();
   * ```
   */
  recover(messageId: string): Observable<void> {
    assertId('messageId', messageId);
    return this.http.request({ ...this.http.route('messages.recover', { id: messageId }), auth: true, response: 'void' });
  }

  /**
   * Reacts with an emoji (URL-encoded into the path): `POST /api/messages/{id}/reactions/{emoji}`.
   * Emits `undefined`; errors with status 409 when already reacted with it.
   *
   * @example
   * ```ts
   * client.messages.addReaction(messageId, '👍').subscribe();
   * ```
   */
  addReaction(messageId: string, emoji: string): Observable<void> {
    assertId('messageId', messageId);
    assertSegmentValue('emoji', emoji);
    return this.http.request({
      ...this.http.route('messages.addReaction', { id: messageId, emoji }),
      auth: true,
      response: 'void',
    });
  }

  /**
   * Removes a reaction: `DELETE /api/messages/{id}/reactions/{emoji}`. Emits `undefined`.
   *
   * @example
   * ```ts
   * client.messages.removeReaction(messageId, '👍').subscribe();
   * ```
   */
  removeReaction(messageId: string, emoji: string): Observable<void> {
    assertId('messageId', messageId);
    assertSegmentValue('emoji', emoji);
    return this.http.request({
      ...this.http.route('messages.removeReaction', { id: messageId, emoji }),
      auth: true,
      response: 'void',
    });
  }
}

function assertHistoryParams(params: GetHistoryParams): void {
  assertOptionalObject('params', params);
  assertOptionalInteger('params.limit', params.limit);
  assertOptionalCursor('params.cursor', params.cursor);
  assertOneOf('params.direction', params.direction, DIRECTIONS);
}
