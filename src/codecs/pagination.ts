import * as t from 'io-ts';
import { array, Cursor, nullable } from './scalars.js';

/**
 * A page of a cursor-paginated list: `items`, the opaque `nextCursor` (a string, null on the
 * last page) and `hasMore`.
 *
 * @example
 * ```ts
 * const ConversationPage = CursorPaginatedResult(ConversationListItemDto);
 * ```
 */
export function CursorPaginatedResult<C extends t.Mixed>(item: C) {
  return t.type({ items: array(item), nextCursor: nullable(Cursor), hasMore: t.boolean }, `CursorPaginatedResult<${item.name}>`);
}
/** A page of a cursor-paginated list. */
export interface CursorPaginatedResult<T> {
  items: T[];
  nextCursor: string | null;
  hasMore: boolean;
}

/**
 * A page of a page-based list (bots): `items`, `page` (from 1), `pageSize`, `totalCount`.
 *
 * @example
 * ```ts
 * const BotPage = PagedResult(BotDto);
 * ```
 */
export function PagedResult<C extends t.Mixed>(item: C) {
  return t.type({ items: array(item), page: t.number, pageSize: t.number, totalCount: t.number }, `PagedResult<${item.name}>`);
}
/** A page of a page-based list. */
export interface PagedResult<T> {
  items: T[];
  page: number;
  pageSize: number;
  totalCount: number;
}
