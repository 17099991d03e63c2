import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import * as t from 'io-ts';
import { firstValueFrom, lastValueFrom, merge, of, toArray } from 'rxjs';
import { AuthSession } from '../../src/http/auth-session.js';
import { ChatApiError } from '../../src/http/chat-api-error.js';
import { HttpTransport } from '../../src/http/http-transport.js';
import { InvalidArgumentError } from '../../src/http/invalid-argument-error.js';
import { startTestGateway, type TestGateway } from './fake-gateway.js';
import { within } from '../support/wait.js';
import { all, errorOf, single, sleep, useGateway } from './helpers.js';
import { jwtWithExp } from './samples.js';

const Item = t.type({ id: t.string }, 'Item');

describe('HttpTransport', () => {
  const ctx = useGateway();
  const transport = (session?: AuthSession, timeoutMs = 5000): HttpTransport =>
    new HttpTransport({
      baseUrl: ctx.gateway.url,
      session: session ?? new AuthSession({ baseUrl: ctx.gateway.url, token: 'good-token' }),
      timeoutMs,
    });

  describe('cold-ness', () => {
    it('sends nothing before subscribe and one request per subscription', async () => {
      const http = transport();
      const ping$ = http.request({ method: 'GET', path: '/health/live', auth: false, response: 'text' });
      await sleep(50);
      expect(ctx.gateway.requests).to.have.length(0);
      expect(await single(ping$)).to.equal('Healthy');
      expect(await single(ping$)).to.equal('Healthy');
      expect(ctx.gateway.requestsTo('GET', '/health/live')).to.have.length(2);
    });

    it('reads the token at subscribe time, not when the Observable is created', async () => {
      const session = new AuthSession({ baseUrl: ctx.gateway.url, token: 'stale' });
      const http = transport(session);
      const get$ = http.request({ method: 'GET', path: '/api/conversations/c1', auth: true });
      session.setToken('good-token');
      await single(get$);
      expect(ctx.gateway.requests[0]?.headers.authorization).to.equal('Bearer good-token');
    });
  });

  describe('cancellation', () => {
    it('aborts the request on unsubscribe: the server sees it closed and nothing is emitted', async () => {
      ctx.gateway.hold();
      const seen: string[] = [];
      const subscription = transport()
        .request({ method: 'GET', path: '/api/conversations/c1', auth: true })
        .subscribe({ next: () => seen.push('next'), error: () => seen.push('error'), complete: () => seen.push('complete') });
      await ctx.gateway.waitForRequests(1);
      subscription.unsubscribe();
      const request = ctx.gateway.requests[0]!;
      await request.settled;
      expect(request.aborted).to.equal(true);
      ctx.gateway.release();
      await sleep(30);
      expect(seen).to.deep.equal([]);
    });
  });

  describe('401 and the single-flight refresh', () => {
    it('N concurrent 401s trigger one refreshToken call and all N are retried once with the new token', async () => {
      let calls = 0;
      const n = 5;
      const session = new AuthSession({
        baseUrl: ctx.gateway.url,
        token: 'expired',
        refreshToken: async () => {
          calls++;
          // Answers only once every first attempt reached the server: all N are in flight together.
          await ctx.gateway.waitForRequests(n);
          ctx.gateway.validTokens.add('renewed');
          return 'renewed';
        },
      });
      const http = transport(session);
      const calls$ = Array.from({ length: n }, (_, i) =>
        http.request({ method: 'GET', path: `/api/conversations/c${i}`, auth: true, codec: Item }),
      );
      const results = await lastValueFrom(merge(...calls$).pipe(toArray()));
      expect(results.map((r) => r.id).sort()).to.deep.equal(['c0', 'c1', 'c2', 'c3', 'c4']);
      expect(calls).to.equal(1);
      const auths = ctx.gateway.requests.map((r) => r.headers.authorization);
      expect(auths.filter((a) => a === 'Bearer expired')).to.have.length(n);
      expect(auths.filter((a) => a === 'Bearer renewed')).to.have.length(n);
      expect(session.getToken()).to.equal('renewed');
    });

    it('lets the 401 through as a ChatApiError when the refresh gives up (null)', async () => {
      let calls = 0;
      const session = new AuthSession({ baseUrl: ctx.gateway.url, token: 'expired', refreshToken: () => (calls++, of(null)) });
      const error = await errorOf(transport(session).request({ method: 'GET', path: '/api/conversations/c1', auth: true }));
      expect(ChatApiError.is(error) && error.status).to.equal(401);
      expect((error as ChatApiError).kind).to.equal('http');
      expect(calls).to.equal(1);
      expect(ctx.gateway.requests).to.have.length(1);
    });

    it('retries only once: a refreshed token that is rejected again ends in the 401', async () => {
      let calls = 0;
      const session = new AuthSession({ baseUrl: ctx.gateway.url, token: 'expired', refreshToken: async () => `still-bad-${++calls}` });
      const error = await errorOf(transport(session).request({ method: 'GET', path: '/api/conversations/c1', auth: true }));
      expect((error as ChatApiError).status).to.equal(401);
      expect(calls).to.equal(1);
      expect(ctx.gateway.requests).to.have.length(2);
    });

    it('does not refresh for a request without auth', async () => {
      let calls = 0;
      const session = new AuthSession({ baseUrl: ctx.gateway.url, refreshToken: async () => (calls++, 'x') });
      const error = await errorOf(transport(session).request({ method: 'GET', path: '/api/conversations/c1', auth: false }));
      expect((error as ChatApiError).status).to.equal(401);
      expect(calls).to.equal(0);
      expect(ctx.gateway.requests[0]?.headers.authorization).to.equal(undefined);
    });

    it('refreshes proactively when the token expires within the margin, before sending', async () => {
      const soon = jwtWithExp(Math.floor(Date.now() / 1000) + 5); // 5 s left < 30 s margin
      let calls = 0;
      const session = new AuthSession({
        baseUrl: ctx.gateway.url,
        token: soon,
        refreshToken: async () => (calls++, 'good-token'),
      });
      await single(transport(session).request({ method: 'GET', path: '/api/conversations/c1', auth: true }));
      expect(calls).to.equal(1);
      expect(ctx.gateway.requests).to.have.length(1);
      expect(ctx.gateway.requests[0]?.headers.authorization).to.equal('Bearer good-token');
    });
  });

  describe('origins', () => {
    let foreign: TestGateway;
    beforeEach(async () => {
      foreign = await startTestGateway();
    });
    afterEach(async () => {
      await foreign.close();
    });

    it('never sends the Authorization header to an absolute URL on another origin', async () => {
      const http = transport();
      await single(http.request({ method: 'GET', path: `${foreign.url}/health/live`, auth: true, response: 'text' }));
      expect(foreign.requests).to.have.length(1);
      expect(foreign.requests[0]?.headers.authorization).to.equal(undefined);
      expect(http.isGatewayUrl(`${foreign.url}/x`)).to.equal(false);
    });

    it('sends it to an absolute URL on the gateway origin and to relative paths', async () => {
      const http = transport();
      await single(http.request({ method: 'GET', path: `${ctx.gateway.url}/api/conversations/c1`, auth: true }));
      await single(http.request({ method: 'GET', path: '/api/conversations/c2', auth: true }));
      expect(ctx.gateway.requests.map((r) => r.headers.authorization)).to.deep.equal(['Bearer good-token', 'Bearer good-token']);
    });
  });

  describe('responses and errors', () => {
    it('decodes the body with the codec; a mismatch is a decode ChatApiError with paths', async () => {
      ctx.gateway.override('GET', '/x', () => ({ status: 200, json: { id: 42 } }));
      const error = await errorOf(transport().request({ method: 'GET', path: '/x', auth: false, codec: Item }));
      expect(ChatApiError.is(error)).to.equal(true);
      const e = error as ChatApiError;
      expect(e.kind).to.equal('decode');
      expect(e.status).to.equal(200);
      expect(e.decodeError?.issues.map((i) => i.path)).to.deep.equal(['id']);
    });

    it('a 2xx body that is not JSON is an invalid-response error', async () => {
      ctx.gateway.override('GET', '/x', () => ({ status: 200, text: '<html>login page</html>' }));
      const error = (await errorOf(transport().request({ method: 'GET', path: '/x', auth: false, codec: Item }))) as ChatApiError;
      expect(error.kind).to.equal('invalid-response');
      expect(error.body).to.equal('<html>login page</html>');
    });

    it('turns an RFC 7807 error body into a ChatApiError', async () => {
      const error = (await errorOf(transport().request({ method: 'GET', path: '/api/participants/missing', auth: true }))) as ChatApiError;
      expect(error).to.be.instanceOf(ChatApiError);
      expect([error.kind, error.status, error.title, error.detail, error.message]).to.deep.equal([
        'http',
        404,
        'Not Found',
        'Participant not found',
        'Participant not found',
      ]);
    });

    it("emits void/undefined once for 'void' and the query string is encoded", async () => {
      const values = await all(
        transport().request({ method: 'POST', path: '/api/conversations/c1/pin', query: { a: 'x y', b: undefined, c: 1 }, auth: true, response: 'void' }),
      );
      expect(values).to.deep.equal([undefined]);
      expect(ctx.gateway.requests[0]?.url).to.equal('/api/conversations/c1/pin?a=x+y&c=1');
    });

    it('sends JSON bodies with a JSON content type', async () => {
      await single(transport().request({ method: 'POST', path: '/api/participants/batch', body: { ids: ['a'] }, auth: true }));
      const request = ctx.gateway.requests[0]!;
      expect(request.headers['content-type']).to.match(/^application\/json/);
      expect(request.json()).to.deep.equal({ ids: ['a'] });
    });

    it('a request without a response within timeoutMs fails with kind timeout and status 0, and is aborted', async () => {
      ctx.gateway.hold();
      const failed = errorOf(transport(undefined, 1000).request({ method: 'GET', path: '/health/live', auth: false }));
      // It reached the gateway, which holds it unanswered.
      await within(ctx.gateway.waitForRequests(1), 5000, 'the request at the gateway');
      const error = (await failed) as ChatApiError;
      expect([error.kind, error.status]).to.deep.equal(['timeout', 0]);
      await ctx.gateway.requests[0]!.settled;
      expect(ctx.gateway.requests[0]!.aborted).to.equal(true);
    });

    it('a GET whose connection was reset (a stale keep-alive socket) is sent once more; a POST is not', async () => {
      let gets = 0;
      let posts = 0;
      const server = createServer((req, res) => {
        if (req.method === 'GET') gets += 1;
        else posts += 1;
        // The first request of each kind dies without a response, as on a socket the server closed.
        if ((req.method === 'GET' && gets === 1) || (req.method === 'POST' && posts === 1)) {
          req.socket.destroy();
          return;
        }
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('Healthy');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        const http = new HttpTransport({ baseUrl: url, timeoutMs: 5000 });
        expect(await firstValueFrom(http.request({ method: 'GET', path: '/health/live', auth: false, response: 'text' }))).to.equal('Healthy');
        expect(gets).to.equal(2);
        const error = (await errorOf(http.request({ method: 'POST', path: '/anything', auth: false, response: 'text', body: { a: 1 } }))) as ChatApiError;
        expect([error.kind, posts]).to.deep.equal(['network', 1]);
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });

    it('a refused connection fails with kind network and status 0 (never a fake 500)', async () => {
      const dead = await startTestGateway();
      const url = dead.url;
      await dead.close();
      const http = new HttpTransport({ baseUrl: url, timeoutMs: 5000 });
      const error = (await errorOf(http.request({ method: 'GET', path: '/health/live', auth: false }))) as ChatApiError;
      expect([error.name, error.kind, error.status]).to.deep.equal(['ChatApiError', 'network', 0]);
    });
  });

  it('refuses a session that belongs to another base URL', () => {
    const session = new AuthSession({ baseUrl: 'https://a.example.com' });
    expect(() => new HttpTransport({ baseUrl: 'https://b.example.com', session })).to.throw(InvalidArgumentError);
  });

  it('uses route overrides for a deployment with other paths', async () => {
    const http = new HttpTransport({ baseUrl: ctx.gateway.url, routes: { 'health.live': { method: 'GET', path: '/health/ready' } } });
    expect(http.route('health.live')).to.deep.equal({ method: 'GET', path: '/health/ready' });
    expect(http.route('health.ready')).to.deep.equal({ method: 'GET', path: '/health/ready' });
  });
});
