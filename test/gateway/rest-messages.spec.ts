/**
 * REST: messages — send (201, idempotent by clientMessageId), history with cursor paging in both
 * directions, search, get, edit, delete and recover, and reactions.
 */
import { expect } from 'chai';
import * as t from 'io-ts';
import { CursorPaginatedResult, DeleteMessageResponse, MessageDto } from '../../src/codecs/index.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import {
  CURSOR_FORMAT,
  ISO_FORMAT,
  ULID_FORMAT,
  api,
  createConversation,
  expectOk,
  expectProblem,
  mentionOf,
  newUsers,
  sendText,
  text,
  type TestUser,
} from './gateway-helpers.js';

const MessagePage = CursorPaginatedResult(MessageDto);
type MessagePage = t.TypeOf<typeof MessagePage>;

describe('gateway REST: messages', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway({ bot: false });
  });
  after(async () => gw.close());

  const history = async (user: TestUser, conversationId: string, query = ''): Promise<MessagePage> =>
    expectOk(await api(gw, 'GET', `/api/conversations/${conversationId}/messages${query}`, { token: user.token }), 200, MessagePage);
  const getMessage = async (user: TestUser, id: string): Promise<MessageDto> =>
    expectOk(await api(gw, 'GET', `/api/messages/${id}`, { token: user.token }), 200, MessageDto);

  describe('send', () => {
    it('answers 201 with the full MessageDto', async () => {
      const [alice, bob] = await newUsers(gw, 'alice', 'bob');
      const group = await createConversation(gw, alice, 'Group', [bob.id], 'G');
      const res = await api(gw, 'POST', `/api/conversations/${group.id}/messages`, {
        token: alice.token,
        body: {
          blocks: [text('Xin chào!')],
          clientMessageId: 'local-1',
          mentions: [mentionOf(bob.id, 'bob')],
          quickReplies: [{ label: 'Yes', action: 'SendText', value: 'yes', icon: null }],
        },
      });
      const message = expectOk(res, 201, MessageDto);
      expect(message.id).to.match(ULID_FORMAT);
      expect(message).to.deep.include({
        conversationId: group.id,
        senderId: alice.id,
        senderType: 'User',
        blocks: [text('Xin chào!')],
        plainTextIndex: 'Xin chào!',
        replyToMessageId: null,
        isEdited: false,
        editedAt: null,
        isDeleted: false,
        deletedAt: null,
        reactionSummary: null,
        clientMessageId: 'local-1',
        systemEvent: null,
      });
      expect(message.mentions).to.deep.equal([mentionOf(bob.id, 'bob')]);
      expect(message.quickReplies).to.deep.equal([{ label: 'Yes', action: 'SendText', value: 'yes', icon: null }]);
      expect(message.timestamp).to.match(ISO_FORMAT);
      expect(message.createdAt).to.equal(message.timestamp);
      expect(await getMessage(bob, message.id)).to.deep.equal(message);
    });

    it('is idempotent by clientMessageId: a retry answers 200 with the first message', async () => {
      const [alice] = await newUsers(gw, 'alice');
      const group = await createConversation(gw, alice, 'Group', [], 'G');
      const first = await sendText(gw, alice, group.id, 'once', { clientMessageId: 'retry-me' });
      const retry = expectOk(
        await api(gw, 'POST', `/api/conversations/${group.id}/messages`, {
          token: alice.token,
          body: { blocks: [text('once')], clientMessageId: 'retry-me' },
        }),
        200,
        MessageDto,
      );
      expect(retry.id).to.equal(first.id);
      expect((await history(alice, group.id)).items).to.have.length(1);
    });

    it('replies to a message of the same conversation; an unknown one is a 400 naming replyToMessageId', async () => {
      const [alice] = await newUsers(gw, 'alice');
      const group = await createConversation(gw, alice, 'Group', [], 'G');
      const original = await sendText(gw, alice, group.id, 'question');
      const reply = await sendText(gw, alice, group.id, 'answer', { replyToMessageId: original.id });
      expect(reply.replyToMessageId).to.equal(original.id);
      expectProblem(
        await api(gw, 'POST', `/api/conversations/${group.id}/messages`, {
          token: alice.token,
          body: { blocks: [text('x')], replyToMessageId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' },
        }),
        400,
        ['replyToMessageId'],
      );
    });

    it('400 for no blocks, wrong types, a long clientMessageId and bad JSON; 403 for a non-member; 404 for an unknown conversation', async () => {
      const [alice, eve] = await newUsers(gw, 'alice', 'eve');
      const group = await createConversation(gw, alice, 'Group', [], 'G');
      const path = `/api/conversations/${group.id}/messages`;
      expectProblem(await api(gw, 'POST', path, { token: alice.token, body: { blocks: [] } }), 400, ['blocks']);
      expectProblem(await api(gw, 'POST', path, { token: alice.token, body: { blocks: 'hello' } }), 400, ['blocks']);
      expectProblem(
        await api(gw, 'POST', path, { token: alice.token, body: { blocks: [text('x')], clientMessageId: 'x'.repeat(129) } }),
        400,
        ['clientMessageId'],
      );
      expectProblem(await api(gw, 'POST', path, { token: alice.token, body: { blocks: [text('x')], clientMessageId: 12 } }), 400, [
        'clientMessageId',
      ]);
      expectProblem(await api(gw, 'POST', path, { token: alice.token, rawBody: '{"blocks": [' }), 400, ['$']);
      expectProblem(await api(gw, 'POST', path, { token: eve.token, body: { blocks: [text('intruder')] } }), 403);
      expectProblem(
        await api(gw, 'POST', '/api/conversations/01ARZ3NDEKTSV4RRFFQ69G5FAV/messages', {
          token: alice.token,
          body: { blocks: [text('x')] },
        }),
        404,
      );
      expect((await api(gw, 'POST', path, { body: { blocks: [text('x')] } })).status).to.equal(401);
      expect((await history(alice, group.id)).items).to.deep.equal([]);
    });
  });

  describe('history', () => {
    let alice: TestUser;
    let bob: TestUser;
    let conversationId: string;
    /** The 25 message ids, oldest first. */
    let ids: string[];

    before(async () => {
      [alice, bob] = await newUsers(gw, 'alice', 'bob');
      conversationId = (await createConversation(gw, alice, 'Group', [bob.id], 'History')).id;
      ids = [];
      for (let i = 0; i < 25; i++) ids.push((await sendText(gw, i % 2 === 0 ? alice : bob, conversationId, `message ${i}`)).id);
    });

    const walk = async (direction: 'older' | 'newer', start: string | null = null): Promise<{ pages: MessagePage[]; ids: string[] }> => {
      const pages: MessagePage[] = [];
      let cursor = start;
      for (let guard = 0; guard < 10; guard++) {
        const page = await history(
          bob,
          conversationId,
          `?limit=10&direction=${direction}${cursor !== null ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        pages.push(page);
        if (page.hasMore) expect(page.nextCursor ?? '', 'nextCursor while hasMore').to.match(CURSOR_FORMAT);
        else expect(page.nextCursor, 'nextCursor of the last page').to.equal(null);
        cursor = page.nextCursor;
        if (cursor === null) break;
      }
      return { pages, ids: pages.flatMap((p) => p.items.map((m) => m.id)) };
    };

    it('older (the default): newest first, 10 + 10 + 5, every message once', async () => {
      const { pages, ids: seen } = await walk('older');
      expect(pages.map((p) => [p.items.length, p.hasMore])).to.deep.equal([
        [10, true],
        [10, true],
        [5, false],
      ]);
      expect(seen).to.deep.equal([...ids].reverse());
      expect(pages[0]?.items[0]?.plainTextIndex).to.equal('message 24');
      const byDefault = await history(bob, conversationId, '?limit=10');
      expect(byDefault).to.deep.equal(pages[0]);
    });

    it('newer: oldest first, 10 + 10 + 5, every message once', async () => {
      const { pages, ids: seen } = await walk('newer');
      expect(pages.map((p) => [p.items.length, p.hasMore])).to.deep.equal([
        [10, true],
        [10, true],
        [5, false],
      ]);
      expect(seen).to.deep.equal(ids);
    });

    it("turns around: newer from an older page's cursor returns exactly the messages after it", async () => {
      const first = await history(bob, conversationId, '?limit=10');
      const cursor = first.nextCursor ?? '';
      // The cursor is "<UnixMs>_<ULID>" of the oldest message on the page (message 15).
      expect(cursor.split('_')[1]).to.equal(ids[15]);
      const { pages, ids: seen } = await walk('newer', cursor);
      expect(pages.map((p) => [p.items.length, p.hasMore])).to.deep.equal([[9, false]]);
      expect(seen).to.deep.equal(ids.slice(16));
    });

    it('400 for a numeric cursor, a malformed cursor, a bad direction and bad limits', async () => {
      const base = `/api/conversations/${conversationId}/messages`;
      expectProblem(await api(gw, 'GET', `${base}?cursor=123`, { token: bob.token }), 400, ['cursor']);
      expectProblem(await api(gw, 'GET', `${base}?cursor=abc_def`, { token: bob.token }), 400, ['cursor']);
      expectProblem(await api(gw, 'GET', `${base}?direction=sideways`, { token: bob.token }), 400, ['direction']);
      expectProblem(await api(gw, 'GET', `${base}?limit=1.5`, { token: bob.token }), 400, ['limit']);
      expectProblem(await api(gw, 'GET', `${base}?limit=0`, { token: bob.token }), 400, ['limit']);
      expectProblem(await api(gw, 'GET', `${base}?limit=101`, { token: bob.token }), 400, ['limit']);
    });

    it('search: case-insensitive, newest first, limited; an empty query is a 400', async () => {
      const found = expectOk(
        await api(gw, 'GET', `/api/conversations/${conversationId}/messages/search?q=MESSAGE%202`, { token: bob.token }),
        200,
        t.array(MessageDto),
      );
      // "message 2", "message 20" … "message 24", newest first.
      expect(found.map((m) => m.plainTextIndex)).to.deep.equal([
        'message 24',
        'message 23',
        'message 22',
        'message 21',
        'message 20',
        'message 2',
      ]);
      const limited = expectOk(
        await api(gw, 'GET', `/api/conversations/${conversationId}/messages/search?q=message&limit=3`, { token: bob.token }),
        200,
        t.array(MessageDto),
      );
      expect(limited.map((m) => m.id)).to.deep.equal([ids[24], ids[23], ids[22]]);
      expectProblem(await api(gw, 'GET', `/api/conversations/${conversationId}/messages/search?q=%20`, { token: bob.token }), 400, ['q']);
    });
  });

  describe('get, edit, delete, recover', () => {
    it('get: 404 for an unknown id, 403 for a non-member', async () => {
      const [alice, eve] = await newUsers(gw, 'alice', 'eve');
      const group = await createConversation(gw, alice, 'Group', [], 'G');
      const message = await sendText(gw, alice, group.id, 'secret');
      expectProblem(await api(gw, 'GET', '/api/messages/01ARZ3NDEKTSV4RRFFQ69G5FAV', { token: alice.token }), 404);
      expectProblem(await api(gw, 'GET', `/api/messages/${message.id}`, { token: eve.token }), 403);
    });

    it('edit by the sender (200, REST shape { blocks, mentions }); 403 for another member; 400 for bad bodies', async () => {
      const [alice, bob] = await newUsers(gw, 'alice', 'bob');
      const group = await createConversation(gw, alice, 'Group', [bob.id], 'G');
      const message = await sendText(gw, alice, group.id, 'typo');
      const edited = expectOk(
        await api(gw, 'PUT', `/api/messages/${message.id}`, { token: alice.token, body: { blocks: [text('fixed')], mentions: [] } }),
        200,
        MessageDto,
      );
      expect(edited).to.deep.include({ id: message.id, isEdited: true, plainTextIndex: 'fixed', blocks: [text('fixed')], mentions: [] });
      expect(edited.editedAt ?? '').to.match(ISO_FORMAT);
      expect(await getMessage(bob, message.id)).to.deep.equal(edited);

      expectProblem(await api(gw, 'PUT', `/api/messages/${message.id}`, { token: bob.token, body: { blocks: [text('hijack')] } }), 403);
      expectProblem(
        await api(gw, 'PUT', `/api/messages/${message.id}`, { token: alice.token, body: { newBlocks: [text('hub shape')] } }),
        400,
        ['blocks'],
      );
      expectProblem(await api(gw, 'PUT', `/api/messages/${message.id}`, { token: alice.token, body: { blocks: [] } }), 400, ['blocks']);
      expectProblem(
        await api(gw, 'PUT', '/api/messages/01ARZ3NDEKTSV4RRFFQ69G5FAV', { token: alice.token, body: { blocks: [text('x')] } }),
        404,
      );
      expect((await getMessage(bob, message.id)).plainTextIndex).to.equal('fixed');
    });

    it('delete by the sender answers { messageId, deletedAt }; then recover (204) restores it', async () => {
      const [alice, bob] = await newUsers(gw, 'alice', 'bob');
      const group = await createConversation(gw, alice, 'Group', [bob.id], 'G');
      const message = await sendText(gw, alice, group.id, 'regret');
      expectProblem(await api(gw, 'DELETE', `/api/messages/${message.id}`, { token: bob.token }), 403);

      const deleted = expectOk(await api(gw, 'DELETE', `/api/messages/${message.id}`, { token: alice.token }), 200, DeleteMessageResponse);
      expect(deleted.messageId).to.equal(message.id);
      expect(deleted.deletedAt).to.match(ISO_FORMAT);
      const gone = await getMessage(bob, message.id);
      expect(gone).to.deep.include({ isDeleted: true, deletedAt: deleted.deletedAt, blocks: [], plainTextIndex: null });
      expectProblem(await api(gw, 'DELETE', `/api/messages/${message.id}`, { token: alice.token }), 409);
      expect((await api(gw, 'GET', `/api/conversations/${group.id}/messages/search?q=regret`, { token: bob.token })).json).to.deep.equal(
        [],
      );

      expectProblem(await api(gw, 'POST', `/api/messages/${message.id}/recover`, { token: bob.token }), 403);
      expect((await api(gw, 'POST', `/api/messages/${message.id}/recover`, { token: alice.token })).status).to.equal(204);
      const back = await getMessage(bob, message.id);
      expect(back).to.deep.include({ isDeleted: false, deletedAt: null, blocks: [text('regret')], plainTextIndex: 'regret' });
      expectProblem(await api(gw, 'POST', `/api/messages/${message.id}/recover`, { token: alice.token }), 400);
      expectProblem(await api(gw, 'POST', '/api/messages/01ARZ3NDEKTSV4RRFFQ69G5FAV/recover', { token: alice.token }), 404);
    });

    it('refuses recovery more than 10 minutes after the deletion (the gateway clock moved on)', async function () {
      // The clock is an embedded-gateway option; an external gateway cannot be aged from here.
      let offset = 0;
      const aged = await startTestGateway({ bot: false, now: () => Date.now() + offset });
      if (aged.external) this.skip();
      try {
        const [alice, bob] = await newUsers(aged, 'alice', 'bob');
        const group = await createConversation(aged, alice, 'Group', [bob.id], 'G');
        const early = await sendText(aged, alice, group.id, 'recoverable');
        const late = await sendText(aged, alice, group.id, 'too late');
        expectOk(await api(aged, 'DELETE', `/api/messages/${early.id}`, { token: alice.token }), 200, DeleteMessageResponse);
        expectOk(await api(aged, 'DELETE', `/api/messages/${late.id}`, { token: alice.token }), 200, DeleteMessageResponse);
        offset = 9 * 60 * 1000;
        expect((await api(aged, 'POST', `/api/messages/${early.id}/recover`, { token: alice.token })).status).to.equal(204);
        offset = 10 * 60 * 1000 + 1000;
        const refused = expectProblem(await api(aged, 'POST', `/api/messages/${late.id}/recover`, { token: alice.token }), 400);
        expect(String(refused.detail)).to.match(/10 minutes/);
      } finally {
        await aged.close();
      }
    });
  });

  describe('reactions', () => {
    it('add (204) shows in reactionSummary; again is a 409; remove (204); removing a missing one is a 404', async () => {
      const [alice, bob] = await newUsers(gw, 'alice', 'bob');
      const group = await createConversation(gw, alice, 'Group', [bob.id], 'G');
      const message = await sendText(gw, alice, group.id, 'react to me');
      const thumbs = encodeURIComponent('👍');
      expect((await api(gw, 'POST', `/api/messages/${message.id}/reactions/${thumbs}`, { token: alice.token })).status).to.equal(204);
      expect((await api(gw, 'POST', `/api/messages/${message.id}/reactions/${thumbs}`, { token: bob.token })).status).to.equal(204);
      expect(
        (await api(gw, 'POST', `/api/messages/${message.id}/reactions/${encodeURIComponent('❤️')}`, { token: bob.token })).status,
      ).to.equal(204);
      expect((await getMessage(alice, message.id)).reactionSummary).to.deep.equal({
        groups: [
          { emoji: '👍', count: 2, participantIds: [alice.id, bob.id] },
          { emoji: '❤️', count: 1, participantIds: [bob.id] },
        ],
        totalCount: 3,
      });

      expectProblem(await api(gw, 'POST', `/api/messages/${message.id}/reactions/${thumbs}`, { token: alice.token }), 409);

      expect((await api(gw, 'DELETE', `/api/messages/${message.id}/reactions/${thumbs}`, { token: alice.token })).status).to.equal(204);
      expect(
        (await api(gw, 'DELETE', `/api/messages/${message.id}/reactions/${encodeURIComponent('❤️')}`, { token: bob.token })).status,
      ).to.equal(204);
      expect((await getMessage(alice, message.id)).reactionSummary).to.deep.equal({
        groups: [{ emoji: '👍', count: 1, participantIds: [bob.id] }],
        totalCount: 1,
      });
      expectProblem(await api(gw, 'DELETE', `/api/messages/${message.id}/reactions/${thumbs}`, { token: alice.token }), 404);
    });

    it('403 for a non-member, 404 for an unknown message', async () => {
      const [alice, eve] = await newUsers(gw, 'alice', 'eve');
      const group = await createConversation(gw, alice, 'Group', [], 'G');
      const message = await sendText(gw, alice, group.id, 'mine');
      expectProblem(await api(gw, 'POST', `/api/messages/${message.id}/reactions/%F0%9F%91%8D`, { token: eve.token }), 403);
      expectProblem(await api(gw, 'POST', '/api/messages/01ARZ3NDEKTSV4RRFFQ69G5FAV/reactions/%F0%9F%91%8D', { token: alice.token }), 404);
    });
  });
});
