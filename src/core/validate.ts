/**
 * Synchronous argument checks shared by every layer (REST, hubs, timelines, the facade). Each throws an
 * {@link InvalidArgumentError} or {@link ArgumentRangeError} naming the argument, so a bad call
 * fails at the call site, before any Observable exists. Internal: not exported from the package.
 */
import { either } from 'fp-ts';
import type * as t from 'io-ts';
import { decodeWith } from '../codecs/decode-with.js';
import { MAX_JSON_DEPTH, pathBeyondDepth } from '../codecs/json-depth.js';
import { ArgumentRangeError, InvalidArgumentError } from './invalid-argument-error.js';

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value === '' ? 'an empty string' : `the string ${JSON.stringify(value.slice(0, 40))}`;
  return typeof value === 'number' ? `the number ${value}` : `a value of type ${typeof value}`;
}

/**
 * Asserts a non-empty, non-blank string id that is not `.` or `..`: an id fills one URL path
 * segment, and a dot-segment there would be resolved away by the URL (`DELETE /api/messages/..`
 * becomes `DELETE /api/`), sending the request to another route.
 */
export function assertId(argument: string, value: unknown): asserts value is string {
  if (typeof value !== 'string') throw new InvalidArgumentError(argument, `expected a non-empty string id, got ${describe(value)}`);
  if (value.trim() === '') throw new InvalidArgumentError(argument, 'expected a non-empty string id, got an empty or blank string');
  if (value === '.' || value === '..') {
    throw new InvalidArgumentError(
      argument,
      `expected an id, got the dot-segment ${JSON.stringify(value)}, which would change the request's route`,
    );
  }
}

/** Asserts an id, or `undefined`/`null` (an optional id field such as `replyToMessageId`). */
export function assertOptionalId(argument: string, value: unknown): asserts value is string | null | undefined {
  if (value === undefined || value === null) return;
  assertId(argument, value);
}

/**
 * Asserts a non-empty string that fills one URL path segment (an emoji in
 * `/api/messages/{id}/reactions/{emoji}`): `.` and `..` are refused, as they would change the route.
 */
export function assertSegmentValue(argument: string, value: unknown): asserts value is string {
  assertNonEmptyString(argument, value);
  if (value === '.' || value === '..') {
    throw new InvalidArgumentError(argument, `got the dot-segment ${JSON.stringify(value)}, which would change the request's route`);
  }
}

/**
 * The most characters (UTF-16 code units, JavaScript's and .NET's `length`) a text block's
 * `content` — and its `plainText` — may have: 100,000. Neither the seed SDK nor the gateway
 * names a limit; this one keeps a message whose text is `content` and `plainText` both well
 * under a gateway's 1 MB request body, even in 3-byte UTF-8 characters.
 */
export const MAX_TEXT_BLOCK_LENGTH = 100_000;

/** The most characters a `clientMessageId` may have: 128 (the seed SDK's and the gateway's limit). */
export const MAX_CLIENT_MESSAGE_ID_LENGTH = 128;

/**
 * Asserts the blocks of a message (already checked against the `Block` codec): at least one
 * block (a server refuses an empty message), and no text block whose `content` or `plainText` is
 * longer than {@link MAX_TEXT_BLOCK_LENGTH}. The failing block is named: `request.blocks[2].content`.
 */
export function assertMessageBlocks(argument: string, blocks: unknown): void {
  if (!Array.isArray(blocks)) throw new InvalidArgumentError(argument, `expected an array of blocks, got ${describe(blocks)}`);
  if (blocks.length === 0) throw new InvalidArgumentError(argument, 'a message needs at least one block, got an empty array');
  blocks.forEach((block: unknown, index) => {
    if (typeof block !== 'object' || block === null || (block as { $type?: unknown }).$type !== 'text') return;
    for (const field of ['content', 'plainText'] as const)
      assertTextLength(`${argument}[${index}].${field}`, (block as Record<string, unknown>)[field]);
  });
}

/** Asserts that a text (when it is a string) is at most {@link MAX_TEXT_BLOCK_LENGTH} characters long. */
export function assertTextLength(argument: string, text: unknown): void {
  if (typeof text === 'string' && text.length > MAX_TEXT_BLOCK_LENGTH) {
    throw new InvalidArgumentError(
      argument,
      `is ${text.length} characters long; a text block holds at most ${MAX_TEXT_BLOCK_LENGTH} (split the text into several messages)`,
    );
  }
}

/**
 * Asserts an optional `clientMessageId`: `undefined`/`null`, or a non-blank string of at most
 * {@link MAX_CLIENT_MESSAGE_ID_LENGTH} characters (an empty one would make every message sent
 * with it "the same message" to the server's de-duplication).
 */
export function assertOptionalClientMessageId(argument: string, value: unknown): asserts value is string | null | undefined {
  if (value === undefined || value === null) return;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidArgumentError(
      argument,
      `expected a non-empty string of at most ${MAX_CLIENT_MESSAGE_ID_LENGTH} characters, got ${describe(value)}`,
    );
  }
  if (value.length > MAX_CLIENT_MESSAGE_ID_LENGTH) {
    throw new InvalidArgumentError(
      argument,
      `is ${value.length} characters long; a Chat Gateway accepts at most ${MAX_CLIENT_MESSAGE_ID_LENGTH}`,
    );
  }
}

/**
 * Asserts what a message request (REST send/edit, hub SendMessage/EditMessage, already checked
 * against its codec) carries beyond its shape: its blocks (at `blocksKey`, see
 * {@link assertMessageBlocks}), and, when present, `clientMessageId` and `replyToMessageId`.
 */
export function assertMessageFields(argument: string, request: object, blocksKey: 'blocks' | 'newBlocks' = 'blocks'): void {
  const fields = request as Record<string, unknown>;
  assertMessageBlocks(`${argument}.${blocksKey}`, fields[blocksKey]);
  assertOptionalClientMessageId(`${argument}.clientMessageId`, fields.clientMessageId);
  assertOptionalId(`${argument}.replyToMessageId`, fields.replyToMessageId);
}

/** Asserts a non-empty string (search text, emoji, file name…). */
export function assertNonEmptyString(argument: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value === '') {
    throw new InvalidArgumentError(argument, `expected a non-empty string, got ${describe(value)}`);
  }
}

/** Asserts a string (possibly empty). */
export function assertString(argument: string, value: unknown): asserts value is string {
  if (typeof value !== 'string') throw new InvalidArgumentError(argument, `expected a string, got ${describe(value)}`);
}

/** Asserts an array of non-empty string ids. */
export function assertIdArray(argument: string, value: unknown): asserts value is readonly string[] {
  if (!Array.isArray(value)) throw new InvalidArgumentError(argument, `expected an array of ids, got ${describe(value)}`);
  value.forEach((id, index) => assertId(`${argument}[${index}]`, id));
}

/** Asserts an optional whole number ≥ `min` (limits, pages, page sizes). */
export function assertOptionalInteger(argument: string, value: unknown, min = 1): asserts value is number | undefined {
  if (value === undefined) return;
  if (typeof value !== 'number') throw new InvalidArgumentError(argument, `expected a whole number ≥ ${min}, got ${describe(value)}`);
  if (!Number.isInteger(value) || value < min) {
    throw new ArgumentRangeError(argument, `expected a whole number ≥ ${min}, got ${value}`);
  }
}

/** Asserts an optional opaque cursor: a non-empty string, never a number. */
export function assertOptionalCursor(argument: string, value: unknown): asserts value is string | null | undefined {
  if (value === undefined || value === null) return;
  if (typeof value === 'number' || typeof value === 'bigint') {
    throw new InvalidArgumentError(
      argument,
      'cursors are opaque strings like "<UnixMs>_<ULID>"; pass nextCursor exactly as received (a number loses precision)',
    );
  }
  if (typeof value !== 'string' || value === '') {
    throw new InvalidArgumentError(argument, `expected an opaque cursor string, got ${describe(value)}`);
  }
}

/** Asserts an optional options object (a plain object, not an array or a primitive). */
export function assertOptionalObject(argument: string, value: unknown): asserts value is object | undefined {
  if (value === undefined) return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError(argument, `expected an options object, got ${describe(value)}`);
  }
}

/** Asserts one of the listed string values (or undefined when `optional`). */
export function assertOneOf<V extends string>(argument: string, value: unknown, allowed: readonly V[]): asserts value is V | undefined {
  if (value === undefined) return;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(argument, `expected one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describe(value)}`);
  }
}

const URL_SAFE_TOKEN = /^[A-Za-z0-9._~-]+$/;

/** Asserts a URL-safe token (login provider, proxied service name): letters, digits, `. _ ~ -`. */
export function assertUrlSafeToken(argument: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || !URL_SAFE_TOKEN.test(value) || value === '.' || value === '..') {
    throw new InvalidArgumentError(argument, `expected a URL-safe name (letters, digits, ".", "_", "~", "-"), got ${describe(value)}`);
  }
}

/**
 * Asserts a multi-segment path (storage key, proxied path) with no empty, `.` or `..` segment,
 * so it cannot climb out of its route. `allowEmpty` accepts `''` (the proxied service's root).
 */
export function assertSafeSegments(argument: string, value: unknown, allowEmpty = false): asserts value is string {
  if (typeof value !== 'string') throw new InvalidArgumentError(argument, `expected a string, got ${describe(value)}`);
  if (value === '') {
    if (allowEmpty) return;
    throw new InvalidArgumentError(argument, 'expected a non-empty path');
  }
  if (value.includes('\\') || /[\u0000-\u001f]/.test(value)) {
    throw new InvalidArgumentError(argument, `"${value}" has a backslash or a control character`);
  }
  for (const segment of value.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') {
      throw new InvalidArgumentError(argument, `"${value}" has an empty, "." or ".." segment`);
    }
    // A percent-encoded dot-segment or separator (`%2e%2e`, `%2F`, `%5C`) would become one after
    // decoding on some server or proxy along the way: refused too.
    const decoded = fullyDecoded(segment);
    if (decoded === '.' || decoded === '..' || decoded.includes('/') || decoded.includes('\\')) {
      throw new InvalidArgumentError(argument, `"${value}" has an encoded ".", ".." or path separator in a segment`);
    }
  }
}

/** Percent-decodes until nothing changes (at most a few rounds); undecodable text stays as is. */
function fullyDecoded(segment: string): string {
  let current = segment;
  for (let i = 0; i < 4 && current.includes('%'); i++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return current;
    }
    if (next === current) break;
    current = next;
  }
  return current;
}

/** Asserts optional HTTP headers: names are RFC 9110 tokens, values have no CR, LF or NUL (no header injection). */
export function assertOptionalHeaders(argument: string, value: unknown): asserts value is Readonly<Record<string, string>> | undefined {
  if (value === undefined) return;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InvalidArgumentError(argument, `expected an object of header names to values, got ${describe(value)}`);
  for (const [name, headerValue] of Object.entries(value)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new InvalidArgumentError(`${argument}.${name}`, 'is not a valid header name');
    if (typeof headerValue !== 'string')
      throw new InvalidArgumentError(`${argument}.${name}`, `expected a string, got ${describe(headerValue)}`);
    if (/[\r\n\u0000]/.test(headerValue))
      throw new InvalidArgumentError(`${argument}.${name}`, 'has a CR, LF or NUL character (header injection)');
  }
}

/**
 * Asserts a request body that matches `codec` (the io-ts request codec), naming every failing
 * path, and nested no deeper than a Chat Gateway reads (`maxDepth`: {@link MAX_JSON_DEPTH} for a
 * REST body, 2 less for a hub argument, which sits inside the invocation message).
 */
export function assertBody<C extends t.Any>(
  argument: string,
  codec: C,
  value: unknown,
  maxDepth = MAX_JSON_DEPTH,
): asserts value is t.TypeOf<C> {
  const deep = pathBeyondDepth(value, maxDepth);
  if (deep !== null) {
    const at = `${argument}${deep.slice(1)}`;
    throw new InvalidArgumentError(
      argument,
      `is nested deeper than ${maxDepth} levels (at ${at.length > 80 ? `${at.slice(0, 80)}…` : at}), which a Chat Gateway (System.Text.Json) refuses to read`,
    );
  }
  const result = decodeWith(codec)(value);
  if (either.isLeft(result)) {
    const issues = result.left.issues
      .slice(0, 5)
      .map((issue) => `${issue.path === '' ? '<root>' : `${argument}.${issue.path}`}: expected ${issue.expected}`)
      .join('; ');
    throw new InvalidArgumentError(argument, `does not match ${codec.name}: ${issues}`, { cause: result.left });
  }
}
