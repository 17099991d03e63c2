import type {
  Block,
  ChatHubEventName,
  ChatMessageDto,
  ConversationDto,
  ConversationListItemDto,
  ConversationParticipantDto,
  ConversationType,
  CreateConversationRequest,
  CreateOrUpdateParticipantRequest,
  CursorPaginatedResult,
  MediaReference,
  Mention,
  MessageDto,
  NotificationHubEventName,
  ParticipantDto,
  PresenceStateItem,
  QuickReply,
  SenderType,
  SystemEventDto,
  SystemEventType,
} from '../codecs/index.js';
import { plainTextOf } from '../codecs/blocks.js';
import { MAX_JSON_DEPTH, pathBeyondDepth } from '../codecs/json-depth.js';
import { compareIsoDateTimes } from '../codecs/scalars.js';
import { badRequest, conflict, forbidden, GatewayError, notFound } from './gateway-error.js';
import { ServerClock } from './stj-profile.js';
import { UlidFactory } from './ulid.js';

/** Where the service's events go: the chat hub's conversation groups and users' notification connections. */
export interface GatewayEventSink {
  /** A chat hub event to every connection joined to the conversation (but `exceptConnectionId`). */
  chat(conversationId: string, event: ChatHubEventName, payload: unknown, exceptConnectionId?: string): void;
  /** A notification hub event to every notification connection of each user. */
  notify(userIds: Iterable<string>, event: NotificationHubEventName, payload: unknown): void;
  /** A `presenceChanged` to every connection subscribed to that participant. */
  presence(participantId: string, payload: PresenceStateItem): void;
  /**
   * Takes every chat hub connection of `userId` out of the conversation's group: a member who
   * left or was removed receives none of its live events from then on (as a real gateway does
   * with `Groups.RemoveFromGroupAsync` for each of the user's connections).
   */
  leaveGroup(userId: string, conversationId: string): void;
}

interface StoredParticipant {
  id: string;
  uniqueName: string;
  fullName: string;
  avatar?: MediaReference;
  gender?: string;
  isBot: boolean;
  createdAt: string;
  updatedAt: string;
  lastSeenAt: string | null;
}

interface StoredMember {
  participantId: string;
  joinedAt: string;
  leftAt: string | null;
  isActive: boolean;
  isPinned: boolean;
  pinnedAt: string | null;
  lastReadMessageId: string | null;
  lastReadAt: string | null;
  unreadCount: number;
  /** Messages created before this time are hidden from the member (`canViewHistory: false`). */
  historyFromMs: number;
}

interface StoredConversation {
  id: string;
  type: ConversationType;
  name?: string;
  avatar?: MediaReference;
  ownerId: string;
  createdAt: string;
  updatedAt: string;
  lastMessageAt: string | null;
  lastMessageId: string | null;
  members: Map<string, StoredMember>;
  /** Sorted by id (ULIDs, so by creation time). */
  messages: StoredMessage[];
}

/** A message as the gateway keeps it. */
export interface StoredMessage {
  id: string;
  conversationId: string;
  senderId: string;
  senderType: SenderType;
  blocks: Block[];
  plainText: string | null;
  replyToMessageId: string | null;
  quickReplies: QuickReply[] | null;
  mentions: Mention[] | null;
  clientMessageId: string | null;
  isEdited: boolean;
  editedAt: string | null;
  isDeleted: boolean;
  deletedAt: string | null;
  deletedMs: number | null;
  createdAt: string;
  createdMs: number;
  updatedAt: string;
  /** emoji → participant ids, in reaction order. */
  reactions: Map<string, string[]>;
  systemEvent: SystemEventDto | null;
}

/** What a new message carries, from REST or the hub. */
export interface NewMessage {
  blocks: Block[];
  replyToMessageId?: string | null;
  quickReplies?: QuickReply[] | null;
  mentions?: Mention[] | null;
  clientMessageId?: string | null;
}

/** Options of {@link ChatService}. */
export interface ChatServiceOptions {
  readonly sink: GatewayEventSink;
  /** The clock (ms since the epoch). */
  readonly now?: () => number;
  /** Called after a user's message is stored and announced (the bot listens here). */
  readonly onUserMessage?: (message: StoredMessage) => void;
}

const MAX_PAGE = 100;
const RECOVER_WINDOW_MS = 10 * 60 * 1000;
const CURSOR = /^(\d+)_([0-9A-HJKMNP-TV-Z]{26})$/;

/**
 * The Chat Gateway's domain, in memory: participants, conversations, messages, reactions, read
 * markers and presence. REST handlers and hub methods both call it, so a message sent either way
 * produces the same events. Every method takes the caller's participant id and enforces the
 * gateway's rules, throwing {@link GatewayError} (rendered as ProblemDetails or a hub error).
 */
export class ChatService {
  private readonly participants = new Map<string, StoredParticipant>();
  private readonly conversations = new Map<string, StoredConversation>();
  private readonly messages = new Map<string, StoredMessage>();
  private readonly clientIds = new Map<string, string>();
  private readonly onlineConnections = new Map<string, number>();
  private readonly ulids = new UlidFactory();
  private readonly sink: GatewayEventSink;
  private readonly clock: () => number;
  private readonly stamps: ServerClock;
  private readonly onUserMessage: ((message: StoredMessage) => void) | undefined;

  constructor(options: ChatServiceOptions) {
    this.sink = options.sink;
    this.clock = options.now ?? Date.now;
    this.stamps = new ServerClock(this.clock);
    this.onUserMessage = options.onUserMessage;
  }

  /** A new ULID from the gateway's monotonic factory. */
  newId(): string {
    return this.ulids.next(this.clock());
  }

  /** Now, as a real server writes a `DateTimeOffset` (`…:36.1234567+00:00`). */
  private nowIso(): string {
    return this.stamps.stamp();
  }

  // ---------------------------------------------------------------- participants

  /** Creates or updates a participant (upsert by id). */
  upsertParticipant(request: CreateOrUpdateParticipantRequest, isBot = false): ParticipantDto {
    requireText('id', request.id);
    requireText('uniqueName', request.uniqueName);
    requireText('fullName', request.fullName);
    const byName = this.findByUniqueName(request.uniqueName);
    if (byName && byName.id !== request.id) throw conflict(`The unique name '${request.uniqueName}' is already taken.`);
    const now = this.nowIso();
    const existing = this.participants.get(request.id);
    const record: StoredParticipant = {
      id: request.id,
      uniqueName: request.uniqueName,
      fullName: request.fullName,
      isBot: existing?.isBot ?? isBot,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
      lastSeenAt: existing?.lastSeenAt ?? null,
      ...(request.avatar != null ? { avatar: request.avatar } : existing?.avatar ? { avatar: existing.avatar } : {}),
      ...(request.gender != null ? { gender: request.gender } : existing?.gender ? { gender: existing.gender } : {}),
    };
    this.participants.set(record.id, record);
    return this.toParticipantDto(record);
  }

  /** The participant, or undefined. */
  findParticipant(id: string): ParticipantDto | undefined {
    const record = this.participants.get(id);
    return record ? this.toParticipantDto(record) : undefined;
  }

  /** The participant or a 404. */
  getParticipant(id: string): ParticipantDto {
    const found = this.findParticipant(id);
    if (!found) throw notFound(`Participant '${id}' was not found.`);
    return found;
  }

  /** The participant with that unique name or a 404. */
  getParticipantByUniqueName(uniqueName: string): ParticipantDto {
    const record = this.findByUniqueName(uniqueName);
    if (!record) throw notFound(`Participant '${uniqueName}' was not found.`);
    return this.toParticipantDto(record);
  }

  /** The participants that exist among `ids` (unknown ids skipped), in the order asked. */
  getParticipantBatch(ids: readonly string[]): ParticipantDto[] {
    const out: ParticipantDto[] = [];
    for (const id of new Set(ids)) {
      const record = this.participants.get(id);
      if (record) out.push(this.toParticipantDto(record));
    }
    return out;
  }

  private findByUniqueName(uniqueName: string): StoredParticipant | undefined {
    for (const record of this.participants.values()) if (record.uniqueName === uniqueName) return record;
    return undefined;
  }

  private displayName(id: string): string {
    return this.participants.get(id)?.fullName ?? id;
  }

  // ---------------------------------------------------------------- presence

  /** True while the participant has at least one notification hub connection. */
  isOnline(participantId: string): boolean {
    return (this.onlineConnections.get(participantId) ?? 0) > 0;
  }

  /** A notification connection opened: the first one marks the user online. */
  connectionOpened(participantId: string): void {
    const count = (this.onlineConnections.get(participantId) ?? 0) + 1;
    this.onlineConnections.set(participantId, count);
    if (count === 1) {
      const record = this.participants.get(participantId);
      if (record) record.lastSeenAt = null;
      this.sink.presence(participantId, { participantId, isOnline: true, lastSeenAt: null });
    }
  }

  /** A notification connection closed: the last one marks the user offline with `lastSeenAt`. */
  connectionClosed(participantId: string): void {
    const count = (this.onlineConnections.get(participantId) ?? 0) - 1;
    if (count > 0) {
      this.onlineConnections.set(participantId, count);
      return;
    }
    this.onlineConnections.delete(participantId);
    const lastSeenAt = this.nowIso();
    const record = this.participants.get(participantId);
    if (record) record.lastSeenAt = lastSeenAt;
    this.sink.presence(participantId, { participantId, isOnline: false, lastSeenAt });
  }

  /** The presence of each id (unknown ids are reported offline with no `lastSeenAt`). */
  presenceOf(ids: readonly string[]): PresenceStateItem[] {
    return ids.map((participantId) => {
      const online = this.isOnline(participantId);
      return { participantId, isOnline: online, lastSeenAt: online ? null : (this.participants.get(participantId)?.lastSeenAt ?? null) };
    });
  }

  // ---------------------------------------------------------------- conversations

  /** The caller's conversations: pinned first (latest pin first), then `lastMessageAt` descending. */
  listConversations(userId: string, limit: number | undefined, cursor: string | undefined): CursorPaginatedResult<ConversationListItemDto> {
    const size = pageSize(limit, 20);
    const rows = [...this.conversations.values()]
      .filter((c) => c.members.get(userId)?.isActive === true)
      .map((c) => ({ c, m: c.members.get(userId) as StoredMember }))
      .sort((a, b) => compareListRows(a, b));
    let start = 0;
    if (cursor !== undefined) {
      const { id } = parseCursor(cursor);
      const index = rows.findIndex((row) => row.c.id === id);
      if (index < 0) throw badRequest('The cursor does not point into this list.', { cursor: ['Unknown cursor.'] });
      start = index + 1;
    }
    const slice = rows.slice(start, start + size);
    const hasMore = start + size < rows.length;
    const last = slice[slice.length - 1];
    return {
      items: slice.map(({ c, m }) => this.toListItem(c, m)),
      hasMore,
      nextCursor: hasMore && last ? `${Date.parse(last.c.lastMessageAt ?? last.c.createdAt)}_${last.c.id}` : null,
    };
  }

  /** Creates a conversation (OneToOne and Self are found instead when they exist). */
  createConversation(userId: string, request: CreateConversationRequest): { conversation: ConversationDto; created: boolean } {
    const others = [...new Set(request.participantIds.filter((id) => id !== userId))];
    for (const id of others) if (!this.participants.has(id)) throw badRequest(`Participant '${id}' was not found.`, { participantIds: [`Unknown participant '${id}'.`] });
    if (request.type === 'OneToOne') {
      if (others.length !== 1) throw badRequest('A one-to-one conversation needs exactly one other participant.', { participantIds: ['Exactly one other participant is required.'] });
      const existing = this.findOneToOneRecord(userId, others[0] as string);
      if (existing) return { conversation: this.toConversationDto(existing), created: false };
    }
    if (request.type === 'Self') {
      if (others.length > 0) throw badRequest('A self conversation has no other participants.', { participantIds: ['Must be empty for a Self conversation.'] });
      const existing = [...this.conversations.values()].find((c) => c.type === 'Self' && c.ownerId === userId);
      if (existing) return { conversation: this.toConversationDto(existing), created: false };
    }
    const now = this.nowIso();
    const conversation: StoredConversation = {
      id: this.newId(),
      type: request.type,
      ownerId: userId,
      createdAt: now,
      updatedAt: now,
      lastMessageAt: null,
      lastMessageId: null,
      members: new Map(),
      messages: [],
      ...(request.type === 'Group' && request.name != null ? { name: request.name } : {}),
      ...(request.avatar != null ? { avatar: request.avatar } : {}),
    };
    for (const id of [userId, ...others]) conversation.members.set(id, this.newMember(id, 0));
    this.conversations.set(conversation.id, conversation);
    this.sink.notify(this.activeMemberIds(conversation), 'conversationCreated', this.createdDto(conversation));
    return { conversation: this.toConversationDto(conversation), created: true };
  }

  /** Conversations whose name or whose participants' names contain `query` (case-insensitive). */
  searchConversations(userId: string, query: string, limit: number | undefined): ConversationListItemDto[] {
    const needle = query.trim().toLowerCase();
    if (needle === '') throw badRequest('The search query must not be empty.', { q: ['The q field is required.'] });
    const size = pageSize(limit, 20);
    const out: ConversationListItemDto[] = [];
    for (const c of this.conversations.values()) {
      const member = c.members.get(userId);
      if (!member?.isActive) continue;
      const names = [c.name ?? '', ...[...c.members.keys()].flatMap((id) => {
        const p = this.participants.get(id);
        return p ? [p.fullName, p.uniqueName] : [];
      })];
      if (names.some((name) => name.toLowerCase().includes(needle))) out.push(this.toListItem(c, member));
      if (out.length >= size) break;
    }
    return out;
  }

  /** The conversation, for a current or past member. */
  getConversation(userId: string, id: string): ConversationDto {
    return this.toConversationDto(this.memberConversation(userId, id, false));
  }

  /** Renames or re-avatars a Group conversation. */
  updateConversation(userId: string, id: string, request: { name?: string | null; avatar?: MediaReference | null }): ConversationDto {
    const c = this.memberConversation(userId, id, true);
    if (c.type !== 'Group') throw badRequest('Only group conversations can be updated.');
    const renamed = request.name != null && request.name !== c.name;
    if (request.name != null) c.name = request.name;
    if (request.avatar === null) delete c.avatar;
    else if (request.avatar !== undefined) c.avatar = request.avatar;
    c.updatedAt = this.nowIso();
    this.sink.notify(this.activeMemberIds(c), 'conversationUpdated', {
      conversationId: c.id,
      type: c.type,
      participantCount: this.activeMemberIds(c).length,
      ...(c.name !== undefined ? { name: c.name } : {}),
      avatar: c.avatar ?? null,
    });
    if (renamed) this.systemMessage(c, userId, 'ConversationRenamed', [], { name: c.name ?? '' });
    return this.toConversationDto(c);
  }

  /** The caller leaves; the others stay. */
  leaveConversation(userId: string, id: string): void {
    const c = this.memberConversation(userId, id, true);
    const member = c.members.get(userId) as StoredMember;
    member.isActive = false;
    member.leftAt = this.nowIso();
    this.sink.leaveGroup(userId, c.id);
    const payload = this.participantChange(c, userId, member.leftAt);
    this.sink.notify([...this.activeMemberIds(c), userId], 'participantLeft', payload);
    this.systemMessage(c, null, 'MemberLeft', [userId]);
  }

  /** The OneToOne conversation between the caller and `otherId`, or null. */
  findOneToOne(userId: string, otherId: string): ConversationDto | null {
    const found = this.findOneToOneRecord(userId, otherId);
    return found ? this.toConversationDto(found) : null;
  }

  private findOneToOneRecord(userId: string, otherId: string): StoredConversation | undefined {
    for (const c of this.conversations.values()) {
      if (c.type === 'OneToOne' && c.members.has(userId) && c.members.has(otherId)) return c;
    }
    return undefined;
  }

  /** Adds (or re-adds) a participant to a Group conversation. */
  addParticipant(userId: string, id: string, participantId: string, canViewHistory = true): void {
    const c = this.memberConversation(userId, id, true);
    if (c.type !== 'Group') throw badRequest('Participants can only be added to group conversations.');
    if (!this.participants.has(participantId)) throw notFound(`Participant '${participantId}' was not found.`);
    const existing = c.members.get(participantId);
    if (existing?.isActive) throw conflict(`Participant '${participantId}' is already in this conversation.`);
    const member = this.newMember(participantId, canViewHistory ? 0 : this.clock());
    c.members.set(participantId, member);
    this.sink.notify([participantId], 'conversationCreated', this.createdDto(c));
    this.sink.notify(this.activeMemberIds(c).filter((m) => m !== participantId), 'participantJoined', this.participantChange(c, participantId, member.joinedAt));
    this.systemMessage(c, userId, 'MemberAdded', [participantId]);
  }

  /** Removes a participant from a Group conversation (the owner, or the participant themself). */
  removeParticipant(userId: string, id: string, participantId: string): void {
    const c = this.memberConversation(userId, id, true);
    if (c.type !== 'Group') throw badRequest('Participants can only be removed from group conversations.');
    if (userId !== c.ownerId && userId !== participantId) throw forbidden('Only the owner can remove participants.');
    const member = c.members.get(participantId);
    if (!member?.isActive) throw notFound(`Participant '${participantId}' is not in this conversation.`);
    member.isActive = false;
    member.leftAt = this.nowIso();
    this.sink.leaveGroup(participantId, c.id);
    this.sink.notify([...this.activeMemberIds(c), participantId], 'participantLeft', this.participantChange(c, participantId, member.leftAt));
    this.systemMessage(c, userId, 'MemberRemoved', [participantId]);
  }

  /** Every membership, including members who left. */
  getConversationParticipants(userId: string, id: string): ConversationParticipantDto[] {
    const c = this.memberConversation(userId, id, false);
    return [...c.members.values()].map(toMemberDto);
  }

  /** Pins or unpins the conversation for the caller. */
  setPinned(userId: string, id: string, pinned: boolean): void {
    const c = this.memberConversation(userId, id, true);
    const member = c.members.get(userId) as StoredMember;
    member.isPinned = pinned;
    member.pinnedAt = pinned ? this.nowIso() : null;
    if (pinned) this.sink.notify([userId], 'conversationPinned', { conversationId: c.id, pinnedAt: member.pinnedAt });
    else this.sink.notify([userId], 'conversationUnpinned', { conversationId: c.id });
  }

  /** Marks everything up to `messageId` read for the caller. */
  markAsRead(userId: string, id: string, messageId: string): void {
    const c = this.memberConversation(userId, id, true);
    const message = this.messages.get(messageId);
    if (!message || message.conversationId !== c.id) throw notFound(`Message '${messageId}' was not found in this conversation.`);
    const member = c.members.get(userId) as StoredMember;
    const readAt = this.nowIso();
    if (member.lastReadMessageId === null || member.lastReadMessageId < messageId) {
      member.lastReadMessageId = messageId;
      member.lastReadAt = readAt;
    }
    member.unreadCount = c.messages.filter(
      (m) => m.id > (member.lastReadMessageId ?? '') && m.senderId !== userId && m.createdMs >= member.historyFromMs,
    ).length;
    this.sink.notify([userId], 'readStatusChanged', {
      conversationId: c.id,
      lastReadMessageId: member.lastReadMessageId ?? messageId,
      unreadCount: member.unreadCount,
      markedAsUnread: false,
    });
    this.sink.chat(c.id, 'readReceiptUpdated', {
      conversationId: c.id,
      participantId: userId,
      lastReadMessageId: member.lastReadMessageId ?? messageId,
      readAt,
    });
  }

  /** Marks the conversation unread for the caller (at least one unread). */
  markAsUnread(userId: string, id: string): void {
    const c = this.memberConversation(userId, id, true);
    const member = c.members.get(userId) as StoredMember;
    member.unreadCount = Math.max(1, member.unreadCount);
    this.sink.notify([userId], 'readStatusChanged', {
      conversationId: c.id,
      unreadCount: member.unreadCount,
      markedAsUnread: true,
      ...(member.lastReadMessageId !== null ? { lastReadMessageId: member.lastReadMessageId } : {}),
    });
  }

  /** True when the participant is an active member (who may join the conversation on the hub). */
  isActiveMember(userId: string, conversationId: string): boolean {
    return this.conversations.get(conversationId)?.members.get(userId)?.isActive === true;
  }

  /** The active member ids of a conversation. */
  memberIds(conversationId: string): string[] {
    const c = this.conversations.get(conversationId);
    return c ? this.activeMemberIds(c) : [];
  }

  // ---------------------------------------------------------------- messages

  /**
   * Stores a message and announces it: `messageReceived` to the conversation's joined
   * connections (the sender's too: that is its echo), `newMessageNotification` and
   * `unreadCountChanged` to the other members, `mentionedNotification` to those mentioned.
   * A repeated `clientMessageId` from the same sender returns the first message (idempotent retry).
   */
  sendMessage(userId: string, conversationId: string, request: NewMessage): { message: StoredMessage; created: boolean } {
    const c = this.memberConversation(userId, conversationId, true);
    validateNewMessage(request);
    if (request.clientMessageId != null) {
      const previous = this.clientIds.get(`${c.id}\u0000${userId}\u0000${request.clientMessageId}`);
      const found = previous !== undefined ? this.messages.get(previous) : undefined;
      if (found) return { message: found, created: false };
    }
    if (request.replyToMessageId != null) {
      const target = this.messages.get(request.replyToMessageId);
      if (!target || target.conversationId !== c.id) throw badRequest(`Message '${request.replyToMessageId}' to reply to was not found.`, { replyToMessageId: ['Unknown message.'] });
    }
    const sender = this.participants.get(userId);
    const message = this.storeMessage(c, {
      senderId: userId,
      senderType: sender?.isBot ? 'Bot' : 'User',
      blocks: request.blocks,
      replyToMessageId: request.replyToMessageId ?? null,
      quickReplies: request.quickReplies ?? null,
      mentions: request.mentions ?? null,
      clientMessageId: request.clientMessageId ?? null,
      systemEvent: null,
    });
    this.sink.chat(c.id, 'messageReceived', this.toChatMessageDto(message));
    if (message.senderType === 'User') this.onUserMessage?.(message);
    return { message, created: true };
  }

  /**
   * Stores a bot's finished streamed reply under its pre-allocated id and announces it to the
   * members (notifications) — but not as `messageReceived`: `streamCompleted` carries it.
   */
  storeStreamedMessage(botId: string, conversationId: string, messageId: string, text: string, replyToMessageId: string | null): StoredMessage {
    const c = this.conversations.get(conversationId);
    if (!c) throw notFound(`Conversation '${conversationId}' was not found.`);
    return this.storeMessage(c, {
      id: messageId,
      senderId: botId,
      senderType: 'Bot',
      blocks: [{ $type: 'text', format: 'Plain', content: text, plainText: text }],
      replyToMessageId,
      quickReplies: null,
      mentions: null,
      clientMessageId: null,
      systemEvent: null,
    });
  }

  private storeMessage(
    c: StoredConversation,
    fields: Pick<StoredMessage, 'senderId' | 'senderType' | 'blocks' | 'replyToMessageId' | 'quickReplies' | 'mentions' | 'clientMessageId' | 'systemEvent'> & { id?: string },
  ): StoredMessage {
    const nowMs = this.clock();
    const id = fields.id !== undefined && !this.messages.has(fields.id) ? fields.id : this.newId();
    const createdAt = this.stamps.format(nowMs);
    const text = plainTextOf(fields.blocks);
    const message: StoredMessage = {
      ...fields,
      id,
      conversationId: c.id,
      plainText: text === '' ? null : text,
      isEdited: false,
      editedAt: null,
      isDeleted: false,
      deletedAt: null,
      deletedMs: null,
      createdAt,
      createdMs: nowMs,
      updatedAt: createdAt,
      reactions: new Map(),
    };
    // Ids are ULIDs made when the message began (a bot's streamed reply gets its id when the
    // stream starts), so insert in id order; nearly always this is an append.
    const at = indexById(c.messages, id, true);
    if (at === c.messages.length) c.messages.push(message);
    else c.messages.splice(at, 0, message);
    this.messages.set(id, message);
    if (message.clientMessageId !== null) this.clientIds.set(`${c.id}\u0000${message.senderId}\u0000${message.clientMessageId}`, id);
    if (c.lastMessageId === null || id > c.lastMessageId) {
      c.lastMessageAt = createdAt;
      c.lastMessageId = id;
    }
    c.updatedAt = createdAt;
    const others = this.activeMemberIds(c).filter((m) => m !== message.senderId);
    for (const memberId of others) {
      const member = c.members.get(memberId) as StoredMember;
      member.unreadCount += 1;
      this.sink.notify([memberId], 'unreadCountChanged', {
        conversationId: c.id,
        unreadCount: member.unreadCount,
        lastMessageAt: createdAt,
        lastMessageId: id,
      });
    }
    const sender = this.participants.get(message.senderId);
    const preview = (message.plainText ?? '').slice(0, 100);
    this.sink.notify(others, 'newMessageNotification', {
      conversationId: c.id,
      conversationType: c.type,
      messageId: id,
      senderId: message.senderId,
      senderName: this.displayName(message.senderId),
      contentPreview: preview,
      sentAt: createdAt,
      ...(c.name !== undefined ? { conversationName: c.name } : {}),
      ...(sender?.avatar ? { senderAvatar: sender.avatar } : {}),
    });
    const mentioned = new Set<string>();
    for (const mention of message.mentions ?? []) {
      if (mention.type === 'User' && mention.targetId !== null && mention.targetId !== message.senderId) mentioned.add(mention.targetId);
      if (mention.type === 'All' || mention.type === 'Here') for (const m of others) mentioned.add(m);
    }
    const mentionedMembers = [...mentioned].filter((m) => c.members.get(m)?.isActive);
    if (mentionedMembers.length > 0) {
      this.sink.notify(mentionedMembers, 'mentionedNotification', {
        conversationId: c.id,
        messageId: id,
        senderId: message.senderId,
        senderName: this.displayName(message.senderId),
        contentPreview: preview,
        sentAt: createdAt,
      });
    }
    return message;
  }

  private systemMessage(c: StoredConversation, actorId: string | null, type: SystemEventType, targetIds: string[], metadata?: Record<string, unknown>): void {
    const systemEvent: SystemEventDto = {
      type,
      actorId,
      targetIds,
      ...(metadata ? { metadata } : {}),
      ...(actorId !== null ? { actorName: this.displayName(actorId) } : {}),
      targetNames: targetIds.map((id) => this.displayName(id)),
    };
    const message = this.storeMessage(c, {
      senderId: actorId ?? 'system',
      senderType: 'System',
      blocks: [],
      replyToMessageId: null,
      quickReplies: null,
      mentions: null,
      clientMessageId: null,
      systemEvent,
    });
    this.sink.chat(c.id, 'messageReceived', this.toChatMessageDto(message));
  }

  /**
   * A page of history. `older` (default) walks back from the cursor (or from the newest
   * message), newest first; `newer` walks forward from the cursor, oldest first. `nextCursor`
   * continues the walk in the same direction.
   */
  getHistory(userId: string, conversationId: string, options: { limit?: number; cursor?: string; direction?: 'older' | 'newer' }): CursorPaginatedResult<MessageDto> {
    const c = this.memberConversation(userId, conversationId, true);
    const member = c.members.get(userId) as StoredMember;
    const size = pageSize(options.limit, 50);
    const visible = c.messages;
    const from = options.cursor !== undefined ? parseCursor(options.cursor).id : undefined;
    const picked: StoredMessage[] = [];
    let hasMore = false;
    if ((options.direction ?? 'older') === 'older') {
      let i = from === undefined ? visible.length - 1 : indexById(visible, from) - 1;
      for (; i >= 0; i--) {
        const m = visible[i] as StoredMessage;
        if (m.createdMs < member.historyFromMs) break;
        if (picked.length === size) {
          hasMore = true;
          break;
        }
        picked.push(m);
      }
    } else {
      let i = from === undefined ? 0 : indexById(visible, from, true);
      for (; i < visible.length; i++) {
        const m = visible[i] as StoredMessage;
        if (m.createdMs < member.historyFromMs) continue;
        if (picked.length === size) {
          hasMore = true;
          break;
        }
        picked.push(m);
      }
    }
    const last = picked[picked.length - 1];
    return {
      items: picked.map((m) => this.toMessageDto(m)),
      hasMore,
      nextCursor: hasMore && last ? `${last.createdMs}_${last.id}` : null,
    };
  }

  /** Messages whose plain text contains `query` (case-insensitive), newest first. */
  searchMessages(userId: string, conversationId: string, query: string, limit: number | undefined): MessageDto[] {
    const c = this.memberConversation(userId, conversationId, true);
    const member = c.members.get(userId) as StoredMember;
    const needle = query.trim().toLowerCase();
    if (needle === '') throw badRequest('The search query must not be empty.', { q: ['The q field is required.'] });
    const size = pageSize(limit, 20);
    const out: MessageDto[] = [];
    for (let i = c.messages.length - 1; i >= 0 && out.length < size; i--) {
      const m = c.messages[i] as StoredMessage;
      if (m.isDeleted || m.createdMs < member.historyFromMs) continue;
      if ((m.plainText ?? '').toLowerCase().includes(needle)) out.push(this.toMessageDto(m));
    }
    return out;
  }

  /** One message, for a member who may see it. */
  getMessage(userId: string, messageId: string): MessageDto {
    return this.toMessageDto(this.visibleMessage(userId, messageId));
  }

  /** The stored message (no access check), for the hubs' DTO mapping. */
  storedMessage(messageId: string): StoredMessage | undefined {
    return this.messages.get(messageId);
  }

  /** Edits a message's blocks (the sender only) and announces `messageUpdated`. */
  editMessage(userId: string, messageId: string, blocks: Block[], mentions: Mention[] | null | undefined): StoredMessage {
    const m = this.visibleMessage(userId, messageId);
    if (m.senderId !== userId) throw forbidden('Only the sender can edit a message.');
    if (m.isDeleted) throw badRequest('A deleted message cannot be edited.');
    validateBlocks(blocks);
    const now = this.nowIso();
    m.blocks = blocks;
    const text = plainTextOf(blocks);
    m.plainText = text === '' ? null : text;
    if (mentions != null) m.mentions = mentions;
    m.isEdited = true;
    m.editedAt = now;
    m.updatedAt = now;
    this.sink.chat(m.conversationId, 'messageUpdated', {
      messageId: m.id,
      conversationId: m.conversationId,
      blocks: m.blocks,
      plainTextContent: m.plainText,
      updatedAt: now,
      ...(m.mentions !== null ? { mentions: m.mentions } : {}),
    });
    return m;
  }

  /** Soft-deletes a message for everyone (the sender only) and announces `messageDeleted`. */
  deleteMessage(userId: string, messageId: string): { messageId: string; deletedAt: string } {
    const m = this.visibleMessage(userId, messageId);
    if (m.senderId !== userId) throw forbidden('Only the sender can delete a message.');
    if (m.isDeleted) throw conflict('The message is already deleted.');
    const deletedAt = this.nowIso();
    m.isDeleted = true;
    m.deletedAt = deletedAt;
    m.deletedMs = this.clock();
    m.updatedAt = deletedAt;
    this.sink.chat(m.conversationId, 'messageDeleted', {
      messageId: m.id,
      conversationId: m.conversationId,
      deleteType: 'recall',
      deletedBy: userId,
      deletedAt,
    });
    return { messageId: m.id, deletedAt };
  }

  /** Recovers a deleted message within 10 minutes (the sender only) and announces `messageRecovered`. */
  recoverMessage(userId: string, messageId: string): StoredMessage {
    const m = this.visibleMessage(userId, messageId);
    if (m.senderId !== userId) throw forbidden('Only the sender can recover a message.');
    if (!m.isDeleted) throw badRequest('The message is not deleted.');
    if (this.clock() - (m.deletedMs ?? 0) > RECOVER_WINDOW_MS) throw badRequest('A message can only be recovered within 10 minutes of its deletion.');
    m.isDeleted = false;
    m.deletedAt = null;
    m.deletedMs = null;
    m.updatedAt = this.nowIso();
    this.sink.chat(m.conversationId, 'messageRecovered', this.toChatMessageDto(m));
    return m;
  }

  /** Adds the caller's reaction (409 when already there) and announces `reactionAdded`. */
  addReaction(userId: string, messageId: string, emoji: string): void {
    const m = this.visibleMessage(userId, messageId);
    requireText('emoji', emoji);
    const who = m.reactions.get(emoji) ?? [];
    if (who.includes(userId)) throw conflict(`You already reacted with ${emoji}.`);
    who.push(userId);
    m.reactions.set(emoji, who);
    this.sink.chat(m.conversationId, 'reactionAdded', {
      messageId: m.id,
      conversationId: m.conversationId,
      participantId: userId,
      participantName: this.displayName(userId),
      emoji,
      createdAt: this.nowIso(),
    });
  }

  /** Removes the caller's reaction (404 when not there) and announces `reactionRemoved`. */
  removeReaction(userId: string, messageId: string, emoji: string): void {
    const m = this.visibleMessage(userId, messageId);
    const who = m.reactions.get(emoji) ?? [];
    const index = who.indexOf(userId);
    if (index < 0) throw notFound(`You have not reacted with ${emoji}.`);
    who.splice(index, 1);
    if (who.length === 0) m.reactions.delete(emoji);
    this.sink.chat(m.conversationId, 'reactionRemoved', {
      messageId: m.id,
      conversationId: m.conversationId,
      participantId: userId,
      participantName: this.displayName(userId),
      emoji,
      removedAt: this.nowIso(),
    });
  }

  /** `typingStarted` / `typingStopped` to the conversation's other joined connections. */
  typing(userId: string, conversationId: string, started: boolean, exceptConnectionId?: string): void {
    const c = this.memberConversation(userId, conversationId, true);
    this.sink.chat(
      c.id,
      started ? 'typingStarted' : 'typingStopped',
      { conversationId: c.id, participantId: userId, participantName: this.displayName(userId) },
      exceptConnectionId,
    );
  }

  // ---------------------------------------------------------------- mapping

  /** The REST shape of a stored message. */
  toMessageDto(m: StoredMessage): MessageDto {
    const groups = [...m.reactions].map(([emoji, ids]) => ({ emoji, count: ids.length, participantIds: [...ids] }));
    return {
      id: m.id,
      conversationId: m.conversationId,
      senderId: m.senderId,
      senderType: m.senderType,
      timestamp: m.createdAt,
      blocks: m.isDeleted ? [] : m.blocks,
      plainTextIndex: m.isDeleted ? null : m.plainText,
      replyToMessageId: m.replyToMessageId,
      quickReplies: m.quickReplies,
      isEdited: m.isEdited,
      editedAt: m.editedAt,
      isDeleted: m.isDeleted,
      deletedAt: m.deletedAt,
      reactionSummary: groups.length > 0 ? { groups, totalCount: groups.reduce((n, g) => n + g.count, 0) } : null,
      mentions: m.mentions,
      createdAt: m.createdAt,
      updatedAt: m.updatedAt,
      clientMessageId: m.clientMessageId,
      systemEvent: m.systemEvent
        ? { type: m.systemEvent.type, actorId: m.systemEvent.actorId, ...(m.systemEvent.targetIds ? { targetIds: m.systemEvent.targetIds } : {}), ...(m.systemEvent.metadata ? { metadata: m.systemEvent.metadata } : {}) }
        : null,
    };
  }

  /** The hub shape of a stored message. */
  toChatMessageDto(m: StoredMessage): ChatMessageDto {
    const sender = this.participants.get(m.senderId);
    const reactions = [...m.reactions].map(([emoji, ids]) => ({ emoji, count: ids.length, participantIds: [...ids] }));
    return {
      id: m.id,
      conversationId: m.conversationId,
      senderId: m.senderId,
      senderName: m.senderType === 'System' && !sender ? 'System' : this.displayName(m.senderId),
      senderType: m.senderType,
      blocks: m.blocks,
      plainTextContent: m.plainText,
      replyToMessageId: m.replyToMessageId,
      quickReplies: m.quickReplies,
      isEdited: m.isEdited,
      reactions: reactions.length > 0 ? reactions : null,
      mentions: m.mentions,
      createdAt: m.createdAt,
      updatedAt: m.isEdited ? m.updatedAt : null,
      clientMessageId: m.clientMessageId,
      systemEvent: m.systemEvent,
      ...(sender?.avatar ? { senderAvatar: sender.avatar } : {}),
    };
  }

  private toParticipantDto(p: StoredParticipant): ParticipantDto {
    const online = this.isOnline(p.id);
    return {
      id: p.id,
      uniqueName: p.uniqueName,
      fullName: p.fullName,
      isBot: p.isBot,
      isOnline: online,
      lastSeenAt: online ? null : p.lastSeenAt,
      createdAt: p.createdAt,
      updatedAt: p.updatedAt,
      ...(p.avatar ? { avatar: p.avatar } : {}),
      ...(p.gender !== undefined ? { gender: p.gender } : {}),
    };
  }

  private toConversationDto(c: StoredConversation): ConversationDto {
    return {
      id: c.id,
      type: c.type,
      ownerId: c.ownerId,
      lastMessageAt: c.lastMessageAt,
      lastMessageId: c.lastMessageId,
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
      participants: [...c.members.values()].map(toMemberDto),
      ...(c.name !== undefined ? { name: c.name } : {}),
      ...(c.avatar ? { avatar: c.avatar } : {}),
    };
  }

  private toListItem(c: StoredConversation, member: StoredMember): ConversationListItemDto {
    const last = c.lastMessageId !== null ? this.messages.get(c.lastMessageId) : undefined;
    return {
      id: c.id,
      type: c.type,
      lastMessageAt: c.lastMessageAt,
      lastMessageId: c.lastMessageId,
      lastMessage: last ? this.toMessageDto(last) : null,
      isPinned: member.isPinned,
      pinnedAt: member.pinnedAt,
      unreadCount: member.unreadCount,
      participantCount: this.activeMemberIds(c).length,
      ...(c.name !== undefined ? { name: c.name } : {}),
      ...(c.avatar ? { avatar: c.avatar } : {}),
    };
  }

  private createdDto(c: StoredConversation): Record<string, unknown> {
    return {
      conversationId: c.id,
      type: c.type,
      participantCount: this.activeMemberIds(c).length,
      ...(c.name !== undefined ? { name: c.name } : {}),
      ...(c.avatar ? { avatar: c.avatar } : {}),
    };
  }

  private participantChange(c: StoredConversation, participantId: string, changedAt: string): Record<string, unknown> {
    const p = this.participants.get(participantId);
    return {
      conversationId: c.id,
      participantId,
      participantName: this.displayName(participantId),
      changedAt,
      ...(p?.avatar ? { participantAvatar: p.avatar } : {}),
    };
  }

  // ---------------------------------------------------------------- helpers

  private newMember(participantId: string, historyFromMs: number): StoredMember {
    return {
      participantId,
      joinedAt: this.nowIso(),
      leftAt: null,
      isActive: true,
      isPinned: false,
      pinnedAt: null,
      lastReadMessageId: null,
      lastReadAt: null,
      unreadCount: 0,
      historyFromMs,
    };
  }

  private activeMemberIds(c: StoredConversation): string[] {
    const out: string[] = [];
    for (const [id, m] of c.members) if (m.isActive) out.push(id);
    return out;
  }

  private memberConversation(userId: string, id: string, mustBeActive: boolean): StoredConversation {
    const c = this.conversations.get(id);
    if (!c) throw notFound(`Conversation '${id}' was not found.`);
    const member = c.members.get(userId);
    if (!member || (mustBeActive && !member.isActive)) throw forbidden('You are not a participant of this conversation.');
    return c;
  }

  private visibleMessage(userId: string, messageId: string): StoredMessage {
    const m = this.messages.get(messageId);
    if (!m) throw notFound(`Message '${messageId}' was not found.`);
    const c = this.memberConversation(userId, m.conversationId, true);
    const member = c.members.get(userId) as StoredMember;
    if (m.createdMs < member.historyFromMs) throw notFound(`Message '${messageId}' was not found.`);
    return m;
  }
}

function toMemberDto(m: StoredMember): ConversationParticipantDto {
  return {
    participantId: m.participantId,
    joinedAt: m.joinedAt,
    leftAt: m.leftAt,
    isActive: m.isActive,
    isPinned: m.isPinned,
    pinnedAt: m.pinnedAt,
    lastReadMessageId: m.lastReadMessageId,
    lastReadAt: m.lastReadAt,
    unreadCount: m.unreadCount,
  };
}

function compareListRows(a: { c: StoredConversation; m: StoredMember }, b: { c: StoredConversation; m: StoredMember }): number {
  if (a.m.isPinned !== b.m.isPinned) return a.m.isPinned ? -1 : 1;
  if (a.m.isPinned && b.m.isPinned && a.m.pinnedAt !== b.m.pinnedAt) return compareIsoDateTimes(b.m.pinnedAt ?? '', a.m.pinnedAt ?? '');
  const at = a.c.lastMessageAt ?? a.c.createdAt;
  const bt = b.c.lastMessageAt ?? b.c.createdAt;
  if (at !== bt) return compareIsoDateTimes(bt, at) || (a.c.id < b.c.id ? 1 : -1);
  return a.c.id < b.c.id ? 1 : -1;
}

function pageSize(limit: number | undefined, fallback: number): number {
  if (limit === undefined) return fallback;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw badRequest(`The limit must be between 1 and ${MAX_PAGE}.`, { limit: [`The field limit must be between 1 and ${MAX_PAGE}.`] });
  }
  return limit;
}

/** Parses a `"<UnixMs>_<ULID>"` cursor or throws a 400 naming the cursor. */
export function parseCursor(cursor: string): { ms: number; id: string } {
  const match = CURSOR.exec(cursor);
  if (!match) throw badRequest('The cursor is not valid.', { cursor: ['The cursor must look like "<UnixMs>_<ULID>".'] });
  return { ms: Number(match[1]), id: match[2] as string };
}

/**
 * Binary search in messages sorted by id: the index of the first message whose id is ≥ `id`, or,
 * with `after`, > `id`.
 */
function indexById(messages: readonly StoredMessage[], id: string, after = false): number {
  let lo = 0;
  let hi = messages.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const midId = (messages[mid] as StoredMessage).id;
    if (midId < id || (after && midId === id)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function requireText(field: string, value: unknown): void {
  if (typeof value !== 'string' || value.trim() === '') throw badRequest(`The ${field} field is required.`, { [field]: [`The ${field} field is required.`] });
}

/**
 * How deep a custom block's `data` may nest (the data object is level 1). A server writes at most
 * 64 levels (System.Text.Json's `MaxDepth` applies to output too), and the deepest place a stored
 * block is written is a conversation list item's `lastMessage`, whose blocks' `data` object sits at
 * level 7: deeper data would be stored and then break every read of its conversation.
 */
const MAX_DATA_DEPTH = MAX_JSON_DEPTH - 6;

function validateBlocks(blocks: readonly Block[]): void {
  if (blocks.length === 0) throw badRequest('A message needs at least one block.', { blocks: ['At least one block is required.'] });
  blocks.forEach((block, i) => {
    if (block.$type === 'custom' && pathBeyondDepth((block as { data?: unknown }).data, MAX_DATA_DEPTH) !== null) {
      const message = `The data may be nested at most ${MAX_DATA_DEPTH} levels deep.`;
      throw badRequest(message, { [`blocks.${i}.data`]: [message] });
    }
  });
}

function validateNewMessage(request: NewMessage): void {
  validateBlocks(request.blocks);
  if (request.clientMessageId != null && request.clientMessageId.length > 128) {
    throw badRequest('clientMessageId is longer than 128 characters.', { clientMessageId: ['The field clientMessageId must be a string with a maximum length of 128.'] });
  }
}

export { GatewayError };
