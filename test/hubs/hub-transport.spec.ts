/**
 * Where the hubs send the user's token: to the hub URL's origin only. A negotiate redirected
 * (HTTP 3xx) to another origin — the same host on another port included — and a negotiate
 * answer `{ url }` on another origin without an `accessToken` never get it, on the HTTP requests
 * nor on the WebSocket; an `accessToken` handed out by the negotiate answer is used there.
 * Stub servers record every request and upgrade they get.
 */
import { expect } from 'chai';
import { lastValueFrom, of } from 'rxjs';
import { ChatHubClient } from '../../src/hubs/chat-hub-client.js';
import { HubError } from '../../src/hubs/hub-error.js';
import { waitFor } from '../support/wait.js';
import { ManualScheduler } from './hub-test-kit.js';
import { json, startStubServer, type StubServer } from './stub-server.js';

const USER_TOKEN = 'user-secret-token';
const GRANTED_TOKEN = 'token-granted-by-negotiate';

/** What an ASP.NET Core SignalR server answers to negotiate (WebSockets only). */
const NEGOTIATED = {
  negotiateVersion: 1,
  connectionId: 'connection-1',
  connectionToken: 'connection-token-1',
  availableTransports: [{ transport: 'WebSockets', transferFormats: ['Text', 'Binary'] }],
};

describe('hub token origin (HubTransport)', function () {
  this.timeout(15_000);
  const servers: StubServer[] = [];
  let client: ChatHubClient | undefined;

  afterEach(async () => {
    if (client) await lastValueFrom(client.disconnect(), { defaultValue: undefined });
    client = undefined;
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  async function stub(...args: Parameters<typeof startStubServer>): Promise<StubServer> {
    const server = await startStubServer(...args);
    servers.push(server);
    return server;
  }

  /** A chat hub client of `front` with the user's token; waits never run (manual scheduler). */
  function clientOf(front: StubServer): ChatHubClient {
    client = new ChatHubClient({ url: `${front.url}/hubs/chat`, accessTokenFactory: () => USER_TOKEN, scheduler: new ManualScheduler() });
    client.connect().subscribe({ error: () => undefined });
    return client;
  }

  it('a negotiate redirected (307) to the same host on another port does not carry the token there', async () => {
    const other = await stub((_req, res) => {
      res.writeHead(401, { 'www-authenticate': 'Bearer' }).end();
    });
    const front = await stub((req, res) => {
      if (req.url?.startsWith('/hubs/chat/negotiate')) {
        res.writeHead(307, { location: `${other.url}/hubs/chat/negotiate?negotiateVersion=1` }).end();
      } else res.writeHead(404).end();
    });
    const chat = clientOf(front);
    await waitFor(() => other.requests.length >= 1, 5000, 'the redirected negotiate');
    await waitFor(() => chat.status.status !== 'connecting', 5000, 'the attempt to end');
    expect(front.carrying(USER_TOKEN), 'the hub origin gets the token').to.have.length(1);
    expect(other.requests[0]?.url).to.include('/hubs/chat/negotiate');
    expect(other.carrying(USER_TOKEN), 'another origin never gets it').to.deep.equal([]);
    // Its 401 is not the token's: an ordinary failed attempt.
    const state = chat.status;
    expect(state.status).to.equal('reconnecting');
    expect(state.status === 'reconnecting' ? state.reason : undefined).to.include({ kind: 'connection', status: 401 });
  });

  it('a negotiate redirected (307) on the hub origin keeps the token', async () => {
    const front = await stub((req, res) => {
      if (req.url?.startsWith('/hubs/chat/negotiate')) res.writeHead(307, { location: '/moved/negotiate?negotiateVersion=1' }).end();
      else res.writeHead(401).end();
    });
    const chat = clientOf(front);
    await waitFor(() => front.requests.some((r) => r.url.startsWith('/moved/')), 5000, 'the redirected negotiate');
    await waitFor(() => chat.status.status !== 'connecting', 5000, 'the attempt to end');
    expect(front.carrying(USER_TOKEN).map((r) => r.url.split('?')[0])).to.deep.equal(['/hubs/chat/negotiate', '/moved/negotiate']);
  });

  it('a negotiate answer { url } on another origin without accessToken: neither its negotiate nor its WebSocket gets the token', async () => {
    const other = await stub((req, res) => {
      if (req.url?.startsWith('/hubs/chat/negotiate')) json(res, NEGOTIATED);
      else res.writeHead(404).end();
    });
    const front = await stub((req, res) => {
      if (req.url?.startsWith('/hubs/chat/negotiate')) json(res, { url: `${other.url}/hubs/chat` });
      else res.writeHead(404).end();
    });
    const chat = clientOf(front);
    await waitFor(() => other.requests.some((r) => r.kind === 'upgrade'), 5000, 'the WebSocket upgrade on the other origin');
    await waitFor(() => chat.status.status !== 'connecting', 5000, 'the attempt to end');
    expect(front.carrying(USER_TOKEN)).to.have.length(1);
    expect(other.requests.map((r) => r.kind)).to.deep.equal(['http', 'upgrade']);
    expect(other.carrying(USER_TOKEN), 'nothing on the other origin carries the token').to.deep.equal([]);
    expect(other.requests.every((r) => r.headers.authorization === undefined)).to.equal(true);
  });

  it('a 401 from another origin the token was kept from is not a refused token: kind connection (status 401), the normal wait, no refresh', async () => {
    const other = await stub((_req, res) => res.writeHead(401, { 'www-authenticate': 'Bearer' }).end());
    const front = await stub((req, res) => {
      if (req.url?.startsWith('/hubs/chat/negotiate')) json(res, { url: `${other.url}/hubs/chat` });
      else res.writeHead(404).end();
    });
    let refreshes = 0;
    client = new ChatHubClient({
      url: `${front.url}/hubs/chat`,
      accessTokenFactory: () => USER_TOKEN,
      refreshToken: () => {
        refreshes += 1;
        return of(USER_TOKEN);
      },
      scheduler: new ManualScheduler(),
    });
    const chat = client;
    chat.connect().subscribe({ error: () => undefined });
    const state = await waitFor(() => (chat.status.status === 'reconnecting' ? chat.status : undefined), 5000, 'reconnecting');
    expect(state).to.include({ attempt: 1, nextDelayMs: 2000 });
    expect(HubError.is(state.reason)).to.equal(true);
    expect(state.reason).to.include({ kind: 'connection', status: 401 });
    expect(refreshes).to.equal(0);
    expect(other.carrying(USER_TOKEN)).to.deep.equal([]);
  });

  it("a negotiate answer { url, accessToken } on another origin: that token (not the user's) goes there, on negotiate and WebSocket", async () => {
    const other = await stub((req, res) => {
      if (req.url?.startsWith('/hubs/chat/negotiate')) json(res, NEGOTIATED);
      else res.writeHead(404).end();
    });
    const front = await stub((req, res) => {
      if (req.url?.startsWith('/hubs/chat/negotiate')) json(res, { url: `${other.url}/hubs/chat`, accessToken: GRANTED_TOKEN });
      else res.writeHead(404).end();
    });
    const chat = clientOf(front);
    await waitFor(() => other.requests.some((r) => r.kind === 'upgrade'), 5000, 'the WebSocket upgrade on the other origin');
    await waitFor(() => chat.status.status !== 'connecting', 5000, 'the attempt to end');
    expect(other.requests.map((r) => [r.kind, r.headers.authorization])).to.deep.equal([
      ['http', `Bearer ${GRANTED_TOKEN}`],
      ['upgrade', `Bearer ${GRANTED_TOKEN}`],
    ]);
    expect(other.carrying(USER_TOKEN)).to.deep.equal([]);
  });
});
