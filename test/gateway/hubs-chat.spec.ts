/**
 * `/hubs/chat` with the official `@microsoft/signalr` client: joining, who receives which event,
 * REST and hub sends producing the same events, edits/deletes/recoveries, typing, read
 * receipts, reactions and acks. Every payload received must decode with its codec
 * (`HubClients.stopAll` fails the test otherwise).
 */
import { expect } from 'chai';
import {
  ChatMessageDto,
  DeleteMessageAck,
  EditMessageAck,
  MarkAsReadAck,
  MessageDto,
  ReactionAck,
  RecoverMessageAck,
  SendMessageAck,
} from '../../src/codecs/index.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import {
  ISO_FORMAT,
  HubClients,
  api,
  createConversation,
  decoded,
  expectOk,
  newUsers,
  sendText,
  text,
  type ChatRecorder,
  type TestUser,
} from './gateway-helpers.js';

describe('gateway hubs: /hubs/chat', () => {
  let gw: TestGateway;
  const hubs = new HubClients(() => gw);
  before(async () => {
    gw = await startTestGateway({ bot: false });
  });
  afterEach(async () => hubs.stopAll());
  after(async () => gw.close());

  /** Alice and Bob in a group, each with a chat connection joined to it. */
  const pair = async (): Promise<{ alice: TestUser; bob: TestUser; conversationId: string; a: ChatRecorder; b: ChatRecorder }> => {
    const [alice, bob] = await newUsers(gw, 'alice', 'bob');
    const conversationId = (await createConversation(gw, alice, 'Group', [bob.id], 'Pair')).id;
    const [a, b] = await Promise.all([hubs.chat(alice.token), hubs.chat(bob.token)]);
    await Promise.all([a.connection.invoke('JoinConversation', conversationId), b.connection.invoke('JoinConversation', conversationId)]);
    return { alice, bob, conversationId, a, b };
  };

  describe('JoinConversation', () => {
    it('is refused with a hub error for a non-member and for an unknown conversation', async () => {
      const [alice, eve] = await newUsers(gw, 'alice', 'eve');
      const conversationId = (await createConversation(gw, alice, 'Group', [], 'Closed')).id;
      const e = await hubs.chat(eve.token);
      const expected =
        "An unexpected error occurred invoking 'JoinConversation' on the server. HubException: You are not a participant of this conversation.";
      let failure: unknown;
      await e.connection.invoke('JoinConversation', conversationId).catch((error: unknown) => (failure = error));
      expect((failure as Error | undefined)?.message).to.equal(expected);
      failure = undefined;
      await e.connection.invoke('JoinConversation', '01ARZ3NDEKTSV4RRFFQ69G5FAV').catch((error: unknown) => (failure = error));
      expect((failure as Error | undefined)?.message).to.equal(expected);
      // The connection survives a refused join.
      expect(e.connection.state).to.equal('Connected');
    });

    it('events reach only the connections joined to that conversation', async () => {
      const [alice, bob, carol] = await newUsers(gw, 'alice', 'bob', 'carol');
      const first = (await createConversation(gw, alice, 'Group', [bob.id, carol.id], 'First')).id;
      const second = (await createConversation(gw, alice, 'Group', [carol.id], 'Second')).id;
      const a = await hubs.chat(alice.token);
      const b = await hubs.chat(bob.token); // a member who has not joined
      const c = await hubs.chat(carol.token); // joined to the other conversation only
      await a.connection.invoke('JoinConversation', first);
      await c.connection.invoke('JoinConversation', second);

      const sent = await sendText(gw, alice, first, 'only for joined');
      await a.waitFor('messageReceived', (m) => m.id === sent.id);
      await Promise.all([b.roundTrip(), c.roundTrip()]);
      expect(b.received).to.deep.equal([]);
      expect(c.received).to.deep.equal([]);

      // After joining, Bob receives; after leaving, Alice does not.
      await b.connection.invoke('JoinConversation', first);
      await a.connection.invoke('LeaveConversation', first);
      const next = await sendText(gw, carol, first, 'second message');
      await b.waitFor('messageReceived', (m) => m.id === next.id);
      await a.roundTrip();
      expect(a.events('messageReceived').map((m) => m.id)).to.deep.equal([sent.id]);
      expect(b.events('messageReceived').map((m) => m.id)).to.deep.equal([next.id]);
    });
  });

  describe('messages', () => {
    it('a message sent over REST and one sent over the hub produce the same messageReceived shape', async () => {
      const { alice, bob, conversationId, a, b } = await pair();
      const viaRest = await sendText(gw, alice, conversationId, 'via REST', { clientMessageId: 'rest-1' });
      const ack = decoded(
        SendMessageAck,
        await a.connection.invoke('SendMessage', { conversationId, blocks: [text('via hub')], clientMessageId: 'hub-1' }),
      );
      expect(ack.success).to.equal(true);
      expect(ack.clientMessageId).to.equal('hub-1');
      expect(ack.createdAt ?? '').to.match(ISO_FORMAT);
      const viaHubId = ack.messageId ?? '';

      const [restEvent, hubEvent] = await Promise.all([
        b.waitFor('messageReceived', (m) => m.id === viaRest.id),
        b.waitFor('messageReceived', (m) => m.id === viaHubId),
      ]);
      decoded(ChatMessageDto, restEvent);
      decoded(ChatMessageDto, hubEvent);
      expect(Object.keys(hubEvent).sort()).to.deep.equal(Object.keys(restEvent).sort());
      const common = {
        conversationId,
        senderId: alice.id,
        senderName: alice.id,
        senderType: 'User',
        isEdited: false,
        reactions: null,
        mentions: null,
        replyToMessageId: null,
        quickReplies: null,
        updatedAt: null,
        systemEvent: null,
      };
      expect(restEvent).to.deep.include({
        ...common,
        id: viaRest.id,
        blocks: [text('via REST')],
        plainTextContent: 'via REST',
        clientMessageId: 'rest-1',
        createdAt: viaRest.createdAt,
      });
      expect(hubEvent).to.deep.include({
        ...common,
        id: viaHubId,
        blocks: [text('via hub')],
        plainTextContent: 'via hub',
        clientMessageId: 'hub-1',
        createdAt: ack.createdAt,
      });
      // The sender's own connection gets the echo of both.
      await a.waitForCount('messageReceived', 2);

      // And the hub-sent message is in REST history like the other one.
      const stored = expectOk(await api(gw, 'GET', `/api/messages/${viaHubId}`, { token: bob.token }), 200, MessageDto);
      expect([stored.senderId, stored.plainTextIndex, stored.clientMessageId]).to.deep.equal([alice.id, 'via hub', 'hub-1']);
    });

    it('SendMessage is idempotent by clientMessageId (one event, same id)', async () => {
      const { conversationId, a, b } = await pair();
      const request = { conversationId, blocks: [text('retry')], clientMessageId: 'same' };
      const first = decoded(SendMessageAck, await a.connection.invoke('SendMessage', request));
      const second = decoded(SendMessageAck, await a.connection.invoke('SendMessage', request));
      expect([first.success, second.success, second.messageId]).to.deep.equal([true, true, first.messageId]);
      await b.waitFor('messageReceived', (m) => m.id === first.messageId);
      await b.roundTrip();
      expect(b.events('messageReceived')).to.have.length(1);
    });

    it('acks report domain failures with success: false and an errorCode', async () => {
      const { alice, bob, conversationId, a, b } = await pair();
      const bobs = await sendText(gw, bob, conversationId, 'bob wrote this');
      const eve = (await newUsers(gw, 'eve'))[0];
      const closed = (await createConversation(gw, eve, 'Group', [], 'Closed')).id;

      const edit = decoded(
        EditMessageAck,
        await a.connection.invoke('EditMessage', { messageId: bobs.id, newBlocks: [text('alice was here')] }),
      );
      expect([edit.success, edit.errorCode]).to.deep.equal([false, 'FORBIDDEN']);
      expect(edit.errorMessage).to.be.a('string').and.not.equal('');
      const del = decoded(DeleteMessageAck, await a.connection.invoke('DeleteMessage', { messageId: bobs.id }));
      expect([del.success, del.errorCode]).to.deep.equal([false, 'FORBIDDEN']);
      const send = decoded(SendMessageAck, await a.connection.invoke('SendMessage', { conversationId: closed, blocks: [text('hi')] }));
      expect([send.success, send.errorCode]).to.deep.equal([false, 'FORBIDDEN']);
      const unknown = decoded(DeleteMessageAck, await a.connection.invoke('DeleteMessage', { messageId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' }));
      expect([unknown.success, unknown.errorCode]).to.deep.equal([false, 'NOT_FOUND']);
      // A value System.Text.Json cannot bind to the typed parameter fails the invocation, as in ASP.NET…
      const unbindable = await a.connection.invoke('SendMessage', { conversationId, blocks: 'not blocks' }).then(
        () => 'accepted',
        (error: unknown) => (error as Error).message,
      );
      expect(unbindable).to.equal("Failed to invoke 'SendMessage' due to an error on the server.");
      // …a member left out binds as null, and the rules refuse it in the ack.
      const invalid = decoded(SendMessageAck, await a.connection.invoke('SendMessage', { blocks: [text('where to?')] }));
      expect([invalid.success, invalid.errorCode]).to.deep.equal([false, 'VALIDATION_ERROR']);
      const empty = decoded(SendMessageAck, await a.connection.invoke('SendMessage', { conversationId, blocks: [] }));
      expect([empty.success, empty.errorCode]).to.deep.equal([false, 'VALIDATION_ERROR']);
      const recover = decoded(RecoverMessageAck, await b.connection.invoke('RecoverMessage', { messageId: bobs.id }));
      expect([recover.success, recover.errorCode]).to.deep.equal([false, 'VALIDATION_ERROR']);

      // Nothing changed, and nothing but Bob's message was announced.
      const stored = expectOk(await api(gw, 'GET', `/api/messages/${bobs.id}`, { token: alice.token }), 200, MessageDto);
      expect([stored.plainTextIndex, stored.isDeleted]).to.deep.equal(['bob wrote this', false]);
      await Promise.all([a.roundTrip(), b.roundTrip()]);
      expect(a.names()).to.deep.equal(['messageReceived']);
    });

    it('EditMessage, DeleteMessage and RecoverMessage announce messageUpdated, messageDeleted and messageRecovered', async () => {
      const { alice, conversationId, a, b } = await pair();
      const sent = await sendText(gw, alice, conversationId, 'draft');
      const edit = decoded(
        EditMessageAck,
        await a.connection.invoke('EditMessage', { messageId: sent.id, newBlocks: [text('final')], newMentions: [] }),
      );
      expect([edit.success, edit.messageId]).to.deep.equal([true, sent.id]);
      expect(edit.editedAt ?? '').to.match(ISO_FORMAT);
      const updated = await b.waitFor('messageUpdated');
      expect(updated).to.deep.include({
        messageId: sent.id,
        conversationId,
        blocks: [text('final')],
        plainTextContent: 'final',
        mentions: [],
      });

      const del = decoded(DeleteMessageAck, await a.connection.invoke('DeleteMessage', { messageId: sent.id }));
      expect([del.success, del.messageId]).to.deep.equal([true, sent.id]);
      const deleted = await b.waitFor('messageDeleted');
      expect(deleted).to.deep.equal({
        messageId: sent.id,
        conversationId,
        deleteType: 'recall',
        deletedBy: alice.id,
        deletedAt: del.deletedAt,
      });

      const recover = decoded(RecoverMessageAck, await a.connection.invoke('RecoverMessage', { messageId: sent.id }));
      expect([recover.success, recover.messageId]).to.deep.equal([true, sent.id]);
      const recovered = await b.waitFor('messageRecovered');
      expect(recovered).to.deep.include({ id: sent.id, plainTextContent: 'final', isEdited: true, blocks: [text('final')] });

      // REST edits and deletes announce the same events.
      await api(gw, 'PUT', `/api/messages/${sent.id}`, { token: alice.token, body: { blocks: [text('via rest')] } });
      await b.waitFor('messageUpdated', (u) => u.plainTextContent === 'via rest');
      await api(gw, 'DELETE', `/api/messages/${sent.id}`, { token: alice.token });
      await b.waitForCount('messageDeleted', 2);
      expect(b.names()).to.deep.equal([
        'messageReceived',
        'messageUpdated',
        'messageDeleted',
        'messageRecovered',
        'messageUpdated',
        'messageDeleted',
      ]);
    });
  });

  describe('typing, read receipts and reactions', () => {
    it('typing events go to the other connections only', async () => {
      const { alice, bob, conversationId, a, b } = await pair();
      await a.connection.invoke('StartTyping', conversationId);
      expect(await b.waitFor('typingStarted')).to.deep.equal({ conversationId, participantId: alice.id, participantName: alice.id });
      await a.connection.invoke('StopTyping', conversationId);
      expect(await b.waitFor('typingStopped')).to.deep.equal({ conversationId, participantId: alice.id, participantName: alice.id });
      await b.connection.invoke('StartTyping', conversationId);
      await a.waitFor('typingStarted');
      await Promise.all([a.roundTrip(), b.roundTrip()]);
      expect(a.events('typingStarted').map((e) => e.participantId)).to.deep.equal([bob.id]);
      expect(a.events('typingStopped')).to.deep.equal([]);
      expect(b.events('typingStarted').map((e) => e.participantId)).to.deep.equal([alice.id]);
    });

    it('typing in a conversation one is not part of is a hub error', async () => {
      const { a } = await pair();
      const eve = (await newUsers(gw, 'eve'))[0];
      const closed = (await createConversation(gw, eve, 'Group', [], 'Closed')).id;
      let failure: unknown;
      await a.connection.invoke('StartTyping', closed).catch((error: unknown) => (failure = error));
      expect((failure as Error | undefined)?.message ?? '').to.contain('You are not a participant of this conversation.');
    });

    it('MarkAsRead acks and announces readReceiptUpdated to the joined connections', async () => {
      const { alice, bob, conversationId, a, b } = await pair();
      const sent = await sendText(gw, alice, conversationId, 'read me');
      const ack = decoded(MarkAsReadAck, await b.connection.invoke('MarkAsRead', conversationId, sent.id));
      expect(ack).to.deep.equal({ success: true, conversationId, errorCode: null, errorMessage: null });
      const receipt = await a.waitFor('readReceiptUpdated');
      expect(receipt).to.deep.include({ conversationId, participantId: bob.id, lastReadMessageId: sent.id });
      expect(receipt.readAt).to.match(ISO_FORMAT);

      const bad = decoded(MarkAsReadAck, await b.connection.invoke('MarkAsRead', conversationId, '01ARZ3NDEKTSV4RRFFQ69G5FAV'));
      expect([bad.success, bad.errorCode]).to.deep.equal([false, 'NOT_FOUND']);

      // REST markAsRead announces the same receipt.
      await api(gw, 'POST', `/api/conversations/${conversationId}/read`, { token: alice.token, body: { messageId: sent.id } });
      const viaRest = await b.waitFor('readReceiptUpdated', (r) => r.participantId === alice.id);
      expect(viaRest.lastReadMessageId).to.equal(sent.id);
    });

    it('reactions via the hub (acked) and via REST both produce reactionAdded / reactionRemoved', async () => {
      const { alice, bob, conversationId, a, b } = await pair();
      const sent = await sendText(gw, alice, conversationId, 'react');

      const added = decoded(ReactionAck, await b.connection.invoke('AddReaction', { messageId: sent.id, conversationId, emoji: '❤️' }));
      expect(added).to.deep.equal({ success: true, messageId: sent.id, emoji: '❤️', errorCode: null, errorMessage: null });
      const hubAdded = await a.waitFor('reactionAdded');
      expect(hubAdded).to.deep.include({ messageId: sent.id, conversationId, participantId: bob.id, participantName: bob.id, emoji: '❤️' });
      expect(hubAdded.createdAt).to.match(ISO_FORMAT);

      const again = decoded(ReactionAck, await b.connection.invoke('AddReaction', { messageId: sent.id, conversationId, emoji: '❤️' }));
      expect([again.success, again.errorCode]).to.deep.equal([false, 'CONFLICT']);
      const elsewhere = decoded(
        ReactionAck,
        await b.connection.invoke('AddReaction', { messageId: sent.id, conversationId: '01ARZ3NDEKTSV4RRFFQ69G5FAV', emoji: '👍' }),
      );
      expect([elsewhere.success, elsewhere.errorCode]).to.deep.equal([false, 'VALIDATION_ERROR']);

      const removed = decoded(ReactionAck, await b.connection.invoke('RemoveReaction', { messageId: sent.id, emoji: '❤️' }));
      expect(removed).to.deep.equal({ success: true, messageId: sent.id, emoji: '❤️', errorCode: null, errorMessage: null });
      const hubRemoved = await a.waitFor('reactionRemoved');
      expect(hubRemoved).to.deep.include({ messageId: sent.id, participantId: bob.id, emoji: '❤️' });
      expect(hubRemoved.removedAt).to.match(ISO_FORMAT);
      const missing = decoded(ReactionAck, await b.connection.invoke('RemoveReaction', { messageId: sent.id, emoji: '❤️' }));
      expect([missing.success, missing.errorCode]).to.deep.equal([false, 'NOT_FOUND']);

      await api(gw, 'POST', `/api/messages/${sent.id}/reactions/${encodeURIComponent('👍')}`, { token: alice.token });
      const restAdded = await b.waitFor('reactionAdded', (r) => r.emoji === '👍');
      expect(Object.keys(restAdded).sort()).to.deep.equal(Object.keys(hubAdded).sort());
      expect(restAdded.participantId).to.equal(alice.id);
      await api(gw, 'DELETE', `/api/messages/${sent.id}/reactions/${encodeURIComponent('👍')}`, { token: alice.token });
      const restRemoved = await b.waitFor('reactionRemoved', (r) => r.emoji === '👍');
      expect(Object.keys(restRemoved).sort()).to.deep.equal(Object.keys(hubRemoved).sort());

      // A hub message carries reactions as a flat array (messageRecovered sends the whole message).
      await api(gw, 'POST', `/api/messages/${sent.id}/reactions/${encodeURIComponent('🎉')}`, { token: bob.token });
      await api(gw, 'DELETE', `/api/messages/${sent.id}`, { token: alice.token });
      await api(gw, 'POST', `/api/messages/${sent.id}/recover`, { token: alice.token });
      const recovered = await b.waitFor('messageRecovered');
      expect(recovered.reactions).to.deep.equal([{ emoji: '🎉', count: 1, participantIds: [bob.id] }]);
    });
  });
});
