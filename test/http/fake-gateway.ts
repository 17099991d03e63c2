/**
 * A small local stand-in for the Chat Gateway's REST routes (node:http on 127.0.0.1, port 0)
 * that records every request. Tests reach it only through {@link startTestGateway}, so the same
 * specs can later be pointed at the real embedded gateway by changing that one helper.
 *
 * It knows the routes from the contract (written out here independently of `src/http/routes.ts`,
 * so a wrong route in the client fails a test), checks `Authorization: Bearer <token>` against
 * `validTokens` on the routes that need a JWT, and answers with the sample DTOs of `samples.ts`.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as sample from './samples.js';

/** One request as the server saw it. */
export interface RecordedRequest {
  readonly method: string;
  /** The raw request target (path and query, still encoded). */
  readonly url: string;
  /** The raw (encoded) path without the query. */
  readonly rawPath: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** The body bytes (set once the whole body was read). */
  body: Buffer;
  /** How many body bytes the server has read so far. */
  bytesRead: number;
  /** True when the client closed the connection before the response was sent. */
  aborted: boolean;
  /** Resolves when the request is finished: answered or aborted. */
  readonly settled: Promise<void>;
  /** The body parsed as JSON (undefined when empty). */
  json(): unknown;
}

/** What a route handler answers. */
export interface Reply {
  readonly status: number;
  readonly json?: unknown;
  readonly text?: string;
  readonly headers?: Record<string, string>;
}

type Params = Record<string, string>;
type Handler = (req: RecordedRequest, params: Params) => Reply | Promise<Reply>;

interface Route {
  readonly method: string;
  readonly segments: readonly string[];
  readonly auth: boolean;
  readonly handler: Handler;
}

/** The running fake gateway. */
export interface TestGateway {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** Every request received, in arrival order. */
  readonly requests: RecordedRequest[];
  /** Tokens accepted on JWT routes (login adds the ones it issues). */
  readonly validTokens: Set<string>;
  /** When set, `POST /api/files/upload-url` returns absolute upload URLs on this origin. */
  uploadBaseUrl: string | undefined;
  /** Resolves once at least `count` requests have arrived. */
  waitForRequests(count: number): Promise<void>;
  /**
   * Holds matching requests unanswered until `release()` (for cancellation tests); with
   * `readSlowly` their body is read 1 chunk per 10 ms, so an upload is still running when aborted.
   */
  hold(predicate?: (req: RecordedRequest) => boolean, options?: { readSlowly?: boolean }): void;
  /** Answers every held request and stops holding. */
  release(): void;
  /** Answers matching requests with `handler` instead of the built-in route. */
  override(method: string, pattern: string, handler: Handler): void;
  /** Requests whose method and raw path match. */
  requestsTo(method: string, rawPath: string): RecordedRequest[];
  close(): Promise<void>;
}

function problem(status: number, title: string, detail?: string): Reply {
  return { status, json: { type: `https://httpstatuses.io/${status}`, title, status, ...(detail !== undefined ? { detail } : {}) } };
}

const noContent: Reply = { status: 204 };
const ok = (json: unknown): Reply => ({ status: 200, json });

function split(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

function match(route: Route, method: string, segments: readonly string[]): Params | null {
  if (route.method !== method && route.method !== '*') return null;
  const params: Params = {};
  for (let i = 0; i < route.segments.length; i++) {
    const pattern = route.segments[i] as string;
    if (pattern.startsWith('*')) {
      if (i >= segments.length) return null;
      params[pattern.slice(1)] = segments.slice(i).map(decodeURIComponent).join('/');
      return params;
    }
    const segment = segments[i];
    if (segment === undefined) return null;
    if (pattern.startsWith(':')) params[pattern.slice(1)] = decodeURIComponent(segment);
    else if (pattern !== segment) return null;
  }
  return segments.length === route.segments.length ? params : null;
}

/** A cursor page over `all`: cursors look like the gateway's `"<UnixMs>_<index>"`. */
function cursorPage(all: readonly unknown[], query: URLSearchParams, defaultLimit: number): unknown {
  const limit = Number(query.get('limit') ?? defaultLimit);
  const cursor = query.get('cursor');
  const start = cursor === null ? 0 : Number(cursor.split('_')[1]);
  const items = all.slice(start, start + limit);
  const next = start + limit;
  const hasMore = next < all.length;
  return { items, nextCursor: hasMore ? `1743004200000_${next}` : null, hasMore };
}

/**
 * Starts the REST gateway the HTTP specs run against (today the local fake; later the
 * embedded gateway behind the same interface).
 */
export async function startTestGateway(): Promise<TestGateway> {
  const requests: RecordedRequest[] = [];
  const validTokens = new Set<string>(['good-token']);
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const overrides: Route[] = [];
  let holdPredicate: ((req: RecordedRequest) => boolean) | null = null;
  let holdSlowly = false;
  let held: Array<() => void> = [];
  const reactions = new Set<string>();
  let issued = 0;
  const conversations = Array.from({ length: 5 }, (_, i) => sample.listItem(`c${i}`));
  const bots = Array.from({ length: 5 }, (_, i) => sample.bot(`b${i}`));

  const routes: Route[] = [];
  const add = (method: string, pattern: string, auth: boolean, handler: Handler): void => {
    routes.push({ method, segments: split(pattern), auth, handler });
  };

  add('POST', '/api/auth/login/:provider', false, (req, { provider }) => {
    const body = req.json() as Record<string, unknown>;
    if (provider === 'dev' && body['password'] === 'wrong') return problem(401, 'Unauthorized', 'Invalid credentials');
    const username = typeof body['username'] === 'string' ? body['username'] : `${provider}-user`;
    const token = `issued-${++issued}`;
    validTokens.add(token);
    return ok({
      token,
      expiresAt: '2030-01-01T00:00:00Z',
      user: { id: username, uniqueName: username, fullName: `User ${username}`, role: provider === 'dev' ? 'dev' : null },
    });
  });

  add('POST', '/api/participants', true, (req) => ok(sample.participant(String((req.json() as { id: string }).id))));
  add('POST', '/api/participants/batch', true, (req) =>
    ok((req.json() as { ids: string[] }).ids.filter((id) => id !== 'missing').map((id) => sample.participant(id))),
  );
  add('GET', '/api/participants/by-unique-name/:name', true, (_req, { name }) =>
    ok(sample.participant(`id-of-${name}`, { uniqueName: name })),
  );
  add('GET', '/api/participants/:id', true, (_req, { id }) =>
    id === 'missing' ? problem(404, 'Not Found', 'Participant not found') : ok(sample.participant(id as string)),
  );

  add('GET', '/api/conversations', true, (req) => ok(cursorPage(conversations, req.query, 2)));
  add('POST', '/api/conversations', true, (req) => ok(sample.conversation('new-conv', { type: (req.json() as { type: string }).type })));
  add('GET', '/api/conversations/search', true, (req) => ok([sample.listItem('found', { name: req.query.get('q') })]));
  add('GET', '/api/conversations/one-to-one/:other', true, (_req, { other }) =>
    other === 'nobody' ? noContent : ok(sample.conversation(`dm-${other}`, { type: 'OneToOne' })),
  );
  add('GET', '/api/conversations/:id', true, (_req, { id }) => ok(sample.conversation(id as string)));
  add('PUT', '/api/conversations/:id', true, (req, { id }) =>
    ok(sample.conversation(id as string, { name: (req.json() as { name?: string }).name })),
  );
  add('POST', '/api/conversations/:id/leave', true, () => noContent);
  add('GET', '/api/conversations/:id/participants', true, () => ok([sample.member('alice'), sample.member('bob')]));
  add('POST', '/api/conversations/:id/participants', true, () => noContent);
  add('DELETE', '/api/conversations/:id/participants/:pid', true, () => noContent);
  add('POST', '/api/conversations/:id/pin', true, () => noContent);
  add('DELETE', '/api/conversations/:id/pin', true, () => noContent);
  add('POST', '/api/conversations/:id/read', true, () => noContent);
  add('POST', '/api/conversations/:id/unread', true, () => noContent);

  add('POST', '/api/conversations/:id/messages', true, (req, { id }) => ({
    status: 201,
    json: sample.message('m-new', id as string, { clientMessageId: (req.json() as { clientMessageId?: string }).clientMessageId ?? null }),
  }));
  add('GET', '/api/conversations/:id/messages/search', true, (req, { id }) =>
    ok([sample.message('m-found', id as string, { plainTextIndex: req.query.get('q') })]),
  );
  add('GET', '/api/conversations/:id/messages', true, (req, { id }) =>
    ok(
      cursorPage(
        Array.from({ length: 7 }, (_, i) => sample.message(`m${i}`, id as string)),
        req.query,
        3,
      ),
    ),
  );
  add('GET', '/api/messages/:id', true, (_req, { id }) => ok(sample.message(id as string, 'c0')));
  add('PUT', '/api/messages/:id', true, (_req, { id }) => ok(sample.message(id as string, 'c0', { isEdited: true, editedAt: sample.T0 })));
  add('DELETE', '/api/messages/:id', true, (_req, { id }) => ok({ messageId: id, deletedAt: sample.T0 }));
  add('POST', '/api/messages/:id/recover', true, () => noContent);
  add('POST', '/api/messages/:id/reactions/:emoji', true, (_req, { id, emoji }) => {
    const key = `${id}:${emoji}`;
    if (reactions.has(key)) return problem(409, 'Conflict', 'Already reacted with this emoji');
    reactions.add(key);
    return noContent;
  });
  add('DELETE', '/api/messages/:id/reactions/:emoji', true, (_req, { id, emoji }) => {
    reactions.delete(`${id}:${emoji}`);
    return noContent;
  });

  add('POST', '/api/files/upload-url', true, (req) => {
    const { fileName } = req.json() as { fileName: string };
    const storageKey = `01HXKEY/${fileName}`;
    const path = `/api/files/upload/${storageKey.split('/').map(encodeURIComponent).join('/')}?sig=abc`;
    return ok({
      uploadUrl: gateway.uploadBaseUrl !== undefined ? `${gateway.uploadBaseUrl}${path}` : path,
      storageKey,
      expiresAt: sample.T0,
    });
  });
  add('PUT', '/api/files/upload/*key', true, (req, { key }) =>
    ok({
      downloadUrl: `/api/files/${key}`,
      storageKey: key,
      fileName: (key as string).split('/').pop(),
      contentType: req.headers['content-type'] ?? '',
      fileSize: req.body.length,
      uploadedAt: sample.T0,
    }),
  );
  add('GET', '/api/files/*key', false, () => ({
    status: 200,
    text: 'file bytes',
    headers: { 'content-type': 'application/octet-stream' },
  }));
  add('DELETE', '/api/files/*key', true, () => noContent);

  add('GET', '/api/bots', false, (req) => {
    const page = Number(req.query.get('page') ?? 1);
    const pageSize = Number(req.query.get('pageSize') ?? 2);
    return ok({ items: bots.slice((page - 1) * pageSize, page * pageSize), page, pageSize, totalCount: bots.length });
  });
  add('POST', '/api/bots', true, () => ok(sample.bot('b-new', { apiKey: 'secret-key' })));
  add('GET', '/api/bots/:id', false, (_req, { id }) => ok(sample.bot(id as string)));
  add('PUT', '/api/bots/:id', true, (req, { id }) => ok(sample.bot(id as string, req.json() as Record<string, unknown>)));
  add('DELETE', '/api/bots/:id', true, () => noContent);
  add('POST', '/api/bots/:id/activate', true, () => noContent);
  add('POST', '/api/bots/:id/deactivate', true, () => noContent);
  add('POST', '/api/bots/:id/regenerate-key', true, () => ok({ apiKey: 'new-key' }));

  add('*', '/api/proxy/:service/*path', true, (req, { service, path }) =>
    service === 'down'
      ? { status: 502, json: { detail: 'upstream down' } }
      : ok({ service, path, method: req.method, body: req.json() ?? null, query: req.query.toString() }),
  );

  add('GET', '/health/live', false, () => ({ status: 200, text: 'Healthy', headers: { 'content-type': 'text/plain' } }));
  add('GET', '/health/ready', false, () => ok(sample.healthStatus));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q < 0 ? url : url.slice(0, q);
    let settle!: () => void;
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      url,
      rawPath,
      query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)),
      headers: req.headers,
      body: Buffer.alloc(0),
      bytesRead: 0,
      aborted: false,
      settled: new Promise<void>((resolve) => (settle = resolve)),
      json() {
        return this.body.length === 0 ? undefined : (JSON.parse(this.body.toString('utf8')) as unknown);
      },
    };
    requests.push(record);
    res.on('close', () => {
      if (!res.writableFinished) record.aborted = true;
      settle();
    });
    for (const waiter of waiters.filter((w) => requests.length >= w.count)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }

    const holding = holdPredicate?.(record) === true;
    const slow = holding && holdSlowly;
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of req) {
        chunks.push(chunk as Buffer);
        record.bytesRead += (chunk as Buffer).length;
        // reading on (slowly) keeps the socket watched, so an abort is seen mid-upload
        if (slow) await new Promise((resolve) => setTimeout(resolve, 10));
      }
    } catch {
      return; // aborted while uploading
    }
    record.body = Buffer.concat(chunks);
    if (holding) await new Promise<void>((resolve) => held.push(resolve));
    if (res.destroyed) return;

    const segments = split(rawPath);
    let reply: Reply = problem(404, 'Not Found', `no route for ${record.method} ${rawPath}`);
    for (const route of [...overrides, ...routes]) {
      const params = match(route, record.method, segments);
      if (params === null) continue;
      if (route.auth) {
        const header = req.headers.authorization;
        const token = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
        if (token === undefined || !validTokens.has(token)) {
          reply = problem(401, 'Unauthorized');
          break;
        }
      }
      reply = await route.handler(record, params);
      break;
    }
    if (res.destroyed) return;
    const headers: Record<string, string> = { ...reply.headers };
    let payload = '';
    if (reply.json !== undefined) {
      headers['content-type'] ??= reply.status >= 400 ? 'application/problem+json' : 'application/json; charset=utf-8';
      payload = JSON.stringify(reply.json);
    } else if (reply.text !== undefined) {
      headers['content-type'] ??= 'text/plain; charset=utf-8';
      payload = reply.text;
    }
    res.writeHead(reply.status, headers);
    res.end(payload);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const gateway: TestGateway = {
    url: `http://127.0.0.1:${port}`,
    requests,
    validTokens,
    uploadBaseUrl: undefined,
    waitForRequests(count) {
      if (requests.length >= count) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push({ count, resolve }));
    },
    hold(predicate = () => true, options = {}) {
      holdPredicate = predicate;
      holdSlowly = options.readSlowly ?? false;
    },
    release() {
      holdPredicate = null;
      const waiting = held;
      held = [];
      waiting.forEach((resolve) => resolve());
    },
    override(method, pattern, handler) {
      overrides.unshift({ method, segments: split(pattern), auth: false, handler });
    },
    requestsTo(method, rawPath) {
      return requests.filter((r) => r.method === method && r.rawPath === rawPath);
    },
    async close() {
      gateway.release();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return gateway;
}
