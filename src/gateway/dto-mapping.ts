/**
 * The wire shapes of the gateway's records. `toMessageDto` and `toChatMessageDto` are pure and
 * also serve the in-memory server of `chat-client-rx/testing` (this module imports nothing
 * Node-specific: keep it so).
 */
import type {
  ChatMessageDto,
  ConversationDto,
  ConversationListItemDto,
  ConversationParticipantDto,
  MediaReference,
  MessageDto,
  ParticipantDto,
  ReactionGroupDto,
} from '../codecs/index.js';
import {
  activeMemberIds,
  type MessageRecord,
  type StoredConversation,
  type StoredMember,
  type StoredMessage,
  type StoredParticipant,
} from './chat-records.js';
import type { ParticipantStore } from './participant-store.js';
import type { PresenceStore } from './presence-store.js';

/** A message's reactions, one group per emoji in reaction order, each with who reacted (copies). */
function reactionGroups(m: MessageRecord): ReactionGroupDto[] {
  return [...m.reactions].map(([emoji, ids]) => ({ emoji, count: ids.length, participantIds: [...ids] }));
}

/**
 * The REST shape of a stored message (a deleted one shows no blocks and no text; the blocks are a
 * copy). A message with no `systemEvent` (the testing kit's records) has `systemEvent: null`.
 */
export function toMessageDto(m: MessageRecord): MessageDto {
  const groups = reactionGroups(m);
  return {
    id: m.id,
    conversationId: m.conversationId,
    senderId: m.senderId,
    senderType: m.senderType,
    timestamp: m.createdAt,
    blocks: m.isDeleted ? [] : [...m.blocks],
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
      ? {
          type: m.systemEvent.type,
          actorId: m.systemEvent.actorId,
          ...(m.systemEvent.targetIds ? { targetIds: m.systemEvent.targetIds } : {}),
          ...(m.systemEvent.metadata ? { metadata: m.systemEvent.metadata } : {}),
        }
      : null,
  };
}

/**
 * The hub shape of a stored message (`messageReceived`, `messageRecovered`): the blocks are a copy,
 * `updatedAt` is set only once edited, `senderAvatar` only when there is one.
 *
 * @example
 * ```ts
 * toChatMessageDto(message, 'Alice').senderName; // 'Alice'
 * ```
 */
export function toChatMessageDto(m: MessageRecord, senderName: string, senderAvatar?: MediaReference): ChatMessageDto {
  const reactions = reactionGroups(m);
  return {
    id: m.id,
    conversationId: m.conversationId,
    senderId: m.senderId,
    senderName,
    senderType: m.senderType,
    blocks: [...m.blocks],
    plainTextContent: m.plainText,
    replyToMessageId: m.replyToMessageId,
    quickReplies: m.quickReplies,
    isEdited: m.isEdited,
    reactions: reactions.length > 0 ? reactions : null,
    mentions: m.mentions,
    createdAt: m.createdAt,
    updatedAt: m.isEdited ? m.updatedAt : null,
    clientMessageId: m.clientMessageId,
    systemEvent: m.systemEvent ?? null,
    ...(senderAvatar ? { senderAvatar } : {}),
  };
}

/** The REST shape of one membership. */
export function toMemberDto(m: StoredMember): ConversationParticipantDto {
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

/** The REST shape of a conversation, with every membership. */
export function toConversationDto(c: StoredConversation): ConversationDto {
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

/** The payload of `conversationCreated`. */
export function createdDto(c: StoredConversation): Record<string, unknown> {
  return {
    conversationId: c.id,
    type: c.type,
    participantCount: activeMemberIds(c).length,
    ...(c.name !== undefined ? { name: c.name } : {}),
    ...(c.avatar ? { avatar: c.avatar } : {}),
  };
}

/**
 * The mappings that need more than the record itself: names and avatars of participants,
 * presence, a conversation's last message.
 */
export class DtoMapper {
  constructor(
    private readonly participants: ParticipantStore,
    private readonly presence: PresenceStore,
    private readonly findMessage: (id: string) => StoredMessage | undefined,
  ) {}

  /** The hub shape of a stored message, with its sender's name and avatar. */
  toChatMessageDto(m: StoredMessage): ChatMessageDto {
    const sender = this.participants.get(m.senderId);
    const senderName = m.senderType === 'System' && !sender ? 'System' : this.participants.displayName(m.senderId);
    return toChatMessageDto(m, senderName, sender?.avatar);
  }

  /** The REST shape of a participant, with their presence. */
  toParticipantDto(p: StoredParticipant): ParticipantDto {
    const online = this.presence.isOnline(p.id);
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

  /** A conversation as one row of the caller's list. */
  toListItem(c: StoredConversation, member: StoredMember): ConversationListItemDto {
    const last = c.lastMessageId !== null ? this.findMessage(c.lastMessageId) : undefined;
    return {
      id: c.id,
      type: c.type,
      lastMessageAt: c.lastMessageAt,
      lastMessageId: c.lastMessageId,
      lastMessage: last ? toMessageDto(last) : null,
      isPinned: member.isPinned,
      pinnedAt: member.pinnedAt,
      unreadCount: member.unreadCount,
      participantCount: activeMemberIds(c).length,
      ...(c.name !== undefined ? { name: c.name } : {}),
      ...(c.avatar ? { avatar: c.avatar } : {}),
    };
  }

  /** The payload of `participantJoined` / `participantLeft`. */
  participantChange(c: StoredConversation, participantId: string, changedAt: string): Record<string, unknown> {
    const p = this.participants.get(participantId);
    return {
      conversationId: c.id,
      participantId,
      participantName: this.participants.displayName(participantId),
      changedAt,
      ...(p?.avatar ? { participantAvatar: p.avatar } : {}),
    };
  }
}
