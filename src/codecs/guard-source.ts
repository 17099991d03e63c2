/**
 * The generated form of a fast guard: a codec's `is` written out as JavaScript source (one
 * function per object or array codec, named property reads, primitives inlined) and compiled
 * once with `new Function`, so each property read and call site sees one shape and V8 optimises
 * it as if written by hand. Internal: `fastGuard` uses it, and falls back to closures where code
 * cannot be generated (a Content-Security-Policy without `unsafe-eval`).
 *
 * Only the codec's structure goes into the source: property names and string literals are
 * written with `JSON.stringify`; every other value (a predicate, a literal that is not a string,
 * number or boolean, a codec kept as it is) is passed in and referenced by index.
 */
import type * as t from 'io-ts';
import type { Guard, Node } from './fast-guard.js';

/** How a hand-written union dispatches on a string member (see {@link withTaggedGuard}). */
export interface TaggedGuard {
  /** The member that tells the kinds apart (`'$type'`). */
  readonly key: string;
  /** The codec of each known tag; an object whose tag is a string not listed here passes. */
  readonly members: ReadonlyMap<string, t.Any>;
}

const TAGGED = Symbol('tagged guard');

/**
 * Marks a hand-written `t.Type` whose `is` is "an object whose `key` is a string; if that string
 * is one of `members`, that member's `is`, else true", so fast guards can flatten it too.
 * Returns `codec`.
 */
export function withTaggedGuard<C extends t.Any>(codec: C, tagged: TaggedGuard): C {
  Object.defineProperty(codec, TAGGED, { value: tagged, enumerable: false });
  return codec;
}

/** The tagged dispatch of `codec`, if it was marked with {@link withTaggedGuard}. */
export function taggedOf(codec: t.Any): TaggedGuard | undefined {
  return (codec as unknown as { [TAGGED]?: TaggedGuard })[TAGGED];
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const RECORD = (x: string): string => `(${x} !== null && typeof ${x} === "object" && !Array.isArray(${x}))`;

/** Writes the source of one guard tree. */
class GuardWriter {
  /** Values the source references as `ext[i]`. */
  readonly externals: unknown[] = [];
  /** One function per object, array or tagged codec. */
  readonly functions: string[] = [];
  private readonly names = new Map<t.Any, string>();

  /** A boolean expression: `x` (a variable name) passes `codec`. */
  condition(codec: t.Any, x: string): string {
    const node = codec as unknown as Node;
    switch (node._tag) {
      case 'StringType':
        return `typeof ${x} === "string"`;
      case 'NumberType':
        return `typeof ${x} === "number"`;
      case 'BooleanType':
        return `typeof ${x} === "boolean"`;
      case 'NullType':
        return `${x} === null`;
      case 'UndefinedType':
      case 'VoidType':
        return `${x} === undefined`;
      case 'UnknownType':
      case 'AnyType':
        return 'true';
      case 'AnyDictionaryType':
        return RECORD(x);
      case 'LiteralType':
        return `${x} === ${this.literal(node.value)}`;
      case 'KeyofType': {
        const keys = Object.keys(node.keys as object);
        // A few keys: compared one by one (what `hasOwn` on the keys object answers, without the call).
        if (keys.length <= 8 && Object.getOwnPropertyNames(node.keys).length === keys.length)
          return `(${keys.map((key) => `${x} === ${JSON.stringify(key)}`).join(' || ')})`;
        return `(typeof ${x} === "string" && hasOwn.call(${this.external(node.keys)}, ${x}))`;
      }
      case 'UnionType':
        if (node.types?.length === 2 && (node.types[1] as unknown as Node)._tag === 'NullType')
          return `(${x} === null || ${this.condition(node.types[0] as t.Any, x)})`;
        return `(${(node.types as readonly t.Any[]).map((member) => `(${this.condition(member, x)})`).join(' || ')})`;
      case 'IntersectionType':
        return `(${(node.types as readonly t.Any[]).map((member) => `(${this.condition(member, x)})`).join(' && ')})`;
      case 'RefinementType':
        return `((${this.condition(node.type as t.Any, x)}) && ${this.external(node.predicate)}(${x}))`;
      case 'ReadonlyType':
      case 'ExactType':
      case 'StrictType':
        return this.condition(node.type as t.Any, x);
      case 'InterfaceType':
      case 'PartialType':
      case 'ArrayType':
        return `${this.functionOf(codec)}(${x})`;
      default:
        return taggedOf(codec) !== undefined ? `${this.functionOf(codec)}(${x})` : `${this.external(codec)}.is(${x})`;
    }
  }

  private literal(value: unknown): string {
    if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)))
      return JSON.stringify(value);
    return this.external(value);
  }

  private external(value: unknown): string {
    this.externals.push(value);
    return `ext[${this.externals.length - 1}]`;
  }

  /** The name of the generated function of an object, array or tagged codec (written once). */
  private functionOf(codec: t.Any): string {
    const known = this.names.get(codec);
    if (known !== undefined) return known;
    const name = `g${this.names.size}`;
    this.names.set(codec, name);
    this.functions.push(`function ${name}(u) {\n${this.body(codec)}\n}`);
    return name;
  }

  private body(codec: t.Any): string {
    const node = codec as unknown as Node;
    if (node._tag === 'ArrayType') {
      return [
        'if (!Array.isArray(u)) return false;',
        'for (let i = 0; i < u.length; i++) {',
        '  const v = u[i];',
        `  if (!(${this.condition(node.type as t.Any, 'v')})) return false;`,
        '}',
        'return true;',
      ].join('\n');
    }
    if (node._tag === 'InterfaceType' || node._tag === 'PartialType') {
      const lines = [`if (!${RECORD('u')}) return false;`, 'let v;'];
      for (const [key, member] of Object.entries(node.props as Record<string, t.Any>)) {
        const name = JSON.stringify(key);
        lines.push(`v = ${IDENTIFIER.test(key) ? `u.${key}` : `u[${name}]`};`);
        if (node._tag === 'InterfaceType') {
          // Absent and `undefined` differ only for a member that accepts `undefined`.
          if (member.is(undefined)) lines.push(`if (v === undefined && !hasOwn.call(u, ${name})) return false;`);
          lines.push(`if (!(${this.condition(member, 'v')})) return false;`);
        } else lines.push(`if (v !== undefined && !(${this.condition(member, 'v')})) return false;`);
      }
      lines.push('return true;');
      return lines.join('\n');
    }
    const tagged = taggedOf(codec) as TaggedGuard;
    const key = IDENTIFIER.test(tagged.key) ? `u.${tagged.key}` : `u[${JSON.stringify(tagged.key)}]`;
    const lines = [
      `if (!${RECORD('u')}) return false;`,
      `const tag = ${key};`,
      'if (typeof tag !== "string") return false;',
      'switch (tag) {',
    ];
    for (const [tag, member] of tagged.members) lines.push(`  case ${JSON.stringify(tag)}: return ${this.condition(member, 'u')};`);
    lines.push('  default: return true;', '}');
    return lines.join('\n');
  }
}

/** `codec`'s guard as generated code, or `undefined` where code cannot be compiled here. */
export function generateGuard(codec: t.Any): Guard | undefined {
  const writer = new GuardWriter();
  const root = writer.condition(codec, 'u');
  const source = `"use strict";\n${writer.functions.join('\n')}\nreturn function guard(u) { return ${root}; };`;
  try {
    // Generated from the codec's structure only (names and literals JSON-escaped): see the file comment.
    const make = new Function('ext', 'hasOwn', source) as (ext: unknown[], hasOwn: (this: object, key: PropertyKey) => boolean) => Guard;
    return make(writer.externals, Object.prototype.hasOwnProperty);
  } catch {
    return undefined;
  }
}
