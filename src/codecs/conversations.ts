import * as t from 'io-ts';
import { ConversationType, MediaReference } from './common.js';
import { MessageDto } from './messages.js';
import { array, IsoDateTime, NonNegativeInteger, nullable, optional } from './scalars.js';

/** A participant's membership in a conversation (also for members who left). */
export const ConversationParticipantDto = t.intersection(
  [
    t.type({
      participantId: t.string,
      joinedAt: IsoDateTime,
      isActive: t.boolean,
      isPinned: t.boolean,
      unreadCount: NonNegativeInteger,
    }),
    optional({
      leftAt: nullable(IsoDateTime),
      pinnedAt: nullable(IsoDateTime),
      lastReadMessageId: nullable(t.string),
      lastReadAt: nullable(IsoDateTime),
    }),
  ],
  'ConversationParticipantDto',
);
/** A participant's membership in a conversation. */
export type ConversationParticipantDto = t.TypeOf<typeof ConversationParticipantDto>;

/** A conversation with its members. */
export const ConversationDto = t.intersection(
  [
    t.type({
      id: t.string,
      type: ConversationType,
      ownerId: t.string,
      createdAt: IsoDateTime,
      updatedAt: IsoDateTime,
      participants: array(ConversationParticipantDto),
    }),
    optional({
      name: t.string,
      avatar: MediaReference,
      lastMessageAt: nullable(IsoDateTime),
      lastMessageId: nullable(t.string),
    }),
  ],
  'ConversationDto',
);
/** A conversation with its members. */
export type ConversationDto = t.TypeOf<typeof ConversationDto>;

/** A row of the conversation list (pinned first, then `lastMessageAt` descending). */
export const ConversationListItemDto = t.intersection(
  [
    t.type({
      id: t.string,
      type: ConversationType,
      isPinned: t.boolean,
      unreadCount: NonNegativeInteger,
      participantCount: NonNegativeInteger,
    }),
    optional({
      name: t.string,
      avatar: MediaReference,
      lastMessageAt: nullable(IsoDateTime),
      lastMessageId: nullable(t.string),
      lastMessage: nullable(MessageDto),
      pinnedAt: nullable(IsoDateTime),
    }),
  ],
  'ConversationListItemDto',
);
/** A row of the conversation list. */
export type ConversationListItemDto = t.TypeOf<typeof ConversationListItemDto>;

/** Body of `POST /api/conversations`. */
export const CreateConversationRequest = t.intersection(
  [t.type({ type: ConversationType, participantIds: array(t.string) }), optional({ name: t.string, avatar: MediaReference })],
  'CreateConversationRequest',
);
/** Body of `POST /api/conversations` (the creator is added by the server). */
export type CreateConversationRequest = t.TypeOf<typeof CreateConversationRequest>;

/** Body of `PUT /api/conversations/{id}` (Group conversations only). */
export const UpdateConversationRequest = optional({ name: t.string, avatar: nullable(MediaReference) }, 'UpdateConversationRequest');
/** Body of `PUT /api/conversations/{id}`. */
export type UpdateConversationRequest = t.TypeOf<typeof UpdateConversationRequest>;

/** Body of `POST /api/conversations/{id}/participants`. */
export const AddParticipantRequest = t.intersection(
  [t.type({ participantId: t.string }), optional({ canViewHistory: t.boolean })],
  'AddParticipantRequest',
);
/** Body of `POST /api/conversations/{id}/participants` (`canViewHistory` defaults to true). */
export type AddParticipantRequest = t.TypeOf<typeof AddParticipantRequest>;
