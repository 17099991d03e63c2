/**
 * The wire of a stock ASP.NET Core gateway (C# records serialized by System.Text.Json), table-driven
 * over the seed's type list: every DTO must decode
 * - with **every optional member `null`** (STJ writes `null` for an unset nullable property), and
 * - with its timestamps in **both STJ forms**: `DateTimeOffset` (`…:36.1234567+00:00`) and UTC
 *   `DateTime` (`…:36.1234567Z`).
 */
import { expect } from 'chai';
import { either } from 'fp-ts';
import * as t from 'io-ts';
import * as C from '../../src/codecs/index.js';
import { botPage, clone, conversationPage, messagePage, samples, type CodecName } from './samples.js';

/** Every DTO, block and request interface of the seed SDK's README (sections 4–16), by name. */
const SEED_TYPES = [
  'AuthResponse',
  'AuthUserInfo',
  'ParticipantDto',
  'ConversationDto',
  'ConversationParticipantDto',
  'ConversationListItemDto',
  'MessageDto',
  'ReactionSummary',
  'ReactionGroup',
  'SendMessageRequest',
  'EditMessageRequest',
  'MarkAsReadRequest',
  'CreateUploadUrlRequest',
  'CreateUploadUrlResponse',
  'UploadResponse',
  'BotDto',
  'CreateBotRequest',
  'UpdateBotRequest',
  'HealthStatus',
  'HealthCheckResult',
  'MessageUpdatedDto',
  'MessageDeletedDto',
  'ReactionAddedDto',
  'ReactionRemovedDto',
  'TypingDto',
  'ReadReceiptUpdatedDto',
  'PresenceStateItem',
  'PresenceChangedDto',
  'NewMessageNotificationDto',
  'MentionedNotificationDto',
  'UnreadCountChangedDto',
  'ConversationCreatedDto',
  'ConversationUpdatedDto',
  'ParticipantJoinedDto',
  'ParticipantLeftDto',
  'ConversationPinnedDto',
  'ConversationUnpinnedDto',
  'ReadStatusChangedDto',
  'TextBlock',
  'ImageBlock',
  'VideoBlock',
  'AudioBlock',
  'FileBlock',
  'LinkPreviewBlock',
  'EmbedBlock',
  'LocationBlock',
  'ContactBlock',
  'ChoiceBlock',
  'CardBlock',
  'CarouselBlock',
  'DividerBlock',
  'CustomBlock',
  'Block',
  'ActionButton',
  'CardField',
  'ChoiceOption',
  'QuickReply',
  'Mention',
  'MediaReference',
  'ChatMessageDto',
  'ReactionGroupDto',
  'SystemEventInfo',
  'SystemEventDto',
  'HubErrorDto',
  'StreamStartedDto',
  'StreamStatusUpdatedDto',
  'StreamChunkReceivedDto',
  'StreamCompletedDto',
  'StreamAbortedDto',
  'SendMessageAck',
  'EditMessageAck',
  'DeleteMessageAck',
  'RecoverMessageAck',
  'ReactionAck',
  'MarkAsReadAck',
  'ProblemDetails',
] as const satisfies readonly CodecName[];

interface Row {
  readonly name: string;
  readonly codec: t.Any;
  readonly sample: unknown;
}

const rows: readonly Row[] = [
  ...SEED_TYPES.map((name) => ({ name, codec: C[name] as t.Any, sample: samples[name] })),
  { name: 'CursorPaginatedResult<MessageDto>', codec: C.CursorPaginatedResult(C.MessageDto), sample: messagePage },
  {
    name: 'CursorPaginatedResult<ConversationListItemDto>',
    codec: C.CursorPaginatedResult(C.ConversationListItemDto),
    sample: conversationPage,
  },
  { name: 'PagedResult<BotDto>', codec: C.PagedResult(C.BotDto), sample: botPage },
];

/**
 * `value` with every optional (`t.partial`) member the codec declares set to `null` — present
 * ones too, as an unset property of a C# record is written — at any depth, and how many it set.
 * Written here, independently of the gateway's own null writer, so neither can hide the other.
 */
function allOptionalsNull(codec: t.Any, value: unknown): { value: unknown; count: number } {
  let count = 0;
  const walk = (type: t.Any, v: unknown): unknown => {
    if (v === null || v === undefined) return v;
    if (type === C.Block) return walk(C.KnownBlock, v); // a hand-written discriminated codec
    if (type instanceof t.UnionType) {
      const member = (type.types as t.Any[]).find((m) => m.is(v));
      return member === undefined ? v : walk(member, v);
    }
    if (type instanceof t.IntersectionType) return (type.types as t.Any[]).reduce<unknown>((acc, m) => walk(m, acc), v);
    if (type instanceof t.RefinementType || type instanceof t.ReadonlyType || type instanceof t.ExactType)
      return walk(type.type as t.Any, v);
    if (type instanceof t.ArrayType) return (v as unknown[]).map((item) => walk(type.type as t.Any, item));
    if (type instanceof t.InterfaceType || type instanceof t.PartialType) {
      const props = (type as t.InterfaceType<t.Props>).props as Record<string, t.Any>;
      const out: Record<string, unknown> = { ...(v as Record<string, unknown>) };
      for (const [key, member] of Object.entries(props)) {
        if (type instanceof t.PartialType) {
          out[key] = null;
          count++;
        } else if (out[key] !== undefined) {
          out[key] = walk(member, out[key]);
        }
      }
      return out;
    }
    return v;
  };
  return { value: walk(codec, clone(value)), count };
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Every date-time string in `value` rewritten in one of System.Text.Json's forms (same instant, 7 digits). */
function restamp(value: unknown, form: 'DateTimeOffset' | 'DateTime'): { value: unknown; count: number } {
  let count = 0;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string' && ISO.test(v)) {
      count++;
      const iso = new Date(Date.parse(v)).toISOString(); // …:36.123Z
      return `${iso.slice(0, 23)}4567${form === 'DateTime' ? 'Z' : '+00:00'}`;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, m]) => [k, walk(m)]));
    return v;
  };
  return { value: walk(clone(value)), count };
}

function accepts(codec: t.Any, input: unknown): void {
  const result = C.decodeWith(codec)(input);
  expect(either.isRight(result), either.isLeft(result) ? result.left.message : '').to.equal(true);
  if (either.isRight(result)) expect(result.right).to.deep.equal(input);
  expect(codec.is(input), 'the guard agrees with decode').to.equal(true);
}

describe('codecs: the wire of a real ASP.NET Core gateway (System.Text.Json)', () => {
  it('the table covers every type of the seed that the codecs export', () => {
    for (const name of SEED_TYPES) expect(C[name], name).to.be.an('object');
    expect(new Set(SEED_TYPES).size).to.equal(SEED_TYPES.length);
  });

  it('the null writer of this test does set optional members (it cannot pass vacuously)', () => {
    expect(allOptionalsNull(C.ChatMessageDto, samples.ChatMessageDto).count).to.be.greaterThan(0);
    const nulled = allOptionalsNull(C.ChatMessageDto, samples.ChatMessageDto).value as Record<string, unknown>;
    expect(nulled.senderAvatar).to.equal(null);
    const image = allOptionalsNull(C.ImageBlock, samples.ImageBlock).value as { source: Record<string, unknown> };
    expect(Object.values(image.source)).to.include(null); // MediaReference inside a block
  });

  for (const row of rows) {
    describe(row.name, () => {
      it('decodes with every optional member null', () => {
        const { value } = allOptionalsNull(row.codec, row.sample);
        accepts(row.codec, value);
      });

      it('decodes with DateTimeOffset timestamps (7 digits, +00:00)', () => {
        accepts(row.codec, restamp(row.sample, 'DateTimeOffset').value);
      });

      it('decodes with UTC DateTime timestamps (7 digits, Z)', () => {
        accepts(row.codec, restamp(row.sample, 'DateTime').value);
      });

      it('decodes with both at once', () => {
        accepts(row.codec, restamp(allOptionalsNull(row.codec, row.sample).value, 'DateTimeOffset').value);
      });
    });
  }

  it('the timestamp rewriter does rewrite (a DTO with times has them restamped)', () => {
    const { value, count } = restamp(samples.ChatMessageDto, 'DateTimeOffset');
    expect(count).to.be.greaterThan(0);
    expect((value as { createdAt: string }).createdAt).to.match(/\.\d{7}\+00:00$/);
  });

  it('a null where the seed requires a value is still refused, with its path', () => {
    const input = { ...clone(samples.ChatMessageDto), senderName: null };
    const result = C.decodeWith(C.ChatMessageDto)(input);
    expect(either.isLeft(result)).to.equal(true);
    if (either.isLeft(result)) expect(result.left.issues.map((i) => i.path)).to.include('senderName');
  });
});
