/**
 * The seed README's interfaces and type aliases (sections 4–17), transcribed as they are
 * written (each block marked with its line range; only `export` added, and the layout formatted), so that
 * `16-types-both-ways.spec.ts` can compare them with the types of `chat-client-rx/compat` in
 * both directions. Four names the seed uses without declaring them are declared from its
 * comments and tables, at the end.
 */

// seed lines 279–283
export interface AuthResponse {
  token: string; // JWT token
  expiresAt: string; // ISO 8601 — thời điểm hết hạn
  user: AuthUserInfo;
}

// seed lines 285–291
export interface AuthUserInfo {
  id: string;
  uniqueName: string;
  fullName: string;
  avatar?: string; // URL thuần (KHÔNG phải MediaReference)
  role?: string | null; // 'dev' với dev users; null với Google/DsAccount users
}

// seed lines 327–338
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

// seed lines 455–455
export type ConversationType = 'Group' | 'OneToOne' | 'Self';

// seed lines 457–468
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

// seed lines 470–480
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

// seed lines 482–494
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

// seed lines 578–578
export type SenderType = 'User' | 'Bot' | 'System';

// seed lines 580–600
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

// seed lines 605–608
export interface ReactionSummary {
  groups: ReactionGroup[];
  totalCount: number;
}

// seed lines 610–614
export interface ReactionGroup {
  emoji: string;
  count: number;
  participantIds: string[]; // Danh sách participant đã react
}

// seed lines 617–623
export interface SendMessageRequest {
  blocks: Block[];
  replyToMessageId?: string;
  quickReplies?: QuickReply[]; // Nút bấm nhanh đính kèm tin nhắn
  mentions?: Mention[];
  clientMessageId?: string; // Tối đa 128 ký tự
}

// seed lines 626–629
export interface EditMessageRequest {
  blocks: Block[];
  mentions?: Mention[];
}

// seed lines 632–634
export interface MarkAsReadRequest {
  messageId: string;
}

// seed lines 692–696
export interface CreateUploadUrlRequest {
  fileName: string;
  contentType: string;
  fileSize: number; // bytes
}

// seed lines 698–702
export interface CreateUploadUrlResponse {
  uploadUrl: string; // Relative path — HttpClient tự prepend baseUrl
  storageKey: string;
  expiresAt: string; // ISO 8601
}

// seed lines 704–711
export interface UploadResponse {
  downloadUrl: string; // Relative path
  storageKey: string;
  fileName: string;
  contentType: string;
  fileSize: number;
  uploadedAt: string; // ISO 8601
}

// seed lines 776–788
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

// seed lines 794–803
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

// seed lines 805–814
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

// seed lines 854–858
export interface HealthStatus {
  status: string; // "Healthy" | "Degraded" | "Unhealthy"
  totalDuration: string; // .NET TimeSpan — "00:00:00.1234567" (KHÔNG phải number)
  results: Record<string, HealthCheckResult>;
}

// seed lines 860–865
export interface HealthCheckResult {
  status: string; // "Healthy" | "Degraded" | "Unhealthy"
  description: string | null;
  duration: string; // .NET TimeSpan — KHÔNG phải number
  error: string | null;
}

// seed lines 973–980
export interface MessageUpdatedDto {
  messageId: string;
  conversationId: string;
  blocks: Block[];
  plainTextContent: string | null;
  mentions?: Mention[];
  updatedAt: string; // ISO 8601
}

// seed lines 983–983
export type DeleteType = 'recall' | 'delete'; // 'recall': xóa cho tất cả; 'delete': xóa phía người gửi

// seed lines 985–991
export interface MessageDeletedDto {
  messageId: string;
  conversationId: string;
  deleteType: DeleteType;
  deletedBy: string; // participantId
  deletedAt: string; // ISO 8601
}

// seed lines 994–1001
export interface ReactionAddedDto {
  messageId: string;
  conversationId: string;
  participantId: string;
  participantName: string;
  emoji: string;
  createdAt: string; // ISO 8601
}

// seed lines 1004–1011
export interface ReactionRemovedDto {
  messageId: string;
  conversationId: string;
  participantId: string;
  participantName: string;
  emoji: string;
  removedAt: string; // ISO 8601 — khác với ReactionAddedDto.createdAt
}

// seed lines 1014–1018
export interface TypingDto {
  conversationId: string;
  participantId: string;
  participantName: string;
}

// seed lines 1021–1026
export interface ReadReceiptUpdatedDto {
  conversationId: string;
  participantId: string;
  lastReadMessageId: string;
  readAt: string; // ISO 8601
}

// seed lines 1114–1118
export interface PresenceStateItem {
  participantId: string;
  isOnline: boolean;
  lastSeenAt?: string | null; // ISO 8601, null khi đang online
}

// seed lines 1121–1125
export interface PresenceChangedDto {
  participantId: string;
  isOnline: boolean;
  lastSeenAt?: string | null; // ISO 8601, null khi đang online
}

// seed lines 1127–1137
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

// seed lines 1140–1147
export interface MentionedNotificationDto {
  conversationId: string;
  messageId: string;
  senderId: string;
  senderName: string;
  contentPreview: string;
  sentAt: string; // ISO 8601
}

// seed lines 1149–1154
export interface UnreadCountChangedDto {
  conversationId: string;
  unreadCount: number;
  lastMessageAt: string; // ISO 8601
  lastMessageId: string;
}

// seed lines 1156–1162
export interface ConversationCreatedDto {
  conversationId: string;
  type: ConversationType;
  name?: string;
  avatar?: MediaReference;
  participantCount: number;
}

// seed lines 1164–1170
export interface ConversationUpdatedDto {
  conversationId: string;
  type: ConversationType;
  name?: string;
  avatar?: MediaReference | null; // null = avatar đã bị xóa
  participantCount: number;
}

// seed lines 1172–1178
export interface ParticipantJoinedDto {
  conversationId: string;
  participantId: string;
  participantName: string;
  participantAvatar?: MediaReference;
  changedAt: string; // ISO 8601
}

// seed lines 1181–1187
export interface ParticipantLeftDto {
  conversationId: string;
  participantId: string;
  participantName: string;
  participantAvatar?: MediaReference;
  changedAt: string; // ISO 8601
}

// seed lines 1189–1192
export interface ConversationPinnedDto {
  conversationId: string;
  pinnedAt: string; // ISO 8601
}

// seed lines 1195–1197
export interface ConversationUnpinnedDto {
  conversationId: string;
}

// seed lines 1199–1204
export interface ReadStatusChangedDto {
  conversationId: string;
  lastReadMessageId?: string;
  unreadCount: number;
  markedAsUnread: boolean; // true khi user chủ động đánh dấu chưa đọc
}

// seed lines 1245–1250
export interface TextBlock {
  $type: 'text';
  format: TextFormat; // 'Plain' | 'Markdown' | 'Html' | 'ProseMirrorJson'
  content: string;
  plainText: string | null;
}

// seed lines 1252–1261
export interface ImageBlock {
  $type: 'image';
  source: MediaReference;
  thumbnail: MediaReference | null;
  altText: string | null;
  width: number | null;
  height: number | null;
  caption: string | null;
  fileSizeBytes: number | null;
}

// seed lines 1263–1271
export interface VideoBlock {
  $type: 'video';
  source: MediaReference;
  thumbnail: MediaReference | null;
  caption: string | null;
  durationSeconds: number | null;
  mimeType: string | null;
  fileSizeBytes: number | null;
}

// seed lines 1273–1280
export interface AudioBlock {
  $type: 'audio';
  source: MediaReference;
  durationSeconds: number | null;
  mimeType: string | null;
  transcript: string | null; // Bản ghi âm thanh (nếu có)
  fileSizeBytes: number | null;
}

// seed lines 1282–1288
export interface FileBlock {
  $type: 'file';
  source: MediaReference;
  fileName: string;
  mimeType: string | null;
  fileSizeBytes: number | null;
}

// seed lines 1290–1297
export interface LinkPreviewBlock {
  $type: 'linkPreview';
  url: string;
  title: string | null;
  description: string | null;
  image: MediaReference | null;
  siteName: string | null;
}

// seed lines 1299–1305
export interface EmbedBlock {
  $type: 'embed';
  url: string;
  html: string | null; // HTML nhúng (iframe snippet)
  width: number | null;
  height: number | null;
}

// seed lines 1307–1313
export interface LocationBlock {
  $type: 'location';
  latitude: number;
  longitude: number;
  name: string | null;
  address: string | null;
}

// seed lines 1315–1321
export interface ContactBlock {
  $type: 'contact';
  displayName: string;
  phone: string | null;
  email: string | null;
  organization: string | null;
}

// seed lines 1323–1329
export interface ChoiceBlock {
  $type: 'choice';
  prompt: string; // Câu hỏi hiển thị cho user
  options: ChoiceOption[];
  mode: ChoiceMode; // 'Single' | 'Multiple'
  submitted: boolean; // true sau khi user đã submit lựa chọn
}

// seed lines 1331–1338
export interface CardBlock {
  $type: 'card';
  title: string | null;
  subtitle: string | null;
  image: MediaReference | null;
  fields: CardField[] | null;
  buttons: ActionButton[] | null;
}

// seed lines 1340–1343
export interface CarouselBlock {
  $type: 'carousel';
  cards: CardBlock[]; // Danh sách card trình chiếu ngang
}

// seed lines 1345–1347
export interface DividerBlock {
  $type: 'divider'; // Đường phân cách — không có field nào khác
}

// seed lines 1349–1353
export interface CustomBlock {
  $type: 'custom';
  type: string; // Discriminator tùy chỉnh của ứng dụng
  data: Record<string, unknown> | null;
}

// seed lines 1412–1412
export type ButtonAction = 'Postback' | 'Url' | 'Call' | 'Copy';

// seed lines 1413–1413
export type ButtonStyle = 'Default' | 'Primary' | 'Danger';

// seed lines 1415–1420
export interface ActionButton {
  label: string;
  action: ButtonAction;
  value: string | null;
  style: ButtonStyle;
}

// seed lines 1422–1425
export interface CardField {
  label: string;
  value: string;
}

// seed lines 1429–1429
export type ChoiceMode = 'Single' | 'Multiple';

// seed lines 1431–1435
export interface ChoiceOption {
  label: string;
  value: string;
  selected: boolean;
}

// seed lines 1449–1454
export interface QuickReply {
  label: string; // Text hiển thị
  action: QuickReplyAction; // 'SendText' | 'Postback' | 'Url'
  value: string | null;
  icon: string | null;
}

// seed lines 1458–1464
export interface Mention {
  type: MentionType; // 'User' | 'All' | 'Here' | 'Role'
  targetId: string | null; // User ID (null cho All/Here)
  displayName: string;
  offset: number | null; // Vị trí trong plainText
  length: number | null;
}

// seed lines 1470–1474
export interface CursorPaginatedResult<T> {
  items: T[];
  nextCursor: string | null; // PHẢI là string opaque — KHÔNG cast sang number
  hasMore: boolean;
}

// seed lines 1478–1483
export interface PagedResult<T> {
  items: T[];
  page: number;
  pageSize: number;
  totalCount: number;
}

// seed lines 1487–1490
export interface MediaReference {
  storageKey?: string; // Key nội bộ — dùng FileApi.getDownloadUrl() để tạo URL
  url?: string; // URL bên ngoài (không qua storage)
}

// seed lines 1496–1514
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

// seed lines 1518–1522
export interface ReactionGroupDto {
  emoji: string;
  count: number;
  participantIds: string[]; // Danh sách participant đã react
}

// seed lines 1526–1532
export type SystemEventType =
  | 'ConversationRenamed' // Đổi tên nhóm
  | 'AvatarChanged' // Đổi avatar
  | 'MemberAdded' // Thêm thành viên
  | 'MemberRemoved' // Xóa thành viên
  | 'MemberLeft' // Thành viên tự rời
  | 'Custom';

// seed lines 1534–1539
export interface SystemEventInfo {
  type: SystemEventType;
  actorId: string | null; // null khi MemberLeft (tự rời)
  targetIds?: string[];
  metadata?: Record<string, unknown>;
}

// seed lines 1542–1545
export interface SystemEventDto extends SystemEventInfo {
  actorName?: string; // Tên hiển thị của actor
  targetNames?: string[]; // Tên hiển thị của các target participants
}

// seed lines 1549–1553
export interface HubErrorDto {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

// seed lines 1557–1566
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

// seed lines 1568–1575
export interface StreamStatusUpdatedDto {
  streamId: string;
  messageId: string;
  conversationId: string;
  status: string; // e.g. "thinking", "searching"
  detail?: string;
  updatedAt: string; // ISO 8601
}

// seed lines 1577–1583
export interface StreamChunkReceivedDto {
  streamId: string;
  messageId: string;
  conversationId: string;
  text: string; // Chunk text để append vào placeholder
  chunkIndex: number; // Zero-based index
}

// seed lines 1585–1591
export interface StreamCompletedDto {
  streamId: string;
  messageId: string;
  conversationId: string;
  message: ChatMessageDto; // Tin nhắn hoàn chỉnh (SignalR, không phải REST MessageDto)
  completedAt: string; // ISO 8601
}

// seed lines 1593–1599
export interface StreamAbortedDto {
  streamId: string;
  messageId: string;
  conversationId: string;
  reason: string;
  abortedAt: string; // ISO 8601
}

// seed lines 1605–1612
export interface SendMessageAck {
  success: boolean;
  messageId?: string;
  clientMessageId?: string;
  createdAt?: string; // ISO 8601 — thời điểm server tạo tin nhắn
  errorCode?: string;
  errorMessage?: string;
}

// seed lines 1614–1620
export interface EditMessageAck {
  success: boolean;
  messageId?: string;
  editedAt?: string; // ISO 8601
  errorCode?: string;
  errorMessage?: string;
}

// seed lines 1622–1628
export interface DeleteMessageAck {
  success: boolean;
  messageId?: string;
  deletedAt?: string; // ISO 8601
  errorCode?: string;
  errorMessage?: string;
}

// seed lines 1630–1635
export interface RecoverMessageAck {
  success: boolean;
  messageId?: string;
  errorCode?: string;
  errorMessage?: string;
}

// seed lines 1637–1643
export interface ReactionAck {
  success: boolean;
  messageId?: string;
  emoji?: string;
  errorCode?: string;
  errorMessage?: string;
}

// seed lines 1645–1650
export interface MarkAsReadAck {
  success: boolean;
  conversationId?: string;
  errorCode?: string;
  errorMessage?: string;
}

// seed lines 1709–1714
export interface ProblemDetails {
  status: number;
  title: string;
  detail?: string;
  type?: string; // URI reference — thường không dùng trực tiếp
}

// Used by the seed without a declaration: from the TextFormat table (line 1408), the comments of
// lines 1451 and 1459, and the table of block types (line 1241).
export type TextFormat = 'Plain' | 'Markdown' | 'Html' | 'ProseMirrorJson';
export type QuickReplyAction = 'SendText' | 'Postback' | 'Url';
export type MentionType = 'User' | 'All' | 'Here' | 'Role';
export type Block =
  | TextBlock
  | ImageBlock
  | VideoBlock
  | AudioBlock
  | FileBlock
  | LinkPreviewBlock
  | EmbedBlock
  | LocationBlock
  | ContactBlock
  | ChoiceBlock
  | CardBlock
  | CarouselBlock
  | DividerBlock
  | CustomBlock;
