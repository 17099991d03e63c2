/**
 * The SignalR MessagePack hub protocol (`messagepack`, versions 1 and 2): each message a
 * MessagePack array (`[1, headers, invocationId, target, arguments, streamIds]` and so on), framed
 * by a VarInt length prefix (7 bits a byte, least significant group first, at most 5 bytes).
 *
 * Spec: dotnet/aspnetcore `src/SignalR/docs/specs/HubProtocol.md`, "MessagePack (MsgPack) encoding".
 */
import { decode, encode, EXT_TIMESTAMP, ExtData, encodeTimeSpecToTimestamp } from '@msgpack/msgpack';
import { parseIsoDateTime } from '../../codecs/scalars.js';
import { errorMessages } from './error-messages.js';
import { MessageType, type HubMessage, type MessageHeaders } from './hub-protocol.js';
import { InvalidDataException } from './invalid-data-exception.js';

/** The protocol name of the handshake: `{"protocol":"messagepack","version":1}`. */
export const MESSAGEPACK_PROTOCOL_NAME = 'messagepack';
/** Highest `messagepack` version supported (2 adds Ack and Sequence, as for JSON). */
export const MESSAGEPACK_PROTOCOL_VERSION = 2;

/** Completion result kinds of the MessagePack layout `[3, headers, invocationId, resultKind, result?]`. */
const ResultKind = { Error: 1, Void: 2, NonVoid: 3 } as const;

/** The largest length a 5-byte VarInt prefix may carry (ASP.NET refuses more than 2 GB). */
const MAX_VARINT_LENGTH = 0x7fffffff;

/** The VarInt prefix of a `length`-byte message. */
export function varIntPrefix(length: number): Buffer {
  const bytes: number[] = [];
  let rest = length;
  do {
    let byte = rest & 0x7f;
    rest = Math.floor(rest / 128);
    if (rest > 0) byte |= 0x80;
    bytes.push(byte);
  } while (rest > 0);
  return Buffer.from(bytes);
}

/**
 * The timestamps the embedded gateway writes as strings (`…T…+00:00`, System.Text.Json's
 * `DateTimeOffset` form) in the members ASP.NET types `DateTimeOffset` (every DTO member whose
 * name ends in `At`): what ASP.NET's default MessagePack resolver writes for a `DateTimeOffset`,
 * a 2-element array `[timestamp (ext -1) of the local clock, offset in minutes]`.
 */
const DTO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,7})?\+00:00$/;

function dateTimeOffset(value: string): [ExtData, number] | undefined {
  const instant = parseIsoDateTime(value);
  if (instant === null) return undefined;
  const timestamp = encodeTimeSpecToTimestamp({ sec: instant.seconds, nsec: instant.nanoseconds });
  return [new ExtData(EXT_TIMESTAMP, timestamp), 0];
}

/** `value` with every `DateTimeOffset`-typed member (see {@link DTO_TIMESTAMP}) in ASP.NET's MessagePack form. */
export function toMessagePackValue(value: unknown, key?: string): unknown {
  if (typeof value === 'string') {
    if (key?.endsWith('At') && DTO_TIMESTAMP.test(value)) return dateTimeOffset(value) ?? value;
    return value;
  }
  if (Array.isArray(value)) return value.map((item) => toMessagePackValue(item));
  if (typeof value === 'object' && value !== null && !ArrayBuffer.isView(value)) {
    const result: Record<string, unknown> = {};
    for (const [name, member] of Object.entries(value)) {
      if (member !== undefined) result[name] = toMessagePackValue(member, name);
    }
    return result;
  }
  return value;
}

function layout(message: HubMessage): unknown[] {
  const headers = (m: { headers?: MessageHeaders }): MessageHeaders => m.headers ?? {};
  switch (message.type) {
    case MessageType.Invocation:
    case MessageType.StreamInvocation: {
      const args = message.arguments.map((arg) => toMessagePackValue(arg));
      const fields = [message.type, headers(message), message.invocationId ?? null, message.target, args];
      return message.streamIds === undefined ? fields : [...fields, message.streamIds];
    }
    case MessageType.StreamItem:
      return [message.type, headers(message), message.invocationId, toMessagePackValue(message.item)];
    case MessageType.Completion: {
      const start = [message.type, headers(message), message.invocationId];
      if (message.error !== undefined) return [...start, ResultKind.Error, message.error];
      if (!('result' in message) || message.result === undefined) return [...start, ResultKind.Void];
      return [...start, ResultKind.NonVoid, toMessagePackValue(message.result)];
    }
    case MessageType.CancelInvocation:
      return [message.type, headers(message), message.invocationId];
    case MessageType.Ping:
      return [message.type];
    case MessageType.Close:
      return [message.type, message.error ?? null, message.allowReconnect ?? false];
    case MessageType.Ack:
    case MessageType.Sequence:
      return [message.type, message.sequenceId];
  }
}

/** Serialises one message: VarInt length prefix, then the MessagePack array. Throws on unencodable values. */
export function serializeMessagePackMessage(message: HubMessage): Buffer {
  const body = encode(layout(message), { ignoreUndefined: true });
  return Buffer.concat([varIntPrefix(body.length), body]);
}

function field<T>(fields: readonly unknown[], index: number, name: string, check: (value: unknown) => value is T, kind: string): T {
  const value = fields[index];
  if (!check(value)) throw new InvalidDataException(`Reading '${name}' as ${kind} failed.`);
  return value;
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isStringOrNil = (value: unknown): value is string | null => value === null || typeof value === 'string';
const isArray = (value: unknown): value is unknown[] => Array.isArray(value);
const isInteger = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value);
const isMap = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);

function readHeaders(fields: readonly unknown[]): MessageHeaders | undefined {
  const value = field(fields, 1, 'headers', isMap, 'Map');
  const entries = Object.entries(value);
  if (entries.length === 0) return undefined;
  const headers: Record<string, string> = {};
  for (const [key, header] of entries) {
    if (typeof header !== 'string') throw new InvalidDataException(`Reading 'headers' value of '${key}' as String failed.`);
    headers[key] = header;
  }
  return headers;
}

function readStreamIds(fields: readonly unknown[], index: number): string[] | undefined {
  if (fields.length <= index) return undefined;
  const ids = field(fields, index, 'streamIds', isArray, 'Array');
  if (!ids.every(isString)) throw new InvalidDataException("Reading 'streamIds' as String failed.");
  return ids.length === 0 ? undefined : ids;
}

function withHeaders<T extends object>(message: T, headers: MessageHeaders | undefined): T {
  return headers === undefined ? message : { ...message, headers };
}

function readInvocation(fields: readonly unknown[], type: 1 | 4): HubMessage {
  const headers = readHeaders(fields);
  const id = field(fields, 2, 'invocationId', isStringOrNil, 'String');
  const target = field(fields, 3, 'target', isString, 'String');
  const args = field(fields, 4, 'arguments', isArray, 'Array');
  const streamIds = readStreamIds(fields, 5);
  const base = streamIds === undefined ? { target, arguments: args } : { target, arguments: args, streamIds };
  if (type === MessageType.StreamInvocation) {
    if (id === null || id === '') throw new InvalidDataException("Reading 'invocationId' as String failed.");
    return withHeaders({ type, invocationId: id, ...base }, headers);
  }
  return withHeaders(id === null || id === '' ? { type, ...base } : { type, invocationId: id, ...base }, headers);
}

function readCompletion(fields: readonly unknown[]): HubMessage {
  const headers = readHeaders(fields);
  const invocationId = field(fields, 2, 'invocationId', isString, 'String');
  const kind = field(fields, 3, 'resultKind', isInteger, 'Int32');
  const base = { type: MessageType.Completion, invocationId } as const;
  switch (kind) {
    case ResultKind.Error:
      return withHeaders({ ...base, error: field(fields, 4, 'error', isString, 'String') }, headers);
    case ResultKind.Void:
      return withHeaders(base, headers);
    case ResultKind.NonVoid:
      return withHeaders({ ...base, result: fields[4] ?? null }, headers);
    default:
      throw new InvalidDataException('Invalid invocation result kind.');
  }
}

/** Reads one decoded MessagePack message array into a hub message. Throws {@link InvalidDataException} when malformed. */
export function readMessagePackMessage(value: unknown): HubMessage {
  if (!Array.isArray(value) || value.length === 0) throw new InvalidDataException('Reading array length for message failed.');
  const type = field(value, 0, 'messageType', isInteger, 'Int32');
  switch (type) {
    case MessageType.Invocation:
    case MessageType.StreamInvocation:
      return readInvocation(value, type);
    case MessageType.StreamItem: {
      const headers = readHeaders(value);
      const invocationId = field(value, 2, 'invocationId', isString, 'String');
      return withHeaders({ type: MessageType.StreamItem, invocationId, item: value[3] ?? null }, headers);
    }
    case MessageType.Completion:
      return readCompletion(value);
    case MessageType.CancelInvocation:
      return withHeaders(
        { type: MessageType.CancelInvocation, invocationId: field(value, 2, 'invocationId', isString, 'String') },
        readHeaders(value),
      );
    case MessageType.Ping:
      return { type: MessageType.Ping };
    case MessageType.Close: {
      const error = field(value, 1, 'error', isStringOrNil, 'String');
      const allowReconnect = value.length > 2 && value[2] === true;
      return { type: MessageType.Close, ...(error === null ? {} : { error }), ...(allowReconnect ? { allowReconnect } : {}) };
    }
    case MessageType.Ack:
    case MessageType.Sequence:
      return { type, sequenceId: field(value, 1, 'sequenceId', isInteger, 'Int64') };
    default:
      throw new InvalidDataException(`Unknown message type: ${type}.`);
  }
}

/** Decodes and reads one frame body (without its prefix). */
export function parseMessagePackMessage(body: Uint8Array): HubMessage {
  let value: unknown;
  try {
    value = decode(body);
  } catch (error) {
    throw new InvalidDataException('Deserializing object of the `messagepack` message failed.', { cause: error });
  }
  return readMessagePackMessage(value);
}

/** What {@link BinaryFrameReader.push} found: complete message bodies, and the error that stopped reading, if any. */
export interface FrameReadResult {
  readonly frames: readonly Buffer[];
  readonly error?: InvalidDataException;
}

/**
 * Splits the incoming bytes into VarInt-prefixed frames: several may share a chunk and one may
 * span chunks. A frame longer than `maxMessageBytes` (prefix excluded, as ASP.NET counts) or a
 * prefix longer than 5 bytes is an error, after which nothing more is returned.
 */
export class BinaryFrameReader {
  private pending: Buffer = Buffer.alloc(0);
  private failed = false;

  constructor(private readonly maxMessageBytes: number) {}

  /** Feeds a chunk; returns the frame bodies it completed. */
  push(chunk: Buffer): FrameReadResult {
    if (this.failed) return { frames: [] };
    let data = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: Buffer[] = [];
    for (;;) {
      const header = readVarInt(data);
      if (header === 'invalid') return this.fail(frames, new InvalidDataException('Messages over 2GB in size are not supported.'));
      if (header === undefined) break;
      if (header.length > this.maxMessageBytes) {
        return this.fail(frames, new InvalidDataException(errorMessages.maximumMessageSize(this.maxMessageBytes)));
      }
      const end = header.prefixBytes + header.length;
      if (data.length < end) break;
      frames.push(Buffer.from(data.subarray(header.prefixBytes, end)));
      data = data.subarray(end);
    }
    this.pending = Buffer.from(data);
    return { frames };
  }

  private fail(frames: Buffer[], error: InvalidDataException): FrameReadResult {
    this.failed = true;
    this.pending = Buffer.alloc(0);
    return { frames, error };
  }
}

/** The length prefix at the start of `data`: undefined while incomplete, `'invalid'` past 5 bytes or 2 GB. */
export function readVarInt(data: Uint8Array): { length: number; prefixBytes: number } | undefined | 'invalid' {
  let length = 0;
  for (let index = 0; index < 5; index += 1) {
    const byte = data[index];
    if (byte === undefined) return undefined;
    length += (byte & 0x7f) * 2 ** (7 * index);
    if ((byte & 0x80) === 0) return length > MAX_VARINT_LENGTH ? 'invalid' : { length, prefixBytes: index + 1 };
  }
  return 'invalid';
}
