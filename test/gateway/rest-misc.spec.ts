/**
 * REST: participants (upsert, by id, by unique name, batch), the proxy, health, CORS and the
 * answers for unknown routes and methods.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import * as t from 'io-ts';
import { HealthStatus, ParticipantDto, ProxyErrorBody } from '../../src/codecs/index.js';
import { startTestGateway, uniqueName, type TestGateway } from '../support/test-gateway.js';
import { TIMESPAN_FORMAT, api, expectOk, expectProblem, newUser, type TestUser } from './gateway-helpers.js';

describe('gateway REST: participants', () => {
  let gw: TestGateway;
  let alice: TestUser;
  before(async () => {
    gw = await startTestGateway({ bot: false });
    alice = await newUser(gw, 'alice');
  });
  after(async () => gw.close());

  it('upsert creates (200) and then updates by id, keeping createdAt', async () => {
    const id = uniqueName('p');
    const created = expectOk(
      await api(gw, 'POST', '/api/participants', {
        token: alice.token,
        body: { id, uniqueName: `${id}-u`, fullName: 'John Doe', avatar: { url: 'https://img.example/j.jpg' }, gender: 'Male' },
      }),
      200,
      ParticipantDto,
    );
    expect(created).to.deep.include({
      id,
      uniqueName: `${id}-u`,
      fullName: 'John Doe',
      avatar: { storageKey: null, url: 'https://img.example/j.jpg' },
      gender: 'Male',
      isBot: false,
      isOnline: false,
    });
    const updated = expectOk(
      await api(gw, 'POST', '/api/participants', { token: alice.token, body: { id, uniqueName: `${id}-u2`, fullName: 'John Q. Doe' } }),
      200,
      ParticipantDto,
    );
    expect(updated).to.deep.include({
      id,
      uniqueName: `${id}-u2`,
      fullName: 'John Q. Doe',
      avatar: { storageKey: null, url: 'https://img.example/j.jpg' },
      createdAt: created.createdAt,
    });
    expect(Date.parse(updated.updatedAt)).to.be.at.least(Date.parse(created.updatedAt));
    expect(expectOk(await api(gw, 'GET', `/api/participants/${id}`, { token: alice.token }), 200, ParticipantDto)).to.deep.equal(updated);
    expect(
      expectOk(await api(gw, 'GET', `/api/participants/by-unique-name/${id}-u2`, { token: alice.token }), 200, ParticipantDto).id,
    ).to.equal(id);
    expectProblem(await api(gw, 'GET', `/api/participants/by-unique-name/${id}-u`, { token: alice.token }), 404);
  });

  it('upsert: 400 naming missing or empty fields, 409 when the unique name belongs to someone else, 401 without a token', async () => {
    const id = uniqueName('p');
    expectProblem(await api(gw, 'POST', '/api/participants', { token: alice.token, body: { id, uniqueName: id } }), 400, ['fullName']);
    expectProblem(await api(gw, 'POST', '/api/participants', { token: alice.token, body: { id, uniqueName: id, fullName: ' ' } }), 400, [
      'fullName',
    ]);
    expectProblem(await api(gw, 'POST', '/api/participants', { token: alice.token, body: { id: 3, uniqueName: id, fullName: 'x' } }), 400, [
      'id',
    ]);
    expectProblem(
      await api(gw, 'POST', '/api/participants', { token: alice.token, body: { id, uniqueName: alice.id, fullName: 'Impostor' } }),
      409,
    );
    expect((await api(gw, 'POST', '/api/participants', { body: { id, uniqueName: id, fullName: 'x' } })).status).to.equal(401);
    expectProblem(await api(gw, 'GET', `/api/participants/${id}`, { token: alice.token }), 404);
  });

  it('batch returns the known ids in the order asked and skips unknown ones', async () => {
    const [b, c] = [await newUser(gw, 'b'), await newUser(gw, 'c')];
    const found = expectOk(
      await api(gw, 'POST', '/api/participants/batch', { token: alice.token, body: { ids: [c.id, uniqueName('ghost'), b.id, c.id] } }),
      200,
      t.array(ParticipantDto),
    );
    expect(found.map((p) => p.id)).to.deep.equal([c.id, b.id]);
    expect(
      expectOk(await api(gw, 'POST', '/api/participants/batch', { token: alice.token, body: { ids: [] } }), 200, t.array(ParticipantDto)),
    ).to.deep.equal([]);
    expectProblem(await api(gw, 'POST', '/api/participants/batch', { token: alice.token, body: { ids: 'b' } }), 400, ['ids']);
  });

  it('get by id and by unique name: 404 when unknown, 401 without a token', async () => {
    expectProblem(await api(gw, 'GET', `/api/participants/${uniqueName('ghost')}`, { token: alice.token }), 404);
    expectProblem(await api(gw, 'GET', `/api/participants/by-unique-name/${uniqueName('ghost')}`, { token: alice.token }), 404);
    expect((await api(gw, 'GET', `/api/participants/${alice.id}`)).status).to.equal(401);
  });
});

interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

describe('gateway REST: proxy', () => {
  let backend: Server;
  let seen: SeenRequest[];
  let gw: TestGateway;
  let alice: TestUser;

  before(async function () {
    seen = [];
    backend = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        if (req.url?.startsWith('/teapot')) {
          res.writeHead(418, { 'content-type': 'text/plain' });
          res.end('short and stout');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ method: req.method, url: req.url, body }));
      });
    });
    await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
    const backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
    gw = await startTestGateway({ bot: false, proxyBackends: { svc: backendUrl, down: 'http://127.0.0.1:9' } });
    // The backends are the embedded gateway's configuration; an external gateway has its own.
    if (gw.external) this.skip();
    alice = await newUser(gw, 'alice');
  });
  after(async () => {
    await gw.close();
    await new Promise<void>((resolve) => backend.close(() => resolve()));
  });
  beforeEach(() => {
    seen.length = 0;
  });

  it("forwards GET with the path and query, without the caller's Authorization header", async () => {
    const res = await api(gw, 'GET', '/api/proxy/svc/api/stocks/VN30?range=1d&x=%20y', {
      token: alice.token,
      headers: { 'x-custom-header': 'value' },
    });
    expect(res.status).to.equal(200);
    expect(res.json).to.deep.equal({ method: 'GET', url: '/api/stocks/VN30?range=1d&x=%20y', body: '' });
    expect(seen).to.have.length(1);
    const [request] = seen;
    expect(request?.headers.authorization).to.equal(undefined);
    expect(request?.headers['x-custom-header']).to.equal('value');
    expect(request?.headers['x-chat-user-id']).to.equal(alice.id);
  });

  it('forwards POST with its body and content type', async () => {
    const res = await api(gw, 'POST', '/api/proxy/svc/api/orders', { token: alice.token, body: { symbol: 'VNM', quantity: 100 } });
    expect(res.status).to.equal(200);
    expect(res.json).to.deep.equal({ method: 'POST', url: '/api/orders', body: '{"symbol":"VNM","quantity":100}' });
    expect(seen[0]?.headers['content-type']).to.equal('application/json');
    expect(seen[0]?.headers.authorization).to.equal(undefined);
  });

  it("forwards DELETE and passes the backend's status and body through", async () => {
    const deleted = await api(gw, 'DELETE', '/api/proxy/svc/api/resource/123', { token: alice.token });
    expect([deleted.status, deleted.json]).to.deep.equal([200, { method: 'DELETE', url: '/api/resource/123', body: '' }]);
    const teapot = await api(gw, 'GET', '/api/proxy/svc/teapot', { token: alice.token });
    expect([teapot.status, teapot.text, teapot.headers.get('content-type')]).to.deep.equal([418, 'short and stout', 'text/plain']);
  });

  it('an unknown service is a 404 with a bare { detail }; an unreachable one a 502 { detail }', async () => {
    const unknown = await api(gw, 'GET', '/api/proxy/nope/anything', { token: alice.token });
    expect(unknown.status).to.equal(404);
    expect(Object.keys(unknown.json as object)).to.deep.equal(['detail']);
    expect(ProxyErrorBody.is(unknown.json)).to.equal(true);
    const down = await api(gw, 'GET', '/api/proxy/down/anything', { token: alice.token });
    expect(down.status).to.equal(502);
    expect(Object.keys(down.json as object)).to.deep.equal(['detail']);
    expect(seen).to.deep.equal([]);
  });

  it('needs a token (401) and never reaches the backend without one', async () => {
    expect((await api(gw, 'GET', '/api/proxy/svc/api/stocks')).status).to.equal(401);
    expect(seen).to.deep.equal([]);
  });
});

describe('gateway REST: health, CORS and unknown routes', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway({ bot: false });
  });
  after(async () => gw.close());

  it('GET /health/live answers the text "Healthy" without a token', async () => {
    const res = await api(gw, 'GET', '/health/live');
    expect([res.status, res.text]).to.deep.equal([200, 'Healthy']);
    expect(res.headers.get('content-type') ?? '').to.match(/^text\/plain/);
  });

  it('GET /health/ready answers a HealthStatus whose durations are TimeSpan strings', async () => {
    const status = expectOk(await api(gw, 'GET', '/health/ready'), 200, HealthStatus);
    expect(status.status).to.equal('Healthy');
    expect(status.totalDuration).to.match(TIMESPAN_FORMAT);
    const results = Object.values(status.results);
    expect(results.length).to.be.at.least(1);
    for (const result of results) {
      expect(result.status).to.equal('Healthy');
      expect(result.duration).to.match(TIMESPAN_FORMAT);
      expect(result.error).to.equal(null);
    }
  });

  it('answers a CORS preflight by echoing the origin and allowing credentials and the asked headers', async () => {
    const origin = 'https://app.example.com';
    const res = await fetch(`${gw.url}/api/conversations`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,x-requested-with',
      },
    });
    expect(res.status).to.equal(204);
    expect(res.headers.get('access-control-allow-origin')).to.equal(origin);
    expect(res.headers.get('access-control-allow-credentials')).to.equal('true');
    expect(res.headers.get('access-control-allow-methods') ?? '').to.contain('POST');
    expect((res.headers.get('access-control-allow-headers') ?? '').toLowerCase()).to.contain('authorization');

    const hub = await fetch(`${gw.url}/hubs/chat/negotiate?negotiateVersion=1`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,x-signalr-user-agent' },
    });
    expect(hub.status).to.equal(204);
    expect([hub.headers.get('access-control-allow-origin'), hub.headers.get('access-control-allow-credentials')]).to.deep.equal([
      origin,
      'true',
    ]);

    const actual = await api(gw, 'GET', '/health/live', { headers: { origin: 'http://localhost:5173' } });
    expect(actual.headers.get('access-control-allow-origin')).to.equal('http://localhost:5173');
    expect((await api(gw, 'GET', '/health/live')).headers.get('access-control-allow-origin')).to.equal(null);
  });

  it('an unknown route is a 404 and a wrong method a 405, both RFC 7807', async () => {
    const alice = await newUser(gw, 'alice');
    expectProblem(await api(gw, 'GET', '/api/nothing-here', { token: alice.token }), 404);
    expectProblem(await api(gw, 'PATCH', '/api/conversations', { token: alice.token, body: {} }), 405);
    const outside = await api(gw, 'GET', '/not-api');
    expect(outside.status).to.equal(404);
  });
});
