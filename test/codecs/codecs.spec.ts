import { expect } from 'chai';
import { either } from 'fp-ts';
import * as t from 'io-ts';
import * as C from '../../src/codecs/index.js';
import {
  botPage,
  chatMessageDto,
  clone,
  conversationPage,
  cursor,
  imageBlock,
  knownBlocks,
  markdownBlock,
  messageDto,
  messagePage,
  samples,
  textBlock,
  unknownBlock,
  withPath,
  withoutPath,
  type CodecName,
} from './samples.js';

// ---------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------

/** A way to break a valid sample, and the issue the decoder must then report. */
interface Breakage {
  readonly label: string;
  readonly make: (sample: unknown) => unknown;
  readonly path: string;
  readonly expected: string;
  /** The value the issue must report as received (`undefined` for a removed field). */
  readonly actual: unknown;
  /** Patterns the issue's `message` must match (when the codec explains itself). */
  readonly message?: readonly RegExp[];
}

/** Remove the field at `path`. */
const rm = (path: string, expected: string): Breakage => ({
  label: `without ${path}`,
  make: (sample) => withoutPath(sample, path),
  path,
  expected,
  actual: undefined,
});

/** Set the field at `path` to a wrong-typed `value`. */
const set = (path: string, value: unknown, expected: string, message?: readonly RegExp[]): Breakage => ({
  label: `${path} = ${JSON.stringify(value)}`,
  make: (sample) => withPath(sample, path, value),
  path,
  expected,
  actual: value,
  ...(message !== undefined ? { message } : {}),
});

/** Replace the whole value. */
const whole = (value: unknown, expected: string, message?: readonly RegExp[]): Breakage => ({
  label: `the value ${JSON.stringify(value)}`,
  make: () => clone(value),
  path: '',
  expected,
  actual: value,
  ...(message !== undefined ? { message } : {}),
});

function decodeLeft(codec: t.Any, input: unknown): C.DecodeError {
  const result = C.decodeWith(codec)(input);
  if (either.isRight(result)) {
    throw new Error(`expected ${codec.name} to reject ${JSON.stringify(input)}, it decoded`);
  }
  return result.left;
}

function decodeRight(codec: t.Any, input: unknown): unknown {
  const result = C.decodeWith(codec)(input);
  if (either.isLeft(result)) throw new Error(`expected ${codec.name} to accept the value: ${result.left.message}`);
  return result.right;
}

function issueAt(error: C.DecodeError, path: string): C.DecodeIssue {
  const issue = error.issues.find((i) => i.path === path);
  if (issue === undefined) {
    throw new Error(`no issue at "${path}"; issues: ${JSON.stringify(error.issues.map((i) => [i.path, i.expected]))}`);
  }
  return issue;
}

const isPlainObject = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u);

/** A copy of an object sample (or of each object of an array sample) with fields no codec knows; undefined for scalars. */
function withExtraFields(sample: unknown): unknown {
  const extra = { x_futureField: { nested: [1, 2, 3] }, $schemaVersion: 2 };
  if (isPlainObject(sample)) return { ...clone(sample), ...extra };
  if (Array.isArray(sample) && sample.length > 0 && sample.every(isPlainObject)) {
    return sample.map((item: Record<string, unknown>) => ({ ...clone(item), ...extra }));
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// the table: every codec-valued export, with how to break its sample
// ---------------------------------------------------------------------------------------------

const cursorNumberMessage = [/cursors are opaque strings/, /a number is not a cursor/];
const timeSpanNumberMessage = [/TimeSpan strings like "00:00:00\.0123456"/, /not numbers/];

const breakages: { readonly [K in CodecName]: readonly Breakage[] } = {
  // scalars
  IsoDateTime: [whole(1743004200000, 'string')],
  Cursor: [whole(1743004200000, 'Cursor', cursorNumberMessage), whole(null, 'Cursor', [/cursors are opaque strings/])],
  TimeSpan: [whole(12.3456, 'TimeSpan', timeSpanNumberMessage), whole('12ms', 'TimeSpan', [/expected a \.NET TimeSpan string/])],
  NonNegativeInteger: [whole(-1, 'NonNegativeInteger'), whole(1.5, 'NonNegativeInteger'), whole('42', 'NonNegativeInteger')],
  JsonObject: [whole(['dark'], 'UnknownRecord'), whole('{}', 'UnknownRecord')],
  // common
  MediaReference: [set('storageKey', 42, 'string | null'), whole('https://cdn.example.com/a.png', 'MediaReference')],
  SenderType: [whole('user', 'SenderType')],
  ConversationType: [whole('Direct', 'ConversationType')],
  QuickReplyAction: [whole('Call', 'QuickReplyAction')],
  QuickReply: [rm('value', 'string | null'), set('action', 'Click', 'QuickReplyAction')],
  MentionType: [whole('Channel', 'MentionType')],
  Mention: [rm('targetId', 'string | null'), set('offset', '0', 'number | null')],
  SystemEventType: [whole('MemberJoined', 'SystemEventType')],
  SystemEventInfo: [rm('actorId', 'string | null'), set('targetIds.0', 7, 'string')],
  SystemEventDto: [set('actorName', 7, 'string | null'), rm('type', 'SystemEventType')],
  // blocks
  TextFormat: [whole('markdown', 'TextFormat')],
  ButtonAction: [whole('Link', 'ButtonAction')],
  ButtonStyle: [whole('Secondary', 'ButtonStyle')],
  ActionButton: [rm('style', 'ButtonStyle'), rm('value', 'string | null')],
  CardField: [rm('value', 'string')],
  ChoiceMode: [whole('single', 'ChoiceMode')],
  ChoiceOption: [set('selected', 'false', 'boolean')],
  TextBlock: [rm('content', 'string'), set('format', 'Rich', 'TextFormat'), rm('plainText', 'string | null')],
  ImageBlock: [rm('source', 'MediaReference'), set('width', '1024', 'number | null')],
  VideoBlock: [set('durationSeconds', '92.5', 'number | null')],
  AudioBlock: [rm('transcript', 'string | null')],
  FileBlock: [rm('fileName', 'string')],
  LinkPreviewBlock: [rm('url', 'string'), set('image', 'https://cdn.example.com/x.png', 'MediaReference | null')],
  EmbedBlock: [set('html', 42, 'string | null')],
  LocationBlock: [set('latitude', '10.7769', 'number')],
  ContactBlock: [rm('displayName', 'string')],
  ChoiceBlock: [set('options.1.selected', 'yes', 'boolean'), set('mode', 'single', 'ChoiceMode')],
  CardBlock: [set('buttons.0.style', 'Link', 'ButtonStyle'), rm('fields', 'Array<CardField> | null')],
  CarouselBlock: [set('cards.1.title', 5, 'string | null'), set('cards.0.$type', 'text', '"card"')],
  DividerBlock: [set('$type', 'separator', '"divider"')],
  CustomBlock: [rm('type', 'string'), set('data', [1], 'UnknownRecord | null')],
  KnownBlock: [rm('content', 'string'), whole(clone(unknownBlock), 'KnownBlock')],
  UnknownBlock: [whole(clone(textBlock), 'UnknownBlock'), whole({ question: 'Pizza or pho?' }, 'UnknownBlock')],
  Block: [
    rm('source', 'MediaReference'),
    // a block without a string $type is reported at the block itself, with the block as received
    { ...set('$type', 3, 'Block', [/a block needs a string "\$type"/]), path: '', actual: { ...imageBlock, $type: 3 } },
  ],
  // errors
  ProblemDetails: [rm('status', 'number'), set('errors.ClientMessageId', 'too long', 'Array<string>')],
  ProxyErrorBody: [rm('detail', 'string')],
  // auth
  AuthUserInfo: [set('role', 1, 'string | null'), rm('fullName', 'string')],
  AuthResponse: [rm('user.id', 'string'), set('expiresAt', 1743004200, 'string')],
  GoogleLoginRequest: [rm('idToken', 'string')],
  DsAccountLoginRequest: [set('token', null, 'string')],
  DevLoginRequest: [rm('password', 'string')],
  LoginRequest: [{ label: 'an empty body', make: () => ({}), path: 'idToken', expected: 'string', actual: undefined }],
  // participants
  ParticipantDto: [set('isOnline', 'true', 'boolean'), set('avatar', 'https://cdn.example.com/b.png', 'MediaReference | null')],
  CreateOrUpdateParticipantRequest: [rm('uniqueName', 'string')],
  GetParticipantsBatchRequest: [set('ids.1', 42, 'string')],
  // REST messages
  ReactionGroup: [set('count', -1, 'NonNegativeInteger')],
  ReactionSummary: [set('groups.0.participantIds', 'x', 'Array<string>')],
  MessageDto: [
    rm('blocks.0.content', 'string'),
    rm('editedAt', 'string | null'),
    set('senderType', 'Robot', 'SenderType'),
    set('reactionSummary.totalCount', 2.5, 'NonNegativeInteger'),
    {
      ...set('blocks.1.$type', null, 'Block', [/a block needs a string "\$type"/]),
      path: 'blocks.1',
      actual: { ...imageBlock, $type: null },
    },
  ],
  SendMessageRequest: [rm('blocks', 'Array<Block>'), set('clientMessageId', 42, 'string | null')],
  EditMessageRequest: [set('blocks.0', 'hello', 'Block', [/a block must be an object/])],
  DeleteMessageResponse: [rm('deletedAt', 'string')],
  MarkAsReadRequest: [rm('messageId', 'string')],
  HistoryDirection: [whole('Older', 'HistoryDirection')],
  // conversations
  ConversationParticipantDto: [set('unreadCount', -3, 'NonNegativeInteger'), set('lastReadAt', 0, 'string | null')],
  ConversationDto: [set('participants.1.isPinned', 'no', 'boolean'), set('type', 'Direct', 'ConversationType')],
  ConversationListItemDto: [rm('lastMessage.blocks.1.source', 'MediaReference'), rm('participantCount', 'NonNegativeInteger')],
  CreateConversationRequest: [rm('participantIds', 'Array<string>')],
  UpdateConversationRequest: [set('name', 3, 'string | null'), set('avatar', 'x', 'MediaReference | null')],
  AddParticipantRequest: [set('canViewHistory', 'false', 'boolean | null')],
  // files
  CreateUploadUrlRequest: [set('fileSize', '1048576', 'NonNegativeInteger')],
  CreateUploadUrlResponse: [rm('storageKey', 'string')],
  UploadResponse: [set('fileSize', -1, 'NonNegativeInteger')],
  // bots
  BotDto: [set('rateLimitPerSecond', '5', 'number'), set('metadata', 'x', 'UnknownRecord | null')],
  CreateBotResponse: [rm('apiKey', 'string'), rm('kafkaTopic', 'string')],
  CreateBotRequest: [rm('kafkaTopic', 'string')],
  UpdateBotRequest: [set('listenAllGroupMessages', 1, 'boolean | null')],
  RegenerateKeyResponse: [rm('apiKey', 'string')],
  // health
  HealthCheckResult: [set('duration', 12.3456, 'TimeSpan', timeSpanNumberMessage)],
  HealthStatus: [
    set('results.kafka.duration', 33.3333, 'TimeSpan', timeSpanNumberMessage),
    set('totalDuration', '45ms', 'TimeSpan', [/expected a \.NET TimeSpan string/]),
  ],
  // chat hub events
  ReactionGroupDto: [set('participantIds.0', null, 'string')],
  ChatMessageDto: [
    rm('senderName', 'string'),
    rm('blocks.1.fileName', 'string'),
    rm('updatedAt', 'string | null'),
    set('reactions.0.count', '1', 'NonNegativeInteger'),
  ],
  MessageUpdatedDto: [set('blocks.0.content', 42, 'string'), set('mentions', 'x', 'Array<Mention> | null')],
  DeleteType: [whole('soft', 'DeleteType')],
  MessageDeletedDto: [set('deleteType', 'hard', 'DeleteType')],
  ReactionAddedDto: [rm('createdAt', 'string')],
  ReactionRemovedDto: [rm('removedAt', 'string')],
  TypingDto: [rm('participantName', 'string')],
  ReadReceiptUpdatedDto: [rm('lastReadMessageId', 'string')],
  StreamStartedDto: [set('senderAvatar', 'x', 'MediaReference | null')],
  StreamStatusUpdatedDto: [rm('status', 'string')],
  StreamChunkReceivedDto: [set('chunkIndex', -1, 'NonNegativeInteger')],
  StreamCompletedDto: [rm('message.senderName', 'string'), rm('message.blocks.0.content', 'string')],
  StreamAbortedDto: [rm('reason', 'string')],
  HubErrorDto: [set('details', 'x', 'UnknownRecord | null')],
  // acks
  SendMessageAck: [set('success', 'true', 'boolean')],
  EditMessageAck: [rm('success', 'boolean')],
  DeleteMessageAck: [set('deletedAt', 0, 'string | null')],
  RecoverMessageAck: [set('errorCode', 404, 'string | null')],
  ReactionAck: [set('emoji', 3, 'string | null')],
  MarkAsReadAck: [set('conversationId', 1, 'string | null')],
  // hub requests
  ChatSendMessageRequest: [rm('conversationId', 'string'), set('blocks.1.longitude', 'x', 'number')],
  ChatEditMessageRequest: [rm('newBlocks', 'Array<Block>'), set('newMentions.0.type', 'user', 'MentionType')],
  ChatDeleteMessageRequest: [whole('01JRZABC1234567890ABCDEFGH', 'ChatDeleteMessageRequest')],
  ChatRecoverMessageRequest: [rm('messageId', 'string')],
  ChatAddReactionRequest: [rm('conversationId', 'string')],
  ChatRemoveReactionRequest: [rm('emoji', 'string')],
  // notification hub
  PresenceStateItem: [set('isOnline', 'yes', 'boolean')],
  PresenceStateDto: [set('1.participantId', 5, 'string'), whole({}, 'PresenceStateDto')],
  PresenceChangedDto: [set('lastSeenAt', 5, 'string | null')],
  NewMessageNotificationDto: [set('conversationType', 'Channel', 'ConversationType')],
  MentionedNotificationDto: [rm('contentPreview', 'string')],
  UnreadCountChangedDto: [set('unreadCount', '4', 'NonNegativeInteger')],
  ConversationCreatedDto: [rm('participantCount', 'NonNegativeInteger')],
  ConversationUpdatedDto: [set('avatar', 'x', 'MediaReference | null')],
  ParticipantJoinedDto: [rm('changedAt', 'string')],
  ParticipantLeftDto: [rm('participantName', 'string')],
  ConversationPinnedDto: [rm('pinnedAt', 'string')],
  ConversationUnpinnedDto: [set('conversationId', 1, 'string')],
  ReadStatusChangedDto: [set('markedAsUnread', 'false', 'boolean')],
  PresenceIds: [set('2', 3, 'string'), whole(samples.PresenceIds[0], 'PresenceIds')],
};

interface Row {
  readonly name: string;
  readonly codec: t.Any;
  readonly sample: unknown;
  readonly breakages: readonly Breakage[];
}

const exportedRows: readonly Row[] = (Object.keys(breakages) as CodecName[]).map((name) => ({
  name,
  codec: C[name],
  sample: samples[name],
  breakages: breakages[name],
}));

/** Instances of the generic page codecs, named as their codec names itself. */
const genericRows: readonly Row[] = [
  {
    name: 'CursorPaginatedResult<MessageDto>',
    codec: C.CursorPaginatedResult(C.MessageDto),
    sample: messagePage,
    breakages: [
      set('nextCursor', 1743004200000, 'Cursor | null', cursorNumberMessage),
      rm('items.1.systemEvent.type', 'SystemEventType'),
      rm('items.0.blocks.0.content', 'string'),
    ],
  },
  {
    name: 'CursorPaginatedResult<ConversationListItemDto>',
    codec: C.CursorPaginatedResult(C.ConversationListItemDto),
    sample: conversationPage,
    breakages: [rm('hasMore', 'boolean'), rm('nextCursor', 'Cursor | null')],
  },
  {
    name: 'PagedResult<BotDto>',
    codec: C.PagedResult(C.BotDto),
    sample: botPage,
    breakages: [set('page', '1', 'number'), rm('items.0.createdBy', 'string')],
  },
];

const rows: readonly Row[] = [...exportedRows, ...genericRows];

/** Exports whose codec carries another name (aliases of io-ts primitives); all others are named as exported. */
const codecNameAliases: Readonly<Record<string, string>> = { IsoDateTime: 'string', JsonObject: 'UnknownRecord' };

const guards = {
  isTextBlock: C.isTextBlock,
  isImageBlock: C.isImageBlock,
  isVideoBlock: C.isVideoBlock,
  isAudioBlock: C.isAudioBlock,
  isFileBlock: C.isFileBlock,
  isLinkPreviewBlock: C.isLinkPreviewBlock,
  isEmbedBlock: C.isEmbedBlock,
  isLocationBlock: C.isLocationBlock,
  isContactBlock: C.isContactBlock,
  isChoiceBlock: C.isChoiceBlock,
  isCardBlock: C.isCardBlock,
  isCarouselBlock: C.isCarouselBlock,
  isDividerBlock: C.isDividerBlock,
  isCustomBlock: C.isCustomBlock,
  isUnknownBlock: C.isUnknownBlock,
} as const;
type GuardName = keyof typeof guards;
const guardNames = Object.keys(guards) as GuardName[];

// ---------------------------------------------------------------------------------------------

describe('codecs', () => {
  describe('the table', () => {
    it('covers every codec-valued export of src/codecs/index.ts, and nothing else', () => {
      const exported = Object.entries(C)
        .filter(([, value]) => value instanceof t.Type)
        .map(([name]) => name)
        .sort();
      expect(exported.length).to.be.greaterThan(100);
      expect(Object.keys(samples).sort()).to.deep.equal(exported);
      expect(Object.keys(breakages).sort()).to.deep.equal(exported);
    });

    it('has at least one breakage for every codec', () => {
      for (const row of rows) expect(row.breakages, row.name).to.not.be.empty;
    });

    it('names the generic instances as the codecs name themselves', () => {
      for (const row of genericRows) expect(row.codec.name).to.equal(row.name);
    });
  });

  for (const row of rows) {
    describe(row.name, () => {
      it('decodes its valid sample to an equal value', () => {
        const expected = clone(row.sample);
        const result = C.decodeWith(row.codec)(clone(row.sample));
        expect(either.isRight(result), either.isLeft(result) ? result.left.message : '').to.equal(true);
        if (either.isRight(result)) expect(result.right).to.deep.equal(expected);
        expect(row.codec.is(row.sample)).to.equal(true);
        // the io-ts API directly (decodeWith short-cuts valid values through `is`)
        const direct = row.codec.decode(clone(row.sample));
        expect(either.isRight(direct)).to.equal(true);
        if (either.isRight(direct)) expect(direct.right).to.deep.equal(expected);
        expect(row.codec.encode(clone(row.sample))).to.deep.equal(expected);
      });

      const withExtras = withExtraFields(row.sample);
      if (withExtras !== undefined) {
        it('tolerates unknown extra fields', () => {
          expect(decodeRight(row.codec, withExtras)).to.deep.equal(clone(withExtras));
          const direct = row.codec.decode(withExtras);
          expect(either.isRight(direct) ? direct.right : direct.left).to.deep.equal(clone(withExtras));
        });
      }

      for (const breakage of row.breakages) {
        it(`rejects ${breakage.label}: issue at "${breakage.path || '<root>'}" expecting ${breakage.expected}`, () => {
          const input = breakage.make(row.sample);
          const error = decodeLeft(row.codec, input);
          expect(error).to.be.instanceOf(C.DecodeError);
          expect(error.codec).to.equal(codecNameAliases[row.name] ?? row.name);
          expect(error.value).to.equal(input);
          const issue = issueAt(error, breakage.path);
          expect(issue.expected).to.equal(breakage.expected);
          expect(issue.actual).to.deep.equal(breakage.actual);
          for (const pattern of breakage.message ?? []) expect(issue.message).to.match(pattern);
          expect(row.codec.is(input)).to.equal(false);
          expect(either.isLeft(row.codec.decode(input))).to.equal(true);
          expect(() => C.decodeOrThrow(row.codec, input)).to.throw(C.DecodeError);
        });
      }
    });
  }

  describe('hub event maps', () => {
    it('maps every chat hub event to its payload codec', () => {
      const expected: Record<string, CodecName> = {
        messageReceived: 'ChatMessageDto',
        messageUpdated: 'MessageUpdatedDto',
        messageDeleted: 'MessageDeletedDto',
        messageRecovered: 'ChatMessageDto',
        reactionAdded: 'ReactionAddedDto',
        reactionRemoved: 'ReactionRemovedDto',
        typingStarted: 'TypingDto',
        typingStopped: 'TypingDto',
        readReceiptUpdated: 'ReadReceiptUpdatedDto',
        streamStarted: 'StreamStartedDto',
        streamStatusUpdated: 'StreamStatusUpdatedDto',
        streamChunkReceived: 'StreamChunkReceivedDto',
        streamCompleted: 'StreamCompletedDto',
        streamAborted: 'StreamAbortedDto',
        error: 'HubErrorDto',
      };
      expect(Object.keys(C.ChatHubEvents).sort()).to.deep.equal(Object.keys(expected).sort());
      for (const [event, codecName] of Object.entries(expected)) {
        expect(C.ChatHubEvents[event as C.ChatHubEventName], event).to.equal(C[codecName]);
        expect(decodeRight(C.ChatHubEvents[event as C.ChatHubEventName], clone(samples[codecName])), event).to.deep.equal(
          samples[codecName],
        );
      }
    });

    it('maps every notification hub event to its payload codec', () => {
      const expected: Record<string, CodecName> = {
        presenceState: 'PresenceStateDto',
        presenceChanged: 'PresenceChangedDto',
        newMessageNotification: 'NewMessageNotificationDto',
        mentionedNotification: 'MentionedNotificationDto',
        unreadCountChanged: 'UnreadCountChangedDto',
        conversationCreated: 'ConversationCreatedDto',
        conversationUpdated: 'ConversationUpdatedDto',
        participantJoined: 'ParticipantJoinedDto',
        participantLeft: 'ParticipantLeftDto',
        conversationPinned: 'ConversationPinnedDto',
        conversationUnpinned: 'ConversationUnpinnedDto',
        readStatusChanged: 'ReadStatusChangedDto',
        error: 'HubErrorDto',
      };
      expect(Object.keys(C.NotificationHubEvents).sort()).to.deep.equal(Object.keys(expected).sort());
      for (const [event, codecName] of Object.entries(expected)) {
        const codec = C.NotificationHubEvents[event as C.NotificationHubEventName];
        expect(codec, event).to.equal(C[codecName]);
        expect(decodeRight(codec, clone(samples[codecName])), event).to.deep.equal(samples[codecName]);
      }
    });

    it('exports the wire limits', () => {
      expect(C.MAX_UPLOAD_BYTES).to.equal(52_428_800);
      expect(C.MAX_PRESENCE_IDS_PER_CALL).to.equal(200);
    });
  });

  describe('cursors', () => {
    it('rejects a numeric cursor with a message saying cursors are strings', () => {
      const error = decodeLeft(C.CursorPaginatedResult(C.MessageDto), { ...messagePage, nextCursor: 1743004200000 });
      expect(error.issues).to.have.length(1);
      const [issue] = error.issues;
      expect(issue?.path).to.equal('nextCursor');
      expect(issue?.expected).to.equal('Cursor | null');
      expect(issue?.actual).to.equal(1743004200000);
      expect(issue?.message).to.equal(
        'cursors are opaque strings like "<UnixMs>_<ULID>"; a number is not a cursor (never convert a cursor to a number)',
      );
      expect(error.message).to.include('a number is not a cursor');
    });

    it('rejects a bigint cursor with the same explanation', () => {
      const error = decodeLeft(C.Cursor, 1743004200000n);
      expect(issueAt(error, '').message).to.match(/a number is not a cursor/);
    });

    it('rejects a non-string non-number cursor without claiming it was a number', () => {
      const error = decodeLeft(C.Cursor, { ms: 1743004200000 });
      expect(issueAt(error, '').message).to.equal('cursors are opaque strings like "<UnixMs>_<ULID>"');
    });

    it('accepts cursor strings as they are, including all-digit ones, and null on the last page', () => {
      expect(decodeRight(C.Cursor, cursor)).to.equal('1743004200000_01JRZABC1234567890ABCDEFGH');
      expect(decodeRight(C.Cursor, '1743004200000')).to.equal('1743004200000');
      expect(decodeRight(C.CursorPaginatedResult(C.ConversationListItemDto), clone(conversationPage))).to.deep.equal(conversationPage);
    });
  });

  describe('TimeSpan', () => {
    for (const valid of ['00:00:00.0123456', '00:00:01', '1.02:03:04', '-00:00:05.5', '10.23:59:59.9999999', '7:00:00']) {
      it(`accepts "${valid}"`, () => {
        expect(decodeRight(C.TimeSpan, valid)).to.equal(valid);
      });
    }
    for (const invalid of ['', '12', '1:2:3', '00:00:00.12345678', 'PT0.0123456S', '00:00', ' 00:00:01', '00:00:01 ']) {
      it(`rejects "${invalid}"`, () => {
        const issue = issueAt(decodeLeft(C.TimeSpan, invalid), '');
        expect(issue.expected).to.equal('TimeSpan');
        expect(issue.message).to.equal('expected a .NET TimeSpan string like "00:00:00.0123456"');
      });
    }
    for (const n of [0, 12.3456, 1500]) {
      it(`rejects the number ${n}, saying durations are not numbers`, () => {
        const issue = issueAt(decodeLeft(C.TimeSpan, n), '');
        expect(issue.message).to.equal('durations are .NET TimeSpan strings like "00:00:00.0123456", not numbers');
      });
    }
  });

  describe('REST MessageDto vs hub ChatMessageDto', () => {
    it('a REST MessageDto is not a hub ChatMessageDto', () => {
      const error = decodeLeft(C.ChatMessageDto, clone(messageDto));
      expect(error.issues.map((i) => [i.path, i.expected])).to.deep.equal([
        ['senderName', 'string'],
        ['plainTextContent', 'string | null'],
        ['reactions', 'Array<ReactionGroupDto> | null'],
      ]);
    });

    it('a hub ChatMessageDto is not a REST MessageDto', () => {
      const error = decodeLeft(C.MessageDto, clone(chatMessageDto));
      expect(error.issues.map((i) => [i.path, i.expected])).to.deep.equal([
        ['timestamp', 'string'],
        ['plainTextIndex', 'string | null'],
        ['editedAt', 'string | null'],
        ['isDeleted', 'boolean'],
        ['deletedAt', 'string | null'],
        ['reactionSummary', 'ReactionSummary | null'],
        ['updatedAt', 'string'],
      ]);
    });
  });

  describe('nullable fields: null accepted, missing rejected', () => {
    const cases: ReadonlyArray<readonly [CodecName, string, string]> = [
      ['MessageDto', 'editedAt', 'string | null'],
      ['MessageDto', 'replyToMessageId', 'string | null'],
      ['MessageDto', 'quickReplies', 'Array<QuickReply> | null'],
      ['MessageDto', 'reactionSummary', 'ReactionSummary | null'],
      ['MessageDto', 'mentions', 'Array<Mention> | null'],
      ['MessageDto', 'clientMessageId', 'string | null'],
      ['ChatMessageDto', 'updatedAt', 'string | null'],
      ['ChatMessageDto', 'reactions', 'Array<ReactionGroupDto> | null'],
      ['ChatMessageDto', 'plainTextContent', 'string | null'],
      ['TextBlock', 'plainText', 'string | null'],
      ['ImageBlock', 'thumbnail', 'MediaReference | null'],
      ['ImageBlock', 'fileSizeBytes', 'number | null'],
      ['CardBlock', 'buttons', 'Array<ActionButton> | null'],
      ['CustomBlock', 'data', 'UnknownRecord | null'],
      ['QuickReply', 'icon', 'string | null'],
      ['Mention', 'targetId', 'string | null'],
      ['HealthCheckResult', 'error', 'string | null'],
      ['HealthCheckResult', 'description', 'string | null'],
      ['ActionButton', 'value', 'string | null'],
    ];
    for (const [name, field, expected] of cases) {
      it(`${name}.${field}`, () => {
        const codec: t.Any = C[name];
        const withNull = withPath(samples[name], field, null);
        expect(decodeRight(codec, withNull)).to.deep.equal(clone(withNull));
        const issue = issueAt(decodeLeft(codec, withoutPath(samples[name], field)), field);
        expect(issue.expected).to.equal(expected);
        expect(issue.actual).to.equal(undefined);
        const withUndefined = withPath(samples[name], field, undefined);
        expect(issueAt(decodeLeft(codec, withUndefined), field).expected).to.equal(expected);
      });
    }

    it('nullable(codec) is named "<codec> | null" and rejects undefined', () => {
      const NullableCount = C.nullable(t.number);
      expect(NullableCount.name).to.equal('number | null');
      expect(NullableCount.is(null)).to.equal(true);
      expect(NullableCount.is(3)).to.equal(true);
      expect(NullableCount.is(undefined)).to.equal(false);
      expect(NullableCount.is('3')).to.equal(false);
    });
  });

  describe('optional fields: absence and null accepted (System.Text.Json writes null), a wrong type still rejected', () => {
    const cases: ReadonlyArray<readonly [CodecName, string, unknown, string]> = [
      ['ParticipantDto', 'avatar', 'x', 'MediaReference | null'],
      ['ParticipantDto', 'gender', 5, 'string | null'],
      ['ParticipantDto', 'lastSeenAt', 0, 'string | null'],
      ['ConversationDto', 'name', 7, 'string | null'],
      ['ConversationDto', 'lastMessageId', 7, 'string | null'],
      ['ConversationListItemDto', 'lastMessage', 'x', 'MessageDto | null'],
      ['ConversationParticipantDto', 'leftAt', false, 'string | null'],
      ['ChatMessageDto', 'senderAvatar', 'x', 'MediaReference | null'],
      ['SendMessageRequest', 'replyToMessageId', 1, 'string | null'],
      ['SendMessageRequest', 'mentions', {}, 'Array<Mention> | null'],
      ['SendMessageAck', 'messageId', 1, 'string | null'],
      ['RecoverMessageAck', 'errorMessage', 1, 'string | null'],
      ['StreamStartedDto', 'replyToMessageId', 1, 'string | null'],
      ['StreamStatusUpdatedDto', 'detail', 1, 'string | null'],
      ['HubErrorDto', 'details', [], 'UnknownRecord | null'],
      ['ProblemDetails', 'errors', { Name: 'required' }, 'Array<string>'],
      ['ProblemDetails', 'traceId', 1, 'string | null'],
      ['AuthUserInfo', 'avatar', { url: 'x' }, 'string | null'],
      ['NewMessageNotificationDto', 'conversationName', 1, 'string | null'],
      ['ConversationUpdatedDto', 'name', 1, 'string | null'],
      ['PresenceStateItem', 'lastSeenAt', 1, 'string | null'],
      ['ReadStatusChangedDto', 'lastReadMessageId', 1, 'string | null'],
      ['SystemEventInfo', 'metadata', 'x', 'UnknownRecord | null'],
      ['SystemEventDto', 'targetNames', 'Carol', 'Array<string> | null'],
      ['BotDto', 'description', 1, 'string | null'],
      ['AddParticipantRequest', 'canViewHistory', 'yes', 'boolean | null'],
      ['ParticipantJoinedDto', 'participantAvatar', 1, 'MediaReference | null'],
    ];
    for (const [name, field, wrong, expected] of cases) {
      it(`${name}.${field}`, () => {
        const codec: t.Any = C[name];
        const without = withoutPath(samples[name], field);
        expect(decodeRight(codec, without)).to.deep.equal(clone(without));
        const withNull = withPath(samples[name], field, null);
        expect(decodeRight(codec, withNull)).to.deep.equal(clone(withNull));
        const badPath = name === 'ProblemDetails' && field === 'errors' ? 'errors.Name' : field;
        const issue = issueAt(decodeLeft(codec, withPath(samples[name], field, wrong)), badPath);
        expect(issue.expected).to.equal(expected);
      });
    }

    it('a MediaReference may be empty, or have either key', () => {
      expect(decodeRight(C.MediaReference, {})).to.deep.equal({});
      expect(decodeRight(C.MediaReference, { url: 'https://x.example/a.png' })).to.deep.equal({ url: 'https://x.example/a.png' });
    });
  });

  describe('extra fields deep inside', () => {
    it('are kept in blocks, reactions and mentions of a REST message', () => {
      const input = clone(messageDto) as unknown as Record<string, unknown>;
      const m = input as {
        blocks: Array<Record<string, unknown>>;
        reactionSummary: Record<string, unknown>;
        mentions: Array<Record<string, unknown>>;
      };
      m.blocks[0] = { ...m.blocks[0], renderHint: 'compact' };
      m.reactionSummary = { ...m.reactionSummary, myReaction: '👍' };
      m.mentions[0] = { ...m.mentions[0], color: '#ff0000' };
      const decoded = decodeRight(C.MessageDto, input) as C.MessageDto;
      expect(decoded.blocks[0]).to.deep.equal({ ...markdownBlock, renderHint: 'compact' });
      expect(decoded.reactionSummary).to.deep.equal({ ...messageDto.reactionSummary, myReaction: '👍' });
      expect(decoded.mentions?.[0]).to.deep.equal({ ...messageDto.mentions?.[0], color: '#ff0000' });
    });
  });

  describe('blocks', () => {
    it('an unknown $type decodes as an UnknownBlock keeping every raw field', () => {
      const decoded = decodeRight(C.Block, clone(unknownBlock)) as C.Block;
      expect(decoded).to.deep.equal({
        $type: 'poll',
        question: 'Pizza or pho?',
        options: ['Pizza', 'Pho'],
        allowsMultiple: false,
        closesAt: '2025-03-27T12:00:00Z',
      });
      expect(C.isUnknownBlock(decoded)).to.equal(true);
      expect(C.UnknownBlock.is(decoded)).to.equal(true);
      for (const codec of [C.Block, C.UnknownBlock] as const) {
        const direct = codec.decode(clone(unknownBlock));
        expect(either.isRight(direct) ? direct.right : direct.left, codec.name).to.deep.equal(unknownBlock);
      }
    });

    it('unknown blocks survive inside messages, in order, next to known ones', () => {
      const input = {
        ...clone(chatMessageDto),
        blocks: [clone(textBlock), clone(unknownBlock), { $type: 'sticker', pack: 'cats', id: 7 }],
      };
      const decoded = decodeRight(C.ChatMessageDto, input) as C.ChatMessageDto;
      expect(decoded.blocks).to.deep.equal([textBlock, unknownBlock, { $type: 'sticker', pack: 'cats', id: 7 }]);
      expect(decoded.blocks.map(C.isUnknownBlock)).to.deep.equal([false, true, true]);
    });

    it('a malformed known block fails with the path of its field', () => {
      const input = { ...clone(chatMessageDto), blocks: [clone(textBlock), { $type: 'text', format: 'Plain', plainText: null }] };
      const error = decodeLeft(C.ChatMessageDto, input);
      expect(error.issues).to.have.length(1);
      expect(error.issues[0]).to.deep.equal({ path: 'blocks.1.content', expected: 'string', actual: undefined });
    });

    it('a known block is not let through as an unknown one', () => {
      const error = decodeLeft(C.Block, { $type: 'location', latitude: '10.7', longitude: 106.7, name: null, address: null });
      expect(error.issues.map((i) => i.path)).to.deep.equal(['latitude']);
    });

    const withoutStringType: ReadonlyArray<readonly [string, unknown]> = [
      ['no $type', { format: 'Plain', content: 'hi', plainText: null }],
      ['a numeric $type', { $type: 1, content: 'hi' }],
      ['a null $type', { $type: null }],
      ['an object $type', { $type: { name: 'text' } }],
    ];
    for (const [label, input] of withoutStringType) {
      it(`a block with ${label} fails`, () => {
        const issue = issueAt(decodeLeft(C.Block, input), '');
        expect(issue.expected).to.equal('Block');
        expect(issue.message).to.equal('a block needs a string "$type"');
        expect(C.Block.is(input)).to.equal(false);
      });
    }
    for (const input of [null, 'text', 42, [], [{ $type: 'text' }]] as const) {
      it(`a block that is not an object (${JSON.stringify(input)}) fails`, () => {
        const issue = issueAt(decodeLeft(C.Block, input), '');
        expect(issue.message).to.equal('a block must be an object');
      });
    }

    it('a block without a string $type inside a message is reported at its index', () => {
      const input = { ...clone(chatMessageDto), blocks: [clone(textBlock), { content: 'hi' }] };
      const issue = issueAt(decodeLeft(C.ChatMessageDto, input), 'blocks.1');
      expect(issue.expected).to.equal('Block');
      expect(issue.message).to.equal('a block needs a string "$type"');
    });

    for (const hostile of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype']) {
      it(`$type "${hostile}" is an unknown block, not a crash`, () => {
        const input: unknown = JSON.parse(`{"$type":${JSON.stringify(hostile)},"payload":{"a":1}}`);
        const decoded = decodeRight(C.Block, input) as C.Block;
        expect(decoded).to.deep.equal(JSON.parse(`{"$type":${JSON.stringify(hostile)},"payload":{"a":1}}`));
        expect(C.isUnknownBlock(decoded)).to.equal(true);
        expect(guardNames.filter((g) => g !== 'isUnknownBlock' && guards[g](decoded))).to.deep.equal([]);
        expect(C.Block.is(input)).to.equal(true);
        expect(C.UnknownBlock.is(input)).to.equal(true);
        expect(C.KnownBlock.is(input)).to.equal(false);
        expect(either.isLeft(C.decodeWith(C.KnownBlock)(input))).to.equal(true);
        const direct = C.Block.decode(input);
        expect(either.isRight(direct) ? direct.right : direct.left).to.deep.equal(
          JSON.parse(`{"$type":${JSON.stringify(hostile)},"payload":{"a":1}}`),
        );
      });
    }
  });

  describe('block guards', () => {
    const expectedGuard: ReadonlyArray<readonly [C.Block, GuardName]> = [
      [knownBlocks.text, 'isTextBlock'],
      [knownBlocks.image, 'isImageBlock'],
      [knownBlocks.video, 'isVideoBlock'],
      [knownBlocks.audio, 'isAudioBlock'],
      [knownBlocks.file, 'isFileBlock'],
      [knownBlocks.linkPreview, 'isLinkPreviewBlock'],
      [knownBlocks.embed, 'isEmbedBlock'],
      [knownBlocks.location, 'isLocationBlock'],
      [knownBlocks.contact, 'isContactBlock'],
      [knownBlocks.choice, 'isChoiceBlock'],
      [knownBlocks.card, 'isCardBlock'],
      [knownBlocks.carousel, 'isCarouselBlock'],
      [knownBlocks.divider, 'isDividerBlock'],
      [knownBlocks.custom, 'isCustomBlock'],
      [unknownBlock, 'isUnknownBlock'],
    ];

    it('every guard of src/codecs is in this table', () => {
      const exportedGuards = Object.keys(C)
        .filter((k) => /^is[A-Z]\w*Block$/.test(k))
        .sort();
      expect(exportedGuards).to.deep.equal([...guardNames].sort());
      expect(expectedGuard.map(([, g]) => g).sort()).to.deep.equal([...guardNames].sort());
    });

    for (const [block, guardName] of expectedGuard) {
      it(`${block.$type}: only ${guardName} is true`, () => {
        const truthy = guardNames.filter((g) => guards[g](block));
        expect(truthy).to.deep.equal([guardName]);
      });
    }

    it('narrow to the block kind (compile-time checked field access)', () => {
      const blocks: C.Block[] = [...Object.values(knownBlocks), unknownBlock];
      const seen: string[] = [];
      for (const b of blocks) {
        if (C.isTextBlock(b)) seen.push(b.content);
        else if (C.isImageBlock(b)) seen.push(String(b.width));
        else if (C.isVideoBlock(b)) seen.push(String(b.durationSeconds));
        else if (C.isAudioBlock(b)) seen.push(String(b.transcript));
        else if (C.isFileBlock(b)) seen.push(b.fileName);
        else if (C.isLinkPreviewBlock(b)) seen.push(b.url);
        else if (C.isEmbedBlock(b)) seen.push(String(b.height));
        else if (C.isLocationBlock(b)) seen.push(String(b.latitude));
        else if (C.isContactBlock(b)) seen.push(b.displayName);
        else if (C.isChoiceBlock(b)) seen.push(b.options.map((o) => o.value).join(','));
        else if (C.isCardBlock(b)) seen.push(String(b.title));
        else if (C.isCarouselBlock(b)) seen.push(String(b.cards.length));
        else if (C.isDividerBlock(b)) seen.push('---');
        else if (C.isCustomBlock(b)) seen.push(b.type);
        else if (C.isUnknownBlock(b)) seen.push(`?${b.$type}`);
      }
      expect(seen).to.deep.equal([
        'Lunch at noon?',
        '1024',
        '92.5',
        'Running ten minutes late, start without me.',
        'Q1 report.pdf',
        'https://harbour.example.com/menu',
        '315',
        '10.7769',
        'Dr. Minh Pham',
        'sat,sun',
        'Harbour Kitchen',
        '2',
        '---',
        'weather.forecast',
        '?poll',
      ]);
    });
  });

  describe('plainTextOf', () => {
    it('is empty for no blocks and for blocks without text', () => {
      expect(C.plainTextOf([])).to.equal('');
      expect(C.plainTextOf([knownBlocks.image, knownBlocks.card, { $type: 'poll', content: 'x', plainText: 'y' }])).to.equal('');
    });

    it("uses a Plain block's content when it has no plainText", () => {
      expect(C.plainTextOf([textBlock])).to.equal('Lunch at noon?');
    });

    it("prefers a block's plainText over its formatted content", () => {
      expect(C.plainTextOf([markdownBlock])).to.equal('Lunch at noon?');
      expect(C.plainTextOf([{ $type: 'text', format: 'Plain', content: 'raw', plainText: 'indexed' }])).to.equal('indexed');
    });

    it('joins the text blocks with newlines, skipping other kinds', () => {
      expect(
        C.plainTextOf([
          textBlock,
          knownBlocks.image,
          { $type: 'text', format: 'Html', content: '<b>See you</b> there', plainText: 'See you there' },
          unknownBlock,
        ]),
      ).to.equal('Lunch at noon?\nSee you there');
    });
  });

  describe('timeSpanToMilliseconds / millisecondsToTimeSpan', () => {
    const pairs: ReadonlyArray<readonly [string, number]> = [
      ['00:00:00.0000000', 0],
      ['00:00:01.5000000', 1500],
      ['00:01:00.0000000', 60_000],
      ['01:00:00.0000000', 3_600_000],
      ['1.02:03:04.0000000', 93_784_000],
      ['-00:00:01.5000000', -1500],
      ['-2.00:00:00.2500000', -172_800_250],
    ];
    for (const [text, ms] of pairs) {
      it(`"${text}" <-> ${ms} ms`, () => {
        expect(C.timeSpanToMilliseconds(text)).to.equal(ms);
        expect(C.millisecondsToTimeSpan(ms)).to.equal(text);
      });
    }

    it('keeps sub-millisecond ticks', () => {
      expect(C.timeSpanToMilliseconds('00:00:00.0123456')).to.be.closeTo(12.3456, 1e-9);
      expect(C.millisecondsToTimeSpan(12.3456)).to.equal('00:00:00.0123456');
      expect(C.timeSpanToMilliseconds('00:00:00.5')).to.equal(500);
    });

    it('reads short forms (no fraction, days, one-digit hours)', () => {
      expect(C.timeSpanToMilliseconds('00:00:01')).to.equal(1000);
      expect(C.timeSpanToMilliseconds('3.00:00:00')).to.equal(259_200_000);
      expect(C.timeSpanToMilliseconds('7:00:00')).to.equal(25_200_000);
    });

    it('round-trips canonical strings', () => {
      for (const text of ['00:00:00.0123456', '00:00:00.0456789', '12:34:56.7890123', '3.04:05:06.0000001', '-00:00:00.0000010']) {
        expect(C.millisecondsToTimeSpan(C.timeSpanToMilliseconds(text))).to.equal(text);
      }
    });

    it('formats days once the duration reaches 24 hours', () => {
      expect(C.millisecondsToTimeSpan(86_399_999)).to.equal('23:59:59.9990000');
      expect(C.millisecondsToTimeSpan(86_400_000)).to.equal('1.00:00:00.0000000');
      expect(C.millisecondsToTimeSpan(15 * 86_400_000 + 1)).to.equal('15.00:00:00.0010000');
    });

    for (const invalid of ['', 'abc', '1500', '00:00', '1:2:3', '00:00:00.12345678', '00:00:01ms', '+00:00:01']) {
      it(`timeSpanToMilliseconds("${invalid}") throws a RangeError`, () => {
        expect(() => C.timeSpanToMilliseconds(invalid)).to.throw(RangeError, /is not a \.NET TimeSpan string/);
      });
    }

    for (const invalid of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      it(`millisecondsToTimeSpan(${invalid}) throws a RangeError`, () => {
        expect(() => C.millisecondsToTimeSpan(invalid)).to.throw(RangeError, /must be finite/);
      });
    }
  });

  describe('DecodeError', () => {
    it('is() is true for instances and for look-alikes from another copy of the library', () => {
      expect(C.DecodeError.is(new C.DecodeError('MessageDto', [], {}))).to.equal(true);
      expect(C.DecodeError.is(decodeLeft(C.MessageDto, {}))).to.equal(true);
      expect(C.DecodeError.is({ name: 'DecodeError', issues: [] })).to.equal(true);
      expect(C.DecodeError.is(Object.assign(new Error('x'), { name: 'DecodeError', issues: [{ path: '' }] }))).to.equal(true);
    });

    it('is() is false for everything else', () => {
      for (const value of [
        null,
        undefined,
        'DecodeError',
        42,
        new Error('Invalid MessageDto'),
        new TypeError('x'),
        { name: 'DecodeError' },
        { name: 'DecodeError', issues: 'blocks.0.content' },
        { name: 'decodeError', issues: [] },
        { issues: [] },
        Object.assign(new Error('x'), { issues: [] }),
      ]) {
        expect(C.DecodeError.is(value), String(JSON.stringify(value))).to.equal(false);
      }
    });

    it('is an Error named DecodeError carrying the codec name, issues and value', () => {
      const input = withoutPath(messageDto, 'blocks.0.content');
      const error = decodeLeft(C.MessageDto, input);
      expect(error).to.be.instanceOf(Error);
      expect(error.name).to.equal('DecodeError');
      expect(error.codec).to.equal('MessageDto');
      expect(error.value).to.equal(input);
      expect(error.issues).to.deep.equal([{ path: 'blocks.0.content', expected: 'string', actual: undefined }]);
      expect(error.message).to.equal('Invalid MessageDto: blocks.0.content: expected string, got undefined');
    });

    it('names a generic codec by its instance name', () => {
      const error = decodeLeft(C.PagedResult(C.BotDto), { ...botPage, totalCount: '1' });
      expect(error.codec).to.equal('PagedResult<BotDto>');
      expect(error.message).to.equal('Invalid PagedResult<BotDto>: totalCount: expected number, got "1"');
    });

    it('formats the root as <root> and appends a codec message in parentheses', () => {
      expect(decodeLeft(C.Cursor, 17).message).to.equal(
        'Invalid Cursor: <root>: expected Cursor, got 17 (cursors are opaque strings like "<UnixMs>_<ULID>"; a number is not a cursor (never convert a cursor to a number))',
      );
    });

    it('previews values safely: long strings cut at 40 characters, arrays by length, objects by type', () => {
      const error = new C.DecodeError(
        'Sample',
        [
          { path: 'a', expected: 'number', actual: 'x'.repeat(50) },
          { path: 'b', expected: 'string', actual: [1, 2, 3] },
          { path: 'c', expected: 'string', actual: { secret: 'hunter2' } },
          { path: 'd', expected: 'string', actual: null },
          { path: 'e', expected: 'string', actual: false, message: 'why' },
        ],
        {},
      );
      expect(error.message).to.equal(
        `Invalid Sample: a: expected number, got "${'x'.repeat(40)}…"; b: expected string, got array(3); c: expected string, got object; d: expected string, got null; e: expected string, got false (why)`,
      );
      expect(error.message).to.not.include('hunter2');
    });

    it('shows at most five issues and counts the rest', () => {
      const error = decodeLeft(C.ChatMessageDto, {});
      expect(error.issues).to.have.length(16);
      expect(error.message).to.equal(
        'Invalid ChatMessageDto: id: expected string, got undefined; conversationId: expected string, got undefined; ' +
          'senderId: expected string, got undefined; senderName: expected string, got undefined; ' +
          'senderType: expected SenderType, got undefined; and 11 more',
      );
    });

    it('merges the alternatives of a union at one path into one issue', () => {
      const error = decodeLeft(C.MessageDto, withPath(messageDto, 'editedAt', 5));
      expect(error.issues).to.deep.equal([{ path: 'editedAt', expected: 'string | null', actual: 5 }]);
    });
  });

  describe('arrays with holes', () => {
    // io-ts's own `t.array(X).is` skips holes and decodeWith trusts `is` before decoding; the
    // codecs' `array()` guard checks every index, so both paths agree again.
    it('decodeWith rejects a message whose blocks array has a hole, like codec.decode does', () => {
      const blocks: unknown[] = [clone(textBlock)];
      blocks.length = 2;
      const input = { ...clone(chatMessageDto), blocks };
      expect(either.isLeft(C.ChatMessageDto.decode(input))).to.equal(true);
      expect(issueAt(decodeLeft(C.ChatMessageDto, input), 'blocks.1').expected).to.equal('Block');
    });
  });

  describe('decodeOrThrow', () => {
    it('returns the decoded value', () => {
      expect(C.decodeOrThrow(C.TypingDto, clone(samples.TypingDto))).to.deep.equal({
        conversationId: '01JRZ9C0NVGR0UP00000000001',
        participantId: '01JRZ8M5A2B3C4D5E6F7G8H9JK',
        participantName: 'Bob Nguyen',
      });
    });

    it('throws the DecodeError', () => {
      let caught: unknown;
      try {
        C.decodeOrThrow(C.TypingDto, { conversationId: 'c', participantId: 'p' });
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(C.DecodeError);
      expect((caught as C.DecodeError).issues).to.deep.equal([{ path: 'participantName', expected: 'string', actual: undefined }]);
    });
  });
});
