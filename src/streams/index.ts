/**
 * Scanned state built on the hubs and REST: bot stream accumulation, timelines, typing, the
 * conversation list, and the operators they are made of.
 */
export {
  accumulateStreams,
  botStreamEvents,
  createBotStreamsState,
  initialBotStreamsState,
  reduceBotStreams,
} from './accumulate-stream.js';
export type {
  AccumulateStreamsOptions,
  ActiveStream,
  BotStream,
  BotStreamEvent,
  BotStreamLimits,
  BotStreamPhase,
  BotStreamsState,
  StreamEventSource,
} from './accumulate-stream.js';
export {
  compareConversations,
  messageDtoOf,
  previewMessageDto,
  reduceConversationList,
  reduceConversationListState,
  INITIAL_CONVERSATION_LIST_STATE,
} from './conversation-list.js';
export type { ConversationListAction, ConversationListState, ConversationListStatus } from './conversation-list.js';
export { distinctById } from './distinct-by-id.js';
export { ParticipantNames, ParticipantNamesError, withSenderName } from './participant-names.js';
export type { ParticipantBatchSource, ParticipantNamesOptions } from './participant-names.js';
export { JoinRegistry } from './join-registry.js';
export type { JoinHooks } from './join-registry.js';
export { ConversationFeed } from './conversation-feed.js';
export type { GapHistoryApi, PagesSinceOptions } from './gap-recovery.js';
export type { ConversationFeedDeps, FeedEvent } from './conversation-feed.js';
export { DEFAULT_GAP_LEDGER_LIMITS, emptyGapLedger, isGiven, missedIds, newestGiven, reduceGapLedger } from './gap-ledger.js';
export type { GapLedger, GapLedgerEntry, GapLedgerEvent, GapLedgerLimits } from './gap-ledger.js';
export { outgoingTyping } from './outgoing-typing.js';
export type { OutgoingTypingOptions } from './outgoing-typing.js';
export { Timeline } from './timeline.js';
export type { SendOptions, TimelineDeps, TimelineHistoryApi, TimelineOptions, TimelineSnapshot, TimelineStatus } from './timeline.js';
export { fromChatMessageDto, fromMessageDto, localMessage } from './timeline-message.js';
export type { DeliveryStatus, LocalMessageFields, TimelineMessage } from './timeline-message.js';
export type { ReadReceipt } from './timeline-state.js';
export { trackTyping } from './track-typing.js';
export type { TrackTypingOptions, TypingParticipant } from './track-typing.js';
