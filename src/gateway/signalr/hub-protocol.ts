/**
 * The SignalR JSON hub protocol (`json`, versions 1 and 2): record-separator framing, the nine
 * message types, parsing with ASP.NET's validation texts, serialisation, and the handshake.
 *
 * Spec: dotnet/aspnetcore `src/SignalR/docs/specs/HubProtocol.md` and `TransportProtocols.md`.
 */
import { errorMessages } from './error-messages.js';
import { pathBeyondDepth } from '../../codecs/json-depth.js';
import { InvalidDataException } from './invalid-data-exception.js';

/** Ends every JSON record, handshake included (ASCII "record separator", 0x1E). */
export const RECORD_SEPARATOR = '\u001e';
/** {@link RECORD_SEPARATOR} as a byte. */
export const RECORD_SEPARATOR_CODE = 0x1e;

/** The JSON hub protocol's handshake name. */
export const JSON_PROTOCOL_NAME = 'json';
/** Highest `json` protocol version supported (2 adds Ack and Sequence for stateful reconnect). */
export const JSON_PROTOCOL_VERSION = 2;

/** Hub message type codes. */
export const MessageType = {
  Invocation: 1,
  StreamItem: 2,
  Completion: 3,
  StreamInvocation: 4,
  CancelInvocation: 5,
  Ping: 6,
  Close: 7,
  Ack: 8,
  Sequence: 9,
} as const;

/** One of the {@link MessageType} codes. */
export type MessageTypeCode = (typeof MessageType)[keyof typeof MessageType];

/** Optional string headers that any invocation-like message may carry. */
export type MessageHeaders = Readonly<Record<string, string>>;

/** Type 1: call a method; without `invocationId` no Completion is expected. */
export interface InvocationMessage {
  readonly type: typeof MessageType.Invocation;
  readonly invocationId?: string;
  readonly target: string;
  readonly arguments: readonly unknown[];
  readonly streamIds?: readonly string[];
  readonly headers?: MessageHeaders;
}

/** Type 2: one item of a stream. */
export interface StreamItemMessage {
  readonly type: typeof MessageType.StreamItem;
  readonly invocationId: string;
  readonly item: unknown;
  readonly headers?: MessageHeaders;
}

/** Type 3: the end of an invocation; `result` and `error` are mutually exclusive, neither means void. */
export interface CompletionMessage {
  readonly type: typeof MessageType.Completion;
  readonly invocationId: string;
  readonly result?: unknown;
  readonly error?: string;
  readonly headers?: MessageHeaders;
}

/** Type 4: call a streaming method. */
export interface StreamInvocationMessage {
  readonly type: typeof MessageType.StreamInvocation;
  readonly invocationId: string;
  readonly target: string;
  readonly arguments: readonly unknown[];
  readonly streamIds?: readonly string[];
  readonly headers?: MessageHeaders;
}

/** Type 5: cancel a stream. */
export interface CancelInvocationMessage {
  readonly type: typeof MessageType.CancelInvocation;
  readonly invocationId: string;
  readonly headers?: MessageHeaders;
}

/** Type 6: keep-alive. */
export interface PingMessage {
  readonly type: typeof MessageType.Ping;
}

/** Type 7: the sender is closing the connection. */
export interface CloseMessage {
  readonly type: typeof MessageType.Close;
  readonly error?: string;
  readonly allowReconnect?: boolean;
}

/** Type 8 (protocol v2): every numbered message up to `sequenceId` was received. */
export interface AckMessage {
  readonly type: typeof MessageType.Ack;
  readonly sequenceId: number;
}

/** Type 9 (protocol v2): the next numbered message has id `sequenceId` (sent first after a resume). */
export interface SequenceMessage {
  readonly type: typeof MessageType.Sequence;
  readonly sequenceId: number;
}

/** Any hub message. */
export type HubMessage =
  | InvocationMessage
  | StreamItemMessage
  | CompletionMessage
  | StreamInvocationMessage
  | CancelInvocationMessage
  | PingMessage
  | CloseMessage
  | AckMessage
  | SequenceMessage;

/** The messages that stateful reconnect numbers, buffers and acks (types 1 to 5). */
export type SequencedMessage =
  | InvocationMessage
  | StreamItemMessage
  | CompletionMessage
  | StreamInvocationMessage
  | CancelInvocationMessage;

/** True for the message types 1 to 5, the only ones stateful reconnect numbers. */
export function isSequencedMessage(message: HubMessage): message is SequencedMessage {
  return message.type >= MessageType.Invocation && message.type <= MessageType.CancelInvocation;
}

/** The client's first record: `{"protocol":"json","version":1}`. */
export interface HandshakeRequest {
  readonly protocol: string;
  readonly version: number;
}

/** Serialises one message as a JSON record, record separator included. Throws on unserialisable values (BigInt, cycles). */
export function serializeMessage(message: HubMessage): string {
  return JSON.stringify(message) + RECORD_SEPARATOR;
}

/** The handshake answer: `{}` on success, `{"error":"…"}` otherwise, record separator included. */
export function serializeHandshakeResponse(error?: string): string {
  return (error === undefined ? '{}' : JSON.stringify({ error })) + RECORD_SEPARATOR;
}

/** A parsed JSON object. `Record<string, unknown>` is the JSON boundary; every field is checked before use. */
type JsonObject = Record<string, unknown>;

function parseJsonObject(text: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidDataException('Error reading JSON.', { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidDataException(`Unexpected JSON Token Type '${jsonTokenName(value)}'. Expected a JSON Object.`);
  }
  // ASP.NET reads the whole message with System.Text.Json's 64-level limit: a deeper one is unreadable.
  if (pathBeyondDepth(value) !== null) throw new InvalidDataException('Error reading JSON.');
  return value as JsonObject;
}

function jsonTokenName(value: unknown): string {
  if (Array.isArray(value)) return 'StartArray';
  if (value === null) return 'Null';
  switch (typeof value) {
    case 'string':
      return 'String';
    case 'number':
      return 'Number';
    case 'boolean':
      return value ? 'True' : 'False';
    default:
      return 'None';
  }
}

function optionalString(json: JsonObject, name: string): string | undefined {
  const value = json[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new InvalidDataException(`Expected '${name}' to be of type String.`);
  return value;
}

function requiredString(json: JsonObject, name: string): string {
  const value = optionalString(json, name);
  if (value === undefined || value === '') throw new InvalidDataException(`Missing required property '${name}'.`);
  return value;
}

function optionalStringArray(json: JsonObject, name: string): string[] | undefined {
  const value = json[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new InvalidDataException(`Expected '${name}' to be of type Array.`);
  return value.map((item: unknown) => {
    if (typeof item !== 'string') throw new InvalidDataException(`Null value for '${name}' is not valid.`);
    return item;
  });
}

function requiredArguments(json: JsonObject): unknown[] {
  const value = json.arguments;
  if (value === undefined) throw new InvalidDataException("Missing required property 'arguments'.");
  if (!Array.isArray(value)) throw new InvalidDataException("Expected 'arguments' to be of type Array.");
  return value as unknown[];
}

function optionalHeaders(json: JsonObject): MessageHeaders | undefined {
  const value = json.headers;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidDataException("Expected 'headers' to be of type StartObject.");
  }
  const headers: Record<string, string> = {};
  for (const [key, header] of Object.entries(value as JsonObject)) {
    if (typeof header !== 'string') throw new InvalidDataException(`Expected header '${key}' to be of type String.`);
    headers[key] = header;
  }
  return headers;
}

function requiredSequenceId(json: JsonObject): number {
  const value = json.sequenceId;
  if (value === undefined || value === null) throw new InvalidDataException("Missing required property 'sequenceId'.");
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new InvalidDataException("Expected 'sequenceId' to be of type Number.");
  }
  return value;
}

/** Adds `key: value` to `target` only when `value` is defined (exactOptionalPropertyTypes-friendly). */
function withOptional<T extends object, K extends string, V>(target: T, key: K, value: V | undefined): T & { [P in K]?: V } {
  if (value !== undefined) (target as Record<string, unknown>)[key] = value;
  return target as T & { [P in K]?: V };
}

/**
 * Parses one record (without its separator) into a hub message, validating it the way
 * ASP.NET's `JsonHubProtocol` does. Throws {@link InvalidDataException} with ASP.NET's wording
 * for malformed input, and for unknown message types.
 */
export function parseMessage(text: string): HubMessage {
  const json = parseJsonObject(text);
  const type = json.type;
  if (type === undefined || type === null) throw new InvalidDataException("Missing required property 'type'.");
  if (typeof type !== 'number' || !Number.isInteger(type)) {
    throw new InvalidDataException("Expected 'type' to be of type Number.");
  }
  switch (type) {
    case MessageType.Invocation: {
      const invocationId = optionalString(json, 'invocationId');
      const message = {
        type: MessageType.Invocation,
        target: requiredString(json, 'target'),
        arguments: requiredArguments(json),
      };
      withOptional(message, 'invocationId', invocationId === '' ? undefined : invocationId);
      withOptional(message, 'streamIds', optionalStringArray(json, 'streamIds'));
      return withOptional(message, 'headers', optionalHeaders(json));
    }
    case MessageType.StreamInvocation: {
      const message = {
        type: MessageType.StreamInvocation,
        invocationId: requiredString(json, 'invocationId'),
        target: requiredString(json, 'target'),
        arguments: requiredArguments(json),
      };
      withOptional(message, 'streamIds', optionalStringArray(json, 'streamIds'));
      return withOptional(message, 'headers', optionalHeaders(json));
    }
    case MessageType.StreamItem: {
      const invocationId = requiredString(json, 'invocationId');
      if (!('item' in json)) throw new InvalidDataException("Missing required property 'item'.");
      const message = { type: MessageType.StreamItem, invocationId, item: json.item };
      return withOptional(message, 'headers', optionalHeaders(json));
    }
    case MessageType.Completion: {
      const invocationId = requiredString(json, 'invocationId');
      const error = optionalString(json, 'error');
      const hasResult = 'result' in json;
      if (error !== undefined && hasResult) {
        throw new InvalidDataException("The 'error' and 'result' properties are mutually exclusive.");
      }
      const message = { type: MessageType.Completion, invocationId };
      withOptional(message, 'error', error);
      withOptional(message, 'result', hasResult ? json.result : undefined);
      return withOptional(message, 'headers', optionalHeaders(json));
    }
    case MessageType.CancelInvocation: {
      const message = { type: MessageType.CancelInvocation, invocationId: requiredString(json, 'invocationId') };
      return withOptional(message, 'headers', optionalHeaders(json));
    }
    case MessageType.Ping:
      return { type: MessageType.Ping };
    case MessageType.Close: {
      const allowReconnect = json.allowReconnect;
      if (allowReconnect !== undefined && typeof allowReconnect !== 'boolean') {
        throw new InvalidDataException("Expected 'allowReconnect' to be of type Boolean.");
      }
      const message = { type: MessageType.Close };
      withOptional(message, 'error', optionalString(json, 'error'));
      return withOptional(message, 'allowReconnect', allowReconnect);
    }
    case MessageType.Ack:
      return { type: MessageType.Ack, sequenceId: requiredSequenceId(json) };
    case MessageType.Sequence:
      return { type: MessageType.Sequence, sequenceId: requiredSequenceId(json) };
    default:
      throw new InvalidDataException(`Unknown message type: ${type}.`);
  }
}

/** Parses the handshake record (without its separator). Throws {@link InvalidDataException} when malformed. */
export function parseHandshakeRequest(text: string): HandshakeRequest {
  const json = parseJsonObject(text);
  const protocol = json.protocol;
  const version = json.version;
  if (protocol === undefined || protocol === null) {
    throw new InvalidDataException(`Missing required property 'protocol'. Message content: ${text}`);
  }
  if (typeof protocol !== 'string') throw new InvalidDataException("Expected 'protocol' to be of type String.");
  if (version === undefined || version === null) {
    throw new InvalidDataException(`Missing required property 'version'. Message content: ${text}`);
  }
  if (typeof version !== 'number' || !Number.isInteger(version)) {
    throw new InvalidDataException("Expected 'version' to be of type Number.");
  }
  return { protocol, version };
}

/** What {@link RecordReader.push} found: the complete records, and the size error that stopped reading, if any. */
export interface RecordReadResult {
  readonly records: readonly string[];
  readonly error?: InvalidDataException;
}

/**
 * Splits the incoming byte stream into records: several records may share a frame and one
 * record may span frames (the tail is buffered). A record longer than `maxRecordBytes`
 * (separator included, like ASP.NET's sliding window) is an error; once it happened the reader
 * returns nothing more.
 */
export class RecordReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private failed = false;

  constructor(private readonly maxRecordBytes: number) {}

  /** Feeds a chunk; returns the records it completed (decoded as UTF-8, separators removed). */
  push(chunk: Buffer): RecordReadResult {
    if (this.failed) return { records: [] };
    const records: string[] = [];
    let start = 0;
    for (;;) {
      const end = chunk.indexOf(RECORD_SEPARATOR_CODE, start);
      if (end === -1) break;
      if (this.pendingBytes + (end - start) + 1 > this.maxRecordBytes) return this.fail(records);
      const part = chunk.subarray(start, end);
      const record = this.pending.length === 0 ? part : Buffer.concat([...this.pending, part]);
      this.pending = [];
      this.pendingBytes = 0;
      records.push(record.toString('utf8'));
      start = end + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      if (this.pendingBytes + rest.length >= this.maxRecordBytes) return this.fail(records);
      this.pending.push(Buffer.from(rest));
      this.pendingBytes += rest.length;
    }
    return { records };
  }

  /**
   * Like {@link RecordReader.push}, but stops after the first record (the handshake): the bytes
   * after it are returned unread as `rest`, for the protocol the handshake chose.
   */
  pushFirst(chunk: Buffer): RecordReadResult & { readonly rest: Buffer } {
    const end = chunk.indexOf(RECORD_SEPARATOR_CODE);
    if (end === -1) return { ...this.push(chunk), rest: Buffer.alloc(0) };
    return { ...this.push(chunk.subarray(0, end + 1)), rest: chunk.subarray(end + 1) };
  }

  private fail(records: string[]): RecordReadResult {
    this.failed = true;
    this.pending = [];
    this.pendingBytes = 0;
    return { records, error: new InvalidDataException(errorMessages.maximumMessageSize(this.maxRecordBytes)) };
  }
}
