/**
 * The client's `messages` group against the embedded gateway: send (201, the full MessageDto;
 * a repeated `clientMessageId` is the same message), history in both directions with string
 * cursors, `historyPages` and `historyAll` (whose `take(n)` stops the fetching), search,
 * getById, edit, delete → `{ messageId, deletedAt }`, recover, reactions with URL-encoded emoji
 * (409 on a duplicate, 404 removing one that is not there) and 403 for others' messages.
 */
import { expect } from 'chai';
import { InvalidArgumentError } from '../../../src/core/invalid-argument-error.js';
import { Subject, firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import type { ConversationDto, MessageDto } from '../../../src/codecs/index.js';
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

describe('REST client against the embedded gateway: messages', function () {
  this.timeout(10_000);
  let gw: TestGateway;
  const pool = new ClientPool(() => gw);
  let alice: LoggedIn;
  let bob: LoggedIn;
  let outsider: LoggedIn;
  let conversation: ConversationDto;

  before(async () => {
    gw = await startTestGateway({ bot: false });
    [alice, bob, outsider] = await Promise.all([pool.login('alice'), pool.login('bob'), pool.login('outsider')]);
    conversation = await firstValueFrom(alice.client.conversations.create({ type: 'OneToOne', participantIds: [bob.user.id] }));
  });
  after(async () => {
    await pool.closeAll();
    await gw.close();
  });

  const send = (who: LoggedIn, content: string, conversationId = conversation.id): Promise<MessageDto> =>
    firstValueFrom(who.client.messages.send(conversationId, { blocks: [text(content)] }));

  describe('send, getById, search', () => {
    it('send: 201 with the stored MessageDto; the same clientMessageId again is the same message', async () => {
      const clientMessageId = uniqueName('cm');
      const mark = await requestMark(gw);
      const sent = await firstValueFrom(
        alice.client.messages.send(conversation.id, { blocks: [text('Hello Bob')], clientMessageId, mentions: [] }),
      );
      expect(sent.id).to.match(ULID_FORMAT);
      expect(sent).to.deep.include({
        conversationId: conversation.id,
        senderId: alice.user.id,
        senderType: 'User',
        plainTextIndex: 'Hello Bob',
        clientMessageId,
        isEdited: false,
        isDeleted: false,
        deletedAt: null,
        editedAt: null,
        reactionSummary: null,
        replyToMessageId: null,
      });
      expect(sent.blocks).to.deep.equal([text('Hello Bob')]);
      expect(sent.timestamp).to.match(ISO_FORMAT);
      expect(await mark.since(requestTo('POST', `/api/conversations/${conversation.id}/messages`))).to.have.length(1);

      const again = await firstValueFrom(alice.client.messages.send(conversation.id, { blocks: [text('Hello Bob')], clientMessageId }));
      expect(again.id).to.equal(sent.id);

      const reply = await firstValueFrom(
        bob.client.messages.send(conversation.id, { blocks: [text('Hi Alice')], replyToMessageId: sent.id }),
      );
      expect(reply).to.deep.include({ senderId: bob.user.id, replyToMessageId: sent.id });

      const fetched = await firstValueFrom(bob.client.messages.getById(sent.id));
      expect(fetched).to.deep.equal(sent);
    });

    it('send to a conversation the caller is not in is a 403; an empty message never leaves the client', async () => {
      const error = await expectApiError(outsider.client.messages.send(conversation.id, { blocks: [text('let me in')] }), 403);
      expect(error.detail).to.equal('You are not a participant of this conversation.');
      // The server would answer 400 (test/gateway/rest-messages.spec.ts); the client refuses it first.
      expect(() => alice.client.messages.send(conversation.id, { blocks: [] })).to.throw(InvalidArgumentError, /request\.blocks/);
    });

    it('getById of an unknown message is a 404; of a conversation the caller is not in, a 403', async () => {
      const missing = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
      expect((await expectApiError(alice.client.messages.getById(missing), 404)).detail).to.equal(`Message '${missing}' was not found.`);
      const message = await send(alice, 'private');
      await expectApiError(outsider.client.messages.getById(message.id), 403);
    });

    it('search finds messages by their text, newest first, with a limit', async () => {
      const marker = uniqueName('invoice');
      const older = await send(alice, `first ${marker}`);
      await send(bob, 'something else');
      const newer = await send(bob, `second ${marker.toUpperCase()}`);
      const found = await firstValueFrom(alice.client.messages.search(conversation.id, marker));
      expect(found.map((m) => m.id)).to.deep.equal([newer.id, older.id]);
      expect(found[0]?.plainTextIndex).to.equal(`second ${marker.toUpperCase()}`);
      expect((await firstValueFrom(alice.client.messages.search(conversation.id, marker, 1))).map((m) => m.id)).to.deep.equal([newer.id]);
      expect(await firstValueFrom(alice.client.messages.search(conversation.id, uniqueName('absent')))).to.deep.equal([]);
      await expectApiError(outsider.client.messages.search(conversation.id, marker), 403);
    });
  });

  describe('history', () => {
    let room: ConversationDto;
    let ids: string[]; // oldest first
    before(async () => {
      room = await firstValueFrom(alice.client.conversations.create({ type: 'Group', name: 'history', participantIds: [bob.user.id] }));
      ids = [];
      for (let i = 1; i <= 5; i++) ids.push((await send(i % 2 === 0 ? bob : alice, `m${i}`, room.id)).id);
    });
    const HISTORY = (): ReturnType<typeof requestTo> => requestTo('GET', `/api/conversations/${room.id}/messages`);

    it('getHistory older (default): newest first, continued with the string nextCursor', async () => {
      const first = await firstValueFrom(alice.client.messages.getHistory(room.id, { limit: 2 }));
      expect(first.items.map((m) => m.id)).to.deep.equal([ids[4], ids[3]]);
      expect(first.items.map((m) => m.plainTextIndex)).to.deep.equal(['m5', 'm4']);
      expect(first.hasMore).to.equal(true);
      expect(first.nextCursor).to.be.a('string').and.match(CURSOR_FORMAT);
      const second = await firstValueFrom(
        alice.client.messages.getHistory(room.id, { limit: 2, cursor: first.nextCursor, direction: 'older' }),
      );
      expect(second.items.map((m) => m.id)).to.deep.equal([ids[2], ids[1]]);
      const third = await firstValueFrom(alice.client.messages.getHistory(room.id, { limit: 2, cursor: second.nextCursor }));
      expect(third).to.deep.include({ hasMore: false, nextCursor: null });
      expect(third.items.map((m) => m.id)).to.deep.equal([ids[0]]);
    });

    it('getHistory newer: oldest first from the start or from a cursor', async () => {
      const first = await firstValueFrom(bob.client.messages.getHistory(room.id, { limit: 2, direction: 'newer' }));
      expect(first.items.map((m) => m.id)).to.deep.equal([ids[0], ids[1]]);
      expect(first.hasMore).to.equal(true);
      const mark = await requestMark(gw);
      const second = await firstValueFrom(
        bob.client.messages.getHistory(room.id, { limit: 2, direction: 'newer', cursor: first.nextCursor }),
      );
      expect(second.items.map((m) => m.id)).to.deep.equal([ids[2], ids[3]]);
      const [sent] = await mark.since(HISTORY());
      const query = new URL(sent?.path ?? '', gw.url).searchParams;
      expect({ direction: query.get('direction'), cursor: query.get('cursor'), limit: query.get('limit') }).to.deep.equal({
        direction: 'newer',
        cursor: first.nextCursor,
        limit: '2',
      });
      await expectApiError(outsider.client.messages.getHistory(room.id), 403);
    });

    it('historyPages: every page in order; with loadMore$ one page per signal', async () => {
      const pages = await lastValueFrom(alice.client.messages.historyPages(room.id, { limit: 2 }).pipe(toArray()));
      expect(pages.map((p) => p.items.map((m) => m.id))).to.deep.equal([[ids[4], ids[3]], [ids[2], ids[1]], [ids[0]]]);

      const loadMore$ = new Subject<void>();
      const seen: string[][] = [];
      const mark = await requestMark(gw);
      const subscription = alice.client.messages
        .historyPages(room.id, { limit: 3, direction: 'newer' }, { loadMore$ })
        .subscribe((page) => seen.push(page.items.map((m) => m.id)));
      try {
        await waitFor(() => seen.length === 1, 2000, 'the first history page');
        await new Promise((resolve) => setTimeout(resolve, 30));
        expect(await mark.since(HISTORY())).to.have.length(1);
        loadMore$.next();
        await waitFor(() => seen.length === 2, 2000, 'the second history page');
        expect(seen).to.deep.equal([ids.slice(0, 3), ids.slice(3)]);
      } finally {
        subscription.unsubscribe();
      }
    });

    it('historyAll: every message in direction order; take(n) stops fetching', async () => {
      const all = await lastValueFrom(bob.client.messages.historyAll(room.id, { limit: 2, direction: 'newer' }).pipe(toArray()));
      expect(all.map((m) => m.id)).to.deep.equal(ids);
      expect(all.map((m) => m.senderId)).to.deep.equal([alice.user.id, bob.user.id, alice.user.id, bob.user.id, alice.user.id]);

      const mark = await requestMark(gw);
      const newest = await lastValueFrom(bob.client.messages.historyAll(room.id, { limit: 2 }).pipe(take(2), toArray()));
      expect(newest.map((m) => m.id)).to.deep.equal([ids[4], ids[3]]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await mark.since(HISTORY())).to.have.length(1);
    });
  });

  describe('edit, delete, recover', () => {
    it('edit replaces the blocks (sender only): isEdited, editedAt; getById sees it', async () => {
      const message = await send(alice, 'draft');
      const edited = await firstValueFrom(alice.client.messages.edit(message.id, { blocks: [text('final')], mentions: [] }));
      expect(edited).to.deep.include({ id: message.id, isEdited: true, plainTextIndex: 'final' });
      expect(edited.blocks).to.deep.equal([text('final')]);
      expect(edited.editedAt).to.match(ISO_FORMAT);
      expect((await firstValueFrom(bob.client.messages.getById(message.id))).blocks).to.deep.equal([text('final')]);

      const error = await expectApiError(bob.client.messages.edit(message.id, { blocks: [text('not yours')] }), 403);
      expect(error.detail).to.equal('Only the sender can edit a message.');
    });

    it('delete emits { messageId, deletedAt }; recover brings the message back; both sender only', async () => {
      const message = await send(alice, 'oops');
      await expectApiError(bob.client.messages.delete(message.id), 403);

      const deleted = await firstValueFrom(alice.client.messages.delete(message.id));
      expect(Object.keys(deleted).sort()).to.deep.equal(['deletedAt', 'messageId']);
      expect(deleted.messageId).to.equal(message.id);
      expect(deleted.deletedAt).to.match(ISO_FORMAT);
      const gone = await firstValueFrom(bob.client.messages.getById(message.id));
      expect(gone).to.deep.include({ isDeleted: true, deletedAt: deleted.deletedAt, blocks: [], plainTextIndex: null });
      expect((await expectApiError(alice.client.messages.delete(message.id), 409)).detail).to.equal('The message is already deleted.');

      await expectApiError(bob.client.messages.recover(message.id), 403);
      expect(await firstValueFrom(alice.client.messages.recover(message.id))).to.equal(undefined);
      const back = await firstValueFrom(bob.client.messages.getById(message.id));
      expect(back).to.deep.include({ isDeleted: false, deletedAt: null, plainTextIndex: 'oops' });
      expect(back.blocks).to.deep.equal([text('oops')]);
      expect((await expectApiError(alice.client.messages.recover(message.id), 400)).detail).to.equal('The message is not deleted.');
    });
    it('recover more than 10 minutes after the delete is a 400 (gateway clock moved with the `now` option)', async function () {
      if (gw.external) this.skip(); // needs the embedded-only `now` option
      let clock = Date.now();
      const timed = await startTestGateway({ bot: false, now: () => clock });
      const timedPool = new ClientPool(() => timed);
      try {
        const [a, b] = await Promise.all([timedPool.login('alice'), timedPool.login('bob')]);
        const pair = await firstValueFrom(a.client.conversations.create({ type: 'OneToOne', participantIds: [b.user.id] }));
        const early = await firstValueFrom(a.client.messages.send(pair.id, { blocks: [text('early')] }));
        const late = await firstValueFrom(a.client.messages.send(pair.id, { blocks: [text('late')] }));
        await firstValueFrom(a.client.messages.delete(early.id));
        await firstValueFrom(a.client.messages.delete(late.id));
        clock += 9 * 60_000;
        await firstValueFrom(a.client.messages.recover(early.id)); // within the window
        clock += 60_000 + 1_000;
        const error = await expectApiError(a.client.messages.recover(late.id), 400);
        expect(error.detail).to.equal('A message can only be recovered within 10 minutes of its deletion.');
        expect((await firstValueFrom(b.client.messages.getById(late.id))).isDeleted).to.equal(true);
        expect((await firstValueFrom(b.client.messages.getById(early.id))).isDeleted).to.equal(false);
      } finally {
        await timedPool.closeAll();
        await timed.close();
      }
    });
  });

  describe('reactions', () => {
    it("addReaction '👍' and '❤️' (URL-encoded in the path) show in the summary; a duplicate is a 409; removeReaction takes one away", async () => {
      const message = await send(bob, 'react to me');
      const mark = await requestMark(gw);
      expect(await firstValueFrom(alice.client.messages.addReaction(message.id, '👍'))).to.equal(undefined);
      await firstValueFrom(alice.client.messages.addReaction(message.id, '❤️'));
      await firstValueFrom(bob.client.messages.addReaction(message.id, '👍'));
      const paths = (await mark.since((r) => r.method === 'POST' && r.path.includes('/reactions/'))).map((r) => r.path);
      expect(paths).to.deep.equal([
        `/api/messages/${message.id}/reactions/%F0%9F%91%8D`,
        `/api/messages/${message.id}/reactions/%E2%9D%A4%EF%B8%8F`,
        `/api/messages/${message.id}/reactions/%F0%9F%91%8D`,
      ]);

      let summary = (await firstValueFrom(alice.client.messages.getById(message.id))).reactionSummary;
      expect(summary).to.deep.equal({
        groups: [
          { emoji: '👍', count: 2, participantIds: [alice.user.id, bob.user.id] },
          { emoji: '❤️', count: 1, participantIds: [alice.user.id] },
        ],
        totalCount: 3,
      });

      const duplicate = await expectApiError(alice.client.messages.addReaction(message.id, '👍'), 409);
      expect(duplicate.detail).to.equal('You already reacted with 👍.');

      expect(await firstValueFrom(alice.client.messages.removeReaction(message.id, '❤️'))).to.equal(undefined);
      await firstValueFrom(alice.client.messages.removeReaction(message.id, '👍'));
      summary = (await firstValueFrom(bob.client.messages.getById(message.id))).reactionSummary;
      expect(summary).to.deep.equal({ groups: [{ emoji: '👍', count: 1, participantIds: [bob.user.id] }], totalCount: 1 });

      const notThere = await expectApiError(alice.client.messages.removeReaction(message.id, '❤️'), 404);
      expect(notThere.detail).to.equal('You have not reacted with ❤️.');
      await expectApiError(outsider.client.messages.addReaction(message.id, '👍'), 403);
    });
  });
});
