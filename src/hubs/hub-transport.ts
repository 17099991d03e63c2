import { DefaultHttpClient, HttpClient, HttpError, type HttpRequest, type HttpResponse, type ILogger } from '@microsoft/signalr';
import { AnsweredHttpError, NodeFetchHttpClient } from './node-fetch-http-client.js';

/** A 401 the server answered to negotiate or to the WebSocket upgrade, as {@link HubTransport} saw it. */
export interface HubRefusal {
  /** The HTTP status (401). */
  readonly status: number;
  /** Which request was refused. */
  readonly phase: 'negotiate' | 'WebSocket upgrade';
  /** The origin that answered. */
  readonly origin: string;
  /**
   * True when the user's token may not go to the origin that answered (another origin, no
   * `accessToken` for it in a negotiate answer), so it was not sent: the refusal says nothing
   * about the token.
   */
  readonly tokenWithheld: boolean;
}

/** The WebSocket constructor shape SignalR calls (`new (url, protocols, { headers })` in Node). */
export interface HubWebSocketConstructor {
  new (url: string, protocols?: string | string[], options?: { headers?: Record<string, string> }): WebSocket;
  readonly CONNECTING: number;
  readonly OPEN: number;
  readonly CLOSING: number;
  readonly CLOSED: number;
}

/** The EventSource constructor shape SignalR calls (`new (url, { withCredentials, headers })`; headers in Node). */
export type HubEventSourceConstructor = new (
  url: string,
  init?: { withCredentials?: boolean; headers?: Record<string, string> },
) => EventSource;

/** The `eventsource` package (what SignalR itself loads in Node), named through a variable so that browser bundlers never follow it. */
const NODE_EVENTSOURCE_MODULE = 'eventsource';

/** What this file needs of the `ws` package's WebSocket (loaded at run time in Node only). */
interface NodeWebSocket {
  on(event: 'unexpected-response', listener: (request: unknown, response: { statusCode?: number }) => void): unknown;
  once(event: 'open' | 'close', listener: () => void): unknown;
  terminate(): void;
}
type NodeWebSocketConstructor = new (url: string, protocols?: string | string[], options?: object) => NodeWebSocket;

/** The `ws` package, named through a variable so that browser bundlers never follow it. */
const NODE_WEBSOCKET_MODULE = 'ws';

const isNode = typeof process !== 'undefined' && process.release?.name === 'node';

/**
 * Makes `source.on<type>` a plain slot that one listener of ours calls after `first`: SignalR sets
 * `onopen`/`onerror`, and the `eventsource` package's setters remove every listener of the type
 * (ours with them); a browser's keep them, and this works the same there.
 */
function handlerSlot(source: EventSource, type: 'open' | 'error', first: () => void): void {
  let handler: ((this: EventSource, event: Event) => unknown) | null = null;
  source.addEventListener(type, (event) => {
    first();
    handler?.call(source, event);
  });
  Object.defineProperty(source, `on${type}`, {
    configurable: true,
    enumerable: true,
    get: () => handler,
    set: (value: unknown) => {
      handler = typeof value === 'function' ? (value as (this: EventSource, event: Event) => unknown) : null;
    },
  });
}

/**
 * How one hub client's SignalR connection reaches the server: the `httpClient` and `WebSocket`
 * constructor handed to SignalR, under three rules SignalR does not keep by itself.
 *
 * - **The user's token goes to the hub URL's origin only.** A request or a WebSocket to another
 *   origin loses its `Authorization` header (and, in browsers, its `access_token` query) unless
 *   a negotiate answer handed out that very token for that origin (`{ url, accessToken }`, e.g.
 *   Azure SignalR). After a negotiate answer that sends the connection to another origin without
 *   an `accessToken`, {@link tokenFactory} gives no token for the rest of the attempt. In Node,
 *   redirects are followed by {@link NodeFetchHttpClient}, which drops the header on a redirect to
 *   another origin.
 * - **A 401 is an HTTP status, never a text.** The status answered to negotiate and to the
 *   WebSocket upgrade (Node) is recorded as {@link refusal} for the current attempt.
 * - **Everything still opening can be aborted** ({@link abort}): the requests in flight and the
 *   WebSockets not yet open, so `disconnect()` or a connect timeout ends a hanging negotiate at
 *   once instead of after SignalR's 100 s HTTP timeout.
 *
 * Internal to the hub clients (one per client); the methods are called by `HubClient`.
 *
 * @example
 * ```ts
 * const transport = new HubTransport(url, logger);
 * builder.withUrl(url, { httpClient: transport.httpClient, accessTokenFactory: transport.tokenFactory(getToken), WebSocket: transport.webSocket });
 * await transport.prepare();
 * transport.beginAttempt();
 * await connection.start(); // on failure: a transport.refusal (401) not tokenWithheld means the token was refused
 * ```
 */
export class HubTransport {
  /** The HTTP client for SignalR (`IHttpConnectionOptions.httpClient`). */
  readonly httpClient: HttpClient;
  /** The WebSocket constructor for SignalR (its `WebSocket` option). */
  readonly webSocket: HubWebSocketConstructor;
  /**
   * The EventSource constructor for SignalR (`IHttpConnectionOptions.EventSource`): the platform's
   * (the `eventsource` package in Node, as SignalR would load it), closed when it fails before it
   * opened. SignalR's Server-Sent Events transport gives up on such a failure without closing it,
   * and an EventSource reconnects by itself: it would try the server again every second or so
   * for as long as the page or process lives (and keep a Node process from exiting).
   */
  readonly eventSource: HubEventSourceConstructor;
  /** The origin the user's token belongs to (null when the hub URL cannot be resolved: no guard then). */
  readonly hubOrigin: string | null;
  private readonly grants = new Map<string, string>();
  private target: string | null;
  private refused: HubRefusal | undefined;
  private sentToken: string | null = null;
  private readonly inFlight = new Set<AbortController>();
  private readonly opening = new Set<() => void>();
  private nodeWebSocket: NodeWebSocketConstructor | undefined;
  private nodeEventSource: HubEventSourceConstructor | undefined;
  private loading: Promise<void> | undefined;

  constructor(hubUrl: string, logger: ILogger) {
    this.hubOrigin = resolveOrigin(hubUrl);
    this.target = this.hubOrigin;
    this.httpClient = new GuardedHttpClient(this, isNode ? new NodeFetchHttpClient() : new DefaultHttpClient(logger));
    const open = (url: string, protocols?: string | string[], options?: { headers?: Record<string, string> }): WebSocket =>
      this.openWebSocket(url, protocols, options);
    this.webSocket = class HubWebSocket {
      static readonly CONNECTING = 0;
      static readonly OPEN = 1;
      static readonly CLOSING = 2;
      static readonly CLOSED = 3;
      constructor(url: string, protocols?: string | string[], options?: { headers?: Record<string, string> }) {
        // A constructor may return another object: SignalR gets the real socket.
        // biome-ignore lint/correctness/noConstructorReturn: SignalR calls `new WebSocket(…)`; returning the opened socket is the point.
        return open(url, protocols, options) as unknown as HubWebSocket;
      }
    } as unknown as HubWebSocketConstructor;
    const openSource = (url: string, init?: { withCredentials?: boolean; headers?: Record<string, string> }): EventSource =>
      this.openEventSource(url, init);
    this.eventSource = class HubEventSource {
      constructor(url: string, init?: { withCredentials?: boolean; headers?: Record<string, string> }) {
        // biome-ignore lint/correctness/noConstructorReturn: SignalR calls `new EventSource(…)`; returning the opened source is the point.
        return openSource(url, init) as unknown as HubEventSource;
      }
    } as unknown as HubEventSourceConstructor;
  }

  /** The 401 answered to negotiate or to the WebSocket upgrade during the current attempt, if any. */
  get refusal(): HubRefusal | undefined {
    return this.refused;
  }

  /** Loads what the platform needs before the first attempt (the `ws` and `eventsource` packages in Node). Never rejects. */
  prepare(): Promise<void> {
    if (!isNode) return Promise.resolve();
    this.loading ??= Promise.all([
      import(/* webpackIgnore: true */ /* @vite-ignore */ NODE_WEBSOCKET_MODULE).then(
        (module: { default?: NodeWebSocketConstructor } & NodeWebSocketConstructor) => {
          this.nodeWebSocket = module.default ?? module;
        },
        () => undefined,
      ),
      import(/* webpackIgnore: true */ /* @vite-ignore */ NODE_EVENTSOURCE_MODULE).then(
        (module: { default?: HubEventSourceConstructor } & HubEventSourceConstructor) => {
          this.nodeEventSource = module.default ?? module;
        },
        () => undefined,
      ),
    ]).then(() => undefined);
    return this.loading;
  }

  /** A new connection attempt starts: it goes to the hub URL's origin; no grant, no refusal, no token sent yet. */
  beginAttempt(): void {
    this.grants.clear();
    this.target = this.hubOrigin;
    this.refused = undefined;
    this.sentToken = null;
  }

  /** The user's token the current attempt handed SignalR last (the one a 401 refused), or null. */
  get lastToken(): string | null {
    return this.sentToken;
  }

  /**
   * The `accessTokenFactory` for SignalR: the user's token while the connection goes to the hub
   * URL's origin, none once a negotiate answer sent it to another origin without an
   * `accessToken` (SignalR stops calling it when the answer had one).
   */
  tokenFactory(factory: (() => string | null | undefined | Promise<string | null | undefined>) | undefined): () => Promise<string> {
    return async () => {
      if (factory === undefined || this.target !== this.hubOrigin) return '';
      const token = await factory();
      if (this.target !== this.hubOrigin) return '';
      this.sentToken = token ?? null;
      return token ?? '';
    };
  }

  /** Aborts every request in flight and every WebSocket still opening (the attempt then fails at once). */
  abort(): void {
    for (const controller of [...this.inFlight]) controller.abort();
    for (const close of [...this.opening]) close();
  }

  /** @internal Removes `Authorization` from `headers` when it may not go to `url`. */
  guardHeaders(headers: Record<string, string>, url: string): void {
    const key = Object.keys(headers).find((name) => name.toLowerCase() === 'authorization');
    if (key === undefined) return;
    const token = (headers[key] ?? '').replace(/^Bearer\s+/i, '');
    if (!this.mayCarry(resolveOrigin(url), token)) delete headers[key];
  }

  /** @internal Tracks a request so that {@link abort} can end it. */
  track(controller: AbortController): () => void {
    this.inFlight.add(controller);
    return () => this.inFlight.delete(controller);
  }

  /** @internal Takes note of a negotiate answer: where it sends the connection, and with which token. */
  negotiated(url: string, response: HttpResponse): void {
    if (typeof response.content !== 'string') return;
    let answer: unknown;
    try {
      answer = JSON.parse(response.content);
    } catch {
      return;
    }
    if (typeof answer !== 'object' || answer === null) return;
    const { url: next, accessToken } = answer as { url?: unknown; accessToken?: unknown };
    if (typeof next !== 'string' || next === '') return;
    const origin = resolveOrigin(next, url);
    this.target = origin;
    if (origin !== null && typeof accessToken === 'string' && accessToken !== '') this.grants.set(origin, accessToken);
  }

  /** @internal Records the status `url` answered to negotiate or the WebSocket upgrade when it is a 401. */
  answered(status: number, phase: HubRefusal['phase'], url: string): void {
    if (status !== 401) return;
    const origin = resolveOrigin(url);
    const tokenWithheld = this.hubOrigin !== null && origin !== this.hubOrigin && !(origin !== null && this.grants.has(origin));
    this.refused = { status, phase, origin: origin ?? 'null', tokenWithheld };
  }

  private mayCarry(origin: string | null, token: string): boolean {
    if (this.hubOrigin === null) return true;
    if (origin === this.hubOrigin) return true;
    return origin !== null && token !== '' && this.grants.get(origin) === token;
  }

  private openWebSocket(
    url: string,
    protocols: string | string[] | undefined,
    options: { headers?: Record<string, string> } | undefined,
  ): WebSocket {
    const Node = this.nodeWebSocket;
    if (isNode) {
      if (Node === undefined)
        throw new Error(`The '${NODE_WEBSOCKET_MODULE}' package could not be loaded: no WebSocket in this Node process`);
      const headers = { ...(options?.headers ?? {}) };
      this.guardHeaders(headers, url);
      const socket = new Node(url, protocols, { ...options, headers });
      const pending = (): void => socket.terminate();
      this.opening.add(pending);
      const opened = (): void => {
        this.opening.delete(pending);
      };
      socket.once('open', opened);
      socket.once('close', opened);
      socket.on('unexpected-response', (_request, response) => {
        // Any answer but 101: note its status, then fail the handshake as `ws` would.
        this.answered(response.statusCode ?? 0, 'WebSocket upgrade', url);
        socket.terminate();
      });
      return socket as unknown as WebSocket;
    }
    const Native = (globalThis as { WebSocket?: new (url: string, protocols?: string | string[]) => WebSocket }).WebSocket;
    if (Native === undefined) throw new Error('No WebSocket in this environment');
    const socket = new Native(this.guardQuery(url), protocols);
    const pending = (): void => socket.close();
    this.opening.add(pending);
    const opened = (): void => {
      this.opening.delete(pending);
    };
    socket.addEventListener('open', opened);
    socket.addEventListener('close', opened);
    return socket;
  }

  /**
   * The platform's EventSource for `url`, closed if it fails before it opened (SignalR then gives
   * up on the transport, see {@link eventSource}); a failure after it opened is SignalR's to handle.
   */
  private openEventSource(url: string, init: { withCredentials?: boolean; headers?: Record<string, string> } | undefined): EventSource {
    const Platform = isNode ? this.nodeEventSource : (globalThis as { EventSource?: HubEventSourceConstructor }).EventSource;
    if (Platform === undefined) throw new Error("'EventSource' is not supported in your environment.");
    const source = new Platform(url, init);
    let opened = false;
    handlerSlot(source, 'open', () => {
      opened = true;
    });
    handlerSlot(source, 'error', () => {
      if (!opened) source.close();
    });
    return source;
  }

  /** Browsers put the token in the `access_token` query: removed when it may not go there. */
  private guardQuery(url: string): string {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return url;
    }
    const token = parsed.searchParams.get('access_token');
    if (token === null || this.mayCarry(resolveOrigin(url), token)) return url;
    parsed.searchParams.delete('access_token');
    return parsed.href;
  }
}

/** SignalR's HTTP client, wrapped: the token guard, the abort, and the negotiate bookkeeping. */
class GuardedHttpClient extends HttpClient {
  constructor(
    private readonly transport: HubTransport,
    private readonly inner: HttpClient,
  ) {
    super();
  }

  override async send(request: HttpRequest): Promise<HttpResponse> {
    const url = request.url ?? '';
    const headers: Record<string, string> = { ...(request.headers ?? {}) };
    this.transport.guardHeaders(headers, url);
    const controller = new AbortController();
    const outer = request.abortSignal;
    if (outer?.aborted) controller.abort();
    else if (outer) outer.onabort = () => controller.abort();
    const untrack = this.transport.track(controller);
    const negotiate = isNegotiate(url);
    try {
      const response = await this.inner.send({
        ...request,
        headers,
        abortSignal: controller.signal as unknown as NonNullable<HttpRequest['abortSignal']>,
      });
      if (negotiate) this.transport.negotiated(url, response);
      return response;
    } catch (error) {
      // The answer may come from another origin than the one asked (a redirect, in Node).
      if (negotiate && error instanceof HttpError)
        this.transport.answered(error.statusCode, 'negotiate', error instanceof AnsweredHttpError ? error.url : url);
      throw error;
    } finally {
      untrack();
      if (outer) outer.onabort = null;
    }
  }

  override getCookieString(url: string): string {
    return this.inner.getCookieString(url);
  }
}

function isNegotiate(url: string): boolean {
  try {
    return new URL(url).pathname.endsWith('/negotiate');
  } catch {
    return false;
  }
}

/** The origin of `url` (relative URLs against `base`, or the page in a browser); ws(s) counts as http(s). */
function resolveOrigin(url: string, base?: string): string | null {
  const page = (globalThis as { location?: { href?: string } }).location?.href;
  try {
    const origin = new URL(url.replace(/^ws/i, 'http'), base ?? page).origin;
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}
