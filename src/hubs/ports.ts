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
  joinConversation(conversationId: string): Observable<void>;
  leaveConversation(conversationId: string): Observable<void>;
  sendMessage(request: ChatSendMessageRequest): Observable<SendMessageAck>;
  startTyping(conversationId: string): Observable<void>;
  stopTyping(conversationId: string): Observable<void>;
}

/** The whole public surface of the chat hub (`client.realtime.chat`): the port plus every other invocation. */
export interface ChatHub extends ChatHubPort {
  /** Joins every tracked conversation again; emits the set joined. */
  rejoinConversations(): Observable<ReadonlySet<string>>;
  editMessage(request: ChatEditMessageRequest): Observable<EditMessageAck>;
  deleteMessage(request: ChatDeleteMessageRequest): Observable<DeleteMessageAck>;
  recoverMessage(request: ChatRecoverMessageRequest): Observable<RecoverMessageAck>;
  markAsRead(conversationId: string, messageId: string): Observable<MarkAsReadAck>;
  addReaction(request: ChatAddReactionRequest): Observable<ReactionAck>;
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
  subscribeToPresence(participantIds: readonly string[]): Observable<void>;
  unsubscribeFromPresence(participantIds: readonly string[]): Observable<void>;
  resubscribePresence(): Observable<ReadonlySet<string>>;
}
