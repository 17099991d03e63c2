/**
 * Small builders for the wire DTOs the state layer consumes, so reducer and operator tests read
 * as tables: `chatMessage(3)`, `chunk('s1', 0, 'Hel')`, … Ids are ULID-shaped and sort by the
 * number given (`ulid(2) < ulid(10)`), as the server's ids sort by time.
 */
import type {
  ChatMessageDto,
  ConversationListItemDto,
  MessageDto,
  StreamAbortedDto,
  StreamChunkReceivedDto,
  StreamCompletedDto,
  StreamStartedDto,
  StreamStatusUpdatedDto,
  TypingDto,
} from '../../src/codecs/index.js';
import type { BotStreamEvent } from '../../src/streams/accumulate-stream.js';

export const CONV = '01JCONV0000000000000000001';
export const OTHER_CONV = '01JCONV0000000000000000002';
export const ALICE = 'alice';
export const BOB = 'bob';
export const BOT = 'echo-bot';

/** A ULID-shaped id that sorts by `n`. */
export function ulid(n: number): string {
  return `01JMSG${String(n).padStart(20, '0')}`;
}

/** An ISO time `n` seconds after a fixed start, so times sort with `n`. */
export function at(n: number): string {
  return new Date(Date.UTC(2025, 2, 26, 15, 0, 0) + n * 1000).toISOString();
}

const text = (content: string) => ({ $type: 'text' as const, format: 'Plain' as const, content, plainText: content });

/** A hub message number `n` (id `ulid(n)`, text `m<n>`). */
export function chatMessage(n: number, patch: Partial<ChatMessageDto> = {}): ChatMessageDto {
  return {
    id: ulid(n),
    conversationId: CONV,
    senderId: BOB,
    senderName: 'Bob',
    senderType: 'User',
    blocks: [text(`m${n}`)],
    plainTextContent: `m${n}`,
    replyToMessageId: null,
    quickReplies: null,
    isEdited: false,
    reactions: null,
    mentions: null,
    createdAt: at(n),
    updatedAt: null,
    clientMessageId: null,
    systemEvent: null,
    ...patch,
  };
}

/** The REST copy of message number `n`. */
export function restMessage(n: number, patch: Partial<MessageDto> = {}): MessageDto {
  return {
    id: ulid(n),
    conversationId: CONV,
    senderId: BOB,
    senderType: 'User',
    timestamp: at(n),
    blocks: [text(`m${n}`)],
    plainTextIndex: `m${n}`,
    replyToMessageId: null,
    quickReplies: null,
    isEdited: false,
    editedAt: null,
    isDeleted: false,
    deletedAt: null,
    reactionSummary: null,
    mentions: null,
    createdAt: at(n),
    updatedAt: at(n),
    clientMessageId: null,
    systemEvent: null,
    ...patch,
  };
}

export function started(streamId: string, messageId = `msg-${streamId}`, conversationId = CONV): BotStreamEvent {
  const dto: StreamStartedDto = { streamId, messageId, conversationId, senderId: BOT, senderName: 'Echo Bot', startedAt: at(100) };
  return { type: 'started', dto };
}

export function status(streamId: string, value: string, messageId = `msg-${streamId}`): BotStreamEvent {
  const dto: StreamStatusUpdatedDto = { streamId, messageId, conversationId: CONV, status: value, updatedAt: at(101) };
  return { type: 'status', dto };
}

export function chunk(streamId: string, chunkIndex: number, value: string, messageId = `msg-${streamId}`): BotStreamEvent {
  const dto: StreamChunkReceivedDto = { streamId, messageId, conversationId: CONV, text: value, chunkIndex };
  return { type: 'chunk', dto };
}

export function completed(streamId: string, message: ChatMessageDto, messageId = `msg-${streamId}`): BotStreamEvent {
  const dto: StreamCompletedDto = { streamId, messageId, conversationId: CONV, message, completedAt: at(110) };
  return { type: 'completed', dto };
}

export function aborted(streamId: string, reason: string, messageId = `msg-${streamId}`): BotStreamEvent {
  const dto: StreamAbortedDto = { streamId, messageId, conversationId: CONV, reason, abortedAt: at(110) };
  return { type: 'aborted', dto };
}

/** The bot's final message for a stream. */
export function botMessage(n: number, content: string): ChatMessageDto {
  return chatMessage(n, { senderId: BOT, senderName: 'Echo Bot', senderType: 'Bot', blocks: [text(content)], plainTextContent: content });
}

export function typing(participantId: string, participantName = participantId.toUpperCase()): TypingDto {
  return { conversationId: CONV, participantId, participantName };
}

/** A conversation list row. */
export function row(id: string, patch: Partial<ConversationListItemDto> = {}): ConversationListItemDto {
  return {
    id,
    type: 'Group',
    isPinned: false,
    pinnedAt: null,
    unreadCount: 0,
    participantCount: 2,
    lastMessageAt: null,
    lastMessageId: null,
    lastMessage: null,
    ...patch,
  };
}
