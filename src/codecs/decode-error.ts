import type * as t from 'io-ts';

/** One reason a value failed to decode: where, what was expected there, and what was received. */
export interface DecodeIssue {
  /** Dotted path from the decoded root, e.g. `blocks.0.content` (empty for the root itself). */
  readonly path: string;
  /** The codec name(s) expected at that path, e.g. `string | null`. */
  readonly expected: string;
  /** The value actually received at that path (`undefined` when the field was missing). */
  readonly actual: unknown;
  /** A codec's own explanation, when it gives one (e.g. why a cursor must be a string). */
  readonly message?: string;
}

const STRUCTURAL_TAGS = new Set([
  'InterfaceType',
  'PartialType',
  'ArrayType',
  'ReadonlyArrayType',
  'DictionaryType',
  'TupleType',
  'StrictType',
  'ExactType',
]);

/**
 * Thrown or reported when data crossing the wire does not match its codec.
 *
 * Carries the codec's name and every failing path with the value received, so a
 * malformed payload can be diagnosed from the error alone.
 *
 * @example
 * ```ts
 * const result = decodeWith(MessageDto)(json);
 * if (either.isLeft(result)) console.error(result.left.issues);
 * ```
 */
export class DecodeError extends Error {
  override readonly name = 'DecodeError' as const;
  /** The name of the codec that rejected the value. */
  readonly codec: string;
  /** Every failing path, de-duplicated, in the order io-ts found them. */
  readonly issues: readonly DecodeIssue[];
  /** The raw value that failed to decode. */
  readonly value: unknown;

  constructor(codec: string, issues: readonly DecodeIssue[], value: unknown) {
    super(DecodeError.describe(codec, issues));
    this.codec = codec;
    this.issues = issues;
    this.value = value;
  }

  /** True for a `DecodeError`, also one from another copy of this library (checks `name`). */
  static is(error: unknown): error is DecodeError {
    return (
      error instanceof DecodeError ||
      (typeof error === 'object' &&
        error !== null &&
        (error as { name?: unknown }).name === 'DecodeError' &&
        Array.isArray((error as { issues?: unknown }).issues))
    );
  }

  /** Builds a `DecodeError` from io-ts validation errors, merging union alternatives per path. */
  static fromValidationErrors(codec: string, errors: t.Errors, value: unknown): DecodeError {
    const byPath = new Map<string, { expected: string[]; actual: unknown; message?: string }>();
    for (const error of errors) {
      const path = pathOf(error.context);
      const expected = expectedAt(error.context);
      const entry = byPath.get(path);
      if (entry) {
        if (!entry.expected.includes(expected)) entry.expected.push(expected);
        if (error.message !== undefined && entry.message === undefined) entry.message = error.message;
      } else {
        byPath.set(path, {
          expected: [expected],
          actual: error.value,
          ...(error.message !== undefined ? { message: error.message } : {}),
        });
      }
    }
    const issues: DecodeIssue[] = [];
    for (const [path, entry] of byPath) {
      issues.push({
        path,
        expected: entry.expected.join(' | '),
        actual: entry.actual,
        ...(entry.message !== undefined ? { message: entry.message } : {}),
      });
    }
    return new DecodeError(codec, issues, value);
  }

  private static describe(codec: string, issues: readonly DecodeIssue[]): string {
    const shown = issues.slice(0, 5).map((issue) => {
      const where = issue.path === '' ? '<root>' : issue.path;
      const base = `${where}: expected ${issue.expected}, got ${preview(issue.actual)}`;
      return issue.message !== undefined ? `${base} (${issue.message})` : base;
    });
    const more = issues.length > 5 ? `; and ${issues.length - 5} more` : '';
    return `Invalid ${codec}: ${shown.join('; ')}${more}`;
  }
}

/** The path of an io-ts context, keeping only keys that name a property or an index. */
function pathOf(context: t.Context): string {
  const keys: string[] = [];
  for (let i = 1; i < context.length; i++) {
    const parent = context[i - 1];
    const entry = context[i];
    if (parent && entry && STRUCTURAL_TAGS.has((parent.type as { _tag?: string })._tag ?? '')) keys.push(entry.key);
  }
  return keys.join('.');
}

/**
 * The name of what was expected where a failure happened: the innermost codec, except that a
 * member of an intersection (or of a refinement) is named after the whole, so a value that fails
 * `SystemEventInfo` says `SystemEventInfo`, not the anonymous parts it is made of.
 */
function expectedAt(context: t.Context): string {
  let index = context.length - 1;
  while (index > 0) {
    const parentTag = (context[index - 1]?.type as { _tag?: string } | undefined)?._tag;
    if (parentTag !== 'IntersectionType' && parentTag !== 'RefinementType') break;
    index -= 1;
  }
  return context[index]?.type.name ?? 'unknown';
}

/** A short, safe rendering of a received value for an error message. */
function preview(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) return `array(${value.length})`;
  return typeof value;
}
