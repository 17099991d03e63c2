/**
 * The seed SDK's shared types (README §7, §16, §17), transcribed as the seed declares them: an
 * optional member is `x?: T` (absent, never `null`, unless the seed writes `T | null`). The values
 * `chat-client-rx/compat` hands out are brought to these types by `toSeed` (see `to-seed.ts`).
 *
 * Line numbers are those of the seed's README (`@manonero/chat-client-sdk` 1.0.0-beta.1).
 */

/** A file in the gateway's storage (`storageKey`, see `files.getDownloadUrl`) or an external `url` (seed lines 1487–1490). */
export interface MediaReference {
  storageKey?: string; // Key nội bộ — dùng FileApi.getDownloadUrl() để tạo URL
  url?: string; // URL bên ngoài (không qua storage)
}

/** Who sent a message (seed line 578). */
export type SenderType = 'User' | 'Bot' | 'System';

/** The kind of a conversation (seed line 455). */
export type ConversationType = 'Group' | 'OneToOne' | 'Self';

/** What a quick reply does (the seed's comment on line 1451). */
export type QuickReplyAction = 'SendText' | 'Postback' | 'Url';

/** A quick-reply button shown under a (bot) message (seed lines 1449–1454). */
export interface QuickReply {
  label: string; // Text hiển thị
  action: QuickReplyAction; // 'SendText' | 'Postback' | 'Url'
  value: string | null;
  icon: string | null;
}

/** What a mention points at (the seed's comment on line 1459). */
export type MentionType = 'User' | 'All' | 'Here' | 'Role';

/** A mention inside a message's plain text (seed lines 1458–1464). */
export interface Mention {
  type: MentionType; // 'User' | 'All' | 'Here' | 'Role'
  targetId: string | null; // User ID (null cho All/Here)
  displayName: string;
  offset: number | null; // Vị trí trong plainText
  length: number | null;
}

/** The kind of a system event message (seed lines 1526–1532). */
export type SystemEventType =
  | 'ConversationRenamed' // Đổi tên nhóm
  | 'AvatarChanged' // Đổi avatar
  | 'MemberAdded' // Thêm thành viên
  | 'MemberRemoved' // Xóa thành viên
  | 'MemberLeft' // Thành viên tự rời
  | 'Custom';

/** A system event attached to a REST `MessageDto` (seed lines 1534–1539). */
export interface SystemEventInfo {
  type: SystemEventType;
  actorId: string | null; // null khi MemberLeft (tự rời)
  targetIds?: string[];
  metadata?: Record<string, unknown>;
}

/** A system event attached to a hub `ChatMessageDto`: `SystemEventInfo` plus display names (seed lines 1542–1545). */
export interface SystemEventDto extends SystemEventInfo {
  actorName?: string; // Tên hiển thị của actor
  targetNames?: string[]; // Tên hiển thị của các target participants
}

/** A page of a cursor-paginated list (seed lines 1470–1474). */
export interface CursorPaginatedResult<T> {
  items: T[];
  nextCursor: string | null; // PHẢI là string opaque — KHÔNG cast sang number
  hasMore: boolean;
}

/** A page of a page-based list (bots; seed lines 1478–1483). */
export interface PagedResult<T> {
  items: T[];
  page: number;
  pageSize: number;
  totalCount: number;
}

/** An RFC 7807 error body (seed lines 1709–1714). */
export interface ProblemDetails {
  status: number;
  title: string;
  detail?: string;
  type?: string; // URI reference — thường không dùng trực tiếp
}

/** A JSON object with any keys: the seed's `Record<string, unknown>` (`metadata`, `data`, `details`). */
export type JsonObject = Record<string, unknown>;
