/**
 * How the gateway pages a conversation's history, shared with the in-memory server of
 * `chat-client-rx/testing` (pure: this module imports nothing Node-specific — keep it so).
 */
import type { CursorPaginatedResult, MessageDto } from '../codecs/index.js';
import type { MessageRecord } from './chat-records.js';
import { indexById } from './chat-rules.js';
import { toMessageDto } from './dto-mapping.js';

/** Which page of history {@link historyPageOf} takes: the query, already checked. */
export interface HistoryWindow {
  /** The id of the cursor's message (the page starts just beyond it); none: from the newest (`older`) or the oldest (`newer`). */
  readonly from?: string | undefined;
  readonly direction: 'older' | 'newer';
  /** How many messages at most (already checked: 1…100). */
  readonly size: number;
  /**
   * Messages created before this time (ms) are hidden from the reader (`canViewHistory: false`):
   * walking `older` stops at the first one, walking `newer` skips them. @default no message hidden
   */
  readonly historyFromMs?: number;
}

/**
 * One page of history: `older` walks from the newest message (or from just below the cursor's
 * message) towards the oldest and returns the page NEWEST FIRST; `newer` walks from the oldest
 * (or from just above the cursor's message) and returns it oldest first. `hasMore` tells whether
 * another message lies beyond the page; `nextCursor` (`<createdMs>_<id>` of the page's last item)
 * is set only then. `messages` are sorted by id, oldest first.
 *
 * @example
 * ```ts
 * historyPageOf(conversation.messages, { direction: 'older', size: 50 }).items; // the newest 50, newest first
 * ```
 */
export function historyPageOf(messages: readonly MessageRecord[], window: HistoryWindow): CursorPaginatedResult<MessageDto> {
  const { from, size } = window;
  const hiddenBefore = window.historyFromMs ?? Number.NEGATIVE_INFINITY;
  const picked: MessageRecord[] = [];
  let hasMore = false;
  if (window.direction === 'older') {
    let i = from === undefined ? messages.length - 1 : indexById(messages, from) - 1;
    for (; i >= 0; i--) {
      const m = messages[i] as MessageRecord;
      if (m.createdMs < hiddenBefore) break;
      if (picked.length === size) {
        hasMore = true;
        break;
      }
      picked.push(m);
    }
  } else {
    let i = from === undefined ? 0 : indexById(messages, from, true);
    for (; i < messages.length; i++) {
      const m = messages[i] as MessageRecord;
      if (m.createdMs < hiddenBefore) continue;
      if (picked.length === size) {
        hasMore = true;
        break;
      }
      picked.push(m);
    }
  }
  const last = picked[picked.length - 1];
  return {
    items: picked.map((m) => toMessageDto(m)),
    hasMore,
    nextCursor: hasMore && last ? `${last.createdMs}_${last.id}` : null,
  };
}
