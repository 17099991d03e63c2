/**
 * `toSeed`: the one normalisation every value of `chat-client-rx/compat` goes through on its way
 * to the application — REST results, hub event payloads, acks, `currentUser` — so that it is what
 * the seed's types (`types-*.ts`) say it is. The reactive layer has already decoded it; nothing is
 * decoded again, only reshaped, by these rules:
 *
 * 1. A member the seed marks optional and types without `null` (`avatar?: MediaReference`,
 *    `errorMessage?: string`) that the server sent as `null` becomes absent. (ASP.NET's
 *    System.Text.Json writes an unset member as `null`; the seed's types, and code such as
 *    `new Error(ack.errorMessage)`, expect it absent.)
 * 2. A `null` the seed's type admits stays: a required `T | null` (`plainTextIndex`,
 *    `systemEvent`, `thumbnail`) and an optional `?: T | null` (`lastSeenAt`, `role`,
 *    `lastMessage`, and `ConversationUpdatedDto.avatar`, where `null` means "removed").
 * 3. Every other member stays as the server sent it — required members, members the seed does not
 *    name, and free-form JSON (`metadata`, `data`, `details`), which is data, not a DTO.
 * 4. Deep: nested DTOs, arrays and records of them, and the blocks of every message are
 *    normalised by the same rules (a block's `MediaReference`s, a carousel's cards, a stream's
 *    final message, a list item's `lastMessage`).
 * 5. A block whose `$type` is none of the seed's 14 kinds (a newer server's) is dropped from its
 *    list and reported to `onDrop`: the seed's `Block` does not include it, and turning it into
 *    another kind would make a re-sent message write back something the server never sent. The
 *    reactive client (`client.rx`) keeps it as an `UnknownBlock`.
 *
 * Pure: the input is never changed. What needs no change is returned as it is (the same object);
 * what changes is copied along the path to the change only.
 *
 * The shapes below are transcribed from the seed's interfaces; the compiler checks that each
 * shape lists exactly the optional non-null members of its type, and that each nested shape is of
 * the member's type.
 */
import type * as B from './types-blocks.js';
import type * as C from './types-common.js';
import type * as H from './types-hubs.js';
import type * as R from './types-rest.js';

/** The members of `T` the seed marks optional (`x?:`). */
type OptionalKeys<T> = { [K in keyof T]-?: Partial<Pick<T, K>> extends Pick<T, K> ? K : never }[keyof T];

/** The optional members of `T` whose type does not admit `null`: rule 1 removes them when `null`. */
export type StrippedKeys<T> = { [K in OptionalKeys<T>]-?: null extends T[K] ? never : K }[OptionalKeys<T>] & string;

/**
 * How values of the seed type `T` are normalised: an object with members to strip and members to
 * descend into, a list or record of such, or a list of blocks. `T` is a type-level mark only.
 */
export type Shape<T> = ObjectShape<T> | ListShape<T> | RecordShape<T> | BlocksShape<T>;

interface ShapeBase<T> {
  /** What it describes, for the paths `onDrop` reports (`ChatMessageDto.blocks[1]`). */
  readonly name: string;
  /** True when no value of this shape ever needs a change: `toSeed` returns it at once. */
  readonly inert: boolean;
  /** Type-level only: the seed type this shape produces. */
  readonly seedType?: T;
}

/** A DTO: which members rule 1 removes, which are DTOs themselves. */
export interface ObjectShape<T> extends ShapeBase<T> {
  readonly kind: 'object';
  readonly strip: ReadonlySet<string>;
  readonly nested: ReadonlyArray<readonly [string, Shape<unknown>]>;
}

/** An array of one shape. */
export interface ListShape<T> extends ShapeBase<T> {
  readonly kind: 'list';
  readonly item: Shape<unknown>;
}

/** A `Record<string, …>` of one shape. */
export interface RecordShape<T> extends ShapeBase<T> {
  readonly kind: 'record';
  readonly value: Shape<unknown>;
}

/** A `Block[]`: each block by its `$type`; an unknown `$type` is dropped (rule 5). */
export interface BlocksShape<T> extends ShapeBase<T> {
  readonly kind: 'blocks';
}

/** A block dropped by rule 5: its `$type`, where it was, and the block as the server sent it. */
export interface DroppedBlock {
  readonly $type: string;
  /** Where it was, e.g. `ChatMessageDto.blocks[1]` or `CursorPaginatedResult<MessageDto>.items[3].blocks[0]`. */
  readonly path: string;
  readonly block: Readonly<Record<string, unknown>>;
}

/** Told about every block `toSeed` drops. */
export type DropReporter = (dropped: DroppedBlock) => void;

/** Flags an object shape whose `strip` list is incomplete, naming the members it misses. */
type Complete<T, S extends readonly string[]> = [Exclude<StrippedKeys<T>, S[number]>] extends [never]
  ? unknown
  : { readonly missingMembers: Exclude<StrippedKeys<T>, S[number]> };

/**
 * The shape of the seed DTO `T`: `strip` must list every optional member of `T` whose type
 * excludes `null` (the compiler says which are missing), `nested` the members that hold DTOs.
 *
 * @example
 * ```ts
 * const ParticipantDto = dto<R.ParticipantDto>('ParticipantDto')({ strip: ['avatar', 'gender'], nested: { avatar: MediaReference } });
 * ```
 */
export function dto<T>(name: string) {
  return <const S extends readonly StrippedKeys<T>[]>(members: {
    readonly strip: S & Complete<T, S>;
    readonly nested?: { readonly [K in keyof T & string]?: Shape<NonNullable<T[K]>> };
  }): ObjectShape<T> => {
    const nested = Object.entries(members.nested ?? {}) as Array<[string, Shape<unknown>]>;
    return {
      kind: 'object',
      name,
      strip: new Set<string>(members.strip),
      nested,
      inert: members.strip.length === 0 && nested.every(([, shape]) => shape.inert),
    };
  };
}

/** An array of `item`. */
export function list<T>(item: Shape<T>): ListShape<T[]> {
  return { kind: 'list', name: `${item.name}[]`, item, inert: item.inert };
}

/** A `Record<string, …>` of `value`. */
export function record<T>(value: Shape<T>): RecordShape<Record<string, T>> {
  return { kind: 'record', name: `Record<string, ${value.name}>`, value, inert: value.inert };
}

/** `T | null` where the seed admits `null`: the same shape (a `null` is always left as it is). */
const orNull = <T>(shape: Shape<T>): Shape<T | null> => shape;

// ---- the shapes (types-common.ts, types-blocks.ts)

const MediaReference = dto<C.MediaReference>('MediaReference')({ strip: ['storageKey', 'url'] });
const QuickReply = dto<C.QuickReply>('QuickReply')({ strip: [] });
const Mention = dto<C.Mention>('Mention')({ strip: [] });
const SystemEventInfo = dto<C.SystemEventInfo>('SystemEventInfo')({ strip: ['targetIds', 'metadata'] });
const SystemEventDto = dto<C.SystemEventDto>('SystemEventDto')({ strip: ['targetIds', 'metadata', 'actorName', 'targetNames'] });

const CardBlock = dto<B.CardBlock>('CardBlock')({ strip: [], nested: { image: MediaReference } });

/** Every block kind of the seed, by `$type` (all 14: the compiler checks it). */
const blockShapes: { readonly [K in B.Block['$type']]: ObjectShape<Extract<B.Block, { $type: K }>> } = {
  text: dto<B.TextBlock>('TextBlock')({ strip: [] }),
  image: dto<B.ImageBlock>('ImageBlock')({ strip: [], nested: { source: MediaReference, thumbnail: MediaReference } }),
  video: dto<B.VideoBlock>('VideoBlock')({ strip: [], nested: { source: MediaReference, thumbnail: MediaReference } }),
  audio: dto<B.AudioBlock>('AudioBlock')({ strip: [], nested: { source: MediaReference } }),
  file: dto<B.FileBlock>('FileBlock')({ strip: [], nested: { source: MediaReference } }),
  linkPreview: dto<B.LinkPreviewBlock>('LinkPreviewBlock')({ strip: [], nested: { image: MediaReference } }),
  embed: dto<B.EmbedBlock>('EmbedBlock')({ strip: [] }),
  location: dto<B.LocationBlock>('LocationBlock')({ strip: [] }),
  contact: dto<B.ContactBlock>('ContactBlock')({ strip: [] }),
  choice: dto<B.ChoiceBlock>('ChoiceBlock')({ strip: [] }),
  card: CardBlock,
  carousel: dto<B.CarouselBlock>('CarouselBlock')({ strip: [], nested: { cards: list(CardBlock) } }),
  divider: dto<B.DividerBlock>('DividerBlock')({ strip: [] }),
  custom: dto<B.CustomBlock>('CustomBlock')({ strip: [] }),
};
const BLOCK_SHAPES: ReadonlyMap<string, ObjectShape<B.Block>> = new Map(Object.entries(blockShapes));

const Blocks: BlocksShape<B.Block[]> = { kind: 'blocks', name: 'Block[]', inert: false };

/** A cursor page of `item`. */
function cursorPage<T>(item: Shape<T>): ObjectShape<C.CursorPaginatedResult<T>> {
  return dto<C.CursorPaginatedResult<T>>(`CursorPaginatedResult<${item.name}>`)({ strip: [], nested: { items: list(item) } });
}

// ---- REST (types-rest.ts)

const AuthUserInfo = dto<R.AuthUserInfo>('AuthUserInfo')({ strip: ['avatar'] });
const ParticipantDto = dto<R.ParticipantDto>('ParticipantDto')({ strip: ['avatar', 'gender'], nested: { avatar: MediaReference } });
const ConversationParticipantDto = dto<R.ConversationParticipantDto>('ConversationParticipantDto')({ strip: [] });
const ConversationDto = dto<R.ConversationDto>('ConversationDto')({
  strip: ['name', 'avatar'],
  nested: { avatar: MediaReference, participants: list(ConversationParticipantDto) },
});
const ReactionSummary = dto<R.ReactionSummary>('ReactionSummary')({ strip: [] });
const MessageDto = dto<R.MessageDto>('MessageDto')({
  strip: [],
  nested: {
    blocks: Blocks,
    quickReplies: list(QuickReply),
    reactionSummary: ReactionSummary,
    mentions: list(Mention),
    systemEvent: SystemEventInfo,
  },
});
const ConversationListItemDto = dto<R.ConversationListItemDto>('ConversationListItemDto')({
  strip: ['name', 'avatar'],
  nested: { avatar: MediaReference, lastMessage: MessageDto },
});
const BotDto = dto<R.BotDto>('BotDto')({ strip: ['description', 'metadata'] });
const HealthCheckResult = dto<R.HealthCheckResult>('HealthCheckResult')({ strip: [] });

// ---- hubs (types-hubs.ts)

const ChatMessageDto = dto<H.ChatMessageDto>('ChatMessageDto')({
  strip: ['senderAvatar'],
  nested: {
    senderAvatar: MediaReference,
    blocks: Blocks,
    quickReplies: list(QuickReply),
    reactions: list(dto<H.ReactionGroupDto>('ReactionGroupDto')({ strip: [] })),
    mentions: list(Mention),
    systemEvent: SystemEventDto,
  },
});
const HubErrorDto = dto<H.HubErrorDto>('HubErrorDto')({ strip: ['details'] });

/**
 * The shape of every value compat hands out, by the seed's type name.
 *
 * @example
 * ```ts
 * const message = toSeed(seedShapes.MessageDto, decoded);
 * ```
 */
export const seedShapes = {
  MediaReference,
  Blocks,
  AuthUserInfo,
  AuthResponse: dto<R.AuthResponse>('AuthResponse')({ strip: [], nested: { user: AuthUserInfo } }),
  ParticipantDto,
  ParticipantDtos: list(ParticipantDto),
  ConversationDto,
  ConversationDtoOrNull: orNull(ConversationDto),
  ConversationListItemDto,
  ConversationListItemDtos: list(ConversationListItemDto),
  ConversationPage: cursorPage(ConversationListItemDto),
  ConversationParticipantDtos: list(ConversationParticipantDto),
  MessageDto,
  MessageDtos: list(MessageDto),
  MessagePage: cursorPage(MessageDto),
  DeleteMessageResponse: dto<R.DeleteMessageResponse>('DeleteMessageResponse')({ strip: [] }),
  CreateUploadUrlResponse: dto<R.CreateUploadUrlResponse>('CreateUploadUrlResponse')({ strip: [] }),
  UploadResponse: dto<R.UploadResponse>('UploadResponse')({ strip: [] }),
  BotDto,
  BotPage: dto<C.PagedResult<R.BotDto>>('PagedResult<BotDto>')({ strip: [], nested: { items: list(BotDto) } }),
  CreateBotResponse: dto<R.CreateBotResponse>('CreateBotResponse')({ strip: ['description', 'metadata'] }),
  RegenerateKeyResponse: dto<R.RegenerateKeyResponse>('RegenerateKeyResponse')({ strip: [] }),
  HealthStatus: dto<R.HealthStatus>('HealthStatus')({ strip: [], nested: { results: record(HealthCheckResult) } }),
  ChatMessageDto,
  HubErrorDto,
  SendMessageAck: dto<H.SendMessageAck>('SendMessageAck')({
    strip: ['messageId', 'clientMessageId', 'createdAt', 'errorCode', 'errorMessage'],
  }),
  EditMessageAck: dto<H.EditMessageAck>('EditMessageAck')({ strip: ['messageId', 'editedAt', 'errorCode', 'errorMessage'] }),
  DeleteMessageAck: dto<H.DeleteMessageAck>('DeleteMessageAck')({ strip: ['messageId', 'deletedAt', 'errorCode', 'errorMessage'] }),
  RecoverMessageAck: dto<H.RecoverMessageAck>('RecoverMessageAck')({ strip: ['messageId', 'errorCode', 'errorMessage'] }),
  ReactionAck: dto<H.ReactionAck>('ReactionAck')({ strip: ['messageId', 'emoji', 'errorCode', 'errorMessage'] }),
  MarkAsReadAck: dto<H.MarkAsReadAck>('MarkAsReadAck')({ strip: ['conversationId', 'errorCode', 'errorMessage'] }),
} as const;

/** The payload shape of every chat hub event. */
export const chatHubEventShapes: { readonly [K in keyof H.ChatHubServerEventMap]: Shape<H.ChatHubServerEventMap[K]> } = {
  messageReceived: ChatMessageDto,
  messageUpdated: dto<H.MessageUpdatedDto>('MessageUpdatedDto')({
    strip: ['mentions'],
    nested: { blocks: Blocks, mentions: list(Mention) },
  }),
  messageDeleted: dto<H.MessageDeletedDto>('MessageDeletedDto')({ strip: [] }),
  messageRecovered: ChatMessageDto,
  reactionAdded: dto<H.ReactionAddedDto>('ReactionAddedDto')({ strip: [] }),
  reactionRemoved: dto<H.ReactionRemovedDto>('ReactionRemovedDto')({ strip: [] }),
  typingStarted: dto<H.TypingDto>('TypingDto')({ strip: [] }),
  typingStopped: dto<H.TypingDto>('TypingDto')({ strip: [] }),
  readReceiptUpdated: dto<H.ReadReceiptUpdatedDto>('ReadReceiptUpdatedDto')({ strip: [] }),
  streamStarted: dto<H.StreamStartedDto>('StreamStartedDto')({
    strip: ['senderAvatar', 'replyToMessageId'],
    nested: { senderAvatar: MediaReference },
  }),
  streamStatusUpdated: dto<H.StreamStatusUpdatedDto>('StreamStatusUpdatedDto')({ strip: ['detail'] }),
  streamChunkReceived: dto<H.StreamChunkReceivedDto>('StreamChunkReceivedDto')({ strip: [] }),
  streamCompleted: dto<H.StreamCompletedDto>('StreamCompletedDto')({ strip: [], nested: { message: ChatMessageDto } }),
  streamAborted: dto<H.StreamAbortedDto>('StreamAbortedDto')({ strip: [] }),
  error: HubErrorDto,
};

/** The payload shape of every notification hub event. */
export const notificationHubEventShapes: {
  readonly [K in keyof H.NotificationHubServerEventMap]: Shape<H.NotificationHubServerEventMap[K]>;
} = {
  presenceState: list(dto<H.PresenceStateItem>('PresenceStateItem')({ strip: [] })),
  presenceChanged: dto<H.PresenceChangedDto>('PresenceChangedDto')({ strip: [] }),
  newMessageNotification: dto<H.NewMessageNotificationDto>('NewMessageNotificationDto')({
    strip: ['conversationName', 'senderAvatar'],
    nested: { senderAvatar: MediaReference },
  }),
  mentionedNotification: dto<H.MentionedNotificationDto>('MentionedNotificationDto')({ strip: [] }),
  unreadCountChanged: dto<H.UnreadCountChangedDto>('UnreadCountChangedDto')({ strip: [] }),
  conversationCreated: dto<H.ConversationCreatedDto>('ConversationCreatedDto')({
    strip: ['name', 'avatar'],
    nested: { avatar: MediaReference },
  }),
  conversationUpdated: dto<H.ConversationUpdatedDto>('ConversationUpdatedDto')({ strip: ['name'], nested: { avatar: MediaReference } }),
  participantJoined: dto<H.ParticipantJoinedDto>('ParticipantJoinedDto')({
    strip: ['participantAvatar'],
    nested: { participantAvatar: MediaReference },
  }),
  participantLeft: dto<H.ParticipantLeftDto>('ParticipantLeftDto')({
    strip: ['participantAvatar'],
    nested: { participantAvatar: MediaReference },
  }),
  conversationPinned: dto<H.ConversationPinnedDto>('ConversationPinnedDto')({ strip: [] }),
  conversationUnpinned: dto<H.ConversationUnpinnedDto>('ConversationUnpinnedDto')({ strip: [] }),
  readStatusChanged: dto<H.ReadStatusChangedDto>('ReadStatusChangedDto')({ strip: ['lastReadMessageId'] }),
  error: HubErrorDto,
};

// ---- the normalisation

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Returned for a block rule 5 drops. */
const DROPPED: unique symbol = Symbol('dropped');

/**
 * `value` as the seed type `shape` describes (the rules are at the top of this file). `null` and
 * non-objects are returned as they are; so is anything that needs no change.
 *
 * @param onDrop told about every block dropped because its `$type` is none of the seed's.
 * @example
 * ```ts
 * const ack = toSeed(seedShapes.SendMessageAck, { success: false, errorCode: 'E', errorMessage: 'm', messageId: null });
 * // { success: false, errorCode: 'E', errorMessage: 'm' }
 * ```
 */
export function toSeed<T>(shape: Shape<T>, value: unknown, onDrop?: DropReporter): T {
  return (shape.inert ? value : normalize(shape, value, shape.name, onDrop)) as T;
}

function normalize(shape: Shape<unknown>, value: unknown, path: string, onDrop: DropReporter | undefined): unknown {
  if (shape.inert || typeof value !== 'object' || value === null) return value;
  switch (shape.kind) {
    case 'object':
      return isRecord(value) ? normalizeObject(shape, value, path, onDrop) : value;
    case 'list':
      return Array.isArray(value) ? mapArray(value, (item, i) => normalize(shape.item, item, `${path}[${i}]`, onDrop)) : value;
    case 'blocks':
      return Array.isArray(value) ? mapArray(value, (item, i) => normalizeBlock(item, `${path}[${i}]`, onDrop)) : value;
    case 'record':
      return isRecord(value) ? normalizeRecord(shape, value, path, onDrop) : value;
  }
}

function normalizeObject(
  shape: ObjectShape<unknown>,
  value: Record<string, unknown>,
  path: string,
  onDrop: DropReporter | undefined,
): Record<string, unknown> {
  let removed: Set<string> | undefined;
  for (const key of shape.strip) {
    if (value[key] === null) (removed ??= new Set()).add(key);
  }
  let replaced: Map<string, unknown> | undefined;
  for (const [key, member] of shape.nested) {
    const current = value[key];
    if (member.inert || current === null || current === undefined || removed?.has(key)) continue;
    const next = normalize(member, current, `${path}.${key}`, onDrop);
    if (next !== current) (replaced ??= new Map()).set(key, next);
  }
  if (removed === undefined && replaced === undefined) return value;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (removed?.has(key)) continue;
    copy[key] = replaced?.has(key) ? replaced.get(key) : value[key];
  }
  return copy;
}

function normalizeRecord(
  shape: RecordShape<unknown>,
  value: Record<string, unknown>,
  path: string,
  onDrop: DropReporter | undefined,
): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const current = value[key];
    const next = normalize(shape.value, current, `${path}[${JSON.stringify(key)}]`, onDrop);
    if (next !== current) (copy ??= { ...value })[key] = next;
  }
  return copy ?? value;
}

function normalizeBlock(block: unknown, path: string, onDrop: DropReporter | undefined): unknown {
  if (!isRecord(block) || typeof block.$type !== 'string') return block;
  const shape = BLOCK_SHAPES.get(block.$type);
  if (shape === undefined) {
    onDrop?.({ $type: block.$type, path, block });
    return DROPPED;
  }
  return shape.inert ? block : normalizeObject(shape, block, path, onDrop);
}

/** `items` with `f` applied; the same array when nothing changed; `DROPPED` items left out. */
function mapArray(items: readonly unknown[], f: (item: unknown, index: number) => unknown): unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const next = f(item, i);
    if (out === undefined && next !== item) out = items.slice(0, i);
    if (out !== undefined && next !== DROPPED) out.push(next);
  }
  return out ?? (items as unknown[]);
}
