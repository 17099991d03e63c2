import type {
  Block,
  ChatMessageDto,
  ConversationDto,
  ConversationListItemDto,
  ConversationParticipantDto,
  CreateConversationRequest,
  CreateOrUpdateParticipantRequest,
  CursorPaginatedResult,
  MediaReference,
  Mention,
  MessageDto,
  ParticipantDto,
  PresenceStateItem,
} from '../codecs/index.js';
import { activeMemberIds, type ChatContext, type GatewayEventSink, type NewMessage, type StoredMessage } from './chat-records.js';
import { ConversationStore } from './conversation-store.js';
import { DtoMapper, toConversationDto, toMessageDto } from './dto-mapping.js';
import { GatewayError, notFound } from './gateway-error.js';
import { MessageStore } from './message-store.js';
import { ParticipantStore } from './participant-store.js';
import { PresenceStore } from './presence-store.js';
import { ReadMarkers } from './read-markers.js';
import { ServerClock } from './stj-profile.js';
import { UlidFactory } from './ulid.js';

export type { GatewayEventSink, NewMessage, StoredMessage } from './chat-records.js';
export { parseCursor } from './chat-rules.js';
export { GatewayError };

/** Options of {@link ChatService}. */
export interface ChatServiceOptions {
  readonly sink: GatewayEventSink;
  /** The clock (ms since the epoch). */
  readonly now?: () => number;
  /** Called after a user's message is stored and announced (the bot listens here). */
  readonly onUserMessage?: (message: StoredMessage) => void;
}

/**
 * The Chat Gateway's domain, in memory: participants, conversations, messages, reactions, read
 * markers and presence. REST handlers and hub methods both call it, so a message sent either way
 * produces the same events. Every method takes the caller's participant id and enforces the
 * gateway's rules, throwing {@link GatewayError} (rendered as ProblemDetails or a hub error).
 *
 * A facade: each concern lives in its own store (`ParticipantStore`, `PresenceStore`,
 * `ConversationStore`, `MessageStore`, `ReadMarkers`) and DTOs are made in `dto-mapping.ts`.
 */
export class ChatService {
  private readonly ctx: ChatContext;
  private readonly participants: ParticipantStore;
  private readonly presence: PresenceStore;
  private readonly mapper: DtoMapper;
  private readonly conversations: ConversationStore;
  private readonly messages: MessageStore;
  private readonly readMarkers: ReadMarkers;

  constructor(options: ChatServiceOptions) {
    const clock = options.now ?? Date.now;
    const stamps = new ServerClock(clock);
    const ulids = new UlidFactory();
    this.ctx = {
      sink: options.sink,
      clock,
      nowIso: () => stamps.stamp(),
      formatIso: (ms) => stamps.format(ms),
      newId: () => ulids.next(clock()),
    };
    this.participants = new ParticipantStore(this.ctx);
    this.presence = new PresenceStore(this.ctx, this.participants);
    this.mapper = new DtoMapper(this.participants, this.presence, (id) => this.messages.get(id));
    this.conversations = new ConversationStore(this.ctx, this.participants, this.mapper, (...args) => this.messages.systemMessage(...args));
    this.messages = new MessageStore(this.ctx, this.participants, this.conversations, this.mapper, options.onUserMessage);
    this.readMarkers = new ReadMarkers(this.ctx, this.conversations, this.messages);
  }

  /** A new ULID from the gateway's monotonic factory. */
  newId(): string {
    return this.ctx.newId();
  }

  // ---------------------------------------------------------------- participants

  /** Creates or updates a participant (upsert by id). */
  upsertParticipant(request: CreateOrUpdateParticipantRequest, isBot = false): ParticipantDto {
    return this.mapper.toParticipantDto(this.participants.upsert(request, isBot));
  }

  /** The participant, or undefined. */
  findParticipant(id: string): ParticipantDto | undefined {
    const record = this.participants.get(id);
    return record ? this.mapper.toParticipantDto(record) : undefined;
  }

  /** The participant or a 404. */
  getParticipant(id: string): ParticipantDto {
    const found = this.findParticipant(id);
    if (!found) throw notFound(`Participant '${id}' was not found.`);
    return found;
  }

  /** The participant with that unique name or a 404. */
  getParticipantByUniqueName(uniqueName: string): ParticipantDto {
    const record = this.participants.findByUniqueName(uniqueName);
    if (!record) throw notFound(`Participant '${uniqueName}' was not found.`);
    return this.mapper.toParticipantDto(record);
  }

  /** The participants that exist among `ids` (unknown ids skipped), in the order asked. */
  getParticipantBatch(ids: readonly string[]): ParticipantDto[] {
    const out: ParticipantDto[] = [];
    for (const id of new Set(ids)) {
      const record = this.participants.get(id);
      if (record) out.push(this.mapper.toParticipantDto(record));
    }
    return out;
  }

  // ---------------------------------------------------------------- presence

  /** True while the participant has at least one notification hub connection. */
  isOnline(participantId: string): boolean {
    return this.presence.isOnline(participantId);
  }

  /** A notification connection opened: the first one marks the user online. */
  connectionOpened(participantId: string): void {
    this.presence.connectionOpened(participantId);
  }

  /** A notification connection closed: the last one marks the user offline with `lastSeenAt`. */
  connectionClosed(participantId: string): void {
    this.presence.connectionClosed(participantId);
  }

  /** The presence of each id (unknown ids are reported offline with no `lastSeenAt`). */
  presenceOf(ids: readonly string[]): PresenceStateItem[] {
    return this.presence.presenceOf(ids);
  }

  // ---------------------------------------------------------------- conversations

  /** The caller's conversations: pinned first (latest pin first), then `lastMessageAt` descending. */
  listConversations(userId: string, limit: number | undefined, cursor: string | undefined): CursorPaginatedResult<ConversationListItemDto> {
    return this.conversations.list(userId, limit, cursor);
  }

  /** Creates a conversation (OneToOne and Self are found instead when they exist). */
  createConversation(userId: string, request: CreateConversationRequest): { conversation: ConversationDto; created: boolean } {
    return this.conversations.create(userId, request);
  }

  /** Conversations whose name or whose participants' names contain `query` (case-insensitive). */
  searchConversations(userId: string, query: string, limit: number | undefined): ConversationListItemDto[] {
    return this.conversations.search(userId, query, limit);
  }

  /** The conversation, for a current or past member. */
  getConversation(userId: string, id: string): ConversationDto {
    return toConversationDto(this.conversations.memberConversation(userId, id, false));
  }

  /** Renames or re-avatars a Group conversation. */
  updateConversation(userId: string, id: string, request: { name?: string | null; avatar?: MediaReference | null }): ConversationDto {
    return this.conversations.update(userId, id, request);
  }

  /** The caller leaves; the others stay. */
  leaveConversation(userId: string, id: string): void {
    this.conversations.leave(userId, id);
  }

  /** The OneToOne conversation between the caller and `otherId`, or null. */
  findOneToOne(userId: string, otherId: string): ConversationDto | null {
    const found = this.conversations.findOneToOneRecord(userId, otherId);
    return found ? toConversationDto(found) : null;
  }

  /** Adds (or re-adds) a participant to a Group conversation. */
  addParticipant(userId: string, id: string, participantId: string, canViewHistory = true): void {
    this.conversations.addParticipant(userId, id, participantId, canViewHistory);
  }

  /** Removes a participant from a Group conversation (the owner, or the participant themself). */
  removeParticipant(userId: string, id: string, participantId: string): void {
    this.conversations.removeParticipant(userId, id, participantId);
  }

  /** Every membership, including members who left. */
  getConversationParticipants(userId: string, id: string): ConversationParticipantDto[] {
    return this.conversations.members(userId, id);
  }

  /** Pins or unpins the conversation for the caller. */
  setPinned(userId: string, id: string, pinned: boolean): void {
    this.conversations.setPinned(userId, id, pinned);
  }

  /** Marks everything up to `messageId` read for the caller. */
  markAsRead(userId: string, id: string, messageId: string): void {
    this.readMarkers.markAsRead(userId, id, messageId);
  }

  /** Marks the conversation unread for the caller (at least one unread). */
  markAsUnread(userId: string, id: string): void {
    this.readMarkers.markAsUnread(userId, id);
  }

  /** True when the participant is an active member (who may join the conversation on the hub). */
  isActiveMember(userId: string, conversationId: string): boolean {
    return this.conversations.find(conversationId)?.members.get(userId)?.isActive === true;
  }

  /** The active member ids of a conversation. */
  memberIds(conversationId: string): string[] {
    const c = this.conversations.find(conversationId);
    return c ? activeMemberIds(c) : [];
  }

  // ---------------------------------------------------------------- messages

  /**
   * Stores a message and announces it: `messageReceived` to the conversation's joined
   * connections (the sender's too: that is its echo), `newMessageNotification` and
   * `unreadCountChanged` to the other members, `mentionedNotification` to those mentioned.
   * A repeated `clientMessageId` from the same sender returns the first message (idempotent retry).
   */
  sendMessage(userId: string, conversationId: string, request: NewMessage): { message: StoredMessage; created: boolean } {
    return this.messages.send(userId, conversationId, request);
  }

  /**
   * Stores a bot's finished streamed reply under its pre-allocated id and announces it to the
   * members (notifications) — but not as `messageReceived`: `streamCompleted` carries it.
   */
  storeStreamedMessage(
    botId: string,
    conversationId: string,
    messageId: string,
    text: string,
    replyToMessageId: string | null,
  ): StoredMessage {
    return this.messages.storeStreamed(botId, conversationId, messageId, text, replyToMessageId);
  }

  /**
   * A page of history. `older` (default) walks back from the cursor (or from the newest
   * message), newest first; `newer` walks forward from the cursor, oldest first. `nextCursor`
   * continues the walk in the same direction.
   */
  getHistory(
    userId: string,
    conversationId: string,
    options: { limit?: number; cursor?: string; direction?: 'older' | 'newer' },
  ): CursorPaginatedResult<MessageDto> {
    return this.messages.history(userId, conversationId, options);
  }

  /** Messages whose plain text contains `query` (case-insensitive), newest first. */
  searchMessages(userId: string, conversationId: string, query: string, limit: number | undefined): MessageDto[] {
    return this.messages.search(userId, conversationId, query, limit);
  }

  /** One message, for a member who may see it. */
  getMessage(userId: string, messageId: string): MessageDto {
    return toMessageDto(this.messages.visibleMessage(userId, messageId));
  }

  /** The stored message (no access check), for the hubs' DTO mapping. */
  storedMessage(messageId: string): StoredMessage | undefined {
    return this.messages.get(messageId);
  }

  /** Edits a message's blocks (the sender only) and announces `messageUpdated`. */
  editMessage(userId: string, messageId: string, blocks: Block[], mentions: Mention[] | null | undefined): StoredMessage {
    return this.messages.edit(userId, messageId, blocks, mentions);
  }

  /** Soft-deletes a message for everyone (the sender only) and announces `messageDeleted`. */
  deleteMessage(userId: string, messageId: string): { messageId: string; deletedAt: string } {
    return this.messages.delete(userId, messageId);
  }

  /** Recovers a deleted message within 10 minutes (the sender only) and announces `messageRecovered`. */
  recoverMessage(userId: string, messageId: string): StoredMessage {
    return this.messages.recover(userId, messageId);
  }

  /** Adds the caller's reaction (409 when already there) and announces `reactionAdded`. */
  addReaction(userId: string, messageId: string, emoji: string): void {
    this.messages.addReaction(userId, messageId, emoji);
  }

  /** Removes the caller's reaction (404 when not there) and announces `reactionRemoved`. */
  removeReaction(userId: string, messageId: string, emoji: string): void {
    this.messages.removeReaction(userId, messageId, emoji);
  }

  /** `typingStarted` / `typingStopped` to the conversation's other joined connections. */
  typing(userId: string, conversationId: string, started: boolean, exceptConnectionId?: string): void {
    this.conversations.typing(userId, conversationId, started, exceptConnectionId);
  }

  // ---------------------------------------------------------------- mapping

  /** The REST shape of a stored message. */
  toMessageDto(m: StoredMessage): MessageDto {
    return toMessageDto(m);
  }

  /** The hub shape of a stored message. */
  toChatMessageDto(m: StoredMessage): ChatMessageDto {
    return this.mapper.toChatMessageDto(m);
  }
}
