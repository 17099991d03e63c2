import { plainTextOf } from '../codecs/blocks.js';
import type { Block } from '../codecs/index.js';
import { MAX_JSON_DEPTH, pathBeyondDepth } from '../codecs/json-depth.js';
import { compareIsoDateTimes } from '../codecs/scalars.js';
import type { NewMessage, StoredConversation, StoredMember } from './chat-records.js';
import { badRequest } from './gateway-error.js';

const MAX_PAGE = 100;
const CURSOR = /^(\d+)_([0-9A-HJKMNP-TV-Z]{26})$/;

/** How long after its deletion a message can be recovered. */
export const RECOVER_WINDOW_MS = 10 * 60 * 1000;

/** Conversation list order: pinned first (latest pin first), then `lastMessageAt` descending. */
export function compareListRows(a: { c: StoredConversation; m: StoredMember }, b: { c: StoredConversation; m: StoredMember }): number {
  if (a.m.isPinned !== b.m.isPinned) return a.m.isPinned ? -1 : 1;
  if (a.m.isPinned && b.m.isPinned && a.m.pinnedAt !== b.m.pinnedAt) return compareIsoDateTimes(b.m.pinnedAt ?? '', a.m.pinnedAt ?? '');
  const at = a.c.lastMessageAt ?? a.c.createdAt;
  const bt = b.c.lastMessageAt ?? b.c.createdAt;
  if (at !== bt) return compareIsoDateTimes(bt, at) || (a.c.id < b.c.id ? 1 : -1);
  return a.c.id < b.c.id ? 1 : -1;
}

/** The page size asked for (`fallback` when none), or a 400 outside 1…100. */
export function pageSize(limit: number | undefined, fallback: number): number {
  if (limit === undefined) return fallback;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw badRequest(`The limit must be between 1 and ${MAX_PAGE}.`, { limit: [`The field limit must be between 1 and ${MAX_PAGE}.`] });
  }
  return limit;
}

/** Parses a `"<UnixMs>_<ULID>"` cursor or throws a 400 naming the cursor. */
export function parseCursor(cursor: string): { ms: number; id: string } {
  const match = CURSOR.exec(cursor);
  if (!match) throw badRequest('The cursor is not valid.', { cursor: ['The cursor must look like "<UnixMs>_<ULID>".'] });
  return { ms: Number(match[1]), id: match[2] as string };
}

/**
 * Binary search in messages sorted by id: the index of the first message whose id is ≥ `id`, or,
 * with `after`, > `id`.
 */
export function indexById(messages: readonly { readonly id: string }[], id: string, after = false): number {
  let lo = 0;
  let hi = messages.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const midId = (messages[mid] as { readonly id: string }).id;
    if (midId < id || (after && midId === id)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The plain text a message is stored with: the text of its blocks, or `null` when they have none.
 *
 * @example
 * ```ts
 * plainTextOrNull([{ $type: 'text', format: 'Plain', content: 'hi', plainText: 'hi' }]); // 'hi'
 * plainTextOrNull([]); // null
 * ```
 */
export function plainTextOrNull(blocks: readonly Block[]): string | null {
  const text = plainTextOf(blocks);
  return text === '' ? null : text;
}

/** A 400 naming `field` unless `value` is a non-blank string. */
export function requireText(field: string, value: unknown): void {
  if (typeof value !== 'string' || value.trim() === '')
    throw badRequest(`The ${field} field is required.`, { [field]: [`The ${field} field is required.`] });
}

/**
 * How deep a custom block's `data` may nest (the data object is level 1). A server writes at most
 * 64 levels (System.Text.Json's `MaxDepth` applies to output too), and the deepest place a stored
 * block is written is a conversation list item's `lastMessage`, whose blocks' `data` object sits at
 * level 7: deeper data would be stored and then break every read of its conversation.
 */
const MAX_DATA_DEPTH = MAX_JSON_DEPTH - 6;

/** A 400 unless there is at least one block and no custom block's data nests too deep. */
export function validateBlocks(blocks: readonly Block[]): void {
  if (blocks.length === 0) throw badRequest('A message needs at least one block.', { blocks: ['At least one block is required.'] });
  blocks.forEach((block, i) => {
    if (block.$type === 'custom' && pathBeyondDepth((block as { data?: unknown }).data, MAX_DATA_DEPTH) !== null) {
      const message = `The data may be nested at most ${MAX_DATA_DEPTH} levels deep.`;
      throw badRequest(message, { [`blocks.${i}.data`]: [message] });
    }
  });
}

/** The rules of a new message: its blocks, and a `clientMessageId` of at most 128 characters. */
export function validateNewMessage(request: NewMessage): void {
  validateBlocks(request.blocks);
  if (request.clientMessageId != null && request.clientMessageId.length > 128) {
    throw badRequest('clientMessageId is longer than 128 characters.', {
      clientMessageId: ['The field clientMessageId must be a string with a maximum length of 128.'],
    });
  }
}
