/**
 * Seed README §12 "Real-time: ChatHubClient", lines 867–1052, run against `chat-client-rx/compat`.
 * The seed's 'conv-id' is a group of this file's user ('hub-me') with a witness ('hub-friend', on
 * the project's reactive client) that records what the examples make the server send; 'msg-id'
 * and 'last-message-id' are messages the test sent. Streaming uses the gateway's `echo-bot`.
 */
import { HubConnectionState } from '@microsoft/signalr';
import { expect } from 'chai';
import { firstValueFrom } from 'rxjs';
import type {
  ChatClient,
  ChatMessageDto,
  DeleteType,
  MessageDeletedDto,
  MessageUpdatedDto,
  ReactionAddedDto,
  ReactionRemovedDto,
  ReadReceiptUpdatedDto,
  TypingDto,
} from '../../src/compat/index.js';
import { ISO_8601, Witness, captureConsole, expectSeedFields, seedSuite, waitFor } from './seed-kit.js';

describe('seed §12 ChatHubClient (compat)', () => {
  const kit = seedSuite();
  const out = captureConsole();
  let friend: Witness;
  let meToken: string;
  let convId: string; // the seed's 'conv-id'
  let fenceId: string; // a second conversation: a message there proves that an earlier one elsewhere was not delivered
  let botConvId: string; // a conversation with echo-bot
  let client: ChatClient;

  before(async () => {
    friend = await Witness.create(kit, 'hub-friend');
    meToken = (await kit.login('hub-me')).token;
    convId = (await kit.conversation(meToken, { type: 'Group', name: 'hub', participantIds: [friend.id] })).id;
    fenceId = (await kit.conversation(meToken, { type: 'Group', name: 'fence', participantIds: [friend.id] })).id;
    botConvId = (await kit.conversation(meToken, { type: 'Group', name: 'bot', participantIds: ['echo-bot'] })).id;
    await friend.join(convId);
  });
  after(async () => friend.close());
  beforeEach(async () => {
    client = await kit.user('hub-me'); // the seed's `client`, logged in
  });

  const friendSays = async (conversationId: string, text: string): Promise<string> =>
    (await kit.send(friend.token, conversationId, text)).id;

  it('connect (line 875); a second connect() does nothing (line 877)', async () => {
    await client.realtime.chat.connect();
    expect(client.realtime.chat.state).to.equal(HubConnectionState.Connected);
    const connections = kit.gw.embedded?.connectionCount;
    await client.realtime.chat.connect(); // not in the seed: the "đã connected" case of line 877
    expect(kit.gw.embedded?.connectionCount).to.equal(connections);
    expect(client.realtime.chat.state).to.equal(HubConnectionState.Connected);
  });

  it('disconnect (lines 881–882): clears joinedConversations (line 884)', async () => {
    await client.realtime.chat.connect();
    await client.realtime.chat.joinConversation(convId);
    expect([...client.realtime.chat.joinedConversations]).to.deep.equal([convId]); // "Có thể đọc trực tiếp" (line 884)
    await client.realtime.chat.disconnect();
    // Xóa toàn bộ joinedConversations
    expect(client.realtime.chat.joinedConversations.size).to.equal(0);
    expect(client.realtime.chat.state).to.equal(HubConnectionState.Disconnected);
  });

  it('rejoinConversations (line 890): joins every tracked conversation again, events keep coming once', async () => {
    await client.realtime.chat.connect();
    await client.realtime.chat.joinConversation(convId);
    const received: string[] = [];
    client.realtime.chat.on('messageReceived', (msg) => received.push(msg.plainTextContent ?? ''));
    await client.realtime.chat.rejoinConversations();
    expect([...client.realtime.chat.joinedConversations]).to.deep.equal([convId]);
    await friendSays(convId, 'after rejoin');
    await friendSays(fenceId, 'fence'); // not joined: must not arrive
    await friendSays(convId, 'second');
    await waitFor(() => received.includes('second'), 5000, 'the second message');
    expect(received).to.deep.equal(['after rejoin', 'second']);
  });

  it('state (lines 894–897): a HubConnectionState', async () => {
    expect(client.realtime.chat.state).to.equal(HubConnectionState.Disconnected); // not in the seed: before connect()
    await client.realtime.chat.connect(); // not in the seed: so that there is a state to read
    const state = client.realtime.chat.state;
    // HubConnectionState.Connected | Disconnected | Connecting | Reconnecting
    expect(state).to.equal(HubConnectionState.Connected);
  });

  it('joinConversation / leaveConversation (lines 901–905): events of a conversation only while joined', async () => {
    await client.realtime.chat.connect(); // not in the seed: the hub connects first (line 875)
    const received: string[] = [];
    client.realtime.chat.on('messageReceived', (msg) => received.push(msg.plainTextContent ?? ''));

    // Tham gia — bắt đầu nhận sự kiện của cuộc hội thoại
    await client.realtime.chat.joinConversation(convId);
    await client.realtime.chat.joinConversation(fenceId); // not in the seed: the fence conversation
    await friendSays(convId, 'while joined');
    await waitFor(() => received.includes('while joined'), 5000, 'the message sent while joined');

    // Rời
    await client.realtime.chat.leaveConversation(convId);
    await friendSays(convId, 'after leaving');
    await friendSays(fenceId, 'fence');
    await waitFor(() => received.includes('fence'), 5000, 'the fence message');
    expect(received).to.deep.equal(['while joined', 'fence']);
    expect([...client.realtime.chat.joinedConversations]).to.deep.equal([fenceId]);
  });

  it('sendMessage (lines 911–921): an ack with the messageId; the others receive the message', async () => {
    await client.realtime.chat.connect(); // not in the seed: the hub connects first (line 875)
    const seen = friend.events<ChatMessageDto>('chat', 'messageReceived');
    const ack = await client.realtime.chat.sendMessage({
      conversationId: convId,
      blocks: [{ $type: 'text', format: 'Plain', content: 'Hello!', plainText: 'Hello!' }],
      clientMessageId: 'local-uuid', // optional, optimistic rendering
    });

    if (ack.success) {
      console.log('Đã gửi, messageId:', ack.messageId);
    } else {
      console.error('Lỗi:', ack.errorCode, ack.errorMessage);
    }
    expect(out.lines('log')).to.deep.equal([['Đã gửi, messageId:', ack.messageId]]);
    expect(ack.clientMessageId).to.equal('local-uuid');
    expect(ack.createdAt).to.match(ISO_8601);
    const echoed = await waitFor(() => seen.find((m) => m.id === ack.messageId), 5000, 'the message at the friend');
    expect([echoed.senderId, echoed.plainTextContent, echoed.clientMessageId]).to.deep.equal(['hub-me', 'Hello!', 'local-uuid']);
  });

  it('sendMessage, the failure branch of lines 917–921: success false with errorCode and errorMessage', async () => {
    await client.realtime.chat.connect();
    const ack = await client.realtime.chat.sendMessage({
      conversationId: 'not-a-conversation-of-mine', // not in the seed: makes the server refuse
      blocks: [{ $type: 'text', format: 'Plain', content: 'Hello!', plainText: 'Hello!' }],
      clientMessageId: 'local-uuid', // optional, optimistic rendering
    });

    if (ack.success) {
      console.log('Đã gửi, messageId:', ack.messageId);
    } else {
      console.error('Lỗi:', ack.errorCode, ack.errorMessage);
    }
    expect(ack.success).to.equal(false);
    expect(out.lines('log')).to.deep.equal([]);
    const [line] = out.lines('error');
    expect(line?.[0]).to.equal('Lỗi:');
    expect(line?.[1]).to.be.a('string').and.not.equal('');
    expect(line?.[2]).to.be.a('string').and.not.equal('');
  });

  it('editMessage / deleteMessage / recoverMessage (lines 925–935): acks, and the events the others get', async () => {
    await client.realtime.chat.connect(); // not in the seed: the hub connects first (line 875)
    const msgId = (await kit.send(meToken, convId, 'to edit')).id; // seed: 'msg-id'
    const updated = friend.events<MessageUpdatedDto>('chat', 'messageUpdated');
    const deleted = friend.events<MessageDeletedDto>('chat', 'messageDeleted');
    const recovered = friend.events<ChatMessageDto>('chat', 'messageRecovered');

    // Chỉnh sửa — dùng newBlocks/newMentions (khác REST!)
    const editAck = await client.realtime.chat.editMessage({
      messageId: msgId,
      newBlocks: [{ $type: 'text', format: 'Plain', content: 'Đã sửa', plainText: 'Đã sửa' }],
    });

    // Xóa — truyền object, KHÔNG phải string
    const deleteAck = await client.realtime.chat.deleteMessage({ messageId: msgId });

    // Khôi phục
    const recoverAck = await client.realtime.chat.recoverMessage({ messageId: msgId });

    expect([editAck.success, deleteAck.success, recoverAck.success]).to.deep.equal([true, true, true]);
    expect([editAck.messageId, deleteAck.messageId, recoverAck.messageId]).to.deep.equal([msgId, msgId, msgId]);
    expect(editAck.editedAt).to.match(ISO_8601);
    expect(deleteAck.deletedAt).to.match(ISO_8601);
    await waitFor(() => recovered.some((m) => m.id === msgId), 5000, 'messageRecovered at the friend');
    expect(updated.find((u) => u.messageId === msgId)?.plainTextContent).to.equal('Đã sửa');
    expect(deleted.find((d) => d.messageId === msgId)?.deletedBy).to.equal('hub-me');
    expect(recovered.find((m) => m.id === msgId)?.plainTextContent).to.equal('Đã sửa');
  });

  it('startTyping / stopTyping (lines 939–940): the others see typingStarted then typingStopped', async () => {
    await client.realtime.chat.connect(); // not in the seed: the hub connects first (line 875)
    await client.realtime.chat.joinConversation(convId); // not in the seed: typing is sent in a joined conversation
    const started = friend.events<TypingDto>('chat', 'typingStarted');
    const stopped = friend.events<TypingDto>('chat', 'typingStopped');
    await client.realtime.chat.startTyping(convId);
    await waitFor(() => started.some((t) => t.participantId === 'hub-me'), 5000, 'typingStarted at the friend'); // not in the seed
    await client.realtime.chat.stopTyping(convId);
    await waitFor(() => stopped.some((t) => t.participantId === 'hub-me'), 5000, 'typingStopped at the friend');
    expect(started.find((t) => t.participantId === 'hub-me')).to.deep.include({ conversationId: convId, participantName: 'hub-me' });
  });

  it('markAsRead (line 944): an ack; the others get readReceiptUpdated', async () => {
    await client.realtime.chat.connect(); // not in the seed: the hub connects first (line 875)
    const lastMessageId = await friendSays(convId, 'read me'); // seed: 'last-message-id'
    const receipts = friend.events<ReadReceiptUpdatedDto>('chat', 'readReceiptUpdated');
    const ack = await client.realtime.chat.markAsRead(convId, lastMessageId);
    expect([ack.success, ack.conversationId]).to.deep.equal([true, convId]);
    const receipt = await waitFor(() => receipts.find((r) => r.participantId === 'hub-me'), 5000, 'readReceiptUpdated at the friend');
    expect(receipt.lastReadMessageId).to.equal(lastMessageId);
  });

  it('addReaction / removeReaction (lines 948–949): the others get reactionAdded then reactionRemoved', async () => {
    await client.realtime.chat.connect(); // not in the seed: the hub connects first (line 875)
    const msgId = await friendSays(convId, 'react to me'); // seed: 'msg-id'
    const added = friend.events<ReactionAddedDto>('chat', 'reactionAdded');
    const removed = friend.events<ReactionRemovedDto>('chat', 'reactionRemoved');
    await client.realtime.chat.addReaction({ messageId: msgId, conversationId: convId, emoji: '❤️' });
    await client.realtime.chat.removeReaction({ messageId: msgId, emoji: '❤️' });
    await waitFor(() => removed.some((r) => r.messageId === msgId), 5000, 'reactionRemoved at the friend');
    expect(added.find((r) => r.messageId === msgId)).to.deep.include({ emoji: '❤️', participantId: 'hub-me' });
    expect(removed.find((r) => r.messageId === msgId)).to.deep.include({ emoji: '❤️', participantId: 'hub-me' });
  });

  it('on / unsubscribe / off (lines 953–964)', async () => {
    await client.realtime.chat.connect(); // not in the seed: connected and joined, so that messages arrive
    await client.realtime.chat.joinConversation(convId);
    let handled = 0; // not in the seed: counts the calls of `handler`

    // Đăng ký — trả về hàm unsubscribe
    const unsub = client.realtime.chat.on('messageReceived', (msg) => {
      console.log('Tin nhắn mới:', msg.plainTextContent);
    });
    await friendSays(convId, 'first'); // not in the seed: a message while subscribed
    await waitFor(() => out.lines().length === 1, 5000, 'the first message to be printed');

    // Hủy đăng ký
    unsub();

    // Hoặc dùng .off()
    const handler = (msg: ChatMessageDto) => {
      /* ... */
      void msg;
      handled++; // not in the seed (its body is empty): counts the calls
    };
    client.realtime.chat.on('messageReceived', handler);
    client.realtime.chat.off('messageReceived', handler);

    const fence: string[] = []; // not in the seed: a listener still on, to know when 'second' has been delivered
    client.realtime.chat.on('messageReceived', (msg) => fence.push(msg.plainTextContent ?? ''));
    await friendSays(convId, 'second');
    await waitFor(() => fence.includes('second'), 5000, 'the second message');
    expect(out.lines()).to.deep.equal([['Tin nhắn mới:', 'first']]);
    expect(handled).to.equal(0);
  });

  it('event payloads (table line 968; MessageUpdatedDto … ReadReceiptUpdatedDto, lines 972–1026)', async () => {
    // Type level: each interface as the seed declares it.
    const deleteTypes: DeleteType[] = ['recall', 'delete'];
    const typedUpdated: MessageUpdatedDto = {
      messageId: 'm',
      conversationId: 'c',
      blocks: [],
      plainTextContent: null,
      mentions: [],
      updatedAt: '2025-01-01T00:00:00Z',
    };
    const typedDeleted: MessageDeletedDto = {
      messageId: 'm',
      conversationId: 'c',
      deleteType: 'recall',
      deletedBy: 'p',
      deletedAt: '2025-01-01T00:00:00Z',
    };
    const typedAdded: ReactionAddedDto = {
      messageId: 'm',
      conversationId: 'c',
      participantId: 'p',
      participantName: 'P',
      emoji: '👍',
      createdAt: '2025-01-01T00:00:00Z',
    };
    const typedRemoved: ReactionRemovedDto = {
      messageId: 'm',
      conversationId: 'c',
      participantId: 'p',
      participantName: 'P',
      emoji: '👍',
      removedAt: '2025-01-01T00:00:00Z',
    };
    const typedTyping: TypingDto = { conversationId: 'c', participantId: 'p', participantName: 'P' };
    const typedReceipt: ReadReceiptUpdatedDto = {
      conversationId: 'c',
      participantId: 'p',
      lastReadMessageId: 'm',
      readAt: '2025-01-01T00:00:00Z',
    };
    expect([
      deleteTypes,
      typedUpdated.blocks,
      typedDeleted.deleteType,
      typedAdded.emoji,
      typedRemoved.removedAt,
      typedTyping.participantName,
    ]).to.have.length(6);
    expect(typedReceipt.readAt).to.match(ISO_8601);

    // Run time: what this client receives when the friend acts.
    await client.realtime.chat.connect();
    await client.realtime.chat.joinConversation(convId);
    const got: Record<string, unknown[]> = {};
    const names = [
      'messageReceived',
      'messageUpdated',
      'messageDeleted',
      'reactionAdded',
      'reactionRemoved',
      'typingStarted',
      'typingStopped',
      'readReceiptUpdated',
    ] as const;
    for (const name of names) client.realtime.chat.on(name, (payload: unknown) => (got[name] ??= []).push(payload));
    const msgId = await friendSays(convId, 'payloads');
    await kit.http(friend.token, 'PUT', `/api/messages/${msgId}`, {
      blocks: [{ $type: 'text', format: 'Plain', content: 'edited', plainText: 'edited' }],
    });
    await kit.http(friend.token, 'POST', `/api/messages/${msgId}/reactions/${encodeURIComponent('👍')}`);
    await kit.http(friend.token, 'DELETE', `/api/messages/${msgId}/reactions/${encodeURIComponent('👍')}`);
    await kit.http(friend.token, 'POST', `/api/conversations/${convId}/read`, { messageId: msgId });
    await kit.http(friend.token, 'DELETE', `/api/messages/${msgId}`);
    await firstValueFrom(friend.client.realtime.chat.startTyping(convId), { defaultValue: undefined });
    await firstValueFrom(friend.client.realtime.chat.stopTyping(convId), { defaultValue: undefined });
    await waitFor(() => names.every((n) => (got[n]?.length ?? 0) > 0), 5000, `every event (got ${Object.keys(got).join(', ')})`);

    expectSeedFields(
      got.messageUpdated?.[0],
      ['messageId', 'conversationId', 'blocks', 'plainTextContent', 'updatedAt'],
      ['mentions'],
      'MessageUpdatedDto',
    );
    expectSeedFields(
      got.messageDeleted?.[0],
      ['messageId', 'conversationId', 'deleteType', 'deletedBy', 'deletedAt'],
      [],
      'MessageDeletedDto',
    );
    expect(deleteTypes).to.include((got.messageDeleted?.[0] as MessageDeletedDto | undefined)?.deleteType);
    expectSeedFields(
      got.reactionAdded?.[0],
      ['messageId', 'conversationId', 'participantId', 'participantName', 'emoji', 'createdAt'],
      [],
      'ReactionAddedDto',
    );
    expectSeedFields(
      got.reactionRemoved?.[0],
      ['messageId', 'conversationId', 'participantId', 'participantName', 'emoji', 'removedAt'],
      [],
      'ReactionRemovedDto',
    );
    expectSeedFields(got.typingStarted?.[0], ['conversationId', 'participantId', 'participantName'], [], 'TypingDto (typingStarted)');
    expectSeedFields(got.typingStopped?.[0], ['conversationId', 'participantId', 'participantName'], [], 'TypingDto (typingStopped)');
    expectSeedFields(
      got.readReceiptUpdated?.[0],
      ['conversationId', 'participantId', 'lastReadMessageId', 'readAt'],
      [],
      'ReadReceiptUpdatedDto',
    );
  });

  it('bot streaming (lines 1030–1052): started → chunks → completed, and no messageReceived for the reply', async () => {
    await client.realtime.chat.connect(); // not in the seed: connected and joined to a conversation with echo-bot
    await client.realtime.chat.joinConversation(botConvId);
    const progressive: string[] = []; // not in the seed: what "Hiển thị progressive" would show, chunk by chunk
    const received: ChatMessageDto[] = [];
    client.realtime.chat.on('messageReceived', (msg) => received.push(msg));

    const chunks: string[] = [];

    client.realtime.chat.on('streamStarted', (dto) => {
      console.log('Bot bắt đầu trả lời, streamId:', dto.streamId);
    });

    client.realtime.chat.on('streamChunkReceived', (dto) => {
      chunks.push(dto.text);
      // Hiển thị progressive: chunks.join('')
      progressive.push(chunks.join(''));
    });

    client.realtime.chat.on('streamCompleted', (dto) => {
      console.log('Tin nhắn hoàn chỉnh:', dto.message);
      chunks.length = 0; // reset
    });

    client.realtime.chat.on('streamAborted', (dto) => {
      console.error('Stream bị hủy:', dto.reason);
    });

    await kit.send(meToken, botConvId, 'hello bot'); // not in the seed: a message the bot answers
    await waitFor(() => out.lines().length === 2, 5000, 'the completed stream to be printed');
    const [[startedLabel, streamId], [completedLabel, message]] = out.lines() as [[string, string], [string, ChatMessageDto]];
    expect([startedLabel, completedLabel]).to.deep.equal(['Bot bắt đầu trả lời, streamId:', 'Tin nhắn hoàn chỉnh:']);
    expect(streamId).to.be.a('string').and.not.equal('');
    expect([message.senderId, message.plainTextContent]).to.deep.equal(['echo-bot', 'You said: hello bot']);
    expect(progressive.length).to.be.greaterThan(1);
    expect(progressive[progressive.length - 1]).to.equal('You said: hello bot');
    expect(chunks).to.deep.equal([]);
    expect(received.filter((m) => m.senderId === 'echo-bot')).to.deep.equal([]);

    await kit.send(meToken, botConvId, 'please abort this one'); // not in the seed: the gateway's bot aborts on "abort"
    const [aborted] = await waitFor(
      () => (out.lines('error').length > 0 ? out.lines('error') : null),
      5000,
      'the aborted stream to be printed',
    );
    expect(aborted?.[0]).to.equal('Stream bị hủy:');
    expect(aborted?.[1]).to.be.a('string').and.not.equal('');
  });

  it('auto reconnect re-joins the tracked conversations (lines 877, 907); reconnecting / reconnected events (table line 968)', async () => {
    await client.realtime.chat.connect();
    await client.realtime.chat.joinConversation(convId);
    const events: string[] = [];
    client.realtime.chat.on('reconnecting', () => events.push('reconnecting'));
    client.realtime.chat.on('reconnected', (connectionId) => events.push(`reconnected ${typeof connectionId}`));
    const received: string[] = [];
    client.realtime.chat.on('messageReceived', (msg) => received.push(msg.plainTextContent ?? ''));
    await kit.gw.faults.dropConnections({ allowReconnect: true });
    await waitFor(() => events.includes('reconnected string'), 10_000, 'the chat hub to reconnect');
    expect(events[0]).to.equal('reconnecting');
    await waitFor(() => client.realtime.chat.state === HubConnectionState.Connected, 5000, 'connected');
    await waitFor(
      async () => {
        await friendSays(convId, 'after reconnect');
        return received.includes('after reconnect');
      },
      5000,
      { description: 'a message after the reconnect (the conversation re-joined)', intervalMs: 100 },
    );
    expect([...client.realtime.chat.joinedConversations]).to.deep.equal([convId]);
  });
});
