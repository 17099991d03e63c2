/**
 * The seed SDK's `ChatHubClient` (`client.realtime.chat`) over the reactive chat hub.
 */
import type { ChatHubEventMap as RxChatHubEventMap } from '../codecs/index.js';
import { type ChatHub, createChatHubClient, type ChatHubClientOptions as ReactiveChatHubClientOptions } from '../hubs/index.js';
import { InvalidArgumentError } from '../core/index.js';
import { CompatHubBase, type ConnectionLifecycleEventMap, type WrapHubOptions } from './hub-base.js';
import { toVoidPromise } from './promise.js';
import { chatHubEventShapes, seedShapes as S } from './to-seed.js';
import { consoleLogger } from './typed-event-emitter.js';
import type {
  ChatAddReactionRequest,
  ChatDeleteMessageRequest,
  ChatEditMessageRequest,
  ChatHubServerEventMap,
  ChatRecoverMessageRequest,
  ChatRemoveReactionRequest,
  ChatSendMessageRequest,
  DeleteMessageAck,
  EditMessageAck,
  MarkAsReadAck,
  ReactionAck,
  RecoverMessageAck,
  SendMessageAck,
} from './types-hubs.js';

/**
 * Every event of `ChatHubClient.on`: the chat hub's server events (payloads as the seed types
 * them) and the connection lifecycle (`reconnecting`, `reconnected`, `disconnected`).
 *
 * @example
 * ```ts
 * const handler = (msg: ChatHubEventMap['messageReceived']) => render(msg);
 * ```
 */
export type ChatHubEventMap = ChatHubServerEventMap & ConnectionLifecycleEventMap;

/**
 * Options of a standalone `ChatHubClient`: the full hub URL (ending in `/hubs/chat`), where the
 * token comes from, SignalR's log level — plus, optionally, the reactive hub's settings
 * (`reconnectDelays`, `maxReconnectAttempts`, `logger`, `maxMessageBytes`, …).
 *
 * @example
 * ```ts
 * const options: ChatHubClientOptions = { hubUrl: 'https://chat-api.example.com/hubs/chat', tokenProvider: () => localStorage.getItem('jwt') };
 * ```
 */
export interface ChatHubClientOptions extends Omit<ReactiveChatHubClientOptions, 'url' | 'accessTokenFactory'> {
  /** The hub's absolute URL, `/hubs/chat` included. */
  readonly hubUrl: string;
  /** Gives the token, read on every connection attempt. @default no token */
  readonly tokenProvider?: () => string | null | undefined | Promise<string | null | undefined>;
}

function isChatHubOptions(source: ChatHubClientOptions | ChatHub): source is ChatHubClientOptions {
  return typeof (source as { hubUrl?: unknown }).hubUrl === 'string';
}

/** The reactive hub for seed-style options. */
function reactiveChatHub(options: ChatHubClientOptions): ChatHub {
  const { hubUrl, tokenProvider, logger = consoleLogger, ...rest } = options;
  if (hubUrl === '')
    throw new InvalidArgumentError('options.hubUrl', 'expected the hub\'s absolute URL, e.g. "https://chat-api.example.com/hubs/chat"');
  return createChatHubClient({
    ...rest,
    logger,
    url: hubUrl,
    ...(tokenProvider !== undefined ? { accessTokenFactory: tokenProvider } : {}),
  });
}

/**
 * The chat hub (`/hubs/chat`): join conversations, send and edit over SignalR, and listen with
 * `on(event, handler)`. Reconnects by itself (2 s / 5 s / 10 s, then 10 s, up to 20 attempts) and
 * joins the tracked conversations again after a reconnect. Every method returns a Promise; a hub
 * method's ack is the resolved value even when `success` is false.
 *
 * @example
 * ```ts
 * const chat = new ChatHubClient({ hubUrl: 'https://chat-api.example.com/hubs/chat', tokenProvider });
 * await chat.connect();
 * await chat.joinConversation('conv-id');
 * const unsub = chat.on('messageReceived', (msg) => console.log(msg.plainTextContent));
 * const ack = await chat.sendMessage({ conversationId: 'conv-id', blocks: [{ $type: 'text', format: 'Plain', content: 'Hi', plainText: 'Hi' }] });
 * ```
 */
export class ChatHubClient extends CompatHubBase<ChatHubServerEventMap, RxChatHubEventMap, ChatHub> {
  /**
   * @param source - the seed's options (a standalone hub), or a reactive chat hub to wrap
   * (`createChatClient(…).realtime.chat`, or a fake of `chat-client-rx/testing`).
   * @param options - for a wrapped hub: where throwing handlers and undeliverable payloads are reported.
   */
  constructor(source: ChatHubClientOptions | ChatHub, options: WrapHubOptions = {}) {
    const standalone = isChatHubOptions(source);
    super(
      standalone ? reactiveChatHub(source) : source,
      standalone && source.logger !== undefined ? { logger: source.logger } : options,
      chatHubEventShapes,
    );
  }

  /** The conversations joined (re-joined after reconnects), as a new `Set` each read: changing it changes nothing. */
  get joinedConversations(): Set<string> {
    return new Set(this.rx.joinedConversations);
  }

  /** Joins every tracked conversation again (done by itself after a reconnect). */
  rejoinConversations(): Promise<void> {
    return toVoidPromise(() => this.rx.rejoinConversations());
  }

  /** Joins a conversation: its events start arriving; tracked for re-joining. */
  joinConversation(conversationId: string): Promise<void> {
    return toVoidPromise(() => this.rx.joinConversation(conversationId));
  }

  /** Leaves a conversation and stops tracking it. */
  leaveConversation(conversationId: string): Promise<void> {
    return toVoidPromise(() => this.rx.leaveConversation(conversationId));
  }

  /** Sends a message; resolves with the ack (`success`, `messageId` or `errorCode`/`errorMessage`). */
  sendMessage(request: ChatSendMessageRequest): Promise<SendMessageAck> {
    return this.view.ack(S.SendMessageAck, () => this.rx.sendMessage(request));
  }

  /** Edits a message (`{ messageId, newBlocks, newMentions }`). */
  editMessage(request: ChatEditMessageRequest): Promise<EditMessageAck> {
    return this.view.ack(S.EditMessageAck, () => this.rx.editMessage(request));
  }

  /** Deletes a message (`{ messageId }`, an object). */
  deleteMessage(request: ChatDeleteMessageRequest): Promise<DeleteMessageAck> {
    return this.view.ack(S.DeleteMessageAck, () => this.rx.deleteMessage(request));
  }

  /** Recovers a deleted message (within 10 minutes). */
  recoverMessage(request: ChatRecoverMessageRequest): Promise<RecoverMessageAck> {
    return this.view.ack(S.RecoverMessageAck, () => this.rx.recoverMessage(request));
  }

  /** Tells the others the user is typing. */
  startTyping(conversationId: string): Promise<void> {
    return toVoidPromise(() => this.rx.startTyping(conversationId));
  }

  /** Tells the others the user stopped typing. */
  stopTyping(conversationId: string): Promise<void> {
    return toVoidPromise(() => this.rx.stopTyping(conversationId));
  }

  /** Marks the conversation read up to `messageId`. */
  markAsRead(conversationId: string, messageId: string): Promise<MarkAsReadAck> {
    return this.view.ack(S.MarkAsReadAck, () => this.rx.markAsRead(conversationId, messageId));
  }

  /** Adds a reaction (`{ messageId, conversationId, emoji }`). */
  addReaction(request: ChatAddReactionRequest): Promise<ReactionAck> {
    return this.view.ack(S.ReactionAck, () => this.rx.addReaction(request));
  }

  /** Removes a reaction (`{ messageId, emoji }`). */
  removeReaction(request: ChatRemoveReactionRequest): Promise<ReactionAck> {
    return this.view.ack(S.ReactionAck, () => this.rx.removeReaction(request));
  }
}
