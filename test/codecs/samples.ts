/**
 * Realistic, valid sample values for every codec exported by `src/codecs/index.ts`, as the Chat
 * Gateway sends or accepts them: ULID ids, `"<UnixMs>_<ULID>"` cursors, ISO 8601 dates, .NET
 * TimeSpan strings.
 *
 * `samples` is typed so that it must have one entry per codec-valued export (the compiler
 * rejects a missing or extra key); `codecs.spec.ts` checks the same at run time. Samples are
 * shared: tests that change one must work on a copy (`clone`).
 */
import type * as t from 'io-ts';
import type * as C from '../../src/codecs/index.js';

/** Names of the exports of `src/codecs/index.ts` whose value is an io-ts codec. */
export type CodecName = {
  [K in keyof typeof C]: (typeof C)[K] extends t.Any ? K : never;
}[keyof typeof C];

/** A deep copy of a JSON-like sample, safe to mutate. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}

// ---- ids, dates, cursors ----

export const ids = {
  alice: '01JRZ8M4Q7X9V2K5T3N6P0W1YH',
  bob: '01JRZ8M5A2B3C4D5E6F7G8H9JK',
  carol: '01JRZ8M6RSTVWXYZ0123456789',
  weatherBot: '01JRZ8M7BTWEATHER0000000AB',
  botRecord: '01JRZ8M8BTREC0000000000001',
  conversation: '01JRZ9C0NVGR0UP00000000001',
  directConversation: '01JRZ9C1NV1T01000000000002',
  message: '01JRZABC1234567890ABCDEFGH',
  reply: '01JRZABD1234567890ABCDEFGJ',
  streamedMessage: '01JRZABE1234567890ABCDEFGK',
  stream: '01JRZSTR34567890ABCDEFGHJK',
} as const;

export const isoDates = {
  created: '2025-03-26T15:30:00Z',
  edited: '2025-03-26T15:31:12.345Z',
  deleted: '2025-03-26T15:45:00Z',
  joined: '2025-03-01T09:00:00Z',
  read: '2025-03-26T15:32:00Z',
  expires: '2025-03-27T15:30:00Z',
} as const;

export const cursor = `1743004200000_${ids.message}`;

// ---- common ----

export const mediaReference: C.MediaReference = { storageKey: 'uploads/2025/03/26/01JRZF1LE0000000000000PHOT.jpg' };
export const externalMedia: C.MediaReference = { url: 'https://cdn.example.com/images/harbour-1024.jpg' };
export const avatar: C.MediaReference = { storageKey: 'avatars/01JRZ8M4Q7X9V2K5T3N6P0W1YH.png' };

export const quickReply: C.QuickReply = { label: 'Show forecast', action: 'Postback', value: 'forecast:tomorrow', icon: null };
export const urlQuickReply: C.QuickReply = { label: 'Open radar', action: 'Url', value: 'https://weather.example.com/radar', icon: 'map' };

export const userMention: C.Mention = { type: 'User', targetId: ids.bob, displayName: 'Bob Nguyen', offset: 0, length: 4 };
export const allMention: C.Mention = { type: 'All', targetId: null, displayName: 'all', offset: null, length: null };

export const systemEventInfo: C.SystemEventInfo = {
  type: 'MemberAdded',
  actorId: ids.alice,
  targetIds: [ids.carol],
  metadata: { source: 'invite-link' },
};

export const systemEventDto: C.SystemEventDto = {
  type: 'MemberAdded',
  actorId: ids.alice,
  targetIds: [ids.carol],
  actorName: 'Alice Tran',
  targetNames: ['Carol Le'],
};

// ---- blocks ----

export const actionButton: C.ActionButton = {
  label: 'Book a table',
  action: 'Url',
  value: 'https://harbour.example.com/book',
  style: 'Primary',
};
export const cardField: C.CardField = { label: 'Opening hours', value: '11:00-22:00' };
export const choiceOption: C.ChoiceOption = { label: 'Saturday', value: 'sat', selected: false };

export const textBlock: C.TextBlock = { $type: 'text', format: 'Plain', content: 'Lunch at noon?', plainText: null };
export const markdownBlock: C.TextBlock = {
  $type: 'text',
  format: 'Markdown',
  content: '**Lunch** at _noon_?',
  plainText: 'Lunch at noon?',
};
export const imageBlock: C.ImageBlock = {
  $type: 'image',
  source: mediaReference,
  thumbnail: { storageKey: 'uploads/2025/03/26/01JRZF1LE0000000000000PHOT.thumb.jpg' },
  altText: 'The harbour at sunset',
  width: 1024,
  height: 768,
  caption: 'View from the terrace',
  fileSizeBytes: 245_760,
};
export const videoBlock: C.VideoBlock = {
  $type: 'video',
  source: { url: 'https://cdn.example.com/videos/demo.mp4' },
  thumbnail: null,
  caption: 'Product demo',
  durationSeconds: 92.5,
  mimeType: 'video/mp4',
  fileSizeBytes: 18_874_368,
};
export const audioBlock: C.AudioBlock = {
  $type: 'audio',
  source: { storageKey: 'uploads/2025/03/26/voice-note.ogg' },
  durationSeconds: 14,
  mimeType: 'audio/ogg',
  transcript: 'Running ten minutes late, start without me.',
  fileSizeBytes: 56_320,
};
export const fileBlock: C.FileBlock = {
  $type: 'file',
  source: { storageKey: 'uploads/2025/03/26/q1-report.pdf' },
  fileName: 'Q1 report.pdf',
  mimeType: 'application/pdf',
  fileSizeBytes: 1_048_576,
};
export const linkPreviewBlock: C.LinkPreviewBlock = {
  $type: 'linkPreview',
  url: 'https://harbour.example.com/menu',
  title: 'Harbour Kitchen - Menu',
  description: 'Seasonal seafood by the water.',
  image: externalMedia,
  siteName: 'Harbour Kitchen',
};
export const embedBlock: C.EmbedBlock = {
  $type: 'embed',
  url: 'https://www.youtube.com/embed/dQw4w9WgXcQ',
  html: '<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ" allowfullscreen></iframe>',
  width: 560,
  height: 315,
};
export const locationBlock: C.LocationBlock = {
  $type: 'location',
  latitude: 10.7769,
  longitude: 106.7009,
  name: 'Ben Thanh Market',
  address: 'Le Loi, District 1, Ho Chi Minh City',
};
export const contactBlock: C.ContactBlock = {
  $type: 'contact',
  displayName: 'Dr. Minh Pham',
  phone: '+84 28 3822 1234',
  email: 'minh.pham@clinic.example.com',
  organization: null,
};
export const choiceBlock: C.ChoiceBlock = {
  $type: 'choice',
  prompt: 'Which day works for the team dinner?',
  options: [choiceOption, { label: 'Sunday', value: 'sun', selected: true }],
  mode: 'Single',
  submitted: false,
};
export const cardBlock: C.CardBlock = {
  $type: 'card',
  title: 'Harbour Kitchen',
  subtitle: 'Seafood · $$',
  image: externalMedia,
  fields: [cardField, { label: 'Rating', value: '4.7' }],
  buttons: [actionButton, { label: 'Call', action: 'Call', value: '+842838221234', style: 'Default' }],
};
export const carouselBlock: C.CarouselBlock = {
  $type: 'carousel',
  cards: [cardBlock, { $type: 'card', title: 'Noodle Bar', subtitle: null, image: null, fields: null, buttons: null }],
};
export const dividerBlock: C.DividerBlock = { $type: 'divider' };
export const customBlock: C.CustomBlock = {
  $type: 'custom',
  type: 'weather.forecast',
  data: { city: 'Da Nang', days: [{ date: '2025-03-27', highC: 31, lowC: 24 }] },
};
/** A block a newer server might send: its `$type` is not one this version knows. */
export const unknownBlock: C.UnknownBlock = {
  $type: 'poll',
  question: 'Pizza or pho?',
  options: ['Pizza', 'Pho'],
  allowsMultiple: false,
  closesAt: '2025-03-27T12:00:00Z',
};

/** One valid sample of each of the 14 known block kinds, keyed by `$type`. */
export const knownBlocks = {
  text: textBlock,
  image: imageBlock,
  video: videoBlock,
  audio: audioBlock,
  file: fileBlock,
  linkPreview: linkPreviewBlock,
  embed: embedBlock,
  location: locationBlock,
  contact: contactBlock,
  choice: choiceBlock,
  card: cardBlock,
  carousel: carouselBlock,
  divider: dividerBlock,
  custom: customBlock,
} as const satisfies { [K in C.KnownBlockType]: Extract<C.KnownBlock, { $type: K }> };

// ---- REST messages ----

export const reactionGroup: C.ReactionGroup = { emoji: '👍', count: 2, participantIds: [ids.bob, ids.carol] };
export const reactionSummary: C.ReactionSummary = {
  groups: [reactionGroup, { emoji: '🎉', count: 1, participantIds: [ids.alice] }],
  totalCount: 3,
};

/** A message as the REST API returns it. */
export const messageDto: C.MessageDto = {
  id: ids.message,
  conversationId: ids.conversation,
  senderId: ids.alice,
  senderType: 'User',
  timestamp: isoDates.created,
  blocks: [markdownBlock, imageBlock],
  plainTextIndex: 'Lunch at noon?',
  replyToMessageId: null,
  quickReplies: null,
  isEdited: true,
  editedAt: isoDates.edited,
  isDeleted: false,
  deletedAt: null,
  reactionSummary,
  mentions: [userMention],
  createdAt: isoDates.created,
  updatedAt: isoDates.edited,
  clientMessageId: 'c7a1e2f0-6b1d-4a8e-9f3c-2d5b8e7a9c10',
  systemEvent: null,
};

/** A REST system message (member added). */
export const systemMessageDto: C.MessageDto = {
  ...messageDto,
  id: ids.reply,
  senderId: ids.alice,
  senderType: 'System',
  blocks: [],
  plainTextIndex: null,
  isEdited: false,
  editedAt: null,
  reactionSummary: null,
  mentions: null,
  clientMessageId: null,
  systemEvent: systemEventInfo,
};

export const sendMessageRequest: C.SendMessageRequest = {
  blocks: [textBlock],
  replyToMessageId: ids.message,
  mentions: [userMention],
  clientMessageId: 'b3f8d2a4-1c6e-4f7a-8d9b-0e2c4a6f8b1d',
};
export const editMessageRequest: C.EditMessageRequest = { blocks: [markdownBlock], mentions: [] };
export const deleteMessageResponse: C.DeleteMessageResponse = { messageId: ids.message, deletedAt: isoDates.deleted };
export const markAsReadRequest: C.MarkAsReadRequest = { messageId: ids.message };

// ---- auth, participants ----

export const authUserInfo: C.AuthUserInfo = {
  id: ids.alice,
  uniqueName: 'alice.tran',
  fullName: 'Alice Tran',
  avatar: 'https://lh3.googleusercontent.com/a/alice=s96-c',
  role: null,
};
export const authResponse: C.AuthResponse = {
  token: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwMUpSWjhNNFE3WDlWMks1VDNONlAwVzFZSCJ9.c2lnbmF0dXJl',
  expiresAt: isoDates.expires,
  user: authUserInfo,
};
export const participantDto: C.ParticipantDto = {
  id: ids.bob,
  uniqueName: 'bob.nguyen',
  fullName: 'Bob Nguyen',
  isBot: false,
  isOnline: false,
  createdAt: '2025-01-15T08:00:00Z',
  updatedAt: '2025-03-20T11:22:33Z',
  avatar,
  gender: 'male',
  lastSeenAt: '2025-03-26T14:59:00Z',
};

// ---- conversations ----

export const conversationParticipantDto: C.ConversationParticipantDto = {
  participantId: ids.alice,
  joinedAt: isoDates.joined,
  isActive: true,
  isPinned: true,
  unreadCount: 0,
  leftAt: null,
  pinnedAt: '2025-03-02T10:00:00Z',
  lastReadMessageId: ids.message,
  lastReadAt: isoDates.read,
};
export const conversationDto: C.ConversationDto = {
  id: ids.conversation,
  type: 'Group',
  ownerId: ids.alice,
  createdAt: isoDates.joined,
  updatedAt: isoDates.created,
  participants: [
    conversationParticipantDto,
    { participantId: ids.bob, joinedAt: isoDates.joined, isActive: true, isPinned: false, unreadCount: 3 },
  ],
  name: 'Team lunch',
  avatar: { storageKey: 'conversations/01JRZ9C0NVGR0UP00000000001.png' },
  lastMessageAt: isoDates.created,
  lastMessageId: ids.message,
};
export const conversationListItemDto: C.ConversationListItemDto = {
  id: ids.conversation,
  type: 'Group',
  isPinned: true,
  unreadCount: 2,
  participantCount: 3,
  name: 'Team lunch',
  lastMessageAt: isoDates.created,
  lastMessageId: ids.message,
  lastMessage: messageDto,
  pinnedAt: '2025-03-02T10:00:00Z',
};

// ---- files, bots, health ----

export const createUploadUrlResponse: C.CreateUploadUrlResponse = {
  uploadUrl: '/api/files/upload/uploads%2F2025%2F03%2F26%2Fq1-report.pdf',
  storageKey: 'uploads/2025/03/26/q1-report.pdf',
  expiresAt: '2025-03-26T15:45:00Z',
};
export const uploadResponse: C.UploadResponse = {
  downloadUrl: '/api/files/download/uploads%2F2025%2F03%2F26%2Fq1-report.pdf',
  storageKey: 'uploads/2025/03/26/q1-report.pdf',
  fileName: 'Q1 report.pdf',
  contentType: 'application/pdf',
  fileSize: 1_048_576,
  uploadedAt: '2025-03-26T15:31:02Z',
};
export const botDto: C.BotDto = {
  id: ids.botRecord,
  participantId: ids.weatherBot,
  kafkaTopic: 'bots.weather.inbox',
  isActive: true,
  rateLimitPerSecond: 5,
  listenAllGroupMessages: false,
  createdBy: ids.alice,
  createdAt: '2025-02-10T07:45:00Z',
  updatedAt: '2025-03-01T07:45:00Z',
  description: 'Answers weather questions',
  metadata: { owner: 'platform-team', tier: 2 },
};
export const healthCheckResult: C.HealthCheckResult = {
  status: 'Healthy',
  description: 'PostgreSQL reachable',
  duration: '00:00:00.0123456',
  error: null,
};
export const healthStatus: C.HealthStatus = {
  status: 'Degraded',
  totalDuration: '00:00:00.0456789',
  results: {
    postgres: healthCheckResult,
    kafka: { status: 'Degraded', description: null, duration: '00:00:00.0333333', error: 'Broker 2 not reachable' },
  },
};

// ---- chat hub ----

export const reactionGroupDto: C.ReactionGroupDto = { emoji: '❤️', count: 1, participantIds: [ids.bob] };

/** A message as the chat hub sends it. */
export const chatMessageDto: C.ChatMessageDto = {
  id: ids.message,
  conversationId: ids.conversation,
  senderId: ids.alice,
  senderName: 'Alice Tran',
  senderType: 'User',
  blocks: [textBlock, fileBlock],
  plainTextContent: 'Lunch at noon?',
  replyToMessageId: null,
  quickReplies: null,
  isEdited: false,
  reactions: [reactionGroupDto],
  mentions: null,
  createdAt: isoDates.created,
  updatedAt: null,
  clientMessageId: 'c7a1e2f0-6b1d-4a8e-9f3c-2d5b8e7a9c10',
  systemEvent: null,
  senderAvatar: avatar,
};

/** A bot's reply with a card, quick replies and a system-free body. */
export const botChatMessageDto: C.ChatMessageDto = {
  id: ids.streamedMessage,
  conversationId: ids.conversation,
  senderId: ids.weatherBot,
  senderName: 'Weather Bot',
  senderType: 'Bot',
  blocks: [{ $type: 'text', format: 'Plain', content: 'Sunny, 31°C in Da Nang tomorrow.', plainText: null }, customBlock],
  plainTextContent: 'Sunny, 31°C in Da Nang tomorrow.',
  replyToMessageId: ids.message,
  quickReplies: [quickReply, urlQuickReply],
  isEdited: false,
  reactions: null,
  mentions: null,
  createdAt: '2025-03-26T15:30:05Z',
  updatedAt: null,
  clientMessageId: null,
  systemEvent: null,
};

export const messageUpdatedDto: C.MessageUpdatedDto = {
  messageId: ids.message,
  conversationId: ids.conversation,
  blocks: [markdownBlock],
  plainTextContent: 'Lunch at noon?',
  updatedAt: isoDates.edited,
  mentions: [allMention],
};
export const messageDeletedDto: C.MessageDeletedDto = {
  messageId: ids.message,
  conversationId: ids.conversation,
  deleteType: 'recall',
  deletedBy: ids.alice,
  deletedAt: isoDates.deleted,
};
export const reactionAddedDto: C.ReactionAddedDto = {
  messageId: ids.message,
  conversationId: ids.conversation,
  participantId: ids.bob,
  participantName: 'Bob Nguyen',
  emoji: '👍',
  createdAt: '2025-03-26T15:33:00Z',
};
export const reactionRemovedDto: C.ReactionRemovedDto = {
  messageId: ids.message,
  conversationId: ids.conversation,
  participantId: ids.bob,
  participantName: 'Bob Nguyen',
  emoji: '👍',
  removedAt: '2025-03-26T15:34:00Z',
};
export const typingDto: C.TypingDto = { conversationId: ids.conversation, participantId: ids.bob, participantName: 'Bob Nguyen' };
export const readReceiptUpdatedDto: C.ReadReceiptUpdatedDto = {
  conversationId: ids.conversation,
  participantId: ids.bob,
  lastReadMessageId: ids.message,
  readAt: isoDates.read,
};
export const streamStartedDto: C.StreamStartedDto = {
  streamId: ids.stream,
  messageId: ids.streamedMessage,
  conversationId: ids.conversation,
  senderId: ids.weatherBot,
  senderName: 'Weather Bot',
  startedAt: '2025-03-26T15:30:01Z',
  replyToMessageId: ids.message,
};
export const streamStatusUpdatedDto: C.StreamStatusUpdatedDto = {
  streamId: ids.stream,
  messageId: ids.streamedMessage,
  conversationId: ids.conversation,
  status: 'searching',
  updatedAt: '2025-03-26T15:30:02Z',
  detail: 'Looking up the forecast for Da Nang',
};
export const streamChunkReceivedDto: C.StreamChunkReceivedDto = {
  streamId: ids.stream,
  messageId: ids.streamedMessage,
  conversationId: ids.conversation,
  text: 'Sunny, 31°C',
  chunkIndex: 0,
};
export const streamCompletedDto: C.StreamCompletedDto = {
  streamId: ids.stream,
  messageId: ids.streamedMessage,
  conversationId: ids.conversation,
  message: botChatMessageDto,
  completedAt: '2025-03-26T15:30:05Z',
};
export const streamAbortedDto: C.StreamAbortedDto = {
  streamId: ids.stream,
  messageId: ids.streamedMessage,
  conversationId: ids.conversation,
  reason: 'bot_timeout',
  abortedAt: '2025-03-26T15:31:00Z',
};
export const hubErrorDto: C.HubErrorDto = {
  code: 'RATE_LIMITED',
  message: 'Too many messages, slow down.',
  details: { retryAfterMs: 1500 },
};

// ---- notification hub ----

export const presenceStateItem: C.PresenceStateItem = { participantId: ids.bob, isOnline: false, lastSeenAt: '2025-03-26T14:59:00Z' };
export const presenceChangedDto: C.PresenceChangedDto = { participantId: ids.carol, isOnline: true, lastSeenAt: null };
export const newMessageNotificationDto: C.NewMessageNotificationDto = {
  conversationId: ids.conversation,
  conversationType: 'Group',
  messageId: ids.message,
  senderId: ids.alice,
  senderName: 'Alice Tran',
  contentPreview: 'Lunch at noon?',
  sentAt: isoDates.created,
  conversationName: 'Team lunch',
  senderAvatar: avatar,
};
export const mentionedNotificationDto: C.MentionedNotificationDto = {
  conversationId: ids.conversation,
  messageId: ids.message,
  senderId: ids.alice,
  senderName: 'Alice Tran',
  contentPreview: '@Bob lunch at noon?',
  sentAt: isoDates.created,
};
export const unreadCountChangedDto: C.UnreadCountChangedDto = {
  conversationId: ids.conversation,
  unreadCount: 4,
  lastMessageAt: isoDates.created,
  lastMessageId: ids.message,
};
export const conversationCreatedDto: C.ConversationCreatedDto = {
  conversationId: ids.directConversation,
  type: 'OneToOne',
  participantCount: 2,
};
export const conversationUpdatedDto: C.ConversationUpdatedDto = {
  conversationId: ids.conversation,
  type: 'Group',
  participantCount: 3,
  name: 'Team lunch (Fri)',
  avatar: null,
};
export const participantJoinedDto: C.ParticipantJoinedDto = {
  conversationId: ids.conversation,
  participantId: ids.carol,
  participantName: 'Carol Le',
  changedAt: '2025-03-26T15:20:00Z',
  participantAvatar: { url: 'https://cdn.example.com/avatars/carol.png' },
};
export const participantLeftDto: C.ParticipantLeftDto = {
  conversationId: ids.conversation,
  participantId: ids.bob,
  participantName: 'Bob Nguyen',
  changedAt: '2025-03-26T16:00:00Z',
};
export const readStatusChangedDto: C.ReadStatusChangedDto = {
  conversationId: ids.conversation,
  unreadCount: 0,
  markedAsUnread: false,
  lastReadMessageId: ids.message,
};

// ---- every codec ----

/** One valid sample per codec-valued export of `src/codecs/index.ts`. */
export const samples: { readonly [K in CodecName]: t.TypeOf<(typeof C)[K]> } = {
  // scalars
  IsoDateTime: isoDates.created,
  Cursor: cursor,
  TimeSpan: '00:00:00.0123456',
  NonNegativeInteger: 42,
  JsonObject: { theme: 'dark', notifications: { email: false, push: true } },
  // common
  MediaReference: mediaReference,
  SenderType: 'Bot',
  ConversationType: 'OneToOne',
  QuickReplyAction: 'SendText',
  QuickReply: quickReply,
  MentionType: 'Here',
  Mention: userMention,
  SystemEventType: 'ConversationRenamed',
  SystemEventInfo: systemEventInfo,
  SystemEventDto: systemEventDto,
  // blocks
  TextFormat: 'Markdown',
  ButtonAction: 'Postback',
  ButtonStyle: 'Danger',
  ActionButton: actionButton,
  CardField: cardField,
  ChoiceMode: 'Multiple',
  ChoiceOption: choiceOption,
  TextBlock: markdownBlock,
  ImageBlock: imageBlock,
  VideoBlock: videoBlock,
  AudioBlock: audioBlock,
  FileBlock: fileBlock,
  LinkPreviewBlock: linkPreviewBlock,
  EmbedBlock: embedBlock,
  LocationBlock: locationBlock,
  ContactBlock: contactBlock,
  ChoiceBlock: choiceBlock,
  CardBlock: cardBlock,
  CarouselBlock: carouselBlock,
  DividerBlock: dividerBlock,
  CustomBlock: customBlock,
  KnownBlock: textBlock,
  UnknownBlock: unknownBlock,
  Block: imageBlock,
  // errors
  ProblemDetails: {
    type: 'https://tools.ietf.org/html/rfc9110#section-15.5.1',
    title: 'One or more validation errors occurred.',
    status: 400,
    traceId: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    errors: { ClientMessageId: ['The field ClientMessageId must be a string with a maximum length of 128.'] },
  },
  ProxyErrorBody: { detail: 'Upstream gateway unavailable' },
  // auth
  AuthUserInfo: authUserInfo,
  AuthResponse: authResponse,
  GoogleLoginRequest: { idToken: 'eyJhbGciOiJSUzI1NiIsImtpZCI6Imdvb2dsZSJ9.eyJlbWFpbCI6ImFsaWNlQGV4YW1wbGUuY29tIn0.sig' },
  DsAccountLoginRequest: { token: 'ds_3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c' },
  DevLoginRequest: { username: 'alice.tran', password: 'dev-password' },
  LoginRequest: { username: 'bob.nguyen', password: 'dev-password' },
  // participants
  ParticipantDto: participantDto,
  CreateOrUpdateParticipantRequest: { id: ids.carol, uniqueName: 'carol.le', fullName: 'Carol Le', gender: 'female' },
  GetParticipantsBatchRequest: { ids: [ids.alice, ids.bob, ids.carol] },
  // REST messages
  ReactionGroup: reactionGroup,
  ReactionSummary: reactionSummary,
  MessageDto: messageDto,
  SendMessageRequest: sendMessageRequest,
  EditMessageRequest: editMessageRequest,
  DeleteMessageResponse: deleteMessageResponse,
  MarkAsReadRequest: markAsReadRequest,
  HistoryDirection: 'older',
  // conversations
  ConversationParticipantDto: conversationParticipantDto,
  ConversationDto: conversationDto,
  ConversationListItemDto: conversationListItemDto,
  CreateConversationRequest: { type: 'Group', participantIds: [ids.bob, ids.carol], name: 'Team lunch', avatar },
  UpdateConversationRequest: { name: 'Team lunch (Fri)', avatar: null },
  AddParticipantRequest: { participantId: ids.carol, canViewHistory: false },
  // files
  CreateUploadUrlRequest: { fileName: 'Q1 report.pdf', contentType: 'application/pdf', fileSize: 1_048_576 },
  CreateUploadUrlResponse: createUploadUrlResponse,
  UploadResponse: uploadResponse,
  // bots
  BotDto: botDto,
  CreateBotResponse: { ...botDto, apiKey: 'cgk_live_5f2b9c1d7e3a4b8c9d0e1f2a3b4c5d6e' },
  CreateBotRequest: {
    uniqueName: 'weather-bot',
    fullName: 'Weather Bot',
    kafkaTopic: 'bots.weather.inbox',
    avatar: { url: 'https://cdn.example.com/bots/weather.png' },
    description: 'Answers weather questions',
    rateLimitPerSecond: 5,
    listenAllGroupMessages: false,
  },
  UpdateBotRequest: { description: 'Answers weather and air-quality questions', rateLimitPerSecond: 10 },
  RegenerateKeyResponse: { apiKey: 'cgk_live_0a1b2c3d4e5f60718293a4b5c6d7e8f9' },
  // health
  HealthCheckResult: healthCheckResult,
  HealthStatus: healthStatus,
  // chat hub events
  ReactionGroupDto: reactionGroupDto,
  ChatMessageDto: chatMessageDto,
  MessageUpdatedDto: messageUpdatedDto,
  DeleteType: 'delete',
  MessageDeletedDto: messageDeletedDto,
  ReactionAddedDto: reactionAddedDto,
  ReactionRemovedDto: reactionRemovedDto,
  TypingDto: typingDto,
  ReadReceiptUpdatedDto: readReceiptUpdatedDto,
  StreamStartedDto: streamStartedDto,
  StreamStatusUpdatedDto: streamStatusUpdatedDto,
  StreamChunkReceivedDto: streamChunkReceivedDto,
  StreamCompletedDto: streamCompletedDto,
  StreamAbortedDto: streamAbortedDto,
  HubErrorDto: hubErrorDto,
  // chat hub acks
  SendMessageAck: {
    success: true,
    messageId: ids.message,
    clientMessageId: 'c7a1e2f0-6b1d-4a8e-9f3c-2d5b8e7a9c10',
    createdAt: isoDates.created,
  },
  EditMessageAck: { success: true, messageId: ids.message, editedAt: isoDates.edited },
  DeleteMessageAck: { success: true, messageId: ids.message, deletedAt: isoDates.deleted },
  RecoverMessageAck: { success: false, errorCode: 'RECOVER_WINDOW_EXPIRED', errorMessage: 'Messages can be recovered for 24 hours.' },
  ReactionAck: { success: true, messageId: ids.message, emoji: '👍' },
  MarkAsReadAck: { success: true, conversationId: ids.conversation },
  // chat hub requests
  ChatSendMessageRequest: {
    conversationId: ids.conversation,
    blocks: [textBlock, locationBlock],
    clientMessageId: 'b3f8d2a4-1c6e-4f7a-8d9b-0e2c4a6f8b1d',
  },
  ChatEditMessageRequest: { messageId: ids.message, newBlocks: [markdownBlock], newMentions: [userMention] },
  ChatDeleteMessageRequest: { messageId: ids.message },
  ChatRecoverMessageRequest: { messageId: ids.message },
  ChatAddReactionRequest: { messageId: ids.message, conversationId: ids.conversation, emoji: '🎉' },
  ChatRemoveReactionRequest: { messageId: ids.message, emoji: '🎉' },
  // notification hub
  PresenceStateItem: presenceStateItem,
  PresenceStateDto: [presenceStateItem, { participantId: ids.carol, isOnline: true, lastSeenAt: null }],
  PresenceChangedDto: presenceChangedDto,
  NewMessageNotificationDto: newMessageNotificationDto,
  MentionedNotificationDto: mentionedNotificationDto,
  UnreadCountChangedDto: unreadCountChangedDto,
  ConversationCreatedDto: conversationCreatedDto,
  ConversationUpdatedDto: conversationUpdatedDto,
  ParticipantJoinedDto: participantJoinedDto,
  ParticipantLeftDto: participantLeftDto,
  ConversationPinnedDto: { conversationId: ids.conversation, pinnedAt: '2025-03-26T15:40:00Z' },
  ConversationUnpinnedDto: { conversationId: ids.conversation },
  ReadStatusChangedDto: readStatusChangedDto,
  PresenceIds: [ids.alice, ids.bob, ids.carol],
};

// ---- instances of the generic page codecs ----

/** A page of REST message history (`GET /api/conversations/{id}/messages`). */
export const messagePage: C.CursorPaginatedResult<C.MessageDto> = {
  items: [messageDto, systemMessageDto],
  nextCursor: cursor,
  hasMore: true,
};
/** The last page of the conversation list. */
export const conversationPage: C.CursorPaginatedResult<C.ConversationListItemDto> = {
  items: [conversationListItemDto],
  nextCursor: null,
  hasMore: false,
};
/** A page of bots (`GET /api/bots?page=1&pageSize=20`). */
export const botPage: C.PagedResult<C.BotDto> = { items: [botDto], page: 1, pageSize: 20, totalCount: 1 };

// ---- editing copies by dotted path (`blocks.0.content`) ----

function walk(root: unknown, path: string): { parent: Record<string, unknown> | unknown[]; key: string } {
  const keys = path.split('.');
  const last = keys.pop();
  if (last === undefined || last === '') throw new Error(`empty path "${path}"`);
  let node: unknown = root;
  for (const key of keys) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) {
      throw new Error(`sample has no "${key}" on the way to "${path}"`);
    }
    node = (node as Record<string, unknown>)[key];
  }
  if (typeof node !== 'object' || node === null) throw new Error(`"${path}" has no object parent`);
  return { parent: node as Record<string, unknown> | unknown[], key: last };
}

/** A copy of `value` without the field at `path` (which must exist). */
export function withoutPath<T>(value: T, path: string): unknown {
  const copy = clone(value);
  const { parent, key } = walk(copy, path);
  if (!Object.hasOwn(parent, key)) throw new Error(`sample has no "${path}" to remove`);
  delete (parent as Record<string, unknown>)[key];
  return copy;
}

/** A copy of `value` with the field at `path` (whose parent must exist) set to `field`. */
export function withPath<T>(value: T, path: string, field: unknown): unknown {
  const copy = clone(value);
  const { parent, key } = walk(copy, path);
  (parent as Record<string, unknown>)[key] = field;
  return copy;
}
