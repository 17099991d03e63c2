/**
 * The hubs as interfaces: what the state layer (`src/streams/`) and the client facade depend on.
 * `ChatHubClient` and `NotificationHubClient` implement them over SignalR; the fakes of
 * `chat-client-rx/testing` implement them in memory, driven by a test.
 */
import type { Observable } from 'rxjs';
import type {
  ChatAddReactionRequest,
  ChatDeleteMessageRequest,
  ChatEditMessageRequest,
  ChatHubEventMap,
  ChatRecoverMessageRequest,
  ChatRemoveReactionRequest,
  ChatSendMessageRequest,
  DeleteMessageAck,
  EditMessageAck,
  MarkAsReadAck,
  NotificationHubEventMap,
  ReactionAck,
  RecoverMessageAck,
  SendMessageAck,
} from '../codecs/index.js';
import type { HubError } from './hub-error.js';
import type { HubConnectionStatus, HubSession } from './hub-state.js';
import type { PresenceMap } from './presence.js';

/** Conversations joined again after a reconnect with a new connection id. */
export interface RejoinedEvent {
  /** The session (new connection id) after which the conversations were joined again. */
  readonly session: HubSession;
  /** The conversations joined now (failed re-joins are not in it). */
  readonly conversationIds: ReadonlySet<string>;
}

/** What every hub offers: its connection, its lifecycle and its hot events. */
export interface HubPort<EventMap> {
  /** Replays the connection's current status. */
  readonly state$: Observable<HubConnectionStatus>;
  /** The current status, synchronously. */
  readonly status: HubConnectionStatus;
  /** Replays what the user asked for last: `connected` after `connect()`, `disconnected` after `disconnect()`. */
  readonly intent$: Observable<'connected' | 'disconnected'>;
  /** Emits after every (re)connect that produced a new connection id (the server lost this client's groups). Hot. */
  readonly sessions$: Observable<HubSession>;
  /** What could not be delivered (bad payloads, failed re-joins…). Hot. */
  readonly errors$: Observable<HubError>;
  /** The hot Observable of one event's decoded payloads. */
  on<K extends keyof EventMap & string>(event: K): Observable<EventMap[K]>;
  /** Connects (cold); emits once when connected. */
  connect(): Observable<void>;
  /** Disconnects (cold); completes when closed. */
  disconnect(): Observable<void>;
}

/**
 * The chat hub as the state layer needs it: events and sessions, the conversations joined (and
 * re-joined after reconnects), joining and leaving, sending and typing.
 */
export interface ChatHubPort extends HubPort<ChatHubEventMap> {
  /** Replays the ids of the conversations joined (and re-joined after reconnects). */
  readonly joinedConversations$: Observable<ReadonlySet<string>>;
  /** The conversations joined now, synchronously. */
  readonly joinedConversations: ReadonlySet<string>;
  /** Emits after the conversations were joined again following a reconnect with a new connection id. Hot. */
  readonly rejoined$: Observable<RejoinedEvent>;
  /** The largest invocation frame the server reads, in bytes (`Infinity`: no limit). */
  readonly maxMessageBytes: number;
  /** The size in bytes of the frame invoking `method` with `args`. */
  invocationBytes(method: string, args: readonly unknown[]): number;
  /** Joins a conversation (its events start arriving), tracked for re-joining after reconnects. Emits once (void) and completes. */
  joinConversation(conversationId: string): Observable<void>;
  /** Leaves a conversation and stops tracking it. Emits once (void) and completes. */
  leaveConversation(conversationId: string): Observable<void>;
  /** Sends a message over the hub. Emits the ack (with the server's `messageId`); a refusal errors with a `HubError` of kind `ack`. */
  sendMessage(request: ChatSendMessageRequest): Observable<SendMessageAck>;
  /** Tells the others in the conversation that the user is typing. Emits once (void). */
  startTyping(conversationId: string): Observable<void>;
  /** Tells the others in the conversation that the user stopped typing. Emits once (void). */
  stopTyping(conversationId: string): Observable<void>;
}

/** The whole public surface of the chat hub (`client.realtime.chat`): the port plus every other invocation. */
export interface ChatHub extends ChatHubPort {
  /** Joins every tracked conversation again; emits the set joined. */
  rejoinConversations(): Observable<ReadonlySet<string>>;
  /** Edits a message (`newBlocks`, `newMentions`). Emits the ack; a refusal errors with a `HubError` of kind `ack`. */
  editMessage(request: ChatEditMessageRequest): Observable<EditMessageAck>;
  /** Deletes a message (`{ messageId }`). Emits the ack; a refusal errors with a `HubError` of kind `ack`. */
  deleteMessage(request: ChatDeleteMessageRequest): Observable<DeleteMessageAck>;
  /** Recovers a deleted message (within 10 minutes). Emits the ack; a refusal errors with a `HubError` of kind `ack`. */
  recoverMessage(request: ChatRecoverMessageRequest): Observable<RecoverMessageAck>;
  /** Marks the conversation read up to `messageId`. Emits the ack; a refusal errors with a `HubError` of kind `ack`. */
  markAsRead(conversationId: string, messageId: string): Observable<MarkAsReadAck>;
  /** Adds a reaction (`{ messageId, conversationId, emoji }`). Emits the ack; a refusal errors with a `HubError` of kind `ack`. */
  addReaction(request: ChatAddReactionRequest): Observable<ReactionAck>;
  /** Removes a reaction (`{ messageId, emoji }`). Emits the ack; a refusal errors with a `HubError` of kind `ack`. */
  removeReaction(request: ChatRemoveReactionRequest): Observable<ReactionAck>;
}

/** The whole public surface of the notification hub (`client.realtime.notifications`). */
export interface NotificationHub extends HubPort<NotificationHubEventMap> {
  /** Replays the participant ids whose presence is subscribed (and re-subscribed after reconnects). */
  readonly subscribedPresenceIds$: Observable<ReadonlySet<string>>;
  /** The subscribed ids now, synchronously. */
  readonly subscribedPresenceIds: ReadonlySet<string>;
  /** Replays the presence of the subscribed participants. */
  readonly presence$: Observable<PresenceMap>;
  /** Subscribes to the presence of `participantIds` (tracked; 200 ids per call). Emits once (void) when every call succeeded. */
  subscribeToPresence(participantIds: readonly string[]): Observable<void>;
  /** Unsubscribes from their presence (200 ids per call); their entries leave `presence$`. Emits once (void). */
  unsubscribeFromPresence(participantIds: readonly string[]): Observable<void>;
  /** Subscribes every tracked id again (done by itself after a new session); emits the set subscribed again and completes, never errors. */
  resubscribePresence(): Observable<ReadonlySet<string>>;
}
