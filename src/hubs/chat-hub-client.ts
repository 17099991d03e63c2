import type { Observable } from 'rxjs';
import {
  type ChatAddReactionRequest,
  type ChatDeleteMessageRequest,
  type ChatEditMessageRequest,
  ChatHubEvents,
  type ChatRecoverMessageRequest,
  type ChatRemoveReactionRequest,
  type ChatSendMessageRequest,
  DeleteMessageAck,
  EditMessageAck,
  MarkAsReadAck,
  ReactionAck,
  RecoverMessageAck,
  SendMessageAck,
} from '../codecs/index.js';
import {
  checkAddReaction,
  checkConversationCall,
  checkDeleteMessage,
  checkEditMessage,
  checkMarkAsRead,
  checkMaxMessageBytes,
  checkRecoverMessage,
  checkRemoveReaction,
  checkSendMessage,
  invocationFrameBytes,
  protocolInvocationBytes,
} from './chat-requests.js';
import { ConversationJoins } from './conversation-joins.js';
import { HubClient, type HubClientOptions } from './hub-client.js';
import type { HubSession } from './hub-state.js';
import type { ChatHub, RejoinedEvent } from './ports.js';

export type { RejoinedEvent } from './ports.js';

/**
 * The default of `maxMessageBytes`: 32 KB, ASP.NET Core SignalR's default
 * `MaximumReceiveMessageSize` (the embedded gateway enforces the same).
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 32_768;

/** Options of a {@link ChatHubClient}: the shared hub options; `url` ends in `/hubs/chat`. */
export interface ChatHubClientOptions extends HubClientOptions {
  /**
   * The largest message the server reads (its `MaximumReceiveMessageSize`), in bytes. A server
   * that receives a bigger one closes the connection — every conversation re-joins, gap recovery
   * runs, bot streams under way are cut off — so an invocation whose frame would be bigger is
   * refused at once with an `InvalidArgumentError` instead, and `timeline.send` sends such a
   * message over REST. Measured as the UTF-8 byte length of the JSON protocol frame the client
   * would send (the invocation message and its record separator; with MessagePack, the binary frame
   * the protocol writes, measured with it).
   * Set it to the server's value if that was raised; `Infinity` turns the check off.
   * @default 32768
   */
  readonly maxMessageBytes?: number;
}

/**
 * The chat hub (`/hubs/chat`) as Observables. Every event is hot (`on('messageReceived')`), every
 * invocation cold; the conversations joined are tracked in `joinedConversations$` and joined
 * again after every reconnect that lost them (a new connection id). A re-join that fails (the user
 * was removed, say) is reported on `errors$` (kind `rejoin`) and that conversation is dropped,
 * without blocking the others.
 *
 * @example
 * ```ts
 * const chat = new ChatHubClient({ url: `${baseUrl}/hubs/chat`, accessTokenFactory: () => token });
 * chat.on('messageReceived').subscribe((message) => render(message));
 * chat.connect().pipe(concatWith(chat.joinConversation(conversationId))).subscribe();
 * ```
 */
export class ChatHubClient extends HubClient<typeof ChatHubEvents> implements ChatHub {
  /** Replays the ids of the conversations this client has joined (and will re-join). */
  readonly joinedConversations$: Observable<ReadonlySet<string>>;
  /**
   * Emits after the conversations were joined again following a reconnect with a new connection
   * id (those that failed are already dropped): the moment to fetch what was missed. Hot.
   */
  readonly rejoined$: Observable<RejoinedEvent>;
  /** The largest invocation frame sent, in bytes (see `ChatHubClientOptions.maxMessageBytes`). */
  readonly maxMessageBytes: number;
  private readonly joins: ConversationJoins;

  /** @throws InvalidArgumentError for a `maxMessageBytes` that is not a positive whole number (or `Infinity`). */
  constructor(options: ChatHubClientOptions) {
    super('chat', ChatHubEvents, options);
    this.maxMessageBytes = checkMaxMessageBytes(options.maxMessageBytes, DEFAULT_MAX_MESSAGE_BYTES);
    this.joins = new ConversationJoins({
      hubName: this.hubName,
      join: (conversationId) => this.invoke('JoinConversation', [conversationId]),
      leave: (conversationId) => this.invoke('LeaveConversation', [conversationId]),
      report: (error) => this.report(error),
    });
    this.joinedConversations$ = this.joins.joinedConversations$;
    this.rejoined$ = this.joins.rejoined$;
  }

  /** After a reconnect that lost the groups: join every tracked conversation again, then say so. */
  protected override afterSession(session: HubSession): Observable<never> {
    // Only those joined again: one cut off by the connection closing stays tracked (the next
    // session joins it) but is not joined now.
    return this.joins.afterSession(session);
  }

  /**
   * The size in bytes of the frame invoking `method` with `args` would take: the UTF-8 length of
   * the JSON protocol's invocation message plus its record separator (counting a 10-digit
   * invocation id, so it errs by a few bytes on the safe side); with a binary protocol
   * (MessagePack), the length the protocol itself writes, prefix included. What `maxMessageBytes`
   * is compared with.
   *
   * @example
   * ```ts
   * const fits = chat.invocationBytes('SendMessage', [request]) <= chat.maxMessageBytes;
   * ```
   */
  invocationBytes(method: string, args: readonly unknown[]): number {
    const protocol = this.options.protocol;
    if (protocol !== undefined && protocol.name !== 'json') return protocolInvocationBytes(protocol, method, args);
    return invocationFrameBytes(method, args);
  }

  /** The conversations joined now, synchronously. */
  get joinedConversations(): ReadonlySet<string> {
    return this.joins.joinedConversations;
  }

  /**
   * Joins a conversation: its events start arriving on this connection. Emits once (void) and
   * completes; tracked for re-joining after reconnects. Errors with a `HubError` of kind
   * `invocation` when the user is not a participant.
   *
   * @throws InvalidArgumentError at once for an empty or non-string id.
   */
  joinConversation(conversationId: string): Observable<void> {
    checkConversationCall(this, 'JoinConversation', conversationId);
    return this.joins.join(conversationId);
  }

  /** Leaves a conversation and stops tracking it. Emits once (void) and completes. */
  leaveConversation(conversationId: string): Observable<void> {
    checkConversationCall(this, 'LeaveConversation', conversationId);
    return this.joins.leave(conversationId);
  }

  /**
   * Joins every tracked conversation again (done by itself after each reconnect with a new
   * connection id; `rejoined$` tells when). Cold: one `JoinConversation` per tracked conversation,
   * one after the other, on subscribe.
   *
   * Emits once, when every conversation was tried, the set of those joined again (an empty set
   * when none is tracked), then completes — so `await firstValueFrom(chat.rejoinConversations())`
   * works, as the seed SDK's `await rejoinConversations()` did. Never errors: a join that fails
   * is reported on `errors$` (kind `rejoin`) and left out of the set; one the server refused (the
   * user was removed, say) is no longer tracked, one cut off by the connection (or made before
   * `connect()`) stays tracked for the next re-join.
   *
   * @example
   * ```ts
   * const rejoined = await firstValueFrom(chat.rejoinConversations());
   * for (const id of rejoined) refetch(id);
   * ```
   */
  rejoinConversations(): Observable<ReadonlySet<string>> {
    return this.joins.rejoin();
  }

  /**
   * Sends a message over the hub. Emits the `SendMessageAck` (with the server's `messageId`) and
   * completes; `success: false` errors with a `HubError` of kind `ack` carrying `errorCode`.
   *
   * @throws InvalidArgumentError at once — nothing is sent, the connection is untouched — when
   * the request does not match `ChatSendMessageRequest`, `request.conversationId` is not an id,
   * there are no blocks, a text block is over 100,000 characters, `clientMessageId` is empty or
   * over 128 characters, or the invocation would be larger than `maxMessageBytes` (32 KB by
   * default: a server closes the connection on a bigger message; send it with
   * `client.messages.send` over REST, as `timeline.send` does by itself).
   */
  sendMessage(request: ChatSendMessageRequest): Observable<SendMessageAck> {
    checkSendMessage(this, request);
    return this.invokeAck('SendMessage', [request], SendMessageAck);
  }

  /**
   * Edits a message (`newBlocks`, `newMentions`: the hub's names). Emits the ack.
   *
   * @throws InvalidArgumentError at once, as `sendMessage` does (`request.messageId`,
   * `request.newBlocks`, and a frame over `maxMessageBytes`: edit it with `client.messages.edit`).
   */
  editMessage(request: ChatEditMessageRequest): Observable<EditMessageAck> {
    checkEditMessage(this, request);
    return this.invokeAck('EditMessage', [request], EditMessageAck);
  }

  /** Deletes a message (`{ messageId }`, an object). Emits the ack. */
  deleteMessage(request: ChatDeleteMessageRequest): Observable<DeleteMessageAck> {
    checkDeleteMessage(this, request);
    return this.invokeAck('DeleteMessage', [request], DeleteMessageAck);
  }

  /** Recovers a deleted message (within 10 minutes). Emits the ack. */
  recoverMessage(request: ChatRecoverMessageRequest): Observable<RecoverMessageAck> {
    checkRecoverMessage(this, request);
    return this.invokeAck('RecoverMessage', [request], RecoverMessageAck);
  }

  /** Tells the others in the conversation that the user is typing. Emits once (void). */
  startTyping(conversationId: string): Observable<void> {
    checkConversationCall(this, 'StartTyping', conversationId);
    return this.invoke('StartTyping', [conversationId]);
  }

  /** Tells the others the user stopped typing. Emits once (void). */
  stopTyping(conversationId: string): Observable<void> {
    checkConversationCall(this, 'StopTyping', conversationId);
    return this.invoke('StopTyping', [conversationId]);
  }

  /** Marks the conversation read up to `messageId`. Emits the ack. */
  markAsRead(conversationId: string, messageId: string): Observable<MarkAsReadAck> {
    checkMarkAsRead(this, conversationId, messageId);
    return this.invokeAck('MarkAsRead', [conversationId, messageId], MarkAsReadAck);
  }

  /** Adds a reaction (`{ messageId, conversationId, emoji }`). Emits the ack. */
  addReaction(request: ChatAddReactionRequest): Observable<ReactionAck> {
    checkAddReaction(this, request);
    return this.invokeAck('AddReaction', [request], ReactionAck);
  }

  /** Removes a reaction (`{ messageId, emoji }`). Emits the ack. */
  removeReaction(request: ChatRemoveReactionRequest): Observable<ReactionAck> {
    checkRemoveReaction(this, request);
    return this.invokeAck('RemoveReaction', [request], ReactionAck);
  }

  /** `disconnect()` forgets the joined conversations, as the seed SDK does. */
  protected override onDisconnectRequested(): void {
    this.joins.forget();
  }
}

/** A `ChatHubClient` for a hub URL — the standalone way, without `createChatClient`. */
export function createChatHubClient(options: ChatHubClientOptions): ChatHubClient {
  return new ChatHubClient(options);
}
