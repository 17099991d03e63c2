/**
 * The client's `conversations` group against the embedded gateway: create (Group, OneToOne,
 * Self), getById, update, search, findOneToOne (null when none), members (add, remove, list,
 * leave), pin/unpin, read/unread, cursor paging with `list`, `listPages` driven by `loadMore$`,
 * `listAll` whose `take(n)` stops the fetching, and 403 for a non-member.
 */
import { expect } from 'chai';
import { Subject, firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import type { ConversationDto, ConversationListItemDto } from '../../../src/codecs/index.js';
import { startTestGateway, uniqueName, type TestGateway } from '../../support/test-gateway.js';
import { waitFor } from '../../support/wait.js';
import {
  CURSOR_FORMAT,
  ClientPool,
  ISO_FORMAT,
  ULID_FORMAT,
  expectApiError,
  requestMark,
  requestTo,
  text,
  type LoggedIn,
} from './client-fixtures.js';

const LIST_REQUEST = requestTo('GET', '/api/conversations');

describe('REST client against the embedded gateway: conversations', function () {
  this.timeout(10_000);
  let gw: TestGateway;
  const pool = new ClientPool(() => gw);
  let alice: LoggedIn;
  let bob: LoggedIn;
  let carol: LoggedIn;
  let outsider: LoggedIn;

  before(async () => {
    gw = await startTestGateway({ bot: false });
    [alice, bob, carol, outsider] = await Promise.all([
      pool.login('alice'),
      pool.login('bob'),
      pool.login('carol'),
      pool.login('outsider'),
    ]);
  });
  after(async () => {
    await pool.closeAll();
    await gw.close();
  });

  const group = (owner: LoggedIn, members: readonly LoggedIn[], name = uniqueName('group')): Promise<ConversationDto> =>
    firstValueFrom(owner.client.conversations.create({ type: 'Group', name, participantIds: members.map((m) => m.user.id) }));
  const listItem = async (who: LoggedIn, id: string): Promise<ConversationListItemDto | undefined> =>
    (await lastValueFrom(who.client.conversations.listAll({ limit: 100 }).pipe(toArray()))).find((c) => c.id === id);

  describe('create, getById, update, search', () => {
    it('create Group: the named conversation with the caller as owner and every member active', async () => {
      const name = uniqueName('Team');
      const created = await group(alice, [bob, carol], name);
      expect(created.id).to.match(ULID_FORMAT);
      expect(created).to.deep.include({ type: 'Group', name, ownerId: alice.user.id });
      expect(created.createdAt).to.match(ISO_FORMAT);
      expect(created.participants.map((p) => p.participantId)).to.have.members([alice.user.id, bob.user.id, carol.user.id]);
      expect(created.participants.every((p) => p.isActive && !p.isPinned && p.unreadCount === 0)).to.equal(true);

      const fetched = await firstValueFrom(bob.client.conversations.getById(created.id));
      expect(fetched).to.deep.include({ id: created.id, type: 'Group', name, ownerId: alice.user.id });
      expect(fetched.participants.map((p) => p.participantId)).to.have.members([alice.user.id, bob.user.id, carol.user.id]);
    });

    it('create OneToOne: the pair, found again (same id) on a second create; findOneToOne finds it, and is null with no conversation', async () => {
      const a = await pool.login('one');
      const b = await pool.login('two');
      expect(await firstValueFrom(a.client.conversations.findOneToOne(b.user.id))).to.equal(null);
      const created = await firstValueFrom(a.client.conversations.create({ type: 'OneToOne', participantIds: [b.user.id] }));
      expect(created.type).to.equal('OneToOne');
      expect(created.participants.map((p) => p.participantId)).to.have.members([a.user.id, b.user.id]);
      const again = await firstValueFrom(b.client.conversations.create({ type: 'OneToOne', participantIds: [a.user.id] }));
      expect(again.id).to.equal(created.id);
      const found = await firstValueFrom(b.client.conversations.findOneToOne(a.user.id));
      expect(found?.id).to.equal(created.id);
      expect(await firstValueFrom(a.client.conversations.findOneToOne(carol.user.id))).to.equal(null);
    });

    it('create Self: only the caller; others are refused with a 400', async () => {
      const me = await pool.login('self');
      const self = await firstValueFrom(me.client.conversations.create({ type: 'Self', participantIds: [] }));
      expect(self).to.deep.include({ type: 'Self', ownerId: me.user.id });
      expect(self.participants.map((p) => p.participantId)).to.deep.equal([me.user.id]);
      expect((await firstValueFrom(me.client.conversations.create({ type: 'Self', participantIds: [] }))).id).to.equal(self.id);
      const error = await expectApiError(me.client.conversations.create({ type: 'Self', participantIds: [bob.user.id] }), 400);
      expect(error.detail).to.equal('A self conversation has no other participants.');
    });

    it('update renames a group (getById sees it); a OneToOne cannot be updated (400)', async () => {
      const created = await group(alice, [bob]);
      const name = uniqueName('Renamed');
      const updated = await firstValueFrom(
        alice.client.conversations.update(created.id, { name, avatar: { url: 'https://cdn.example.com/g.png' } }),
      );
      expect(updated).to.deep.include({ id: created.id, name });
      expect(updated.avatar).to.deep.equal({ storageKey: null, url: 'https://cdn.example.com/g.png' });
      expect((await firstValueFrom(bob.client.conversations.getById(created.id))).name).to.equal(name);

      const pair = await firstValueFrom(alice.client.conversations.create({ type: 'OneToOne', participantIds: [carol.user.id] }));
      await expectApiError(alice.client.conversations.update(pair.id, { name: 'x' }), 400);
    });

    it('search finds conversations by name for members only; no match is an empty array', async () => {
      const marker = uniqueName('needle');
      const created = await group(alice, [bob], `Project ${marker}`);
      const found = await firstValueFrom(alice.client.conversations.search(marker, 10));
      expect(found.map((c) => c.id)).to.deep.equal([created.id]);
      expect(found[0]).to.deep.include({ type: 'Group', name: `Project ${marker}`, participantCount: 2 });
      expect(await firstValueFrom(outsider.client.conversations.search(marker))).to.deep.equal([]);
      expect(await firstValueFrom(alice.client.conversations.search(uniqueName('nothing-like-this')))).to.deep.equal([]);
    });

    it('a non-member gets 403 for getById, update, getParticipants, pin, leave; an unknown id is a 404', async () => {
      const created = await group(alice, [bob]);
      const conversations = outsider.client.conversations;
      for (const call$ of [
        conversations.getById(created.id),
        conversations.update(created.id, { name: 'hijack' }),
        conversations.getParticipants(created.id),
        conversations.pin(created.id),
        conversations.leave(created.id),
        conversations.markAsUnread(created.id),
      ]) {
        const error = await expectApiError(call$, 403);
        expect(error.detail).to.equal('You are not a participant of this conversation.');
      }
      const missing = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
      expect((await expectApiError(alice.client.conversations.getById(missing), 404)).detail).to.equal(
        `Conversation '${missing}' was not found.`,
      );
    });
  });

  describe('members', () => {
    it('addParticipant, getParticipants, removeParticipant (owner only), leave', async () => {
      const created = await group(alice, [bob]);
      const dave = await pool.login('dave');
      await expectApiError(dave.client.conversations.getById(created.id), 403);

      expect(
        await firstValueFrom(alice.client.conversations.addParticipant(created.id, { participantId: dave.user.id, canViewHistory: false })),
      ).to.equal(undefined);
      expect((await firstValueFrom(dave.client.conversations.getById(created.id))).id).to.equal(created.id);
      expect(await firstValueFrom(alice.client.conversations.addParticipant(created.id, { participantId: carol.user.id }))).to.equal(
        undefined,
      );
      const addedTwice = await expectApiError(alice.client.conversations.addParticipant(created.id, { participantId: carol.user.id }), 409);
      expect(addedTwice.detail).to.equal(`Participant '${carol.user.id}' is already in this conversation.`);

      let members = await firstValueFrom(bob.client.conversations.getParticipants(created.id));
      expect(members.map((m) => [m.participantId, m.isActive])).to.have.deep.members([
        [alice.user.id, true],
        [bob.user.id, true],
        [dave.user.id, true],
        [carol.user.id, true],
      ]);

      // Only the owner removes others.
      await expectApiError(bob.client.conversations.removeParticipant(created.id, carol.user.id), 403);
      expect(await firstValueFrom(alice.client.conversations.removeParticipant(created.id, carol.user.id))).to.equal(undefined);
      await expectApiError(alice.client.conversations.removeParticipant(created.id, carol.user.id), 404);

      expect(await firstValueFrom(dave.client.conversations.leave(created.id))).to.equal(undefined);
      members = await firstValueFrom(alice.client.conversations.getParticipants(created.id));
      const byId = new Map(members.map((m) => [m.participantId, m]));
      expect(byId.get(carol.user.id)?.isActive).to.equal(false);
      expect(byId.get(carol.user.id)?.leftAt).to.match(ISO_FORMAT);
      expect(byId.get(dave.user.id)?.isActive).to.equal(false);
      expect(byId.get(bob.user.id)?.isActive).to.equal(true);
      // Who left no longer lists it, and may no longer act in it.
      expect(await listItem(dave, created.id)).to.equal(undefined);
      await expectApiError(dave.client.conversations.leave(created.id), 403);
    });
  });

  describe('pin, read state', () => {
    it('pin puts the conversation first for the caller only; unpin undoes it', async () => {
      const first = await group(alice, [bob]);
      await group(alice, [bob]); // newer, so listed before `first` while nothing is pinned
      expect(await firstValueFrom(alice.client.conversations.pin(first.id))).to.equal(undefined);
      const page = await firstValueFrom(alice.client.conversations.list({ limit: 5 }));
      expect(page.items[0]).to.deep.include({ id: first.id, isPinned: true });
      expect(page.items[0]?.pinnedAt).to.match(ISO_FORMAT);
      expect((await listItem(bob, first.id))?.isPinned).to.equal(false);
      const mine = (await firstValueFrom(alice.client.conversations.getParticipants(first.id))).find(
        (m) => m.participantId === alice.user.id,
      );
      expect(mine?.isPinned).to.equal(true);

      expect(await firstValueFrom(alice.client.conversations.unpin(first.id))).to.equal(undefined);
      expect((await listItem(alice, first.id))?.isPinned).to.equal(false);
      expect((await firstValueFrom(alice.client.conversations.list({ limit: 5 }))).items[0]?.id).to.not.equal(first.id);
    });

    it('markAsRead clears the unread count up to the message; markAsUnread sets it again', async () => {
      const created = await group(alice, [bob]);
      const m1 = await firstValueFrom(bob.client.messages.send(created.id, { blocks: [text('one')] }));
      const m2 = await firstValueFrom(bob.client.messages.send(created.id, { blocks: [text('two')] }));
      expect((await listItem(alice, created.id))?.unreadCount).to.equal(2);

      expect(await firstValueFrom(alice.client.conversations.markAsRead(created.id, m1.id))).to.equal(undefined);
      expect((await listItem(alice, created.id))?.unreadCount).to.equal(1);
      await firstValueFrom(alice.client.conversations.markAsRead(created.id, m2.id));
      const item = await listItem(alice, created.id);
      expect(item).to.deep.include({ unreadCount: 0, lastMessageId: m2.id });
      const me = (await firstValueFrom(alice.client.conversations.getParticipants(created.id))).find(
        (m) => m.participantId === alice.user.id,
      );
      expect(me?.lastReadMessageId).to.equal(m2.id);

      expect(await firstValueFrom(alice.client.conversations.markAsUnread(created.id))).to.equal(undefined);
      expect((await listItem(alice, created.id))?.unreadCount).to.equal(1);

      const unknown = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
      await expectApiError(alice.client.conversations.markAsRead(created.id, unknown), 404);
    });
  });

  describe('paging', () => {
    let owner: LoggedIn;
    let ids: string[];
    before(async () => {
      owner = await pool.login('pager');
      ids = [];
      for (let i = 0; i < 5; i++) ids.push((await group(owner, [], `page-${i}`)).id);
      ids.reverse(); // newest first, as listed
    });

    it('list pages through with the string cursor of each page, newest first', async () => {
      const first = await firstValueFrom(owner.client.conversations.list({ limit: 2 }));
      expect(first.items.map((c) => c.id)).to.deep.equal(ids.slice(0, 2));
      expect(first.hasMore).to.equal(true);
      expect(first.nextCursor).to.be.a('string').and.match(CURSOR_FORMAT);

      const mark = await requestMark(gw);
      const second = await firstValueFrom(owner.client.conversations.list({ limit: 2, cursor: first.nextCursor }));
      expect(second.items.map((c) => c.id)).to.deep.equal(ids.slice(2, 4));
      const sent = await mark.since(LIST_REQUEST);
      expect(sent.map((r) => new URL(r.path, gw.url).searchParams.get('cursor'))).to.deep.equal([first.nextCursor]);

      const third = await firstValueFrom(owner.client.conversations.list({ limit: 2, cursor: second.nextCursor }));
      expect(third).to.deep.include({ hasMore: false, nextCursor: null });
      expect(third.items.map((c) => c.id)).to.deep.equal(ids.slice(4));
      expect(third.items[0]).to.deep.include({ type: 'Group', name: 'page-0', participantCount: 1, unreadCount: 0 });

      await expectApiError(owner.client.conversations.list({ limit: 2, cursor: 'not-a-cursor' }), 400);
    });

    it('listPages with loadMore$: the first page at subscribe, one more per signal, complete after the last', async () => {
      const loadMore$ = new Subject<void>();
      const pages: string[][] = [];
      let completed = false;
      const mark = await requestMark(gw);
      const subscription = owner.client.conversations.listPages({ limit: 2 }, { loadMore$ }).subscribe({
        next: (page) => pages.push(page.items.map((c) => c.id)),
        complete: () => (completed = true),
      });
      try {
        await waitFor(() => pages.length === 1, 2000, 'the first page');
        expect(pages).to.deep.equal([ids.slice(0, 2)]);
        expect(await mark.since(LIST_REQUEST)).to.have.length(1);
        loadMore$.next();
        await waitFor(() => pages.length === 2, 2000, 'the second page');
        loadMore$.next();
        await waitFor(() => completed, 2000, 'completion after the last page');
        expect(pages).to.deep.equal([ids.slice(0, 2), ids.slice(2, 4), ids.slice(4)]);
        loadMore$.next(); // after the end: nothing more is fetched
        expect(await mark.since(LIST_REQUEST)).to.have.length(3);
      } finally {
        subscription.unsubscribe();
      }
    });

    it('listAll emits every conversation in order; take(n) stops fetching further pages', async () => {
      const all = await lastValueFrom(owner.client.conversations.listAll({ limit: 2 }).pipe(toArray()));
      expect(all.map((c) => c.id)).to.deep.equal(ids);

      const mark = await requestMark(gw);
      const firstThree = await lastValueFrom(owner.client.conversations.listAll({ limit: 2 }).pipe(take(3), toArray()));
      expect(firstThree.map((c) => c.id)).to.deep.equal(ids.slice(0, 3));
      // Page 1 (2 items) and page 2 (the third item): page 3 is never asked for.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await mark.since(LIST_REQUEST)).to.have.length(2);
    });
  });
});
