/**
 * A persistent hash map (a hash array mapped trie) behind the `ReadonlyMap` interface: `with` and
 * `without` return a new map that shares every node with the old one except those on the path to
 * the key — at most ⌈32/5⌉ = 7 nodes of at most 32 slots each, so O(1) — and leave the old map as
 * it was. Iteration follows the order in which keys were last set (the least recently set first),
 * like a `Map` whose changed keys are deleted and set again. Internal to the state layer: the bot
 * stream accumulator keeps its streams and their waiting chunks in it.
 *
 * @internal
 */
/** A key and its value; `seq` orders iteration. */
interface Leaf<K, V> {
  readonly t: 0;
  readonly hash: number;
  readonly key: K;
  readonly value: V;
  readonly seq: number;
}
/** Up to 32 children, one per 5 bits of the hash at this depth, present where `bitmap` has a bit. */
interface Branch<K, V> {
  readonly t: 1;
  readonly bitmap: number;
  readonly children: readonly TrieNode<K, V>[];
}
/** Keys whose 32-bit hashes are equal. */
interface Collision<K, V> {
  readonly t: 2;
  readonly hash: number;
  readonly leaves: readonly Leaf<K, V>[];
}
type TrieNode<K, V> = Leaf<K, V> | Branch<K, V> | Collision<K, V>;

const BITS = 5;
const MASK = 31;

/** Whether the last `insert` added a key (rather than replacing one). */
let grew = false;

let lastKey: unknown;
let lastHash = 0;

function hashOf(key: unknown): number {
  if (key === lastKey) return lastHash;
  let hash: number;
  if (typeof key === 'number' && Number.isInteger(key)) hash = key | 0;
  else {
    const text = typeof key === 'string' ? key : String(key);
    hash = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
    hash |= 0;
  }
  lastKey = key;
  lastHash = hash;
  return hash;
}

/** SameValueZero, as `Map` compares keys. */
function same(a: unknown, b: unknown): boolean {
  // biome-ignore lint/suspicious/noSelfCompare: `x !== x` is the NaN test of SameValueZero, for keys of any type.
  return a === b || (a !== a && b !== b);
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

function lookup<K, V>(root: TrieNode<K, V> | undefined, hash: number, key: K): Leaf<K, V> | undefined {
  let node = root;
  let shift = 0;
  while (node !== undefined) {
    if (node.t === 0) return same(node.key, key) ? node : undefined;
    if (node.t === 2) return node.hash === hash ? node.leaves.find((leaf) => same(leaf.key, key)) : undefined;
    const bit = 1 << ((hash >>> shift) & MASK);
    if ((node.bitmap & bit) === 0) return undefined;
    node = node.children[popcount(node.bitmap & (bit - 1))];
    shift += BITS;
  }
  return undefined;
}

/** Two nodes of different hashes under one new branch (deeper while their hash bits agree). */
function join<K, V>(shift: number, a: TrieNode<K, V>, aHash: number, b: Leaf<K, V>): Branch<K, V> {
  const ia = (aHash >>> shift) & MASK;
  const ib = (b.hash >>> shift) & MASK;
  if (ia === ib) return { t: 1, bitmap: 1 << ia, children: [join(shift + BITS, a, aHash, b)] };
  return { t: 1, bitmap: (1 << ia) | (1 << ib), children: ia < ib ? [a, b] : [b, a] };
}

function insert<K, V>(node: TrieNode<K, V>, shift: number, leaf: Leaf<K, V>): TrieNode<K, V> {
  if (node.t === 0) {
    if (same(node.key, leaf.key)) return leaf;
    grew = true;
    return node.hash === leaf.hash ? { t: 2, hash: leaf.hash, leaves: [node, leaf] } : join(shift, node, node.hash, leaf);
  }
  if (node.t === 2) {
    if (node.hash !== leaf.hash) {
      grew = true;
      return join(shift, node, node.hash, leaf);
    }
    const index = node.leaves.findIndex((l) => same(l.key, leaf.key));
    const leaves = node.leaves.slice();
    if (index >= 0) leaves[index] = leaf;
    else {
      grew = true;
      leaves.push(leaf);
    }
    return { t: 2, hash: node.hash, leaves };
  }
  const bit = 1 << ((leaf.hash >>> shift) & MASK);
  const index = popcount(node.bitmap & (bit - 1));
  const children = node.children.slice();
  if ((node.bitmap & bit) !== 0) {
    children[index] = insert(children[index] as TrieNode<K, V>, shift + BITS, leaf);
    return { t: 1, bitmap: node.bitmap, children };
  }
  grew = true;
  children.splice(index, 0, leaf);
  return { t: 1, bitmap: node.bitmap | bit, children };
}

/** The node without `key`: the same node when it is absent, undefined when nothing is left. */
function remove<K, V>(node: TrieNode<K, V>, shift: number, hash: number, key: K): TrieNode<K, V> | undefined {
  if (node.t === 0) return same(node.key, key) ? undefined : node;
  if (node.t === 2) {
    if (node.hash !== hash) return node;
    const index = node.leaves.findIndex((l) => same(l.key, key));
    if (index < 0) return node;
    if (node.leaves.length === 2) return node.leaves[1 - index];
    return { t: 2, hash, leaves: node.leaves.filter((_, i) => i !== index) };
  }
  const bit = 1 << ((hash >>> shift) & MASK);
  if ((node.bitmap & bit) === 0) return node;
  const index = popcount(node.bitmap & (bit - 1));
  const child = node.children[index] as TrieNode<K, V>;
  const next = remove(child, shift + BITS, hash, key);
  if (next === child) return node;
  // A leaf or a collision can sit at any depth (lookups compare the key or the full hash), so a
  // branch left with one of them alone is replaced by it; a branch cannot move.
  if (next === undefined) {
    if (node.children.length === 1) return undefined;
    const other = node.children[1 - index];
    if (node.children.length === 2 && other !== undefined && other.t !== 1) return other;
    return { t: 1, bitmap: node.bitmap & ~bit, children: node.children.filter((_, i) => i !== index) };
  }
  if (node.children.length === 1 && next.t !== 1) return next;
  const children = node.children.slice();
  children[index] = next;
  return { t: 1, bitmap: node.bitmap, children };
}

function collect<K, V>(node: TrieNode<K, V> | undefined, into: Leaf<K, V>[]): void {
  if (node === undefined) return;
  if (node.t === 0) into.push(node);
  else if (node.t === 2) into.push(...node.leaves);
  else for (const child of node.children) collect(child, into);
}

/**
 * An immutable map with structural sharing (see above). Iterating it lists its leaves and sorts
 * them, O(n log n); looking up, setting and deleting are O(1).
 */
/** An immutable `ReadonlyMap` whose `with` / `without` cost O(1) and share structure. @internal */
export class PersistentMap<K, V> implements ReadonlyMap<K, V> {
  private static readonly EMPTY = new PersistentMap<never, never>(undefined, 0, 0);

  static empty<K, V>(): PersistentMap<K, V> {
    return PersistentMap.EMPTY as PersistentMap<K, V>;
  }

  /** `map` itself when it is one, else a copy of it (once: the states made from it are persistent). */
  static of<K, V>(map: ReadonlyMap<K, V>): PersistentMap<K, V> {
    if (map instanceof PersistentMap) return map as PersistentMap<K, V>;
    let copy = PersistentMap.empty<K, V>();
    for (const [key, value] of map) copy = copy.with(key, value);
    return copy;
  }

  private constructor(
    private readonly root: TrieNode<K, V> | undefined,
    readonly size: number,
    private readonly nextSeq: number,
  ) {}

  get(key: K): V | undefined {
    return lookup(this.root, hashOf(key), key)?.value;
  }

  has(key: K): boolean {
    return lookup(this.root, hashOf(key), key) !== undefined;
  }

  /** A map with `key` set to `value` (moved to the end of the iteration order). */
  with(key: K, value: V): PersistentMap<K, V> {
    const leaf: Leaf<K, V> = { t: 0, hash: hashOf(key), key, value, seq: this.nextSeq };
    if (this.root === undefined) return new PersistentMap(leaf, 1, this.nextSeq + 1);
    grew = false;
    const root = insert(this.root, 0, leaf);
    return new PersistentMap(root, grew ? this.size + 1 : this.size, this.nextSeq + 1);
  }

  /** A map without `key` (this one when it has no `key`). */
  without(key: K): PersistentMap<K, V> {
    if (this.root === undefined) return this;
    const root = remove(this.root, 0, hashOf(key), key);
    if (root === this.root) return this;
    return root === undefined ? PersistentMap.empty() : new PersistentMap(root, this.size - 1, this.nextSeq);
  }

  /** The value set least recently, O(n). */
  oldest(): V | undefined {
    const leaves: Leaf<K, V>[] = [];
    collect(this.root, leaves);
    let oldest: Leaf<K, V> | undefined;
    for (const leaf of leaves) if (oldest === undefined || leaf.seq < oldest.seq) oldest = leaf;
    return oldest?.value;
  }

  private leaves(): Leaf<K, V>[] {
    const leaves: Leaf<K, V>[] = [];
    collect(this.root, leaves);
    return leaves.sort((a, b) => a.seq - b.seq);
  }

  forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    for (const leaf of this.leaves()) callback.call(thisArg, leaf.value, leaf.key, this);
  }

  entries(): MapIterator<[K, V]> {
    return this.leaves()
      .map((leaf): [K, V] => [leaf.key, leaf.value])
      .values();
  }

  keys(): MapIterator<K> {
    return this.leaves()
      .map((leaf) => leaf.key)
      .values();
  }

  values(): MapIterator<V> {
    return this.leaves()
      .map((leaf) => leaf.value)
      .values();
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  get [Symbol.toStringTag](): string {
    return 'PersistentMap';
  }
}
