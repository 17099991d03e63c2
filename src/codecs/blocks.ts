import * as t from 'io-ts';
import { MediaReference } from './common.js';
import { fastGuard } from './fast-guard.js';
import { withTaggedGuard } from './guard-source.js';
import { array, JsonObject, nullable } from './scalars.js';

/** How a text block's `content` is formatted. */
export const TextFormat = t.keyof({ Plain: null, Markdown: null, Html: null, ProseMirrorJson: null }, 'TextFormat');
/** `'Plain' | 'Markdown' | 'Html' | 'ProseMirrorJson'`. */
export type TextFormat = t.TypeOf<typeof TextFormat>;

/** What a card button does. */
export const ButtonAction = t.keyof({ Postback: null, Url: null, Call: null, Copy: null }, 'ButtonAction');
/** `'Postback' | 'Url' | 'Call' | 'Copy'`. */
export type ButtonAction = t.TypeOf<typeof ButtonAction>;

/** How a card button looks. */
export const ButtonStyle = t.keyof({ Default: null, Primary: null, Danger: null }, 'ButtonStyle');
/** `'Default' | 'Primary' | 'Danger'`. */
export type ButtonStyle = t.TypeOf<typeof ButtonStyle>;

/** A button on a card. */
export const ActionButton = t.type(
  { label: t.string, action: ButtonAction, value: nullable(t.string), style: ButtonStyle },
  'ActionButton',
);
/** A button on a card. */
export type ActionButton = t.TypeOf<typeof ActionButton>;

/** A label/value row on a card. */
export const CardField = t.type({ label: t.string, value: t.string }, 'CardField');
/** A label/value row on a card. */
export type CardField = t.TypeOf<typeof CardField>;

/** Whether a choice allows one or several options. */
export const ChoiceMode = t.keyof({ Single: null, Multiple: null }, 'ChoiceMode');
/** `'Single' | 'Multiple'`. */
export type ChoiceMode = t.TypeOf<typeof ChoiceMode>;

/** One option of a choice block. */
export const ChoiceOption = t.type({ label: t.string, value: t.string, selected: t.boolean }, 'ChoiceOption');
/** One option of a choice block. */
export type ChoiceOption = t.TypeOf<typeof ChoiceOption>;

/** Text content (`$type: 'text'`). */
export const TextBlock = t.type(
  { $type: t.literal('text'), format: TextFormat, content: t.string, plainText: nullable(t.string) },
  'TextBlock',
);
/** Text content (`$type: 'text'`). */
export type TextBlock = t.TypeOf<typeof TextBlock>;

/** An image (`$type: 'image'`). */
export const ImageBlock = t.type(
  {
    $type: t.literal('image'),
    source: MediaReference,
    thumbnail: nullable(MediaReference),
    altText: nullable(t.string),
    width: nullable(t.number),
    height: nullable(t.number),
    caption: nullable(t.string),
    fileSizeBytes: nullable(t.number),
  },
  'ImageBlock',
);
/** An image (`$type: 'image'`). */
export type ImageBlock = t.TypeOf<typeof ImageBlock>;

/** A video (`$type: 'video'`). */
export const VideoBlock = t.type(
  {
    $type: t.literal('video'),
    source: MediaReference,
    thumbnail: nullable(MediaReference),
    caption: nullable(t.string),
    durationSeconds: nullable(t.number),
    mimeType: nullable(t.string),
    fileSizeBytes: nullable(t.number),
  },
  'VideoBlock',
);
/** A video (`$type: 'video'`). */
export type VideoBlock = t.TypeOf<typeof VideoBlock>;

/** An audio clip (`$type: 'audio'`). */
export const AudioBlock = t.type(
  {
    $type: t.literal('audio'),
    source: MediaReference,
    durationSeconds: nullable(t.number),
    mimeType: nullable(t.string),
    transcript: nullable(t.string),
    fileSizeBytes: nullable(t.number),
  },
  'AudioBlock',
);
/** An audio clip (`$type: 'audio'`). */
export type AudioBlock = t.TypeOf<typeof AudioBlock>;

/** A file attachment (`$type: 'file'`). */
export const FileBlock = t.type(
  {
    $type: t.literal('file'),
    source: MediaReference,
    fileName: t.string,
    mimeType: nullable(t.string),
    fileSizeBytes: nullable(t.number),
  },
  'FileBlock',
);
/** A file attachment (`$type: 'file'`). */
export type FileBlock = t.TypeOf<typeof FileBlock>;

/** A URL preview (`$type: 'linkPreview'`). */
export const LinkPreviewBlock = t.type(
  {
    $type: t.literal('linkPreview'),
    url: t.string,
    title: nullable(t.string),
    description: nullable(t.string),
    image: nullable(MediaReference),
    siteName: nullable(t.string),
  },
  'LinkPreviewBlock',
);
/** A URL preview (`$type: 'linkPreview'`). */
export type LinkPreviewBlock = t.TypeOf<typeof LinkPreviewBlock>;

/** Embedded content, e.g. an iframe (`$type: 'embed'`). */
export const EmbedBlock = t.type(
  {
    $type: t.literal('embed'),
    url: t.string,
    html: nullable(t.string),
    width: nullable(t.number),
    height: nullable(t.number),
  },
  'EmbedBlock',
);
/** Embedded content (`$type: 'embed'`). */
export type EmbedBlock = t.TypeOf<typeof EmbedBlock>;

/** A geographic location (`$type: 'location'`). */
export const LocationBlock = t.type(
  {
    $type: t.literal('location'),
    latitude: t.number,
    longitude: t.number,
    name: nullable(t.string),
    address: nullable(t.string),
  },
  'LocationBlock',
);
/** A geographic location (`$type: 'location'`). */
export type LocationBlock = t.TypeOf<typeof LocationBlock>;

/** A contact card (`$type: 'contact'`). */
export const ContactBlock = t.type(
  {
    $type: t.literal('contact'),
    displayName: t.string,
    phone: nullable(t.string),
    email: nullable(t.string),
    organization: nullable(t.string),
  },
  'ContactBlock',
);
/** A contact card (`$type: 'contact'`). */
export type ContactBlock = t.TypeOf<typeof ContactBlock>;

/** A question with options, usually from a bot (`$type: 'choice'`). */
export const ChoiceBlock = t.type(
  {
    $type: t.literal('choice'),
    prompt: t.string,
    options: array(ChoiceOption),
    mode: ChoiceMode,
    submitted: t.boolean,
  },
  'ChoiceBlock',
);
/** A question with options (`$type: 'choice'`). */
export type ChoiceBlock = t.TypeOf<typeof ChoiceBlock>;

/** An information card with buttons (`$type: 'card'`). */
export const CardBlock = t.type(
  {
    $type: t.literal('card'),
    title: nullable(t.string),
    subtitle: nullable(t.string),
    image: nullable(MediaReference),
    fields: nullable(array(CardField)),
    buttons: nullable(array(ActionButton)),
  },
  'CardBlock',
);
/** An information card with buttons (`$type: 'card'`). */
export type CardBlock = t.TypeOf<typeof CardBlock>;

/** Cards shown side by side (`$type: 'carousel'`). */
export const CarouselBlock = t.type({ $type: t.literal('carousel'), cards: array(CardBlock) }, 'CarouselBlock');
/** Cards shown side by side (`$type: 'carousel'`). */
export type CarouselBlock = t.TypeOf<typeof CarouselBlock>;

/** A separator line (`$type: 'divider'`, no other fields). */
export const DividerBlock = t.type({ $type: t.literal('divider') }, 'DividerBlock');
/** A separator line (`$type: 'divider'`). */
export type DividerBlock = t.TypeOf<typeof DividerBlock>;

/** An application-defined block (`$type: 'custom'`, discriminated again by `type`). */
export const CustomBlock = t.type({ $type: t.literal('custom'), type: t.string, data: nullable(JsonObject) }, 'CustomBlock');
/** An application-defined block (`$type: 'custom'`). */
export type CustomBlock = t.TypeOf<typeof CustomBlock>;

/** Every block kind this version knows, as an io-ts tagged union on `$type`. */
export const KnownBlock = t.union(
  [
    TextBlock,
    ImageBlock,
    VideoBlock,
    AudioBlock,
    FileBlock,
    LinkPreviewBlock,
    EmbedBlock,
    LocationBlock,
    ContactBlock,
    ChoiceBlock,
    CardBlock,
    CarouselBlock,
    DividerBlock,
    CustomBlock,
  ],
  'KnownBlock',
);
/** One of the 14 block kinds this version knows. */
export type KnownBlock = t.TypeOf<typeof KnownBlock>;

/** The `$type` values this version knows. */
export type KnownBlockType = KnownBlock['$type'];

const KNOWN_BLOCKS: ReadonlyMap<string, t.Mixed> = new Map<KnownBlockType, t.Mixed>(
  KnownBlock.types.map((codec) => [codec.props.$type.value, codec] as const),
);
/** The guards of the known kinds, flattened from their codecs (`fastGuard`) on first use: what `Block.is` runs. */
let knownBlockGuards: ReadonlyMap<string, (u: unknown) => boolean> | undefined;
function knownBlockGuard(type: string): ((u: unknown) => boolean) | undefined {
  knownBlockGuards ??= new Map([...KNOWN_BLOCKS].map(([kind, codec]) => [kind, fastGuard(codec)] as const));
  return knownBlockGuards.get(type);
}

/**
 * A block whose `$type` this version does not know (sent by a newer server). Kept whole, raw
 * fields and all, so nothing is lost and it can be re-sent or rendered as a fallback.
 */
export interface UnknownBlock {
  readonly $type: string;
  readonly [field: string]: unknown;
}

function isRecord(u: unknown): u is Record<string, unknown> {
  return typeof u === 'object' && u !== null && !Array.isArray(u);
}

/** A block with a string `$type` that is none of the known kinds; decodes to the raw object. */
export const UnknownBlock = new t.Type<UnknownBlock, UnknownBlock, unknown>(
  'UnknownBlock',
  (u): u is UnknownBlock => isRecord(u) && typeof u.$type === 'string' && !KNOWN_BLOCKS.has(u.$type),
  (u, c) => (isRecord(u) && typeof u.$type === 'string' && !KNOWN_BLOCKS.has(u.$type) ? t.success(u as UnknownBlock) : t.failure(u, c)),
  t.identity,
);

/** Any block: a known kind, or an `UnknownBlock` kept raw for forward compatibility. */
export type Block = KnownBlock | UnknownBlock;

/**
 * A message content block, discriminated by `$type`. Dispatches on `$type` directly (one map
 * look-up, then the one matching codec; `is` runs that codec's generated guard, `fastGuard`, and
 * is marked so a fast guard of a codec holding blocks flattens this dispatch too): a known kind must be valid (its errors name the
 * failing field), an unknown `$type` decodes as an `UnknownBlock`, anything without a
 * string `$type` fails.
 */
export const Block = withTaggedGuard(
  new t.Type<Block, Block, unknown>(
    'Block',
    (u): u is Block => {
      if (!isRecord(u) || typeof u.$type !== 'string') return false;
      const guard = knownBlockGuard(u.$type);
      return guard === undefined || guard(u);
    },
    (u, c) => {
      if (!isRecord(u)) return t.failure(u, c, 'a block must be an object');
      if (typeof u.$type !== 'string') return t.failure(u, c, 'a block needs a string "$type"');
      const codec = KNOWN_BLOCKS.get(u.$type);
      if (codec === undefined) return t.success(u as UnknownBlock);
      return codec.validate(u, t.appendContext(c, u.$type, codec, u)) as t.Validation<Block>;
    },
    t.identity,
  ),
  { key: '$type', members: KNOWN_BLOCKS },
);

/** True when `block` is a `TextBlock`. */
export const isTextBlock = (block: Block): block is TextBlock => block.$type === 'text';
/** True when `block` is an `ImageBlock`. */
export const isImageBlock = (block: Block): block is ImageBlock => block.$type === 'image';
/** True when `block` is a `VideoBlock`. */
export const isVideoBlock = (block: Block): block is VideoBlock => block.$type === 'video';
/** True when `block` is an `AudioBlock`. */
export const isAudioBlock = (block: Block): block is AudioBlock => block.$type === 'audio';
/** True when `block` is a `FileBlock`. */
export const isFileBlock = (block: Block): block is FileBlock => block.$type === 'file';
/** True when `block` is a `LinkPreviewBlock`. */
export const isLinkPreviewBlock = (block: Block): block is LinkPreviewBlock => block.$type === 'linkPreview';
/** True when `block` is an `EmbedBlock`. */
export const isEmbedBlock = (block: Block): block is EmbedBlock => block.$type === 'embed';
/** True when `block` is a `LocationBlock`. */
export const isLocationBlock = (block: Block): block is LocationBlock => block.$type === 'location';
/** True when `block` is a `ContactBlock`. */
export const isContactBlock = (block: Block): block is ContactBlock => block.$type === 'contact';
/** True when `block` is a `ChoiceBlock`. */
export const isChoiceBlock = (block: Block): block is ChoiceBlock => block.$type === 'choice';
/** True when `block` is a `CardBlock`. */
export const isCardBlock = (block: Block): block is CardBlock => block.$type === 'card';
/** True when `block` is a `CarouselBlock`. */
export const isCarouselBlock = (block: Block): block is CarouselBlock => block.$type === 'carousel';
/** True when `block` is a `DividerBlock`. */
export const isDividerBlock = (block: Block): block is DividerBlock => block.$type === 'divider';
/** True when `block` is a `CustomBlock`. */
export const isCustomBlock = (block: Block): block is CustomBlock => block.$type === 'custom';
/** True when `block` has a `$type` this version does not know (a newer server's block). */
export const isUnknownBlock = (block: Block): block is UnknownBlock => !KNOWN_BLOCKS.has(block.$type);

/**
 * The plain text of a list of blocks: text blocks' `plainText` (or `content` for Plain), joined
 * with newlines; blocks without plain text add nothing (no blank lines). What the gateway indexes
 * and what notifications preview.
 */
export function plainTextOf(blocks: readonly Block[]): string {
  const parts: string[] = [];
  for (const block of blocks) {
    if (!isTextBlock(block)) continue;
    const text = block.plainText ?? (block.format === 'Plain' ? block.content : '');
    if (text !== '') parts.push(text);
  }
  return parts.join('\n');
}
