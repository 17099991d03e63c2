import type {
  Block,
  ChatHubEventName,
  ConversationType,
  MediaReference,
  Mention,
  NotificationHubEventName,
  PresenceStateItem,
  QuickReply,
  SenderType,
  SystemEventDto,
} from '../codecs/index.js';

/** Where the service's events go: the chat hub's conversation groups and users' notification connections. */
export interface GatewayEventSink {
  /** A chat hub event to every connection joined to the conversation (but `exceptConnectionId`). */
  chat(conversationId: string, event: ChatHubEventName, payload: unknown, exceptConnectionId?: string): void;
  /**
   * A chat hub event to every chat hub connection of one user, joined to a conversation or not
   * (`Clients.User(userId)`): the `error` the author of a message gets when the bot's reply to it
   * failed on the server.
   */
  chatUser(userId: string, event: ChatHubEventName, payload: unknown): void;
  /** A notification hub event to every notification connection of each user. */
  notify(userIds: Iterable<string>, event: NotificationHubEventName, payload: unknown): void;
  /** A `presenceChanged` to every connection subscribed to that participant. */
  presence(participantId: string, payload: PresenceStateItem): void;
  /**
   * Takes every chat hub connection of `userId` out of the conversation's group: a member who
   * left or was removed receives none of its live events from then on (as a real gateway does
   * with `Groups.RemoveFromGroupAsync` for each of the user's connections).
   */
  leaveGroup(userId: string, conversationId: string): void;
}

/** What every store of the chat domain shares: the event sink, the clock and the id factory. */
export interface ChatContext {
  readonly sink: GatewayEventSink;
  /** The clock (ms since the epoch). */
  readonly clock: () => number;
  /** Now, as a real server writes a `DateTimeOffset` (`…:36.1234567+00:00`). */
  nowIso(): string;
  /** A given time (ms), as a real server writes a `DateTimeOffset`. */
  formatIso(ms: number): string;
  /** A new ULID from the gateway's monotonic factory. */
  newId(): string;
}

/** A participant as the gateway keeps it. */
export interface StoredParticipant {
  id: string;
  uniqueName: string;
  fullName: string;
  avatar?: MediaReference;
  gender?: string;
  isBot: boolean;
  createdAt: string;
  updatedAt: string;
  lastSeenAt: string | null;
}

/** One participant's membership of a conversation. */
export interface StoredMember {
  participantId: string;
  joinedAt: string;
  leftAt: string | null;
  isActive: boolean;
  isPinned: boolean;
  pinnedAt: string | null;
  lastReadMessageId: string | null;
  lastReadAt: string | null;
  unreadCount: number;
  /** Messages created before this time are hidden from the member (`canViewHistory: false`). */
  historyFromMs: number;
}

/** A conversation as the gateway keeps it, with its memberships and messages. */
export interface StoredConversation {
  id: string;
  type: ConversationType;
  name?: string;
  avatar?: MediaReference;
  ownerId: string;
  createdAt: string;
  updatedAt: string;
  lastMessageAt: string | null;
  lastMessageId: string | null;
  members: Map<string, StoredMember>;
  /** Sorted by id (ULIDs, so by creation time). */
  messages: StoredMessage[];
}

/** A message as the gateway keeps it. */
export interface StoredMessage {
  id: string;
  conversationId: string;
  senderId: string;
  senderType: SenderType;
  blocks: Block[];
  plainText: string | null;
  replyToMessageId: string | null;
  quickReplies: QuickReply[] | null;
  mentions: Mention[] | null;
  clientMessageId: string | null;
  isEdited: boolean;
  editedAt: string | null;
  isDeleted: boolean;
  deletedAt: string | null;
  deletedMs: number | null;
  createdAt: string;
  createdMs: number;
  updatedAt: string;
  /** emoji → participant ids, in reaction order. */
  reactions: Map<string, string[]>;
  systemEvent: SystemEventDto | null;
}

/**
 * What the DTO mappings and history paging read of a message: the gateway's {@link StoredMessage},
 * or the record of the in-memory server of `chat-client-rx/testing`, which has no system events
 * (none is `null`).
 */
export type MessageRecord = Readonly<Omit<StoredMessage, 'systemEvent'>> & { readonly systemEvent?: SystemEventDto | null };

/** What a new message carries, from REST or the hub. */
export interface NewMessage {
  blocks: Block[];
  replyToMessageId?: string | null;
  quickReplies?: QuickReply[] | null;
  mentions?: Mention[] | null;
  clientMessageId?: string | null;
}

/** The ids of a conversation's active members. */
export function activeMemberIds(c: StoredConversation): string[] {
  const out: string[] = [];
  for (const [id, m] of c.members) if (m.isActive) out.push(id);
  return out;
}
