/**
 * Seed README §4–§17, every interface and type alias (84 declarations, and the 4 names the seed
 * uses without declaring them), compared with `chat-client-rx/compat`'s type of the same name, at
 * compile time (`npx tsc -p tsconfig.json --noEmit`), in both directions: a value of the seed's
 * type must be accepted by compat (what the seed's examples write), and a value of compat's type
 * must be accepted where code typed by the seed expects one (what the compat API returns into a
 * user's code). On top of that the two must be declared alike (the same members, the same
 * optionality, the same `null`s), so that compat's types are the seed's, not merely compatible.
 * `seed-interfaces.ts` holds the seed's declarations; each line below fails to compile if its
 * pair differs, and the test checks that every declaration there is compared here.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Compat from '../../src/compat/index.js';
import type * as Seed from './seed-interfaces.js';

/** True when `X` and `Y` are the same type to the compiler (members, optionality, modifiers), not only mutually assignable. */
type Identical<X, Y> = (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? true : false;

/** `'same'` when each type accepts the other's values and both are declared alike; otherwise what differs. */
type BothWays<C, S> = [C] extends [S]
  ? [S] extends [C]
    ? Identical<C, S> extends true
      ? 'same'
      : 'assignable both ways, but declared differently'
    : 'a seed value is refused by compat'
  : 'a compat value is refused by seed-typed code';
const bothWays = <C, S>(): BothWays<C, S> => 'same' as BothWays<C, S>;

const authResponse: 'same' = bothWays<Compat.AuthResponse, Seed.AuthResponse>(); // lines 279–283
const authUserInfo: 'same' = bothWays<Compat.AuthUserInfo, Seed.AuthUserInfo>(); // lines 285–291
const participantDto: 'same' = bothWays<Compat.ParticipantDto, Seed.ParticipantDto>(); // lines 327–338
const conversationType: 'same' = bothWays<Compat.ConversationType, Seed.ConversationType>(); // lines 455–455
const conversationDto: 'same' = bothWays<Compat.ConversationDto, Seed.ConversationDto>(); // lines 457–468
const conversationParticipantDto: 'same' = bothWays<Compat.ConversationParticipantDto, Seed.ConversationParticipantDto>(); // lines 470–480
const conversationListItemDto: 'same' = bothWays<Compat.ConversationListItemDto, Seed.ConversationListItemDto>(); // lines 482–494
const senderType: 'same' = bothWays<Compat.SenderType, Seed.SenderType>(); // lines 578–578
const messageDto: 'same' = bothWays<Compat.MessageDto, Seed.MessageDto>(); // lines 580–600
const reactionSummary: 'same' = bothWays<Compat.ReactionSummary, Seed.ReactionSummary>(); // lines 605–608
const reactionGroup: 'same' = bothWays<Compat.ReactionGroup, Seed.ReactionGroup>(); // lines 610–614
const sendMessageRequest: 'same' = bothWays<Compat.SendMessageRequest, Seed.SendMessageRequest>(); // lines 617–623
const editMessageRequest: 'same' = bothWays<Compat.EditMessageRequest, Seed.EditMessageRequest>(); // lines 626–629
const markAsReadRequest: 'same' = bothWays<Compat.MarkAsReadRequest, Seed.MarkAsReadRequest>(); // lines 632–634
const createUploadUrlRequest: 'same' = bothWays<Compat.CreateUploadUrlRequest, Seed.CreateUploadUrlRequest>(); // lines 692–696
const createUploadUrlResponse: 'same' = bothWays<Compat.CreateUploadUrlResponse, Seed.CreateUploadUrlResponse>(); // lines 698–702
const uploadResponse: 'same' = bothWays<Compat.UploadResponse, Seed.UploadResponse>(); // lines 704–711
const botDto: 'same' = bothWays<Compat.BotDto, Seed.BotDto>(); // lines 776–788
const createBotRequest: 'same' = bothWays<Compat.CreateBotRequest, Seed.CreateBotRequest>(); // lines 794–803
const updateBotRequest: 'same' = bothWays<Compat.UpdateBotRequest, Seed.UpdateBotRequest>(); // lines 805–814
const healthStatus: 'same' = bothWays<Compat.HealthStatus, Seed.HealthStatus>(); // lines 854–858
const healthCheckResult: 'same' = bothWays<Compat.HealthCheckResult, Seed.HealthCheckResult>(); // lines 860–865
const messageUpdatedDto: 'same' = bothWays<Compat.MessageUpdatedDto, Seed.MessageUpdatedDto>(); // lines 973–980
const deleteType: 'same' = bothWays<Compat.DeleteType, Seed.DeleteType>(); // lines 983–983
const messageDeletedDto: 'same' = bothWays<Compat.MessageDeletedDto, Seed.MessageDeletedDto>(); // lines 985–991
const reactionAddedDto: 'same' = bothWays<Compat.ReactionAddedDto, Seed.ReactionAddedDto>(); // lines 994–1001
const reactionRemovedDto: 'same' = bothWays<Compat.ReactionRemovedDto, Seed.ReactionRemovedDto>(); // lines 1004–1011
const typingDto: 'same' = bothWays<Compat.TypingDto, Seed.TypingDto>(); // lines 1014–1018
const readReceiptUpdatedDto: 'same' = bothWays<Compat.ReadReceiptUpdatedDto, Seed.ReadReceiptUpdatedDto>(); // lines 1021–1026
const presenceStateItem: 'same' = bothWays<Compat.PresenceStateItem, Seed.PresenceStateItem>(); // lines 1114–1118
const presenceChangedDto: 'same' = bothWays<Compat.PresenceChangedDto, Seed.PresenceChangedDto>(); // lines 1121–1125
const newMessageNotificationDto: 'same' = bothWays<Compat.NewMessageNotificationDto, Seed.NewMessageNotificationDto>(); // lines 1127–1137
const mentionedNotificationDto: 'same' = bothWays<Compat.MentionedNotificationDto, Seed.MentionedNotificationDto>(); // lines 1140–1147
const unreadCountChangedDto: 'same' = bothWays<Compat.UnreadCountChangedDto, Seed.UnreadCountChangedDto>(); // lines 1149–1154
const conversationCreatedDto: 'same' = bothWays<Compat.ConversationCreatedDto, Seed.ConversationCreatedDto>(); // lines 1156–1162
const conversationUpdatedDto: 'same' = bothWays<Compat.ConversationUpdatedDto, Seed.ConversationUpdatedDto>(); // lines 1164–1170
const participantJoinedDto: 'same' = bothWays<Compat.ParticipantJoinedDto, Seed.ParticipantJoinedDto>(); // lines 1172–1178
const participantLeftDto: 'same' = bothWays<Compat.ParticipantLeftDto, Seed.ParticipantLeftDto>(); // lines 1181–1187
const conversationPinnedDto: 'same' = bothWays<Compat.ConversationPinnedDto, Seed.ConversationPinnedDto>(); // lines 1189–1192
const conversationUnpinnedDto: 'same' = bothWays<Compat.ConversationUnpinnedDto, Seed.ConversationUnpinnedDto>(); // lines 1195–1197
const readStatusChangedDto: 'same' = bothWays<Compat.ReadStatusChangedDto, Seed.ReadStatusChangedDto>(); // lines 1199–1204
const textBlock: 'same' = bothWays<Compat.TextBlock, Seed.TextBlock>(); // lines 1245–1250
const imageBlock: 'same' = bothWays<Compat.ImageBlock, Seed.ImageBlock>(); // lines 1252–1261
const videoBlock: 'same' = bothWays<Compat.VideoBlock, Seed.VideoBlock>(); // lines 1263–1271
const audioBlock: 'same' = bothWays<Compat.AudioBlock, Seed.AudioBlock>(); // lines 1273–1280
const fileBlock: 'same' = bothWays<Compat.FileBlock, Seed.FileBlock>(); // lines 1282–1288
const linkPreviewBlock: 'same' = bothWays<Compat.LinkPreviewBlock, Seed.LinkPreviewBlock>(); // lines 1290–1297
const embedBlock: 'same' = bothWays<Compat.EmbedBlock, Seed.EmbedBlock>(); // lines 1299–1305
const locationBlock: 'same' = bothWays<Compat.LocationBlock, Seed.LocationBlock>(); // lines 1307–1313
const contactBlock: 'same' = bothWays<Compat.ContactBlock, Seed.ContactBlock>(); // lines 1315–1321
const choiceBlock: 'same' = bothWays<Compat.ChoiceBlock, Seed.ChoiceBlock>(); // lines 1323–1329
const cardBlock: 'same' = bothWays<Compat.CardBlock, Seed.CardBlock>(); // lines 1331–1338
const carouselBlock: 'same' = bothWays<Compat.CarouselBlock, Seed.CarouselBlock>(); // lines 1340–1343
const dividerBlock: 'same' = bothWays<Compat.DividerBlock, Seed.DividerBlock>(); // lines 1345–1347
const customBlock: 'same' = bothWays<Compat.CustomBlock, Seed.CustomBlock>(); // lines 1349–1353
const buttonAction: 'same' = bothWays<Compat.ButtonAction, Seed.ButtonAction>(); // lines 1412–1412
const buttonStyle: 'same' = bothWays<Compat.ButtonStyle, Seed.ButtonStyle>(); // lines 1413–1413
const actionButton: 'same' = bothWays<Compat.ActionButton, Seed.ActionButton>(); // lines 1415–1420
const cardField: 'same' = bothWays<Compat.CardField, Seed.CardField>(); // lines 1422–1425
const choiceMode: 'same' = bothWays<Compat.ChoiceMode, Seed.ChoiceMode>(); // lines 1429–1429
const choiceOption: 'same' = bothWays<Compat.ChoiceOption, Seed.ChoiceOption>(); // lines 1431–1435
const quickReply: 'same' = bothWays<Compat.QuickReply, Seed.QuickReply>(); // lines 1449–1454
const mention: 'same' = bothWays<Compat.Mention, Seed.Mention>(); // lines 1458–1464
const cursorPaginatedResult: 'same' = bothWays<Compat.CursorPaginatedResult<string>, Seed.CursorPaginatedResult<string>>(); // lines 1470–1474
const messagePage: 'same' = bothWays<Compat.CursorPaginatedResult<Compat.MessageDto>, Seed.CursorPaginatedResult<Seed.MessageDto>>(); // lines 1470–1474, as getHistory returns it
const pagedResult: 'same' = bothWays<Compat.PagedResult<string>, Seed.PagedResult<string>>(); // lines 1478–1483
const botPage: 'same' = bothWays<Compat.PagedResult<Compat.BotDto>, Seed.PagedResult<Seed.BotDto>>(); // lines 1478–1483, as bots.list returns it
const mediaReference: 'same' = bothWays<Compat.MediaReference, Seed.MediaReference>(); // lines 1487–1490
const chatMessageDto: 'same' = bothWays<Compat.ChatMessageDto, Seed.ChatMessageDto>(); // lines 1496–1514
const reactionGroupDto: 'same' = bothWays<Compat.ReactionGroupDto, Seed.ReactionGroupDto>(); // lines 1518–1522
const systemEventType: 'same' = bothWays<Compat.SystemEventType, Seed.SystemEventType>(); // lines 1526–1532
const systemEventInfo: 'same' = bothWays<Compat.SystemEventInfo, Seed.SystemEventInfo>(); // lines 1534–1539
const systemEventDto: 'same' = bothWays<Compat.SystemEventDto, Seed.SystemEventDto>(); // lines 1542–1545
const hubErrorDto: 'same' = bothWays<Compat.HubErrorDto, Seed.HubErrorDto>(); // lines 1549–1553
const streamStartedDto: 'same' = bothWays<Compat.StreamStartedDto, Seed.StreamStartedDto>(); // lines 1557–1566
const streamStatusUpdatedDto: 'same' = bothWays<Compat.StreamStatusUpdatedDto, Seed.StreamStatusUpdatedDto>(); // lines 1568–1575
const streamChunkReceivedDto: 'same' = bothWays<Compat.StreamChunkReceivedDto, Seed.StreamChunkReceivedDto>(); // lines 1577–1583
const streamCompletedDto: 'same' = bothWays<Compat.StreamCompletedDto, Seed.StreamCompletedDto>(); // lines 1585–1591
const streamAbortedDto: 'same' = bothWays<Compat.StreamAbortedDto, Seed.StreamAbortedDto>(); // lines 1593–1599
const sendMessageAck: 'same' = bothWays<Compat.SendMessageAck, Seed.SendMessageAck>(); // lines 1605–1612
const editMessageAck: 'same' = bothWays<Compat.EditMessageAck, Seed.EditMessageAck>(); // lines 1614–1620
const deleteMessageAck: 'same' = bothWays<Compat.DeleteMessageAck, Seed.DeleteMessageAck>(); // lines 1622–1628
const recoverMessageAck: 'same' = bothWays<Compat.RecoverMessageAck, Seed.RecoverMessageAck>(); // lines 1630–1635
const reactionAck: 'same' = bothWays<Compat.ReactionAck, Seed.ReactionAck>(); // lines 1637–1643
const markAsReadAck: 'same' = bothWays<Compat.MarkAsReadAck, Seed.MarkAsReadAck>(); // lines 1645–1650
const problemDetails: 'same' = bothWays<Compat.ProblemDetails, Seed.ProblemDetails>(); // lines 1709–1714
const textFormat: 'same' = bothWays<Compat.TextFormat, Seed.TextFormat>(); // declared from the seed's comments
const quickReplyAction: 'same' = bothWays<Compat.QuickReplyAction, Seed.QuickReplyAction>(); // declared from the seed's comments
const mentionType: 'same' = bothWays<Compat.MentionType, Seed.MentionType>(); // declared from the seed's comments
const block: 'same' = bothWays<Compat.Block, Seed.Block>(); // declared from the seed's comments

const compared = [
  authResponse,
  authUserInfo,
  participantDto,
  conversationType,
  conversationDto,
  conversationParticipantDto,
  conversationListItemDto,
  senderType,
  messageDto,
  reactionSummary,
  reactionGroup,
  sendMessageRequest,
  editMessageRequest,
  markAsReadRequest,
  createUploadUrlRequest,
  createUploadUrlResponse,
  uploadResponse,
  botDto,
  createBotRequest,
  updateBotRequest,
  healthStatus,
  healthCheckResult,
  messageUpdatedDto,
  deleteType,
  messageDeletedDto,
  reactionAddedDto,
  reactionRemovedDto,
  typingDto,
  readReceiptUpdatedDto,
  presenceStateItem,
  presenceChangedDto,
  newMessageNotificationDto,
  mentionedNotificationDto,
  unreadCountChangedDto,
  conversationCreatedDto,
  conversationUpdatedDto,
  participantJoinedDto,
  participantLeftDto,
  conversationPinnedDto,
  conversationUnpinnedDto,
  readStatusChangedDto,
  textBlock,
  imageBlock,
  videoBlock,
  audioBlock,
  fileBlock,
  linkPreviewBlock,
  embedBlock,
  locationBlock,
  contactBlock,
  choiceBlock,
  cardBlock,
  carouselBlock,
  dividerBlock,
  customBlock,
  buttonAction,
  buttonStyle,
  actionButton,
  cardField,
  choiceMode,
  choiceOption,
  quickReply,
  mention,
  cursorPaginatedResult,
  messagePage,
  pagedResult,
  botPage,
  mediaReference,
  chatMessageDto,
  reactionGroupDto,
  systemEventType,
  systemEventInfo,
  systemEventDto,
  hubErrorDto,
  streamStartedDto,
  streamStatusUpdatedDto,
  streamChunkReceivedDto,
  streamCompletedDto,
  streamAbortedDto,
  sendMessageAck,
  editMessageAck,
  deleteMessageAck,
  recoverMessageAck,
  reactionAck,
  markAsReadAck,
  problemDetails,
  textFormat,
  quickReplyAction,
  mentionType,
  block,
];

describe('seed §4–§17 types, both ways (compat)', () => {
  it("every interface and type alias of the seed (seed-interfaces.ts) is compared with compat's (checked by tsc)", () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const declared = [...readFileSync(join(here, 'seed-interfaces.ts'), 'utf8').matchAll(/^export (?:interface|type) (\w+)/gm)].map(
      (m) => m[1],
    );
    const names = new Set(
      [...readFileSync(fileURLToPath(import.meta.url), 'utf8').matchAll(/= bothWays<Compat\.(\w+)(?:<[^>]*>)?, Seed\.(\w+)/g)].map((m) => {
        expect(m[1], 'each line compares two types of the same name').to.equal(m[2]);
        return m[1];
      }),
    );
    expect(declared).to.have.length(88); // the seed's 84 declarations, and 4 names it uses without declaring them
    expect([...names].sort()).to.deep.equal([...new Set(declared)].sort());
    expect(compared).to.have.length(90); // the 88, and the two generics again with a DTO for T
  });
});
