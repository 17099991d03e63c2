/**
 * REST: bots — list and get are public; create, update, activate, deactivate, regenerate-key and
 * delete need a `role=dev` token (others get 404); the API key is returned once.
 */
import { expect } from 'chai';
import * as t from 'io-ts';
import { BotDto, CreateBotResponse, PagedResult, ParticipantDto, RegenerateKeyResponse } from '../../src/codecs/index.js';
import { startTestGateway, uniqueName, type TestGateway } from '../support/test-gateway.js';
import { ISO_FORMAT, api, expectOk, expectProblem, newUser, plainToken, type TestUser } from './gateway-helpers.js';

const BotPage = PagedResult(BotDto);

describe('gateway REST: bots', () => {
  let gw: TestGateway;
  let dev: TestUser;
  /** A token without the dev role. */
  let plain: string;
  before(async () => {
    gw = await startTestGateway({ bot: false });
    dev = await newUser(gw, 'dev');
    plain = await plainToken(gw, uniqueName('plain'));
  });
  after(async () => gw.close());

  const createBot = async (extra: Record<string, unknown> = {}): Promise<CreateBotResponse> => {
    const uniqueNameOfBot = uniqueName('bot');
    const res = await api(gw, 'POST', '/api/bots', {
      token: dev.token,
      body: { uniqueName: uniqueNameOfBot, fullName: 'Helper Bot', kafkaTopic: `${uniqueNameOfBot}-topic`, ...extra },
    });
    return expectOk(res, 201, CreateBotResponse);
  };

  it('create (201) returns the bot and its API key once; get and list are public and never show the key', async () => {
    const created = await createBot({ description: 'Trợ lý AI', metadata: { tier: 'gold' }, rateLimitPerSecond: 7 });
    expect(created.apiKey).to.be.a('string').with.length.above(20);
    expect(created).to.deep.include({
      kafkaTopic: `${created.participantId}-topic`,
      isActive: true,
      rateLimitPerSecond: 7,
      listenAllGroupMessages: false,
      createdBy: dev.id,
      description: 'Trợ lý AI',
      metadata: { tier: 'gold' },
    });
    expect(created.createdAt).to.match(ISO_FORMAT);

    const res = await api(gw, 'GET', `/api/bots/${created.id}`);
    const got = expectOk(res, 200, BotDto);
    expect(got).not.to.have.property('apiKey');
    const { apiKey: _key, ...withoutKey } = created;
    expect(got).to.deep.equal(withoutKey);
    expect(res.text).not.to.contain(created.apiKey);

    const participant = expectOk(
      await api(gw, 'GET', `/api/participants/${created.participantId}`, { token: dev.token }),
      200,
      ParticipantDto,
    );
    expect([participant.fullName, participant.isBot]).to.deep.equal(['Helper Bot', true]);

    const page = expectOk(await api(gw, 'GET', '/api/bots?page=1&pageSize=100'), 200, BotPage);
    expect(page.items.map((b) => b.id)).to.include(created.id);
    expect(page.items.some((b) => 'apiKey' in b)).to.equal(false);
  });

  it('list pages by page number', async () => {
    await createBot();
    await createBot();
    const all = expectOk(await api(gw, 'GET', '/api/bots?page=1&pageSize=100'), 200, BotPage);
    expect(all.totalCount).to.equal(all.items.length);
    expect(all.totalCount).to.be.at.least(2);
    const first = expectOk(await api(gw, 'GET', '/api/bots?page=1&pageSize=1'), 200, BotPage);
    const second = expectOk(await api(gw, 'GET', '/api/bots?page=2&pageSize=1'), 200, BotPage);
    expect([first.page, first.pageSize, first.totalCount]).to.deep.equal([1, 1, all.totalCount]);
    expect([first.items[0]?.id, second.items[0]?.id]).to.deep.equal([all.items[0]?.id, all.items[1]?.id]);
    const defaults = expectOk(await api(gw, 'GET', '/api/bots'), 200, BotPage);
    expect([defaults.page, defaults.pageSize]).to.deep.equal([1, 20]);
    expectProblem(await api(gw, 'GET', '/api/bots?page=0'), 400, ['page']);
    expectProblem(await api(gw, 'GET', '/api/bots?pageSize=abc'), 400, ['pageSize']);
  });

  it('create: 404 without the dev role, 401 without a token, 409 for a taken unique name, 400 for missing fields', async () => {
    const body = { uniqueName: uniqueName('bot'), fullName: 'X', kafkaTopic: 'x' };
    expectProblem(await api(gw, 'POST', '/api/bots', { token: plain, body }), 404);
    expect((await api(gw, 'POST', '/api/bots', { body })).status).to.equal(401);
    const existing = await createBot();
    expectProblem(await api(gw, 'POST', '/api/bots', { token: dev.token, body: { ...body, uniqueName: existing.participantId } }), 409);
    expectProblem(await api(gw, 'POST', '/api/bots', { token: dev.token, body: { uniqueName: uniqueName('bot'), fullName: 'X' } }), 400, [
      'kafkaTopic',
    ]);
    expectProblem(await api(gw, 'POST', '/api/bots', { token: dev.token, body: { ...body, rateLimitPerSecond: 'fast' } }), 400, [
      'rateLimitPerSecond',
    ]);
    // Nothing was created by the refused requests.
    expectProblem(await api(gw, 'GET', `/api/participants/${body.uniqueName}`, { token: dev.token }), 404);
  });

  it('update (200) changes the bot and its participant but never the kafkaTopic; 404 without the dev role', async () => {
    const created = await createBot();
    expectProblem(await api(gw, 'PUT', `/api/bots/${created.id}`, { token: plain, body: { rateLimitPerSecond: 1 } }), 404);
    const updated = expectOk(
      await api(gw, 'PUT', `/api/bots/${created.id}`, {
        token: dev.token,
        body: { fullName: 'Renamed Bot', rateLimitPerSecond: 10, listenAllGroupMessages: true, kafkaTopic: 'hijacked' },
      }),
      200,
      BotDto,
    );
    expect(updated).to.deep.include({
      id: created.id,
      rateLimitPerSecond: 10,
      listenAllGroupMessages: true,
      kafkaTopic: created.kafkaTopic,
    });
    expect(expectOk(await api(gw, 'GET', `/api/bots/${created.id}`), 200, BotDto)).to.deep.equal(updated);
    const participant = expectOk(
      await api(gw, 'GET', `/api/participants/${created.participantId}`, { token: dev.token }),
      200,
      ParticipantDto,
    );
    expect(participant.fullName).to.equal('Renamed Bot');
    expectProblem(await api(gw, 'PUT', `/api/bots/${created.id}`, { token: dev.token, body: { rateLimitPerSecond: 'x' } }), 400, [
      'rateLimitPerSecond',
    ]);
    expectProblem(await api(gw, 'PUT', '/api/bots/01ARZ3NDEKTSV4RRFFQ69G5FAV', { token: dev.token, body: {} }), 404);
  });

  it('deactivate / activate (204) flip isActive; 404 without the dev role', async () => {
    const created = await createBot();
    expectProblem(await api(gw, 'POST', `/api/bots/${created.id}/deactivate`, { token: plain }), 404);
    expect(expectOk(await api(gw, 'GET', `/api/bots/${created.id}`), 200, BotDto).isActive).to.equal(true);
    expect((await api(gw, 'POST', `/api/bots/${created.id}/deactivate`, { token: dev.token })).status).to.equal(204);
    expect(expectOk(await api(gw, 'GET', `/api/bots/${created.id}`), 200, BotDto).isActive).to.equal(false);
    expectProblem(await api(gw, 'POST', `/api/bots/${created.id}/activate`, { token: plain }), 404);
    expect((await api(gw, 'POST', `/api/bots/${created.id}/activate`, { token: dev.token })).status).to.equal(204);
    expect(expectOk(await api(gw, 'GET', `/api/bots/${created.id}`), 200, BotDto).isActive).to.equal(true);
  });

  it('regenerate-key returns a new key each time; 404 without the dev role', async () => {
    const created = await createBot();
    expectProblem(await api(gw, 'POST', `/api/bots/${created.id}/regenerate-key`, { token: plain }), 404);
    const first = expectOk(
      await api(gw, 'POST', `/api/bots/${created.id}/regenerate-key`, { token: dev.token }),
      200,
      RegenerateKeyResponse,
    );
    const second = expectOk(
      await api(gw, 'POST', `/api/bots/${created.id}/regenerate-key`, { token: dev.token }),
      200,
      RegenerateKeyResponse,
    );
    expect(new Set([created.apiKey, first.apiKey, second.apiKey]).size).to.equal(3);
    expect(Object.keys(first)).to.deep.equal(['apiKey']);
  });

  it('delete (204) is a soft delete: gone from get and list; 404 without the dev role', async () => {
    const created = await createBot();
    expectProblem(await api(gw, 'DELETE', `/api/bots/${created.id}`, { token: plain }), 404);
    expect((await api(gw, 'GET', `/api/bots/${created.id}`)).status).to.equal(200);
    expect((await api(gw, 'DELETE', `/api/bots/${created.id}`, { token: dev.token })).status).to.equal(204);
    expectProblem(await api(gw, 'GET', `/api/bots/${created.id}`), 404);
    const page = expectOk(await api(gw, 'GET', '/api/bots?pageSize=100'), 200, BotPage);
    expect(page.items.map((b) => b.id)).not.to.include(created.id);
    expectProblem(await api(gw, 'DELETE', `/api/bots/${created.id}`, { token: dev.token }), 404);
    expectProblem(await api(gw, 'POST', `/api/bots/${created.id}/regenerate-key`, { token: dev.token }), 404);
  });

  it('get of an unknown bot is a 404', async () => {
    expectProblem(await api(gw, 'GET', '/api/bots/01ARZ3NDEKTSV4RRFFQ69G5FAV'), 404);
    expect(t.type({ status: t.number }).is((await api(gw, 'GET', '/api/bots/nope')).json)).to.equal(true);
  });
});
