/**
 * The seed SDK's REST types (README §4–§11), transcribed as the seed declares them: an optional
 * member is `x?: T` (absent, never `null`, unless the seed writes `T | null`). The request and
 * response types the seed names without declaring them (`LoginRequest`, `CreateConversationRequest`,
 * `RegenerateKeyResponse`, …) follow its examples and its conventions.
 */
import type { Block } from './types-blocks.js';
import type { ConversationType, MediaReference, Mention, QuickReply, SenderType, SystemEventInfo } from './types-common.js';

// ---- §4 auth

/** What every login returns: the JWT, its expiry and the user (seed lines 279–283). */
export interface AuthResponse {
  token: string; // JWT token
  expiresAt: string; // ISO 8601 — thời điểm hết hạn
  user: AuthUserInfo;
}

/** The logged-in user (seed lines 285–291). */
export interface AuthUserInfo {
  id: string;
  uniqueName: string;
  fullName: string;
  avatar?: string; // URL thuần (KHÔNG phải MediaReference)
  role?: string | null; // 'dev' với dev users; null với Google/DsAccount users
}

/** Body of `loginWithGoogle` (`POST /api/auth/login/google`). */
export interface GoogleLoginRequest {
  idToken: string;
}

/** Body of `loginWithDsAccount` (`POST /api/auth/login/dsaccount`). */
export interface DsAccountLoginRequest {
  token: string;
}

/** Body of `loginWithDev` (`POST /api/auth/login/dev`). */
export interface DevLoginRequest {
  username: string;
  password: string;
}

/** Any login body (`login(provider, body)`, seed line 275). */
export type LoginRequest = GoogleLoginRequest | DsAccountLoginRequest | DevLoginRequest;

// ---- §5 participants

/** A user or bot known to the gateway (seed lines 327–338). */
export interface ParticipantDto {
  id: string;
  uniqueName: string;
  fullName: string;
  avatar?: MediaReference;
  gender?: string;
  isBot: boolean;
  isOnline: boolean;
  lastSeenAt?: string | null; // ISO 8601, null khi đang online
  createdAt: string; // ISO 8601
  updatedAt: string; // ISO 8601
}

/** Body of `participants.createOrUpdate` (seed lines 303–309; upsert by `id`). */
export interface CreateOrUpdateParticipantRequest {
  id: string;
  uniqueName: string;
  fullName: string;
  avatar?: MediaReference;
  gender?: string;
}

// ---- §6 conversations

/** A conversation with its members (seed lines 457–468). */
export interface ConversationDto {
  id: string;
  type: ConversationType;
  name?: string; // Tên nhóm (chỉ Group)
  avatar?: MediaReference;
  ownerId: string;
  lastMessageAt?: string | null; // ISO 8601, null khi chưa có tin nhắn
  lastMessageId?: string | null; // null khi chưa có tin nhắn
  createdAt: string; // ISO 8601
  updatedAt: string; // ISO 8601
  participants: ConversationParticipantDto[];
}

/** A participant's membership in a conversation, also for members who left (seed lines 470–480). */
export interface ConversationParticipantDto {
  participantId: string;
  joinedAt: string; // ISO 8601
  leftAt?: string | null; // ISO 8601, null nếu vẫn trong nhóm
  isActive: boolean;
  isPinned: boolean;
  pinnedAt?: string | null; // ISO 8601
  lastReadMessageId?: string | null;
  lastReadAt?: string | null; // ISO 8601
  unreadCount: number;
}

/** A row of the conversation list (seed lines 482–494). */
export interface ConversationListItemDto {
  id: string;
  type: ConversationType;
  name?: string;
  avatar?: MediaReference;
  lastMessageAt?: string | null; // ISO 8601
  lastMessageId?: string | null;
  lastMessage?: MessageDto | null; // Preview tin nhắn cuối, null khi chưa có tin nhắn
  isPinned: boolean;
  pinnedAt?: string | null; // ISO 8601, null khi chưa pin
  unreadCount: number;
  participantCount: number;
}

/** Body of `conversations.create` (seed lines 368–386; the creator is added by the server). */
export interface CreateConversationRequest {
  type: ConversationType;
  name?: string;
  avatar?: MediaReference;
  participantIds: string[];
}

/** Body of `conversations.update` (seed lines 402–405; Group conversations only; `avatar: null` removes the avatar). */
export interface UpdateConversationRequest {
  name?: string;
  avatar?: MediaReference | null;
}

/** Body of `conversations.addParticipant` (seed lines 424–427; `canViewHistory` defaults to true). */
export interface AddParticipantRequest {
  participantId: string;
  canViewHistory?: boolean;
}

/**
 * What `conversations.list` takes. Members may be given as `undefined` (left out), so that the
 * seed's `cursor: cursor ?? undefined` compiles also under `exactOptionalPropertyTypes`.
 */
export interface ListConversationsParams {
  /** Page size. @default the server's (20) */
  limit?: number | undefined;
  /** The opaque `nextCursor` of the previous page, exactly as received (never a number). @default the first page */
  cursor?: string | null | undefined;
}

// ---- §7 messages

/** A message as the REST API returns it (seed lines 580–600). */
export interface MessageDto {
  id: string; // ULID do server tạo
  conversationId: string;
  senderId: string;
  senderType: SenderType;
  timestamp: string; // ISO 8601 — thời điểm gửi
  blocks: Block[]; // Nội dung tin nhắn
  plainTextIndex: string | null;
  replyToMessageId: string | null;
  quickReplies: QuickReply[] | null;
  isEdited: boolean;
  editedAt: string | null; // ISO 8601
  isDeleted: boolean;
  deletedAt: string | null; // ISO 8601
  reactionSummary: ReactionSummary | null;
  mentions: Mention[] | null;
  createdAt: string; // ISO 8601
  updatedAt: string; // ISO 8601
  clientMessageId: string | null;
  systemEvent: SystemEventInfo | null;
}

/** The reactions of a REST message (seed lines 605–608). */
export interface ReactionSummary {
  groups: ReactionGroup[];
  totalCount: number;
}

/** One emoji's reactions on a REST message (seed lines 610–614). */
export interface ReactionGroup {
  emoji: string;
  count: number;
  participantIds: string[]; // Danh sách participant đã react
}

/** Body of `messages.send` (seed lines 617–623). */
export interface SendMessageRequest {
  blocks: Block[];
  replyToMessageId?: string;
  quickReplies?: QuickReply[]; // Nút bấm nhanh đính kèm tin nhắn
  mentions?: Mention[];
  clientMessageId?: string; // Tối đa 128 ký tự
}

/** Body of `messages.edit` (seed lines 626–629; the hub's `editMessage` takes `newBlocks`/`newMentions`). */
export interface EditMessageRequest {
  blocks: Block[];
  mentions?: Mention[];
}

/** Body of the REST mark-as-read (seed lines 632–634). */
export interface MarkAsReadRequest {
  messageId: string;
}

/** What `messages.delete` resolves with (seed line 557: `Promise<{ messageId, deletedAt }>`). */
export interface DeleteMessageResponse {
  messageId: string;
  deletedAt: string; // ISO 8601
}

/** Which way `messages.getHistory` pages from its cursor (seed lines 526–534; default `'older'`). */
export type HistoryDirection = 'older' | 'newer';

/**
 * What `messages.getHistory` takes. Members may be given as `undefined` (left out), so that the
 * seed's `cursor: cursor ?? undefined` (line 1929) compiles also under `exactOptionalPropertyTypes`.
 */
export interface GetHistoryParams {
  /** Page size. @default the server's */
  limit?: number | undefined;
  /** The opaque `nextCursor` of the previous page, exactly as received. @default the newest messages */
  cursor?: string | null | undefined;
  /** Page towards older (scrolling up) or newer messages from the cursor. @default 'older' */
  direction?: HistoryDirection | undefined;
}

// ---- §8 files

/** Body of `files.createUploadUrl` (seed lines 692–696). */
export interface CreateUploadUrlRequest {
  fileName: string;
  contentType: string;
  fileSize: number; // bytes
}

/** Where to upload the file (seed lines 698–702). */
export interface CreateUploadUrlResponse {
  uploadUrl: string; // Relative path — HttpClient tự prepend baseUrl
  storageKey: string;
  expiresAt: string; // ISO 8601
}

/** What an upload resolves with (seed lines 704–711). */
export interface UploadResponse {
  downloadUrl: string; // Relative path
  storageKey: string;
  fileName: string;
  contentType: string;
  fileSize: number;
  uploadedAt: string; // ISO 8601
}

// ---- §9 bots

/** A bot; its name and avatar are its participant's (seed lines 776–788). */
export interface BotDto {
  id: string;
  participantId: string; // Dùng để lấy name/avatar từ ParticipantApi
  description?: string;
  metadata?: Record<string, unknown>;
  kafkaTopic: string; // KHÔNG thể thay đổi sau khi tạo
  isActive: boolean;
  rateLimitPerSecond: number;
  listenAllGroupMessages: boolean;
  createdBy: string; // ID của người tạo bot
  createdAt: string; // ISO 8601
  updatedAt: string; // ISO 8601
}

/** What `bots.create` resolves with: the bot and its API key, shown this once (seed line 735: `BotDto & { apiKey: string }`). */
export interface CreateBotResponse extends BotDto {
  apiKey: string;
}

/** Body of `bots.create` (seed lines 794–803). */
export interface CreateBotRequest {
  uniqueName: string;
  fullName: string;
  avatar?: MediaReference; // optional — avatar của bot
  description?: string;
  metadata?: Record<string, unknown>;
  kafkaTopic: string; // KHÔNG thể thay đổi sau khi tạo
  rateLimitPerSecond?: number;
  listenAllGroupMessages?: boolean; // Mặc định false
}

/** Body of `bots.update` (seed lines 805–814). */
export interface UpdateBotRequest {
  uniqueName?: string; // Có thể cập nhật sau khi tạo
  fullName?: string;
  avatar?: MediaReference;
  description?: string;
  metadata?: Record<string, unknown>;
  rateLimitPerSecond?: number;
  listenAllGroupMessages?: boolean;
  // kafkaTopic KHÔNG thể cập nhật
}

/** What `bots.regenerateKey` resolves with (seed line 766); the old key stops working at once. */
export interface RegenerateKeyResponse {
  apiKey: string;
}

/** What `bots.list` takes (seed line 723); members may be given as `undefined` (left out). */
export interface ListBotsParams {
  /** The page, from 1. @default 1 (server) */
  page?: number | undefined;
  /** Bots per page. @default the server's */
  pageSize?: number | undefined;
}

// ---- §11 health

/** `health.ready()` (seed lines 854–858). */
export interface HealthStatus {
  status: string; // "Healthy" | "Degraded" | "Unhealthy"
  totalDuration: string; // .NET TimeSpan — "00:00:00.1234567" (KHÔNG phải number)
  results: Record<string, HealthCheckResult>;
}

/** One dependency's health (seed lines 860–865). */
export interface HealthCheckResult {
  status: string; // "Healthy" | "Degraded" | "Unhealthy"
  description: string | null;
  duration: string; // .NET TimeSpan — KHÔNG phải number
  error: string | null;
}
