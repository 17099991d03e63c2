/**
 * The records a {@link FakeChatServer} keeps and its history queries. Their DTO shapes and the
 * history paging are the embedded gateway's own (`src/gateway/dto-mapping.ts`,
 * `src/gateway/history-paging.ts`: pure modules, safe in a browser bundle). Internal to
 * `chat-client-rx/testing`.
 */
import type { Block, ConversationType, CursorPaginatedResult, MessageDto } from '../codecs/index.js';
import type { StoredMessage as GatewayStoredMessage } from '../gateway/chat-records.js';
import { historyPageOf } from '../gateway/history-paging.js';
import { FakeChatServerError } from './fake-chat-server-error.js';

/**
 * A message as the fake server stores it: the embedded gateway's record without a system event
 * (the fake server has none), so the gateway's DTO mappings and history paging read it.
 */
export type StoredMessage = Omit<GatewayStoredMessage, 'systemEvent'>;

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

const MAX_PAGE = 100;
const CURSOR = /^(\d+)_(.+)$/;

/** A message's content: plain text (one Plain text block) or blocks as they are. */
export function toBlocks(content: string | readonly Block[]): Block[] {
  if (typeof content === 'string') return [{ $type: 'text', format: 'Plain', content, plainText: content }];
  return [...content];
}

/** What `getHistory` is asked for. */
export interface HistoryQuery {
  /** Messages per page, 1 to 100. @default 50 */
  readonly limit?: number | undefined;
  /** The `nextCursor` of the previous page; none for the first page. */
  readonly cursor?: string | null | undefined;
  /** `older`: newest first, going back; `newer`: oldest first, going forward. @default 'older' */
  readonly direction?: 'older' | 'newer' | undefined;
}

/**
 * One page of history, paged by the embedded gateway's own `historyPageOf`: `older` (the default)
 * NEWEST FIRST from the newest message or just below the cursor's, `newer` oldest first from the
 * oldest or just above it; `nextCursor` (`<createdMs>_<id>`) only while `hasMore`.
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
  return historyPageOf(messages, { from, direction: query.direction ?? 'older', size });
}
