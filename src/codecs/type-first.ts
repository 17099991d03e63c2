/**
 * Returns `value` with `$type` as the **first** member of every object that has one, at any
 * depth, whatever order the caller built the objects in: what the client sends goes through it.
 *
 * An ASP.NET Core server reads polymorphic JSON (`[JsonPolymorphic]` blocks) with
 * System.Text.Json, which by default accepts the `$type` discriminator only as the first
 * property of the object and refuses the body otherwise (a 400, or a hub binding failure). A
 * `{ content: 'hi', $type: 'text', … }` built by hand, spread from another block or read back
 * from a store would be refused for its key order alone.
 *
 * Copies only what must change: an object or array whose members are all in order is returned
 * as it is (the same reference), so the common case allocates nothing. Only plain objects
 * (`{}` literals, `JSON.parse` results, `Object.create(null)`) are reordered; class instances
 * (`Date`, `Blob`, …) pass through untouched. JavaScript always lists integer-like keys
 * (`"0"`, `"42"`) before other keys, so an object with such keys cannot put `$type` first; no
 * block or request of the Chat Gateway has them.
 *
 * @example
 * ```ts
 * JSON.stringify(typeFirst({ blocks: [{ content: 'hi', format: 'Plain', plainText: null, $type: 'text' }] }));
 * // {"blocks":[{"$type":"text","content":"hi","format":"Plain","plainText":null}]}
 * ```
 */
export function typeFirst<T>(value: T): T {
  return reorder(value) as T;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function reorder(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const next = reorder(item);
      if (next !== item) {
        copy ??= value.slice();
        copy[i] = next;
      }
    }
    return copy ?? value;
  }
  if (!isPlainObject(value)) return value;
  const keys = Object.keys(value);
  const typeAt = keys.indexOf('$type');
  let changed = typeAt > 0;
  const next: unknown[] = new Array<unknown>(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const member = value[keys[i] as string];
    next[i] = reorder(member);
    if (next[i] !== member) changed = true;
  }
  if (!changed) return value;
  const out: Record<string, unknown> = Object.getPrototypeOf(value) === null ? (Object.create(null) as Record<string, unknown>) : {};
  if (typeAt >= 0) out.$type = next[typeAt];
  for (let i = 0; i < keys.length; i++) if (i !== typeAt) out[keys[i] as string] = next[i];
  return out;
}
