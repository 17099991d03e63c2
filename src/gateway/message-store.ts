import type { Block, CursorPaginatedResult, Mention, MessageDto, SystemEventDto, SystemEventType } from '../codecs/index.js';
import {
  activeMemberIds,
  type ChatContext,
  type NewMessage,
  type StoredConversation,
  type StoredMember,
  type StoredMessage,
} from './chat-records.js';
import {
  indexById,
  pageSize,
  parseCursor,
  plainTextOrNull,
  RECOVER_WINDOW_MS,
  requireText,
  validateBlocks,
  validateNewMessage,
} from './chat-rules.js';
import type { ConversationStore } from './conversation-store.js';
import { toMessageDto, type DtoMapper } from './dto-mapping.js';
import { badRequest, conflict, forbidden, notFound } from './gateway-error.js';
import { historyPageOf } from './history-paging.js';
import { addReactionTo, applyDelete, applyEdit, applyRecover, reactionPayload, removeReactionFrom } from './message-changes.js';
import type { ParticipantStore } from './participant-store.js';

type MessageFields = Pick<
  StoredMessage,
  'senderId' | 'senderType' | 'blocks' | 'replyToMessageId' | 'quickReplies' | 'mentions' | 'clientMessageId' | 'systemEvent'
> & { id?: string };

/** The gateway's messages and their reactions: sending, history, search, edit, delete, recover. */
export class MessageStore {
  private readonly messages = new Map<string, StoredMessage>();
  private readonly clientIds = new Map<string, string>();

  constructor(
    private readonly ctx: ChatContext,
    private readonly participants: ParticipantStore,
    private readonly conversations: ConversationStore,
    private readonly mapper: DtoMapper,
    private readonly onUserMessage: ((message: StoredMessage) => void) | undefined,
  ) {}

  /** The stored message (no access check), or undefined. */
  get(messageId: string): StoredMessage | undefined {
    return this.messages.get(messageId);
  }

  /** Stores a message and announces it; a repeated `clientMessageId` returns the first message. */
  send(userId: string, conversationId: string, request: NewMessage): { message: StoredMessage; created: boolean } {
    const c = this.conversations.memberConversation(userId, conversationId, true);
    validateNewMessage(request);
    if (request.clientMessageId != null) {
      const previous = this.clientIds.get(`${c.id}\u0000${userId}\u0000${request.clientMessageId}`);
      const found = previous !== undefined ? this.messages.get(previous) : undefined;
      if (found) return { message: found, created: false };
    }
    if (request.replyToMessageId != null) {
      const target = this.messages.get(request.replyToMessageId);
      if (!target || target.conversationId !== c.id)
        throw badRequest(`Message '${request.replyToMessageId}' to reply to was not found.`, { replyToMessageId: ['Unknown message.'] });
    }
    const sender = this.participants.get(userId);
    const message = this.store(c, {
      senderId: userId,
      senderType: sender?.isBot ? 'Bot' : 'User',
      blocks: request.blocks,
      replyToMessageId: request.replyToMessageId ?? null,
      quickReplies: request.quickReplies ?? null,
      mentions: request.mentions ?? null,
      clientMessageId: request.clientMessageId ?? null,
      systemEvent: null,
    });
    this.ctx.sink.chat(c.id, 'messageReceived', this.mapper.toChatMessageDto(message));
    if (message.senderType === 'User') this.onUserMessage?.(message);
    return { message, created: true };
  }

  /** Stores a bot's finished streamed reply under its pre-allocated id (announced to members, not as `messageReceived`). */
  storeStreamed(botId: string, conversationId: string, messageId: string, text: string, replyToMessageId: string | null): StoredMessage {
    const c = this.conversations.find(conversationId);
    if (!c) throw notFound(`Conversation '${conversationId}' was not found.`);
    return this.store(c, {
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

  /** Posts a system message (member added, left, renamed…) and announces it as `messageReceived`. */
  systemMessage(
    c: StoredConversation,
    actorId: string | null,
    type: SystemEventType,
    targetIds: string[],
    metadata?: Record<string, unknown>,
  ): void {
    const systemEvent: SystemEventDto = {
      type,
      actorId,
      targetIds,
      ...(metadata ? { metadata } : {}),
      ...(actorId !== null ? { actorName: this.participants.displayName(actorId) } : {}),
      targetNames: targetIds.map((id) => this.participants.displayName(id)),
    };
    const message = this.store(c, {
      senderId: actorId ?? 'system',
      senderType: 'System',
      blocks: [],
      replyToMessageId: null,
      quickReplies: null,
      mentions: null,
      clientMessageId: null,
      systemEvent,
    });
    this.ctx.sink.chat(c.id, 'messageReceived', this.mapper.toChatMessageDto(message));
  }

  /** A page of history: `older` (default) newest first from the cursor, `newer` oldest first after it. */
  history(
    userId: string,
    conversationId: string,
    options: { limit?: number; cursor?: string; direction?: 'older' | 'newer' },
  ): CursorPaginatedResult<MessageDto> {
    const c = this.conversations.memberConversation(userId, conversationId, true);
    const member = c.members.get(userId) as StoredMember;
    const size = pageSize(options.limit, 50);
    const from = options.cursor !== undefined ? parseCursor(options.cursor).id : undefined;
    return historyPageOf(c.messages, { from, direction: options.direction ?? 'older', size, historyFromMs: member.historyFromMs });
  }

  /** Messages whose plain text contains `query` (case-insensitive), newest first. */
  search(userId: string, conversationId: string, query: string, limit: number | undefined): MessageDto[] {
    const c = this.conversations.memberConversation(userId, conversationId, true);
    const member = c.members.get(userId) as StoredMember;
    const needle = query.trim().toLowerCase();
    if (needle === '') throw badRequest('The search query must not be empty.', { q: ['The q field is required.'] });
    const size = pageSize(limit, 20);
    const out: MessageDto[] = [];
    for (let i = c.messages.length - 1; i >= 0 && out.length < size; i--) {
      const m = c.messages[i] as StoredMessage;
      if (m.isDeleted || m.createdMs < member.historyFromMs) continue;
      if ((m.plainText ?? '').toLowerCase().includes(needle)) out.push(toMessageDto(m));
    }
    return out;
  }

  /** Edits a message's blocks (the sender only) and announces `messageUpdated`. */
  edit(userId: string, messageId: string, blocks: Block[], mentions: Mention[] | null | undefined): StoredMessage {
    const m = this.visibleMessage(userId, messageId);
    if (m.senderId !== userId) throw forbidden('Only the sender can edit a message.');
    if (m.isDeleted) throw badRequest('A deleted message cannot be edited.');
    validateBlocks(blocks);
    this.ctx.sink.chat(m.conversationId, 'messageUpdated', applyEdit(m, blocks, mentions, this.ctx.nowIso()));
    return m;
  }

  /** Soft-deletes a message for everyone (the sender only) and announces `messageDeleted`. */
  delete(userId: string, messageId: string): { messageId: string; deletedAt: string } {
    const m = this.visibleMessage(userId, messageId);
    if (m.senderId !== userId) throw forbidden('Only the sender can delete a message.');
    if (m.isDeleted) throw conflict('The message is already deleted.');
    const deletedAt = this.ctx.nowIso();
    this.ctx.sink.chat(m.conversationId, 'messageDeleted', applyDelete(m, userId, deletedAt, this.ctx.clock()));
    return { messageId: m.id, deletedAt };
  }

  /** Recovers a deleted message within 10 minutes (the sender only) and announces `messageRecovered`. */
  recover(userId: string, messageId: string): StoredMessage {
    const m = this.visibleMessage(userId, messageId);
    if (m.senderId !== userId) throw forbidden('Only the sender can recover a message.');
    if (!m.isDeleted) throw badRequest('The message is not deleted.');
    if (this.ctx.clock() - (m.deletedMs ?? 0) > RECOVER_WINDOW_MS)
      throw badRequest('A message can only be recovered within 10 minutes of its deletion.');
    applyRecover(m, this.ctx.nowIso());
    this.ctx.sink.chat(m.conversationId, 'messageRecovered', this.mapper.toChatMessageDto(m));
    return m;
  }

  /** Adds the caller's reaction (409 when already there) and announces `reactionAdded`. */
  addReaction(userId: string, messageId: string, emoji: string): void {
    const m = this.visibleMessage(userId, messageId);
    requireText('emoji', emoji);
    if (!addReactionTo(m, userId, emoji)) throw conflict(`You already reacted with ${emoji}.`);
    this.ctx.sink.chat(m.conversationId, 'reactionAdded', {
      ...reactionPayload(m, userId, this.participants.displayName(userId), emoji),
      createdAt: this.ctx.nowIso(),
    });
  }

  /** Removes the caller's reaction (404 when not there) and announces `reactionRemoved`. */
  removeReaction(userId: string, messageId: string, emoji: string): void {
    const m = this.visibleMessage(userId, messageId);
    if (!removeReactionFrom(m, userId, emoji)) throw notFound(`You have not reacted with ${emoji}.`);
    this.ctx.sink.chat(m.conversationId, 'reactionRemoved', {
      ...reactionPayload(m, userId, this.participants.displayName(userId), emoji),
      removedAt: this.ctx.nowIso(),
    });
  }

  /** The message, for an active member allowed to see it (404 otherwise, 403 for non-members). */
  visibleMessage(userId: string, messageId: string): StoredMessage {
    const m = this.messages.get(messageId);
    if (!m) throw notFound(`Message '${messageId}' was not found.`);
    const c = this.conversations.memberConversation(userId, m.conversationId, true);
    const member = c.members.get(userId) as StoredMember;
    if (m.createdMs < member.historyFromMs) throw notFound(`Message '${messageId}' was not found.`);
    return m;
  }

  private store(c: StoredConversation, fields: MessageFields): StoredMessage {
    const nowMs = this.ctx.clock();
    const id = fields.id !== undefined && !this.messages.has(fields.id) ? fields.id : this.ctx.newId();
    const createdAt = this.ctx.formatIso(nowMs);
    const message: StoredMessage = {
      ...fields,
      id,
      conversationId: c.id,
      plainText: plainTextOrNull(fields.blocks),
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
    this.announce(c, message);
    return message;
  }

  /** `unreadCountChanged` and `newMessageNotification` to the other members, `mentionedNotification` to those mentioned. */
  private announce(c: StoredConversation, message: StoredMessage): void {
    const { id, createdAt } = message;
    const others = activeMemberIds(c).filter((m) => m !== message.senderId);
    for (const memberId of others) {
      const member = c.members.get(memberId) as StoredMember;
      member.unreadCount += 1;
      this.ctx.sink.notify([memberId], 'unreadCountChanged', {
        conversationId: c.id,
        unreadCount: member.unreadCount,
        lastMessageAt: createdAt,
        lastMessageId: id,
      });
    }
    const sender = this.participants.get(message.senderId);
    const preview = (message.plainText ?? '').slice(0, 100);
    this.ctx.sink.notify(others, 'newMessageNotification', {
      conversationId: c.id,
      conversationType: c.type,
      messageId: id,
      senderId: message.senderId,
      senderName: this.participants.displayName(message.senderId),
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
      this.ctx.sink.notify(mentionedMembers, 'mentionedNotification', {
        conversationId: c.id,
        messageId: id,
        senderId: message.senderId,
        senderName: this.participants.displayName(message.senderId),
        contentPreview: preview,
        sentAt: createdAt,
      });
    }
  }
}
