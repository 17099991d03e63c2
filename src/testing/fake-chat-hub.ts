import { BehaviorSubject, catchError, concat, defer, EMPTY, endWith, ignoreElements, type Observable, Subject, tap } from 'rxjs';
import {
  ChatAddReactionRequest,
  ChatDeleteMessageRequest,
  ChatEditMessageRequest,
  ChatHubEvents,
  ChatRecoverMessageRequest,
  ChatRemoveReactionRequest,
  ChatSendMessageRequest,
  type DeleteMessageAck,
  type EditMessageAck,
  type MarkAsReadAck,
  type ReactionAck,
  type RecoverMessageAck,
  type SendMessageAck,
} from '../codecs/index.js';
import { MAX_JSON_DEPTH } from '../codecs/json-depth.js';
import { typeFirst } from '../codecs/type-first.js';
import { messageOf } from '../core/errors.js';
import { InvalidArgumentError } from '../core/invalid-argument-error.js';
import { assertBody, assertId, assertMessageFields, assertSegmentValue } from '../core/validate.js';
import { HubError } from '../hubs/hub-error.js';
import type { HubSession } from '../hubs/hub-state.js';
import type { ChatHub, RejoinedEvent } from '../hubs/ports.js';
import { FakeChatServerError } from './fake-chat-server-error.js';
import type { FakeChatServer } from './fake-chat-server.js';
import { type FakeHubRegistry, registryOf } from './fake-hub-registry.js';
import { FakeHub, type FakeHubOptions } from './fake-hub.js';

/** How deep a hub argument may nest (as the real client checks it). */
const HUB_ARGUMENT_MAX_DEPTH = MAX_JSON_DEPTH - 2;

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
  private readonly rejoined = new Subject<RejoinedEvent>();
  private readonly joined = new BehaviorSubject<ReadonlySet<string>>(new Set());
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
    const max = options.maxMessageBytes ?? Number.POSITIVE_INFINITY;
    if (!(max === Number.POSITIVE_INFINITY || (Number.isInteger(max) && max > 0))) {
      throw new InvalidArgumentError(
        'options.maxMessageBytes',
        `expected a positive whole number of bytes (or Infinity), got ${String(max)}`,
      );
    }
    this.maxMessageBytes = max;
    this.registry = registryOf(server);
    this.joinedConversations$ = this.joined.asObservable();
    this.rejoined$ = this.rejoined.asObservable();
  }

  /** The conversations joined now, synchronously. */
  get joinedConversations(): ReadonlySet<string> {
    return this.joined.value;
  }

  /**
   * Test driver: the server fails the next `JoinConversation` of this conversation (a join or a
   * re-join) with `error`. Pass a `HubError` of kind `not-connected` to act out a join cut off by
   * the connection: a re-join failing so keeps the conversation tracked.
   *
   * @param error @default a `HubError` of kind `invocation` (the server refused)
   */
  failNextJoin(conversationId: string, error?: unknown): void {
    const queue = this.joinFailures.get(conversationId) ?? [];
    queue.push(error ?? hubException('JoinConversation', `failure injected by failNextJoin('${conversationId}')`));
    this.joinFailures.set(conversationId, queue);
  }

  /** The UTF-8 length of the JSON invocation frame (with its record separator), as `ChatHubClient` measures it. */
  invocationBytes(method: string, args: readonly unknown[]): number {
    const frame = JSON.stringify({ target: method, arguments: args.map(typeFirst), invocationId: '0000000000', type: 1 });
    return new TextEncoder().encode(frame).length + 1;
  }

  /** Joins a conversation (tracked for re-joins). Errors with a `HubError` of kind `invocation` for a non-member. */
  joinConversation(conversationId: string): Observable<void> {
    assertId('conversationId', conversationId);
    this.assertFits('JoinConversation', [conversationId], 'conversationId');
    return this.join(conversationId).pipe(tap(() => this.track(conversationId, true)));
  }

  /** Leaves a conversation and stops tracking it. */
  leaveConversation(conversationId: string): Observable<void> {
    assertId('conversationId', conversationId);
    this.assertFits('LeaveConversation', [conversationId], 'conversationId');
    return defer(() => {
      this.track(conversationId, false);
      return this.invoke('LeaveConversation', [conversationId], () => this.registry.leaveGroup(this.endpoint, conversationId));
    });
  }

  /**
   * Joins every tracked conversation again, one after the other; emits the set joined, never
   * errors. A refused join (kind `invocation` or `ack`) is no longer tracked; any failure is
   * reported on `errors$` (kind `rejoin`).
   */
  rejoinConversations(): Observable<ReadonlySet<string>> {
    return defer(() => {
      const rejoined = new Set<string>();
      return concat(
        ...[...this.joined.value].map((conversationId) =>
          this.join(conversationId).pipe(
            tap(() => rejoined.add(conversationId)),
            catchError((error: unknown) => {
              const refused = HubError.is(error) && (error.kind === 'invocation' || error.kind === 'ack');
              if (refused) this.track(conversationId, false);
              this.report(
                new HubError(
                  'rejoin',
                  `chat hub: could not re-join conversation ${conversationId}${refused ? '' : ' (will retry after the next reconnect)'}: ${messageOf(error)}`,
                  { hub: this.hubName, method: 'JoinConversation', conversationId, cause: error },
                ),
              );
              return EMPTY;
            }),
          ),
        ),
      ).pipe(ignoreElements(), endWith(rejoined));
    });
  }

  /** Posts through the server; emits `{ success: true, messageId, createdAt, clientMessageId? }`. */
  sendMessage(request: ChatSendMessageRequest): Observable<SendMessageAck> {
    assertBody('request', ChatSendMessageRequest, request, HUB_ARGUMENT_MAX_DEPTH);
    assertId('request.conversationId', request.conversationId);
    assertMessageFields('request', request);
    this.assertFits('SendMessage', [request]);
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
    assertBody('request', ChatEditMessageRequest, request, HUB_ARGUMENT_MAX_DEPTH);
    assertId('request.messageId', request.messageId);
    assertMessageFields('request', request, 'newBlocks');
    this.assertFits('EditMessage', [request]);
    return this.acked('EditMessage', [request], () => {
      const message = this.server.edit(request.messageId, this.participantId, request.newBlocks, request.newMentions);
      return { success: true, messageId: message.id, ...(message.editedAt !== null ? { editedAt: message.editedAt } : {}) };
    });
  }

  /** Deletes through the server (sender only); emits `{ success: true, messageId, deletedAt }`. */
  deleteMessage(request: ChatDeleteMessageRequest): Observable<DeleteMessageAck> {
    assertBody('request', ChatDeleteMessageRequest, request);
    assertId('request.messageId', request.messageId);
    this.assertFits('DeleteMessage', [request]);
    return this.acked('DeleteMessage', [request], () => {
      const message = this.server.delete(request.messageId, this.participantId);
      return { success: true, messageId: message.id, ...(message.deletedAt !== null ? { deletedAt: message.deletedAt } : {}) };
    });
  }

  /** Recovers through the server (sender only, within 10 minutes); emits `{ success: true, messageId }`. */
  recoverMessage(request: ChatRecoverMessageRequest): Observable<RecoverMessageAck> {
    assertBody('request', ChatRecoverMessageRequest, request);
    assertId('request.messageId', request.messageId);
    this.assertFits('RecoverMessage', [request]);
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
    assertId('conversationId', conversationId);
    assertId('messageId', messageId);
    this.assertFits('MarkAsRead', [conversationId, messageId], 'messageId');
    return this.acked('MarkAsRead', [conversationId, messageId], () => {
      this.server.markAsRead(conversationId, this.participantId, messageId);
      return { success: true, conversationId };
    });
  }

  /** Adds a reaction through the server; emits `{ success: true, messageId, emoji }`. */
  addReaction(request: ChatAddReactionRequest): Observable<ReactionAck> {
    assertBody('request', ChatAddReactionRequest, request);
    assertId('request.messageId', request.messageId);
    assertId('request.conversationId', request.conversationId);
    assertSegmentValue('request.emoji', request.emoji);
    this.assertFits('AddReaction', [request]);
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
    assertBody('request', ChatRemoveReactionRequest, request);
    assertId('request.messageId', request.messageId);
    assertSegmentValue('request.emoji', request.emoji);
    this.assertFits('RemoveReaction', [request]);
    return this.acked('RemoveReaction', [request], () => {
      this.server.removeReaction(request.messageId, this.participantId, request.emoji);
      return { success: true, messageId: request.messageId, emoji: request.emoji };
    });
  }

  protected override attach(): void {
    this.registry.openChat(this.endpoint);
  }

  protected override detach(): void {
    this.registry.closeChat(this.endpoint);
  }

  /** After a new session (not the first): re-join every tracked conversation, then `rejoined$` with those joined again. */
  protected override afterSession(session: HubSession): Observable<never> {
    if (session.number === 1) return EMPTY;
    // `conversationIds`: those joined again now (a re-join cut off stays tracked but is not in it).
    return this.rejoinConversations().pipe(
      tap((conversationIds) => this.rejoined.next({ session, conversationIds })),
      ignoreElements(),
    );
  }

  /** `disconnect()` forgets the joined conversations, as `ChatHubClient` does. */
  protected override onDisconnectRequested(): void {
    if (this.joined.value.size > 0) this.joined.next(new Set());
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
    assertId('conversationId', conversationId);
    this.assertFits(method, [conversationId], 'conversationId');
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

  /** Refuses at once an invocation larger than `maxMessageBytes`, as `ChatHubClient` does. */
  private assertFits(method: string, args: readonly unknown[], argument = 'request'): void {
    if (this.maxMessageBytes === Number.POSITIVE_INFINITY) return;
    const bytes = this.invocationBytes(method, args);
    if (bytes > this.maxMessageBytes) {
      throw new InvalidArgumentError(
        argument,
        `the ${method} invocation would be ${bytes} bytes, over the hub's maximum message size of ${this.maxMessageBytes} bytes (maxMessageBytes) — send it over REST instead`,
      );
    }
  }

  private track(conversationId: string, joined: boolean): void {
    const current = this.joined.value;
    if (current.has(conversationId) === joined) return;
    const next = new Set(current);
    if (joined) next.add(conversationId);
    else next.delete(conversationId);
    this.joined.next(next);
  }
}
