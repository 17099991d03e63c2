/**
 * How deep a JSON document a Chat Gateway reads: System.Text.Json's default `MaxDepth`. An
 * ASP.NET Core server refuses a request body nested deeper (a 400, or a hub binding failure);
 * the client refuses to send one, naming the argument, instead of waiting for that answer.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * The JSON path (`$.blocks[0].data.a…`) of the first object or array in `value` nested deeper
 * than `maxDepth` (the root object counts as depth 1), or `null` when none is. Walks without
 * recursion, so any depth is safe to check.
 *
 * @example
 * ```ts
 * pathBeyondDepth({ a: { a: {} } }, 2); // "$.a.a"
 * pathBeyondDepth({ blocks: [] });      // null
 * ```
 */
export function pathBeyondDepth(value: unknown, maxDepth: number = MAX_JSON_DEPTH): string | null {
  const stack: Array<{ value: unknown; depth: number; path: string }> = [{ value, depth: 1, path: '$' }];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const { value: node, depth, path } = top;
    if (node === null || typeof node !== 'object') continue;
    if (depth > maxDepth) return path;
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push({ value: node[i], depth: depth + 1, path: `${path}[${i}]` });
    } else {
      const entries = Object.entries(node);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, member] = entries[i] as [string, unknown];
        stack.push({ value: member, depth: depth + 1, path: `${path}.${key}` });
      }
    }
  }
  return null;
}
