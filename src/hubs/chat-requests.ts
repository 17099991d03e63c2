/**
 * The checks a chat hub makes before it invokes anything — the arguments of each method and the
 * size of the frame against the server's maximum message size — shared by `ChatHubClient` and the
 * `FakeChatHub` of `chat-client-rx/testing`, so both refuse the same calls with the same
 * `InvalidArgumentError`. Internal: not exported by any barrel.
 */
import {
  ChatAddReactionRequest,
  ChatDeleteMessageRequest,
  ChatEditMessageRequest,
  ChatRecoverMessageRequest,
  ChatRemoveReactionRequest,
  ChatSendMessageRequest,
} from '../codecs/index.js';
import { type IHubProtocol, type InvocationMessage, MessageType } from '@microsoft/signalr';
import { MAX_JSON_DEPTH } from '../codecs/json-depth.js';
import { typeFirst } from '../codecs/type-first.js';
import { InvalidArgumentError } from '../core/invalid-argument-error.js';
import { assertBody, assertId, assertMessageFields, assertSegmentValue } from '../core/validate.js';

/** How deep a hub argument may nest: the server's reader counts the invocation message and its `arguments` array too. */
const HUB_ARGUMENT_MAX_DEPTH = MAX_JSON_DEPTH - 2;

/** The frame limit of a chat hub: its `maxMessageBytes` and how it measures a frame. */
export interface FrameLimit {
  /** The largest invocation frame sent, in bytes (`Infinity`: no limit). */
  readonly maxMessageBytes: number;
  /** The size in bytes of the frame invoking `method` with `args`. */
  invocationBytes(method: string, args: readonly unknown[]): number;
}

/** The chat hub methods whose only argument is a conversation id. */
export type ConversationMethod = 'JoinConversation' | 'LeaveConversation' | 'StartTyping' | 'StopTyping';

/**
 * `maxMessageBytes` as given (`fallback` when undefined).
 *
 * @throws InvalidArgumentError (`options.maxMessageBytes`) unless it is a positive whole number or `Infinity`.
 */
export function checkMaxMessageBytes(max: number | undefined, fallback: number): number {
  const value = max ?? fallback;
  if (typeof value !== 'number' || !(value === Number.POSITIVE_INFINITY || (Number.isInteger(value) && value > 0))) {
    throw new InvalidArgumentError(
      'options.maxMessageBytes',
      `expected a positive whole number of bytes (or Infinity), got ${String(value)}`,
    );
  }
  return value;
}

/**
 * The size in bytes of the frame invoking `method` with `args`: the UTF-8 length of the JSON
 * protocol's invocation message (`$type` first in every block, as sent) plus its record
 * separator, counting a 10-digit invocation id, so it errs by a few bytes on the safe side.
 *
 * @example
 * ```ts
 * invocationFrameBytes('StartTyping', ['general']); // 86
 * ```
 */
export function invocationFrameBytes(method: string, args: readonly unknown[]): number {
  const frame = JSON.stringify({ target: method, arguments: args.map(typeFirst), invocationId: '0000000000', type: 1 });
  return utf8Length(frame) + 1;
}

/**
 * The size in bytes of the frame invoking `method` with `args` in a binary hub protocol
 * (MessagePack): measured with the protocol itself (`writeMessage`, length prefix included,
 * counting a 10-digit invocation id), so it is exact up to the id; the JSON estimate
 * ({@link invocationFrameBytes}) when the protocol cannot write it.
 */
export function protocolInvocationBytes(protocol: IHubProtocol, method: string, args: readonly unknown[]): number {
  try {
    const frame = protocol.writeMessage({
      type: MessageType.Invocation,
      headers: {},
      invocationId: '0000000000',
      target: method,
      arguments: args.map(typeFirst),
      streamIds: [],
    } as InvocationMessage);
    return typeof frame === 'string' ? utf8Length(frame) : frame.byteLength;
  } catch {
    return invocationFrameBytes(method, args);
  }
}

/**
 * Refuses, at once and without touching the connection, an invocation whose frame is larger than
 * the server reads: it would close the connection instead of failing the call.
 *
 * @throws InvalidArgumentError naming `argument` when the frame is over `limit.maxMessageBytes`.
 */
export function assertFits(limit: FrameLimit, method: string, args: readonly unknown[], argument = 'request'): void {
  if (limit.maxMessageBytes === Number.POSITIVE_INFINITY) return;
  const bytes = limit.invocationBytes(method, args);
  if (bytes > limit.maxMessageBytes) {
    throw new InvalidArgumentError(
      argument,
      `the ${method} invocation would be ${bytes} bytes, over the hub's maximum message size of ${limit.maxMessageBytes} bytes (maxMessageBytes; the server closes the connection on a larger message) — send it over REST instead`,
    );
  }
}

/** Checks a call whose only argument is `conversationId` (join, leave, typing). @throws InvalidArgumentError */
export function checkConversationCall(limit: FrameLimit, method: ConversationMethod, conversationId: string): void {
  assertId('conversationId', conversationId);
  assertFits(limit, method, [conversationId], 'conversationId');
}

/** Checks `SendMessage`'s request: its shape, conversation id, blocks and `clientMessageId`, and its frame. @throws InvalidArgumentError */
export function checkSendMessage(limit: FrameLimit, request: ChatSendMessageRequest): void {
  assertBody('request', ChatSendMessageRequest, request, HUB_ARGUMENT_MAX_DEPTH);
  assertId('request.conversationId', request.conversationId);
  assertMessageFields('request', request);
  assertFits(limit, 'SendMessage', [request]);
}

/** Checks `EditMessage`'s request: its shape, message id, `newBlocks`, and its frame. @throws InvalidArgumentError */
export function checkEditMessage(limit: FrameLimit, request: ChatEditMessageRequest): void {
  assertBody('request', ChatEditMessageRequest, request, HUB_ARGUMENT_MAX_DEPTH);
  assertId('request.messageId', request.messageId);
  assertMessageFields('request', request, 'newBlocks');
  assertFits(limit, 'EditMessage', [request]);
}

/** Checks `DeleteMessage`'s request. @throws InvalidArgumentError */
export function checkDeleteMessage(limit: FrameLimit, request: ChatDeleteMessageRequest): void {
  assertBody('request', ChatDeleteMessageRequest, request);
  assertId('request.messageId', request.messageId);
  assertFits(limit, 'DeleteMessage', [request]);
}

/** Checks `RecoverMessage`'s request. @throws InvalidArgumentError */
export function checkRecoverMessage(limit: FrameLimit, request: ChatRecoverMessageRequest): void {
  assertBody('request', ChatRecoverMessageRequest, request);
  assertId('request.messageId', request.messageId);
  assertFits(limit, 'RecoverMessage', [request]);
}

/** Checks `MarkAsRead`'s two ids. @throws InvalidArgumentError */
export function checkMarkAsRead(limit: FrameLimit, conversationId: string, messageId: string): void {
  assertId('conversationId', conversationId);
  assertId('messageId', messageId);
  assertFits(limit, 'MarkAsRead', [conversationId, messageId], 'messageId');
}

/** Checks `AddReaction`'s request: both ids and the emoji. @throws InvalidArgumentError */
export function checkAddReaction(limit: FrameLimit, request: ChatAddReactionRequest): void {
  assertBody('request', ChatAddReactionRequest, request);
  assertId('request.messageId', request.messageId);
  assertId('request.conversationId', request.conversationId);
  assertSegmentValue('request.emoji', request.emoji);
  assertFits(limit, 'AddReaction', [request]);
}

/** Checks `RemoveReaction`'s request: the message id and the emoji. @throws InvalidArgumentError */
export function checkRemoveReaction(limit: FrameLimit, request: ChatRemoveReactionRequest): void {
  assertBody('request', ChatRemoveReactionRequest, request);
  assertId('request.messageId', request.messageId);
  assertSegmentValue('request.emoji', request.emoji);
  assertFits(limit, 'RemoveReaction', [request]);
}

/** The UTF-8 byte length of a string (well-formed: `JSON.stringify` escapes lone surrogates). */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i += 1;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}
