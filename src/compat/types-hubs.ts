/**
 * The seed SDK's hub types (README §12, §13, §16): event payloads, acks and the hub methods'
 * requests, transcribed as the seed declares them: an optional member is `x?: T` (absent, never
 * `null`, unless the seed writes `T | null`). The hub requests the seed exports without declaring
 * them (`ChatSendMessageRequest`, …) follow its examples (lines 911–949) and its conventions.
 */
import type { Block } from './types-blocks.js';
import type { ConversationType, MediaReference, Mention, QuickReply, SenderType, SystemEventDto } from './types-common.js';

// ---- §16 the hub's message

/** A message as the chat hub sends it — not REST's `MessageDto` (seed lines 1496–1514). */
export interface ChatMessageDto {
  id: string;
  conversationId: string;
  senderId: string;
  senderName: string; // Có ở SignalR, không có ở REST
  senderAvatar?: MediaReference; // Có ở SignalR, không có ở REST
  senderType: SenderType; // Có ở cả REST và SignalR
  blocks: Block[];
  plainTextContent: string | null; // Tên khác với REST (plainTextIndex)
  replyToMessageId: string | null;
  quickReplies: QuickReply[] | null;
  isEdited: boolean;
  reactions: ReactionGroupDto[] | null; // Flat array, khác REST
  mentions: Mention[] | null;
  createdAt: string;
  updatedAt: string | null;
  clientMessageId: string | null;
  systemEvent: SystemEventDto | null;
}

/** One emoji's reactions on a hub message (seed lines 1518–1522). */
export interface ReactionGroupDto {
  emoji: string;
  count: number;
  participantIds: string[]; // Danh sách participant đã react
}

// ---- §12 chat hub events

/** `messageUpdated`: a message was edited (seed lines 973–980). */
export interface MessageUpdatedDto {
  messageId: string;
  conversationId: string;
  blocks: Block[];
  plainTextContent: string | null;
  mentions?: Mention[];
  updatedAt: string; // ISO 8601
}

/** How a message was deleted (seed line 983): `'recall'` for everyone, `'delete'` on the sender's side. */
export type DeleteType = 'recall' | 'delete';

/** `messageDeleted` (seed lines 985–991). */
export interface MessageDeletedDto {
  messageId: string;
  conversationId: string;
  deleteType: DeleteType;
  deletedBy: string; // participantId
  deletedAt: string; // ISO 8601
}

/** `reactionAdded` (seed lines 994–1001). */
export interface ReactionAddedDto {
  messageId: string;
  conversationId: string;
  participantId: string;
  participantName: string;
  emoji: string;
  createdAt: string; // ISO 8601
}

/** `reactionRemoved` (seed lines 1004–1011). */
export interface ReactionRemovedDto {
  messageId: string;
  conversationId: string;
  participantId: string;
  participantName: string;
  emoji: string;
  removedAt: string; // ISO 8601 — khác với ReactionAddedDto.createdAt
}

/** `typingStarted` / `typingStopped` (seed lines 1014–1018). */
export interface TypingDto {
  conversationId: string;
  participantId: string;
  participantName: string;
}

/** `readReceiptUpdated` (seed lines 1021–1026). */
export interface ReadReceiptUpdatedDto {
  conversationId: string;
  participantId: string;
  lastReadMessageId: string;
  readAt: string; // ISO 8601
}

/** `error` on either hub (seed lines 1549–1553). */
export interface HubErrorDto {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

// ---- §16 bot streaming

/** `streamStarted` (seed lines 1557–1566). */
export interface StreamStartedDto {
  streamId: string;
  messageId: string;
  conversationId: string;
  senderId: string;
  senderName: string;
  senderAvatar?: MediaReference;
  replyToMessageId?: string;
  startedAt: string; // ISO 8601
}

/** `streamStatusUpdated` (seed lines 1568–1575). */
export interface StreamStatusUpdatedDto {
  streamId: string;
  messageId: string;
  conversationId: string;
  status: string; // e.g. "thinking", "searching"
  detail?: string;
  updatedAt: string; // ISO 8601
}

/** `streamChunkReceived` (seed lines 1577–1583). */
export interface StreamChunkReceivedDto {
  streamId: string;
  messageId: string;
  conversationId: string;
  text: string; // Chunk text để append vào placeholder
  chunkIndex: number; // Zero-based index
}

/** `streamCompleted` (seed lines 1585–1591). */
export interface StreamCompletedDto {
  streamId: string;
  messageId: string;
  conversationId: string;
  message: ChatMessageDto; // Tin nhắn hoàn chỉnh (SignalR, không phải REST MessageDto)
  completedAt: string; // ISO 8601
}

/** `streamAborted` (seed lines 1593–1599). */
export interface StreamAbortedDto {
  streamId: string;
  messageId: string;
  conversationId: string;
  reason: string;
  abortedAt: string; // ISO 8601
}

// ---- §16 acks

/** What `sendMessage` resolves with (seed lines 1605–1612). */
export interface SendMessageAck {
  success: boolean;
  messageId?: string;
  clientMessageId?: string;
  createdAt?: string; // ISO 8601 — thời điểm server tạo tin nhắn
  errorCode?: string;
  errorMessage?: string;
}

/** What `editMessage` resolves with (seed lines 1614–1620). */
export interface EditMessageAck {
  success: boolean;
  messageId?: string;
  editedAt?: string; // ISO 8601
  errorCode?: string;
  errorMessage?: string;
}

/** What `deleteMessage` resolves with (seed lines 1622–1628). */
export interface DeleteMessageAck {
  success: boolean;
  messageId?: string;
  deletedAt?: string; // ISO 8601
  errorCode?: string;
  errorMessage?: string;
}

/** What `recoverMessage` resolves with (seed lines 1630–1635). */
export interface RecoverMessageAck {
  success: boolean;
  messageId?: string;
  errorCode?: string;
  errorMessage?: string;
}

/** What `addReaction` / `removeReaction` resolve with (seed lines 1637–1643). */
export interface ReactionAck {
  success: boolean;
  messageId?: string;
  emoji?: string;
  errorCode?: string;
  errorMessage?: string;
}

/** What the hub's `markAsRead` resolves with (seed lines 1645–1650). */
export interface MarkAsReadAck {
  success: boolean;
  conversationId?: string;
  errorCode?: string;
  errorMessage?: string;
}

// ---- the hub methods' requests (seed lines 133–140, examples 911–949)

/** Argument of `sendMessage` (seed lines 911–915). */
export interface ChatSendMessageRequest {
  conversationId: string;
  blocks: Block[];
  replyToMessageId?: string;
  quickReplies?: QuickReply[];
  mentions?: Mention[];
  clientMessageId?: string;
}

/** Argument of `editMessage`: `newBlocks` / `newMentions`, unlike REST (seed lines 926–929). */
export interface ChatEditMessageRequest {
  messageId: string;
  newBlocks: Block[];
  newMentions?: Mention[];
}

/** Argument of `deleteMessage`: an object, not a bare id (seed line 932). */
export interface ChatDeleteMessageRequest {
  messageId: string;
}

/** Argument of `recoverMessage` (seed line 935). */
export interface ChatRecoverMessageRequest {
  messageId: string;
}

/** Argument of `addReaction` (seed line 948). */
export interface ChatAddReactionRequest {
  messageId: string;
  conversationId: string;
  emoji: string;
}

/** Argument of `removeReaction` (seed line 949). */
export interface ChatRemoveReactionRequest {
  messageId: string;
  emoji: string;
}

// ---- §13 notification hub events

/** One participant's presence, as sent right after `subscribeToPresence` (seed lines 1114–1118). */
export interface PresenceStateItem {
  participantId: string;
  isOnline: boolean;
  lastSeenAt?: string | null; // ISO 8601, null khi đang online
}

/** `presenceState`: the presence of the ids just subscribed (the seed's table: `PresenceStateItem[]`). */
export type PresenceStateDto = PresenceStateItem[];

/** `presenceChanged` (seed lines 1121–1125). */
export interface PresenceChangedDto {
  participantId: string;
  isOnline: boolean;
  lastSeenAt?: string | null; // ISO 8601, null khi đang online
}

/** `newMessageNotification`: to every participant but the sender (seed lines 1127–1137). */
export interface NewMessageNotificationDto {
  conversationId: string;
  conversationType: ConversationType;
  conversationName?: string;
  messageId: string;
  senderId: string;
  senderName: string;
  senderAvatar?: MediaReference;
  contentPreview: string;
  sentAt: string; // ISO 8601
}

/** `mentionedNotification` — no `senderAvatar` (seed lines 1140–1147). */
export interface MentionedNotificationDto {
  conversationId: string;
  messageId: string;
  senderId: string;
  senderName: string;
  contentPreview: string;
  sentAt: string; // ISO 8601
}

/** `unreadCountChanged` (seed lines 1149–1154). */
export interface UnreadCountChangedDto {
  conversationId: string;
  unreadCount: number;
  lastMessageAt: string; // ISO 8601
  lastMessageId: string;
}

/** `conversationCreated`: created, or the user was added to it (seed lines 1156–1162). */
export interface ConversationCreatedDto {
  conversationId: string;
  type: ConversationType;
  name?: string;
  avatar?: MediaReference;
  participantCount: number;
}

/** `conversationUpdated` (seed lines 1164–1170). */
export interface ConversationUpdatedDto {
  conversationId: string;
  type: ConversationType;
  name?: string;
  avatar?: MediaReference | null; // null = avatar đã bị xóa
  participantCount: number;
}

/** `participantJoined` (seed lines 1172–1178). */
export interface ParticipantJoinedDto {
  conversationId: string;
  participantId: string;
  participantName: string;
  participantAvatar?: MediaReference;
  changedAt: string; // ISO 8601
}

/** `participantLeft`, the same shape as `participantJoined` (seed lines 1181–1187). */
export interface ParticipantLeftDto {
  conversationId: string;
  participantId: string;
  participantName: string;
  participantAvatar?: MediaReference;
  changedAt: string; // ISO 8601
}

/** `conversationPinned` (seed lines 1189–1192). */
export interface ConversationPinnedDto {
  conversationId: string;
  pinnedAt: string; // ISO 8601
}

/** `conversationUnpinned` — no `pinnedAt` (seed lines 1195–1197). */
export interface ConversationUnpinnedDto {
  conversationId: string;
}

/** `readStatusChanged` (seed lines 1199–1204). */
export interface ReadStatusChangedDto {
  conversationId: string;
  lastReadMessageId?: string;
  unreadCount: number;
  markedAsUnread: boolean; // true khi user chủ động đánh dấu chưa đọc
}

// ---- the server events of each hub (the seed's tables, lines 968 and 1109)

/** The chat hub's server events: name → payload (the seed's table, line 968, without the connection lifecycle). */
export interface ChatHubServerEventMap {
  messageReceived: ChatMessageDto;
  messageUpdated: MessageUpdatedDto;
  messageDeleted: MessageDeletedDto;
  messageRecovered: ChatMessageDto;
  reactionAdded: ReactionAddedDto;
  reactionRemoved: ReactionRemovedDto;
  typingStarted: TypingDto;
  typingStopped: TypingDto;
  readReceiptUpdated: ReadReceiptUpdatedDto;
  streamStarted: StreamStartedDto;
  streamStatusUpdated: StreamStatusUpdatedDto;
  streamChunkReceived: StreamChunkReceivedDto;
  streamCompleted: StreamCompletedDto;
  streamAborted: StreamAbortedDto;
  error: HubErrorDto;
}

/** The notification hub's server events: name → payload (the seed's table, line 1109, without the connection lifecycle). */
export interface NotificationHubServerEventMap {
  presenceState: PresenceStateItem[];
  presenceChanged: PresenceChangedDto;
  newMessageNotification: NewMessageNotificationDto;
  mentionedNotification: MentionedNotificationDto;
  unreadCountChanged: UnreadCountChangedDto;
  conversationCreated: ConversationCreatedDto;
  conversationUpdated: ConversationUpdatedDto;
  participantJoined: ParticipantJoinedDto;
  participantLeft: ParticipantLeftDto;
  conversationPinned: ConversationPinnedDto;
  conversationUnpinned: ConversationUnpinnedDto;
  readStatusChanged: ReadStatusChangedDto;
  error: HubErrorDto;
}
