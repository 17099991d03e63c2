import { expect } from 'chai';
import { ChatApiError } from '../../src/http/chat-api-error.js';
import { errorOf, expectCall, restFor, useGateway } from './helpers.js';
import { textBlock } from './samples.js';

describe('MessageApi (fake gateway)', () => {
  const ctx = useGateway();
  const api = () => restFor(ctx.gateway).messages;

  it('send(convId, req) posts the request and emits the created MessageDto', async () => {
    const req = { blocks: [textBlock], clientMessageId: 'local-1' };
    const [message] = await expectCall(ctx.gateway, api().send('conv-1', req), {
      method: 'POST',
      path: '/api/conversations/conv-1/messages',
      body: req,
    });
    expect([message?.id, message?.conversationId, message?.clientMessageId]).to.deep.equal(['m-new', 'conv-1', 'local-1']);
  });

  it('getHistory(convId, {limit, cursor, direction})', async () => {
    const [page] = await expectCall(ctx.gateway, api().getHistory('conv-1', { limit: 3, cursor: '1743004200000_3', direction: 'older' }), {
      method: 'GET',
      path: '/api/conversations/conv-1/messages',
      query: { limit: '3', cursor: '1743004200000_3', direction: 'older' },
    });
    expect(page?.items.map((m) => m.id)).to.deep.equal(['m3', 'm4', 'm5']);
  });

  it('search(convId, q, limit)', async () => {
    await expectCall(ctx.gateway, api().search('conv-1', 'invoice', 20), {
      method: 'GET',
      path: '/api/conversations/conv-1/messages/search',
      query: { q: 'invoice', limit: '20' },
    });
  });

  it('getById, edit({blocks, mentions}), delete → {messageId, deletedAt}, recover', async () => {
    await expectCall(ctx.gateway, api().getById('m1'), { method: 'GET', path: '/api/messages/m1' });
    const edit = { blocks: [textBlock], mentions: [] };
    const [edited] = await expectCall(ctx.gateway, api().edit('m1', edit), { method: 'PUT', path: '/api/messages/m1', body: edit });
    expect(edited?.isEdited).to.equal(true);
    const deleted = await expectCall(ctx.gateway, api().delete('m1'), { method: 'DELETE', path: '/api/messages/m1' });
    expect(deleted).to.deep.equal([{ messageId: 'm1', deletedAt: '2025-03-26T15:30:00Z' }]);
    expect(await expectCall(ctx.gateway, api().recover('m1'), { method: 'POST', path: '/api/messages/m1/recover' })).to.deep.equal([
      undefined,
    ]);
  });

  it('addReaction / removeReaction URL-encode the emoji; a second add is a 409 ChatApiError', async () => {
    const path = '/api/messages/m1/reactions/%F0%9F%91%8D%F0%9F%8F%BD';
    expect(await expectCall(ctx.gateway, api().addReaction('m1', '👍🏽'), { method: 'POST', path })).to.deep.equal([undefined]);
    const error = await errorOf(api().addReaction('m1', '👍🏽'));
    expect(ChatApiError.is(error) && [error.status, error.detail]).to.deep.equal([409, 'Already reacted with this emoji']);
    expect(await expectCall(ctx.gateway, api().removeReaction('m1', '👍🏽'), { method: 'DELETE', path })).to.deep.equal([undefined]);
  });

  it('an emoji that contains "/" or "?" stays one path segment', async () => {
    await expectCall(ctx.gateway, api().addReaction('m1', ':a/b?'), { method: 'POST', path: '/api/messages/m1/reactions/%3Aa%2Fb%3F' });
  });
});
