/**
 * What a {@link FakeChatServer} does to messages — post, edit, delete, recover, react, read,
 * type — and what it broadcasts for each, as the embedded gateway does. Internal to
 * `chat-client-rx/testing`.
 */
import type { SchedulerLike } from 'rxjs';
import type { Block, Mention, QuickReply } from '../codecs/index.js';
import { FakeChatServerError } from './fake-chat-server-error.js';
import type { FakeHubRegistry } from './fake-hub-registry.js';
import { plainTextOrNull, RECOVER_WINDOW_MS } from '../gateway/chat-rules.js';
import { toChatMessageDto } from '../gateway/dto-mapping.js';
import { addReactionTo, applyDelete, applyEdit, applyRecover, reactionPayload, removeReactionFrom } from '../gateway/message-changes.js';
import type { StoredConversation, StoredMessage } from './fake-records.js';

/** What the message operations need from their server. */
export interface MessageOpsContext {
  readonly scheduler: SchedulerLike;
  readonly registry: FakeHubRegistry;
  /** A participant's display name. */
  nameOf(participantId: string): string;
  typeOf(participantId: string): 'User' | 'Bot';
  /** The conversation for one of its members (throws 404 / 403). */
  conversation(participantId: string, conversationId: string): StoredConversation;
}

/** Options of a post, as `FakePostOptions`. */
export interface PostFields {
  readonly clientMessageId?: string | null | undefined;
  readonly replyToMessageId?: string | null | undefined;
  readonly mentions?: readonly Mention[] | null | undefined;
  readonly quickReplies?: readonly QuickReply[] | null | undefined;
}

/** The messages of one fake server, by id, and the operations on them. */
export class MessageOps {
  private readonly byId = new Map<string, StoredMessage>();
  /** `<conversation>\0<sender>\0<clientMessageId>` → message id. */
  private readonly clientIds = new Map<string, string>();
  private count = 0;

  constructor(private readonly ctx: MessageOpsContext) {}

  find(messageId: string): StoredMessage | undefined {
    return this.byId.get(messageId);
  }

  post(conversationId: string, senderId: string, blocks: Block[], options: PostFields): StoredMessage {
    const c = this.ctx.conversation(senderId, conversationId);
    if (blocks.length === 0) throw new FakeChatServerError(400, 'A message needs at least one block.');
    const clientMessageId = options.clientMessageId ?? null;
    const key = clientMessageId === null ? undefined : `${c.id}\u0000${senderId}\u0000${clientMessageId}`;
    const previous = key === undefined ? undefined : this.byId.get(this.clientIds.get(key) ?? '');
    if (previous) return previous;
    const replyTo = options.replyToMessageId ?? null;
    if (replyTo !== null && this.byId.get(replyTo)?.conversationId !== c.id) {
      throw new FakeChatServerError(400, `Message '${replyTo}' to reply to was not found.`);
    }
    const nowMs = this.ctx.scheduler.now();
    const createdAt = new Date(nowMs).toISOString();
    this.count += 1;
    const message: StoredMessage = {
      id: `m${String(this.count).padStart(6, '0')}`,
      conversationId: c.id,
      senderId,
      senderType: this.ctx.typeOf(senderId),
      blocks,
      plainText: plainTextOrNull(blocks),
      replyToMessageId: replyTo,
      quickReplies: options.quickReplies ? [...options.quickReplies] : null,
      mentions: options.mentions ? [...options.mentions] : null,
      clientMessageId,
      createdAt,
      createdMs: nowMs,
      updatedAt: createdAt,
      isEdited: false,
      editedAt: null,
      isDeleted: false,
      deletedAt: null,
      deletedMs: null,
      reactions: new Map(),
    };
    c.messages.push(message);
    this.byId.set(message.id, message);
    if (key !== undefined) this.clientIds.set(key, message.id);
    this.ctx.registry.toConversation(c.id, 'messageReceived', toChatMessageDto(message, this.ctx.nameOf(senderId)));
    this.announce(c, message);
    return message;
  }

  edit(messageId: string, editorId: string, blocks: Block[], mentions: readonly Mention[] | null | undefined): StoredMessage {
    const m = this.ownMessage(editorId, messageId, 'edit');
    if (m.isDeleted) throw new FakeChatServerError(400, 'A deleted message cannot be edited.');
    if (blocks.length === 0) throw new FakeChatServerError(400, 'A message needs at least one block.');
    this.ctx.registry.toConversation(m.conversationId, 'messageUpdated', applyEdit(m, blocks, mentions, this.nowIso()));
    return m;
  }

  delete(messageId: string, deleterId: string): StoredMessage {
    const m = this.ownMessage(deleterId, messageId, 'delete');
    if (m.isDeleted) throw new FakeChatServerError(409, 'The message is already deleted.');
    const deletedAt = this.nowIso();
    this.ctx.registry.toConversation(m.conversationId, 'messageDeleted', applyDelete(m, deleterId, deletedAt, this.ctx.scheduler.now()));
    return m;
  }

  recover(messageId: string, participantId: string): StoredMessage {
    const m = this.ownMessage(participantId, messageId, 'recover');
    if (!m.isDeleted) throw new FakeChatServerError(400, 'The message is not deleted.');
    if (this.ctx.scheduler.now() - (m.deletedMs ?? 0) > RECOVER_WINDOW_MS) {
      throw new FakeChatServerError(400, 'A message can only be recovered within 10 minutes of its deletion.');
    }
    applyRecover(m, this.nowIso());
    this.ctx.registry.toConversation(m.conversationId, 'messageRecovered', toChatMessageDto(m, this.ctx.nameOf(m.senderId)));
    return m;
  }

  addReaction(messageId: string, participantId: string, emoji: string): void {
    const m = this.visible(participantId, messageId);
    if (!addReactionTo(m, participantId, emoji)) throw new FakeChatServerError(409, `You already reacted with ${emoji}.`);
    this.ctx.registry.toConversation(m.conversationId, 'reactionAdded', {
      ...reactionPayload(m, participantId, this.ctx.nameOf(participantId), emoji),
      createdAt: this.nowIso(),
    });
  }

  removeReaction(messageId: string, participantId: string, emoji: string): void {
    const m = this.visible(participantId, messageId);
    if (!removeReactionFrom(m, participantId, emoji)) throw new FakeChatServerError(404, `You have not reacted with ${emoji}.`);
    this.ctx.registry.toConversation(m.conversationId, 'reactionRemoved', {
      ...reactionPayload(m, participantId, this.ctx.nameOf(participantId), emoji),
      removedAt: this.nowIso(),
    });
  }

  markAsRead(conversationId: string, participantId: string, messageId: string): void {
    const c = this.ctx.conversation(participantId, conversationId);
    if (this.byId.get(messageId)?.conversationId !== c.id) {
      throw new FakeChatServerError(404, `Message '${messageId}' was not found in this conversation.`);
    }
    const previous = c.lastRead.get(participantId);
    const lastRead = previous === undefined || previous < messageId ? messageId : previous;
    c.lastRead.set(participantId, lastRead);
    const unread = c.messages.filter((m) => m.id > lastRead && m.senderId !== participantId).length;
    c.unread.set(participantId, unread);
    const readAt = this.nowIso();
    this.ctx.registry.toParticipants([participantId], 'readStatusChanged', {
      conversationId: c.id,
      lastReadMessageId: lastRead,
      unreadCount: unread,
      markedAsUnread: false,
    });
    this.ctx.registry.toConversation(c.id, 'readReceiptUpdated', {
      conversationId: c.id,
      participantId,
      lastReadMessageId: lastRead,
      readAt,
    });
  }

  typing(conversationId: string, participantId: string, started: boolean): void {
    const c = this.ctx.conversation(participantId, conversationId);
    const payload = { conversationId: c.id, participantId, participantName: this.ctx.nameOf(participantId) };
    this.ctx.registry.toConversation(c.id, started ? 'typingStarted' : 'typingStopped', payload);
  }

  private nowIso(): string {
    return new Date(this.ctx.scheduler.now()).toISOString();
  }

  /** The message, for a member of its conversation: 404 when unknown, 403 for others. */
  private visible(participantId: string, messageId: string): StoredMessage {
    const m = this.byId.get(messageId);
    if (!m) throw new FakeChatServerError(404, `Message '${messageId}' was not found.`);
    this.ctx.conversation(participantId, m.conversationId);
    return m;
  }

  /** The message, for its sender only. */
  private ownMessage(participantId: string, messageId: string, action: string): StoredMessage {
    const m = this.visible(participantId, messageId);
    if (m.senderId !== participantId) throw new FakeChatServerError(403, `Only the sender can ${action} a message.`);
    return m;
  }

  /** `unreadCountChanged` and `newMessageNotification` to the other members' notification hubs. */
  private announce(c: StoredConversation, m: StoredMessage): void {
    const others = c.members.filter((id) => id !== m.senderId);
    for (const memberId of others) {
      const unreadCount = (c.unread.get(memberId) ?? 0) + 1;
      c.unread.set(memberId, unreadCount);
      this.ctx.registry.toParticipants([memberId], 'unreadCountChanged', {
        conversationId: c.id,
        unreadCount,
        lastMessageAt: m.createdAt,
        lastMessageId: m.id,
      });
    }
    this.ctx.registry.toParticipants(others, 'newMessageNotification', {
      conversationId: c.id,
      conversationType: c.type,
      messageId: m.id,
      senderId: m.senderId,
      senderName: this.ctx.nameOf(m.senderId),
      contentPreview: (m.plainText ?? '').slice(0, 100),
      sentAt: m.createdAt,
      ...(c.name !== undefined ? { conversationName: c.name } : {}),
    });
  }
}
