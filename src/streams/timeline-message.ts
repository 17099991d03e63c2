import type {
  Block,
  ChatMessageDto,
  DeleteType,
  MediaReference,
  Mention,
  MessageDto,
  QuickReply,
  ReactionGroupDto,
  SenderType,
  SystemEventDto,
} from '../codecs/index.js';

/**
 * Where a message in a timeline stands:
 * - `pending`: sent optimistically, no answer yet (its id is `local:<clientMessageId>`);
 * - `sent`: the server accepted it (ack or REST 201) and gave it its id;
 * - `confirmed`: it came back from the server (the hub echo, history) — every server message is;
 * - `failed`: sending failed (`error`); `retry()` sends it again with the same `clientMessageId`;
 * - `streaming`: a bot's reply still arriving (`plainText` grows);
 * - `aborted`: a bot's reply that stopped (`abortReason`), partial text kept.
 */
export type DeliveryStatus = 'pending' | 'sent' | 'confirmed' | 'failed' | 'streaming' | 'aborted';

/**
 * A message as a timeline holds it: one shape for REST `MessageDto`, hub `ChatMessageDto`, bot
 * streams and optimistic sends.
 */
export interface TimelineMessage {
  readonly id: string;
  readonly clientMessageId: string | null;
  readonly conversationId: string;
  readonly senderId: string;
  /** Null when only REST history carried it (REST has no sender name). */
  readonly senderName: string | null;
  readonly senderType: SenderType;
  readonly senderAvatar: MediaReference | null;
  readonly blocks: readonly Block[];
  readonly plainText: string | null;
  readonly replyToMessageId: string | null;
  readonly quickReplies: readonly QuickReply[] | null;
  readonly mentions: readonly Mention[] | null;
  readonly createdAt: string;
  readonly updatedAt: string | null;
  readonly isEdited: boolean;
  readonly isDeleted: boolean;
  readonly deletedAt: string | null;
  readonly deleteType: DeleteType | null;
  /** Reactions by emoji, with who reacted. */
  readonly reactions: readonly ReactionGroupDto[];
  readonly systemEvent: SystemEventDto | null;
  readonly status: DeliveryStatus;
  /** A streaming bot's last status text (e.g. `"thinking"`). */
  readonly streamStatus: string | null;
  readonly abortReason: string | null;
  /** Why sending failed (`status: 'failed'`). */
  readonly error: unknown;
}

/** A REST `MessageDto` as a timeline message (confirmed). */
export function fromMessageDto(dto: MessageDto): TimelineMessage {
  return {
    id: dto.id,
    clientMessageId: dto.clientMessageId,
    conversationId: dto.conversationId,
    senderId: dto.senderId,
    senderName: null,
    senderType: dto.senderType,
    senderAvatar: null,
    blocks: dto.blocks,
    plainText: dto.plainTextIndex,
    replyToMessageId: dto.replyToMessageId,
    quickReplies: dto.quickReplies,
    mentions: dto.mentions,
    createdAt: dto.createdAt,
    updatedAt: dto.editedAt ?? (dto.isEdited ? dto.updatedAt : null),
    isEdited: dto.isEdited,
    isDeleted: dto.isDeleted,
    deletedAt: dto.deletedAt,
    deleteType: dto.isDeleted ? 'recall' : null,
    reactions: dto.reactionSummary?.groups.map((g) => ({ emoji: g.emoji, count: g.count, participantIds: g.participantIds })) ?? [],
    systemEvent: dto.systemEvent,
    status: 'confirmed',
    streamStatus: null,
    abortReason: null,
    error: undefined,
  };
}

/** A hub `ChatMessageDto` as a timeline message (confirmed). */
export function fromChatMessageDto(dto: ChatMessageDto): TimelineMessage {
  return {
    id: dto.id,
    clientMessageId: dto.clientMessageId,
    conversationId: dto.conversationId,
    senderId: dto.senderId,
    senderName: dto.senderName,
    senderType: dto.senderType,
    senderAvatar: dto.senderAvatar ?? null,
    blocks: dto.blocks,
    plainText: dto.plainTextContent,
    replyToMessageId: dto.replyToMessageId,
    quickReplies: dto.quickReplies,
    mentions: dto.mentions,
    createdAt: dto.createdAt,
    updatedAt: dto.updatedAt,
    isEdited: dto.isEdited,
    isDeleted: false,
    deletedAt: null,
    deleteType: null,
    reactions: dto.reactions ?? [],
    systemEvent: dto.systemEvent,
    status: 'confirmed',
    streamStatus: null,
    abortReason: null,
    error: undefined,
  };
}

/** The fields a locally made message (an optimistic send, a stream placeholder) must give. */
export type LocalMessageFields = Pick<TimelineMessage, 'id' | 'conversationId' | 'senderId' | 'senderType' | 'createdAt' | 'status'> &
  Partial<TimelineMessage>;

/**
 * A timeline message made on the client (not received): an optimistic send or a bot stream's
 * placeholder. Everything not given is empty: no blocks, no reactions, not edited or deleted.
 */
export function localMessage(fields: LocalMessageFields): TimelineMessage {
  return {
    clientMessageId: null,
    senderName: null,
    senderAvatar: null,
    blocks: [],
    plainText: null,
    replyToMessageId: null,
    quickReplies: null,
    mentions: null,
    updatedAt: null,
    isEdited: false,
    isDeleted: false,
    deletedAt: null,
    deleteType: null,
    reactions: [],
    systemEvent: null,
    streamStatus: null,
    abortReason: null,
    error: undefined,
    ...fields,
  };
}
