/**
 * REST: conversations — create (Group, OneToOne, Self), get, update, search, the list (order and
 * cursor paging), participants (add with and without history, remove, leave), pins, and read
 * markers with unread counts.
 */
import { expect } from 'chai';
import * as t from 'io-ts';
import {
  ConversationDto,
  ConversationListItemDto,
  ConversationParticipantDto,
  CursorPaginatedResult,
  MessageDto,
} from '../../src/codecs/index.js';
import { startTestGateway, uniqueName, type TestGateway } from '../support/test-gateway.js';
import { nextMillisecond } from '../support/wait.js';
import {
  CURSOR_FORMAT,
  ISO_FORMAT,
  api,
  createConversation,
  expectOk,
  expectProblem,
  newUser,
  newUsers,
  sendText,
  type TestUser,
} from './gateway-helpers.js';

const ConversationPage = CursorPaginatedResult(ConversationListItemDto);
const MessagePage = CursorPaginatedResult(MessageDto);
const Members = t.array(ConversationParticipantDto);
const ListItems = t.array(ConversationListItemDto);

describe('gateway REST: conversations', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway({ bot: false });
  });
  after(async () => gw.close());

  const list = async (user: TestUser, query = ''): Promise<ReturnType<typeof ConversationPage.encode>> =>
    expectOk(await api(gw, 'GET', `/api/conversations${query}`, { token: user.token }), 200, ConversationPage);

  describe('create and get', () => {
    it('creates a Group (201) with the creator as owner and member', async () => {
      const [alice, bob] = await newUsers(gw, 'alice', 'bob');
      const conversation = await createConversation(gw, alice, 'Group', [bob.id], 'Team');
      expect(conversation.type).to.equal('Group');
      expect(conversation.name).to.equal('Team');
      expect(conversation.ownerId).to.equal(alice.id);
      expect(conversation.lastMessageAt ?? null).to.equal(null);
      expect(conversation.participants.map((p) => p.participantId)).to.have.members([alice.id, bob.id]);
      expect(conversation.participants.every((p) => p.isActive && p.unreadCount === 0 && !p.isPinned)).to.equal(true);

      const got = expectOk(await api(gw, 'GET', `/api/conversations/${conversation.id}`, { token: bob.token }), 200, ConversationDto);
      expect(got).to.deep.equal(conversation);
    });

    it('rejects an unknown participant (400 naming participantIds) and an unknown type (400 naming type)', async () => {
      const alice = await newUser(gw, 'alice');
      expectProblem(
        await api(gw, 'POST', '/api/conversations', { token: alice.token, body: { type: 'Group', participantIds: [uniqueName('ghost')] } }),
        400,
        ['participantIds'],
      );
      expectProblem(await api(gw, 'POST', '/api/conversations', { token: alice.token, body: { type: 'Party', participantIds: [] } }), 400, [
        'type',
      ]);
      expectProblem(
        await api(gw, 'POST', '/api/conversations', { token: alice.token, body: { type: 'Group', participantIds: 'bob' } }),
        400,
        ['participantIds'],
      );
      expectProblem(await api(gw, 'POST', '/api/conversations', { token: alice.token, rawBody: '{"type":' }), 400, ['$']);
    });

    it('get: 403 for a non-member, 404 for an unknown id, 401 without a token', async () => {
      const [alice, bob, eve] = await newUsers(gw, 'alice', 'bob', 'eve');
      const conversation = await createConversation(gw, alice, 'Group', [bob.id], 'Private');
      expectProblem(await api(gw, 'GET', `/api/conversations/${conversation.id}`, { token: eve.token }), 403);
      expectProblem(await api(gw, 'GET', '/api/conversations/01ARZ3NDEKTSV4RRFFQ69G5FAV', { token: eve.token }), 404);
      expect((await api(gw, 'GET', `/api/conversations/${conversation.id}`)).status).to.equal(401);
    });

    it('OneToOne: lookup is 204 before, create is 201, creating again returns the existing one (200)', async () => {
      const [alice, bob] = await newUsers(gw, 'alice', 'bob');
      const none = await api(gw, 'GET', `/api/conversations/one-to-one/${bob.id}`, { token: alice.token });
      expect(none.status).to.equal(204);
      expect(none.text).to.equal('');

      const created = await createConversation(gw, alice, 'OneToOne', [bob.id]);
      expect(created.type).to.equal('OneToOne');
      expect(created.participants.map((p) => p.participantId)).to.have.members([alice.id, bob.id]);

      const again = expectOk(
        await api(gw, 'POST', '/api/conversations', { token: bob.token, body: { type: 'OneToOne', participantIds: [alice.id] } }),
        200,
        ConversationDto,
      );
      expect(again.id).to.equal(created.id);
      const fromAlice = expectOk(
        await api(gw, 'GET', `/api/conversations/one-to-one/${bob.id}`, { token: alice.token }),
        200,
        ConversationDto,
      );
      const fromBob = expectOk(
        await api(gw, 'GET', `/api/conversations/one-to-one/${alice.id}`, { token: bob.token }),
        200,
        ConversationDto,
      );
      expect([fromAlice.id, fromBob.id]).to.deep.equal([created.id, created.id]);
    });

    it('OneToOne needs exactly one other participant (400)', async () => {
      const [alice, bob, carol] = await newUsers(gw, 'alice', 'bob', 'carol');
      expectProblem(
        await api(gw, 'POST', '/api/conversations', { token: alice.token, body: { type: 'OneToOne', participantIds: [bob.id, carol.id] } }),
        400,
        ['participantIds'],
      );
      expectProblem(
        await api(gw, 'POST', '/api/conversations', { token: alice.token, body: { type: 'OneToOne', participantIds: [] } }),
        400,
        ['participantIds'],
      );
    });

    it('Self: one per user, only the user as member; others are refused (400)', async () => {
      const [alice, bob] = await newUsers(gw, 'alice', 'bob');
      const self = await createConversation(gw, alice, 'Self', []);
      expect(self.type).to.equal('Self');
      expect(self.participants.map((p) => p.participantId)).to.deep.equal([alice.id]);
      const again = expectOk(
        await api(gw, 'POST', '/api/conversations', { token: alice.token, body: { type: 'Self', participantIds: [] } }),
        200,
        ConversationDto,
      );
      expect(again.id).to.equal(self.id);
      const bobs = await createConversation(gw, bob, 'Self', []);
      expect(bobs.id).not.to.equal(self.id);
      expectProblem(
        await api(gw, 'POST', '/api/conversations', { token: alice.token, body: { type: 'Self', participantIds: [bob.id] } }),
        400,
        ['participantIds'],
      );
      const message = await sendText(gw, alice, self.id, 'note to self');
      expect(message.conversationId).to.equal(self.id);
    });
  });

  describe('update and search', () => {
    it('renames a Group (200) and records a system message', async () => {
      const [alice, bob] = await newUsers(gw, 'alice', 'bob');
      const conversation = await createConversation(gw, alice, 'Group', [bob.id], 'Old name');
      const updated = expectOk(
        await api(gw, 'PUT', `/api/conversations/${conversation.id}`, {
          token: bob.token,
          body: { name: 'New name', avatar: { url: 'https://img.example/a.png' } },
        }),
        200,
        ConversationDto,
      );
      expect(updated.name).to.equal('New name');
      expect(updated.avatar).to.deep.equal({ storageKey: null, url: 'https://img.example/a.png' });
      const history = expectOk(
        await api(gw, 'GET', `/api/conversations/${conversation.id}/messages`, { token: alice.token }),
        200,
        MessagePage,
      );
      expect(history.items.map((m) => [m.senderType, m.systemEvent?.type])).to.deep.equal([['System', 'ConversationRenamed']]);

      const cleared = expectOk(
        await api(gw, 'PUT', `/api/conversations/${conversation.id}`, { token: alice.token, body: { avatar: null } }),
        200,
        ConversationDto,
      );
      expect(cleared.avatar ?? null).to.equal(null); // no avatar: null (a real server's record) or absent
      expect(cleared.name).to.equal('New name');
    });

    it('update: 400 for a OneToOne or a wrong type, 403 for a non-member', async () => {
      const [alice, bob, eve] = await newUsers(gw, 'alice', 'bob', 'eve');
      const direct = await createConversation(gw, alice, 'OneToOne', [bob.id]);
      expectProblem(await api(gw, 'PUT', `/api/conversations/${direct.id}`, { token: alice.token, body: { name: 'x' } }), 400);
      const group = await createConversation(gw, alice, 'Group', [bob.id], 'G');
      expectProblem(await api(gw, 'PUT', `/api/conversations/${group.id}`, { token: alice.token, body: { name: 7 } }), 400, ['name']);
      expectProblem(await api(gw, 'PUT', `/api/conversations/${group.id}`, { token: eve.token, body: { name: 'mine' } }), 403);
    });

    it("search finds the caller's conversations by name or participant name; an empty query is a 400", async () => {
      const [alice, bob, eve] = await newUsers(gw, 'alice', 'bob', 'eve');
      const marker = uniqueName('Zebra');
      const named = await createConversation(gw, alice, 'Group', [bob.id], `${marker} club`);
      const direct = await createConversation(gw, alice, 'OneToOne', [bob.id]);
      await createConversation(gw, eve, 'Group', [], `${marker} of eve`);

      const byName = expectOk(
        await api(gw, 'GET', `/api/conversations/search?q=${encodeURIComponent(marker.toLowerCase())}`, { token: alice.token }),
        200,
        ListItems,
      );
      expect(byName.map((c) => c.id)).to.deep.equal([named.id]);
      const byParticipant = expectOk(
        await api(gw, 'GET', `/api/conversations/search?q=${encodeURIComponent(bob.id)}&limit=10`, { token: alice.token }),
        200,
        ListItems,
      );
      expect(byParticipant.map((c) => c.id)).to.have.members([named.id, direct.id]);
      const limited = expectOk(
        await api(gw, 'GET', `/api/conversations/search?q=${encodeURIComponent(bob.id)}&limit=1`, { token: alice.token }),
        200,
        ListItems,
      );
      expect(limited).to.have.length(1);
      expectProblem(await api(gw, 'GET', '/api/conversations/search?q=', { token: alice.token }), 400, ['q']);
      expectProblem(await api(gw, 'GET', `/api/conversations/search?q=a&limit=ten`, { token: alice.token }), 400, ['limit']);
    });
  });

  describe('the list', () => {
    it('puts pinned conversations first, then orders by lastMessageAt descending', async () => {
      const [alice, bob] = await newUsers(gw, 'alice', 'bob');
      const a = await createConversation(gw, alice, 'Group', [bob.id], 'A');
      const b = await createConversation(gw, alice, 'Group', [bob.id], 'B');
      const c = await createConversation(gw, alice, 'Group', [bob.id], 'C');
      const d = await createConversation(gw, alice, 'Group', [bob.id], 'D');
      // Activity order, oldest first: d, b, c, a (each in its own millisecond).
      for (const conversation of [d, b, c, a]) {
        await nextMillisecond();
        await sendText(gw, bob, conversation.id, `hello ${conversation.name ?? ''}`);
      }
      const unpinned = await list(alice);
      expect(unpinned.items.map((i) => i.name)).to.deep.equal(['A', 'C', 'B', 'D']);
      expect(unpinned.hasMore).to.equal(false);
      expect(unpinned.nextCursor).to.equal(null);

      expect((await api(gw, 'POST', `/api/conversations/${d.id}/pin`, { token: alice.token })).status).to.equal(204);
      const pinned = await list(alice);
      expect(pinned.items.map((i) => [i.name, i.isPinned])).to.deep.equal([
        ['D', true],
        ['A', false],
        ['C', false],
        ['B', false],
      ]);
      expect(pinned.items[0]?.pinnedAt ?? '').to.match(ISO_FORMAT);
      // Pins are per user: bob's list is not pinned.
      expect((await list(bob)).items.map((i) => i.name)).to.deep.equal(['A', 'C', 'B', 'D']);

      // A new message moves a conversation up among the unpinned ones.
      await nextMillisecond();
      const last = await sendText(gw, alice, b.id, 'bump');
      const bumped = await list(alice);
      expect(bumped.items.map((i) => i.name)).to.deep.equal(['D', 'B', 'A', 'C']);
      expect(bumped.items[1]?.lastMessageId).to.equal(last.id);
      expect(bumped.items[1]?.lastMessage?.id).to.equal(last.id);
      expect(bumped.items[1]?.participantCount).to.equal(2);

      expect((await api(gw, 'DELETE', `/api/conversations/${d.id}/pin`, { token: alice.token })).status).to.equal(204);
      expect((await list(alice)).items.map((i) => i.name)).to.deep.equal(['B', 'A', 'C', 'D']);
    });

    it('pages with an opaque cursor: every conversation exactly once, in list order', async () => {
      const [alice, bob] = await newUsers(gw, 'alice', 'bob');
      const created: string[] = [];
      for (let i = 0; i < 7; i++) {
        const conversation = await createConversation(gw, alice, 'Group', [bob.id], `P${i}`);
        created.push(conversation.id);
        await nextMillisecond();
        await sendText(gw, bob, conversation.id, `m${i}`);
      }
      await api(gw, 'POST', `/api/conversations/${created[2] ?? ''}/pin`, { token: alice.token });
      const whole = await list(alice, '?limit=100');
      expect(whole.items).to.have.length(7);

      const seen: string[] = [];
      const shapes: Array<[number, boolean]> = [];
      let cursor: string | null = null;
      do {
        const query: string = `?limit=3${cursor !== null ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const page = await list(alice, query);
        shapes.push([page.items.length, page.hasMore]);
        seen.push(...page.items.map((i) => i.id));
        if (page.hasMore) expect(page.nextCursor ?? '').to.match(CURSOR_FORMAT);
        else expect(page.nextCursor).to.equal(null);
        cursor = page.nextCursor;
      } while (cursor !== null);
      expect(shapes).to.deep.equal([
        [3, true],
        [3, true],
        [1, false],
      ]);
      expect(seen).to.deep.equal(whole.items.map((i) => i.id));
      expect(seen[0]).to.equal(created[2]);
      expect(new Set(seen).size).to.equal(7);
    });

    it('rejects a numeric cursor, a malformed cursor and a bad limit with 400', async () => {
      const alice = await newUser(gw, 'alice');
      expectProblem(await api(gw, 'GET', '/api/conversations?cursor=123', { token: alice.token }), 400, ['cursor']);
      expectProblem(await api(gw, 'GET', '/api/conversations?cursor=1743004200000_nope', { token: alice.token }), 400, ['cursor']);
      expectProblem(await api(gw, 'GET', '/api/conversations?limit=abc', { token: alice.token }), 400, ['limit']);
      expectProblem(await api(gw, 'GET', '/api/conversations?limit=0', { token: alice.token }), 400, ['limit']);
      expectProblem(await api(gw, 'GET', '/api/conversations?limit=101', { token: alice.token }), 400, ['limit']);
    });
  });

  describe('participants', () => {
    it('adds a participant (204), lists every membership including those who left, removes (204)', async () => {
      const [alice, bob, carol] = await newUsers(gw, 'alice', 'bob', 'carol');
      const group = await createConversation(gw, alice, 'Group', [bob.id], 'G');
      expect(
        (await api(gw, 'POST', `/api/conversations/${group.id}/participants`, { token: bob.token, body: { participantId: carol.id } }))
          .status,
      ).to.equal(204);
      let members = expectOk(await api(gw, 'GET', `/api/conversations/${group.id}/participants`, { token: carol.token }), 200, Members);
      expect(members.map((m) => [m.participantId, m.isActive])).to.have.deep.members([
        [alice.id, true],
        [bob.id, true],
        [carol.id, true],
      ]);

      expect((await api(gw, 'DELETE', `/api/conversations/${group.id}/participants/${carol.id}`, { token: alice.token })).status).to.equal(
        204,
      );
      members = expectOk(await api(gw, 'GET', `/api/conversations/${group.id}/participants`, { token: alice.token }), 200, Members);
      const removed = members.find((m) => m.participantId === carol.id);
      expect(removed?.isActive).to.equal(false);
      expect(removed?.leftAt ?? '').to.match(ISO_FORMAT);
      // A removed member may no longer read the history.
      expectProblem(await api(gw, 'GET', `/api/conversations/${group.id}/messages`, { token: carol.token }), 403);
      const history = expectOk(await api(gw, 'GET', `/api/conversations/${group.id}/messages`, { token: alice.token }), 200, MessagePage);
      expect(history.items.map((m) => m.systemEvent?.type)).to.deep.equal(['MemberRemoved', 'MemberAdded']);
    });

    it('add: 400 on a OneToOne or a bad body, 404 for an unknown participant, 409 when already a member, 403 for a non-member', async () => {
      const [alice, bob, carol, eve] = await newUsers(gw, 'alice', 'bob', 'carol', 'eve');
      const direct = await createConversation(gw, alice, 'OneToOne', [bob.id]);
      expectProblem(
        await api(gw, 'POST', `/api/conversations/${direct.id}/participants`, { token: alice.token, body: { participantId: carol.id } }),
        400,
      );
      const group = await createConversation(gw, alice, 'Group', [bob.id], 'G');
      expectProblem(
        await api(gw, 'POST', `/api/conversations/${group.id}/participants`, { token: alice.token, body: { participantId: 5 } }),
        400,
        ['participantId'],
      );
      expectProblem(
        await api(gw, 'POST', `/api/conversations/${group.id}/participants`, {
          token: alice.token,
          body: { participantId: uniqueName('ghost') },
        }),
        404,
      );
      expectProblem(
        await api(gw, 'POST', `/api/conversations/${group.id}/participants`, { token: alice.token, body: { participantId: bob.id } }),
        409,
      );
      expectProblem(
        await api(gw, 'POST', `/api/conversations/${group.id}/participants`, { token: eve.token, body: { participantId: eve.id } }),
        403,
      );
    });

    it('remove: only the owner removes others (403), anyone may remove themself, 404 when not a member', async () => {
      const [alice, bob, carol] = await newUsers(gw, 'alice', 'bob', 'carol');
      const group = await createConversation(gw, alice, 'Group', [bob.id, carol.id], 'G');
      expectProblem(await api(gw, 'DELETE', `/api/conversations/${group.id}/participants/${carol.id}`, { token: bob.token }), 403);
      expect((await api(gw, 'DELETE', `/api/conversations/${group.id}/participants/${bob.id}`, { token: bob.token })).status).to.equal(204);
      expectProblem(await api(gw, 'DELETE', `/api/conversations/${group.id}/participants/${bob.id}`, { token: alice.token }), 404);
    });

    it('canViewHistory: false hides the messages before the member was added', async () => {
      const [alice, bob, carol, dave] = await newUsers(gw, 'alice', 'bob', 'carol', 'dave');
      const group = await createConversation(gw, alice, 'Group', [bob.id], 'G');
      const old1 = await sendText(gw, alice, group.id, 'before 1');
      const old2 = await sendText(gw, bob, group.id, 'before 2');
      await nextMillisecond();
      await api(gw, 'POST', `/api/conversations/${group.id}/participants`, {
        token: alice.token,
        body: { participantId: carol.id, canViewHistory: false },
      });
      await api(gw, 'POST', `/api/conversations/${group.id}/participants`, { token: alice.token, body: { participantId: dave.id } });
      const after = await sendText(gw, alice, group.id, 'after');

      const carolHistory = expectOk(
        await api(gw, 'GET', `/api/conversations/${group.id}/messages`, { token: carol.token }),
        200,
        MessagePage,
      );
      expect(carolHistory.items.map((m) => m.id)).not.to.include.members([old1.id]);
      expect(carolHistory.items.map((m) => m.plainTextIndex ?? m.systemEvent?.type)).to.deep.equal(['after', 'MemberAdded', 'MemberAdded']);
      expectProblem(await api(gw, 'GET', `/api/messages/${old2.id}`, { token: carol.token }), 404);
      const newer = expectOk(
        await api(gw, 'GET', `/api/conversations/${group.id}/messages?direction=newer`, { token: carol.token }),
        200,
        MessagePage,
      );
      expect(newer.items.map((m) => m.id)).not.to.include(old1.id);
      const search = expectOk(
        await api(gw, 'GET', `/api/conversations/${group.id}/messages/search?q=before`, { token: carol.token }),
        200,
        t.array(MessageDto),
      );
      expect(search).to.deep.equal([]);

      // The default (canViewHistory: true) sees everything.
      const daveHistory = expectOk(
        await api(gw, 'GET', `/api/conversations/${group.id}/messages`, { token: dave.token }),
        200,
        MessagePage,
      );
      expect(daveHistory.items.map((m) => m.id)).to.include.members([old1.id, old2.id, after.id]);
    });

    it('leave (204): the others stay; the conversation leaves the list and its history is refused', async () => {
      const [alice, bob] = await newUsers(gw, 'alice', 'bob');
      const group = await createConversation(gw, alice, 'Group', [bob.id], 'G');
      expect((await api(gw, 'POST', `/api/conversations/${group.id}/leave`, { token: bob.token })).status).to.equal(204);
      expect((await list(bob)).items.map((i) => i.id)).not.to.include(group.id);
      expect((await list(alice)).items.map((i) => i.id)).to.include(group.id);
      expectProblem(await api(gw, 'GET', `/api/conversations/${group.id}/messages`, { token: bob.token }), 403);
      expectProblem(await api(gw, 'POST', `/api/conversations/${group.id}/leave`, { token: bob.token }), 403);
      const members = expectOk(await api(gw, 'GET', `/api/conversations/${group.id}/participants`, { token: alice.token }), 200, Members);
      expect(members.map((m) => [m.participantId, m.isActive])).to.have.deep.members([
        [alice.id, true],
        [bob.id, false],
      ]);
    });
  });

  describe('pins, read markers and unread counts', () => {
    it('pin / unpin (204) show in the list; 403 for a non-member, 404 for an unknown conversation', async () => {
      const [alice, eve] = await newUsers(gw, 'alice', 'eve');
      const group = await createConversation(gw, alice, 'Group', [], 'G');
      expect((await api(gw, 'POST', `/api/conversations/${group.id}/pin`, { token: alice.token })).status).to.equal(204);
      let item = (await list(alice)).items.find((i) => i.id === group.id);
      expect([item?.isPinned, typeof item?.pinnedAt]).to.deep.equal([true, 'string']);
      expect((await api(gw, 'DELETE', `/api/conversations/${group.id}/pin`, { token: alice.token })).status).to.equal(204);
      item = (await list(alice)).items.find((i) => i.id === group.id);
      expect([item?.isPinned, item?.pinnedAt]).to.deep.equal([false, null]);
      expectProblem(await api(gw, 'POST', `/api/conversations/${group.id}/pin`, { token: eve.token }), 403);
      expectProblem(await api(gw, 'POST', '/api/conversations/01ARZ3NDEKTSV4RRFFQ69G5FAV/pin', { token: eve.token }), 404);
    });

    it('counts unread messages from others; markAsRead and markAsUnread move the marker', async () => {
      const [alice, bob] = await newUsers(gw, 'alice', 'bob');
      const group = await createConversation(gw, alice, 'Group', [bob.id], 'G');
      const m1 = await sendText(gw, bob, group.id, 'one');
      const m2 = await sendText(gw, bob, group.id, 'two');
      const m3 = await sendText(gw, bob, group.id, 'three');
      await sendText(gw, alice, group.id, 'mine does not count');
      const unread = async (user: TestUser): Promise<number | undefined> =>
        (await list(user)).items.find((i) => i.id === group.id)?.unreadCount;
      expect([await unread(alice), await unread(bob)]).to.deep.equal([3, 1]);

      expect(
        (await api(gw, 'POST', `/api/conversations/${group.id}/read`, { token: alice.token, body: { messageId: m2.id } })).status,
      ).to.equal(204);
      expect(await unread(alice)).to.equal(1);
      const marker = (): Promise<ConversationParticipantDto | undefined> =>
        api(gw, 'GET', `/api/conversations/${group.id}/participants`, { token: alice.token }).then((r) =>
          expectOk(r, 200, Members).find((m) => m.participantId === alice.id),
        );
      const afterRead = await marker();
      expect(afterRead?.lastReadMessageId).to.equal(m2.id);
      expect(afterRead?.lastReadAt ?? '').to.match(ISO_FORMAT);

      // Reading an older message does not move the marker back.
      await api(gw, 'POST', `/api/conversations/${group.id}/read`, { token: alice.token, body: { messageId: m1.id } });
      expect((await marker())?.lastReadMessageId).to.equal(m2.id);

      await api(gw, 'POST', `/api/conversations/${group.id}/read`, { token: alice.token, body: { messageId: m3.id } });
      expect(await unread(alice)).to.equal(0);
      expect((await api(gw, 'POST', `/api/conversations/${group.id}/unread`, { token: alice.token })).status).to.equal(204);
      expect(await unread(alice)).to.equal(1);
      expect((await marker())?.lastReadMessageId).to.equal(m3.id);
    });

    it('markAsRead: 404 for a message of another conversation, 400 without messageId, 403 for a non-member', async () => {
      const [alice, bob, eve] = await newUsers(gw, 'alice', 'bob', 'eve');
      const group = await createConversation(gw, alice, 'Group', [bob.id], 'G');
      const other = await createConversation(gw, alice, 'Group', [], 'Other');
      const elsewhere = await sendText(gw, alice, other.id, 'elsewhere');
      expectProblem(
        await api(gw, 'POST', `/api/conversations/${group.id}/read`, { token: alice.token, body: { messageId: elsewhere.id } }),
        404,
      );
      expectProblem(await api(gw, 'POST', `/api/conversations/${group.id}/read`, { token: alice.token, body: {} }), 400, ['messageId']);
      expectProblem(
        await api(gw, 'POST', `/api/conversations/${group.id}/read`, { token: eve.token, body: { messageId: elsewhere.id } }),
        403,
      );
      expectProblem(await api(gw, 'POST', `/api/conversations/${group.id}/unread`, { token: eve.token }), 403);
    });
  });
});
