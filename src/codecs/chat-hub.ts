import * as t from 'io-ts';
import { Block } from './blocks.js';
import { MediaReference, Mention, QuickReply, SenderType, SystemEventDto } from './common.js';
import { array, IsoDateTime, JsonObject, NonNegativeInteger, nullable, optional } from './scalars.js';

/** One emoji's reactions on a hub message (a flat array, not wrapped like REST's `ReactionSummary`). */
export const ReactionGroupDto = t.type({ emoji: t.string, count: NonNegativeInteger, participantIds: array(t.string) }, 'ReactionGroupDto');
/** One emoji's reactions on a hub message. */
export type ReactionGroupDto = t.TypeOf<typeof ReactionGroupDto>;

/** A message as the chat hub sends it (differs from REST's `MessageDto`: sender name, `plainTextContent`, flat reactions). */
export const ChatMessageDto = t.intersection(
  [
    t.type({
      id: t.string,
      conversationId: t.string,
      senderId: t.string,
      senderName: t.string,
      senderType: SenderType,
      blocks: array(Block),
      plainTextContent: nullable(t.string),
      replyToMessageId: nullable(t.string),
      quickReplies: nullable(array(QuickReply)),
      isEdited: t.boolean,
      reactions: nullable(array(ReactionGroupDto)),
      mentions: nullable(array(Mention)),
      createdAt: IsoDateTime,
      updatedAt: nullable(IsoDateTime),
      clientMessageId: nullable(t.string),
      systemEvent: nullable(SystemEventDto),
    }),
    optional({ senderAvatar: MediaReference }),
  ],
  'ChatMessageDto',
);
/** A message as the chat hub sends it. */
export type ChatMessageDto = t.TypeOf<typeof ChatMessageDto>;

/** `messageUpdated`: a message was edited. */
export const MessageUpdatedDto = t.intersection(
  [
    t.type({
      messageId: t.string,
      conversationId: t.string,
      blocks: array(Block),
      plainTextContent: nullable(t.string),
      updatedAt: IsoDateTime,
    }),
    optional({ mentions: array(Mention) }),
  ],
  'MessageUpdatedDto',
);
/** `messageUpdated`: a message was edited. */
export type MessageUpdatedDto = t.TypeOf<typeof MessageUpdatedDto>;

/** How a message was deleted: `recall` for everyone, `delete` on the sender's side. */
export const DeleteType = t.keyof({ recall: null, delete: null }, 'DeleteType');
/** `'recall' | 'delete'`. */
export type DeleteType = t.TypeOf<typeof DeleteType>;

/** `messageDeleted`: a message was (soft) deleted. */
export const MessageDeletedDto = t.type(
  {
    messageId: t.string,
    conversationId: t.string,
    deleteType: DeleteType,
    deletedBy: t.string,
    deletedAt: IsoDateTime,
  },
  'MessageDeletedDto',
);
/** `messageDeleted`: a message was (soft) deleted. */
export type MessageDeletedDto = t.TypeOf<typeof MessageDeletedDto>;

/** `reactionAdded`. */
export const ReactionAddedDto = t.type(
  {
    messageId: t.string,
    conversationId: t.string,
    participantId: t.string,
    participantName: t.string,
    emoji: t.string,
    createdAt: IsoDateTime,
  },
  'ReactionAddedDto',
);
/** `reactionAdded`. */
export type ReactionAddedDto = t.TypeOf<typeof ReactionAddedDto>;

/** `reactionRemoved` (its time field is `removedAt`, not `createdAt`). */
export const ReactionRemovedDto = t.type(
  {
    messageId: t.string,
    conversationId: t.string,
    participantId: t.string,
    participantName: t.string,
    emoji: t.string,
    removedAt: IsoDateTime,
  },
  'ReactionRemovedDto',
);
/** `reactionRemoved`. */
export type ReactionRemovedDto = t.TypeOf<typeof ReactionRemovedDto>;

/** `typingStarted` / `typingStopped`. */
export const TypingDto = t.type({ conversationId: t.string, participantId: t.string, participantName: t.string }, 'TypingDto');
/** `typingStarted` / `typingStopped`. */
export type TypingDto = t.TypeOf<typeof TypingDto>;

/** `readReceiptUpdated`. */
export const ReadReceiptUpdatedDto = t.type(
  { conversationId: t.string, participantId: t.string, lastReadMessageId: t.string, readAt: IsoDateTime },
  'ReadReceiptUpdatedDto',
);
/** `readReceiptUpdated`. */
export type ReadReceiptUpdatedDto = t.TypeOf<typeof ReadReceiptUpdatedDto>;

/** `streamStarted`: a bot began a streamed reply. */
export const StreamStartedDto = t.intersection(
  [
    t.type({
      streamId: t.string,
      messageId: t.string,
      conversationId: t.string,
      senderId: t.string,
      senderName: t.string,
      startedAt: IsoDateTime,
    }),
    optional({ senderAvatar: MediaReference, replyToMessageId: t.string }),
  ],
  'StreamStartedDto',
);
/** `streamStarted`. */
export type StreamStartedDto = t.TypeOf<typeof StreamStartedDto>;

/** `streamStatusUpdated`: e.g. `"thinking"`, `"searching"`. */
export const StreamStatusUpdatedDto = t.intersection(
  [
    t.type({ streamId: t.string, messageId: t.string, conversationId: t.string, status: t.string, updatedAt: IsoDateTime }),
    optional({ detail: t.string }),
  ],
  'StreamStatusUpdatedDto',
);
/** `streamStatusUpdated`. */
export type StreamStatusUpdatedDto = t.TypeOf<typeof StreamStatusUpdatedDto>;

/** `streamChunkReceived`: the next piece of text, `chunkIndex` from 0. */
export const StreamChunkReceivedDto = t.type(
  { streamId: t.string, messageId: t.string, conversationId: t.string, text: t.string, chunkIndex: NonNegativeInteger },
  'StreamChunkReceivedDto',
);
/** `streamChunkReceived`. */
export type StreamChunkReceivedDto = t.TypeOf<typeof StreamChunkReceivedDto>;

/** `streamCompleted`: the final hub message replaces the streamed placeholder. */
export const StreamCompletedDto = t.type(
  { streamId: t.string, messageId: t.string, conversationId: t.string, message: ChatMessageDto, completedAt: IsoDateTime },
  'StreamCompletedDto',
);
/** `streamCompleted`. */
export type StreamCompletedDto = t.TypeOf<typeof StreamCompletedDto>;

/** `streamAborted`. */
export const StreamAbortedDto = t.type(
  { streamId: t.string, messageId: t.string, conversationId: t.string, reason: t.string, abortedAt: IsoDateTime },
  'StreamAbortedDto',
);
/** `streamAborted`. */
export type StreamAbortedDto = t.TypeOf<typeof StreamAbortedDto>;

/** `error` on either hub. */
export const HubErrorDto = t.intersection(
  [t.type({ code: t.string, message: t.string }), optional({ details: JsonObject })],
  'HubErrorDto',
);
/** `error` on either hub. */
export type HubErrorDto = t.TypeOf<typeof HubErrorDto>;

// ---- acks (what the chat hub's methods return) ----

const ackError = { errorCode: t.string, errorMessage: t.string };

/** Result of `SendMessage`. */
export const SendMessageAck = t.intersection(
  [t.type({ success: t.boolean }), optional({ messageId: t.string, clientMessageId: t.string, createdAt: IsoDateTime, ...ackError })],
  'SendMessageAck',
);
/** Result of `SendMessage`. */
export type SendMessageAck = t.TypeOf<typeof SendMessageAck>;

/** Result of `EditMessage`. */
export const EditMessageAck = t.intersection(
  [t.type({ success: t.boolean }), optional({ messageId: t.string, editedAt: IsoDateTime, ...ackError })],
  'EditMessageAck',
);
/** Result of `EditMessage`. */
export type EditMessageAck = t.TypeOf<typeof EditMessageAck>;

/** Result of `DeleteMessage`. */
export const DeleteMessageAck = t.intersection(
  [t.type({ success: t.boolean }), optional({ messageId: t.string, deletedAt: IsoDateTime, ...ackError })],
  'DeleteMessageAck',
);
/** Result of `DeleteMessage`. */
export type DeleteMessageAck = t.TypeOf<typeof DeleteMessageAck>;

/** Result of `RecoverMessage`. */
export const RecoverMessageAck = t.intersection(
  [t.type({ success: t.boolean }), optional({ messageId: t.string, ...ackError })],
  'RecoverMessageAck',
);
/** Result of `RecoverMessage`. */
export type RecoverMessageAck = t.TypeOf<typeof RecoverMessageAck>;

/** Result of `AddReaction` / `RemoveReaction`. */
export const ReactionAck = t.intersection(
  [t.type({ success: t.boolean }), optional({ messageId: t.string, emoji: t.string, ...ackError })],
  'ReactionAck',
);
/** Result of `AddReaction` / `RemoveReaction`. */
export type ReactionAck = t.TypeOf<typeof ReactionAck>;

/** Result of `MarkAsRead`. */
export const MarkAsReadAck = t.intersection(
  [t.type({ success: t.boolean }), optional({ conversationId: t.string, ...ackError })],
  'MarkAsReadAck',
);
/** Result of `MarkAsRead`. */
export type MarkAsReadAck = t.TypeOf<typeof MarkAsReadAck>;

// ---- requests (what the chat hub's methods take) ----

/** Argument of `SendMessage`. */
export const ChatSendMessageRequest = t.intersection(
  [
    t.type({ conversationId: t.string, blocks: array(Block) }),
    optional({
      replyToMessageId: t.string,
      quickReplies: array(QuickReply),
      mentions: array(Mention),
      clientMessageId: t.string,
    }),
  ],
  'ChatSendMessageRequest',
);
/** Argument of `SendMessage`. */
export type ChatSendMessageRequest = t.TypeOf<typeof ChatSendMessageRequest>;

/** Argument of `EditMessage` (`newBlocks`/`newMentions`, unlike REST). */
export const ChatEditMessageRequest = t.intersection(
  [t.type({ messageId: t.string, newBlocks: array(Block) }), optional({ newMentions: array(Mention) })],
  'ChatEditMessageRequest',
);
/** Argument of `EditMessage`. */
export type ChatEditMessageRequest = t.TypeOf<typeof ChatEditMessageRequest>;

/** Argument of `DeleteMessage` (an object, not a bare id). */
export const ChatDeleteMessageRequest = t.type({ messageId: t.string }, 'ChatDeleteMessageRequest');
/** Argument of `DeleteMessage`. */
export type ChatDeleteMessageRequest = t.TypeOf<typeof ChatDeleteMessageRequest>;

/** Argument of `RecoverMessage`. */
export const ChatRecoverMessageRequest = t.type({ messageId: t.string }, 'ChatRecoverMessageRequest');
/** Argument of `RecoverMessage`. */
export type ChatRecoverMessageRequest = t.TypeOf<typeof ChatRecoverMessageRequest>;

/** Argument of `AddReaction`. */
export const ChatAddReactionRequest = t.type({ messageId: t.string, conversationId: t.string, emoji: t.string }, 'ChatAddReactionRequest');
/** Argument of `AddReaction`. */
export type ChatAddReactionRequest = t.TypeOf<typeof ChatAddReactionRequest>;

/** Argument of `RemoveReaction`. */
export const ChatRemoveReactionRequest = t.type({ messageId: t.string, emoji: t.string }, 'ChatRemoveReactionRequest');
/** Argument of `RemoveReaction`. */
export type ChatRemoveReactionRequest = t.TypeOf<typeof ChatRemoveReactionRequest>;

/** Every chat hub event (server → client) by name, with the codec of its payload. */
export const ChatHubEvents = {
  messageReceived: ChatMessageDto,
  messageUpdated: MessageUpdatedDto,
  messageDeleted: MessageDeletedDto,
  messageRecovered: ChatMessageDto,
  reactionAdded: ReactionAddedDto,
  reactionRemoved: ReactionRemovedDto,
  typingStarted: TypingDto,
  typingStopped: TypingDto,
  readReceiptUpdated: ReadReceiptUpdatedDto,
  streamStarted: StreamStartedDto,
  streamStatusUpdated: StreamStatusUpdatedDto,
  streamChunkReceived: StreamChunkReceivedDto,
  streamCompleted: StreamCompletedDto,
  streamAborted: StreamAbortedDto,
  error: HubErrorDto,
} as const;

/** Chat hub event name → payload type. */
export type ChatHubEventMap = { [K in keyof typeof ChatHubEvents]: t.TypeOf<(typeof ChatHubEvents)[K]> };
/** A chat hub event name. */
export type ChatHubEventName = keyof ChatHubEventMap;
