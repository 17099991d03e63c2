import { Agent, createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import * as t from 'io-ts';
import { asyncScheduler, firstValueFrom, lastValueFrom, map, merge, of, toArray, type Observable, type SchedulerLike } from 'rxjs';
import { AuthSession } from '../../src/http/auth-session.js';
import { ChatApiError } from '../../src/http/chat-api-error.js';
import { HttpTransport } from '../../src/http/http-transport.js';
import { InvalidArgumentError } from '../../src/core/invalid-argument-error.js';
import { startTestGateway, type TestGateway } from './fake-gateway.js';
import { within } from '../support/wait.js';
import { all, errorOf, single, sleep, useGateway } from './helpers.js';
import { jwtWithExp } from './samples.js';
import { collectGarbage } from './gc.js';

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
        transport().request({
          method: 'POST',
          path: '/api/conversations/c1/pin',
          query: { a: 'x y', b: undefined, c: 1 },
          auth: true,
          response: 'void',
        }),
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

    it('a GET whose connection was reset is sent once more; a POST on a fresh connection that was reset is not', async () => {
      let gets = 0;
      let posts = 0;
      const server = createServer((req, res) => {
        if (req.method === 'GET') gets += 1;
        else posts += 1;
        // The first request of each kind dies without a response.
        if ((req.method === 'GET' && gets === 1) || (req.method === 'POST' && posts === 1)) {
          req.socket.destroy();
          return;
        }
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('Healthy');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      // No keep-alive: every request on a new connection, so a reset POST may have been processed.
      const agent = new Agent({ keepAlive: false });
      try {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        const http = new HttpTransport({ baseUrl: url, timeoutMs: 5000, axiosDefaults: { httpAgent: agent } });
        expect(await firstValueFrom(http.request({ method: 'GET', path: '/health/live', auth: false, response: 'text' }))).to.equal(
          'Healthy',
        );
        expect(gets).to.equal(2);
        const error = (await errorOf(
          http.request({ method: 'POST', path: '/anything', auth: false, response: 'text', body: { a: 1 } }),
        )) as ChatApiError;
        expect([error.kind, posts]).to.deep.equal(['network', 1]);
      } finally {
        agent.destroy();
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

  describe('issue 16: stale sockets, refresh bursts, size limits, Retry-After, retention', () => {
    /** A local HTTP server (not the fake gateway) for what the gateway cannot be made to do. */
    async function serve(
      handler: Parameters<typeof createServer>[1],
    ): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
      const server = createServer(handler);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        server,
        close: () => new Promise<void>((resolve) => server.close(() => resolve())),
      };
    }

    /** Resolves once `agent` holds an idle keep-alive socket (the previous response is fully read). */
    async function idleSocketIn(agent: Agent): Promise<void> {
      await within(
        (async () => {
          while (Object.values(agent.freeSockets).flat().length === 0) await sleep(2);
        })(),
        2000,
        'an idle keep-alive socket in the agent',
      );
    }

    /**
     * A server that closes every kept-alive connection when the next request arrives on it, before
     * answering anything — what a client meets after a gateway restart or an idle timeout race.
     */
    async function closingReusedSockets(
      answer: (res: import('node:http').ServerResponse) => void = (res) => {
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end('{"id":"m1"}');
      },
    ) {
      const seen: Array<{ method: string; onSocket: number; key: string | undefined }> = [];
      const perSocket = new WeakMap<object, number>();
      const server = await serve((req, res) => {
        const onSocket = (perSocket.get(req.socket) ?? 0) + 1;
        perSocket.set(req.socket, onSocket);
        seen.push({ method: req.method ?? '', onSocket, key: req.headers['idempotency-key'] as string | undefined });
        if (onSocket > 1) {
          req.socket.destroy();
          return;
        }
        req.resume();
        req.on('end', () => answer(res));
      });
      return { ...server, seen };
    }

    it('#3 a POST that failed on a reused keep-alive socket before any response byte is sent once more, with the same Idempotency-Key', async () => {
      const server = await closingReusedSockets();
      const agent = new Agent({ keepAlive: true });
      try {
        const http = new HttpTransport({ baseUrl: server.url, timeoutMs: 5000, axiosDefaults: { httpAgent: agent } });
        const send = (clientMessageId: string) =>
          http.request({
            method: 'POST',
            path: '/api/conversations/c1/messages',
            auth: false,
            codec: Item,
            body: { blocks: [], clientMessageId },
          });
        expect(await single(send('cm-1'))).to.deep.equal({ id: 'm1' });
        await idleSocketIn(agent);
        // The first send after the server closed the kept-alive socket ("socket hang up").
        expect(await single(send('cm-2'))).to.deep.equal({ id: 'm1' });
        expect(server.seen).to.deep.equal([
          { method: 'POST', onSocket: 1, key: 'cm-1' },
          { method: 'POST', onSocket: 2, key: 'cm-2' }, // closed unanswered: the server never processed it
          { method: 'POST', onSocket: 1, key: 'cm-2' }, // sent once more, on a new connection
        ]);
      } finally {
        agent.destroy();
        await server.close();
      }
    });

    it('#3 every method is sent once more after a stale keep-alive socket; only once, and never once a response began', async () => {
      // Through follow-redirects (axios's default transport) and Node's own http (maxRedirects: 0).
      const cases = [
        ...(['PUT', 'PATCH', 'DELETE', 'GET'] as const).map((method) => ({ method, maxRedirects: 21 })),
        { method: 'POST' as const, maxRedirects: 0 },
      ];
      for (const { method, maxRedirects } of cases) {
        const server = await closingReusedSockets();
        const agent = new Agent({ keepAlive: true });
        try {
          const http = new HttpTransport({ baseUrl: server.url, timeoutMs: 5000, axiosDefaults: { httpAgent: agent, maxRedirects } });
          await single(http.request({ method, path: '/x', auth: false, response: 'void' }));
          await idleSocketIn(agent);
          await single(http.request({ method, path: '/x', auth: false, response: 'void' }));
          expect(
            server.seen.map((r) => r.onSocket),
            `${method}, maxRedirects ${maxRedirects}`,
          ).to.deep.equal([1, 2, 1]);
        } finally {
          agent.destroy();
          await server.close();
        }
      }
      // A response that had begun (status line and part of the body) is never sent again.
      let requests = 0;
      const partial = await serve((req, res) => {
        requests += 1;
        req.resume();
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        if (requests === 1) res.end(`"${'x'.repeat(998)}"`);
        else res.write('"xx', () => res.socket?.destroy());
      });
      const agent = new Agent({ keepAlive: true });
      try {
        const http = new HttpTransport({ baseUrl: partial.url, timeoutMs: 5000, axiosDefaults: { httpAgent: agent } });
        await single(http.request({ method: 'POST', path: '/x', auth: false, body: { a: 1 } }));
        await idleSocketIn(agent);
        const error = await errorOf(http.request({ method: 'POST', path: '/x', auth: false, body: { a: 1 } }));
        expect(ChatApiError.is(error)).to.equal(true);
        expect(requests, 'the POST whose response had begun was not sent again').to.equal(2);
      } finally {
        agent.destroy();
        await partial.close();
      }
    });

    it("#3 sends a JSON body's string clientMessageId as Idempotency-Key; the request's own header wins; idempotencyKeyHeader: null sends none", async () => {
      ctx.gateway.override('POST', '/echo', () => ({ status: 200, json: {} }));
      const post = (http: HttpTransport, body: unknown, headers?: Record<string, string>) =>
        single(http.request({ method: 'POST', path: '/echo', auth: true, body, ...(headers !== undefined ? { headers } : {}) }));
      const http = transport();
      await post(http, { blocks: [], clientMessageId: 'a1b2-c3' });
      await post(http, { ids: ['a'] });
      await post(http, { clientMessageId: 42 });
      await post(http, { clientMessageId: 'bad\nvalue' });
      await post(http, { clientMessageId: 'mine' }, { 'idempotency-key': 'given' });
      await post(
        new HttpTransport({
          baseUrl: ctx.gateway.url,
          session: new AuthSession({ baseUrl: ctx.gateway.url, token: 'good-token' }),
          idempotencyKeyHeader: null,
        }),
        { clientMessageId: 'x' },
      );
      await post(
        new HttpTransport({
          baseUrl: ctx.gateway.url,
          session: new AuthSession({ baseUrl: ctx.gateway.url, token: 'good-token' }),
          idempotencyKeyHeader: 'X-Request-Id',
        }),
        { clientMessageId: 'y' },
      );
      const keys = (headers: IncomingHttpHeaders) => [headers['idempotency-key'], headers['x-request-id']];
      expect(ctx.gateway.requests.map((r) => keys(r.headers))).to.deep.equal([
        ['a1b2-c3', undefined],
        [undefined, undefined],
        [undefined, undefined],
        [undefined, undefined],
        ['given', undefined],
        [undefined, undefined],
        [undefined, 'y'],
      ]);
    });

    it('#7 twenty concurrent 401s share one refreshToken that rejects at once; a later, separate 401 tries again', async () => {
      let calls = 0;
      const down = new Error('auth server down');
      const session = new AuthSession({ baseUrl: ctx.gateway.url, token: 'expired', refreshToken: () => (calls++, Promise.reject(down)) });
      const http = transport(session);
      const n = 20;
      // All twenty are at the gateway before any 401 comes back.
      ctx.gateway.hold();
      const failures = Promise.all(
        Array.from({ length: n }, (_, i) => errorOf(http.request({ method: 'GET', path: `/api/conversations/c${i}`, auth: true }))),
      );
      await within(ctx.gateway.waitForRequests(n), 5000, `${n} requests at the gateway`);
      ctx.gateway.release();
      const errors = (await failures) as ChatApiError[];
      expect(calls, 'one refreshToken call for the burst').to.equal(1);
      expect(errors.map((e) => [e.kind, e.status, e.cause === down])).to.deep.equal(Array.from({ length: n }, () => ['http', 401, true]));
      expect(ctx.gateway.requests).to.have.length(n);
      const later = (await errorOf(http.request({ method: 'GET', path: '/api/conversations/c1', auth: true }))) as ChatApiError;
      expect([later.status, calls]).to.deep.equal([401, 2]);
    });

    it('#9 a body over maxResponseBytes is not read: invalid-response with its status, and no body kept', async () => {
      ctx.gateway.override('GET', '/big', () => ({ status: 200, text: 'a'.repeat(10_240) }));
      const http = new HttpTransport({ baseUrl: ctx.gateway.url, timeoutMs: 5000, maxResponseBytes: 1024 });
      const error = (await errorOf(http.request({ method: 'GET', path: '/big', auth: false, response: 'text' }))) as ChatApiError;
      expect([error.kind, error.status, error.title, error.body]).to.deep.equal(['invalid-response', 200, 'Response too large', undefined]);
      expect(() => new HttpTransport({ baseUrl: ctx.gateway.url, maxResponseBytes: 0 })).to.throw(InvalidArgumentError, /maxResponseBytes/);
    });

    it('#9 by default a body over 64 MiB is abandoned while it streams in (invalid-response), not held', async () => {
      const chunk = Buffer.alloc(1024 * 1024, 'a');
      // 80 MiB: past the 64 MiB default by more than what socket buffers hold.
      const total = 80 * chunk.length;
      let finished = false;
      const server = await serve((req, res) => {
        req.resume();
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(total) });
        let sent = 0;
        const pump = (): void => {
          while (sent < total && !res.destroyed) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          if (sent >= total && !res.destroyed) res.end(() => (finished = true));
        };
        pump();
      });
      try {
        const http = new HttpTransport({ baseUrl: server.url, timeoutMs: 15_000 });
        const error = (await errorOf(http.request({ method: 'GET', path: '/huge', auth: false, response: 'text' }))) as ChatApiError;
        expect([error.kind, error.status, error.title]).to.deep.equal(['invalid-response', 200, 'Response too large']);
        expect(error.detail).to.match(/67108864/);
        expect(finished, 'the client stopped reading before the server sent it all').to.equal(false);
      } finally {
        server.server.closeAllConnections();
        await server.close();
      }
    });

    it('#9 an error keeps at most a 4 KiB excerpt of a large error body or non-JSON 2xx body', async () => {
      const big = 'E'.repeat(1_000_000);
      ctx.gateway.override('GET', '/err', () => ({ status: 500, text: big }));
      ctx.gateway.override('GET', '/html', () => ({ status: 200, text: `<html>${big}</html>` }));
      const http = transport();
      const httpError = (await errorOf(http.request({ method: 'GET', path: '/err', auth: false }))) as ChatApiError;
      expect([httpError.kind, httpError.status, (httpError.body as string).length]).to.deep.equal(['http', 500, 4097]);
      const notJson = (await errorOf(http.request({ method: 'GET', path: '/html', auth: false, codec: Item }))) as ChatApiError;
      expect([notJson.kind, (notJson.body as string).length]).to.deep.equal(['invalid-response', 4097]);
    });

    it("#12 exposes a 429's or 503's Retry-After (seconds, or an HTTP date from the scheduler's now) as retryAfterMs", async () => {
      ctx.gateway.override('GET', '/busy', () => ({ status: 503, text: 'busy', headers: { 'Retry-After': '7' } }));
      ctx.gateway.override('GET', '/slow-down', () => ({
        status: 429,
        json: { title: 'Too Many Requests', status: 429 },
        headers: { 'Retry-After': 'Thu, 01 Jan 2037 00:00:12 GMT' },
      }));
      ctx.gateway.override('GET', '/plain', () => ({ status: 503, text: 'busy' }));
      const now = Date.parse('2037-01-01T00:00:00Z');
      const scheduler: SchedulerLike = { now: () => now, schedule: asyncScheduler.schedule.bind(asyncScheduler) };
      const http = new HttpTransport({ baseUrl: ctx.gateway.url, timeoutMs: 5000, scheduler });
      const busy = (await errorOf(http.request({ method: 'GET', path: '/busy', auth: false }))) as ChatApiError;
      const slow = (await errorOf(http.request({ method: 'GET', path: '/slow-down', auth: false }))) as ChatApiError;
      const plain = (await errorOf(http.request({ method: 'GET', path: '/plain', auth: false }))) as ChatApiError;
      expect([busy.status, busy.retryAfterMs, slow.status, slow.retryAfterMs, plain.retryAfterMs]).to.deep.equal([
        503,
        7000,
        429,
        12_000,
        undefined,
      ]);
    });

    it('#10 nothing of a finished request stays reachable from its axios config (an adapter that keeps every config)', async () => {
      // Whatever keeps a config after its request (a pooled keep-alive socket; axios/axios#11091
      // pins each socket's first request scope), this adapter keeps every config it is given.
      const kept: unknown[] = [];
      const http = new HttpTransport({
        baseUrl: 'http://127.0.0.1:9',
        adapter: async (config) => {
          kept.push(config);
          config.onUploadProgress?.({ loaded: 1, total: 2, bytes: 1, lengthComputable: true });
          return { data: '{"id":"x"}', status: 200, statusText: 'OK', headers: {}, config };
        },
      });
      const finished = async (): Promise<Array<WeakRef<object>>> => {
        // What a timeline is to a request: state its pipeline and its observer hold.
        const timelineState = { messages: new Array(10_000).fill('m') };
        const observer = { next: (): number => timelineState.messages.length, error: (): void => undefined };
        const refs = [new WeakRef(timelineState), new WeakRef(observer)];
        await new Promise<void>((resolve, reject) => {
          merge(
            http.request({ method: 'GET', path: '/x', auth: false, codec: Item }),
            http.events({ method: 'POST', path: '/y', auth: false, body: { a: 1 }, codec: Item }),
          )
            .pipe(map((value) => (timelineState.messages.length > 0 ? value : value)))
            .subscribe({ next: observer.next, error: reject, complete: resolve });
        });
        return refs;
      };
      const refs = await finished();
      await collectGarbage();
      expect(kept, 'the configs are still held').to.have.length(2);
      expect(refs.map((ref) => ref.deref() === undefined)).to.deep.equal([true, true]);
    });

    // With axios 1.21.1 an idle pooled socket keeps the config of the request it served reachable:
    // closures made inside the request's subscribe function kept the whole pipeline alive with it.
    it('#10 an idle keep-alive socket keeps nothing of the request it served (real sockets)', async () => {
      const server = await serve((req, res) => {
        req.resume();
        req.on('end', () => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"id":"x"}');
        });
      });
      const agent = new Agent({ keepAlive: true });
      try {
        const http = new HttpTransport({ baseUrl: server.url, timeoutMs: 5000, axiosDefaults: { httpAgent: agent } });
        const finished = async (withProgress: boolean): Promise<WeakRef<object>> => {
          const timelineState = { messages: new Array(10_000).fill('m') };
          const ref = new WeakRef(timelineState);
          const spec = { method: 'POST', path: '/y', auth: false, body: { a: 1 }, codec: Item } as const;
          const call$: Observable<unknown> = withProgress ? http.events(spec) : http.request(spec);
          await lastValueFrom(call$.pipe(map((v) => (timelineState.messages.length > 0 ? v : v))));
          return ref;
        };
        const refs = [await finished(false), await finished(true)];
        await idleSocketIn(agent);
        await collectGarbage();
        expect(Object.values(agent.freeSockets).flat(), 'the socket is idle in the pool').to.have.length(1);
        expect(refs.map((ref) => ref.deref() === undefined)).to.deep.equal([true, true]);
      } finally {
        agent.destroy();
        await server.close();
      }
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
