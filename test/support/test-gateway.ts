/**
 * The ONE place integration suites get their gateway from.
 *
 * By default it starts the embedded gateway in-process. When `CHAT_GATEWAY_URL` names another
 * gateway (e.g. the ASP.NET Core reference gateway started by `npm run test:aspnet`), the same
 * suites run against it and the faults are driven over its test-only HTTP endpoints
 * (`/_test/...`); `CHAT_GATEWAY_CONTROL_URL` then names the runner's control endpoint that
 * restarts the process.
 */
import { startGateway, type Gateway, type GatewayOptions, type RecordedRequest } from '../../src/gateway/index.js';

/** Faults, asynchronous so they can be HTTP calls to another process. */
export interface TestFaults {
  dropConnections(options?: { allowReconnect?: boolean; error?: string }): Promise<void>;
  killSockets(): Promise<void>;
  expireTokens(): Promise<void>;
  emitRaw(conversationId: string, event: string, payload: unknown): Promise<void>;
  refuseConnections(durationMs: number): Promise<void>;
  duplicateEvents(on: boolean): Promise<void>;
  delayEvents(delayMs: number): Promise<void>;
}

/** A gateway under test, embedded or external. */
export interface TestGateway {
  readonly url: string;
  /** True when the suites run against another process (`CHAT_GATEWAY_URL`). */
  readonly external: boolean;
  readonly faults: TestFaults;
  /** The embedded gateway itself (undefined when external). */
  readonly embedded: Gateway | undefined;
  /** Logs a dev user in over HTTP: `{ token, expiresAt, user }`. */
  login(username: string): Promise<{ token: string; expiresAt: string; user: { id: string; uniqueName: string; fullName: string } }>;
  /** REST requests the embedded gateway recorded (empty for an external one: use `fetchRequests`). */
  requests(): readonly RecordedRequest[];
  /** REST requests the gateway recorded, embedded or external (`GET /_test/requests`). */
  fetchRequests(): Promise<readonly RecordedRequest[]>;
  /** Same port, same data, every connection lost. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** A unique name per test run, so suites never collide on a shared (external) gateway. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Starts the gateway for a suite (embedded unless `CHAT_GATEWAY_URL` is set). */
export async function startTestGateway(options: GatewayOptions = {}): Promise<TestGateway> {
  const externalUrl = process.env.CHAT_GATEWAY_URL;
  if (externalUrl !== undefined && externalUrl !== '') return external(externalUrl.replace(/\/$/, ''));
  const gateway = options.port !== undefined && options.port !== 0 ? await startGateway(options) : await startOnUnusedPort(options);
  return {
    get url() {
      return gateway.url;
    },
    external: false,
    embedded: gateway,
    faults: {
      dropConnections: async (o) => gateway.faults.dropConnections(o),
      killSockets: async () => gateway.faults.killSockets(),
      expireTokens: async () => gateway.faults.expireTokens(),
      emitRaw: async (c, e, p) => gateway.faults.emitRaw(c, e, p),
      refuseConnections: async (ms) => gateway.faults.refuseConnections(ms),
      duplicateEvents: async (on) => gateway.faults.duplicateEvents(on),
      delayEvents: async (ms) => gateway.faults.delayEvents(ms),
    },
    login: (username) => devLogin(gateway.url, username),
    requests: () => gateway.requests,
    fetchRequests: async () => [...gateway.requests],
    restart: () => gateway.restart(),
    close: () => gateway.close(),
  };
}

/** Ports the gateways of this test process listened on. */
const portsUsed = new Set<number>();

/**
 * Starts an embedded gateway on a port no earlier gateway of this process had. The OS hands out
 * a freed port again now and then; a request still on its way from an earlier suite's client
 * (a retry after a delay, a hub reconnecting) would then reach this suite's gateway and show up
 * in its request log and its connections. A port already used is held open while asking again.
 */
async function startOnUnusedPort(options: GatewayOptions): Promise<Gateway> {
  const held: Gateway[] = [];
  try {
    for (let attempt = 0; attempt < 50; attempt++) {
      const gateway = await startGateway({ ...options, port: 0 });
      if (!portsUsed.has(gateway.port)) {
        portsUsed.add(gateway.port);
        return gateway;
      }
      held.push(gateway);
    }
    throw new Error('startTestGateway: the OS gave 50 ports already used in this run');
  } finally {
    await Promise.all(held.map((gateway) => gateway.close()));
  }
}

function external(url: string): TestGateway {
  const post = async (path: string, body: unknown = {}): Promise<void> => {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path} answered ${response.status}`);
  };
  return {
    url,
    external: true,
    embedded: undefined,
    faults: {
      dropConnections: (o = {}) => post('/_test/faults/drop', o),
      killSockets: () => post('/_test/faults/kill'),
      expireTokens: () => post('/_test/faults/expire-tokens'),
      emitRaw: (conversationId, event, payload) => post('/_test/faults/emit-raw', { conversationId, event, payload }),
      refuseConnections: (durationMs) => post('/_test/faults/refuse', { durationMs }),
      duplicateEvents: (on) => post('/_test/faults/duplicate', { on }),
      delayEvents: (delayMs) => post('/_test/faults/delay', { delayMs }),
    },
    login: (username) => devLogin(url, username),
    requests: () => [],
    fetchRequests: async () => {
      const response = await fetch(`${url}/_test/requests`);
      if (!response.ok) throw new Error(`/_test/requests answered ${response.status}`);
      return (await response.json()) as RecordedRequest[];
    },
    restart: async () => {
      const control = process.env.CHAT_GATEWAY_CONTROL_URL;
      if (control === undefined) throw new Error('restart needs CHAT_GATEWAY_CONTROL_URL when the gateway is external');
      const response = await fetch(`${control.replace(/\/$/, '')}/restart`, { method: 'POST' });
      if (!response.ok) throw new Error(`restart answered ${response.status}`);
    },
    // The external gateway outlives this suite: switch off any fault a failing test left on.
    close: async () => {
      await post('/_test/faults/duplicate', { on: false }).catch(() => undefined);
      await post('/_test/faults/delay', { delayMs: 0 }).catch(() => undefined);
      await post('/_test/faults/refuse', { durationMs: 0 }).catch(() => undefined);
    },
  };
}

async function devLogin(
  url: string,
  username: string,
): Promise<{ token: string; expiresAt: string; user: { id: string; uniqueName: string; fullName: string } }> {
  const response = await fetch(`${url}/api/auth/login/dev`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'dev' }),
  });
  if (!response.ok) throw new Error(`dev login of ${username} answered ${response.status}`);
  return (await response.json()) as { token: string; expiresAt: string; user: { id: string; uniqueName: string; fullName: string } };
}

/** A mark in a gateway's request log: `since()` lists the REST requests recorded after it. */
export interface RequestMark {
  /** The requests recorded after the mark (that match `filter`), oldest first. */
  since(filter?: (r: RecordedRequest) => boolean): Promise<RecordedRequest[]>;
  /** The same, read synchronously from an embedded gateway. */
  sinceNow(filter?: (r: RecordedRequest) => boolean): RecordedRequest[];
}

function newestSeq(requests: readonly RecordedRequest[]): number {
  return requests.length === 0 ? 0 : (requests[requests.length - 1]?.seq ?? 0);
}

function markAt(gw: TestGateway, requests: readonly RecordedRequest[]): RequestMark {
  const seq = newestSeq(requests);
  const at = Date.now();
  const after = (all: readonly RecordedRequest[], filter: (r: RecordedRequest) => boolean): RecordedRequest[] =>
    // By sequence number, not by position or time: the log keeps the last 1,000 entries, and
    // several requests can share a millisecond. A log whose newest number is below the mark
    // belongs to a restarted external process (its numbering starts again): fall back to time.
    (newestSeq(all) >= seq ? all.filter((r) => r.seq > seq) : all.filter((r) => r.at >= at)).filter(filter);
  return {
    since: async (filter = () => true) => after(await gw.fetchRequests(), filter),
    sinceNow: (filter = () => true) => {
      if (gw.external) throw new Error('sinceNow() reads an embedded gateway; use since() for an external one');
      return after(gw.requests(), filter);
    },
  };
}

/** Marks the request log now (embedded or external). */
export async function requestMark(gw: TestGateway): Promise<RequestMark> {
  return markAt(gw, await gw.fetchRequests());
}

/** Marks the request log of an embedded gateway synchronously. */
export function requestMarkNow(gw: TestGateway): RequestMark {
  if (gw.external) throw new Error('requestMarkNow() reads an embedded gateway; use requestMark() for an external one');
  return markAt(gw, gw.requests());
}
