/**
 * The records a {@link FakeChatServer} keeps, their DTO shapes, and history paging as the embedded
 * gateway does it (`src/gateway/message-store.ts`). Internal to `chat-client-rx/testing`.
 */
import { plainTextOf } from '../codecs/blocks.js';
import type {
  Block,
  ChatMessageDto,
  ConversationType,
  CursorPaginatedResult,
  Mention,
  MessageDto,
  QuickReply,
  SenderType,
} from '../codecs/index.js';
import { FakeChatServerError } from './fake-chat-server-error.js';

/** A message as the fake server stores it. */
export interface StoredMessage {
  readonly id: string;
  readonly conversationId: string;
  readonly senderId: string;
  readonly senderType: SenderType;
  blocks: Block[];
  plainText: string | null;
  readonly replyToMessageId: string | null;
  readonly quickReplies: QuickReply[] | null;
  mentions: Mention[] | null;
  readonly clientMessageId: string | null;
  readonly createdAt: string;
  readonly createdMs: number;
  updatedAt: string;
  isEdited: boolean;
  editedAt: string | null;
  isDeleted: boolean;
  deletedAt: string | null;
  deletedMs: number | null;
  /** emoji → who reacted, in order. */
  readonly reactions: Map<string, string[]>;
}

/** A conversation as the fake server stores it. */
export interface StoredConversation {
  readonly id: string;
  readonly type: ConversationType;
  readonly name: string | undefined;
  /** The active members, in the order they were added. */
  readonly members: string[];
  /** Oldest first; ids sort in the same order. */
  readonly messages: StoredMessage[];
  readonly unread: Map<string, number>;
  readonly lastRead: Map<string, string>;
  readonly createdAt: string;
}

/** How long after its deletion a message can be recovered (as the gateway: 10 minutes). */
export const RECOVER_WINDOW_MS = 600_000;

const MAX_PAGE = 100;
const CURSOR = /^(\d+)_(.+)$/;

/** A message's content: plain text (one Plain text block) or blocks as they are. */
export function toBlocks(content: string | readonly Block[]): Block[] {
  if (typeof content === 'string') return [{ $type: 'text', format: 'Plain', content, plainText: content }];
  return [...content];
}

/** The plain text of blocks, or null when there is none (as the gateway stores it). */
export function plainTextOrNull(blocks: readonly Block[]): string | null {
  const text = plainTextOf(blocks);
  return text === '' ? null : text;
}

function reactionGroups(m: StoredMessage): { emoji: string; count: number; participantIds: string[] }[] {
  return [...m.reactions].map(([emoji, ids]) => ({ emoji, count: ids.length, participantIds: [...ids] }));
}

/** The REST shape of a stored message (a deleted one shows no blocks and no text). */
export function toMessageDto(m: StoredMessage): MessageDto {
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
    systemEvent: null,
  };
}

/** The hub shape of a stored message (`senderName`: the sender's `fullName`). */
export function toChatMessageDto(m: StoredMessage, senderName: string): ChatMessageDto {
  const groups = reactionGroups(m);
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
    reactions: groups.length > 0 ? groups : null,
    mentions: m.mentions,
    createdAt: m.createdAt,
    updatedAt: m.isEdited ? m.updatedAt : null,
    clientMessageId: m.clientMessageId,
    systemEvent: null,
  };
}

/** What `getHistory` is asked for. */
export interface HistoryQuery {
  readonly limit?: number | undefined;
  readonly cursor?: string | null | undefined;
  readonly direction?: 'older' | 'newer' | undefined;
}

/** Index of the first message whose id is ≥ `id` (with `after`: > `id`); ids sort in creation order. */
function indexById(messages: readonly StoredMessage[], id: string, after: boolean): number {
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

/**
 * One page of history, exactly as the embedded gateway pages it: `older` (the default) walks from
 * the newest message (or from just below the cursor's message) towards the oldest and returns the
 * page NEWEST FIRST; `newer` walks from the oldest (or from just above the cursor's message) and
 * returns it oldest first. `hasMore` tells whether another message lies beyond the page;
 * `nextCursor` (`<createdMs>_<id>` of the page's last item) is set only then.
 *
 * @throws FakeChatServerError 400 for a limit outside 1…100 or a cursor that is not one of ours.
 */
export function historyPage(messages: readonly StoredMessage[], query: HistoryQuery): CursorPaginatedResult<MessageDto> {
  const size = query.limit ?? 50;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE) {
    throw new FakeChatServerError(400, `The limit must be between 1 and ${MAX_PAGE}.`);
  }
  let from: string | undefined;
  if (query.cursor !== undefined && query.cursor !== null) {
    const match = CURSOR.exec(query.cursor);
    if (!match) throw new FakeChatServerError(400, 'The cursor is not valid.');
    from = match[2] as string;
  }
  const picked: StoredMessage[] = [];
  let hasMore = false;
  if ((query.direction ?? 'older') === 'older') {
    for (let i = from === undefined ? messages.length - 1 : indexById(messages, from, false) - 1; i >= 0; i--) {
      if (picked.length === size) {
        hasMore = true;
        break;
      }
      picked.push(messages[i] as StoredMessage);
    }
  } else {
    for (let i = from === undefined ? 0 : indexById(messages, from, true); i < messages.length; i++) {
      if (picked.length === size) {
        hasMore = true;
        break;
      }
      picked.push(messages[i] as StoredMessage);
    }
  }
  const last = picked[picked.length - 1];
  return {
    items: picked.map(toMessageDto),
    hasMore,
    nextCursor: hasMore && last ? `${last.createdMs}_${last.id}` : null,
  };
}
