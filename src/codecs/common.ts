import * as t from 'io-ts';
import { array, JsonObject, nullable, optional } from './scalars.js';

/** A file in the gateway's storage (`storageKey`, see `files.getDownloadUrl`) or an external `url`. */
export const MediaReference = optional({ storageKey: t.string, url: t.string }, 'MediaReference');
/** A file in the gateway's storage or an external URL. */
export type MediaReference = t.TypeOf<typeof MediaReference>;

/** Who sent a message. */
export const SenderType = t.keyof({ User: null, Bot: null, System: null }, 'SenderType');
/** Who sent a message: `'User' | 'Bot' | 'System'`. */
export type SenderType = t.TypeOf<typeof SenderType>;

/** The kind of a conversation. */
export const ConversationType = t.keyof({ Group: null, OneToOne: null, Self: null }, 'ConversationType');
/** `'Group' | 'OneToOne' | 'Self'`. */
export type ConversationType = t.TypeOf<typeof ConversationType>;

/** What a quick reply does when pressed. */
export const QuickReplyAction = t.keyof({ SendText: null, Postback: null, Url: null }, 'QuickReplyAction');
/** `'SendText' | 'Postback' | 'Url'`. */
export type QuickReplyAction = t.TypeOf<typeof QuickReplyAction>;

/** A quick-reply button shown under a (bot) message. */
export const QuickReply = t.type(
  { label: t.string, action: QuickReplyAction, value: nullable(t.string), icon: nullable(t.string) },
  'QuickReply',
);
/** A quick-reply button shown under a (bot) message. */
export type QuickReply = t.TypeOf<typeof QuickReply>;

/** What a mention points at. */
export const MentionType = t.keyof({ User: null, All: null, Here: null, Role: null }, 'MentionType');
/** `'User' | 'All' | 'Here' | 'Role'`. */
export type MentionType = t.TypeOf<typeof MentionType>;

/** A mention inside a message's plain text. */
export const Mention = t.type(
  {
    type: MentionType,
    targetId: nullable(t.string),
    displayName: t.string,
    offset: nullable(t.number),
    length: nullable(t.number),
  },
  'Mention',
);
/** A mention inside a message's plain text (`targetId` is null for All/Here). */
export type Mention = t.TypeOf<typeof Mention>;

/** The kind of a system event message. */
export const SystemEventType = t.keyof(
  { ConversationRenamed: null, AvatarChanged: null, MemberAdded: null, MemberRemoved: null, MemberLeft: null, Custom: null },
  'SystemEventType',
);
/** `'ConversationRenamed' | 'AvatarChanged' | 'MemberAdded' | 'MemberRemoved' | 'MemberLeft' | 'Custom'`. */
export type SystemEventType = t.TypeOf<typeof SystemEventType>;

/** A system event attached to a REST `MessageDto`. */
export const SystemEventInfo = t.intersection(
  [t.type({ type: SystemEventType, actorId: nullable(t.string) }), optional({ targetIds: array(t.string), metadata: JsonObject })],
  'SystemEventInfo',
);
/** A system event attached to a REST `MessageDto` (`actorId` is null for MemberLeft). */
export type SystemEventInfo = t.TypeOf<typeof SystemEventInfo>;

/** A system event attached to a hub `ChatMessageDto`: `SystemEventInfo` plus display names. */
export const SystemEventDto = t.intersection(
  [SystemEventInfo, optional({ actorName: t.string, targetNames: array(t.string) })],
  'SystemEventDto',
);
/** A system event attached to a hub `ChatMessageDto`. */
export type SystemEventDto = t.TypeOf<typeof SystemEventDto>;
