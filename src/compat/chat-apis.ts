/**
 * The seed SDK's `AuthApi`, `ParticipantApi`, `ConversationApi` and `MessageApi`: the reactive
 * REST groups, each call a Promise. Every method is `async`: an argument the reactive client
 * refuses (an `InvalidArgumentError`) rejects; a failed request rejects with a `ChatApiError`.
 */
import type {
  AuthApi as ReactiveAuthApi,
  ConversationApi as ReactiveConversationApi,
  MessageApi as ReactiveMessageApi,
  ParticipantApi as ReactiveParticipantApi,
} from '../http/index.js';
import { definedOnly, toVoidPromise } from './promise.js';
import { SeedView } from './seed-view.js';
import { seedShapes as S } from './to-seed.js';
import { consoleLogger } from './typed-event-emitter.js';
import type { CursorPaginatedResult, JsonObject } from './types-common.js';
import type {
  AddParticipantRequest,
  AuthResponse,
  ConversationDto,
  ConversationListItemDto,
  ConversationParticipantDto,
  CreateConversationRequest,
  CreateOrUpdateParticipantRequest,
  DeleteMessageResponse,
  EditMessageRequest,
  GetHistoryParams,
  ListConversationsParams,
  LoginRequest,
  MessageDto,
  ParticipantDto,
  SendMessageRequest,
  UpdateConversationRequest,
} from './types-rest.js';

/**
 * `client.auth`: logins (no JWT needed). A successful login stores the token for every later
 * request and hub connection and sets `client.currentUser`.
 *
 * @example
 * ```ts
 * const { token, user } = await client.auth.loginWithGoogle(googleIdToken);
 * console.log(client.currentUser?.fullName);
 * ```
 */
export class AuthApi {
  /**
   * @param rx - the reactive group this one calls (`createChatClient(…).auth`).
   * @param view - brings its results to the seed's types. @default one that warns on the console
   */
  constructor(
    private readonly rx: ReactiveAuthApi,
    private readonly view: SeedView = new SeedView(consoleLogger),
  ) {}

  /** Logs in with a Google ID token. */
  loginWithGoogle(idToken: string): Promise<AuthResponse> {
    return this.view.promise(S.AuthResponse, () => this.rx.loginWithGoogle(idToken));
  }

  /** Logs in with a DS Account token. */
  loginWithDsAccount(token: string): Promise<AuthResponse> {
    return this.view.promise(S.AuthResponse, () => this.rx.loginWithDsAccount(token));
  }

  /** Logs in a development account (its JWT has `role=dev`). */
  loginWithDev(username: string, password: string): Promise<AuthResponse> {
    return this.view.promise(S.AuthResponse, () => this.rx.loginWithDev(username, password));
  }

  /** Logs in with a provider named at run time. */
  login(provider: string, body: LoginRequest | JsonObject): Promise<AuthResponse> {
    return this.view.promise(S.AuthResponse, () => this.rx.login(provider, body));
  }
}

/**
 * `client.participants`: users and bots (JWT required).
 *
 * @example
 * ```ts
 * const participants = await client.participants.getBatch(['id-1', 'id-2']);
 * ```
 */
export class ParticipantApi {
  /**
   * @param rx - the reactive group this one calls.
   * @param view - brings its results to the seed's types. @default one that warns on the console
   */
  constructor(
    private readonly rx: ReactiveParticipantApi,
    private readonly view: SeedView = new SeedView(consoleLogger),
  ) {}

  /** Creates or updates a participant (upsert by id). */
  createOrUpdate(request: CreateOrUpdateParticipantRequest): Promise<ParticipantDto> {
    return this.view.promise(S.ParticipantDto, () => this.rx.createOrUpdate(request));
  }

  /** One participant by id. */
  getById(id: string): Promise<ParticipantDto> {
    return this.view.promise(S.ParticipantDto, () => this.rx.getById(id));
  }

  /** One participant by unique name. */
  getByUniqueName(uniqueName: string): Promise<ParticipantDto> {
    return this.view.promise(S.ParticipantDto, () => this.rx.getByUniqueName(uniqueName));
  }

  /** Several participants in one request; unknown ids are left out. */
  getBatch(ids: readonly string[]): Promise<ParticipantDto[]> {
    return this.view.promise(S.ParticipantDtos, () => this.rx.getBatch(ids));
  }
}

/**
 * `client.conversations` (JWT required). Cursors are opaque strings: pass `nextCursor` on as it
 * came (a numeric cursor is refused).
 *
 * @example
 * ```ts
 * const page = await client.conversations.list({ limit: 20 });
 * if (page.hasMore) await client.conversations.list({ limit: 20, cursor: page.nextCursor! });
 * ```
 */
export class ConversationApi {
  /**
   * @param rx - the reactive group this one calls.
   * @param view - brings its results to the seed's types. @default one that warns on the console
   */
  constructor(
    private readonly rx: ReactiveConversationApi,
    private readonly view: SeedView = new SeedView(consoleLogger),
  ) {}

  /** One page of the user's conversations: pinned first, then by last message. */
  list(params?: ListConversationsParams): Promise<CursorPaginatedResult<ConversationListItemDto>> {
    return this.view.promise(S.ConversationPage, () => this.rx.list(definedOnly(params)));
  }

  /** Creates a `Group`, `OneToOne` or `Self` conversation. */
  create(request: CreateConversationRequest): Promise<ConversationDto> {
    return this.view.promise(S.ConversationDto, () => this.rx.create(request));
  }

  /** Searches by conversation or participant name. */
  search(query: string, limit?: number): Promise<ConversationListItemDto[]> {
    return this.view.promise(S.ConversationListItemDtos, () => this.rx.search(query, limit));
  }

  /** One conversation. */
  getById(id: string): Promise<ConversationDto> {
    return this.view.promise(S.ConversationDto, () => this.rx.getById(id));
  }

  /** Renames a group or changes its avatar. */
  update(id: string, request: UpdateConversationRequest): Promise<ConversationDto> {
    return this.view.promise(S.ConversationDto, () => this.rx.update(id, request));
  }

  /** Leaves the conversation. */
  leave(id: string): Promise<void> {
    return toVoidPromise(() => this.rx.leave(id));
  }

  /** The OneToOne conversation with another participant, or `null` (HTTP 204) when there is none. */
  findOneToOne(otherParticipantId: string): Promise<ConversationDto | null> {
    return this.view.promise(S.ConversationDtoOrNull, () => this.rx.findOneToOne(otherParticipantId));
  }

  /** Adds a participant (`canViewHistory` defaults to true on the server). */
  addParticipant(conversationId: string, request: AddParticipantRequest): Promise<void> {
    return toVoidPromise(() => this.rx.addParticipant(conversationId, request));
  }

  /** Removes a participant. */
  removeParticipant(conversationId: string, participantId: string): Promise<void> {
    return toVoidPromise(() => this.rx.removeParticipant(conversationId, participantId));
  }

  /** Every participant, those who left included. */
  getParticipants(conversationId: string): Promise<ConversationParticipantDto[]> {
    return this.view.promise(S.ConversationParticipantDtos, () => this.rx.getParticipants(conversationId));
  }

  /** Pins the conversation. */
  pin(id: string): Promise<void> {
    return toVoidPromise(() => this.rx.pin(id));
  }

  /** Unpins the conversation. */
  unpin(id: string): Promise<void> {
    return toVoidPromise(() => this.rx.unpin(id));
  }

  /** Marks the conversation read up to `messageId`. */
  markAsRead(id: string, messageId: string): Promise<void> {
    return toVoidPromise(() => this.rx.markAsRead(id, messageId));
  }

  /** Marks the conversation unread. */
  markAsUnread(id: string): Promise<void> {
    return toVoidPromise(() => this.rx.markAsUnread(id));
  }
}

/**
 * `client.messages` (JWT required). REST edits take `{ blocks, mentions }` (the hub's
 * `editMessage` takes `{ messageId, newBlocks, newMentions }`).
 *
 * @example
 * ```ts
 * const msg = await client.messages.send(convId, {
 *   blocks: [{ $type: 'text', format: 'Plain', content: 'Xin chào!', plainText: 'Xin chào!' }],
 * });
 * ```
 */
export class MessageApi {
  /**
   * @param rx - the reactive group this one calls.
   * @param view - brings its results to the seed's types. @default one that warns on the console
   */
  constructor(
    private readonly rx: ReactiveMessageApi,
    private readonly view: SeedView = new SeedView(consoleLogger),
  ) {}

  /** Sends a message (201 with the whole `MessageDto`). */
  send(conversationId: string, request: SendMessageRequest): Promise<MessageDto> {
    return this.view.promise(S.MessageDto, () => this.rx.send(conversationId, request));
  }

  /** One page of history: `direction` `'older'` (default) or `'newer'` from `cursor`. */
  getHistory(conversationId: string, params?: GetHistoryParams): Promise<CursorPaginatedResult<MessageDto>> {
    return this.view.promise(S.MessagePage, () => this.rx.getHistory(conversationId, definedOnly(params)));
  }

  /** Full-text search in a conversation. */
  search(conversationId: string, query: string, limit?: number): Promise<MessageDto[]> {
    return this.view.promise(S.MessageDtos, () => this.rx.search(conversationId, query, limit));
  }

  /** One message. */
  getById(messageId: string): Promise<MessageDto> {
    return this.view.promise(S.MessageDto, () => this.rx.getById(messageId));
  }

  /** Edits a message (sender only). */
  edit(messageId: string, request: EditMessageRequest): Promise<MessageDto> {
    return this.view.promise(S.MessageDto, () => this.rx.edit(messageId, request));
  }

  /** Soft-deletes a message; resolves with `{ messageId, deletedAt }`. */
  delete(messageId: string): Promise<DeleteMessageResponse> {
    return this.view.promise(S.DeleteMessageResponse, () => this.rx.delete(messageId));
  }

  /** Recovers a deleted message (within 10 minutes). */
  recover(messageId: string): Promise<void> {
    return toVoidPromise(() => this.rx.recover(messageId));
  }

  /** Adds a reaction (409 when already there); the emoji is URL-encoded. */
  addReaction(messageId: string, emoji: string): Promise<void> {
    return toVoidPromise(() => this.rx.addReaction(messageId, emoji));
  }

  /** Removes a reaction. */
  removeReaction(messageId: string, emoji: string): Promise<void> {
    return toVoidPromise(() => this.rx.removeReaction(messageId, emoji));
  }
}
