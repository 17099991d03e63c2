/**
 * The client's `bots` and `proxy` groups against the embedded gateway. Bots: a dev login
 * (`role: 'dev'`) lists, reads, creates (the API key shown once), updates, activates,
 * deactivates, regenerates the key and deletes; a token without the dev role gets 404 for every
 * management call. Proxy: `get`, `post` and `request` reach a tiny `node:http` backend with the
 * path, query, body, method and headers forwarded; an unknown service is a `ChatApiError` 404
 * whose bare `{ detail }` body becomes `detail`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import * as t from 'io-ts';
import { Subject, firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import type { BotDto, CreateBotResponse } from '../../../src/codecs/index.js';
import { ArgumentRangeError } from '../../../src/core/invalid-argument-error.js';
import { startTestGateway, uniqueName, type TestGateway } from '../../support/test-gateway.js';
import { waitFor } from '../../support/wait.js';
import { ClientPool, ISO_FORMAT, ULID_FORMAT, expectApiError, requestMark, requestTo, type LoggedIn } from './client-fixtures.js';

describe('REST client against the embedded gateway: bots', function () {
  this.timeout(10_000);
  let gw: TestGateway;
  const pool = new ClientPool(() => gw);
  let dev: LoggedIn;

  before(async () => {
    gw = await startTestGateway({ bot: false });
    dev = await pool.login('dev');
  });
  after(async () => {
    await pool.closeAll();
    await gw.close();
  });

  const createBot = (overrides: Partial<{ description: string; rateLimitPerSecond: number }> = {}): Promise<CreateBotResponse> => {
    const name = uniqueName('bot');
    return firstValueFrom(dev.client.bots.create({ uniqueName: name, fullName: `Bot ${name}`, kafkaTopic: `topic-${name}`, ...overrides }));
  };

  it('a dev login has role "dev"', () => {
    expect(dev.user.role).to.equal('dev');
    expect(dev.client.currentUser?.role).to.equal('dev');
  });

  it('create emits the bot and its API key once; getById has no key; the bot is a participant', async () => {
    const name = uniqueName('support-bot');
    const created = await firstValueFrom(
      dev.client.bots.create({
        uniqueName: name,
        fullName: 'Support Bot',
        kafkaTopic: 'support',
        description: 'answers',
        rateLimitPerSecond: 7,
        listenAllGroupMessages: true,
        metadata: { team: 'cs' },
      }),
    );
    expect(created.id).to.match(ULID_FORMAT);
    expect(created).to.deep.include({
      participantId: name,
      kafkaTopic: 'support',
      isActive: true,
      rateLimitPerSecond: 7,
      listenAllGroupMessages: true,
      description: 'answers',
      createdBy: dev.user.id,
    });
    expect(created.metadata).to.deep.equal({ team: 'cs' });
    expect(created.apiKey)
      .to.be.a('string')
      .and.match(/^bot_[\w-]{20,}$/);
    expect(created.createdAt).to.match(ISO_FORMAT);

    const fetched = await firstValueFrom(dev.client.bots.getById(created.id));
    expect(fetched).to.not.have.property('apiKey');
    const { apiKey: _key, ...withoutKey } = created;
    expect(fetched).to.deep.equal(withoutKey);

    const participant = await firstValueFrom(dev.client.participants.getById(name));
    expect(participant).to.deep.include({ fullName: 'Support Bot', isBot: true });

    const taken = await expectApiError(dev.client.bots.create({ uniqueName: name, fullName: 'Again', kafkaTopic: 'x' }), 409);
    expect(taken.detail).to.equal(`The unique name '${name}' is already taken.`);
  });

  it('list (page-based) and listAll over every page; take(n) stops fetching', async () => {
    const mine = [await createBot(), await createBot(), await createBot()];
    const page = await firstValueFrom(dev.client.bots.list({ page: 1, pageSize: 100 }));
    expect(page).to.deep.include({ page: 1, pageSize: 100 });
    expect(page.totalCount).to.equal(page.items.length);
    expect(page.items.map((b) => b.id)).to.include.members(mine.map((b) => b.id));
    expect(page.items.every((b) => !('apiKey' in b))).to.equal(true);

    const second = await firstValueFrom(dev.client.bots.list({ page: 2, pageSize: 1 }));
    expect(second).to.deep.include({ page: 2, pageSize: 1, totalCount: page.totalCount });
    expect(second.items.map((b) => b.id)).to.deep.equal([page.items[1]?.id]);

    const all = await lastValueFrom(dev.client.bots.listAll({ pageSize: 2 }).pipe(toArray()));
    expect(all.map((b) => b.id)).to.deep.equal(page.items.map((b) => b.id));

    const mark = await requestMark(gw);
    const two = await lastValueFrom(dev.client.bots.listAll({ pageSize: 1 }).pipe(take(2), toArray()));
    expect(two.map((b) => b.id)).to.deep.equal(page.items.slice(0, 2).map((b) => b.id));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(await mark.since(requestTo('GET', '/api/bots'))).to.have.length(2);

    // A page below 1 never leaves the client; a page size the gateway refuses is its 400.
    expect(() => dev.client.bots.list({ page: 0 })).to.throw(ArgumentRangeError);
    const tooBig = await expectApiError(dev.client.bots.list({ pageSize: 101 }), 400);
    expect(tooBig.detail).to.equal('The pageSize must be between 1 and 100.');
  });

  it('listPages: every page in order; with loadMore$ the first page, then one per signal', async () => {
    await Promise.all([createBot(), createBot(), createBot()]);
    const everything = await firstValueFrom(dev.client.bots.list({ pageSize: 100 }));
    const expected = everything.items.map((b) => b.id);
    const pages = await lastValueFrom(dev.client.bots.listPages({ pageSize: 2 }).pipe(toArray()));
    expect(pages.map((p) => p.page)).to.deep.equal(pages.map((_, i) => i + 1));
    expect(pages).to.have.length(Math.ceil(everything.totalCount / 2));
    expect(pages.flatMap((p) => p.items.map((b) => b.id))).to.deep.equal(expected);

    const loadMore$ = new Subject<void>();
    const seen: number[] = [];
    const mark = await requestMark(gw);
    const subscription = dev.client.bots.listPages({ pageSize: 1, page: 2 }, { loadMore$ }).subscribe((p) => seen.push(p.page));
    try {
      await waitFor(() => seen.length === 1, 2000, 'the first bot page');
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(seen).to.deep.equal([2]);
      expect(await mark.since(requestTo('GET', '/api/bots'))).to.have.length(1);
      loadMore$.next();
      await waitFor(() => seen.length === 2, 2000, 'the next bot page');
      expect(seen).to.deep.equal([2, 3]);
    } finally {
      subscription.unsubscribe();
    }
  });

  it('update changes the bot (and its participant name), not its kafkaTopic', async () => {
    const bot = await createBot({ description: 'old', rateLimitPerSecond: 5 });
    const updated = await firstValueFrom(
      dev.client.bots.update(bot.id, { description: 'new', rateLimitPerSecond: 9, fullName: 'Renamed Bot', listenAllGroupMessages: true }),
    );
    expect(updated).to.deep.include({
      id: bot.id,
      description: 'new',
      rateLimitPerSecond: 9,
      listenAllGroupMessages: true,
      kafkaTopic: bot.kafkaTopic,
    });
    expect(updated).to.not.have.property('apiKey');
    expect(Date.parse(updated.updatedAt)).to.be.at.least(Date.parse(bot.updatedAt));
    expect((await firstValueFrom(dev.client.bots.getById(bot.id))).description).to.equal('new');
    expect((await firstValueFrom(dev.client.participants.getById(bot.participantId))).fullName).to.equal('Renamed Bot');
  });

  it('deactivate and activate toggle isActive', async () => {
    const bot = await createBot();
    expect(await firstValueFrom(dev.client.bots.deactivate(bot.id))).to.equal(undefined);
    expect((await firstValueFrom(dev.client.bots.getById(bot.id))).isActive).to.equal(false);
    expect(await firstValueFrom(dev.client.bots.activate(bot.id))).to.equal(undefined);
    expect((await firstValueFrom(dev.client.bots.getById(bot.id))).isActive).to.equal(true);
  });

  it('regenerateKey emits a new key, different from the one at creation', async () => {
    const bot = await createBot();
    const first = await firstValueFrom(dev.client.bots.regenerateKey(bot.id));
    const second = await firstValueFrom(dev.client.bots.regenerateKey(bot.id));
    expect(first.apiKey).to.match(/^bot_[\w-]{20,}$/);
    expect(new Set([bot.apiKey, first.apiKey, second.apiKey]).size).to.equal(3);
  });

  it('delete removes the bot: getById is then a 404 and list no longer has it', async () => {
    const bot = await createBot();
    expect(await firstValueFrom(dev.client.bots.delete(bot.id))).to.equal(undefined);
    const error = await expectApiError(dev.client.bots.getById(bot.id), 404);
    expect(error.detail).to.equal(`Bot '${bot.id}' was not found.`);
    const all: BotDto[] = await lastValueFrom(dev.client.bots.listAll({ pageSize: 100 }).pipe(toArray()));
    expect(all.map((b) => b.id)).to.not.include(bot.id);
    await expectApiError(dev.client.bots.delete(bot.id), 404);
  });

  it('a token without the dev role gets 404 for every management call (reading still works)', async function () {
    if (gw.external) this.skip(); // issues a token through the embedded gateway
    const bot = await createBot();
    const userId = uniqueName('plain-user');
    const plain = pool.create({ token: gw.embedded?.issueToken(userId) ?? '' });
    expect((await firstValueFrom(plain.participants.getById(userId))).id).to.equal(userId); // the token itself is valid
    const bots = plain.bots;
    for (const [name, call$] of [
      ['create', bots.create({ uniqueName: uniqueName('nope'), fullName: 'Nope', kafkaTopic: 'nope' })],
      ['update', bots.update(bot.id, { description: 'hijacked' })],
      ['activate', bots.activate(bot.id)],
      ['deactivate', bots.deactivate(bot.id)],
      ['regenerateKey', bots.regenerateKey(bot.id)],
      ['delete', bots.delete(bot.id)],
    ] as const) {
      const error = await expectApiError(call$, 404);
      expect(error.title, name).to.equal('Not Found');
    }
    const unchanged = await firstValueFrom(bots.getById(bot.id));
    const { apiKey: _key, ...withoutKey } = bot;
    expect(unchanged).to.deep.equal(withoutKey);
    expect((await firstValueFrom(bots.list({ pageSize: 100 }))).items.map((b) => b.id)).to.include(bot.id);
  });
});

/** What the test backend saw and answers with. */
interface Echo {
  method: string;
  url: string;
  contentType: string | null;
  custom: string | null;
  userId: string | null;
  authorization: string | null;
  body: string;
}

describe('REST client against the embedded gateway: proxy', function () {
  this.timeout(10_000);
  let backend: Server;
  let gw: TestGateway;
  const pool = new ClientPool(() => gw);
  let user: LoggedIn;

  before(async function () {
    backend = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const header = (name: string): string | null => {
          const value = req.headers[name];
          return typeof value === 'string' ? value : null;
        };
        if (req.url?.startsWith('/fail')) {
          res.writeHead(422, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ detail: 'The order is not valid.' }));
          return;
        }
        const echo: Echo = {
          method: req.method ?? '',
          url: req.url ?? '',
          contentType: header('content-type'),
          custom: header('x-custom'),
          userId: header('x-chat-user-id'),
          authorization: header('authorization'),
          body: Buffer.concat(chunks).toString('utf8'),
        };
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(echo));
      });
    });
    await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
    gw = await startTestGateway({ bot: false, proxyBackends: { svc: `http://127.0.0.1:${(backend.address() as AddressInfo).port}` } });
    if (gw.external) this.skip(); // needs the embedded-only proxyBackends option
    user = await pool.login('proxy-user');
  });
  after(async () => {
    await pool.closeAll();
    await gw?.close();
    backend.closeAllConnections();
    await new Promise<void>((resolve) => backend.close(() => resolve()));
  });

  it('get forwards the path (segments encoded, "/" kept) and the query; the backend sees the user, not the token', async () => {
    const echo = (await firstValueFrom(user.client.proxy.get('svc', 'api/stocks/VN 30', { query: { q: 'a&b', page: 2 } }))) as Echo;
    expect(echo.method).to.equal('GET');
    expect(echo.url).to.equal('/api/stocks/VN%2030?q=a%26b&page=2');
    expect(echo.userId).to.equal(user.user.id);
    expect(echo.authorization).to.equal(null);
    expect(echo.body).to.equal('');
  });

  it('post sends a JSON body; a codec decodes the answer', async () => {
    const EchoCodec = t.type({ method: t.string, url: t.string, contentType: t.string, body: t.string });
    const echo = await firstValueFrom(user.client.proxy.post('svc', 'api/orders', { symbol: 'VNM', quantity: 100 }, { codec: EchoCodec }));
    expect(echo.method).to.equal('POST');
    expect(echo.url).to.equal('/api/orders');
    expect(echo.contentType).to.match(/^application\/json/);
    expect(JSON.parse(echo.body)).to.deep.equal({ symbol: 'VNM', quantity: 100 });
  });

  it('request forwards any method with extra headers and a body', async () => {
    const deleted = (await firstValueFrom(
      user.client.proxy.request('svc', 'api/resource/123', { method: 'DELETE', headers: { 'X-Custom': 'v1' } }),
    )) as Echo;
    expect([deleted.method, deleted.url, deleted.custom]).to.deep.equal(['DELETE', '/api/resource/123', 'v1']);
    const put = (await firstValueFrom(
      user.client.proxy.request('svc', 'api/resource/123', { method: 'PUT', body: { name: 'x' }, query: { dry: true } }),
    )) as Echo;
    expect([put.method, put.url, JSON.parse(put.body)]).to.deep.equal(['PUT', '/api/resource/123?dry=true', { name: 'x' }]);
    const text = await firstValueFrom(user.client.proxy.request('svc', 'plain', { response: 'text' }));
    expect(text).to.be.a('string');
    expect((JSON.parse(text as string) as Echo).url).to.equal('/plain');
  });

  it('an unknown service is a ChatApiError 404 with the bare { detail } as detail', async () => {
    const mark = await requestMark(gw);
    const error = await expectApiError(user.client.proxy.get('nope', 'anything'), 404);
    expect({ title: error.title, detail: error.detail, message: error.message }).to.deep.equal({
      title: 'Not Found',
      detail: "Unknown service 'nope'.",
      message: "Unknown service 'nope'.",
    });
    expect(error.body).to.deep.equal({ detail: "Unknown service 'nope'." });
    expect(await mark.since(requestTo('GET', '/api/proxy/nope/anything'))).to.have.length(1);
  });

  it("a backend's error status and { detail } reach the caller", async () => {
    const error = await expectApiError(user.client.proxy.post('svc', 'fail/order', { symbol: 'X' }), 422);
    expect(error.detail).to.equal('The order is not valid.');
  });
});
