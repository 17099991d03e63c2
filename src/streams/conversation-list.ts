import { compareIsoDateTimes } from '../codecs/scalars.js';
import type {
  ChatMessageDto,
  ConversationCreatedDto,
  ConversationListItemDto,
  ConversationPinnedDto,
  ConversationUnpinnedDto,
  ConversationUpdatedDto,
  MessageDto,
  NewMessageNotificationDto,
  ParticipantJoinedDto,
  ParticipantLeftDto,
  ReadStatusChangedDto,
  UnreadCountChangedDto,
} from '../codecs/index.js';

/**
 * What changes the conversation list. `loading` marks a list request sent and `loadFailed` one
 * that failed; `loaded` carries its answer (see {@link reduceConversationListState}).
 */
export type ConversationListAction =
  | { readonly type: 'loading' }
  | { readonly type: 'loadFailed'; readonly error?: unknown }
  | { readonly type: 'loaded'; readonly items: readonly ConversationListItemDto[] }
  | { readonly type: 'unreadCountChanged'; readonly dto: UnreadCountChangedDto }
  | { readonly type: 'newMessage'; readonly dto: NewMessageNotificationDto }
  | { readonly type: 'ownMessage'; readonly message: ChatMessageDto }
  | { readonly type: 'created'; readonly dto: ConversationCreatedDto }
  | { readonly type: 'updated'; readonly dto: ConversationUpdatedDto }
  | { readonly type: 'pinned'; readonly dto: ConversationPinnedDto }
  | { readonly type: 'unpinned'; readonly dto: ConversationUnpinnedDto }
  | { readonly type: 'readStatus'; readonly dto: ReadStatusChangedDto }
  | { readonly type: 'participantJoined'; readonly dto: ParticipantJoinedDto; readonly me: string | null }
  | { readonly type: 'participantLeft'; readonly dto: ParticipantLeftDto; readonly me: string | null };

/**
 * The server's list order: pinned first (latest pin first), then `lastMessageAt` descending
 * (conversations without messages last), then id descending.
 */
export function compareConversations(a: ConversationListItemDto, b: ConversationListItemDto): number {
  if (a.isPinned !== b.isPinned) return a.isPinned ? -1 : 1;
  if (a.isPinned && b.isPinned) {
    const pinned = compareNewestFirst(a.pinnedAt, b.pinnedAt);
    if (pinned !== 0) return pinned;
  }
  const last = compareNewestFirst(a.lastMessageAt, b.lastMessageAt);
  if (last !== 0) return last;
  return a.id === b.id ? 0 : a.id < b.id ? 1 : -1;
}

/**
 * The conversation list with where its loading stands, as `client.conversationListState$` emits
 * it: `loading` until the first list request is answered, `loaded` after an answer, `failed`
 * (with the request's `error`, a `ChatApiError`) when the latest request failed; `items` is the
 * list held (`[]` before the first answer, unless events added rows meanwhile).
 */
export type ConversationListStatus =
  | { readonly status: 'loading'; readonly items: readonly ConversationListItemDto[] }
  | { readonly status: 'loaded'; readonly items: readonly ConversationListItemDto[] }
  | { readonly status: 'failed'; readonly items: readonly ConversationListItemDto[]; readonly error: unknown };

/** The list, and the events seen since a list request was sent (null when none is in flight). */
export interface ConversationListState {
  /** The conversations, in the server's order (see {@link compareConversations}). */
  readonly list: readonly ConversationListItemDto[];
  /** The events applied since a list request was sent, to apply again on top of its answer; null when no request is in flight. */
  readonly sinceLoading: readonly ConversationListAction[] | null;
}

/** No conversations, no request in flight. */
export const INITIAL_CONVERSATION_LIST_STATE: ConversationListState = { list: [], sinceLoading: null };

/**
 * The reducer behind `conversationList$`, safe against a slow list request: events are applied
 * as they come, and those that arrive while a request is in flight (between `loading` and its
 * `loaded`) are applied **again on top of the answer**, which may have been taken before them —
 * a conversation created while the first list was loading is not lost when the older snapshot
 * lands. Re-applying is harmless for every event but a participant joining or leaving, which
 * moves `participantCount` by one: when the answer already counted it, the count is one off
 * until the next event that carries the count (`conversationCreated` / `conversationUpdated`)
 * or the next load.
 *
 * @example
 * ```ts
 * let s = reduceConversationListState(INITIAL_CONVERSATION_LIST_STATE, { type: 'loading' });
 * s = reduceConversationListState(s, { type: 'created', dto });          // shown at once
 * s = reduceConversationListState(s, { type: 'loaded', items: older });  // still shown
 * ```
 */
export function reduceConversationListState(state: ConversationListState, action: ConversationListAction): ConversationListState {
  switch (action.type) {
    case 'loading':
      return state.sinceLoading === null ? { list: state.list, sinceLoading: [] } : state;
    case 'loadFailed':
      return state.sinceLoading === null ? state : { list: state.list, sinceLoading: null };
    case 'loaded':
      return {
        list: (state.sinceLoading ?? []).reduce(reduceConversationList, reduceConversationList(state.list, action)),
        sinceLoading: null,
      };
    default: {
      const list = reduceConversationList(state.list, action);
      if (state.sinceLoading === null) return list === state.list ? state : { list, sinceLoading: null };
      return { list, sinceLoading: [...state.sinceLoading, action] };
    }
  }
}

/**
 * The pure reducer behind `conversationList$`: applies one notification to the list and keeps
 * the server's order. Returns the same array when nothing changed. A row's `lastMessage` stays
 * `null` or the message its `lastMessageId` names: one's own message gives it in full
 * ({@link messageDtoOf}), a `newMessageNotification` a preview ({@link previewMessageDto}), and
 * an `unreadCountChanged` that moves `lastMessageId` clears it (content not known yet). O(n) per event (the list is
 * the user's conversations, a few hundred at most).
 *
 * @example
 * ```ts
 * reduceConversationList(list, { type: 'unreadCountChanged', dto }); // new array, re-sorted
 * ```
 */
export function reduceConversationList(
  list: readonly ConversationListItemDto[],
  action: ConversationListAction,
): readonly ConversationListItemDto[] {
  switch (action.type) {
    case 'loading':
    case 'loadFailed':
      return list;
    case 'loaded':
      return [...action.items].sort(compareConversations);
    case 'unreadCountChanged':
      // No content comes with it: a last message that moves leaves `lastMessage` null (unknown)
      // until its `newMessageNotification` or the next load fills it in.
      return patch(list, action.dto.conversationId, (c) => ({
        ...c,
        unreadCount: action.dto.unreadCount,
        ...(newer(action.dto.lastMessageAt, c.lastMessageAt)
          ? {
              lastMessageAt: action.dto.lastMessageAt,
              lastMessageId: action.dto.lastMessageId,
              lastMessage: c.lastMessage?.id === action.dto.lastMessageId ? c.lastMessage : null,
            }
          : {}),
      }));
    case 'newMessage':
      return patch(list, action.dto.conversationId, (c) =>
        newer(action.dto.sentAt, c.lastMessageAt)
          ? { ...c, lastMessageAt: action.dto.sentAt, lastMessageId: action.dto.messageId, lastMessage: previewMessageDto(action.dto) }
          : // The same last message, announced first without content (`unreadCountChanged`): fill it in.
            c.lastMessageId === action.dto.messageId && (c.lastMessage ?? null) === null
            ? { ...c, lastMessage: previewMessageDto(action.dto) }
            : c,
      );
    case 'ownMessage':
      return patch(list, action.message.conversationId, (c) =>
        newer(action.message.createdAt, c.lastMessageAt)
          ? { ...c, lastMessageAt: action.message.createdAt, lastMessageId: action.message.id, lastMessage: messageDtoOf(action.message) }
          : c.lastMessageId === action.message.id && c.lastMessage?.id !== action.message.id
            ? { ...c, lastMessage: messageDtoOf(action.message) }
            : c,
      );
    case 'created': {
      if (list.some((c) => c.id === action.dto.conversationId)) return list;
      const row: ConversationListItemDto = {
        id: action.dto.conversationId,
        type: action.dto.type,
        isPinned: false,
        pinnedAt: null,
        unreadCount: 0,
        participantCount: action.dto.participantCount,
        lastMessageAt: null,
        lastMessageId: null,
        lastMessage: null,
        ...(action.dto.name !== undefined ? { name: action.dto.name } : {}),
        ...(action.dto.avatar !== undefined ? { avatar: action.dto.avatar } : {}),
      };
      return [...list, row].sort(compareConversations);
    }
    case 'updated':
      return patch(list, action.dto.conversationId, (c) => {
        const { avatar: _old, ...rest } = c;
        const avatar = action.dto.avatar === undefined ? c.avatar : action.dto.avatar;
        return {
          ...rest,
          participantCount: action.dto.participantCount,
          ...(action.dto.name !== undefined ? { name: action.dto.name } : {}),
          ...(avatar !== undefined && avatar !== null ? { avatar } : {}),
        };
      });
    case 'pinned':
      return patch(list, action.dto.conversationId, (c) => ({ ...c, isPinned: true, pinnedAt: action.dto.pinnedAt }));
    case 'unpinned':
      return patch(list, action.dto.conversationId, (c) => (c.isPinned ? { ...c, isPinned: false, pinnedAt: null } : c));
    case 'readStatus':
      return patch(list, action.dto.conversationId, (c) =>
        c.unreadCount === action.dto.unreadCount ? c : { ...c, unreadCount: action.dto.unreadCount },
      );
    case 'participantJoined':
      if (action.dto.participantId === action.me) return list;
      return patch(list, action.dto.conversationId, (c) => ({ ...c, participantCount: c.participantCount + 1 }));
    case 'participantLeft':
      if (action.dto.participantId === action.me) {
        const next = list.filter((c) => c.id !== action.dto.conversationId);
        return next.length === list.length ? list : next;
      }
      return patch(list, action.dto.conversationId, (c) => ({ ...c, participantCount: Math.max(0, c.participantCount - 1) }));
  }
}

/**
 * A hub `ChatMessageDto` as the REST `MessageDto` a list row carries in `lastMessage` (the same
 * message: reactions as a `ReactionSummary`, `plainTextContent` as `plainTextIndex`).
 *
 * @example
 * ```ts
 * row.lastMessage = messageDtoOf(chatMessage);   // what conversationList$ does on one's own message
 * ```
 */
export function messageDtoOf(message: ChatMessageDto): MessageDto {
  const reactions = message.reactions ?? [];
  const systemEvent = message.systemEvent === null ? null : systemEventInfoOf(message.systemEvent);
  return {
    id: message.id,
    conversationId: message.conversationId,
    senderId: message.senderId,
    senderType: message.senderType,
    timestamp: message.createdAt,
    blocks: message.blocks,
    plainTextIndex: message.plainTextContent,
    replyToMessageId: message.replyToMessageId,
    quickReplies: message.quickReplies,
    isEdited: message.isEdited,
    editedAt: message.isEdited ? message.updatedAt : null,
    isDeleted: false,
    deletedAt: null,
    reactionSummary:
      message.reactions === null
        ? null
        : {
            groups: reactions.map((r) => ({ emoji: r.emoji, count: r.count, participantIds: r.participantIds })),
            totalCount: reactions.reduce((n, r) => n + r.count, 0),
          },
    mentions: message.mentions,
    createdAt: message.createdAt,
    updatedAt: message.updatedAt ?? message.createdAt,
    clientMessageId: message.clientMessageId,
    systemEvent,
  };
}

/**
 * The minimal `MessageDto` a `newMessageNotification` allows, for a list row's `lastMessage`: one
 * plain text block holding `contentPreview` (the server's preview — possibly shortened — not the
 * message's blocks), `plainTextIndex` = `contentPreview`, times = `sentAt`, `senderType: 'User'`
 * (the notification does not say; a bot's reply is previewed as a user's), and nothing else
 * (no reactions, mentions, reply, `clientMessageId`). The next list load replaces it with the
 * server's message.
 *
 * @example
 * ```ts
 * previewMessageDto(notification).plainTextIndex;  // notification.contentPreview
 * ```
 */
export function previewMessageDto(dto: NewMessageNotificationDto): MessageDto {
  return {
    id: dto.messageId,
    conversationId: dto.conversationId,
    senderId: dto.senderId,
    senderType: 'User',
    timestamp: dto.sentAt,
    blocks:
      dto.contentPreview === '' ? [] : [{ $type: 'text', format: 'Plain', content: dto.contentPreview, plainText: dto.contentPreview }],
    plainTextIndex: dto.contentPreview,
    replyToMessageId: null,
    quickReplies: null,
    isEdited: false,
    editedAt: null,
    isDeleted: false,
    deletedAt: null,
    reactionSummary: null,
    mentions: null,
    createdAt: dto.sentAt,
    updatedAt: dto.sentAt,
    clientMessageId: null,
    systemEvent: null,
  };
}

function systemEventInfoOf(event: NonNullable<ChatMessageDto['systemEvent']>): NonNullable<MessageDto['systemEvent']> {
  const { actorName: _actorName, targetNames: _targetNames, ...info } = event;
  return info;
}

function newer(candidate: string, current: string | null | undefined): boolean {
  return current === null || current === undefined || compareIsoDateTimes(candidate, current) > 0;
}

/** Newest first by instant (not by string: servers write one instant in several forms); none last. */
function compareNewestFirst(a: string | null | undefined, b: string | null | undefined): number {
  if (a == null || b == null) return a == null ? (b == null ? 0 : 1) : -1;
  return compareIsoDateTimes(b, a);
}

function patch(
  list: readonly ConversationListItemDto[],
  id: string,
  change: (c: ConversationListItemDto) => ConversationListItemDto,
): readonly ConversationListItemDto[] {
  const index = list.findIndex((c) => c.id === id);
  if (index < 0) return list;
  const before = list[index] as ConversationListItemDto;
  const after = change(before);
  if (after === before || sameRow(before, after)) return list;
  const next = [...list];
  next[index] = after;
  return next.sort(compareConversations);
}

/** True when both rows have the same fields with the same values (an event that changed nothing). */
function sameRow(a: ConversationListItemDto, b: ConversationListItemDto): boolean {
  const keys = Object.keys(a) as Array<keyof ConversationListItemDto>;
  return keys.length === Object.keys(b).length && keys.every((key) => key in b && a[key] === b[key]);
}
