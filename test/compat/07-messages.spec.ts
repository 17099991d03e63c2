/**
 * Seed README §7 "Message — MessageApi", lines 496–634, run against `chat-client-rx/compat`.
 * The seed's 'conv-id' and 'msg-id' are placeholders: a conversation of this file's user with
 * 'friend', and a message the test sent.
 */
import { expect } from 'chai';
import {
  ChatApiError,
  type ChatClient,
  type EditMessageRequest,
  type MarkAsReadRequest,
  type MessageDto,
  type ReactionGroup,
  type ReactionSummary,
  type SendMessageRequest,
  type SenderType,
} from '../../src/compat/index.js';
import { CURSOR, ISO_8601, expectSeedFields, seedSuite } from './seed-kit.js';

describe('seed §7 MessageApi (compat)', () => {
  const kit = seedSuite();
  let client: ChatClient;
  let token: string;
  let convId: string; // the seed's 'conv-id'
  before(async () => {
    token = (await kit.login('messages-me')).token;
    await kit.login('friend');
    convId = (await kit.conversation(token, { type: 'Group', name: 'messages', participantIds: ['friend'] })).id;
  });
  beforeEach(async () => {
    client = await kit.user('messages-me'); // the seed's `client`, logged in
  });

  it('send (lines 506–512): 201 with the full MessageDto', async () => {
    const msgIdToReply = (await kit.send(token, convId, 'the message replied to')).id; // seed: 'msg-id-to-reply'
    const msg = await client.messages.send(convId, {
      blocks: [{ $type: 'text', format: 'Plain', content: 'Xin chào!', plainText: 'Xin chào!' }],
      replyToMessageId: msgIdToReply, // optional
      clientMessageId: 'local-uuid-1234', // optional, dùng cho optimistic rendering
    });
    expect(msg).to.deep.include({
      conversationId: convId,
      senderId: 'messages-me',
      senderType: 'User',
      replyToMessageId: msgIdToReply,
      clientMessageId: 'local-uuid-1234',
      plainTextIndex: 'Xin chào!',
      isEdited: false,
      isDeleted: false,
    });
    expect(msg.blocks).to.deep.equal([{ $type: 'text', format: 'Plain', content: 'Xin chào!', plainText: 'Xin chào!' }]);
    expect(msg.id).to.match(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it('getHistory newest / older / newer (lines 520–534)', async () => {
    const { id: historyConv } = await kit.conversation(token, { type: 'Group', name: 'history', participantIds: ['friend'] }); // seed: 'conv-id'
    const sent: string[] = [];
    for (let i = 1; i <= 65; i++) sent.push((await kit.send(token, historyConv, `m${i}`)).id);

    // Lấy 30 tin nhắn mới nhất
    const result = await client.messages.getHistory(historyConv, { limit: 30 });

    // Load thêm tin nhắn cũ hơn (scroll lên)
    const older = await client.messages.getHistory(historyConv, {
      limit: 30,
      cursor: result.nextCursor!,
      direction: 'older', // mặc định
    });

    // Load tin nhắn mới hơn cursor (scroll xuống)
    const someCursor = result.nextCursor!; // the seed leaves someCursor undefined: the cursor of the 30th newest message
    const newer = await client.messages.getHistory(historyConv, {
      cursor: someCursor,
      direction: 'newer',
    });

    expect(result.items.map((m) => m.id)).to.deep.equal(sent.slice(35).reverse()); // newest first
    expect(result.hasMore).to.equal(true);
    expect(result.nextCursor).to.match(CURSOR);
    expect(older.items.map((m) => m.id)).to.deep.equal(sent.slice(5, 35).reverse());
    expect(newer.items.map((m) => m.id)).to.deep.equal(sent.slice(36)); // the 29 after the cursor, oldest first
  });

  it('search (line 540): full text in the conversation', async () => {
    await kit.send(token, convId, 'câu có từ khóa tìm kiếm ở giữa');
    await kit.send(token, convId, 'không liên quan');
    const results = await client.messages.search(convId, 'từ khóa tìm kiếm', 20);
    expect(results.map((m) => m.plainTextIndex)).to.deep.equal(['câu có từ khóa tìm kiếm ở giữa']);
  });

  it('getById (line 544)', async () => {
    const msgId = (await kit.send(token, convId, 'by id')).id; // seed: 'msg-id'
    const msg = await client.messages.getById(msgId);
    expect([msg.id, msg.plainTextIndex]).to.deep.equal([msgId, 'by id']);
  });

  it('edit (lines 550–553): REST takes { blocks, mentions }', async () => {
    const msgId = (await kit.send(token, convId, 'before the edit')).id; // seed: 'msg-id'
    const edited = await client.messages.edit(msgId, {
      blocks: [{ $type: 'text', format: 'Plain', content: 'Nội dung đã sửa', plainText: 'Nội dung đã sửa' }],
      mentions: [], // optional
    });
    expect([edited.id, edited.isEdited, edited.plainTextIndex]).to.deep.equal([msgId, true, 'Nội dung đã sửa']);
    expect(edited.editedAt).to.match(ISO_8601);
  });

  it('delete (line 561): a soft delete answering { messageId, deletedAt }', async () => {
    const msgId = (await kit.send(token, convId, 'to delete')).id; // seed: 'msg-id'
    const { messageId, deletedAt } = await client.messages.delete(msgId);
    expect(messageId).to.equal(msgId);
    expect(deletedAt).to.match(ISO_8601);
    expect((await client.messages.getById(msgId)).isDeleted).to.equal(true);
  });

  it('recover (line 567): within 10 minutes of the delete', async () => {
    const msgId = (await kit.send(token, convId, 'to recover')).id; // seed: 'msg-id'
    await kit.http(token, 'DELETE', `/api/messages/${msgId}`); // not in the seed: recover needs a deleted message
    await client.messages.recover(msgId);
    const msg = await client.messages.getById(msgId);
    expect([msg.isDeleted, msg.deletedAt]).to.deep.equal([false, null]);
  });

  it('addReaction / removeReaction (lines 571–572)', async () => {
    const msgId = (await kit.send(token, convId, 'to react to')).id; // seed: 'msg-id'
    await client.messages.addReaction(msgId, '👍');
    // not in the seed: the summary between the two calls
    expect((await client.messages.getById(msgId)).reactionSummary).to.deep.equal({
      groups: [{ emoji: '👍', count: 1, participantIds: ['messages-me'] }],
      totalCount: 1,
    });
    await client.messages.removeReaction(msgId, '👍');
    const after = (await client.messages.getById(msgId)).reactionSummary;
    expect(after === null || after.totalCount === 0).to.equal(true);
  });

  it('409 Conflict when the emoji is there already (prose, line 574)', async () => {
    const msgId = (await kit.send(token, convId, 'react twice')).id;
    await client.messages.addReaction(msgId, '👍');
    const failure = await client.messages.addReaction(msgId, '👍').then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).to.be.an.instanceOf(ChatApiError);
    expect((failure as ChatApiError).status).to.equal(409);
  });

  it('SenderType / MessageDto / ReactionSummary / ReactionGroup / SendMessageRequest / EditMessageRequest / MarkAsReadRequest (lines 578–634)', async () => {
    const senders: SenderType[] = ['User', 'Bot', 'System'];
    const group: ReactionGroup = { emoji: '👍', count: 1, participantIds: ['p'] };
    const summary: ReactionSummary = { groups: [group], totalCount: 1 };
    const typed: MessageDto = {
      id: '01HX0000000000000000000000',
      conversationId: 'c',
      senderId: 'p',
      senderType: 'User',
      timestamp: '2025-01-01T00:00:00Z',
      blocks: [{ $type: 'text', format: 'Plain', content: 'a', plainText: 'a' }],
      plainTextIndex: 'a',
      replyToMessageId: null,
      quickReplies: null,
      isEdited: false,
      editedAt: null,
      isDeleted: false,
      deletedAt: null,
      reactionSummary: summary,
      mentions: null,
      createdAt: '2025-01-01T00:00:00Z',
      updatedAt: '2025-01-01T00:00:00Z',
      clientMessageId: null,
      systemEvent: null,
    };
    const send: SendMessageRequest = {
      blocks: typed.blocks,
      replyToMessageId: 'm',
      quickReplies: [{ label: 'Yes', action: 'SendText', value: 'yes', icon: null }],
      mentions: [{ type: 'User', targetId: 'p', displayName: 'P', offset: 0, length: 1 }],
      clientMessageId: 'x'.repeat(128), // Tối đa 128 ký tự
    };
    const edit: EditMessageRequest = { blocks: typed.blocks, mentions: [] };
    const read: MarkAsReadRequest = { messageId: 'm' };
    expect([senders.length, send.clientMessageId?.length, edit.mentions, read.messageId]).to.deep.equal([3, 128, [], 'm']);

    const msgId = (await kit.send(token, convId, 'shape')).id;
    await kit.http(token, 'POST', `/api/messages/${msgId}/reactions/${encodeURIComponent('🎉')}`);
    const live: MessageDto = await client.messages.getById(msgId);
    expectSeedFields(
      live,
      [
        'id',
        'conversationId',
        'senderId',
        'senderType',
        'timestamp',
        'blocks',
        'plainTextIndex',
        'replyToMessageId',
        'quickReplies',
        'isEdited',
        'editedAt',
        'isDeleted',
        'deletedAt',
        'reactionSummary',
        'mentions',
        'createdAt',
        'updatedAt',
        'clientMessageId',
        'systemEvent',
      ],
      [],
      'MessageDto',
    );
    expectSeedFields(live.reactionSummary, ['groups', 'totalCount'], [], 'ReactionSummary');
    expectSeedFields(live.reactionSummary?.groups[0], ['emoji', 'count', 'participantIds'], [], 'ReactionGroup');
    expect(live.timestamp).to.match(ISO_8601);
  });
});
