/**
 * Security: tokens never reach a log line (client or gateway, any level) nor an error's text;
 * the Authorization header never goes to another origin (presigned uploads) nor through the
 * proxy to a backend; proxy paths and storage keys cannot traverse; header injection never
 * reaches a backend; the browser-only `access_token` query works on the hubs but not on REST.
 */
import { expect } from 'chai';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { LogLevel } from '@microsoft/signalr';
import { firstValueFrom, lastValueFrom, type Subscription, toArray } from 'rxjs';
import { type ChatClient, createChatClient } from '../../src/client.js';
import { ChatApiError } from '../../src/http/chat-api-error.js';
import { HubError } from '../../src/hubs/hub-error.js';
import { requestMarkNow, startTestGateway, type TestGateway, uniqueName } from '../support/test-gateway.js';
import { waitFor } from '../support/wait.js';

const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]+/;

interface LogLine {
  readonly source: 'client' | 'gateway';
  readonly level: string;
  readonly message: string;
  readonly data: unknown;
}

/** Every text a log line carries: message and data, deeply. */
const lineText = (line: LogLine): string => `${line.level} ${line.message} ${inspect(line.data, { depth: 20, breakLength: Infinity })}`;

/** The message, String() and the messages of the whole `cause` chain of an error. */
function errorTexts(error: unknown): string[] {
  const texts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth++) {
    if (current instanceof Error) texts.push(current.message, String(current));
    else texts.push(String(current));
    current = (current as { cause?: unknown }).cause;
  }
  return texts;
}

async function devLogin(url: string, username: string): Promise<{ token: string; user: { id: string } }> {
  const response = await fetch(`${url}/api/auth/login/dev`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'pw' }),
  });
  if (!response.ok) throw new Error(`login answered ${response.status}`);
  return (await response.json()) as { token: string; user: { id: string } };
}

/** A raw HTTP request whose path is sent exactly as given (no URL normalisation of `..`). */
function rawRequest(url: string, method: string, path: string, headers: Record<string, string> = {}): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, method, path, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('reliability: security', function () {
  this.timeout(30_000);
  let gateway: TestGateway;
  let backend: Server;
  const backendHits: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
  const lines: LogLine[] = [];
  const tokens = new Set<string>();
  const clients: ChatClient[] = [];
  const subscriptions: Subscription[] = [];
  let username: string;

  before(async () => {
    backend = createServer((req, res) => {
      backendHits.push({ url: req.url ?? '', headers: req.headers });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, path: req.url }));
    });
    await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
    gateway = await startTestGateway({
      bot: false,
      presignedUploads: true,
      proxyBackends: { svc: `http://127.0.0.1:${(backend.address() as AddressInfo).port}/base` },
      logger: (level, message, data) => lines.push({ source: 'gateway', level, message, data }),
    });
    username = uniqueName('sec');
  });

  after(async () => {
    for (const s of subscriptions.splice(0)) s.unsubscribe();
    await Promise.all(clients.splice(0).map((c) => c.disconnect()));
    await gateway?.close();
    await new Promise<void>((resolve) => backend?.close(() => resolve()));
  });

  const client = (options: { token?: string; refresh?: boolean } = {}): ChatClient => {
    const created = createChatClient({
      baseUrl: gateway.url,
      ...(options.token !== undefined ? { token: options.token } : {}),
      ...(options.refresh === true
        ? {
            refreshToken: async () => {
              const { token } = await devLogin(gateway.url, username);
              tokens.add(token);
              return token;
            },
          }
        : {}),
      hubs: { reconnectDelays: [50, 100, 200], maxReconnectAttempts: 20, logLevel: LogLevel.Trace },
      logger: (level, message, data) => lines.push({ source: 'client', level, message, data }),
    });
    clients.push(created);
    return created;
  };

  it('never logs a token, at any level, through login, connect, expiry + drop, reconnect and a 401', async () => {
    const alice = client({ refresh: true });
    const login = await firstValueFrom(alice.auth.loginWithDev(username, 'pw'));
    tokens.add(login.token);
    await firstValueFrom(alice.connect(), { defaultValue: undefined });
    const bob = await devLogin(gateway.url, uniqueName('sec-bob'));
    const conversation = await firstValueFrom(alice.groupConversation([bob.user.id], { name: 'sec' }));
    subscriptions.push(alice.timeline(conversation.id).messages$.subscribe());
    await waitFor(() => alice.realtime.chat.joinedConversations.has(conversation.id), 5000, 'the join');
    const sessionsBefore = alice.realtime.chat.status.status === 'connected' ? alice.realtime.chat.status.connectionId : null;

    // Expire every token and drop: the hubs must refresh (negotiate 401) and reconnect.
    await gateway.faults.expireTokens();
    await gateway.faults.dropConnections({ allowReconnect: false });
    await waitFor(
      () =>
        alice.realtime.chat.status.status === 'connected' &&
        alice.realtime.chat.status.connectionId !== sessionsBefore &&
        alice.realtime.notifications.status.status === 'connected',
      10_000,
      'both hubs back with a new connection',
    );
    // REST after the expiry: 401, refresh, retry.
    await firstValueFrom(alice.conversations.list({ limit: 5 }));
    // A REST call that fails with 401 for good (a stale token and nothing to refresh with).
    const stale = client({ token: login.token });
    const restError = await firstValueFrom(stale.conversations.list({ limit: 5 })).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(ChatApiError.is(restError) && restError.status, 'the stale token is refused').to.equal(401);

    expect(tokens.size, 'the refresh ran (a second token exists)').to.be.greaterThan(1);
    expect(lines.filter((l) => l.source === 'client').length, 'the client logged something (SignalR trace)').to.be.greaterThan(5);
    const leaks = lines.filter((line) => {
      const textOf = lineText(line);
      return JWT.test(textOf) || [...tokens].some((token) => textOf.includes(token));
    });
    expect(
      leaks.map((l) => `${l.source} ${l.level}: ${lineText(l).slice(0, 300)}`),
      'log lines containing a token',
    ).to.deep.equal([]);
  });

  it('puts no token in the text of a ChatApiError (REST 401) or a HubError (hub 401)', async () => {
    const { token } = await devLogin(gateway.url, uniqueName('sec-expired'));
    await gateway.faults.expireTokens();
    const rest = client({ token });
    const restError = await firstValueFrom(rest.conversations.list({ limit: 5 })).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(ChatApiError.is(restError)).to.equal(true);
    expect((restError as ChatApiError).status).to.equal(401);

    const hub = client({ token });
    const hubError = await firstValueFrom(hub.realtime.chat.connect()).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(HubError.is(hubError), `a HubError, got ${String(hubError)}`).to.equal(true);
    for (const error of [restError, hubError]) {
      for (const text of errorTexts(error)) {
        expect(text.includes(token), `token in "${text.slice(0, 200)}"`).to.equal(false);
        expect(JWT.test(text), `JWT in "${text.slice(0, 200)}"`).to.equal(false);
      }
    }
  });

  it('puts no token in a network error, even when inspected deeply (console.error(error) of an errors$ value)', async () => {
    const { token } = await devLogin(gateway.url, uniqueName('sec-net'));
    // A port nobody listens on: the request fails without an answer.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const offline = createChatClient({ baseUrl: `http://127.0.0.1:${port}`, token });
    const error = await firstValueFrom(offline.conversations.list({ limit: 1 })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(ChatApiError.is(error) && error.kind, 'a network ChatApiError').to.equal('network');
    for (const text of errorTexts(error)) expect(text.includes(token), 'token in the message chain').to.equal(false);
    const inspected = inspect(error, { depth: 20 });
    expect(
      inspected.includes(token),
      `util.inspect(error) shows the token (via cause → axios config.headers.Authorization): …${inspected.slice(Math.max(0, inspected.indexOf(token) - 200), inspected.indexOf(token) + 20)}…`,
    ).to.equal(false);
  });

  it('sends no Authorization header to the presigned upload origin (http://localhost:PORT ≠ http://127.0.0.1:PORT)', async () => {
    const uploader = client();
    await firstValueFrom(uploader.auth.loginWithDev(uniqueName('sec-up'), 'pw'));
    const mark = requestMarkNow(gateway);
    const events = await lastValueFrom(
      uploader.files
        .uploadFile(new Uint8Array([1, 2, 3, 4]), { fileName: 'a.bin', contentType: 'application/octet-stream' })
        .pipe(toArray()),
    );
    expect(events[events.length - 1]?.type).to.equal('done');
    const made = mark.sinceNow();
    const ticket = made.find((r) => r.method === 'POST' && r.path.startsWith('/api/files/upload-url'));
    const put = made.find((r) => r.method === 'PUT');
    expect(ticket?.authorization, 'the ticket request carries the token').to.equal(true);
    expect(put, `the PUT reached the gateway: ${JSON.stringify(made)}`).to.not.equal(undefined);
    expect(put?.path).to.match(/signature=/);
    expect(put?.authorization, 'the PUT to the other origin carries no Authorization').to.equal(false);
  });

  it('never forwards the Authorization header to a proxy backend', async () => {
    const user = client();
    const login = await firstValueFrom(user.auth.loginWithDev(uniqueName('sec-proxy'), 'pw'));
    const before = backendHits.length;
    await firstValueFrom(user.proxy.get('svc', 'echo/x'));
    const hits = backendHits.slice(before);
    expect(hits).to.have.length(1);
    expect(hits[0]?.url).to.equal('/base/echo/x');
    expect(hits[0]?.headers.authorization, 'Authorization forwarded').to.equal(undefined);
    expect(JSON.stringify(hits[0]?.headers).includes(login.token), 'the token in some forwarded header').to.equal(false);
  });

  it('keeps proxy paths on the service (//host, ../, absolute URLs are refused by the client or stay under the backend base)', async () => {
    const user = client();
    const login = await firstValueFrom(user.auth.loginWithDev(uniqueName('sec-path'), 'pw'));
    const start = backendHits.length;
    const refusedByClient: string[] = [];
    for (const path of [
      '//evil.example/x',
      '../x',
      'a/../../x',
      'http://evil.example/x',
      'https:/evil.example/x',
      '/x',
      '..%2F..%2Fx',
      '%2e%2e/x',
    ]) {
      const mark = requestMarkNow(gateway);
      let call: ReturnType<typeof user.proxy.get>;
      try {
        call = user.proxy.get('svc', path);
      } catch {
        refusedByClient.push(path);
        expect(mark.sinceNow(), `a request was made for the refused path ${path}`).to.deep.equal([]);
        continue;
      }
      await firstValueFrom(call).catch(() => undefined);
      const made = mark.sinceNow();
      expect(made.length, `${path}: requests to the gateway`).to.equal(1);
      expect(made[0]?.path, `${path} stays on the gateway's proxy route`).to.match(/^\/api\/proxy\/svc\//);
    }
    expect(refusedByClient, 'the client refuses //host, ../ and absolute URLs').to.include.members([
      '//evil.example/x',
      '../x',
      'a/../../x',
      'http://evil.example/x',
      '/x',
    ]);
    // The gateway on its own (raw paths, no client validation): nothing reaches the backend outside its base.
    for (const path of [
      '/api/proxy/svc/..%2F..%2Fx',
      '/api/proxy/svc/%2e%2e/x',
      '/api/proxy/svc/%2E%2E/%2E%2E/x',
      '/api/proxy/svc/../../x',
      '/api/proxy/svc/a/..%2f..%2f..%2fx',
    ]) {
      const status = await rawRequest(gateway.url, 'GET', path, { authorization: `Bearer ${login.token}` });
      expect(status, `${path} answered`).to.be.greaterThanOrEqual(200);
    }
    const outside = backendHits.slice(start).filter((h) => !h.url.startsWith('/base/') || /\/\.\.(\/|$)/.test(h.url));
    expect(
      outside.map((h) => h.url),
      'backend requests outside /base',
    ).to.deep.equal([]);
  });

  it('refuses dot-segment storage keys (../, ./, ..) in the client before any request', () => {
    const user = client({ token: 'not-used' });
    const mark = requestMarkNow(gateway);
    const accepted: string[] = [];
    for (const key of ['../secret', 'a/../../secret', '..', './x', 'a//b', '/abs']) {
      for (const attempt of [() => user.files.getDownloadUrl(key), () => user.files.delete(key).subscribe({ error: () => undefined })]) {
        try {
          attempt();
          accepted.push(key);
        } catch {
          // refused, as it should be
        }
      }
    }
    expect(mark.sinceNow(), 'requests made').to.deep.equal([]);
    expect([...new Set(accepted)], 'storage keys the client let through').to.deep.equal([]);
  });

  it('refuses percent-encoded traversal in storage keys (%2e%2e/, %2F) in the client before any request', () => {
    const user = client({ token: 'not-used' });
    const mark = requestMarkNow(gateway);
    const accepted: string[] = [];
    for (const key of [
      '%2e%2e/secret',
      '%2E%2E/secret',
      'a/%2e%2e/%2e%2e/secret',
      '..%2Fsecret',
      'a%2F..%2F..%2Fsecret',
      'a%2fb',
      'a%5C..%5Cb',
    ]) {
      for (const attempt of [() => user.files.getDownloadUrl(key), () => user.files.delete(key).subscribe({ error: () => undefined })]) {
        try {
          attempt();
          accepted.push(key);
        } catch {
          // refused, as it should be
        }
      }
    }
    const urls = [...new Set(accepted)].map((key) => `${key} → ${user.files.getDownloadUrl(key)}`);
    expect(mark.sinceNow(), 'requests made synchronously').to.deep.equal([]);
    expect([...new Set(accepted)], `storage keys the client let through: ${urls.join(', ')}`).to.deep.equal([]);
  });

  it('refuses path traversal in storage keys at the gateway', async () => {
    const { token } = await devLogin(gateway.url, uniqueName('sec-keys'));
    for (const path of [
      '/api/files/..%2Fsecret',
      '/api/files/%2e%2e/secret',
      '/api/files/a/%2E%2E/%2e%2e/secret',
      '/api/files/a%2F..%2Fb',
      '/api/files/a%5C..%5Cb',
    ]) {
      for (const method of ['GET', 'DELETE']) {
        // 400 when the key reaches the files route; 404 when the URL parser resolved the encoded
        // dot-segments first (WHATWG URL, as Kestrel does) so the request left /api/files/ for no route.
        const status = await rawRequest(gateway.url, method, path, { authorization: `Bearer ${token}` });
        expect(status, `${method} ${path}`).to.be.oneOf([400, 404]);
      }
    }
  });

  const injections: ReadonlyArray<Record<string, string>> = [
    { 'X-A': 'v\r\nInjected: 1' },
    { 'X-A': 'v\nInjected: 1' },
    { 'X-A': 'v\rInjected: 1' },
    { 'X-A\r\nInjected': '1' },
  ];

  it('never lets a CR/LF header injection reach a proxy backend as a header', async () => {
    const user = client();
    await firstValueFrom(user.auth.loginWithDev(uniqueName('sec-hdr'), 'pw'));
    const before = backendHits.length;
    // The client may refuse at once (a synchronous InvalidArgumentError) or the request may fail: either is fine.
    for (const headers of injections)
      await (async () => firstValueFrom(user.proxy.request('svc', 'echo', { headers })))().catch(() => undefined);
    const hits = backendHits.slice(before);
    expect(
      hits.filter((h) => h.headers.injected !== undefined).map((h) => h.headers),
      'an Injected header at the backend',
    ).to.deep.equal([]);
    expect(
      hits.filter((h) => Object.values(h.headers).some((v) => /[\r\n]/.test(String(v)))),
      'CR/LF in a header value at the backend',
    ).to.deep.equal([]);
  });

  it('refuses a CR/LF proxy header in the client before any request (instead of sending it altered)', async () => {
    const user = client();
    await firstValueFrom(user.auth.loginWithDev(uniqueName('sec-hdr2'), 'pw'));
    const sent: string[] = [];
    for (const headers of injections) {
      const mark = requestMarkNow(gateway);
      const backendBefore = backendHits.length;
      let refused = false;
      try {
        await firstValueFrom(user.proxy.request('svc', 'echo', { headers }));
      } catch {
        refused = true;
      }
      const hit = backendHits[backendBefore];
      if (!refused || mark.sinceNow().length > 0)
        sent.push(`${JSON.stringify(headers)} → backend got x-a: ${JSON.stringify(hit?.headers['x-a'])}`);
    }
    expect(sent, 'header values with CR/LF that were sent anyway').to.deep.equal([]);
  });

  it('accepts the access_token query on the hubs but not on REST', async () => {
    const { token } = await devLogin(gateway.url, uniqueName('sec-query'));
    const negotiate = await fetch(`${gateway.url}/hubs/chat/negotiate?negotiateVersion=1&access_token=${encodeURIComponent(token)}`, {
      method: 'POST',
    });
    expect(negotiate.status, 'hub negotiate with ?access_token').to.equal(200);
    const anonymous = await fetch(`${gateway.url}/hubs/chat/negotiate?negotiateVersion=1`, { method: 'POST' });
    expect(anonymous.status, 'hub negotiate without a token').to.equal(401);
    const rest = await fetch(`${gateway.url}/api/conversations?access_token=${encodeURIComponent(token)}`);
    expect(rest.status, 'REST with ?access_token and no header').to.equal(401);
    const withHeader = await fetch(`${gateway.url}/api/conversations`, { headers: { authorization: `Bearer ${token}` } });
    expect(withHeader.status, 'REST with the header').to.equal(200);
  });
});
