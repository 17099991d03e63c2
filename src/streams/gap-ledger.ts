/**
 * The gap ledger: one pure reducer that knows, per covered conversation, which messages were
 * given (to `messages$` and every timeline alike), what is owed since a connection was lost, and
 * when a recovery paid it. Nothing here does I/O or keeps time: `conversationFeed` turns the
 * ledger into history requests and recovered messages.
 *
 * Message ids are compared as strings: the gateway's ids sort in creation order (ULIDs), as the
 * history API's order and cursors assume.
 */
import { PersistentMap } from './persistent-map.js';

/** What the ledger knows of one conversation. */
export interface GapLedgerEntry {
  /**
   * Every id at or below it counts as given: the baseline taken when the conversation was
   * covered (its newest message then, `''` for an empty conversation), raised when the memory of
   * recent ids rolls over. `undefined` when the conversation was first seen through a live message
   * (nothing is known below the oldest id in `recent`).
   */
  readonly floor: string | undefined;
  /** Ids given above `floor`, ascending; bounded (see {@link GapLedgerLimits}). */
  readonly recent: readonly string[];
  /**
   * What is owed: the newest id given when the connection that carried the conversation was
   * lost (or the baseline of a join not yet recovered). Kept until a recovery from it succeeded on
   * the connection that is current when it ends; `undefined` when nothing is owed.
   */
  readonly owed: string | undefined;
}

/** How much the ledger remembers per conversation. */
export interface GapLedgerLimits {
  /** Recent ids kept per conversation while nothing is owed. @default 256 */
  readonly recentIds: number;
  /** Recent ids kept per conversation while something is owed (the gap must stay decidable). @default 10000 */
  readonly recentIdsOwed: number;
}

/** The ledger: the current connection's session number and an entry per covered conversation. */
export interface GapLedger {
  /** The hub session (connection id) number now; 0 before the first connection. */
  readonly session: number;
  readonly entries: ReadonlyMap<string, GapLedgerEntry>;
  readonly limits: GapLedgerLimits;
}

/** What changes the ledger. */
export type GapLedgerEvent =
  /**
   * The conversation is covered from `baseline` (its newest message id, `''` when empty). `owed`:
   * the baseline was taken before the join was sent, so what came between it and the join is
   * recovered once joined. Ignored for a conversation covered already.
   */
  | { readonly type: 'covered'; readonly conversationId: string; readonly baseline: string; readonly owed: boolean }
  /** A message was given (received live, or a bot reply completed). */
  | { readonly type: 'given'; readonly conversationId: string; readonly id: string }
  /** A connection with a new id started: everything covered is owed from its newest id (an older debt stays). */
  | { readonly type: 'sessionStarted'; readonly session: number }
  /**
   * A recovery from `from`, started while `session` was current, fetched the history: `given` are the
   * ids it gave (see {@link missedIds}). Pays the debt when it is still the one from `from` and no
   * newer connection started meanwhile (that one's recovery settles it).
   */
  | {
      readonly type: 'recovered';
      readonly conversationId: string;
      readonly from: string;
      readonly session: number;
      readonly given: readonly string[];
    }
  /**
   * The conversation is not joined for now but still held (the hub was disconnected on purpose and
   * a timeline or a follow will join it again): owed from its newest id, like a lost connection.
   */
  | { readonly type: 'suspended'; readonly conversationId: string }
  /** The conversation is no longer covered (left, re-join refused, disconnected): its entry goes. */
  | { readonly type: 'uncovered'; readonly conversationId: string };

/** The default {@link GapLedgerLimits}. */
export const DEFAULT_GAP_LEDGER_LIMITS: GapLedgerLimits = { recentIds: 256, recentIdsOwed: 10_000 };

/**
 * The entries the reducer makes. Their recent ids are a window `[start, end)` of a buffer that
 * successive entries share: giving the newest id appends to the buffer when no other entry
 * appended to it first (the buffer ends where this window ends), so the live path costs one small
 * object per message instead of a copy of every recent id; any other change copies. The window
 * moves up as ids roll over into the floor, and the buffer is copied once the ids dropped from its
 * start outnumber the limit (amortised O(1) per id). An older entry never sees a later change: it
 * reads its own window only. `recent` is that window as an array, made on first read.
 */
class LedgerEntry implements GapLedgerEntry {
  private array: readonly string[] | undefined;

  constructor(
    readonly floor: string | undefined,
    readonly owed: string | undefined,
    /** @internal The shared buffer. */
    readonly ids: string[],
    /** @internal The window's first index in `ids`. */
    readonly start: number,
    /** @internal One past its last index. */
    readonly end: number,
  ) {}

  get recent(): readonly string[] {
    if (this.array === undefined) this.array = this.ids.slice(this.start, this.end);
    return this.array;
  }

  /** This entry owing `owed` instead (the same recent ids). */
  owing(owed: string | undefined): LedgerEntry {
    return new LedgerEntry(this.floor, owed, this.ids, this.start, this.end);
  }
}

/** A new entry of `floor`, `recent` (ascending) and `owed`. */
function entryOf(floor: string | undefined, recent: string[], owed: string | undefined): LedgerEntry {
  return new LedgerEntry(floor, owed, recent, 0, recent.length);
}

/** The ids of `entry` as a buffer window (an entry from elsewhere: its `recent`). */
function windowOf(entry: GapLedgerEntry): { readonly ids: readonly string[]; readonly start: number; readonly end: number } {
  return entry instanceof LedgerEntry ? entry : { ids: entry.recent, start: 0, end: entry.recent.length };
}

/**
 * An empty ledger.
 *
 * @example
 * ```ts
 * let ledger = emptyGapLedger();
 * ledger = reduceGapLedger(ledger, { type: 'covered', conversationId: 'c1', baseline: 'm5', owed: false });
 * ```
 */
export function emptyGapLedger(limits: Partial<GapLedgerLimits> = {}): GapLedger {
  return { session: 0, entries: PersistentMap.empty(), limits: { ...DEFAULT_GAP_LEDGER_LIMITS, ...limits } };
}

/**
 * The ledger after `event`; the one given is left as it was (a new ledger shares what did not
 * change). Returns the same ledger when the event changes nothing.
 *
 * @example
 * ```ts
 * let l = reduceGapLedger(emptyGapLedger(), { type: 'covered', conversationId: 'c1', baseline: 'm1', owed: false });
 * l = reduceGapLedger(l, { type: 'given', conversationId: 'c1', id: 'm2' });
 * l = reduceGapLedger(l, { type: 'sessionStarted', session: 2 });
 * l.entries.get('c1')?.owed; // 'm2'
 * ```
 */
export function reduceGapLedger(ledger: GapLedger, event: GapLedgerEvent): GapLedger {
  const entries = ledger.entries as PersistentMap<string, GapLedgerEntry>;
  switch (event.type) {
    case 'covered': {
      if (entries.has(event.conversationId)) return ledger;
      const entry = entryOf(event.baseline, [], event.owed ? event.baseline : undefined);
      return { ...ledger, entries: entries.with(event.conversationId, entry) };
    }
    case 'given': {
      const entry = entries.get(event.conversationId) ?? entryOf(undefined, [], undefined);
      if (isGiven(entry, event.id)) return ledger;
      return { ...ledger, entries: entries.with(event.conversationId, remember(entry, [event.id], ledger.limits)) };
    }
    case 'sessionStarted': {
      if (event.session <= ledger.session) return ledger;
      let next = entries;
      if (event.session > 1) {
        for (const [conversationId, entry] of entries) {
          if (entry.owed !== undefined) continue;
          const newest = newestGiven(entry);
          if (newest !== undefined) next = next.with(conversationId, owing(entry, newest));
        }
      }
      return { ...ledger, session: event.session, entries: next };
    }
    case 'recovered': {
      const entry = entries.get(event.conversationId);
      if (entry === undefined) return ledger;
      const paid = entry.owed === event.from && event.session === ledger.session;
      const owed = paid ? undefined : entry.owed;
      const remembered = remember(owing(entry, owed), event.given, ledger.limits);
      return { ...ledger, entries: entries.with(event.conversationId, remembered) };
    }
    case 'suspended': {
      const entry = entries.get(event.conversationId);
      const newest = entry === undefined ? undefined : newestGiven(entry);
      if (entry === undefined || entry.owed !== undefined || newest === undefined) return ledger;
      return { ...ledger, entries: entries.with(event.conversationId, owing(entry, newest)) };
    }
    case 'uncovered':
      return entries.has(event.conversationId) ? { ...ledger, entries: entries.without(event.conversationId) } : ledger;
  }
}

/** True when `id` was given in the conversation of `entry` (or lies at or below its floor). */
export function isGiven(entry: GapLedgerEntry, id: string): boolean {
  if (entry.floor !== undefined && id <= entry.floor) return true;
  const { ids, start, end } = windowOf(entry);
  return indexOf(ids, start, end, id) >= 0;
}

/**
 * Of the messages a recovery fetched, those to give: not given yet and above what the ledger
 * knows nothing of (below the floor, or below the oldest recent id when there is no floor, is
 * taken as given). Ascending by id, each once; a conversation not covered gives nothing.
 *
 * @example
 * ```ts
 * missedIds(ledger, 'c1', page.items).map((m) => m.id); // the gap, oldest first
 * ```
 */
export function missedIds<M extends { readonly id: string }>(ledger: GapLedger, conversationId: string, fetched: readonly M[]): M[] {
  const entry = ledger.entries.get(conversationId);
  if (entry === undefined) return [];
  const { ids, start, end } = windowOf(entry);
  const lowest = entry.floor ?? (start < end ? ids[start] : undefined);
  const byId = new Map<string, M>();
  for (const m of fetched) {
    if (lowest !== undefined && m.id <= lowest) continue;
    if (!isGiven(entry, m.id)) byId.set(m.id, m);
  }
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The newest id given in a conversation (or its baseline), if any. */
export function newestGiven(entry: GapLedgerEntry): string | undefined {
  const { ids, start, end } = windowOf(entry);
  return end > start ? ids[end - 1] : entry.floor;
}

/** `entry` owing `owed` instead. */
function owing(entry: GapLedgerEntry, owed: string | undefined): LedgerEntry {
  return entry instanceof LedgerEntry ? entry.owing(owed) : entryOf(entry.floor, [...entry.recent], owed);
}

/** `entry` with `ids` added to its recent ids, the oldest rolled over into the floor past the limit. */
function remember(entry: GapLedgerEntry, given: readonly string[], limits: GapLedgerLimits): GapLedgerEntry {
  const cap = entry.owed === undefined ? limits.recentIds : limits.recentIdsOwed;
  const { ids, start, end } = windowOf(entry);
  const last = end > start ? ids[end - 1] : undefined;
  const only = given.length === 1 ? (given[0] as string) : undefined;
  if (
    cap >= 1 &&
    only !== undefined &&
    (last === undefined || only > last) &&
    (entry.floor === undefined || only > entry.floor) &&
    entry instanceof LedgerEntry
  ) {
    // The hot path (a live message, newest of its conversation): appended to the shared buffer
    // when this entry's window ends it, the oldest id rolled over into the floor past the limit.
    let buffer = entry.ids;
    let from = start;
    let to = end;
    if (to !== buffer.length || from >= Math.max(cap, 64)) {
      buffer = buffer.slice(from, to);
      from = 0;
      to = buffer.length;
    }
    buffer.push(only);
    to += 1;
    let floor = entry.floor;
    if (to - from > cap) {
      from = to - cap;
      floor = buffer[from - 1];
    }
    return new LedgerEntry(floor, entry.owed, buffer, from, to);
  }
  const recentIds = entry.recent;
  const fresh = given.filter((id) => !isGiven(entry, id));
  if (fresh.length === 0) return entry;
  let recent: string[];
  if (fresh.length === 1 && (last === undefined || (fresh[0] as string) > last)) {
    recent = [...recentIds, fresh[0] as string];
  } else {
    recent = [...new Set([...recentIds, ...fresh])].sort();
  }
  let floor = entry.floor;
  if (recent.length > cap) {
    const rolled = recent.length - cap;
    floor = recent[rolled - 1];
    recent = recent.slice(rolled);
  }
  return entryOf(floor, recent, entry.owed);
}

/** The index of `id` in the ascending `ids[start, end)`, or -1. */
function indexOf(ids: readonly string[], start: number, end: number, id: string): number {
  let low = start;
  let high = end - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const at = ids[middle] as string;
    if (at === id) return middle;
    if (at < id) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}
