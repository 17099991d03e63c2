import * as t from 'io-ts';
import type { Observable } from 'rxjs';
import {
  AddParticipantRequest,
  ConversationDto,
  ConversationListItemDto,
  ConversationParticipantDto,
  CreateConversationRequest,
  UpdateConversationRequest,
} from '../codecs/conversations.js';
import { CursorPaginatedResult } from '../codecs/pagination.js';
import type { HttpTransport } from './http-transport.js';
import { cursorPageSource, paginate, paginateItems, type PaginateOptions } from './paginate.js';
import {
  assertBody,
  assertId,
  assertNonEmptyString,
  assertOptionalCursor,
  assertOptionalInteger,
  assertOptionalObject,
} from '../core/validate.js';

const ConversationPage = CursorPaginatedResult(ConversationListItemDto);
const ConversationList = t.array(ConversationListItemDto, 'ConversationListItemDto[]');
const ParticipantList = t.array(ConversationParticipantDto, 'ConversationParticipantDto[]');

/** Parameters of `conversations.list`. */
export interface ListConversationsParams {
  /** Page size. @default the server's (20) */
  readonly limit?: number;
  /** The opaque `nextCursor` of the previous page, exactly as received (never a number). @default the first page */
  readonly cursor?: string | null;
}

/**
 * Conversations; every call needs the JWT. Each method validates its arguments synchronously
 * (throwing an `InvalidArgumentError`/`ArgumentRangeError` naming the argument) and returns a
 * cold Observable that sends the request on subscribe, emits once and completes (void calls emit
 * `undefined`), or errors with a `ChatApiError`.
 *
 * @example
 * ```ts
 * client.conversations.list({ limit: 20 }).subscribe((page) => render(page.items));
 * ```
 */
export class ConversationApi {
  constructor(private readonly http: HttpTransport) {}

  /**
   * One page of the conversation list (pinned first, then by last message): `GET /api/conversations?limit=&cursor=`.
   *
   * @example
   * ```ts
   * client.conversations.list({ limit: 20, cursor: page.nextCursor }).subscribe();
   * ```
   */
  list(params: ListConversationsParams = {}): Observable<CursorPaginatedResult<ConversationListItemDto>> {
    assertOptionalObject('params', params);
    assertOptionalInteger('params.limit', params.limit);
    assertOptionalCursor('params.cursor', params.cursor);
    return this.http.request({
      ...this.http.route('conversations.list'),
      query: { limit: params.limit, cursor: params.cursor },
      auth: true,
      codec: ConversationPage,
    });
  }

  /**
   * Pages of the conversation list: all of them in order, or (with `loadMore$`) the first page
   * and then one more per signal, for infinite scroll. See {@link paginate}.
   *
   * @example
   * ```ts
   * client.conversations.listPages({ limit: 20 }, { loadMore$: scrolledToEnd$ }).subscribe(appendPage);
   * ```
   */
  listPages(
    params: ListConversationsParams = {},
    options: PaginateOptions = {},
  ): Observable<CursorPaginatedResult<ConversationListItemDto>> {
    assertOptionalObject('params', params);
    assertOptionalInteger('params.limit', params.limit);
    assertOptionalCursor('params.cursor', params.cursor);
    const { limit } = params;
    const source = cursorPageSource(
      (cursor) => this.list({ ...(limit !== undefined ? { limit } : {}), cursor: cursor ?? null }),
      params.cursor ?? undefined,
    );
    return paginate(source, options);
  }

  /**
   * Every conversation, one by one, fetching the next page only when the previous page's items
   * were delivered (`take(n)` stops fetching). Completes after the last one.
   *
   * @example
   * ```ts
   * client.conversations.listAll({ limit: 50 }).pipe(filter((c) => c.unreadCount > 0), take(5)).subscribe();
   * ```
   */
  listAll(params: { readonly limit?: number } = {}): Observable<ConversationListItemDto> {
    assertOptionalObject('params', params);
    assertOptionalInteger('params.limit', params.limit);
    const { limit } = params;
    return paginateItems(cursorPageSource((cursor) => this.list({ ...(limit !== undefined ? { limit } : {}), cursor: cursor ?? null })));
  }

  /**
   * Creates a conversation (`Group`, `OneToOne` or `Self`): `POST /api/conversations`.
   *
   * @example
   * ```ts
   * client.conversations.create({ type: 'Group', name: 'Team', participantIds: ['u1', 'u2'] }).subscribe();
   * ```
   */
  create(request: CreateConversationRequest): Observable<ConversationDto> {
    assertBody('request', CreateConversationRequest, request);
    return this.http.request({ ...this.http.route('conversations.create'), body: request, auth: true, codec: ConversationDto });
  }

  /**
   * Searches conversations by name or participant name: `GET /api/conversations/search?q=&limit=`.
   *
   * @example
   * ```ts
   * client.conversations.search('team', 10).subscribe();
   * ```
   */
  search(query: string, limit?: number): Observable<ConversationListItemDto[]> {
    assertNonEmptyString('query', query);
    assertOptionalInteger('limit', limit);
    return this.http.request({
      ...this.http.route('conversations.search'),
      query: { q: query, limit },
      auth: true,
      codec: ConversationList,
    });
  }

  /**
   * One conversation with its members: `GET /api/conversations/{id}`.
   *
   * @example
   * ```ts
   * client.conversations.getById(id).subscribe((c) => c.participants);
   * ```
   */
  getById(id: string): Observable<ConversationDto> {
    assertId('id', id);
    return this.http.request({ ...this.http.route('conversations.getById', { id }), auth: true, codec: ConversationDto });
  }

  /**
   * Renames a group or changes its avatar: `PUT /api/conversations/{id}`.
   *
   * @example
   * ```ts
   * client.conversations.update(id, { name: 'New name' }).subscribe();
   * ```
   */
  update(id: string, request: UpdateConversationRequest): Observable<ConversationDto> {
    assertId('id', id);
    assertBody('request', UpdateConversationRequest, request);
    return this.http.request({ ...this.http.route('conversations.update', { id }), body: request, auth: true, codec: ConversationDto });
  }

  /**
   * Leaves a conversation: `POST /api/conversations/{id}/leave`. Emits `undefined`, completes.
   *
   * @example
   * ```ts
   * client.conversations.leave(id).subscribe();
   * ```
   */
  leave(id: string): Observable<void> {
    assertId('id', id);
    return this.http.request({ ...this.http.route('conversations.leave', { id }), auth: true, response: 'void' });
  }

  /**
   * The one-to-one conversation with another participant, or `null` when there is none yet
   * (HTTP 204): `GET /api/conversations/one-to-one/{otherId}`.
   *
   * @example
   * ```ts
   * client.conversations.findOneToOne(otherId).pipe(
   *   switchMap((c) => c ? of(c) : client.conversations.create({ type: 'OneToOne', participantIds: [otherId] })),
   * );
   * ```
   */
  findOneToOne(otherParticipantId: string): Observable<ConversationDto | null> {
    assertId('otherParticipantId', otherParticipantId);
    return this.http.request({
      ...this.http.route('conversations.findOneToOne', { otherParticipantId }),
      auth: true,
      codec: ConversationDto,
      response: 'nullOn204',
    });
  }

  /**
   * Adds a participant: `POST /api/conversations/{id}/participants` with
   * `{ participantId, canViewHistory }` (`canViewHistory` defaults to true on the server).
   * Emits `undefined`, completes.
   *
   * @example
   * ```ts
   * client.conversations.addParticipant(id, { participantId: 'u9', canViewHistory: false }).subscribe();
   * ```
   */
  addParticipant(conversationId: string, request: AddParticipantRequest): Observable<void> {
    assertId('conversationId', conversationId);
    assertBody('request', AddParticipantRequest, request);
    assertId('request.participantId', request.participantId);
    return this.http.request({
      ...this.http.route('conversations.addParticipant', { id: conversationId }),
      body: request,
      auth: true,
      response: 'void',
    });
  }

  /**
   * Removes a participant: `DELETE /api/conversations/{id}/participants/{pid}`. Emits `undefined`.
   *
   * @example
   * ```ts
   * client.conversations.removeParticipant(id, 'u9').subscribe();
   * ```
   */
  removeParticipant(conversationId: string, participantId: string): Observable<void> {
    assertId('conversationId', conversationId);
    assertId('participantId', participantId);
    return this.http.request({
      ...this.http.route('conversations.removeParticipant', { id: conversationId, participantId }),
      auth: true,
      response: 'void',
    });
  }

  /**
   * Every member, including those who left (`isActive: false`): `GET /api/conversations/{id}/participants`.
   *
   * @example
   * ```ts
   * client.conversations.getParticipants(id).pipe(map((all) => all.filter((m) => m.isActive)));
   * ```
   */
  getParticipants(conversationId: string): Observable<ConversationParticipantDto[]> {
    assertId('conversationId', conversationId);
    return this.http.request({
      ...this.http.route('conversations.getParticipants', { id: conversationId }),
      auth: true,
      codec: ParticipantList,
    });
  }

  /**
   * Pins a conversation for the current user: `POST /api/conversations/{id}/pin`. Emits `undefined`.
   *
   * @example
   * ```ts
   * client.conversations.pin(id).subscribe();
   * ```
   */
  pin(id: string): Observable<void> {
    assertId('id', id);
    return this.http.request({ ...this.http.route('conversations.pin', { id }), auth: true, response: 'void' });
  }

  /**
   * Unpins a conversation: `DELETE /api/conversations/{id}/pin`. Emits `undefined`.
   *
   * @example
   * ```ts
   * client.conversations.unpin(id).subscribe();
   * ```
   */
  unpin(id: string): Observable<void> {
    assertId('id', id);
    return this.http.request({ ...this.http.route('conversations.unpin', { id }), auth: true, response: 'void' });
  }

  /**
   * Marks the conversation read up to `messageId`: `POST /api/conversations/{id}/read` with
   * `{ messageId }`. Emits `undefined`.
   *
   * @example
   * ```ts
   * client.conversations.markAsRead(id, lastMessage.id).subscribe();
   * ```
   */
  markAsRead(id: string, messageId: string): Observable<void> {
    assertId('id', id);
    assertId('messageId', messageId);
    return this.http.request({
      ...this.http.route('conversations.markAsRead', { id }),
      body: { messageId },
      auth: true,
      response: 'void',
    });
  }

  /**
   * Marks the conversation unread: `POST /api/conversations/{id}/unread`. Emits `undefined`.
   *
   * @example
   * ```ts
   * client.conversations.markAsUnread(id).subscribe();
   * ```
   */
  markAsUnread(id: string): Observable<void> {
    assertId('id', id);
    return this.http.request({ ...this.http.route('conversations.markAsUnread', { id }), auth: true, response: 'void' });
  }
}
