import { expect } from 'chai';
import { ChatApiError } from '../../src/http/chat-api-error.js';
import { errorOf, expectCall, restFor, useGateway } from './helpers.js';

describe('ParticipantApi (fake gateway)', () => {
  const ctx = useGateway();
  const api = () => restFor(ctx.gateway).participants;

  it('createOrUpdate(req)', async () => {
    const req = { id: 'u1', uniqueName: 'john', fullName: 'John', avatar: { url: 'https://x/a.jpg' } };
    const [p] = await expectCall(ctx.gateway, api().createOrUpdate(req), { method: 'POST', path: '/api/participants', body: req });
    expect(p?.id).to.equal('u1');
  });

  it('getById(id) and getByUniqueName(name)', async () => {
    await expectCall(ctx.gateway, api().getById('u1'), { method: 'GET', path: '/api/participants/u1' });
    const [p] = await expectCall(ctx.gateway, api().getByUniqueName('john doe'), {
      method: 'GET',
      path: '/api/participants/by-unique-name/john%20doe',
    });
    expect(p?.uniqueName).to.equal('john doe');
  });

  it('getBatch(ids) posts {ids}; unknown ids are skipped', async () => {
    const [list] = await expectCall(ctx.gateway, api().getBatch(['a', 'missing', 'b']), {
      method: 'POST',
      path: '/api/participants/batch',
      body: { ids: ['a', 'missing', 'b'] },
    });
    expect(list?.map((p) => p.id)).to.deep.equal(['a', 'b']);
  });

  it('a 404 is a ChatApiError with the ProblemDetails', async () => {
    const error = await errorOf(api().getById('missing'));
    expect(ChatApiError.is(error) && [error.kind, error.status, error.detail]).to.deep.equal(['http', 404, 'Participant not found']);
  });
});
