import { AbortError, HttpError, TimeoutError } from '@microsoft/signalr';
import { expect } from 'chai';
import { AnsweredHttpError, NodeFetchHttpClient } from '../../src/hubs/node-fetch-http-client.js';
import { json, startSilentServer, startStubServer, type StubServer } from './stub-server.js';
import { waitFor } from '../support/wait.js';

describe('NodeFetchHttpClient', function () {
  this.timeout(10_000);
  const servers: Array<{ close(): Promise<void> }> = [];

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  async function stub(...args: Parameters<typeof startStubServer>): Promise<StubServer> {
    const server = await startStubServer(...args);
    servers.push(server);
    return server;
  }

  it('follows a redirect on the same origin with Authorization, and drops it on a redirect to another origin (same host, other port)', async () => {
    const other = await stub((_req, res) => json(res, { at: 'other' }));
    const front = await stub((req, res) => {
      if (req.url === '/start') res.writeHead(307, { location: '/same' }).end();
      else if (req.url === '/same') res.writeHead(307, { location: `${other.url}/away` }).end();
      else res.writeHead(404).end();
    });
    const response = await new NodeFetchHttpClient().post(`${front.url}/start`, { headers: { Authorization: 'Bearer t0k3n' } });
    expect(response.statusCode).to.equal(200);
    expect(JSON.parse(String(response.content))).to.deep.equal({ at: 'other' });
    expect(front.requests.map((r) => [r.url, r.method, r.headers.authorization])).to.deep.equal([
      ['/start', 'POST', 'Bearer t0k3n'],
      ['/same', 'POST', 'Bearer t0k3n'],
    ]);
    expect(other.requests.map((r) => [r.url, r.method, r.headers.authorization])).to.deep.equal([['/away', 'POST', undefined]]);
  });

  it('keeps the cookies a server sets and sends them back to that origin only (getCookieString too)', async () => {
    const other = await stub((_req, res) => res.writeHead(204).end());
    const front = await stub((req, res) => {
      if (req.url === '/set') {
        res.setHeader('set-cookie', ['affinity=node-3; Path=/; HttpOnly', 'gone=x; Max-Age=0']);
        res.writeHead(204).end();
      } else res.writeHead(204).end();
    });
    const client = new NodeFetchHttpClient();
    await client.get(`${front.url}/set`);
    await client.get(`${front.url}/again`);
    await client.get(`${other.url}/elsewhere`);
    expect(front.requests[1]?.headers.cookie).to.equal('affinity=node-3');
    expect(other.requests[0]?.headers.cookie).to.equal(undefined);
    expect(client.getCookieString(`${front.url.replace('http', 'ws')}/hubs/chat?id=1`)).to.equal('affinity=node-3');
    expect(client.getCookieString(`${other.url}/x`)).to.equal('');
  });

  it('rejects with HttpError carrying the status, the body as text and the URL that answered, outside 2xx', async () => {
    const front = await stub((_req, res) => res.writeHead(401, { 'content-type': 'text/plain' }).end('Unauthorized'));
    const error = await new NodeFetchHttpClient().post(`${front.url}/hubs/chat/negotiate`, {}).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(HttpError);
    expect(error).to.be.instanceOf(AnsweredHttpError);
    expect((error as AnsweredHttpError).statusCode).to.equal(401);
    expect((error as AnsweredHttpError).url).to.equal(`${front.url}/hubs/chat/negotiate`);
    expect((error as AnsweredHttpError).message).to.equal("Unauthorized: Status code '401'");
  });

  it('aborts through abortSignal (AbortError) and gives up after timeout (TimeoutError)', async () => {
    const silent = await startSilentServer();
    servers.push(silent);
    const client = new NodeFetchHttpClient();
    const signal = { aborted: false, onabort: null as (() => void) | null };
    const aborted = client.post(`${silent.url}/x`, { abortSignal: signal }).then(
      () => undefined,
      (e: unknown) => e,
    );
    // Abort once the request is on the wire (the server accepted its connection), not before.
    await waitFor(() => silent.acceptedCount > 0 || undefined, 5000, 'the request to reach the server');
    signal.aborted = true;
    signal.onabort?.();
    expect(await aborted).to.be.instanceOf(AbortError);
    const timedOut = await client.post(`${silent.url}/y`, { timeout: 50 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(timedOut).to.be.instanceOf(TimeoutError);
  });
});
