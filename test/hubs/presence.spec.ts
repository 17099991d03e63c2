import { expect } from 'chai';
import { chunkIds, reducePresence, type Presence, type PresenceAction, type PresenceMap } from '../../src/hubs/presence.js';

const T1 = '2024-05-01T10:00:00.000Z';
const T2 = '2024-05-01T11:00:00.000Z';

const online: Presence = { isOnline: true, lastSeenAt: null };
const offlineAt = (at: string | null): Presence => ({ isOnline: false, lastSeenAt: at });

function mapOf(entries: Record<string, Presence>): PresenceMap {
  return new Map(Object.entries(entries));
}

function plain(map: PresenceMap): Record<string, Presence> {
  return Object.fromEntries(map);
}

interface Row {
  readonly name: string;
  readonly state: Record<string, Presence>;
  readonly action: PresenceAction;
  /** The expected map, or 'same' when the very same map object must come back. */
  readonly expected: Record<string, Presence> | 'same';
}

const rows: readonly Row[] = [
  // ---- state
  {
    name: 'state: adds every item to an empty map',
    state: {},
    action: {
      type: 'state',
      items: [
        { participantId: 'bob', isOnline: true, lastSeenAt: null },
        { participantId: 'carol', isOnline: false, lastSeenAt: T1 },
      ],
    },
    expected: { bob: online, carol: offlineAt(T1) },
  },
  {
    name: 'state: a missing lastSeenAt becomes null',
    state: {},
    action: { type: 'state', items: [{ participantId: 'dave', isOnline: false }] },
    expected: { dave: offlineAt(null) },
  },
  {
    name: 'state: overwrites known ids and keeps the others',
    state: { bob: offlineAt(T1), carol: online },
    action: { type: 'state', items: [{ participantId: 'bob', isOnline: true, lastSeenAt: null }] },
    expected: { bob: online, carol: online },
  },
  {
    name: 'state: the same values give back the same map',
    state: { bob: online, carol: offlineAt(T1) },
    action: {
      type: 'state',
      items: [
        { participantId: 'bob', isOnline: true, lastSeenAt: null },
        { participantId: 'carol', isOnline: false, lastSeenAt: T1 },
      ],
    },
    expected: 'same',
  },
  {
    name: 'state: no items give back the same map',
    state: { bob: online },
    action: { type: 'state', items: [] },
    expected: 'same',
  },
  {
    name: 'state: only lastSeenAt differs → a new map',
    state: { carol: offlineAt(T1) },
    action: { type: 'state', items: [{ participantId: 'carol', isOnline: false, lastSeenAt: T2 }] },
    expected: { carol: offlineAt(T2) },
  },
  // ---- changed
  {
    name: 'changed: adds an unknown id',
    state: { bob: online },
    action: { type: 'changed', item: { participantId: 'carol', isOnline: true, lastSeenAt: null } },
    expected: { bob: online, carol: online },
  },
  {
    name: 'changed: online → offline with lastSeenAt',
    state: { bob: online },
    action: { type: 'changed', item: { participantId: 'bob', isOnline: false, lastSeenAt: T2 } },
    expected: { bob: offlineAt(T2) },
  },
  {
    name: 'changed: offline → online',
    state: { bob: offlineAt(T1) },
    action: { type: 'changed', item: { participantId: 'bob', isOnline: true } },
    expected: { bob: online },
  },
  {
    name: 'changed: the same presence gives back the same map',
    state: { bob: offlineAt(T1) },
    action: { type: 'changed', item: { participantId: 'bob', isOnline: false, lastSeenAt: T1 } },
    expected: 'same',
  },
  {
    name: 'changed: undefined lastSeenAt equals null (same map)',
    state: { bob: online },
    action: { type: 'changed', item: { participantId: 'bob', isOnline: true } },
    expected: 'same',
  },
  // ---- removed
  {
    name: 'removed: forgets the given ids',
    state: { bob: online, carol: offlineAt(T1), dave: online },
    action: { type: 'removed', participantIds: ['bob', 'dave'] },
    expected: { carol: offlineAt(T1) },
  },
  {
    name: 'removed: ignores unknown ids among known ones',
    state: { bob: online, carol: online },
    action: { type: 'removed', participantIds: ['zed', 'carol'] },
    expected: { bob: online },
  },
  {
    name: 'removed: only unknown ids give back the same map',
    state: { bob: online },
    action: { type: 'removed', participantIds: ['zed', 'yan'] },
    expected: 'same',
  },
  {
    name: 'removed: an empty list gives back the same map',
    state: { bob: online },
    action: { type: 'removed', participantIds: [] },
    expected: 'same',
  },
  // ---- cleared
  {
    name: 'cleared: empties the map',
    state: { bob: online, carol: offlineAt(T1) },
    action: { type: 'cleared' },
    expected: {},
  },
  {
    name: 'cleared: an empty map stays the same map',
    state: {},
    action: { type: 'cleared' },
    expected: 'same',
  },
];

describe('reducePresence', () => {
  for (const row of rows) {
    it(row.name, () => {
      const state = mapOf(row.state);
      const snapshot = plain(state);
      const next = reducePresence(state, row.action);
      if (row.expected === 'same') {
        expect(next).to.equal(state);
      } else {
        expect(next).not.to.equal(state);
        expect(plain(next)).to.deep.equal(row.expected);
      }
      // Pure: the input map is never mutated.
      expect(plain(state)).to.deep.equal(snapshot);
    });
  }

  it('folds a realistic sequence of actions', () => {
    const actions: PresenceAction[] = [
      {
        type: 'state',
        items: [
          { participantId: 'bob', isOnline: false, lastSeenAt: T1 },
          { participantId: 'carol', isOnline: true, lastSeenAt: null },
        ],
      },
      { type: 'changed', item: { participantId: 'bob', isOnline: true, lastSeenAt: null } },
      { type: 'changed', item: { participantId: 'carol', isOnline: false, lastSeenAt: T2 } },
      { type: 'removed', participantIds: ['bob'] },
    ];
    const final = actions.reduce<PresenceMap>(reducePresence, new Map());
    expect(plain(final)).to.deep.equal({ carol: offlineAt(T2) });
  });
});

describe('chunkIds', () => {
  const ids = (n: number, prefix = 'p'): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
  const table: ReadonlyArray<{ n: number; size: number; lengths: number[] }> = [
    { n: 0, size: 200, lengths: [] },
    { n: 1, size: 200, lengths: [1] },
    { n: 199, size: 200, lengths: [199] },
    { n: 200, size: 200, lengths: [200] },
    { n: 201, size: 200, lengths: [200, 1] },
    { n: 250, size: 200, lengths: [200, 50] },
    { n: 400, size: 200, lengths: [200, 200] },
    { n: 401, size: 200, lengths: [200, 200, 1] },
    { n: 5, size: 2, lengths: [2, 2, 1] },
    { n: 3, size: 1, lengths: [1, 1, 1] },
  ];
  for (const { n, size, lengths } of table) {
    it(`${n} ids by ${size} → chunks of ${JSON.stringify(lengths)}, in order, nothing lost`, () => {
      const input = ids(n);
      const chunks = chunkIds(input, size);
      expect(chunks.map((c) => c.length)).to.deep.equal(lengths);
      expect(chunks.flat()).to.deep.equal(input);
    });
  }

  for (const size of [0, -1, 1.5, Number.NaN]) {
    it(`rejects size ${size} instead of looping forever`, () => {
      expect(() => chunkIds(['a', 'b'], size)).to.throw(RangeError, /size/);
    });
  }

  it('does not mutate its input and returns new arrays', () => {
    const input = Object.freeze(ids(3));
    const chunks = chunkIds(input, 2);
    expect(chunks).to.deep.equal([['p0', 'p1'], ['p2']]);
    expect(chunks[0]).not.to.equal(input);
  });
});
