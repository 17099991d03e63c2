import type { PresenceChangedDto, PresenceStateItem } from '../codecs/index.js';

/** One participant's presence in {@link PresenceMap}. */
export interface Presence {
  /** True while the participant is online. */
  readonly isOnline: boolean;
  /** When the participant was last seen (ISO 8601); null while online, or when the server did not say. */
  readonly lastSeenAt: string | null;
}

/** participantId → presence, for the ids subscribed to. */
export type PresenceMap = ReadonlyMap<string, Presence>;

/** What changes the presence map. */
export type PresenceAction =
  | { readonly type: 'state'; readonly items: readonly PresenceStateItem[] }
  | { readonly type: 'changed'; readonly item: PresenceChangedDto }
  | { readonly type: 'removed'; readonly participantIds: readonly string[] }
  | { readonly type: 'cleared' };

/**
 * The pure reducer behind `presence$`: `presenceState` sets the given ids, `presenceChanged`
 * updates one, `removed` forgets unsubscribed ids. Returns the same map when nothing changed,
 * so `distinctUntilChanged` can skip it.
 *
 * @example
 * ```ts
 * reducePresence(new Map(), { type: 'changed', item: { participantId: 'bob', isOnline: true } });
 * ```
 */
export function reducePresence(state: PresenceMap, action: PresenceAction): PresenceMap {
  switch (action.type) {
    case 'cleared':
      return state.size === 0 ? state : new Map();
    case 'removed': {
      if (!action.participantIds.some((id) => state.has(id))) return state;
      const next = new Map(state);
      for (const id of action.participantIds) next.delete(id);
      return next;
    }
    case 'state': {
      let next: Map<string, Presence> | undefined;
      for (const item of action.items) {
        const value: Presence = { isOnline: item.isOnline, lastSeenAt: item.lastSeenAt ?? null };
        const old = state.get(item.participantId);
        if (old && old.isOnline === value.isOnline && old.lastSeenAt === value.lastSeenAt) continue;
        next ??= new Map(state);
        next.set(item.participantId, value);
      }
      return next ?? state;
    }
    case 'changed': {
      const value: Presence = { isOnline: action.item.isOnline, lastSeenAt: action.item.lastSeenAt ?? null };
      const old = state.get(action.item.participantId);
      if (old && old.isOnline === value.isOnline && old.lastSeenAt === value.lastSeenAt) return state;
      const next = new Map(state);
      next.set(action.item.participantId, value);
      return next;
    }
  }
}

/**
 * Splits ids into chunks of at most `size` (the hub takes 200 per call).
 *
 * @throws RangeError when `size` is not a whole number ≥ 1 (it would never finish).
 */
export function chunkIds(ids: readonly string[], size: number): string[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunkIds: size must be a whole number >= 1, got ${size}`);
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += size) chunks.push(ids.slice(i, i + size));
  return chunks;
}
