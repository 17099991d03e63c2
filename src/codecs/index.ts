/**
 * `chat-client-rx/codecs`: io-ts codecs for everything the Chat Gateway sends and accepts, under
 * the seed SDK's type names (each a `const` codec and a `type` of the same name), and the one
 * decode boundary. Pulls in neither SignalR nor axios.
 *
 * @packageDocumentation
 */
export { DecodeError } from './decode-error.js';
export type { DecodeIssue } from './decode-error.js';
export { decodeWith, decodeOrThrow } from './decode-with.js';
export type { DecodeResult } from './decode-with.js';
export type { OrNullC, IsoInstant } from './scalars.js';
export { decodeEach } from './decode-each.js';
export { typeFirst } from './type-first.js';
export { MAX_JSON_DEPTH, pathBeyondDepth } from './json-depth.js';
export {
  nullable,
  optional,
  parseIsoDateTime,
  compareIsoDateTimes,
  IsoDateTime,
  Cursor,
  TimeSpan,
  timeSpanToMilliseconds,
  millisecondsToTimeSpan,
  NonNegativeInteger,
  JsonObject,
} from './scalars.js';
export {
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
} from './common.js';
export {
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
  KnownBlock,
  UnknownBlock,
  Block,
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
  isUnknownBlock,
  plainTextOf,
} from './blocks.js';
export type { KnownBlockType } from './blocks.js';
export { CursorPaginatedResult, PagedResult } from './pagination.js';
export { ProblemDetails, ProxyErrorBody } from './problem-details.js';
export { AuthUserInfo, AuthResponse, GoogleLoginRequest, DsAccountLoginRequest, DevLoginRequest, LoginRequest } from './auth.js';
export { ParticipantDto, CreateOrUpdateParticipantRequest, GetParticipantsBatchRequest } from './participants.js';
export {
  ReactionGroup,
  ReactionSummary,
  MessageDto,
  SendMessageRequest,
  EditMessageRequest,
  DeleteMessageResponse,
  MarkAsReadRequest,
  HistoryDirection,
} from './messages.js';
export {
  ConversationParticipantDto,
  ConversationDto,
  ConversationListItemDto,
  CreateConversationRequest,
  UpdateConversationRequest,
  AddParticipantRequest,
} from './conversations.js';
export { MAX_UPLOAD_BYTES, CreateUploadUrlRequest, CreateUploadUrlResponse, UploadResponse } from './files.js';
export { BotDto, CreateBotResponse, CreateBotRequest, UpdateBotRequest, RegenerateKeyResponse } from './bots.js';
export { HealthCheckResult, HealthStatus } from './health.js';
export {
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
  ChatHubEvents,
} from './chat-hub.js';
export type { ChatHubEventMap, ChatHubEventName } from './chat-hub.js';
export {
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
  PresenceIds,
  MAX_PRESENCE_IDS_PER_CALL,
  NotificationHubEvents,
} from './notification-hub.js';
export type { NotificationHubEventMap, NotificationHubEventName } from './notification-hub.js';
