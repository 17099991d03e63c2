import { expect } from 'chai';
import { expectCall, restFor, useGateway } from './helpers.js';

describe('BotApi (fake gateway)', () => {
  const ctx = useGateway();
  const api = () => restFor(ctx.gateway).bots;

  it('list({page, pageSize}) is page-based', async () => {
    const [page] = await expectCall(ctx.gateway, api().list({ page: 2, pageSize: 2 }), {
      method: 'GET',
      path: '/api/bots',
      query: { page: '2', pageSize: '2' },
    });
    expect([page?.items.map((b) => b.id), page?.totalCount]).to.deep.equal([['b2', 'b3'], 5]);
  });

  it('create emits CreateBotResponse with the apiKey', async () => {
    const req = { uniqueName: 'my-bot', fullName: 'My Bot', kafkaTopic: 'topic', rateLimitPerSecond: 5 };
    const [created] = await expectCall(ctx.gateway, api().create(req), { method: 'POST', path: '/api/bots', body: req });
    expect([created?.id, created?.apiKey]).to.deep.equal(['b-new', 'secret-key']);
  });

  it('getById, update, activate, deactivate, regenerateKey, delete', async () => {
    await expectCall(ctx.gateway, api().getById('b1'), { method: 'GET', path: '/api/bots/b1' });
    const [updated] = await expectCall(ctx.gateway, api().update('b1', { rateLimitPerSecond: 10 }), {
      method: 'PUT',
      path: '/api/bots/b1',
      body: { rateLimitPerSecond: 10 },
    });
    expect(updated?.rateLimitPerSecond).to.equal(10);
    expect(await expectCall(ctx.gateway, api().activate('b1'), { method: 'POST', path: '/api/bots/b1/activate' })).to.deep.equal([
      undefined,
    ]);
    expect(await expectCall(ctx.gateway, api().deactivate('b1'), { method: 'POST', path: '/api/bots/b1/deactivate' })).to.deep.equal([
      undefined,
    ]);
    expect(await expectCall(ctx.gateway, api().regenerateKey('b1'), { method: 'POST', path: '/api/bots/b1/regenerate-key' })).to.deep.equal(
      [{ apiKey: 'new-key' }],
    );
    expect(await expectCall(ctx.gateway, api().delete('b1'), { method: 'DELETE', path: '/api/bots/b1' })).to.deep.equal([undefined]);
  });
});
