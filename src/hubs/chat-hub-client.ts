import {
  BehaviorSubject,
  catchError,
  concat,
  defer,
  EMPTY,
  ignoreElements,
  type Observable,
  Subject,
  tap,
} from 'rxjs';
import {
  ChatAddReactionRequest,
  ChatDeleteMessageRequest,
  ChatEditMessageRequest,
  ChatHubEvents,
  ChatRecoverMessageRequest,
  ChatRemoveReactionRequest,
  ChatSendMessageRequest,
  DeleteMessageAck,
  EditMessageAck,
  MarkAsReadAck,
  ReactionAck,
  RecoverMessageAck,
  SendMessageAck,
} from '../codecs/index.js';
import { assertBody, assertId } from '../http/validate.js';
import { HubClient, type HubClientOptions } from './hub-client.js';
import { HubError } from './hub-error.js';
import type { HubSession } from './hub-state.js';
import { MAX_JSON_DEPTH } from '../codecs/json-depth.js';

/** How deep a hub argument may nest: the server's reader counts the invocation message and its `arguments` array too. */
const HUB_ARGUMENT_MAX_DEPTH = MAX_JSON_DEPTH - 2;

/** Conversations joined again after a reconnect with a new connection id. */
export interface RejoinedEvent {
  readonly session: HubSession;
  /** The conversations joined now (failed re-joins are not in it). */
  readonly conversationIds: ReadonlySet<string>;
}

/** Options of a {@link ChatHubClient}: the shared hub options; `url` ends in `/hubs/chat`. */
export type ChatHubClientOptions = HubClientOptions;

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
export class ChatHubClient extends HubClient<typeof ChatHubEvents> {
  /** Replays the ids of the conversations this client has joined (and will re-join). */
  readonly joinedConversations$: Observable<ReadonlySet<string>>;
  /**
   * Emits after the conversations were joined again following a reconnect with a new connection
   * id (those that failed are already dropped): the moment to fetch what was missed. Hot.
   */
  readonly rejoined$: Observable<RejoinedEvent>;
  private readonly rejoined = new Subject<RejoinedEvent>();
  private readonly joined = new BehaviorSubject<ReadonlySet<string>>(new Set());

  constructor(options: ChatHubClientOptions) {
    super('chat', ChatHubEvents, options);
    this.joinedConversations$ = this.joined.asObservable();
    this.rejoined$ = this.rejoined.asObservable();
  }

  /** After a reconnect that lost the groups: join every tracked conversation again, then say so. */
  protected override afterSession(session: HubSession): Observable<never> {
    if (session.number === 1) return EMPTY;
    return concat(
      this.rejoinConversations(),
      defer(() => {
        this.rejoined.next({ session, conversationIds: this.joined.value });
        return EMPTY;
      }),
    );
  }

  /** The conversations joined now, synchronously. */
  get joinedConversations(): ReadonlySet<string> {
    return this.joined.value;
  }

  /**
   * Joins a conversation: its events start arriving on this connection. Emits once (void) and
   * completes; tracked for re-joining after reconnects. Errors with a `HubError` of kind
   * `invocation` when the user is not a participant.
   *
   * @throws InvalidArgumentError at once for an empty or non-string id.
   */
  joinConversation(conversationId: string): Observable<void> {
    assertId('conversationId', conversationId);
    return this.invoke('JoinConversation', [conversationId]).pipe(tap(() => this.track(conversationId, true)));
  }

  /** Leaves a conversation and stops tracking it. Emits once (void) and completes. */
  leaveConversation(conversationId: string): Observable<void> {
    assertId('conversationId', conversationId);
    return defer(() => {
      this.track(conversationId, false);
      return this.invoke('LeaveConversation', [conversationId]);
    });
  }

  /**
   * Joins every tracked conversation again (done by itself after a reconnect). Emits nothing and
   * completes when all were tried; a failed one is reported on `errors$` and no longer tracked.
   */
  rejoinConversations(): Observable<never> {
    return defer(() =>
      concat(
        ...[...this.joined.value].map((conversationId) =>
          this.invoke('JoinConversation', [conversationId]).pipe(
            catchError((error: unknown) => {
              // The server refused the join (the user was removed, say): stop tracking it. Any
              // other failure (the connection went away again) keeps it for the next re-join.
              const refused = HubError.is(error) && (error.kind === 'invocation' || error.kind === 'ack');
              if (refused) this.track(conversationId, false);
              this.report(
                new HubError('rejoin', `chat hub: could not re-join conversation ${conversationId}${refused ? '' : ' (will retry after the next reconnect)'}: ${error instanceof Error ? error.message : String(error)}`, {
                  hub: this.hubName,
                  method: 'JoinConversation',
                  conversationId,
                  cause: error,
                }),
              );
              return EMPTY;
            }),
          ),
        ),
      ).pipe(ignoreElements()),
    );
  }

  /**
   * Sends a message over the hub. Emits the `SendMessageAck` (with the server's `messageId`) and
   * completes; `success: false` errors with a `HubError` of kind `ack` carrying `errorCode`.
   *
   * @throws InvalidArgumentError at once when the request does not match `ChatSendMessageRequest`.
   */
  sendMessage(request: ChatSendMessageRequest): Observable<SendMessageAck> {
    assertBody('request', ChatSendMessageRequest, request, HUB_ARGUMENT_MAX_DEPTH);
    return this.invokeAck('SendMessage', [request], SendMessageAck);
  }

  /** Edits a message (`newBlocks`, `newMentions`: the hub's names). Emits the ack. */
  editMessage(request: ChatEditMessageRequest): Observable<EditMessageAck> {
    assertBody('request', ChatEditMessageRequest, request, HUB_ARGUMENT_MAX_DEPTH);
    return this.invokeAck('EditMessage', [request], EditMessageAck);
  }

  /** Deletes a message (`{ messageId }`, an object). Emits the ack. */
  deleteMessage(request: ChatDeleteMessageRequest): Observable<DeleteMessageAck> {
    assertBody('request', ChatDeleteMessageRequest, request);
    return this.invokeAck('DeleteMessage', [request], DeleteMessageAck);
  }

  /** Recovers a deleted message (within 10 minutes). Emits the ack. */
  recoverMessage(request: ChatRecoverMessageRequest): Observable<RecoverMessageAck> {
    assertBody('request', ChatRecoverMessageRequest, request);
    return this.invokeAck('RecoverMessage', [request], RecoverMessageAck);
  }

  /** Tells the others in the conversation that the user is typing. Emits once (void). */
  startTyping(conversationId: string): Observable<void> {
    assertId('conversationId', conversationId);
    return this.invoke('StartTyping', [conversationId]);
  }

  /** Tells the others the user stopped typing. Emits once (void). */
  stopTyping(conversationId: string): Observable<void> {
    assertId('conversationId', conversationId);
    return this.invoke('StopTyping', [conversationId]);
  }

  /** Marks the conversation read up to `messageId`. Emits the ack. */
  markAsRead(conversationId: string, messageId: string): Observable<MarkAsReadAck> {
    assertId('conversationId', conversationId);
    assertId('messageId', messageId);
    return this.invokeAck('MarkAsRead', [conversationId, messageId], MarkAsReadAck);
  }

  /** Adds a reaction (`{ messageId, conversationId, emoji }`). Emits the ack. */
  addReaction(request: ChatAddReactionRequest): Observable<ReactionAck> {
    assertBody('request', ChatAddReactionRequest, request);
    return this.invokeAck('AddReaction', [request], ReactionAck);
  }

  /** Removes a reaction (`{ messageId, emoji }`). Emits the ack. */
  removeReaction(request: ChatRemoveReactionRequest): Observable<ReactionAck> {
    assertBody('request', ChatRemoveReactionRequest, request);
    return this.invokeAck('RemoveReaction', [request], ReactionAck);
  }

  /** `disconnect()` forgets the joined conversations, as the seed SDK does. */
  protected override onDisconnectRequested(): void {
    if (this.joined.value.size > 0) this.joined.next(new Set());
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

/** A `ChatHubClient` for a hub URL — the standalone way, without `createChatClient`. */
export function createChatHubClient(options: ChatHubClientOptions): ChatHubClient {
  return new ChatHubClient(options);
}
