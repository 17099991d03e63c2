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
      const entry: GapLedgerEntry = { floor: event.baseline, recent: [], owed: event.owed ? event.baseline : undefined };
      return { ...ledger, entries: entries.with(event.conversationId, entry) };
    }
    case 'given': {
      const entry = entries.get(event.conversationId) ?? { floor: undefined, recent: [], owed: undefined };
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
          if (newest !== undefined) next = next.with(conversationId, { ...entry, owed: newest });
        }
      }
      return { ...ledger, session: event.session, entries: next };
    }
    case 'recovered': {
      const entry = entries.get(event.conversationId);
      if (entry === undefined) return ledger;
      const paid = entry.owed === event.from && event.session === ledger.session;
      const owed = paid ? undefined : entry.owed;
      const remembered = remember({ ...entry, owed }, event.given, ledger.limits);
      return { ...ledger, entries: entries.with(event.conversationId, remembered) };
    }
    case 'suspended': {
      const entry = entries.get(event.conversationId);
      const newest = entry === undefined ? undefined : newestGiven(entry);
      if (entry === undefined || entry.owed !== undefined || newest === undefined) return ledger;
      return { ...ledger, entries: entries.with(event.conversationId, { ...entry, owed: newest }) };
    }
    case 'uncovered':
      return entries.has(event.conversationId) ? { ...ledger, entries: entries.without(event.conversationId) } : ledger;
  }
}

/** True when `id` was given in the conversation of `entry` (or lies at or below its floor). */
export function isGiven(entry: GapLedgerEntry, id: string): boolean {
  if (entry.floor !== undefined && id <= entry.floor) return true;
  return indexOf(entry.recent, id) >= 0;
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
  const lowest = entry.floor ?? entry.recent[0];
  const byId = new Map<string, M>();
  for (const m of fetched) {
    if (lowest !== undefined && m.id <= lowest) continue;
    if (!isGiven(entry, m.id)) byId.set(m.id, m);
  }
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The newest id given in a conversation (or its baseline), if any. */
export function newestGiven(entry: GapLedgerEntry): string | undefined {
  return entry.recent.length > 0 ? entry.recent[entry.recent.length - 1] : entry.floor;
}

/** `entry` with `ids` added to its recent ids, the oldest rolled over into the floor past the limit. */
function remember(entry: GapLedgerEntry, ids: readonly string[], limits: GapLedgerLimits): GapLedgerEntry {
  const cap = entry.owed === undefined ? limits.recentIds : limits.recentIdsOwed;
  const last = entry.recent[entry.recent.length - 1];
  const only = ids.length === 1 ? (ids[0] as string) : undefined;
  if (cap >= 1 && only !== undefined && (last === undefined || only > last) && (entry.floor === undefined || only > entry.floor)) {
    // The hot path (a live message, newest of its conversation): one new array of at most `cap`
    // ids, allocated at its size and copied once — no spread, no second copy when the oldest id
    // rolls over into the floor.
    const rolled = Math.max(0, entry.recent.length + 1 - cap);
    const kept = entry.recent.length - rolled;
    const recent = new Array<string>(kept + 1);
    for (let i = 0; i < kept; i++) recent[i] = entry.recent[rolled + i] as string;
    recent[kept] = only;
    return { floor: rolled > 0 ? entry.recent[rolled - 1] : entry.floor, recent, owed: entry.owed };
  }
  const fresh = ids.filter((id) => !isGiven(entry, id));
  if (fresh.length === 0) return entry;
  let recent: string[];
  if (fresh.length === 1 && (last === undefined || (fresh[0] as string) > last)) {
    recent = [...entry.recent, fresh[0] as string];
  } else {
    recent = [...new Set([...entry.recent, ...fresh])].sort();
  }
  let floor = entry.floor;
  if (recent.length > cap) {
    const rolled = recent.length - cap;
    floor = recent[rolled - 1];
    recent = recent.slice(rolled);
  }
  return { floor, recent, owed: entry.owed };
}

/** The index of `id` in the ascending `ids`, or -1. */
function indexOf(ids: readonly string[], id: string): number {
  let low = 0;
  let high = ids.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const at = ids[middle] as string;
    if (at === id) return middle;
    if (at < id) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}
