/**
 * Seed README §6 "Conversation — ConversationApi", lines 340–494, run against
 * `chat-client-rx/compat`. The seed's participant ids ('user-1', 'other-user-id', …) are kept
 * (made in `before`); its conversation ids ('conv-id', 'conv-id-here') are placeholders,
 * replaced by the id of a conversation the test made.
 */
import { expect } from 'chai';
import type {
  ChatClient,
  ConversationDto,
  ConversationListItemDto,
  ConversationParticipantDto,
  ConversationType,
} from '../../src/compat/index.js';
import { CURSOR, ISO_8601, captureConsole, expectSeedFields, seedSuite } from './seed-kit.js';

describe('seed §6 ConversationApi (compat)', () => {
  const kit = seedSuite();
  const out = captureConsole();
  let client: ChatClient;
  let me: string;
  const tokens = new Map<string, string>();

  before(async () => {
    for (const id of ['user-1', 'user-2', 'user-3', 'other-user-id', 'new-user-id', 'user-to-remove-id'])
      tokens.set(id, (await kit.login(id)).token);
  });
  beforeEach(async () => {
    me = `conv-me-${Math.random().toString(36).slice(2, 8)}`; // a fresh user per test: its list holds only what the test made
    client = await kit.user(me); // the seed's `client`, logged in
  });

  /** A group of `me` with `others`, made over plain HTTP. */
  async function groupOfMe(others: string[], name = 'fixture group'): Promise<string> {
    const { token } = await kit.login(me);
    return (await kit.conversation(token, { type: 'Group', name, participantIds: others })).id;
  }

  it('list + next page (lines 350–362): 20 items, hasMore, and a string cursor that opens the next page', async () => {
    const { token } = await kit.login(me);
    for (let i = 0; i < 25; i++) await kit.conversation(token, { type: 'Group', name: `page ${i}`, participantIds: ['user-1'] });
    let sawNextPage = false; // not in the seed: records that the "next page" branch ran

    // Trang đầu
    const result = await client.conversations.list({ limit: 20 });
    console.log(result.items); // ConversationListItemDto[]
    console.log(result.hasMore); // boolean
    console.log(result.nextCursor); // string | null

    // Trang tiếp theo
    if (result.hasMore) {
      const nextPage = await client.conversations.list({
        limit: 20,
        cursor: result.nextCursor!, // Đây là string — KHÔNG cast sang number
      });
      // not in the seed: what the next page holds
      expect(nextPage.items).to.have.length(5);
      expect(nextPage.hasMore).to.equal(false);
      expect(nextPage.items.filter((i) => result.items.some((r) => r.id === i.id))).to.deep.equal([]);
      sawNextPage = true;
    }
    expect(sawNextPage).to.equal(true);
    expect(out.lines().map((line) => line.length)).to.deep.equal([1, 1, 1]);
    expect(out.lines()[0]?.[0]).to.have.length(20);
    expect(out.lines()[1]).to.deep.equal([true]);
    expect(out.lines()[2]?.[0]).to.be.a('string').and.match(CURSOR);
  });

  it('create Group / OneToOne / Self (lines 368–386)', async () => {
    // Tạo cuộc hội thoại nhóm
    const conv = await client.conversations.create({
      type: 'Group',
      name: 'Team Chat',
      avatar: { storageKey: '01HXABCDEF/group-avatar.jpg' }, // optional
      participantIds: ['user-1', 'user-2', 'user-3'],
    });

    // Tạo cuộc hội thoại 1-1
    const dm = await client.conversations.create({
      type: 'OneToOne',
      participantIds: ['other-user-id'],
    });

    // Tạo cuộc hội thoại với chính mình (Saved Messages)
    const self = await client.conversations.create({
      type: 'Self',
      participantIds: [],
    });

    expect(conv).to.deep.include({ type: 'Group', name: 'Team Chat', ownerId: me });
    expect(conv.avatar).to.deep.equal({ storageKey: '01HXABCDEF/group-avatar.jpg' });
    expect(conv.participants.map((p) => p.participantId).sort()).to.deep.equal([me, 'user-1', 'user-2', 'user-3'].sort());
    expect(dm.type).to.equal('OneToOne');
    expect(dm.participants.map((p) => p.participantId).sort()).to.deep.equal([me, 'other-user-id'].sort());
    expect(self.type).to.equal('Self');
    expect(self.participants.map((p) => p.participantId)).to.deep.equal([me]);
  });

  it('search (line 392): by conversation name or participant name', async () => {
    await groupOfMe(['user-1'], 'Team Chat');
    await groupOfMe(['user-2'], 'Family');
    const results = await client.conversations.search('team', 10);
    expect(results.map((r) => r.name)).to.deep.equal(['Team Chat']);
    expect((await client.conversations.search('user-2', 10)).map((r) => r.name)).to.deep.equal(['Family']);
  });

  it('getById (line 396)', async () => {
    const convIdHere = await groupOfMe(['user-1'], 'By id'); // seed: 'conv-id-here'
    const conv = await client.conversations.getById(convIdHere);
    expect([conv.id, conv.name, conv.type]).to.deep.equal([convIdHere, 'By id', 'Group']);
  });

  it('update (lines 402–405): a Group gets a new name and avatar', async () => {
    const convId = await groupOfMe(['user-1'], 'Old Group Name'); // seed: 'conv-id'
    const updated = await client.conversations.update(convId, {
      name: 'New Group Name',
      avatar: { url: 'https://example.com/group-avatar.jpg' },
    });
    expect(updated).to.deep.include({ id: convId, name: 'New Group Name' });
    expect(updated.avatar).to.deep.equal({ url: 'https://example.com/group-avatar.jpg' });
    expect((await client.conversations.getById(convId)).name).to.equal('New Group Name');
  });

  it('leave (line 411): I leave, the others stay', async () => {
    const convId = await groupOfMe(['user-1', 'user-2']); // seed: 'conv-id'
    await client.conversations.leave(convId);
    expect((await client.conversations.list()).items.map((i) => i.id)).to.not.include(convId);
    const seenByUser1 = await kit.http<ConversationParticipantDto[]>(
      tokens.get('user-1') as string,
      'GET',
      `/api/conversations/${convId}/participants`,
    );
    expect(
      seenByUser1
        .filter((m) => m.isActive)
        .map((m) => m.participantId)
        .sort(),
    ).to.deep.equal(['user-1', 'user-2']);
    expect(seenByUser1.find((m) => m.participantId === me)?.isActive).to.equal(false);
  });

  it('findOneToOne (lines 417–420): null (HTTP 204) until the conversation exists', async () => {
    let created: ConversationDto | undefined; // not in the seed: what "Tạo mới" made
    const existing = await client.conversations.findOneToOne('other-user-id');
    if (!existing) {
      // Tạo mới
      created = await client.conversations.create({ type: 'OneToOne', participantIds: ['other-user-id'] }); // the seed leaves this to the reader
    }
    expect(existing).to.equal(null);
    const found = await client.conversations.findOneToOne('other-user-id');
    expect(found?.id).to.be.a('string').and.equal(created?.id);
  });

  it('addParticipant (lines 424–427): the new member sees the history', async () => {
    const convId = await groupOfMe(['user-1']); // seed: 'conv-id'
    const { token } = await kit.login(me);
    const before = await kit.send(token, convId, 'before new-user-id joined');
    await client.conversations.addParticipant(convId, {
      participantId: 'new-user-id',
      canViewHistory: true, // Mặc định true — xem được tin nhắn cũ
    });
    const members = await client.conversations.getParticipants(convId);
    expect(members.find((m) => m.participantId === 'new-user-id')?.isActive).to.equal(true);
    const history = await kit.http<{ items: Array<{ id: string }> }>(
      tokens.get('new-user-id') as string,
      'GET',
      `/api/conversations/${convId}/messages?limit=50`,
    );
    expect(history.items.map((m) => m.id)).to.include(before.id);
  });

  it('removeParticipant (line 431)', async () => {
    const convId = await groupOfMe(['user-1', 'user-to-remove-id']); // seed: 'conv-id'
    await client.conversations.removeParticipant(convId, 'user-to-remove-id');
    const members = await client.conversations.getParticipants(convId);
    expect(members.find((m) => m.participantId === 'user-to-remove-id')?.isActive).to.equal(false);
  });

  it('getParticipants (lines 437–438): everyone, including who left; isActive filters them', async () => {
    const convId = await groupOfMe(['user-1', 'user-2']); // seed: 'conv-id'
    await kit.http(tokens.get('user-2') as string, 'POST', `/api/conversations/${convId}/leave`);
    const members = await client.conversations.getParticipants(convId);
    const active = members.filter((m) => m.isActive);
    expect(members.map((m) => m.participantId).sort()).to.deep.equal([me, 'user-1', 'user-2'].sort());
    expect(active.map((m) => m.participantId).sort()).to.deep.equal([me, 'user-1'].sort());
    expect(members.find((m) => m.participantId === 'user-2')?.leftAt).to.match(ISO_8601);
  });

  it('pin / unpin (lines 442–443)', async () => {
    const convId = await groupOfMe(['user-1']); // seed: 'conv-id'
    await groupOfMe(['user-2']); // not in the seed: a newer conversation, so that pinning changes the order
    await client.conversations.pin(convId);
    const pinned = await client.conversations.list(); // not in the seed: the list between the two calls
    expect([pinned.items[0]?.id, pinned.items[0]?.isPinned]).to.deep.equal([convId, true]);
    expect(pinned.items[0]?.pinnedAt).to.match(ISO_8601);
    await client.conversations.unpin(convId);
    const unpinned = (await client.conversations.list()).items.find((i) => i.id === convId);
    expect([unpinned?.isPinned, unpinned?.pinnedAt ?? null]).to.deep.equal([false, null]);
  });

  it('markAsRead / markAsUnread (lines 448–451)', async () => {
    const convId = await groupOfMe(['user-1']); // seed: 'conv-id'
    const user1 = tokens.get('user-1') as string;
    await kit.send(user1, convId, 'one');
    const last = await kit.send(user1, convId, 'two'); // seed: 'last-message-id'
    const unread = async () => (await client.conversations.list()).items.find((i) => i.id === convId)?.unreadCount;
    expect(await unread()).to.equal(2);

    // Đánh dấu đã đọc đến messageId
    await client.conversations.markAsRead(convId, last.id);
    expect(await unread()).to.equal(0);
    const mine = (await client.conversations.getParticipants(convId)).find((m) => m.participantId === me);
    expect(mine?.lastReadMessageId).to.equal(last.id);

    // Đánh dấu chưa đọc
    await client.conversations.markAsUnread(convId);
    expect(await unread()).to.be.greaterThan(0);
  });

  it('ConversationType / ConversationDto / ConversationParticipantDto / ConversationListItemDto (lines 455–494)', async () => {
    const types: ConversationType[] = ['Group', 'OneToOne', 'Self'];
    const member: ConversationParticipantDto = {
      participantId: 'p',
      joinedAt: '2025-01-01T00:00:00Z',
      leftAt: null,
      isActive: true,
      isPinned: false,
      pinnedAt: null,
      lastReadMessageId: null,
      lastReadAt: null,
      unreadCount: 0,
    };
    const conversation: ConversationDto = {
      id: 'c',
      type: 'Group',
      name: 'G',
      avatar: { url: 'https://example.com/a.jpg' },
      ownerId: 'p',
      lastMessageAt: null,
      lastMessageId: null,
      createdAt: '2025-01-01T00:00:00Z',
      updatedAt: '2025-01-01T00:00:00Z',
      participants: [member],
    };
    const item: ConversationListItemDto = {
      id: 'c',
      type: 'Self',
      name: 'S',
      avatar: { storageKey: 'k' },
      lastMessageAt: null,
      lastMessageId: null,
      lastMessage: null,
      isPinned: false,
      pinnedAt: null,
      unreadCount: 0,
      participantCount: 1,
    };
    expect([types.length, conversation.participants.length, item.participantCount]).to.deep.equal([3, 1, 1]);

    const convId = await groupOfMe(['user-1'], 'Shapes');
    const { token } = await kit.login(me);
    await kit.send(token, convId, 'hello');
    const live: ConversationDto = await client.conversations.getById(convId);
    expectSeedFields(
      live,
      ['id', 'type', 'ownerId', 'createdAt', 'updatedAt', 'participants'],
      ['name', 'avatar', 'lastMessageAt', 'lastMessageId'],
      'ConversationDto',
    );
    for (const p of live.participants)
      expectSeedFields(
        p,
        ['participantId', 'joinedAt', 'isActive', 'isPinned', 'unreadCount'],
        ['leftAt', 'pinnedAt', 'lastReadMessageId', 'lastReadAt'],
        'ConversationParticipantDto',
      );
    const listed = (await client.conversations.list()).items.find((i) => i.id === convId);
    expectSeedFields(
      listed,
      ['id', 'type', 'isPinned', 'unreadCount', 'participantCount'],
      ['name', 'avatar', 'lastMessageAt', 'lastMessageId', 'lastMessage', 'pinnedAt'],
      'ConversationListItemDto',
    );
    expect(listed?.lastMessage?.plainTextIndex).to.equal('hello');
  });
});
