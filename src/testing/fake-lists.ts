/** The conversation list of a {@link FakeChatServer} as REST pages it. Internal to `chat-client-rx/testing`. */
import type { ConversationListItemDto, CursorPaginatedResult } from '../codecs/index.js';
import { FakeChatServerError } from './fake-chat-server-error.js';
import { toMessageDto } from '../gateway/dto-mapping.js';
import type { StoredConversation } from './fake-records.js';

const OFFSET_CURSOR = /^offset:(\d+)$/;

/** One row of the list for `participantId`. */
function listItem(c: StoredConversation, participantId: string): ConversationListItemDto {
  const last = c.messages[c.messages.length - 1];
  return {
    id: c.id,
    type: c.type,
    isPinned: false,
    unreadCount: c.unread.get(participantId) ?? 0,
    participantCount: c.members.length,
    ...(c.name !== undefined ? { name: c.name } : {}),
    lastMessageAt: last?.createdAt ?? null,
    lastMessageId: last?.id ?? null,
    lastMessage: last ? toMessageDto(last) : null,
  };
}

/** When a conversation last changed: its last message, else its creation. */
function activity(c: StoredConversation): string {
  return c.messages[c.messages.length - 1]?.createdAt ?? c.createdAt;
}

/**
 * A page of `conversations`: latest activity first (ties in the order added), `limit` (default
 * 20, 1…100) rows from the cursor; `nextCursor` is `offset:<n>` while more remain.
 *
 * @throws FakeChatServerError 400 for a bad limit or a cursor that is not one of ours.
 */
export function conversationListPage(
  conversations: readonly StoredConversation[],
  participantId: string,
  params: { readonly limit?: number | undefined; readonly cursor?: string | null | undefined },
): CursorPaginatedResult<ConversationListItemDto> {
  const limit = params.limit ?? 20;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new FakeChatServerError(400, 'The limit must be between 1 and 100.');
  let offset = 0;
  if (params.cursor !== undefined && params.cursor !== null) {
    const match = OFFSET_CURSOR.exec(params.cursor);
    if (!match) throw new FakeChatServerError(400, 'The cursor is not valid.');
    offset = Number(match[1]);
  }
  const ordered = conversations
    .map((c, index) => ({ c, index }))
    .sort((a, b) => {
      const x = activity(a.c);
      const y = activity(b.c);
      return x === y ? a.index - b.index : x < y ? 1 : -1;
    })
    .map(({ c }) => c);
  const rows = ordered.slice(offset, offset + limit);
  const hasMore = offset + limit < ordered.length;
  return {
    items: rows.map((c) => listItem(c, participantId)),
    hasMore,
    nextCursor: hasMore ? `offset:${offset + limit}` : null,
  };
}
