/**
 * The seed SDK's message blocks (README §15), transcribed as the seed declares them, and its type
 * guards. `Block` is the seed's union of the 14 kinds: a block of any other `$type` (a newer
 * server's) never reaches compat code — `toSeed` drops it with a warning (see `to-seed.ts`).
 */
import type { MediaReference } from './types-common.js';

/** How a text block's `content` is formatted (the seed's table, line 1408). */
export type TextFormat = 'Plain' | 'Markdown' | 'Html' | 'ProseMirrorJson';

/** What a card button does (seed line 1412). */
export type ButtonAction = 'Postback' | 'Url' | 'Call' | 'Copy';

/** How a card button looks (seed line 1413). */
export type ButtonStyle = 'Default' | 'Primary' | 'Danger';

/** A button on a card (seed lines 1415–1420). */
export interface ActionButton {
  label: string;
  action: ButtonAction;
  value: string | null;
  style: ButtonStyle;
}

/** A label/value row on a card (seed lines 1422–1425). */
export interface CardField {
  label: string;
  value: string;
}

/** Whether a choice allows one or several options (seed line 1429). */
export type ChoiceMode = 'Single' | 'Multiple';

/** One option of a choice block (seed lines 1431–1435). */
export interface ChoiceOption {
  label: string;
  value: string;
  selected: boolean;
}

/** Text content (seed lines 1245–1250). */
export interface TextBlock {
  $type: 'text';
  format: TextFormat; // 'Plain' | 'Markdown' | 'Html' | 'ProseMirrorJson'
  content: string;
  plainText: string | null;
}

/** An image (seed lines 1252–1261). */
export interface ImageBlock {
  $type: 'image';
  source: MediaReference;
  thumbnail: MediaReference | null;
  altText: string | null;
  width: number | null;
  height: number | null;
  caption: string | null;
  fileSizeBytes: number | null;
}

/** A video (seed lines 1263–1271). */
export interface VideoBlock {
  $type: 'video';
  source: MediaReference;
  thumbnail: MediaReference | null;
  caption: string | null;
  durationSeconds: number | null;
  mimeType: string | null;
  fileSizeBytes: number | null;
}

/** An audio clip (seed lines 1273–1280). */
export interface AudioBlock {
  $type: 'audio';
  source: MediaReference;
  durationSeconds: number | null;
  mimeType: string | null;
  transcript: string | null; // Bản ghi âm thanh (nếu có)
  fileSizeBytes: number | null;
}

/** A file attachment (seed lines 1282–1288). */
export interface FileBlock {
  $type: 'file';
  source: MediaReference;
  fileName: string;
  mimeType: string | null;
  fileSizeBytes: number | null;
}

/** A URL preview (seed lines 1290–1297). */
export interface LinkPreviewBlock {
  $type: 'linkPreview';
  url: string;
  title: string | null;
  description: string | null;
  image: MediaReference | null;
  siteName: string | null;
}

/** Embedded content, e.g. an iframe (seed lines 1299–1305). */
export interface EmbedBlock {
  $type: 'embed';
  url: string;
  html: string | null; // HTML nhúng (iframe snippet)
  width: number | null;
  height: number | null;
}

/** A geographic location (seed lines 1307–1313). */
export interface LocationBlock {
  $type: 'location';
  latitude: number;
  longitude: number;
  name: string | null;
  address: string | null;
}

/** A contact card (seed lines 1315–1321). */
export interface ContactBlock {
  $type: 'contact';
  displayName: string;
  phone: string | null;
  email: string | null;
  organization: string | null;
}

/** A question with options, usually from a bot (seed lines 1323–1329, repeated at 1437–1443). */
export interface ChoiceBlock {
  $type: 'choice';
  prompt: string; // Câu hỏi hiển thị cho user
  options: ChoiceOption[];
  mode: ChoiceMode; // 'Single' | 'Multiple'
  submitted: boolean; // true sau khi user đã submit lựa chọn
}

/** An information card with buttons (seed lines 1331–1338). */
export interface CardBlock {
  $type: 'card';
  title: string | null;
  subtitle: string | null;
  image: MediaReference | null;
  fields: CardField[] | null;
  buttons: ActionButton[] | null;
}

/** Cards shown side by side (seed lines 1340–1343). */
export interface CarouselBlock {
  $type: 'carousel';
  cards: CardBlock[]; // Danh sách card trình chiếu ngang
}

/** A separator line (seed lines 1345–1347). */
export interface DividerBlock {
  $type: 'divider'; // Đường phân cách — không có field nào khác
}

/** An application-defined block, discriminated again by `type` (seed lines 1349–1353). */
export interface CustomBlock {
  $type: 'custom';
  type: string; // Discriminator tùy chỉnh của ứng dụng
  data: Record<string, unknown> | null;
}

/** A message content block, discriminated by `$type`: the 14 kinds of the seed's table (line 1241). */
export type Block =
  | TextBlock
  | ImageBlock
  | VideoBlock
  | AudioBlock
  | FileBlock
  | LinkPreviewBlock
  | EmbedBlock
  | LocationBlock
  | ContactBlock
  | ChoiceBlock
  | CardBlock
  | CarouselBlock
  | DividerBlock
  | CustomBlock;

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
