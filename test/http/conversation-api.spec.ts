import { expect } from 'chai';
import { ChatApiError } from '../../src/http/chat-api-error.js';
import { errorOf, expectCall, restFor, useGateway } from './helpers.js';

describe('ConversationApi (fake gateway)', () => {
  const ctx = useGateway();
  const api = () => restFor(ctx.gateway).conversations;

  it('list({limit, cursor}) sends the cursor as the string it got', async () => {
    const [page] = await expectCall(ctx.gateway, api().list({ limit: 2, cursor: '1743004200000_2' }), {
      method: 'GET',
      path: '/api/conversations',
      query: { limit: '2', cursor: '1743004200000_2' },
    });
    expect(page?.items.map((c) => c.id)).to.deep.equal(['c2', 'c3']);
    expect(page?.nextCursor).to.equal('1743004200000_4');
  });

  it('list() without params sends no query', async () => {
    await expectCall(ctx.gateway, api().list(), { method: 'GET', path: '/api/conversations' });
  });

  it('create(req)', async () => {
    const req = { type: 'Group' as const, name: 'Team', participantIds: ['u1', 'u2'] };
    const [conv] = await expectCall(ctx.gateway, api().create(req), { method: 'POST', path: '/api/conversations', body: req });
    expect(conv?.id).to.equal('new-conv');
  });

  it('search(q, limit)', async () => {
    const [found] = await expectCall(ctx.gateway, api().search('team chat', 10), {
      method: 'GET',
      path: '/api/conversations/search',
      query: { q: 'team chat', limit: '10' },
    });
    expect(found?.[0]?.name).to.equal('team chat');
  });

  it('getById(id) encodes the id', async () => {
    const [conv] = await expectCall(ctx.gateway, api().getById('a b'), { method: 'GET', path: '/api/conversations/a%20b' });
    expect(conv?.id).to.equal('a b');
  });

  it('update(id, req)', async () => {
    await expectCall(ctx.gateway, api().update('c1', { name: 'New' }), {
      method: 'PUT',
      path: '/api/conversations/c1',
      body: { name: 'New' },
    });
  });

  it('findOneToOne(otherId) emits the conversation, or null on 204', async () => {
    const [dm] = await expectCall(ctx.gateway, api().findOneToOne('bob'), { method: 'GET', path: '/api/conversations/one-to-one/bob' });
    expect(dm?.id).to.equal('dm-bob');
    const [none] = await expectCall(ctx.gateway, api().findOneToOne('nobody'), {
      method: 'GET',
      path: '/api/conversations/one-to-one/nobody',
    });
    expect(none).to.equal(null);
  });

  it('void calls emit undefined exactly once, then complete', async () => {
    const calls = [
      [api().leave('c1'), 'POST', '/api/conversations/c1/leave', undefined],
      [
        api().addParticipant('c1', { participantId: 'u9', canViewHistory: false }),
        'POST',
        '/api/conversations/c1/participants',
        { participantId: 'u9', canViewHistory: false },
      ],
      [api().removeParticipant('c1', 'u9'), 'DELETE', '/api/conversations/c1/participants/u9', undefined],
      [api().pin('c1'), 'POST', '/api/conversations/c1/pin', undefined],
      [api().unpin('c1'), 'DELETE', '/api/conversations/c1/pin', undefined],
      [api().markAsRead('c1', 'm9'), 'POST', '/api/conversations/c1/read', { messageId: 'm9' }],
      [api().markAsUnread('c1'), 'POST', '/api/conversations/c1/unread', undefined],
    ] as const;
    for (const [call$, method, path, body] of calls) {
      const values = await expectCall(ctx.gateway, call$, { method, path, body });
      expect(values, `${method} ${path}`).to.deep.equal([undefined]);
    }
  });

  it('getParticipants(id)', async () => {
    const [members] = await expectCall(ctx.gateway, api().getParticipants('c1'), {
      method: 'GET',
      path: '/api/conversations/c1/participants',
    });
    expect(members?.map((m) => m.participantId)).to.deep.equal(['alice', 'bob']);
  });

  it('a 401 without refresh reaches the subscriber as a ChatApiError', async () => {
    const error = await errorOf(restFor(ctx.gateway, { token: 'nope' }).conversations.getById('c1'));
    expect(ChatApiError.is(error) && error.status).to.equal(401);
  });
});
