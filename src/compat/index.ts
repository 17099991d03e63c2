/**
 * `chat-client-rx/compat`: the public API of the Promise SDK `@manonero/chat-client-sdk`, built on
 * the reactive client — switch by changing the import path.
 *
 * ```ts
 * // import { ChatClient, ChatApiError } from '@manonero/chat-client-sdk';
 * import { ChatClient, ChatApiError } from 'chat-client-rx/compat';
 * ```
 *
 * The same class, method and type names; Promises where the seed had Promises; callbacks with
 * `on(event, handler)` returning an `Unsubscribe`, and `off(event, handler)`. Everything runs on
 * the reactive client (`client.rx`), whose transport, reconnects and decoding it shares.
 *
 * The types are the seed's own, transcribed from its README (`types-*.ts`): an optional member is
 * `x?: T`, `Block` is the union of its 14 kinds. The values are made to match them: every value
 * compat hands out — REST results, hub event payloads, acks, `currentUser` — goes through one
 * pure normalisation, `toSeed` (`to-seed.ts`), after the reactive client decoded it:
 * - a `null` in an optional member the seed types without `null` (the server writes every unset
 *   member as `null`) becomes an absent member, deep (nested DTOs, lists, blocks);
 * - a `null` the seed's type admits (`plainTextIndex: string | null`, `lastSeenAt?: string | null`)
 *   stays, and so does every other member as the server sent it (required ones included);
 * - a block of a `$type` the seed does not know (a newer server's `UnknownBlock`) is **dropped**,
 *   with a warning on the logger the first time each `$type` is dropped. Dropped rather than
 *   passed off as the closest seed block (a `CustomBlock`): that would show the application a
 *   block the server never sent, and an edit or forward would write it back. `client.rx` keeps
 *   the block.
 *
 * Where it differs from the seed, on purpose:
 * - a hub's first `connect()` is retried like any reconnect (2 s, 5 s, 10 s…, 20 attempts;
 *   `state` is `Connecting` meanwhile) instead of failing at the first refusal; a refused token
 *   still rejects at once;
 * - `setToken()` reaches the hubs on their next connection attempt (the automatic reconnects
 *   included); the seed's disconnect → setToken → connect still works, handlers kept;
 * - payloads are decoded: one that does not match its DTO is dropped (see `client.rx.errors$`),
 *   and an unknown event name given to `on()` throws at once; the values are normalised (above):
 *   a `null` the seed's types do not admit is absent, a block of an unknown `$type` is dropped;
 * - `getHistory`, `list` and `bots.list` accept a parameter given as `undefined` (left out);
 * - arguments are checked before anything is sent (a numeric cursor, an empty id, a file over
 *   50 MB, a hub message over 32 KB…): the Promise rejects with an `InvalidArgumentError`;
 * - `subscribeToPresence` takes any number of ids (sent 200 per call);
 * - a handler or progress callback that throws is reported (console or `logger`) and the others
 *   still run;
 * - `ReconnectionManager` tells a refused token by its HTTP status, not by "401" in a message,
 *   and asks `onTokenExpired` once for hubs that need it together;
 * - `joinedConversations` / `subscribedPresenceIds` are copies.
 *
 * Named exports only; not re-exported from the package root.
 *
 * @example
 * ```ts
 * import { ChatClient } from 'chat-client-rx/compat';
 *
 * const client = new ChatClient({ baseUrl: 'https://chat-api.example.com' });
 * await client.auth.loginWithDev('devuser', 'devpass');
 * await client.realtime.chat.connect();
 * const unsub = client.realtime.chat.on('messageReceived', (msg) => console.log(msg.plainTextContent));
 * ```
 *
 * @packageDocumentation
 */

// ---- the facade
export { ChatClient } from './chat-client.js';
export type { ChatClientOptions, ChatClientRealtime, ChatClientSignalrOptions } from './chat-client.js';

// ---- REST
export { AuthApi, ConversationApi, MessageApi, ParticipantApi } from './chat-apis.js';
export { BotApi, FileApi, HealthApi, ProxyApi } from './service-apis.js';
export type { ProxyRequestInit } from './service-apis.js';
export type { UploadProgressCallback } from './promise.js';
export { HttpClient } from './http-client.js';
export type { HttpClientOptions, HttpRequestOptions, HttpResult } from './http-client.js';
export { ChatApiError } from './chat-api-error.js';
export type { UploadBody } from '../http/index.js';

// ---- hubs
export { ChatHubClient } from './chat-hub-client.js';
export type { ChatHubClientOptions, ChatHubEventMap } from './chat-hub-client.js';
export { NotificationHubClient } from './notification-hub-client.js';
export type { NotificationHubClientOptions, NotificationHubEventMap } from './notification-hub-client.js';
export { CompatHubBase } from './hub-base.js';
export type { ConnectionLifecycleEventMap, EventShapes, WrapHubOptions } from './hub-base.js';
export { ReconnectionManager } from './reconnection-manager.js';
export type { ReconnectableHub, ReconnectionManagerOptions } from './reconnection-manager.js';
export { HubError } from '../hubs/index.js';
export { HubConnectionState, LogLevel } from '@microsoft/signalr';

// ---- events
export { TypedEventEmitter } from './typed-event-emitter.js';
export type { EventHandler, TypedEventEmitterOptions, Unsubscribe } from './typed-event-emitter.js';

// ---- errors thrown for unusable arguments (a rejection of the compat Promises)
export { ArgumentRangeError, InvalidArgumentError } from '../core/index.js';

// ---- block guards (typed on the seed's Block)
export {
  isTextBlock,
  isImageBlock,
  isVideoBlock,
  isAudioBlock,
  isFileBlock,
  isLinkPreviewBlock,
  isEmbedBlock,
  isLocationBlock,
  isContactBlock,
  isChoiceBlock,
  isCardBlock,
  isCarouselBlock,
  isDividerBlock,
  isCustomBlock,
} from './types-blocks.js';

// ---- the seed's types, transcribed from its README (every value compat hands out is brought to them by `toSeed`)
export type {
  MediaReference,
  SenderType,
  ConversationType,
  QuickReplyAction,
  QuickReply,
  MentionType,
  Mention,
  SystemEventType,
  SystemEventInfo,
  SystemEventDto,
  CursorPaginatedResult,
  PagedResult,
  ProblemDetails,
  JsonObject,
} from './types-common.js';
export type {
  TextFormat,
  ButtonAction,
  ButtonStyle,
  ActionButton,
  CardField,
  ChoiceMode,
  ChoiceOption,
  TextBlock,
  ImageBlock,
  VideoBlock,
  AudioBlock,
  FileBlock,
  LinkPreviewBlock,
  EmbedBlock,
  LocationBlock,
  ContactBlock,
  ChoiceBlock,
  CardBlock,
  CarouselBlock,
  DividerBlock,
  CustomBlock,
  Block,
} from './types-blocks.js';
export type {
  AuthUserInfo,
  AuthResponse,
  GoogleLoginRequest,
  DsAccountLoginRequest,
  DevLoginRequest,
  LoginRequest,
  ParticipantDto,
  CreateOrUpdateParticipantRequest,
  ConversationParticipantDto,
  ConversationDto,
  ConversationListItemDto,
  CreateConversationRequest,
  UpdateConversationRequest,
  AddParticipantRequest,
  ListConversationsParams,
  ReactionGroup,
  ReactionSummary,
  MessageDto,
  SendMessageRequest,
  EditMessageRequest,
  DeleteMessageResponse,
  MarkAsReadRequest,
  HistoryDirection,
  GetHistoryParams,
  CreateUploadUrlRequest,
  CreateUploadUrlResponse,
  UploadResponse,
  BotDto,
  CreateBotResponse,
  CreateBotRequest,
  UpdateBotRequest,
  RegenerateKeyResponse,
  ListBotsParams,
  HealthCheckResult,
  HealthStatus,
} from './types-rest.js';
export type {
  ReactionGroupDto,
  ChatMessageDto,
  MessageUpdatedDto,
  DeleteType,
  MessageDeletedDto,
  ReactionAddedDto,
  ReactionRemovedDto,
  TypingDto,
  ReadReceiptUpdatedDto,
  StreamStartedDto,
  StreamStatusUpdatedDto,
  StreamChunkReceivedDto,
  StreamCompletedDto,
  StreamAbortedDto,
  HubErrorDto,
  SendMessageAck,
  EditMessageAck,
  DeleteMessageAck,
  RecoverMessageAck,
  ReactionAck,
  MarkAsReadAck,
  ChatSendMessageRequest,
  ChatEditMessageRequest,
  ChatDeleteMessageRequest,
  ChatRecoverMessageRequest,
  ChatAddReactionRequest,
  ChatRemoveReactionRequest,
  PresenceStateItem,
  PresenceStateDto,
  PresenceChangedDto,
  NewMessageNotificationDto,
  MentionedNotificationDto,
  UnreadCountChangedDto,
  ConversationCreatedDto,
  ConversationUpdatedDto,
  ParticipantJoinedDto,
  ParticipantLeftDto,
  ConversationPinnedDto,
  ConversationUnpinnedDto,
  ReadStatusChangedDto,
  ChatHubServerEventMap,
  NotificationHubServerEventMap,
} from './types-hubs.js';
