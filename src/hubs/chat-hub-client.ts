import { BehaviorSubject, catchError, concat, defer, EMPTY, endWith, ignoreElements, type Observable, Subject, tap } from 'rxjs';
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
import { InvalidArgumentError } from '../core/invalid-argument-error.js';
import { messageOf } from '../core/errors.js';
import { assertBody, assertId, assertMessageFields, assertSegmentValue } from '../core/validate.js';
import { typeFirst } from '../codecs/type-first.js';
import { HubClient, type HubClientOptions } from './hub-client.js';
import { HubError } from './hub-error.js';
import type { HubSession } from './hub-state.js';
import type { ChatHub, RejoinedEvent } from './ports.js';
import { MAX_JSON_DEPTH } from '../codecs/json-depth.js';

/** How deep a hub argument may nest: the server's reader counts the invocation message and its `arguments` array too. */
const HUB_ARGUMENT_MAX_DEPTH = MAX_JSON_DEPTH - 2;

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
   * would send (the invocation message and its record separator; with MessagePack, an estimate).
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
  private readonly rejoined = new Subject<RejoinedEvent>();
  private readonly joined = new BehaviorSubject<ReadonlySet<string>>(new Set());

  /** @throws InvalidArgumentError for a `maxMessageBytes` that is not a positive whole number (or `Infinity`). */
  constructor(options: ChatHubClientOptions) {
    super('chat', ChatHubEvents, options);
    const max = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    if (typeof max !== 'number' || !(max === Number.POSITIVE_INFINITY || (Number.isInteger(max) && max > 0))) {
      throw new InvalidArgumentError(
        'options.maxMessageBytes',
        `expected a positive whole number of bytes (or Infinity), got ${String(max)}`,
      );
    }
    this.maxMessageBytes = max;
    this.joinedConversations$ = this.joined.asObservable();
    this.rejoined$ = this.rejoined.asObservable();
  }

  /** After a reconnect that lost the groups: join every tracked conversation again, then say so. */
  protected override afterSession(session: HubSession): Observable<never> {
    if (session.number === 1) return EMPTY;
    // Only those joined again: one cut off by the connection closing stays tracked (the next
    // session joins it) but is not joined now.
    return this.rejoinConversations().pipe(
      tap((conversationIds) => this.rejoined.next({ session, conversationIds })),
      ignoreElements(),
    );
  }

  /**
   * The size in bytes of the frame invoking `method` with `args` would take: the UTF-8 length of
   * the JSON protocol's invocation message plus its record separator (counting a 10-digit
   * invocation id, so it errs by a few bytes on the safe side). What `maxMessageBytes` is compared
   * with.
   *
   * @example
   * ```ts
   * const fits = chat.invocationBytes('SendMessage', [request]) <= chat.maxMessageBytes;
   * ```
   */
  invocationBytes(method: string, args: readonly unknown[]): number {
    const frame = JSON.stringify({ target: method, arguments: args.map(typeFirst), invocationId: '0000000000', type: 1 });
    return utf8Length(frame) + 1;
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
    this.assertFits('JoinConversation', [conversationId], 'conversationId');
    return this.invoke('JoinConversation', [conversationId]).pipe(tap(() => this.track(conversationId, true)));
  }

  /** Leaves a conversation and stops tracking it. Emits once (void) and completes. */
  leaveConversation(conversationId: string): Observable<void> {
    assertId('conversationId', conversationId);
    this.assertFits('LeaveConversation', [conversationId], 'conversationId');
    return defer(() => {
      this.track(conversationId, false);
      return this.invoke('LeaveConversation', [conversationId]);
    });
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
    return defer(() => {
      const rejoined = new Set<string>();
      return concat(
        ...[...this.joined.value].map((conversationId) =>
          this.invoke('JoinConversation', [conversationId]).pipe(
            tap(() => rejoined.add(conversationId)),
            catchError((error: unknown) => {
              // The server refused the join (the user was removed, say): stop tracking it. Any
              // other failure (the connection went away again) keeps it for the next re-join.
              const refused = HubError.is(error) && (error.kind === 'invocation' || error.kind === 'ack');
              if (refused) this.track(conversationId, false);
              this.report(
                new HubError(
                  'rejoin',
                  `chat hub: could not re-join conversation ${conversationId}${refused ? '' : ' (will retry after the next reconnect)'}: ${messageOf(error)}`,
                  {
                    hub: this.hubName,
                    method: 'JoinConversation',
                    conversationId,
                    cause: error,
                  },
                ),
              );
              return EMPTY;
            }),
          ),
        ),
      ).pipe(ignoreElements(), endWith(rejoined));
    });
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
    assertBody('request', ChatSendMessageRequest, request, HUB_ARGUMENT_MAX_DEPTH);
    assertId('request.conversationId', request.conversationId);
    assertMessageFields('request', request);
    this.assertFits('SendMessage', [request]);
    return this.invokeAck('SendMessage', [request], SendMessageAck);
  }

  /**
   * Edits a message (`newBlocks`, `newMentions`: the hub's names). Emits the ack.
   *
   * @throws InvalidArgumentError at once, as `sendMessage` does (`request.messageId`,
   * `request.newBlocks`, and a frame over `maxMessageBytes`: edit it with `client.messages.edit`).
   */
  editMessage(request: ChatEditMessageRequest): Observable<EditMessageAck> {
    assertBody('request', ChatEditMessageRequest, request, HUB_ARGUMENT_MAX_DEPTH);
    assertId('request.messageId', request.messageId);
    assertMessageFields('request', request, 'newBlocks');
    this.assertFits('EditMessage', [request]);
    return this.invokeAck('EditMessage', [request], EditMessageAck);
  }

  /** Deletes a message (`{ messageId }`, an object). Emits the ack. */
  deleteMessage(request: ChatDeleteMessageRequest): Observable<DeleteMessageAck> {
    assertBody('request', ChatDeleteMessageRequest, request);
    assertId('request.messageId', request.messageId);
    this.assertFits('DeleteMessage', [request]);
    return this.invokeAck('DeleteMessage', [request], DeleteMessageAck);
  }

  /** Recovers a deleted message (within 10 minutes). Emits the ack. */
  recoverMessage(request: ChatRecoverMessageRequest): Observable<RecoverMessageAck> {
    assertBody('request', ChatRecoverMessageRequest, request);
    assertId('request.messageId', request.messageId);
    this.assertFits('RecoverMessage', [request]);
    return this.invokeAck('RecoverMessage', [request], RecoverMessageAck);
  }

  /** Tells the others in the conversation that the user is typing. Emits once (void). */
  startTyping(conversationId: string): Observable<void> {
    assertId('conversationId', conversationId);
    this.assertFits('StartTyping', [conversationId], 'conversationId');
    return this.invoke('StartTyping', [conversationId]);
  }

  /** Tells the others the user stopped typing. Emits once (void). */
  stopTyping(conversationId: string): Observable<void> {
    assertId('conversationId', conversationId);
    this.assertFits('StopTyping', [conversationId], 'conversationId');
    return this.invoke('StopTyping', [conversationId]);
  }

  /** Marks the conversation read up to `messageId`. Emits the ack. */
  markAsRead(conversationId: string, messageId: string): Observable<MarkAsReadAck> {
    assertId('conversationId', conversationId);
    assertId('messageId', messageId);
    this.assertFits('MarkAsRead', [conversationId, messageId], 'messageId');
    return this.invokeAck('MarkAsRead', [conversationId, messageId], MarkAsReadAck);
  }

  /** Adds a reaction (`{ messageId, conversationId, emoji }`). Emits the ack. */
  addReaction(request: ChatAddReactionRequest): Observable<ReactionAck> {
    assertBody('request', ChatAddReactionRequest, request);
    assertId('request.messageId', request.messageId);
    assertId('request.conversationId', request.conversationId);
    assertSegmentValue('request.emoji', request.emoji);
    this.assertFits('AddReaction', [request]);
    return this.invokeAck('AddReaction', [request], ReactionAck);
  }

  /** Removes a reaction (`{ messageId, emoji }`). Emits the ack. */
  removeReaction(request: ChatRemoveReactionRequest): Observable<ReactionAck> {
    assertBody('request', ChatRemoveReactionRequest, request);
    assertId('request.messageId', request.messageId);
    assertSegmentValue('request.emoji', request.emoji);
    this.assertFits('RemoveReaction', [request]);
    return this.invokeAck('RemoveReaction', [request], ReactionAck);
  }

  /** `disconnect()` forgets the joined conversations, as the seed SDK does. */
  protected override onDisconnectRequested(): void {
    if (this.joined.value.size > 0) this.joined.next(new Set());
  }

  /**
   * Refuses, at once and without touching the connection, an invocation whose frame is larger
   * than the server reads: it would close the connection instead of failing the call.
   */
  private assertFits(method: string, args: readonly unknown[], argument = 'request'): void {
    if (this.maxMessageBytes === Number.POSITIVE_INFINITY) return;
    const bytes = this.invocationBytes(method, args);
    if (bytes > this.maxMessageBytes) {
      throw new InvalidArgumentError(
        argument,
        `the ${method} invocation would be ${bytes} bytes, over the hub's maximum message size of ${this.maxMessageBytes} bytes (maxMessageBytes; the server closes the connection on a larger message) — send it over REST instead`,
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

/** A `ChatHubClient` for a hub URL — the standalone way, without `createChatClient`. */
export function createChatHubClient(options: ChatHubClientOptions): ChatHubClient {
  return new ChatHubClient(options);
}
