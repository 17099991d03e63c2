/**
 * The names a TypeScript barrel exports, read from its source text (TypeScript 7 has no compiler
 * API to ask): `export { a, type B } from './x.js'`, `export type { … } from`, `export * from`
 * (followed into the module), and `export const|function|class|interface|type|enum Name`
 * declarations. Enough for this repository's barrels; used by `root-exports.spec.ts`.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Value and type names exported by a module (a name that is both, like an io-ts codec, is in both). */
export interface ExportNames {
  readonly values: Set<string>;
  readonly types: Set<string>;
}

/** Source text without comments. */
const code = (file: string): string =>
  readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

/** `./x.js` imported from `file` → the `.ts` source it names. */
export const sourceOf = (file: string, specifier: string): string => resolve(dirname(file), specifier.replace(/\.js$/, '.ts'));

/** Named re-exports of `file`, grouped by the module they come from: `from` specifier → names. */
export function namedReExports(file: string): Map<string, ExportNames> {
  const groups = new Map<string, ExportNames>();
  for (const m of code(file).matchAll(/export\s+(type\s+)?\{([^}]*)\}\s*from\s*['"]([^'"]+)['"]/g)) {
    const from = m[3] as string;
    const group = groups.get(from) ?? { values: new Set<string>(), types: new Set<string>() };
    groups.set(from, group);
    for (const raw of (m[2] as string)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const typeOnly = m[1] !== undefined || raw.startsWith('type ');
      const name = raw
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)
        .pop() as string;
      group.types.add(name);
      if (!typeOnly) group.values.add(name);
    }
  }
  return groups;
}

/** `export * from '…'` specifiers of `file`. */
export const starReExports = (file: string): string[] =>
  [...code(file).matchAll(/export\s+\*\s+from\s*['"]([^'"]+)['"]/g)].map((m) => m[1] as string);

/**
 * Every name `file` exports. A named re-export without `type` counts as a value and a type (a
 * codec's `const` and `type` share the name); so does a `const`/`class`/`enum` declared beside a
 * `type` of the same name.
 */
export function exportNames(file: string): ExportNames {
  const values = new Set<string>();
  const types = new Set<string>();
  for (const group of namedReExports(file).values()) {
    for (const v of group.values) values.add(v);
    for (const t of group.types) types.add(t);
  }
  for (const from of starReExports(file)) {
    const inner = exportNames(sourceOf(file, from));
    for (const v of inner.values) values.add(v);
    for (const t of inner.types) types.add(t);
  }
  const text = code(file);
  for (const m of text.matchAll(
    /export\s+(?:declare\s+)?(?:async\s+)?(const|let|function\*?|class|abstract\s+class|enum)\s+([A-Za-z_$][\w$]*)/g,
  )) {
    values.add(m[2] as string);
    types.add(m[2] as string);
  }
  for (const m of text.matchAll(/export\s+(?:declare\s+)?(interface|type)\s+([A-Za-z_$][\w$]*)/g)) types.add(m[2] as string);
  return { values, types };
}
