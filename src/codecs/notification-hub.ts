import * as t from 'io-ts';
import { ConversationType, MediaReference } from './common.js';
import { HubErrorDto } from './chat-hub.js';
import { array, IsoDateTime, NonNegativeInteger, nullable, optional } from './scalars.js';

/** One participant's presence, as sent right after `SubscribeToPresence`. */
export const PresenceStateItem = t.intersection(
  [t.type({ participantId: t.string, isOnline: t.boolean }), optional({ lastSeenAt: nullable(IsoDateTime) })],
  'PresenceStateItem',
);
/** One participant's presence (`lastSeenAt` is null while online). */
export type PresenceStateItem = t.TypeOf<typeof PresenceStateItem>;

/** `presenceState`: the initial presence of the ids just subscribed. */
export const PresenceStateDto = array(PresenceStateItem, 'PresenceStateDto');
/** `presenceState`. */
export type PresenceStateDto = t.TypeOf<typeof PresenceStateDto>;

/** `presenceChanged`: someone subscribed to went online or offline. */
export const PresenceChangedDto = t.intersection(
  [t.type({ participantId: t.string, isOnline: t.boolean }), optional({ lastSeenAt: nullable(IsoDateTime) })],
  'PresenceChangedDto',
);
/** `presenceChanged`. */
export type PresenceChangedDto = t.TypeOf<typeof PresenceChangedDto>;

/** `newMessageNotification`: to every participant but the sender. */
export const NewMessageNotificationDto = t.intersection(
  [
    t.type({
      conversationId: t.string,
      conversationType: ConversationType,
      messageId: t.string,
      senderId: t.string,
      senderName: t.string,
      contentPreview: t.string,
      sentAt: IsoDateTime,
    }),
    optional({ conversationName: t.string, senderAvatar: MediaReference }),
  ],
  'NewMessageNotificationDto',
);
/** `newMessageNotification`. */
export type NewMessageNotificationDto = t.TypeOf<typeof NewMessageNotificationDto>;

/** `mentionedNotification` (no `senderAvatar`, unlike `newMessageNotification`). */
export const MentionedNotificationDto = t.type(
  {
    conversationId: t.string,
    messageId: t.string,
    senderId: t.string,
    senderName: t.string,
    contentPreview: t.string,
    sentAt: IsoDateTime,
  },
  'MentionedNotificationDto',
);
/** `mentionedNotification`. */
export type MentionedNotificationDto = t.TypeOf<typeof MentionedNotificationDto>;

/** `unreadCountChanged`. */
export const UnreadCountChangedDto = t.type(
  { conversationId: t.string, unreadCount: NonNegativeInteger, lastMessageAt: IsoDateTime, lastMessageId: t.string },
  'UnreadCountChangedDto',
);
/** `unreadCountChanged`. */
export type UnreadCountChangedDto = t.TypeOf<typeof UnreadCountChangedDto>;

/** `conversationCreated`: created, or the user was added to it. */
export const ConversationCreatedDto = t.intersection(
  [
    t.type({ conversationId: t.string, type: ConversationType, participantCount: NonNegativeInteger }),
    optional({ name: t.string, avatar: MediaReference }),
  ],
  'ConversationCreatedDto',
);
/** `conversationCreated`. */
export type ConversationCreatedDto = t.TypeOf<typeof ConversationCreatedDto>;

/** `conversationUpdated` (`avatar: null` means the avatar was removed). */
export const ConversationUpdatedDto = t.intersection(
  [
    t.type({ conversationId: t.string, type: ConversationType, participantCount: NonNegativeInteger }),
    optional({ name: t.string, avatar: nullable(MediaReference) }),
  ],
  'ConversationUpdatedDto',
);
/** `conversationUpdated`. */
export type ConversationUpdatedDto = t.TypeOf<typeof ConversationUpdatedDto>;

const participantChange = [
  t.type({ conversationId: t.string, participantId: t.string, participantName: t.string, changedAt: IsoDateTime }),
  optional({ participantAvatar: MediaReference }),
] as const;

/** `participantJoined`. */
export const ParticipantJoinedDto = t.intersection([...participantChange], 'ParticipantJoinedDto');
/** `participantJoined`. */
export type ParticipantJoinedDto = t.TypeOf<typeof ParticipantJoinedDto>;

/** `participantLeft` (same shape as `participantJoined`). */
export const ParticipantLeftDto = t.intersection([...participantChange], 'ParticipantLeftDto');
/** `participantLeft`. */
export type ParticipantLeftDto = t.TypeOf<typeof ParticipantLeftDto>;

/** `conversationPinned`. */
export const ConversationPinnedDto = t.type({ conversationId: t.string, pinnedAt: IsoDateTime }, 'ConversationPinnedDto');
/** `conversationPinned`. */
export type ConversationPinnedDto = t.TypeOf<typeof ConversationPinnedDto>;

/** `conversationUnpinned` (no `pinnedAt`). */
export const ConversationUnpinnedDto = t.type({ conversationId: t.string }, 'ConversationUnpinnedDto');
/** `conversationUnpinned`. */
export type ConversationUnpinnedDto = t.TypeOf<typeof ConversationUnpinnedDto>;

/** `readStatusChanged` (`markedAsUnread` when the user marked it unread). */
export const ReadStatusChangedDto = t.intersection(
  [
    t.type({ conversationId: t.string, unreadCount: NonNegativeInteger, markedAsUnread: t.boolean }),
    optional({ lastReadMessageId: t.string }),
  ],
  'ReadStatusChangedDto',
);
/** `readStatusChanged`. */
export type ReadStatusChangedDto = t.TypeOf<typeof ReadStatusChangedDto>;

/** Argument of `SubscribeToPresence` / `UnsubscribeFromPresence`: at most 200 ids per call. */
export const PresenceIds = array(t.string, 'PresenceIds');
/** Argument of `SubscribeToPresence` / `UnsubscribeFromPresence`. */
export type PresenceIds = t.TypeOf<typeof PresenceIds>;

/** The most participant ids one presence call may carry. */
export const MAX_PRESENCE_IDS_PER_CALL = 200;

/** Every notification hub event (server → client) by name, with the codec of its payload. */
export const NotificationHubEvents = {
  presenceState: PresenceStateDto,
  presenceChanged: PresenceChangedDto,
  newMessageNotification: NewMessageNotificationDto,
  mentionedNotification: MentionedNotificationDto,
  unreadCountChanged: UnreadCountChangedDto,
  conversationCreated: ConversationCreatedDto,
  conversationUpdated: ConversationUpdatedDto,
  participantJoined: ParticipantJoinedDto,
  participantLeft: ParticipantLeftDto,
  conversationPinned: ConversationPinnedDto,
  conversationUnpinned: ConversationUnpinnedDto,
  readStatusChanged: ReadStatusChangedDto,
  error: HubErrorDto,
} as const;

/** Notification hub event name → payload type. */
export type NotificationHubEventMap = {
  [K in keyof typeof NotificationHubEvents]: t.TypeOf<(typeof NotificationHubEvents)[K]>;
};
/** A notification hub event name. */
export type NotificationHubEventName = keyof NotificationHubEventMap;
