import type { Observable } from 'rxjs';
import {
  type ChatAddReactionRequest,
  type ChatDeleteMessageRequest,
  type ChatEditMessageRequest,
  ChatHubEvents,
  type ChatRecoverMessageRequest,
  type ChatRemoveReactionRequest,
  type ChatSendMessageRequest,
  type DeleteMessageAck,
  type EditMessageAck,
  type MarkAsReadAck,
  type ReactionAck,
  type RecoverMessageAck,
  type SendMessageAck,
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
} from '../hubs/chat-requests.js';
import { ConversationJoins } from '../hubs/conversation-joins.js';
import { HubError } from '../hubs/hub-error.js';
import type { HubSession } from '../hubs/hub-state.js';
import type { ChatHub, RejoinedEvent } from '../hubs/ports.js';
import { FakeChatServerError } from './fake-chat-server-error.js';
import type { FakeChatServer } from './fake-chat-server.js';
import { type FakeHubRegistry, registryOf } from './fake-hub-registry.js';
import { FakeHub, type FakeHubOptions } from './fake-hub.js';

/** Options of a {@link FakeChatHub}: the lifecycle options and the frame limit. */
export interface FakeChatHubOptions extends FakeHubOptions {
  /**
   * The largest invocation frame, in bytes: a bigger invocation is refused at once with an
   * `InvalidArgumentError`, as `ChatHubClient` does. Set 32768 to test a REST fallback.
   * @default Infinity (no limit)
   */
  readonly maxMessageBytes?: number;
}

/** How the server refuses a method that returns nothing (a HubException), as SignalR reports it. */
function hubException(method: string, message: string): HubError {
  return new HubError('invocation', `An unexpected error occurred invoking '${method}' on the server. HubException: ${message}`, {
    hub: 'chat',
    method,
  });
}

/**
 * The chat hub of `chat-client-rx/testing`: a `ChatHub` in memory, connected to a
 * {@link FakeChatServer} as one participant, behaving as `ChatHubClient` does from outside —
 * tracked joins re-joined after each new session (`rejoined$`), a refused re-join dropped and
 * reported (`errors$`, kind `rejoin`), acks per the codecs (`success: false` errors with a
 * `HubError` of kind `ack` carrying `errorCode`), decoded events, `not-connected` before
 * `connect()`. Get it from `server.chatHub(participantId, options)`; drive it with the drivers of
 * {@link FakeHub} and `failNextJoin`.
 *
 * @example
 * ```ts
 * const chat = server.chatHub('alice');
 * chat.on('messageReceived').subscribe((m) => seen.push(m.id));
 * chat.connect().pipe(concatWith(chat.joinConversation('general'))).subscribe();
 * server.post('general', 'bob', 'hi');   // seen: ['m000001']
 * ```
 */
export class FakeChatHub extends FakeHub<typeof ChatHubEvents> implements ChatHub {
  /** Replays the ids of the conversations joined (and re-joined after reconnects). */
  readonly joinedConversations$: Observable<ReadonlySet<string>>;
  /** Emits after the tracked conversations were joined again following a new session. Hot. */
  readonly rejoined$: Observable<RejoinedEvent>;
  /** The largest invocation frame, in bytes. */
  readonly maxMessageBytes: number;
  private readonly joins: ConversationJoins;
  private readonly registry: FakeHubRegistry;
  private readonly joinFailures = new Map<string, unknown[]>();

  /**
   * Made by `server.chatHub(participantId, options)`.
   *
   * @throws InvalidArgumentError for a `maxMessageBytes` that is not a positive whole number (or `Infinity`).
   */
  constructor(
    private readonly server: FakeChatServer,
    participantId: string,
    options: FakeChatHubOptions = {},
  ) {
    super('chat', ChatHubEvents, participantId, server.scheduler, options);
    this.maxMessageBytes = checkMaxMessageBytes(options.maxMessageBytes, Number.POSITIVE_INFINITY);
    this.registry = registryOf(server);
    this.joins = new ConversationJoins({
      hubName: this.hubName,
      join: (conversationId) => this.join(conversationId),
      leave: (conversationId) =>
        this.invoke('LeaveConversation', [conversationId], () => this.registry.leaveGroup(this.endpoint, conversationId)),
      report: (error) => this.report(error),
    });
    this.joinedConversations$ = this.joins.joinedConversations$;
    this.rejoined$ = this.joins.rejoined$;
  }

  /** The conversations joined now, synchronously. */
  get joinedConversations(): ReadonlySet<string> {
    return this.joins.joinedConversations;
  }

  /**
   * Test driver: the server fails the next `JoinConversation` of this conversation (a join or a
   * re-join) with `error`. Pass a `HubError` of kind `not-connected` to act out a join cut off by
   * the connection: a re-join failing so keeps the conversation tracked.
   *
   * @param error - @default a `HubError` of kind `invocation` (the server refused)
   */
  failNextJoin(conversationId: string, error?: unknown): void {
    const queue = this.joinFailures.get(conversationId) ?? [];
    queue.push(error ?? hubException('JoinConversation', `failure injected by failNextJoin('${conversationId}')`));
    this.joinFailures.set(conversationId, queue);
  }

  /** The UTF-8 length of the JSON invocation frame (with its record separator), as `ChatHubClient` measures it. */
  invocationBytes(method: string, args: readonly unknown[]): number {
    return invocationFrameBytes(method, args);
  }

  /** Joins a conversation (tracked for re-joins). Errors with a `HubError` of kind `invocation` for a non-member. */
  joinConversation(conversationId: string): Observable<void> {
    checkConversationCall(this, 'JoinConversation', conversationId);
    return this.joins.join(conversationId);
  }

  /** Leaves a conversation and stops tracking it. */
  leaveConversation(conversationId: string): Observable<void> {
    checkConversationCall(this, 'LeaveConversation', conversationId);
    return this.joins.leave(conversationId);
  }

  /**
   * Joins every tracked conversation again, one after the other; emits the set joined, never
   * errors. A refused join (kind `invocation` or `ack`) is no longer tracked; any failure is
   * reported on `errors$` (kind `rejoin`).
   */
  rejoinConversations(): Observable<ReadonlySet<string>> {
    return this.joins.rejoin();
  }

  /** Posts through the server; emits `{ success: true, messageId, createdAt, clientMessageId? }`. */
  sendMessage(request: ChatSendMessageRequest): Observable<SendMessageAck> {
    checkSendMessage(this, request);
    return this.acked('SendMessage', [request], () => {
      const { conversationId, blocks, ...options } = request;
      const message = this.server.post(conversationId, this.participantId, blocks, options);
      return {
        success: true,
        messageId: message.id,
        createdAt: message.createdAt,
        ...(message.clientMessageId !== null ? { clientMessageId: message.clientMessageId } : {}),
      };
    });
  }

  /** Edits through the server (sender only); emits `{ success: true, messageId, editedAt }`. */
  editMessage(request: ChatEditMessageRequest): Observable<EditMessageAck> {
    checkEditMessage(this, request);
    return this.acked('EditMessage', [request], () => {
      const message = this.server.edit(request.messageId, this.participantId, request.newBlocks, request.newMentions);
      return { success: true, messageId: message.id, ...(message.editedAt !== null ? { editedAt: message.editedAt } : {}) };
    });
  }

  /** Deletes through the server (sender only); emits `{ success: true, messageId, deletedAt }`. */
  deleteMessage(request: ChatDeleteMessageRequest): Observable<DeleteMessageAck> {
    checkDeleteMessage(this, request);
    return this.acked('DeleteMessage', [request], () => {
      const message = this.server.delete(request.messageId, this.participantId);
      return { success: true, messageId: message.id, ...(message.deletedAt !== null ? { deletedAt: message.deletedAt } : {}) };
    });
  }

  /** Recovers through the server (sender only, within 10 minutes); emits `{ success: true, messageId }`. */
  recoverMessage(request: ChatRecoverMessageRequest): Observable<RecoverMessageAck> {
    checkRecoverMessage(this, request);
    return this.acked('RecoverMessage', [request], () => ({
      success: true,
      messageId: this.server.recover(request.messageId, this.participantId).id,
    }));
  }

  /** Tells the other joined connections that the user is typing (`typingStarted`). */
  startTyping(conversationId: string): Observable<void> {
    return this.typing('StartTyping', conversationId, true);
  }

  /** Tells the other joined connections that the user stopped typing (`typingStopped`). */
  stopTyping(conversationId: string): Observable<void> {
    return this.typing('StopTyping', conversationId, false);
  }

  /** Marks read through the server; emits `{ success: true, conversationId }`. */
  markAsRead(conversationId: string, messageId: string): Observable<MarkAsReadAck> {
    checkMarkAsRead(this, conversationId, messageId);
    return this.acked('MarkAsRead', [conversationId, messageId], () => {
      this.server.markAsRead(conversationId, this.participantId, messageId);
      return { success: true, conversationId };
    });
  }

  /** Adds a reaction through the server; emits `{ success: true, messageId, emoji }`. */
  addReaction(request: ChatAddReactionRequest): Observable<ReactionAck> {
    checkAddReaction(this, request);
    return this.acked('AddReaction', [request], () => {
      const found = this.server.message(request.messageId);
      if (found && found.conversationId !== request.conversationId) {
        throw new FakeChatServerError(400, 'The message is not in that conversation.');
      }
      this.server.addReaction(request.messageId, this.participantId, request.emoji);
      return { success: true, messageId: request.messageId, emoji: request.emoji };
    });
  }

  /** Removes a reaction through the server; emits `{ success: true, messageId, emoji }`. */
  removeReaction(request: ChatRemoveReactionRequest): Observable<ReactionAck> {
    checkRemoveReaction(this, request);
    return this.acked('RemoveReaction', [request], () => {
      this.server.removeReaction(request.messageId, this.participantId, request.emoji);
      return { success: true, messageId: request.messageId, emoji: request.emoji };
    });
  }

  /** Opens this participant's chat connection on the fake server (no groups joined yet). */
  protected override attach(): void {
    this.registry.openChat(this.endpoint);
  }

  /** The fake server forgets this chat connection and the groups it joined. */
  protected override detach(): void {
    this.registry.closeChat(this.endpoint);
  }

  /** After a new session (not the first): re-join every tracked conversation, then `rejoined$` with those joined again. */
  protected override afterSession(session: HubSession): Observable<never> {
    return this.joins.afterSession(session);
  }

  /** `disconnect()` forgets the joined conversations, as `ChatHubClient` does. */
  protected override onDisconnectRequested(): void {
    this.joins.forget();
  }

  /** `JoinConversation` on the server: an injected failure, a refusal for a non-member, or the group joined. */
  private join(conversationId: string): Observable<void> {
    return this.invoke('JoinConversation', [conversationId], () => {
      const injected = this.joinFailures.get(conversationId);
      if (injected && injected.length > 0) throw injected.shift();
      if (!this.server.isMember(conversationId, this.participantId)) {
        throw hubException('JoinConversation', 'You are not a participant of this conversation.');
      }
      this.registry.joinGroup(this.endpoint, conversationId);
    });
  }

  private typing(method: 'StartTyping' | 'StopTyping', conversationId: string, started: boolean): Observable<void> {
    checkConversationCall(this, method, conversationId);
    return this.invoke(method, [conversationId], () => {
      if (!this.server.isMember(conversationId, this.participantId)) {
        throw hubException(method, 'You are not a participant of this conversation.');
      }
      const fullName = this.server.participant(this.participantId)?.fullName ?? this.participantId;
      const payload = { conversationId, participantId: this.participantId, participantName: fullName };
      this.registry.toConversation(conversationId, started ? 'typingStarted' : 'typingStopped', payload, this.endpoint);
    });
  }

  /** An ack invocation: a server refusal becomes a `HubError` of kind `ack` with its `errorCode`, as `ChatHubClient` reports `success: false`. */
  private acked<A>(method: string, args: readonly unknown[], run: () => A): Observable<A> {
    return this.invoke(method, args, () => {
      try {
        return run();
      } catch (error) {
        if (!FakeChatServerError.is(error)) throw error;
        throw new HubError('ack', error.message, {
          hub: this.hubName,
          method,
          errorCode: error.code,
          raw: { success: false, errorCode: error.code, errorMessage: error.message },
        });
      }
    });
  }
}
