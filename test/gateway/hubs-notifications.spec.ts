/**
 * `/hubs/notifications` with the official `@microsoft/signalr` client: per-user notifications
 * (new messages, mentions, unread counts, conversations created/updated/pinned, participants
 * joining and leaving, read status) and presence. Every payload received must decode with its
 * codec (`HubClients.stopAll` fails the test otherwise).
 */
import { expect } from 'chai';
import { ParticipantDto, SendMessageAck } from '../../src/codecs/index.js';
import { startTestGateway, uniqueName, type TestGateway } from '../support/test-gateway.js';
import { waitFor } from '../support/wait.js';
import {
  ISO_FORMAT,
  HubClients,
  api,
  createConversation,
  decoded,
  expectOk,
  mentionOf,
  newUsers,
  sendText,
  text,
  type TestUser,
} from './gateway-helpers.js';

describe('gateway hubs: /hubs/notifications', () => {
  let gw: TestGateway;
  const hubs = new HubClients(() => gw);
  before(async () => {
    gw = await startTestGateway({ bot: false });
  });
  afterEach(async () => hubs.stopAll());
  after(async () => gw.close());

  describe('message notifications', () => {
    it('newMessageNotification goes to every notification connection of every participant but the sender', async () => {
      const [alice, bob, carol] = await newUsers(gw, 'alice', 'bob', 'carol');
      const group = await createConversation(gw, alice, 'Group', [bob.id, carol.id], 'Trio');
      const a = await hubs.notifications(alice.token);
      const b1 = await hubs.notifications(bob.token);
      const b2 = await hubs.notifications(bob.token);
      const c = await hubs.notifications(carol.token);

      const sent = await sendText(gw, alice, group.id, 'hello everyone');
      const expected = {
        conversationId: group.id,
        conversationType: 'Group',
        conversationName: 'Trio',
        messageId: sent.id,
        senderId: alice.id,
        senderName: alice.id,
        senderAvatar: null,
        contentPreview: 'hello everyone',
        sentAt: sent.createdAt,
      };
      for (const recorder of [b1, b2, c]) expect(await recorder.waitFor('newMessageNotification')).to.deep.equal(expected);
      await a.roundTrip();
      expect(a.events('newMessageNotification')).to.deep.equal([]);
      // Bob's reply notifies Alice (and Carol), not Bob.
      const reply = await sendText(gw, bob, group.id, 'hi alice');
      await a.waitFor('newMessageNotification', (n) => n.messageId === reply.id);
      await c.waitFor('newMessageNotification', (n) => n.messageId === reply.id);
      await Promise.all([b1.roundTrip(), b2.roundTrip()]);
      expect(b1.events('newMessageNotification').map((n) => n.messageId)).to.deep.equal([sent.id]);
      expect(b2.events('newMessageNotification').map((n) => n.messageId)).to.deep.equal([sent.id]);
    });

    it('a message sent over the hub produces the same notifications as one sent over REST', async () => {
      const [alice, bob] = await newUsers(gw, 'alice', 'bob');
      const direct = await createConversation(gw, alice, 'OneToOne', [bob.id]);
      const b = await hubs.notifications(bob.token);
      const chat = await hubs.chat(alice.token);
      const viaRest = await sendText(gw, alice, direct.id, 'rest');
      const ack = decoded(
        SendMessageAck,
        await chat.connection.invoke('SendMessage', { conversationId: direct.id, blocks: [text('hub')] }),
      );
      const [restNote, hubNote] = await b.waitForCount('newMessageNotification', 2);
      expect(restNote).to.deep.equal({
        conversationId: direct.id,
        conversationType: 'OneToOne',
        conversationName: null,
        messageId: viaRest.id,
        senderId: alice.id,
        senderName: alice.id,
        senderAvatar: null,
        contentPreview: 'rest',
        sentAt: viaRest.createdAt,
      });
      expect(hubNote).to.deep.equal({
        conversationId: direct.id,
        conversationType: 'OneToOne',
        conversationName: null,
        messageId: ack.messageId,
        senderId: alice.id,
        senderName: alice.id,
        senderAvatar: null,
        contentPreview: 'hub',
        sentAt: ack.createdAt,
      });
      const counts = await b.waitForCount('unreadCountChanged', 2);
      expect(counts).to.deep.equal([
        { conversationId: direct.id, unreadCount: 1, lastMessageAt: viaRest.createdAt, lastMessageId: viaRest.id },
        { conversationId: direct.id, unreadCount: 2, lastMessageAt: ack.createdAt, lastMessageId: ack.messageId },
      ]);
      expect(b.names()).to.deep.equal(['unreadCountChanged', 'newMessageNotification', 'unreadCountChanged', 'newMessageNotification']);
    });

    it('mentionedNotification goes to the mentioned participant only; the preview is cut at 100 characters', async () => {
      const [alice, bob, carol] = await newUsers(gw, 'alice', 'bob', 'carol');
      const group = await createConversation(gw, alice, 'Group', [bob.id, carol.id], 'Mentions');
      const b = await hubs.notifications(bob.token);
      const c = await hubs.notifications(carol.token);
      const long = `@bob ${'x'.repeat(150)}`;
      const sent = await sendText(gw, alice, group.id, long, { mentions: [mentionOf(bob.id, 'bob')] });
      const mention = await b.waitFor('mentionedNotification');
      expect(mention).to.deep.equal({
        conversationId: group.id,
        messageId: sent.id,
        senderId: alice.id,
        senderName: alice.id,
        contentPreview: long.slice(0, 100),
        sentAt: sent.createdAt,
      });
      await c.waitFor('newMessageNotification', (n) => n.messageId === sent.id);
      await c.roundTrip();
      expect(c.events('mentionedNotification')).to.deep.equal([]);

      // @All mentions every other member.
      const all = await sendText(gw, bob, group.id, '@all look', {
        mentions: [{ type: 'All', targetId: null, displayName: 'all', offset: 0, length: 4 }],
      });
      await c.waitFor('mentionedNotification', (m) => m.messageId === all.id);
      await b.roundTrip();
      expect(b.events('mentionedNotification').map((m) => m.messageId)).to.deep.equal([sent.id]);
    });

    it('readStatusChanged follows markAsRead and markAsUnread of the reader only', async () => {
      const [alice, bob] = await newUsers(gw, 'alice', 'bob');
      const group = await createConversation(gw, alice, 'Group', [bob.id], 'Reads');
      const a = await hubs.notifications(alice.token);
      const b = await hubs.notifications(bob.token);
      const m1 = await sendText(gw, alice, group.id, 'one');
      await sendText(gw, alice, group.id, 'two');
      await api(gw, 'POST', `/api/conversations/${group.id}/read`, { token: bob.token, body: { messageId: m1.id } });
      expect(await b.waitFor('readStatusChanged')).to.deep.equal({
        conversationId: group.id,
        lastReadMessageId: m1.id,
        unreadCount: 1,
        markedAsUnread: false,
      });
      await api(gw, 'POST', `/api/conversations/${group.id}/unread`, { token: bob.token });
      expect(await b.waitFor('readStatusChanged', (r) => r.markedAsUnread)).to.deep.equal({
        conversationId: group.id,
        lastReadMessageId: m1.id,
        unreadCount: 1,
        markedAsUnread: true,
      });
      await a.roundTrip();
      expect(a.events('readStatusChanged')).to.deep.equal([]);
    });
  });

  describe('conversation notifications', () => {
    it('conversationCreated, participantJoined, conversationUpdated, participantLeft to the right members', async () => {
      const [alice, bob, carol] = await newUsers(gw, 'alice', 'bob', 'carol');
      const a = await hubs.notifications(alice.token);
      const b = await hubs.notifications(bob.token);
      const c = await hubs.notifications(carol.token);

      const group = await createConversation(gw, alice, 'Group', [bob.id], 'Club');
      const created = { conversationId: group.id, type: 'Group', name: 'Club', avatar: null, participantCount: 2 };
      expect(await a.waitFor('conversationCreated')).to.deep.equal(created);
      expect(await b.waitFor('conversationCreated')).to.deep.equal(created);

      // Being added to a group is a conversationCreated for the newcomer, participantJoined for the others.
      await api(gw, 'POST', `/api/conversations/${group.id}/participants`, { token: alice.token, body: { participantId: carol.id } });
      expect(await c.waitFor('conversationCreated')).to.deep.equal({ ...created, participantCount: 3 });
      for (const recorder of [a, b]) {
        const joined = await recorder.waitFor('participantJoined');
        expect(joined).to.deep.include({ conversationId: group.id, participantId: carol.id, participantName: carol.id });
        expect(joined.changedAt).to.match(ISO_FORMAT);
      }

      await api(gw, 'PUT', `/api/conversations/${group.id}`, { token: bob.token, body: { name: 'Book club' } });
      for (const recorder of [a, b, c]) {
        expect(await recorder.waitFor('conversationUpdated')).to.deep.equal({
          conversationId: group.id,
          type: 'Group',
          name: 'Book club',
          participantCount: 3,
          avatar: null,
        });
      }

      await api(gw, 'POST', `/api/conversations/${group.id}/leave`, { token: carol.token });
      for (const recorder of [a, b, c]) {
        expect(await recorder.waitFor('participantLeft')).to.deep.include({
          conversationId: group.id,
          participantId: carol.id,
          participantName: carol.id,
        });
      }
      await Promise.all([a.roundTrip(), b.roundTrip(), c.roundTrip()]);
      expect(c.events('participantJoined')).to.deep.equal([]);
      expect(a.events('conversationCreated')).to.have.length(1);

      // A removal by the owner notifies the removed member too.
      await api(gw, 'DELETE', `/api/conversations/${group.id}/participants/${bob.id}`, { token: alice.token });
      await b.waitFor('participantLeft', (p) => p.participantId === bob.id);
      await a.waitFor('participantLeft', (p) => p.participantId === bob.id);
    });

    it('conversationPinned / conversationUnpinned go to the user who pinned only', async () => {
      const [alice, bob] = await newUsers(gw, 'alice', 'bob');
      const group = await createConversation(gw, alice, 'Group', [bob.id], 'Pins');
      const a = await hubs.notifications(alice.token);
      const b = await hubs.notifications(bob.token);
      await api(gw, 'POST', `/api/conversations/${group.id}/pin`, { token: alice.token });
      const pinned = await a.waitFor('conversationPinned');
      expect(pinned.conversationId).to.equal(group.id);
      expect(pinned.pinnedAt).to.match(ISO_FORMAT);
      await api(gw, 'DELETE', `/api/conversations/${group.id}/pin`, { token: alice.token });
      expect(await a.waitFor('conversationUnpinned')).to.deep.equal({ conversationId: group.id });
      await b.roundTrip();
      expect(b.received).to.deep.equal([]);
    });
  });

  describe('presence', () => {
    const presenceOf = async (viewer: TestUser, id: string): Promise<[boolean, string | null | undefined]> => {
      const p = expectOk(await api(gw, 'GET', `/api/participants/${id}`, { token: viewer.token }), 200, ParticipantDto);
      return [p.isOnline, p.lastSeenAt];
    };

    it('a user is online while they have a notification connection; subscribers see presenceState, then presenceChanged', async () => {
      const [alice, bob] = await newUsers(gw, 'alice', 'bob');
      const a = await hubs.notifications(alice.token);
      await a.connection.invoke('SubscribeToPresence', [bob.id]);
      expect(await a.waitFor('presenceState')).to.deep.equal([{ participantId: bob.id, isOnline: false, lastSeenAt: null }]);
      expect(await presenceOf(alice, bob.id)).to.deep.equal([false, null]);

      // A chat connection does not count.
      await hubs.chat(bob.token);
      await a.roundTrip();
      expect(a.events('presenceChanged')).to.deep.equal([]);

      const b1 = await hubs.notifications(bob.token);
      expect(await a.waitFor('presenceChanged')).to.deep.equal({ participantId: bob.id, isOnline: true, lastSeenAt: null });
      expect(await presenceOf(alice, bob.id)).to.deep.equal([true, null]);

      // A second connection changes nothing; closing one of two changes nothing.
      const b2 = await hubs.notifications(bob.token);
      await b2.stop();
      await a.roundTrip();
      expect(a.events('presenceChanged')).to.have.length(1);
      expect((await presenceOf(alice, bob.id))[0]).to.equal(true);

      await b1.stop();
      const offline = await a.waitFor('presenceChanged', (p) => !p.isOnline);
      expect(offline.participantId).to.equal(bob.id);
      // Exactly one online and one offline change: the second connection's coming and going made none.
      expect(a.events('presenceChanged').map((p) => p.isOnline)).to.deep.equal([true, false]);
      expect(offline.lastSeenAt ?? '').to.match(ISO_FORMAT);
      expect(await presenceOf(alice, bob.id)).to.deep.equal([false, offline.lastSeenAt]);

      // presenceState after the fact carries lastSeenAt.
      const other = await hubs.notifications(alice.token);
      await other.connection.invoke('SubscribeToPresence', [bob.id, alice.id]);
      expect(await other.waitFor('presenceState')).to.deep.equal([
        { participantId: bob.id, isOnline: false, lastSeenAt: offline.lastSeenAt },
        { participantId: alice.id, isOnline: true, lastSeenAt: null },
      ]);
    });

    it('presenceChanged goes to subscribers only, and stops after UnsubscribeFromPresence', async () => {
      const [alice, bob, carol] = await newUsers(gw, 'alice', 'bob', 'carol');
      const a = await hubs.notifications(alice.token);
      const c = await hubs.notifications(carol.token);
      await a.connection.invoke('SubscribeToPresence', [bob.id]);
      const b = await hubs.notifications(bob.token);
      await a.waitFor('presenceChanged');
      await c.roundTrip();
      expect(c.events('presenceChanged')).to.deep.equal([]);

      await a.connection.invoke('UnsubscribeFromPresence', [bob.id]);
      await b.stop();
      // Carol subscribes once Bob is gone: she sees him offline; Alice sees nothing more.
      await waitFor(async () => !(await presenceOf(carol, bob.id))[0], 2000, 'bob to be offline');
      await c.connection.invoke('SubscribeToPresence', [bob.id]);
      const state = await c.waitFor('presenceState');
      expect(state.map((p) => [p.participantId, p.isOnline])).to.deep.equal([[bob.id, false]]);
      expect(state[0]?.lastSeenAt ?? '').to.match(ISO_FORMAT);
      await a.roundTrip();
      expect(a.events('presenceChanged').map((p) => p.isOnline)).to.deep.equal([true]);
    });

    it('refuses more than 200 ids in one call with a hub error; 200 are fine', async () => {
      const alice = (await newUsers(gw, 'alice'))[0];
      const a = await hubs.notifications(alice.token);
      const ids = Array.from({ length: 201 }, (_, i) => uniqueName(`p${i}`));
      let failure: unknown;
      await a.connection.invoke('SubscribeToPresence', ids).catch((error: unknown) => (failure = error));
      expect((failure as Error | undefined)?.message).to.equal(
        "An unexpected error occurred invoking 'SubscribeToPresence' on the server. HubException: Cannot subscribe to more than 200 participants in one call.",
      );
      failure = undefined;
      await a.connection.invoke('UnsubscribeFromPresence', ids).catch((error: unknown) => (failure = error));
      expect((failure as Error | undefined)?.message ?? '').to.contain('Cannot subscribe to more than 200');
      await a.roundTrip();
      expect(a.events('presenceState')).to.deep.equal([]);

      await a.connection.invoke('SubscribeToPresence', ids.slice(0, 200));
      const state = await a.waitFor('presenceState');
      expect(state).to.have.length(200);
      expect(state.every((s) => !s.isOnline)).to.equal(true);
    });

    it('SubscribeToPresence with arguments of the wrong type is a hub error', async () => {
      const alice = (await newUsers(gw, 'alice'))[0];
      const a = await hubs.notifications(alice.token);
      let failure: unknown;
      await a.connection.invoke('SubscribeToPresence', 'not-an-array').catch((error: unknown) => (failure = error));
      expect((failure as Error | undefined)?.message).to.equal("Failed to invoke 'SubscribeToPresence' due to an error on the server.");
      expect(a.connection.state).to.equal('Connected');
    });
  });
});
