import * as t from 'io-ts';
import { Block } from './blocks.js';
import { Mention, QuickReply, SenderType, SystemEventInfo } from './common.js';
import { array, IsoDateTime, NonNegativeInteger, nullable, optional } from './scalars.js';

/** One emoji's reactions on a REST message. */
export const ReactionGroup = t.type({ emoji: t.string, count: NonNegativeInteger, participantIds: array(t.string) }, 'ReactionGroup');
/** One emoji's reactions on a REST message. */
export type ReactionGroup = t.TypeOf<typeof ReactionGroup>;

/** The reactions of a REST message (the hub sends a flat `ReactionGroupDto[]` instead). */
export const ReactionSummary = t.type({ groups: array(ReactionGroup), totalCount: NonNegativeInteger }, 'ReactionSummary');
/** The reactions of a REST message. */
export type ReactionSummary = t.TypeOf<typeof ReactionSummary>;

/** A message as the REST API returns it (the hub's `ChatMessageDto` differs). */
export const MessageDto = t.type(
  {
    id: t.string,
    conversationId: t.string,
    senderId: t.string,
    senderType: SenderType,
    timestamp: IsoDateTime,
    blocks: array(Block),
    plainTextIndex: nullable(t.string),
    replyToMessageId: nullable(t.string),
    quickReplies: nullable(array(QuickReply)),
    isEdited: t.boolean,
    editedAt: nullable(IsoDateTime),
    isDeleted: t.boolean,
    deletedAt: nullable(IsoDateTime),
    reactionSummary: nullable(ReactionSummary),
    mentions: nullable(array(Mention)),
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
    clientMessageId: nullable(t.string),
    systemEvent: nullable(SystemEventInfo),
  },
  'MessageDto',
);
/** A message as the REST API returns it. */
export type MessageDto = t.TypeOf<typeof MessageDto>;

/** Body of `POST /api/conversations/{id}/messages`. */
export const SendMessageRequest = t.intersection(
  [
    t.type({ blocks: array(Block) }),
    optional({
      replyToMessageId: t.string,
      quickReplies: array(QuickReply),
      mentions: array(Mention),
      clientMessageId: t.string,
    }),
  ],
  'SendMessageRequest',
);
/** Body of `POST /api/conversations/{id}/messages` (`clientMessageId` at most 128 characters). */
export type SendMessageRequest = t.TypeOf<typeof SendMessageRequest>;

/** Body of `PUT /api/messages/{id}` (REST uses `blocks`/`mentions`; the hub `newBlocks`/`newMentions`). */
export const EditMessageRequest = t.intersection(
  [t.type({ blocks: array(Block) }), optional({ mentions: array(Mention) })],
  'EditMessageRequest',
);
/** Body of `PUT /api/messages/{id}`. */
export type EditMessageRequest = t.TypeOf<typeof EditMessageRequest>;

/** What `DELETE /api/messages/{id}` returns (not a 204). */
export const DeleteMessageResponse = t.type({ messageId: t.string, deletedAt: IsoDateTime }, 'DeleteMessageResponse');
/** What `DELETE /api/messages/{id}` returns. */
export type DeleteMessageResponse = t.TypeOf<typeof DeleteMessageResponse>;

/** Body of `POST /api/conversations/{id}/read`. */
export const MarkAsReadRequest = t.type({ messageId: t.string }, 'MarkAsReadRequest');
/** Body of `POST /api/conversations/{id}/read`. */
export type MarkAsReadRequest = t.TypeOf<typeof MarkAsReadRequest>;

/** Which way `getHistory` pages from its cursor. */
export const HistoryDirection = t.keyof({ older: null, newer: null }, 'HistoryDirection');
/** `'older' | 'newer'` (default `'older'`). */
export type HistoryDirection = t.TypeOf<typeof HistoryDirection>;
