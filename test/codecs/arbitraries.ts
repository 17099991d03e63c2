/**
 * fast-check arbitraries for VALID wire values: each of the 14 known block kinds, unknown
 * (future) blocks, and the REST `MessageDto` / hub `ChatMessageDto`. Every generated value is
 * JSON-safe (no `undefined`, `NaN`, `Infinity` or `-0`, plain prototypes), so it survives a
 * `JSON.stringify` / `JSON.parse` round trip unchanged, as on the wire.
 *
 * `fieldKinds` describes, independently of the codecs, the kind of each required field, so
 * tests can break a valid value in a way that must be rejected (`wrongValuesFor`).
 */
import fc from 'fast-check';
import type * as C from '../../src/codecs/index.js';

// ---- scalars ----

/** A ULID, as the gateway's ids. */
export const ulidArb: fc.Arbitrary<string> = fc.ulid();

/** An ISO 8601 date-time between 2020 and 2030. */
export const isoDateTimeArb: fc.Arbitrary<string> = fc
  .date({ min: new Date('2020-01-01T00:00:00.000Z'), max: new Date('2030-12-31T23:59:59.999Z'), noInvalidDate: true })
  .map((d) => d.toISOString());

/** A cursor, `"<UnixMs>_<ULID>"`. */
export const cursorArb: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 1_577_836_800_000, max: 1_924_991_999_999 }), ulidArb)
  .map(([ms, id]) => `${ms}_${id}`);

/** Short text, unicode included. */
export const textArb: fc.Arbitrary<string> = fc.string({ unit: 'grapheme', maxLength: 30 });

/** A finite number that survives JSON unchanged (no `-0`). */
export const finiteArb: fc.Arbitrary<number> = fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (n === 0 ? 0 : n));

/** A whole number ≥ 0. */
export const natArb: fc.Arbitrary<number> = fc.nat();

/** A small JSON object (`JsonObject`), exactly as `JSON.parse` gives it (`-0` becomes `0`). */
export const jsonObjectArb: fc.Arbitrary<Record<string, unknown>> = fc
  .dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4, noNullPrototype: true })
  .map((o) => JSON.parse(JSON.stringify(o)) as Record<string, unknown>);

/** `T | null`. */
export function nullableArb<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> {
  return fc.option(arb, { nil: null, freq: 3 });
}

// ---- common ----

export const mediaReferenceArb: fc.Arbitrary<C.MediaReference> = fc.record(
  {
    storageKey: ulidArb.map((id) => `uploads/2025/03/26/${id}.bin`),
    url: fc.webUrl(),
  },
  { requiredKeys: [], noNullPrototype: true },
);

export const quickReplyArb: fc.Arbitrary<C.QuickReply> = fc.record(
  {
    label: textArb,
    action: fc.constantFrom('SendText', 'Postback', 'Url'),
    value: nullableArb(textArb),
    icon: nullableArb(textArb),
  },
  { noNullPrototype: true },
);

export const mentionArb: fc.Arbitrary<C.Mention> = fc.record(
  {
    type: fc.constantFrom('User', 'All', 'Here', 'Role'),
    targetId: nullableArb(ulidArb),
    displayName: textArb,
    offset: nullableArb(natArb),
    length: nullableArb(natArb),
  },
  { noNullPrototype: true },
);

const systemEventTypeArb = fc.constantFrom(
  'ConversationRenamed',
  'AvatarChanged',
  'MemberAdded',
  'MemberRemoved',
  'MemberLeft',
  'Custom',
) as fc.Arbitrary<C.SystemEventType>;

export const systemEventInfoArb: fc.Arbitrary<C.SystemEventInfo> = fc.record(
  {
    type: systemEventTypeArb,
    actorId: nullableArb(ulidArb),
    targetIds: fc.array(ulidArb, { maxLength: 3 }),
    metadata: jsonObjectArb,
  },
  { requiredKeys: ['type', 'actorId'], noNullPrototype: true },
);

export const systemEventDtoArb: fc.Arbitrary<C.SystemEventDto> = fc.record(
  {
    type: systemEventTypeArb,
    actorId: nullableArb(ulidArb),
    targetIds: fc.array(ulidArb, { maxLength: 3 }),
    metadata: jsonObjectArb,
    actorName: textArb,
    targetNames: fc.array(textArb, { maxLength: 3 }),
  },
  { requiredKeys: ['type', 'actorId'], noNullPrototype: true },
);

// ---- blocks ----

const rec = { noNullPrototype: true } as const;

export const actionButtonArb: fc.Arbitrary<C.ActionButton> = fc.record(
  {
    label: textArb,
    action: fc.constantFrom('Postback', 'Url', 'Call', 'Copy'),
    value: nullableArb(textArb),
    style: fc.constantFrom('Default', 'Primary', 'Danger'),
  },
  rec,
);

export const cardBlockArb: fc.Arbitrary<C.CardBlock> = fc.record(
  {
    $type: fc.constant('card'),
    title: nullableArb(textArb),
    subtitle: nullableArb(textArb),
    image: nullableArb(mediaReferenceArb),
    fields: nullableArb(fc.array(fc.record({ label: textArb, value: textArb }, rec), { maxLength: 3 })),
    buttons: nullableArb(fc.array(actionButtonArb, { maxLength: 3 })),
  },
  rec,
);

/** One arbitrary per known block kind, keyed by `$type`. */
export const knownBlockArbs: { readonly [K in C.KnownBlockType]: fc.Arbitrary<Extract<C.KnownBlock, { $type: K }>> } = {
  text: fc.record(
    {
      $type: fc.constant('text'),
      format: fc.constantFrom('Plain', 'Markdown', 'Html', 'ProseMirrorJson'),
      content: textArb,
      plainText: nullableArb(textArb),
    },
    rec,
  ),
  image: fc.record(
    {
      $type: fc.constant('image'),
      source: mediaReferenceArb,
      thumbnail: nullableArb(mediaReferenceArb),
      altText: nullableArb(textArb),
      width: nullableArb(natArb),
      height: nullableArb(natArb),
      caption: nullableArb(textArb),
      fileSizeBytes: nullableArb(natArb),
    },
    rec,
  ),
  video: fc.record(
    {
      $type: fc.constant('video'),
      source: mediaReferenceArb,
      thumbnail: nullableArb(mediaReferenceArb),
      caption: nullableArb(textArb),
      durationSeconds: nullableArb(finiteArb),
      mimeType: nullableArb(fc.constantFrom('video/mp4', 'video/webm')),
      fileSizeBytes: nullableArb(natArb),
    },
    rec,
  ),
  audio: fc.record(
    {
      $type: fc.constant('audio'),
      source: mediaReferenceArb,
      durationSeconds: nullableArb(finiteArb),
      mimeType: nullableArb(fc.constantFrom('audio/ogg', 'audio/mpeg')),
      transcript: nullableArb(textArb),
      fileSizeBytes: nullableArb(natArb),
    },
    rec,
  ),
  file: fc.record(
    {
      $type: fc.constant('file'),
      source: mediaReferenceArb,
      fileName: textArb,
      mimeType: nullableArb(fc.constantFrom('application/pdf', 'text/csv')),
      fileSizeBytes: nullableArb(natArb),
    },
    rec,
  ),
  linkPreview: fc.record(
    {
      $type: fc.constant('linkPreview'),
      url: fc.webUrl(),
      title: nullableArb(textArb),
      description: nullableArb(textArb),
      image: nullableArb(mediaReferenceArb),
      siteName: nullableArb(textArb),
    },
    rec,
  ),
  embed: fc.record(
    {
      $type: fc.constant('embed'),
      url: fc.webUrl(),
      html: nullableArb(textArb),
      width: nullableArb(natArb),
      height: nullableArb(natArb),
    },
    rec,
  ),
  location: fc.record(
    {
      $type: fc.constant('location'),
      latitude: fc.double({ min: -90, max: 90, noNaN: true }).map((n) => (n === 0 ? 0 : n)),
      longitude: fc.double({ min: -180, max: 180, noNaN: true }).map((n) => (n === 0 ? 0 : n)),
      name: nullableArb(textArb),
      address: nullableArb(textArb),
    },
    rec,
  ),
  contact: fc.record(
    {
      $type: fc.constant('contact'),
      displayName: textArb,
      phone: nullableArb(textArb),
      email: nullableArb(fc.emailAddress()),
      organization: nullableArb(textArb),
    },
    rec,
  ),
  choice: fc.record(
    {
      $type: fc.constant('choice'),
      prompt: textArb,
      options: fc.array(fc.record({ label: textArb, value: textArb, selected: fc.boolean() }, rec), { maxLength: 4 }),
      mode: fc.constantFrom('Single', 'Multiple'),
      submitted: fc.boolean(),
    },
    rec,
  ),
  card: cardBlockArb,
  carousel: fc.record({ $type: fc.constant('carousel'), cards: fc.array(cardBlockArb, { maxLength: 3 }) }, rec),
  divider: fc.record({ $type: fc.constant('divider') }, rec),
  custom: fc.record({ $type: fc.constant('custom'), type: textArb, data: nullableArb(jsonObjectArb) }, rec),
};

/** The `$type`s this version knows. */
export const knownBlockTypes = Object.keys(knownBlockArbs) as C.KnownBlockType[];

/** Any of the 14 known block kinds. */
export const knownBlockArb: fc.Arbitrary<C.KnownBlock> = fc.oneof(
  ...knownBlockTypes.map((type) => knownBlockArbs[type] as fc.Arbitrary<C.KnownBlock>),
);

/** A `$type` this version does not know, hostile names (`__proto__`, `constructor`, …) included. */
export const unknownBlockTypeArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('poll', 'sticker', 'table', 'Text', 'TEXT', '', '__proto__', 'constructor', 'toString', 'prototype', 'hasOwnProperty'),
  fc.string({ maxLength: 12 }).filter((s) => !(knownBlockTypes as readonly string[]).includes(s)),
);

/** A block from a newer server: an unknown `$type` and any JSON fields. */
export const unknownBlockArb: fc.Arbitrary<C.UnknownBlock> = fc
  .tuple(unknownBlockTypeArb, jsonObjectArb)
  .map(([$type, fields]) => ({ ...fields, $type }));

/** Any block: mostly known kinds, sometimes an unknown one. */
export const blockArb: fc.Arbitrary<C.Block> = fc.oneof(
  { arbitrary: knownBlockArb, weight: 4 },
  { arbitrary: unknownBlockArb as fc.Arbitrary<C.Block>, weight: 1 },
);

// ---- messages ----

const blocksArb = fc.array(blockArb, { maxLength: 4 });

export const reactionGroupArb: fc.Arbitrary<C.ReactionGroup> = fc.record(
  { emoji: fc.constantFrom('👍', '❤️', '🎉', '😂', '🙏'), count: natArb, participantIds: fc.array(ulidArb, { maxLength: 3 }) },
  rec,
);

/** A message as the REST API returns it. */
export const messageDtoArb: fc.Arbitrary<C.MessageDto> = fc.record(
  {
    id: ulidArb,
    conversationId: ulidArb,
    senderId: ulidArb,
    senderType: fc.constantFrom('User', 'Bot', 'System'),
    timestamp: isoDateTimeArb,
    blocks: blocksArb,
    plainTextIndex: nullableArb(textArb),
    replyToMessageId: nullableArb(ulidArb),
    quickReplies: nullableArb(fc.array(quickReplyArb, { maxLength: 3 })),
    isEdited: fc.boolean(),
    editedAt: nullableArb(isoDateTimeArb),
    isDeleted: fc.boolean(),
    deletedAt: nullableArb(isoDateTimeArb),
    reactionSummary: nullableArb(fc.record({ groups: fc.array(reactionGroupArb, { maxLength: 3 }), totalCount: natArb }, rec)),
    mentions: nullableArb(fc.array(mentionArb, { maxLength: 3 })),
    createdAt: isoDateTimeArb,
    updatedAt: isoDateTimeArb,
    clientMessageId: nullableArb(fc.uuid()),
    systemEvent: nullableArb(systemEventInfoArb),
  },
  rec,
);

/** A message as the chat hub sends it. */
export const chatMessageDtoArb: fc.Arbitrary<C.ChatMessageDto> = fc.record(
  {
    id: ulidArb,
    conversationId: ulidArb,
    senderId: ulidArb,
    senderName: textArb,
    senderType: fc.constantFrom('User', 'Bot', 'System'),
    blocks: blocksArb,
    plainTextContent: nullableArb(textArb),
    replyToMessageId: nullableArb(ulidArb),
    quickReplies: nullableArb(fc.array(quickReplyArb, { maxLength: 3 })),
    isEdited: fc.boolean(),
    reactions: nullableArb(fc.array(reactionGroupArb, { maxLength: 3 })),
    mentions: nullableArb(fc.array(mentionArb, { maxLength: 3 })),
    createdAt: isoDateTimeArb,
    updatedAt: nullableArb(isoDateTimeArb),
    clientMessageId: nullableArb(fc.uuid()),
    systemEvent: nullableArb(systemEventDtoArb),
    senderAvatar: mediaReferenceArb,
  },
  {
    requiredKeys: [
      'id',
      'conversationId',
      'senderId',
      'senderName',
      'senderType',
      'blocks',
      'plainTextContent',
      'replyToMessageId',
      'quickReplies',
      'isEdited',
      'reactions',
      'mentions',
      'createdAt',
      'updatedAt',
      'clientMessageId',
      'systemEvent',
    ],
    noNullPrototype: true,
  },
);

// ---- required fields, by kind, to break valid values ----

/** The kind of a required field, as the SDK README types it. */
export type FieldKind =
  | 'string'
  | 'string|null'
  | 'number'
  | 'number|null'
  | 'nat'
  | 'boolean'
  | 'enum'
  | 'array'
  | 'array|null'
  | 'media'
  | 'media|null'
  | 'object|null';

/** Values of the wrong type for a field of each kind (none of them is valid for that kind). */
export const wrongValuesFor: { readonly [K in FieldKind]: readonly unknown[] } = {
  string: [42, true, null, {}, ['a']],
  'string|null': [42, false, {}, ['a']],
  number: ['1', null, true, {}, [1]],
  'number|null': ['1', false, {}, [1]],
  nat: [-1, 1.5, '3', null, true],
  boolean: ['true', 0, 1, null, {}],
  enum: ['NotAValue', '', 0, null, true],
  array: [{}, 'x', null, 42],
  'array|null': [{}, 'x', 42, true],
  media: ['https://cdn.example.com/a.png', 42, null, [], true],
  'media|null': ['https://cdn.example.com/a.png', 42, [], true],
  'object|null': ['x', 42, [], true],
};

/** Required fields (besides `$type`) of each known block kind. */
export const blockFieldKinds: { readonly [K in C.KnownBlockType]: Readonly<Record<string, FieldKind>> } = {
  text: { format: 'enum', content: 'string', plainText: 'string|null' },
  image: {
    source: 'media',
    thumbnail: 'media|null',
    altText: 'string|null',
    width: 'number|null',
    height: 'number|null',
    caption: 'string|null',
    fileSizeBytes: 'number|null',
  },
  video: {
    source: 'media',
    thumbnail: 'media|null',
    caption: 'string|null',
    durationSeconds: 'number|null',
    mimeType: 'string|null',
    fileSizeBytes: 'number|null',
  },
  audio: {
    source: 'media',
    durationSeconds: 'number|null',
    mimeType: 'string|null',
    transcript: 'string|null',
    fileSizeBytes: 'number|null',
  },
  file: { source: 'media', fileName: 'string', mimeType: 'string|null', fileSizeBytes: 'number|null' },
  linkPreview: { url: 'string', title: 'string|null', description: 'string|null', image: 'media|null', siteName: 'string|null' },
  embed: { url: 'string', html: 'string|null', width: 'number|null', height: 'number|null' },
  location: { latitude: 'number', longitude: 'number', name: 'string|null', address: 'string|null' },
  contact: { displayName: 'string', phone: 'string|null', email: 'string|null', organization: 'string|null' },
  choice: { prompt: 'string', options: 'array', mode: 'enum', submitted: 'boolean' },
  card: { title: 'string|null', subtitle: 'string|null', image: 'media|null', fields: 'array|null', buttons: 'array|null' },
  carousel: { cards: 'array' },
  divider: {},
  custom: { type: 'string', data: 'object|null' },
};

/** Required fields of the REST `MessageDto`. */
export const messageDtoFieldKinds: Readonly<Record<keyof C.MessageDto, FieldKind>> = {
  id: 'string',
  conversationId: 'string',
  senderId: 'string',
  senderType: 'enum',
  timestamp: 'string',
  blocks: 'array',
  plainTextIndex: 'string|null',
  replyToMessageId: 'string|null',
  quickReplies: 'array|null',
  isEdited: 'boolean',
  editedAt: 'string|null',
  isDeleted: 'boolean',
  deletedAt: 'string|null',
  reactionSummary: 'object|null',
  mentions: 'array|null',
  createdAt: 'string',
  updatedAt: 'string',
  clientMessageId: 'string|null',
  systemEvent: 'object|null',
};

/** Required fields of the hub `ChatMessageDto` (all but `senderAvatar`). */
export const chatMessageDtoFieldKinds: Readonly<Record<Exclude<keyof C.ChatMessageDto, 'senderAvatar'>, FieldKind>> = {
  id: 'string',
  conversationId: 'string',
  senderId: 'string',
  senderName: 'string',
  senderType: 'enum',
  blocks: 'array',
  plainTextContent: 'string|null',
  replyToMessageId: 'string|null',
  quickReplies: 'array|null',
  isEdited: 'boolean',
  reactions: 'array|null',
  mentions: 'array|null',
  createdAt: 'string',
  updatedAt: 'string|null',
  clientMessageId: 'string|null',
  systemEvent: 'object|null',
};

/** A way to break one required field: delete it, or give it a value of the wrong type. */
export type FieldMutation =
  | { readonly field: string; readonly kind: 'delete' }
  | { readonly field: string; readonly kind: 'replace'; readonly value: unknown };

/** Mutations of one of the required fields in `kinds` (none if it has none). */
export function fieldMutationArb(kinds: Readonly<Record<string, FieldKind>>): fc.Arbitrary<FieldMutation> {
  const fields = Object.keys(kinds);
  if (fields.length === 0) throw new Error('no required fields to mutate');
  return fc.constantFrom(...fields).chain((field) => {
    const kind = kinds[field] as FieldKind;
    return fc.oneof(
      fc.constant<FieldMutation>({ field, kind: 'delete' }),
      fc.constantFrom(...wrongValuesFor[kind]).map((value): FieldMutation => ({ field, kind: 'replace', value })),
    );
  });
}

/** A shallow copy of `target` with `mutation` applied. */
export function applyMutation(target: object, mutation: FieldMutation): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...(target as Record<string, unknown>) };
  if (mutation.kind === 'delete') delete copy[mutation.field];
  else copy[mutation.field] = mutation.value;
  return copy;
}
