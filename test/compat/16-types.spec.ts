/**
 * Seed README §16 "Toàn bộ kiểu dữ liệu (Types)", lines 1466–1650, against
 * `chat-client-rx/compat`: each interface at type level (a value of it, compiled by tsc), and
 * the fields of what the server really sends where the gateway can produce it.
 */
import { expect } from 'chai';
import type {
  BotDto,
  ChatClient,
  ChatMessageDto,
  ConversationListItemDto,
  CursorPaginatedResult,
  DeleteMessageAck,
  EditMessageAck,
  HubErrorDto,
  MarkAsReadAck,
  MediaReference,
  PagedResult,
  ReactionAck,
  ReactionGroupDto,
  RecoverMessageAck,
  SendMessageAck,
  StreamAbortedDto,
  StreamChunkReceivedDto,
  StreamCompletedDto,
  StreamStartedDto,
  StreamStatusUpdatedDto,
  SystemEventDto,
  SystemEventInfo,
  SystemEventType,
} from '../../src/compat/index.js';
import { CURSOR, ISO_8601, Witness, expectSeedFields, seedSuite, waitFor } from './seed-kit.js';

const CHAT_MESSAGE_REQUIRED = [
  'id',
  'conversationId',
  'senderId',
  'senderName',
  'senderType',
  'blocks',
  'plainTextContent',
  'replyToMessageId',
  'quickReplies',
  'isEdited',
  'reactions',
  'mentions',
  'createdAt',
  'updatedAt',
  'clientMessageId',
  'systemEvent',
];

describe('seed §16 types (compat)', () => {
  const kit = seedSuite();
  let client: ChatClient;
  let friend: Witness;
  let meToken: string;
  let convId: string;
  before(async () => {
    friend = await Witness.create(kit, 'types-friend');
    meToken = (await kit.login('types-me')).token;
    convId = (await kit.conversation(meToken, { type: 'Group', name: 'types', participantIds: [friend.id, 'echo-bot'] })).id;
  });
  after(async () => friend.close());
  beforeEach(async () => {
    client = await kit.user('types-me');
  });

  /** Connects the chat hub, joins the conversation and records `names`. */
  async function listen(...names: string[]): Promise<Record<string, unknown[]>> {
    await client.realtime.chat.connect();
    await client.realtime.chat.joinConversation(convId);
    const got: Record<string, unknown[]> = {};
    const on = client.realtime.chat.on as unknown as (name: string, handler: (payload: unknown) => void) => unknown;
    for (const name of names) on.call(client.realtime.chat, name, (payload) => (got[name] ??= []).push(payload));
    return got;
  }

  it('CursorPaginatedResult (lines 1470–1474) and PagedResult (lines 1478–1483)', async () => {
    const cursorPage: CursorPaginatedResult<string> = { items: ['a'], nextCursor: '1743004200000_01JRZABC1234567890ABCDEF', hasMore: true };
    const pagePage: PagedResult<number> = { items: [1], page: 1, pageSize: 20, totalCount: 1 };
    expect([cursorPage.nextCursor, pagePage.totalCount]).to.deep.equal(['1743004200000_01JRZABC1234567890ABCDEF', 1]);

    const { token } = await kit.login('types-lister');
    for (let i = 0; i < 3; i++) await kit.conversation(token, { type: 'Group', name: `l${i}`, participantIds: [] });
    const lister = kit.client({ token });
    const page: CursorPaginatedResult<ConversationListItemDto> = await lister.conversations.list({ limit: 2 });
    expectSeedFields(page, ['items', 'nextCursor', 'hasMore'], [], 'CursorPaginatedResult');
    expect(page.nextCursor).to.be.a('string').and.match(CURSOR); // PHẢI là string opaque
    const bots: PagedResult<BotDto> = await client.bots.list({ page: 1, pageSize: 5 });
    expectSeedFields(bots, ['items', 'page', 'pageSize', 'totalCount'], [], 'PagedResult');
  });

  it('MediaReference (lines 1487–1490): a storage key or an external URL', async () => {
    const stored: MediaReference = { storageKey: '01HXABCDEF/photo.jpg' }; // Key nội bộ — dùng FileApi.getDownloadUrl() để tạo URL
    const external: MediaReference = { url: 'https://example.com/a.png' }; // URL bên ngoài (không qua storage)
    expect(client.files.getDownloadUrl(stored.storageKey!)).to.equal(`${kit.url}/api/files/01HXABCDEF/photo.jpg`);
    const participant = await client.participants.createOrUpdate({
      id: 'types-me',
      uniqueName: 'types-me',
      fullName: 'Types Me',
      avatar: external,
    });
    expect(participant.avatar).to.deep.equal(external);
  });

  it('ChatMessageDto (lines 1496–1514) and ReactionGroupDto (lines 1518–1522): the hub shape, reactions flat', async () => {
    const group: ReactionGroupDto = { emoji: '👍', count: 1, participantIds: ['p'] };
    const typed: ChatMessageDto = {
      id: 'm',
      conversationId: 'c',
      senderId: 's',
      senderName: 'S',
      senderAvatar: { url: 'https://example.com/s.png' },
      senderType: 'Bot',
      blocks: [],
      plainTextContent: null,
      replyToMessageId: null,
      quickReplies: null,
      isEdited: false,
      reactions: [group],
      mentions: null,
      createdAt: '2025-01-01T00:00:00Z',
      updatedAt: null,
      clientMessageId: null,
      systemEvent: null,
    };
    expect(typed.reactions?.[0]?.count).to.equal(1);

    const got = await listen('messageReceived', 'messageRecovered');
    const msgId = (await kit.send(friend.token, convId, 'shape of a hub message')).id;
    await kit.http(friend.token, 'POST', `/api/messages/${msgId}/reactions/${encodeURIComponent('👍')}`);
    await kit.http(friend.token, 'DELETE', `/api/messages/${msgId}`);
    await kit.http(friend.token, 'POST', `/api/messages/${msgId}/recover`);
    await waitFor(() => got.messageRecovered?.length, 5000, 'messageRecovered');
    const received = got.messageReceived?.find((m) => (m as ChatMessageDto).id === msgId) as ChatMessageDto;
    expectSeedFields(received, CHAT_MESSAGE_REQUIRED, ['senderAvatar'], 'ChatMessageDto (messageReceived)');
    expect([received.senderName, received.plainTextContent, received.senderType]).to.deep.equal([
      'types-friend',
      'shape of a hub message',
      'User',
    ]);
    expect(received.createdAt).to.match(ISO_8601);
    const recovered = got.messageRecovered?.[0] as ChatMessageDto;
    expectSeedFields(recovered, CHAT_MESSAGE_REQUIRED, ['senderAvatar'], 'ChatMessageDto (messageRecovered)');
    expect(recovered.reactions).to.deep.equal([{ emoji: '👍', count: 1, participantIds: [friend.id] }]); // Flat array, khác REST
  });

  it('SystemEventType / SystemEventInfo / SystemEventDto (lines 1526–1545): REST info, hub DTO with names', async () => {
    const types: SystemEventType[] = ['ConversationRenamed', 'AvatarChanged', 'MemberAdded', 'MemberRemoved', 'MemberLeft', 'Custom'];
    const info: SystemEventInfo = { type: 'MemberLeft', actorId: null, targetIds: ['p'], metadata: { a: 1 } };
    const dto: SystemEventDto = { ...info, actorName: 'A', targetNames: ['P'] };
    expect([types.length, dto.type, dto.targetNames]).to.deep.equal([6, 'MemberLeft', ['P']]);

    const got = await listen('messageReceived');
    await kit.http(meToken, 'PUT', `/api/conversations/${convId}`, { name: 'types renamed' });
    const system = (await waitFor(
      () => got.messageReceived?.find((m) => (m as ChatMessageDto).senderType === 'System'),
      5000,
      'the system message',
    )) as ChatMessageDto;
    expect(system.senderType).to.equal('System');
    expectSeedFields(system.systemEvent, ['type', 'actorId'], ['targetIds', 'metadata', 'actorName', 'targetNames'], 'SystemEventDto');
    expect(system.systemEvent).to.deep.include({ type: 'ConversationRenamed', actorId: 'types-me' });
    const rest = await client.messages.getById(system.id);
    expectSeedFields(rest.systemEvent, ['type', 'actorId'], ['targetIds', 'metadata'], 'SystemEventInfo');
  });

  it('HubErrorDto (lines 1549–1553): the payload of the hub error event', async () => {
    const typed: HubErrorDto = { code: 'RATE_LIMITED', message: 'Slow down', details: { retryAfter: 1 } };
    const got = await listen('error');
    await kit.gw.faults.emitRaw(convId, 'Error', typed); // the gateway sends it as the server would (PascalCase name)
    await waitFor(() => got.error?.length, 5000, 'the error event');
    expect(got.error?.[0]).to.deep.equal(typed);
  });

  it('Streaming DTOs (lines 1557–1599): the payloads echo-bot streams', async () => {
    const at = '2025-01-01T00:00:00Z';
    const typed: [StreamStartedDto, StreamStatusUpdatedDto, StreamChunkReceivedDto, StreamCompletedDto, StreamAbortedDto] = [
      {
        streamId: 's',
        messageId: 'm',
        conversationId: 'c',
        senderId: 'b',
        senderName: 'B',
        senderAvatar: { url: 'u' },
        replyToMessageId: 'r',
        startedAt: at,
      },
      { streamId: 's', messageId: 'm', conversationId: 'c', status: 'thinking', detail: 'd', updatedAt: at },
      { streamId: 's', messageId: 'm', conversationId: 'c', text: 'chunk', chunkIndex: 0 },
      {
        streamId: 's',
        messageId: 'm',
        conversationId: 'c',
        message: {
          id: 'm',
          conversationId: 'c',
          senderId: 'b',
          senderName: 'B',
          senderType: 'Bot',
          blocks: [],
          plainTextContent: 'chunk',
          replyToMessageId: null,
          quickReplies: null,
          isEdited: false,
          reactions: null,
          mentions: null,
          createdAt: at,
          updatedAt: null,
          clientMessageId: null,
          systemEvent: null,
        },
        completedAt: at,
      },
      { streamId: 's', messageId: 'm', conversationId: 'c', reason: 'cancelled', abortedAt: at },
    ];
    expect(typed).to.have.length(5);

    const got = await listen('streamStarted', 'streamStatusUpdated', 'streamChunkReceived', 'streamCompleted', 'streamAborted');
    // The events of the streams that answer this test's messages (echo-bot sets replyToMessageId), not of a stream an
    // earlier test's message started, which may still be running when this test joins.
    const streamOf = async (text: string): Promise<StreamStartedDto> => {
      const { id } = await kit.send(meToken, convId, text);
      return waitFor(
        () => (got.streamStarted as StreamStartedDto[] | undefined)?.find((s) => s.replyToMessageId === id),
        5000,
        `the stream answering "${text}"`,
      );
    };
    const of = <T extends { streamId: string }>(name: string, streamId: string): T[] =>
      ((got[name] ?? []) as T[]).filter((e) => e.streamId === streamId);
    const started = await streamOf('stream shapes');
    const completed = await waitFor(() => of<StreamCompletedDto>('streamCompleted', started.streamId)[0], 5000, 'streamCompleted');
    const abortedStream = await streamOf('abort shapes');
    const aborted = await waitFor(() => of<StreamAbortedDto>('streamAborted', abortedStream.streamId)[0], 5000, 'streamAborted');
    const base = ['streamId', 'messageId', 'conversationId'];
    expectSeedFields(started, [...base, 'senderId', 'senderName', 'startedAt'], ['senderAvatar', 'replyToMessageId'], 'StreamStartedDto');
    expectSeedFields(
      of<StreamStatusUpdatedDto>('streamStatusUpdated', started.streamId)[0],
      [...base, 'status', 'updatedAt'],
      ['detail'],
      'StreamStatusUpdatedDto',
    );
    const chunks = of<StreamChunkReceivedDto>('streamChunkReceived', started.streamId);
    expectSeedFields(chunks[0], [...base, 'text', 'chunkIndex'], [], 'StreamChunkReceivedDto');
    expect(chunks.map((c) => c.chunkIndex)).to.deep.equal(chunks.map((_, i) => i)); // Zero-based index
    expectSeedFields(completed, [...base, 'message', 'completedAt'], [], 'StreamCompletedDto');
    expectSeedFields(completed.message, CHAT_MESSAGE_REQUIRED, ['senderAvatar'], 'StreamCompletedDto.message (ChatMessageDto)');
    expectSeedFields(aborted, [...base, 'reason', 'abortedAt'], [], 'StreamAbortedDto');
  });

  it("null on the wire (lines 1487–1490, 1496–1514, 1605–1612): an optional member the seed types without null arrives absent; the seed's nulls stay", async () => {
    // The gateway, like ASP.NET's System.Text.Json, writes every unset member as null.
    const raw = await kit.http<Record<string, unknown>>(meToken, 'GET', '/api/participants/types-friend');
    expect(raw).to.include({ avatar: null, gender: null });
    // REST: `avatar?: MediaReference`, `gender?: string` (lines 331–332) are absent; `lastSeenAt?: string | null` keeps what was sent.
    const participant = await client.participants.getById('types-friend');
    expect(participant).to.not.have.any.keys('avatar', 'gender');
    expect(participant).to.deep.equal(Object.fromEntries(Object.entries(raw).filter(([k]) => k !== 'avatar' && k !== 'gender')));
    // A block's MediaReference (lines 1487–1490): `{ storageKey }` stays `{ storageKey }`, not `{ storageKey, url: null }`.
    const image = {
      $type: 'image',
      source: { storageKey: 'k/a.png' },
      thumbnail: null,
      altText: null,
      width: null,
      height: null,
      caption: null,
      fileSizeBytes: null,
    } as const;
    const sentRaw = await kit.http<{ id: string; blocks: Array<{ source: Record<string, unknown> }> }>(
      meToken,
      'POST',
      `/api/conversations/${convId}/messages`,
      { blocks: [image] },
    );
    expect(sentRaw.blocks[0]?.source).to.deep.equal({ storageKey: 'k/a.png', url: null });
    expect((await client.messages.getById(sentRaw.id)).blocks).to.deep.equal([image]);

    // Hub: `senderAvatar?: MediaReference` (line 1501) is absent for a sender without one; `updatedAt: string | null` stays null.
    const got = await listen('messageReceived');
    const { id } = await kit.send(friend.token, convId, 'null on the wire');
    const received = (await waitFor(
      () => got.messageReceived?.find((m) => (m as ChatMessageDto).id === id),
      5000,
      'the message',
    )) as ChatMessageDto;
    expect(received).to.not.have.property('senderAvatar');
    expect([received.updatedAt, received.replyToMessageId, received.systemEvent]).to.deep.equal([null, null, null]);
  });

  it('Ack types (lines 1605–1650): success plus the fields of each hub method', async () => {
    await client.realtime.chat.connect();
    const send: SendMessageAck = await client.realtime.chat.sendMessage({
      conversationId: convId,
      blocks: [{ $type: 'text', format: 'Plain', content: 'ack', plainText: 'ack' }],
      clientMessageId: 'ack-1',
    });
    const messageId = send.messageId!;
    const edit: EditMessageAck = await client.realtime.chat.editMessage({
      messageId,
      newBlocks: [{ $type: 'text', format: 'Plain', content: 'ack2', plainText: 'ack2' }],
    });
    const reaction: ReactionAck = await client.realtime.chat.addReaction({ messageId, conversationId: convId, emoji: '👍' });
    const read: MarkAsReadAck = await client.realtime.chat.markAsRead(convId, messageId);
    const del: DeleteMessageAck = await client.realtime.chat.deleteMessage({ messageId });
    const recover: RecoverMessageAck = await client.realtime.chat.recoverMessage({ messageId });
    const failed: ReactionAck = await client.realtime.chat.removeReaction({ messageId, emoji: '🙈' }); // never added
    const errors = ['errorCode', 'errorMessage'];
    expectSeedFields(send, ['success'], ['messageId', 'clientMessageId', 'createdAt', ...errors], 'SendMessageAck');
    expectSeedFields(edit, ['success'], ['messageId', 'editedAt', ...errors], 'EditMessageAck');
    expectSeedFields(del, ['success'], ['messageId', 'deletedAt', ...errors], 'DeleteMessageAck');
    expectSeedFields(recover, ['success'], ['messageId', ...errors], 'RecoverMessageAck');
    expectSeedFields(reaction, ['success'], ['messageId', 'emoji', ...errors], 'ReactionAck');
    expectSeedFields(read, ['success'], ['conversationId', ...errors], 'MarkAsReadAck');
    // A successful ack carries no error: the server writes `errorCode: null, errorMessage: null`, and compat hands
    // them out absent, as the seed types them (`errorCode?: string`), so `new Error(ack.errorMessage)` compiles.
    for (const ack of [send, edit, del, recover, reaction, read]) expect(ack).to.not.have.any.keys('errorCode', 'errorMessage');
    expect([send.success, edit.success, reaction.success, read.success, del.success, recover.success]).to.deep.equal([
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
    expect([send.clientMessageId, reaction.emoji, read.conversationId]).to.deep.equal(['ack-1', '👍', convId]);
    expect(failed.success).to.equal(false);
    expect(failed.errorCode).to.be.a('string');
  });
});
