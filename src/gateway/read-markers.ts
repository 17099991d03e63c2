import type { ChatContext, StoredMember } from './chat-records.js';
import type { ConversationStore } from './conversation-store.js';
import { notFound } from './gateway-error.js';
import type { MessageStore } from './message-store.js';

/** Each member's read marker and unread count: mark read up to a message, mark unread. */
export class ReadMarkers {
  constructor(
    private readonly ctx: ChatContext,
    private readonly conversations: ConversationStore,
    private readonly messages: MessageStore,
  ) {}

  /** Marks everything up to `messageId` read for the caller. */
  markAsRead(userId: string, id: string, messageId: string): void {
    const c = this.conversations.memberConversation(userId, id, true);
    const message = this.messages.get(messageId);
    if (!message || message.conversationId !== c.id) throw notFound(`Message '${messageId}' was not found in this conversation.`);
    const member = c.members.get(userId) as StoredMember;
    const readAt = this.ctx.nowIso();
    if (member.lastReadMessageId === null || member.lastReadMessageId < messageId) {
      member.lastReadMessageId = messageId;
      member.lastReadAt = readAt;
    }
    member.unreadCount = c.messages.filter(
      (m) => m.id > (member.lastReadMessageId ?? '') && m.senderId !== userId && m.createdMs >= member.historyFromMs,
    ).length;
    this.ctx.sink.notify([userId], 'readStatusChanged', {
      conversationId: c.id,
      lastReadMessageId: member.lastReadMessageId ?? messageId,
      unreadCount: member.unreadCount,
      markedAsUnread: false,
    });
    this.ctx.sink.chat(c.id, 'readReceiptUpdated', {
      conversationId: c.id,
      participantId: userId,
      lastReadMessageId: member.lastReadMessageId ?? messageId,
      readAt,
    });
  }

  /** Marks the conversation unread for the caller (at least one unread). */
  markAsUnread(userId: string, id: string): void {
    const c = this.conversations.memberConversation(userId, id, true);
    const member = c.members.get(userId) as StoredMember;
    member.unreadCount = Math.max(1, member.unreadCount);
    this.ctx.sink.notify([userId], 'readStatusChanged', {
      conversationId: c.id,
      unreadCount: member.unreadCount,
      markedAsUnread: true,
      ...(member.lastReadMessageId !== null ? { lastReadMessageId: member.lastReadMessageId } : {}),
    });
  }
}
