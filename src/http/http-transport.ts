import axios, {
  type AxiosInstance,
  type AxiosProgressEvent,
  type AxiosRequestConfig,
  type AxiosResponse,
  type AxiosResponseTransformer,
  type CreateAxiosDefaults,
} from 'axios';
import { either } from 'fp-ts';
import type * as t from 'io-ts';
import {
  Observable,
  asyncScheduler,
  catchError,
  defer,
  filter,
  map,
  of,
  retry,
  switchMap,
  throwError,
  timeout,
  type SchedulerLike,
  type Subscriber,
} from 'rxjs';
import type { DecodeError } from '../codecs/decode-error.js';
import { decodeWith } from '../codecs/decode-with.js';
import { typeFirst } from '../codecs/type-first.js';
import { AuthSession } from './auth-session.js';
import { ChatApiError } from './chat-api-error.js';
import { InvalidArgumentError } from '../core/invalid-argument-error.js';
import { ROUTES, resolveRoute, type HttpMethod, type ResolvedRoute, type RouteName, type RouteTable } from './routes.js';

/**
 * How the transport turns a 2xx response into the emitted value.
 *
 * - `'json'`: parse JSON and, when a `codec` is given, decode it (a mismatch errors with kind `decode`).
 * - `'nullOn204'`: like `'json'`, but a 204 (or an empty body) emits `null`.
 * - `'text'`: emit the body as a string.
 * - `'void'`: ignore the body and emit `undefined`.
 */
export type ResponseMode = 'json' | 'text' | 'void' | 'nullOn204';

/** Upload progress: bytes sent so far and the body's total size (undefined when unknown). */
export interface HttpProgressEvent {
  /** Tells a progress event from the final `done` one. */
  readonly type: 'progress';
  /** Bytes of the body sent so far. */
  readonly loaded: number;
  /** The body's total size in bytes; undefined when unknown. */
  readonly total: number | undefined;
}

/** The final event of a request observed with progress: the decoded response. */
export interface HttpDoneEvent<T> {
  /** Tells the final event from a `progress` one. */
  readonly type: 'done';
  /** The decoded response, as `request` would emit it. */
  readonly response: T;
}

/**
 * What `HttpTransport.events` emits: zero or more `progress` events (upload bytes, never
 * decreasing), then exactly one `done` with the decoded response, then completion.
 */
export type HttpEvent<T> = HttpProgressEvent | HttpDoneEvent<T>;

/** Query parameters; `undefined` and `null` values are left out. */
export type QueryParams = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** A request for `HttpTransport.request`. */
export interface RequestSpec {
  /** The HTTP method. */
  readonly method: HttpMethod;
  /** A path relative to the base URL (`/api/...`), or an absolute URL (e.g. a presigned upload URL). */
  readonly path: string;
  /** Query parameters, appended URL-encoded. */
  readonly query?: QueryParams;
  /**
   * The body: a `Blob`/`File`, `ArrayBuffer`, `Uint8Array`/`Buffer`, `FormData` or
   * `URLSearchParams` is sent as is; anything else as JSON (a string too, unless `contentType` is set).
   */
  readonly body?: unknown;
  /** The body's `Content-Type`. @default `application/json` for JSON, the Blob's type or `application/octet-stream` for binary */
  readonly contentType?: string;
  /** Send the session's token (only ever to the gateway's origin) and refresh it once on a 401. */
  readonly auth: boolean;
  /** The codec the JSON response is decoded with (through `decodeWith`). */
  readonly codec?: t.Any;
  /** How the response becomes the emitted value. @default 'json' */
  readonly response?: ResponseMode;
  /** Extra request headers. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Called with upload progress (also available as events through `HttpTransport.events`). */
  readonly onUploadProgress?: (progress: HttpProgressEvent) => void;
  /**
   * Fails with kind `timeout` after this long without a response or upload progress; 0 = never.
   * @default the transport's `timeoutMs`
   */
  readonly timeoutMs?: number;
}

/** A request whose JSON response is decoded with `codec`. */
export type CodecRequestSpec<C extends t.Any> = RequestSpec & { readonly codec: C };

/** Options of {@link HttpTransport}. */
export interface HttpTransportOptions {
  /** The gateway's base URL, e.g. `https://chat-api.example.com` (a path prefix is kept). */
  readonly baseUrl: string;
  /** The auth session shared with the hubs. @default a new `AuthSession({ baseUrl })` */
  readonly session?: AuthSession;
  /** Route overrides for a deployment with other paths. @default ROUTES */
  readonly routes?: Partial<RouteTable>;
  /** Fail a request after this long without a response or upload progress; 0 = never. @default 30_000 */
  readonly timeoutMs?: number;
  /** The axios adapter(s): `'http'` (Node), `'xhr'`, `'fetch'` or a function. @default axios's choice (xhr in browsers, http in Node) */
  readonly adapter?: AxiosRequestConfig['adapter'];
  /** Headers sent with every request. @default none */
  readonly headers?: Readonly<Record<string, string>>;
  /** Further axios defaults (agents, proxy, `withCredentials`…), passed to `axios.create`. @default `{}` */
  readonly axiosDefaults?: CreateAxiosDefaults;
  /** The scheduler timeouts run on, and whose `now()` a `Retry-After` date is measured from. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
  /**
   * The largest response body read, in bytes: a larger one is abandoned (the connection is closed
   * as soon as the limit is passed) and the call fails with a {@link ChatApiError} of kind
   * `invalid-response` ("Response too large"). Enforced while reading by axios's Node (`http`) and
   * `fetch` adapters; with `xhr` the browser reads the whole body first and it is refused then.
   * @default 67_108_864 (64 MiB)
   */
  readonly maxResponseBytes?: number;
  /**
   * The header a JSON body's string `clientMessageId` (a message send) is also sent in, so that a
   * server can recognise a request sent twice (the transport re-sends one that failed on a stale
   * keep-alive socket); `null` sends none (e.g. for a gateway whose CORS policy does not allow it).
   * A header of that name in the request's own `headers` wins.
   * @default 'Idempotency-Key'
   */
  readonly idempotencyKeyHeader?: string | null;
}

/** The default of {@link HttpTransportOptions.maxResponseBytes}: 64 MiB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/** A response as it arrives, before decoding. */
interface RawResponse {
  readonly status: number;
  readonly text: string;
}

const ABSOLUTE_URL = /^[a-z][a-z\d+\-.]*:\/\//i;

function isAbsoluteUrl(url: string): boolean {
  return ABSOLUTE_URL.test(url) || url.startsWith('//');
}

/** The body as axios should send it, its content type, size in bytes (when known) and whether it is JSON we wrote. */
function encodeBody(
  body: unknown,
  contentType: string | undefined,
): { data: unknown; contentType: string | undefined; size: number | undefined; json?: true } {
  if (body === undefined) return { data: undefined, contentType, size: undefined };
  if (typeof Blob !== 'undefined' && body instanceof Blob) {
    return { data: body, contentType: contentType ?? (body.type !== '' ? body.type : 'application/octet-stream'), size: body.size };
  }
  if (body instanceof ArrayBuffer) {
    return { data: body, contentType: contentType ?? 'application/octet-stream', size: body.byteLength };
  }
  if (ArrayBuffer.isView(body)) {
    const NodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;
    // axios's Node adapter takes a Buffer but not a bare Uint8Array; the browser adapters take any view.
    const data =
      NodeBuffer !== undefined && !NodeBuffer.isBuffer(body) ? NodeBuffer.from(body.buffer, body.byteOffset, body.byteLength) : body;
    return { data, contentType: contentType ?? 'application/octet-stream', size: body.byteLength };
  }
  if (
    (typeof FormData !== 'undefined' && body instanceof FormData) ||
    (typeof URLSearchParams !== 'undefined' && body instanceof URLSearchParams)
  ) {
    return { data: body, contentType, size: undefined };
  }
  if (typeof body === 'string' && contentType !== undefined) return { data: body, contentType, size: undefined };
  // `$type` first in every block: System.Text.Json refuses a polymorphic object whose `$type` is not.
  return { data: JSON.stringify(typeFirst(body)), contentType: contentType ?? 'application/json', size: undefined, json: true };
}

/**
 * A REST 401: a `ChatApiError` of kind `http` with status 401 (the only errors this transport
 * makes). The hubs' `isUnauthorized` decides by status too, but over SignalR's error types.
 */
function isUnauthorized(error: unknown): error is ChatApiError {
  return ChatApiError.is(error) && error.kind === 'http' && error.status === 401;
}

// Everything an axios request config holds lives as long as the config, and the config outlives
// the request: an idle keep-alive socket in the agent's pool keeps the config of a request it
// served reachable (5 s on the embedded gateway, 130 s on ASP.NET; axios 1.15.2 and later also pin
// each socket's first request scope to it, axios/axios#11091). So the config holds only these
// module-level constants and closures made by the factories below, which reach the subscriber
// through an {@link ExchangeSink} that is cut when the exchange ends — never a closure made inside
// the subscribe function, whose scope holds the subscriber (and through it the whole pipeline).

/** Every status is a response: the transport tells success from failure itself. */
const ACCEPT_EVERY_STATUS = (): boolean => true;
/** Bodies go out as encoded and come back as text: no axios transform. */
const AS_IS: AxiosResponseTransformer[] = [(body: unknown): unknown => body];

/**
 * The link from axios's callbacks to one exchange's subscriber: `subscriber` is set to null when
 * the exchange ends (answered, failed or unsubscribed), so whatever keeps the callbacks (or the
 * config they sit in) afterwards keeps nothing of the subscriber.
 */
interface ExchangeSink {
  subscriber: Subscriber<HttpEvent<RawResponse>> | null;
  /** True once axios answered (then unsubscribing has nothing left to abort). */
  settled: boolean;
}

/** The `onUploadProgress` of one exchange: forwards bytes sent while the exchange runs. */
function progressTo(sink: ExchangeSink, size: number | undefined): (progress: AxiosProgressEvent) => void {
  return (progress) => {
    const subscriber = sink.subscriber;
    if (subscriber === null || subscriber.closed) return;
    subscriber.next({ type: 'progress', loaded: progress.loaded, total: progress.total ?? size });
  };
}

/** What a transport's exchange needs to turn axios's outcome into events. */
interface ExchangeContext {
  readonly maxResponseBytes: number;
  readonly scheduler: SchedulerLike;
}

/** Socket error codes of a keep-alive socket the server had closed when the request was written. */
const STALE_SOCKET_CODES: ReadonlySet<unknown> = new Set(['ECONNRESET', 'EPIPE']);

/** The failures of a request on a reused keep-alive socket before any response byte (safe to send again). */
const staleSocketFailures = new WeakSet<ChatApiError>();

/**
 * True when axios failed because the keep-alive socket it reused had been closed by the server
 * before any response byte came back — Node's documented retry case (`request.reusedSocket` and
 * `ECONNRESET`). axios gives the request it failed on as `error.request`: Node's `ClientRequest`,
 * or follow-redirects' wrapper (axios's default transport) holding it as `_currentRequest`.
 */
function failedOnStaleSocket(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: unknown; cause?: { code?: unknown }; request?: unknown; response?: unknown };
  if (e.response !== undefined && e.response !== null) return false;
  if (!STALE_SOCKET_CODES.has(e.code) && !STALE_SOCKET_CODES.has(e.cause?.code)) return false;
  if (typeof e.request !== 'object' || e.request === null) return false;
  const native = ((e.request as { _currentRequest?: unknown })._currentRequest ?? e.request) as { reusedSocket?: unknown; res?: unknown };
  return native.reusedSocket === true && (native.res === undefined || native.res === null);
}

/** True for a failure the transport sends once more at once: see {@link HttpTransport}. */
function isStaleSocketFailure(error: unknown): boolean {
  return ChatApiError.is(error) && staleSocketFailures.has(error);
}

/** axios answered: emit the response (2xx) or its error, then end the exchange. */
function onAnswer(sink: ExchangeSink, context: ExchangeContext): (response: AxiosResponse<unknown>) => void {
  return (response) => {
    sink.settled = true;
    const subscriber = sink.subscriber;
    if (subscriber === null) return;
    const text = typeof response.data === 'string' ? response.data : response.data == null ? '' : String(response.data);
    // An adapter that does not enforce `maxContentLength` (the browser's xhr) read it all: refuse it now.
    if (text.length > context.maxResponseBytes) {
      subscriber.error(ChatApiError.tooLarge(response.status, `the response body is over ${context.maxResponseBytes} bytes`));
      return;
    }
    if (response.status < 200 || response.status >= 300) {
      subscriber.error(
        ChatApiError.fromResponse(response.status, text, response.statusText, undefined, {
          headers: response.headers,
          now: context.scheduler.now(),
        }),
      );
      return;
    }
    subscriber.next({ type: 'done', response: { status: response.status, text } });
    subscriber.complete();
  };
}

/** axios failed: emit the error as a ChatApiError (remembering a stale-socket failure), ending the exchange. */
function onFailure(sink: ExchangeSink, context: ExchangeContext): (error: unknown) => void {
  return (error) => {
    sink.settled = true;
    const subscriber = sink.subscriber;
    if (subscriber === null) return;
    const failure = ChatApiError.from(error, { now: context.scheduler.now() });
    if (failedOnStaleSocket(error)) staleSocketFailures.add(failure);
    subscriber.error(failure);
  };
}

/** The `Idempotency-Key` of a JSON body: its `clientMessageId` when that is a usable header value. */
function idempotencyKeyOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || ArrayBuffer.isView(body) || body instanceof ArrayBuffer)
    return undefined;
  const id = (body as { clientMessageId?: unknown }).clientMessageId;
  // Visible ASCII (and inner spaces) only: anything else is not a valid header value.
  return typeof id === 'string' && /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/.test(id) ? id : undefined;
}

function hasHeader(headers: Readonly<Record<string, string>>, name: string): boolean {
  const lower = name.toLowerCase();
  return Object.keys(headers).some((key) => key.toLowerCase() === lower);
}

/**
 * The REST transport: one axios instance, every call a **cold** Observable.
 *
 * - Nothing is sent until subscribe; every subscription sends its own request.
 * - Each subscription has its own `AbortController`: unsubscribing aborts the request and
 *   nothing is emitted afterwards.
 * - The token is read from the {@link AuthSession} at subscribe time (refreshed first when it
 *   is known to expire within the session's margin), and sent only to the gateway's own origin:
 *   an absolute URL on another origin (a presigned storage URL) never gets the Authorization header.
 * - On a 401 it waits for the session's single-flight refresh and retries once with the new
 *   token; when the refresh gives up (`null`) the 401 reaches the subscriber, and so does the
 *   error of a refresh that failed after the request was sent (the whole burst shares it).
 * - A request that failed on a reused keep-alive socket before any response byte (Node:
 *   `reusedSocket` and `ECONNRESET`/`EPIPE`, e.g. the first request after a gateway restart) is
 *   sent once more at once, whatever its method; a GET or HEAD is also sent once more after any
 *   other network failure. A JSON body's string `clientMessageId` goes along as `Idempotency-Key`.
 * - A response body over `maxResponseBytes` (64 MiB) is not read: kind `invalid-response`.
 * - The body is decoded through `decodeWith`; every failure is a {@link ChatApiError}.
 *
 * Exported for power users who build extra API modules (the seed's `HttpClient`).
 *
 * @example
 * ```ts
 * const http = new HttpTransport({ baseUrl: 'https://chat.example.com', session });
 * const me$ = http.request({ method: 'GET', path: '/api/participants/me', auth: true, codec: ParticipantDto });
 * me$.subscribe((me) => console.log(me.fullName));
 * ```
 */
export class HttpTransport {
  /** The gateway base URL (no trailing slash). */
  readonly baseUrl: string;
  /** The auth session whose token this transport sends. */
  readonly session: AuthSession;
  /** The route table in use (defaults merged with overrides). */
  readonly routes: RouteTable;

  private readonly http: AxiosInstance;
  private readonly timeoutMs: number;
  private readonly scheduler: SchedulerLike;
  private readonly defaultHeaders: Readonly<Record<string, string>>;
  private readonly gatewayOrigin: string | null;
  private readonly idempotencyKeyHeader: string | null;
  private readonly context: ExchangeContext;

  constructor(options: HttpTransportOptions) {
    if (typeof options.baseUrl !== 'string') throw new InvalidArgumentError('baseUrl', 'expected a string');
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.gatewayOrigin = isAbsoluteUrl(this.baseUrl)
      ? new URL(this.baseUrl).origin
      : ((globalThis as { location?: { origin?: string } }).location?.origin ?? null);
    this.session = options.session ?? new AuthSession({ baseUrl: this.baseUrl });
    if (this.session.baseUrl !== '' && this.session.baseUrl !== this.baseUrl) {
      throw new InvalidArgumentError('session', `belongs to ${this.session.baseUrl}, not ${this.baseUrl}`);
    }
    this.routes = { ...ROUTES, ...options.routes };
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.defaultHeaders = options.headers ?? {};
    const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    if (typeof maxResponseBytes !== 'number' || Number.isNaN(maxResponseBytes) || maxResponseBytes <= 0) {
      throw new InvalidArgumentError('maxResponseBytes', 'expected a positive number of bytes');
    }
    this.idempotencyKeyHeader = options.idempotencyKeyHeader === undefined ? 'Idempotency-Key' : options.idempotencyKeyHeader;
    this.context = { maxResponseBytes, scheduler: this.scheduler };
    this.http = axios.create({
      ...options.axiosDefaults,
      ...(options.adapter !== undefined ? { adapter: options.adapter } : {}),
    });
  }

  /**
   * Looks a route up in this transport's table and fills in its (encoded) parameters.
   *
   * @example
   * ```ts
   * http.route('messages.getById', { id }); // { method: 'GET', path: '/api/messages/01H…' }
   * ```
   */
  route(name: RouteName, params?: Readonly<Record<string, string>>): ResolvedRoute & { method: HttpMethod } {
    const resolved = resolveRoute(this.routes, name, params);
    return { method: resolved.method === '*' ? 'GET' : resolved.method, path: resolved.path };
  }

  /**
   * The absolute URL of `path` (relative to the base URL, or already absolute) with `query`.
   *
   * @example
   * ```ts
   * http.url('/api/files/a/b.png'); // "https://chat.example.com/api/files/a/b.png"
   * ```
   */
  url(path: string, query?: QueryParams): string {
    const base = isAbsoluteUrl(path) ? path : `${this.baseUrl}${path.startsWith('/') ? '' : '/'}${path}`;
    if (query === undefined) return base;
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== null) params.append(key, String(value));
    }
    const qs = params.toString();
    return qs === '' ? base : `${base}${base.includes('?') ? '&' : '?'}${qs}`;
  }

  /** True when `url` (relative, or absolute) is on the gateway's origin, i.e. may carry the token. */
  isGatewayUrl(url: string): boolean {
    if (!isAbsoluteUrl(url)) return true;
    try {
      return this.gatewayOrigin !== null && new URL(url).origin === this.gatewayOrigin;
    } catch {
      return false;
    }
  }

  /**
   * Sends one request per subscription and emits its decoded response once, then completes.
   * Errors with a {@link ChatApiError} (HTTP status, network, timeout, decode). See the class
   * comment for cold-ness, cancellation, auth and the 401 retry.
   *
   * @example
   * ```ts
   * http.request({ method: 'GET', path: '/health/live', auth: false, response: 'text' }).subscribe(console.log);
   * ```
   */
  request<C extends t.Any>(spec: CodecRequestSpec<C> & { readonly response?: 'json' }): Observable<t.TypeOf<C>>;
  /** Decodes the JSON response with `codec`, as `response: 'json'` does, but a 204 (or an empty body) emits `null`. */
  request<C extends t.Any>(spec: CodecRequestSpec<C> & { readonly response: 'nullOn204' }): Observable<t.TypeOf<C> | null>;
  /** Emits the response body as a string. */
  request(spec: RequestSpec & { readonly response: 'text' }): Observable<string>;
  /** Ignores the response body; emits `undefined` once the request succeeded. */
  request(spec: RequestSpec & { readonly response: 'void' }): Observable<void>;
  /** Any request: emits what its `response` mode makes of the body (parsed JSON by default, decoded when `codec` is set). */
  request(spec: RequestSpec): Observable<unknown>;
  request(spec: RequestSpec): Observable<unknown> {
    return this.run(spec, false).pipe(
      filter((event): event is HttpDoneEvent<unknown> => event.type === 'done'),
      map((event) => event.response),
    );
  }

  /**
   * Like `request`, but emits upload progress as `{ type: 'progress', loaded, total }`
   * events (never decreasing; the last one has `loaded === total` when the size is known) and
   * then `{ type: 'done', response }`, then completes. Unsubscribing aborts the upload.
   *
   * @example
   * ```ts
   * http.events({ method: 'PUT', path: uploadUrl, auth: true, body: file, codec: UploadResponse })
   *   .subscribe((e) => e.type === 'progress' ? bar.set(e.loaded / (e.total ?? 1)) : done(e.response));
   * ```
   */
  events<C extends t.Any>(spec: CodecRequestSpec<C> & { readonly response?: 'json' }): Observable<HttpEvent<t.TypeOf<C>>>;
  /** Any request, with upload progress: `progress` events, then `done` with what its `response` mode makes of the body. */
  events(spec: RequestSpec): Observable<HttpEvent<unknown>>;
  events(spec: RequestSpec): Observable<HttpEvent<unknown>> {
    return this.run(spec, true);
  }

  private run(spec: RequestSpec, withProgress: boolean): Observable<HttpEvent<unknown>> {
    return defer(() => {
      const url = this.url(spec.path, spec.query);
      const mode = spec.response ?? 'json';
      const decode = spec.codec !== undefined ? decodeWith(spec.codec) : undefined;
      // A keep-alive socket the server closed meanwhile (a gateway restart) fails the first request
      // on it with "socket hang up" before any response byte, although nothing is wrong any more:
      // that request is sent once more at once, whatever its method (the server never read it).
      // A safe request (GET, HEAD) is also sent once more after any other network failure.
      const safe = spec.method === 'GET' || spec.method === 'HEAD';
      const resend = (error: unknown): boolean =>
        isStaleSocketFailure(error) || (safe && ChatApiError.is(error) && error.kind === 'network');
      const attempt = (token: string | null): Observable<HttpEvent<RawResponse>> =>
        this.attempt(spec, url, token, withProgress || spec.onUploadProgress !== undefined).pipe(
          retry({ count: 1, delay: (error: unknown) => (resend(error) ? of(0) : throwError(() => error)) }),
        );

      let raw$: Observable<HttpEvent<RawResponse>>;
      if (!spec.auth || !this.isGatewayUrl(url)) {
        raw$ = attempt(null);
      } else {
        const session = this.session;
        // Read before anything is sent: a refresh that fails from now on answers this request's
        // 401 too, instead of being asked again (one refreshToken call for a burst of 401s).
        const sentAt = session.refreshEpoch;
        raw$ = session.freshToken().pipe(
          catchError(() => of(session.getToken())),
          switchMap((token) =>
            attempt(token).pipe(
              catchError((error: unknown) => {
                if (!isUnauthorized(error) || !session.canRefresh) return throwError(() => error);
                return session.refresh(token, sentAt).pipe(
                  catchError((refreshError: unknown) =>
                    throwError(() => new ChatApiError({ ...error, kind: 'http', cause: refreshError })),
                  ),
                  switchMap((fresh) => (fresh === null ? throwError(() => error) : attempt(fresh))),
                );
              }),
            ),
          ),
        );
      }

      let lastLoaded = -1;
      let lastTotal: number | undefined;
      return raw$.pipe(
        filter((event) => {
          if (event.type !== 'progress') return true;
          // progress never goes backwards (a 401 retry re-sends the body from 0)
          if (event.loaded <= lastLoaded) return false;
          lastLoaded = event.loaded;
          lastTotal = event.total;
          spec.onUploadProgress?.(event);
          return withProgress;
        }),
        switchMap((event): Observable<HttpEvent<unknown>> => {
          if (event.type === 'progress') return of(event);
          const done: HttpDoneEvent<unknown> = { type: 'done', response: decodeResponse(event.response, mode, decode) };
          if (lastTotal !== undefined && lastLoaded >= 0 && lastLoaded < lastTotal) {
            const final: HttpProgressEvent = { type: 'progress', loaded: lastTotal, total: lastTotal };
            spec.onUploadProgress?.(final);
            return withProgress ? of(final, done) : of(done);
          }
          return of(done);
        }),
      );
    });
  }

  /**
   * The axios config of one exchange. Built outside the subscribe function on purpose: it holds
   * constants, strings, the body, the abort signal and closures over `sink` only.
   */
  private configFor(
    spec: RequestSpec,
    url: string,
    token: string | null,
    reportProgress: boolean,
    sink: ExchangeSink,
    signal: AbortSignal,
  ): AxiosRequestConfig {
    const { data, contentType, size, json } = encodeBody(spec.body, spec.contentType);
    const headers: Record<string, string> = { ...this.defaultHeaders, ...spec.headers };
    if (contentType !== undefined) headers['Content-Type'] = contentType;
    if (token !== null) headers.Authorization = `Bearer ${token}`;
    const keyHeader = this.idempotencyKeyHeader;
    if (keyHeader !== null && json === true && !hasHeader(headers, keyHeader)) {
      const key = idempotencyKeyOf(spec.body);
      if (key !== undefined) headers[keyHeader] = key;
    }
    return {
      url,
      method: spec.method,
      headers,
      data,
      signal,
      responseType: 'text',
      transformRequest: AS_IS,
      transformResponse: AS_IS,
      validateStatus: ACCEPT_EVERY_STATUS,
      maxBodyLength: Infinity,
      maxContentLength: this.context.maxResponseBytes,
      ...(reportProgress && data !== undefined ? { onUploadProgress: progressTo(sink, size) } : {}),
    };
  }

  /** One HTTP exchange: the boundary where axios becomes an Observable (unsubscribe aborts). */
  private attempt(spec: RequestSpec, url: string, token: string | null, reportProgress: boolean): Observable<HttpEvent<RawResponse>> {
    const limit = spec.timeoutMs ?? this.timeoutMs;
    const exchange$ = new Observable<HttpEvent<RawResponse>>((subscriber) => {
      // Nothing handed to axios below may close over `subscriber` (see ExchangeSink).
      const controller = new AbortController();
      const sink: ExchangeSink = { subscriber, settled: false };
      this.http
        .request<unknown>(this.configFor(spec, url, token, reportProgress, sink, controller.signal))
        .then(onAnswer(sink, this.context), onFailure(sink, this.context));
      return () => {
        sink.subscriber = null;
        if (!sink.settled) controller.abort();
      };
    });
    if (limit <= 0) return exchange$;
    return exchange$.pipe(
      timeout({
        each: limit,
        scheduler: this.scheduler,
        with: () =>
          throwError(
            () =>
              new ChatApiError({
                kind: 'timeout',
                status: 0,
                title: 'Request timed out',
                detail: `${spec.method} ${spec.path}: no response within ${limit} ms`,
              }),
          ),
      }),
    );
  }
}

/** Turns a 2xx response into the emitted value according to `mode`; throws a ChatApiError. */
function decodeResponse(
  raw: RawResponse,
  mode: ResponseMode,
  decode: ((input: unknown) => either.Either<DecodeError, unknown>) | undefined,
): unknown {
  if (mode === 'void') return undefined;
  if (mode === 'text') return raw.text;
  const empty = raw.text.trim() === '';
  if (mode === 'nullOn204' && (raw.status === 204 || empty)) return null;
  let json: unknown = null;
  if (!empty) {
    try {
      json = JSON.parse(raw.text) as unknown;
    } catch (cause) {
      throw new ChatApiError({
        kind: 'invalid-response',
        status: raw.status,
        title: 'Invalid response body',
        detail: `expected JSON, got: ${raw.text.slice(0, 100)}`,
        body: raw.text,
        cause,
      });
    }
  } else if (decode !== undefined) {
    throw new ChatApiError({
      kind: 'invalid-response',
      status: raw.status,
      title: 'Invalid response body',
      detail: `expected a JSON body, got an empty response (HTTP ${raw.status})`,
    });
  }
  if (decode === undefined) return json;
  const result = decode(json);
  if (either.isLeft(result)) throw ChatApiError.fromDecodeError(result.left, raw.status, json);
  return result.right;
}
