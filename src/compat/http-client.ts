/**
 * The seed SDK's `HttpClient`: Promise-based requests to the gateway with the token, for API
 * modules of your own — over the reactive `HttpTransport` (same token handling, errors, timeouts).
 */
import type * as t from 'io-ts';
import type { Observable } from 'rxjs';
import { AuthSession, type HttpMethod, HttpTransport, type HttpTransportOptions, type QueryParams } from '../http/index.js';
import { InvalidArgumentError } from '../core/invalid-argument-error.js';
import { toPromise } from './promise.js';

/**
 * Options of a standalone {@link HttpClient}: the gateway's `baseUrl` and the token (or a
 * `tokenProvider`, asked while no token was set), plus the reactive transport's settings
 * (`timeoutMs`, `headers`, `adapter`, …).
 *
 * @example
 * ```ts
 * const http = new HttpClient({ baseUrl: 'https://chat-api.example.com', tokenProvider: () => localStorage.getItem('jwt') });
 * ```
 */
export interface HttpClientOptions extends Omit<HttpTransportOptions, 'session'> {
  /** A JWT to start with (wins over `tokenProvider`). @default none */
  readonly token?: string;
  /** Reads the token from outside while the client holds none of its own. @default none */
  readonly tokenProvider?: () => string | null | undefined;
}

/**
 * Options of one {@link HttpClient} request.
 *
 * @example
 * ```ts
 * await http.get('/api/widgets', { query: { limit: 10 }, headers: { 'X-Trace': id } });
 * ```
 */
export interface HttpRequestOptions<C extends t.Any | undefined = undefined> {
  /** Query parameters (`undefined` and `null` left out). @default none */
  readonly query?: QueryParams;
  /** Extra request headers. @default none */
  readonly headers?: Readonly<Record<string, string>>;
  /** Send the token (only ever to the gateway's origin). @default true */
  readonly auth?: boolean;
  /** An io-ts codec the JSON answer is checked with (a mismatch rejects with kind `decode`). @default none */
  readonly codec?: C;
  /** Fail after this long without an answer; 0 = never. @default the client's `timeoutMs` (30 s) */
  readonly timeoutMs?: number;
}

/**
 * What an {@link HttpClient} request resolves with: the codec's type when one is given, else `T`.
 *
 * @example
 * ```ts
 * const widgets: HttpResult<Widget[], undefined> = await http.get<Widget[]>('/api/widgets');
 * ```
 */
export type HttpResult<T, C extends t.Any | undefined> = C extends t.Any ? t.TypeOf<C> : T;

/**
 * Requests to the gateway as Promises, with the JWT — the pattern the seed SDK's API modules are
 * built on, for modules of your own. A JSON body is sent as JSON; the answer is parsed JSON (an
 * empty answer, e.g. 204, resolves with `null`). Failures reject with a `ChatApiError`. The
 * client of a `ChatClient` is its `http` property (same token, same transport).
 *
 * @example
 * ```ts
 * class WidgetApi {
 *   constructor(private readonly http: HttpClient) {}
 *   list(): Promise<Widget[]> { return this.http.get<Widget[]>('/api/widgets'); }
 *   create(widget: NewWidget): Promise<Widget> { return this.http.post<Widget>('/api/widgets', widget); }
 * }
 * const widgets = new WidgetApi(client.http);
 * ```
 */
export class HttpClient {
  /** The reactive transport underneath (cold Observables, upload progress events). */
  readonly transport: HttpTransport;

  /** @param source - the options of a standalone client, or a reactive `HttpTransport` to share. */
  constructor(source: HttpClientOptions | HttpTransport) {
    if (source instanceof HttpTransport) {
      this.transport = source;
      return;
    }
    if (typeof source !== 'object' || source === null)
      throw new InvalidArgumentError('options', 'expected an options object with a baseUrl');
    const { token, tokenProvider, ...transportOptions } = source;
    const session = new AuthSession({
      baseUrl: source.baseUrl,
      ...(token !== undefined ? { token } : {}),
      ...(tokenProvider !== undefined ? { tokenProvider } : {}),
      ...(source.scheduler !== undefined ? { scheduler: source.scheduler } : {}),
    });
    this.transport = new HttpTransport({ ...transportOptions, session });
  }

  /** The gateway's base URL (no trailing slash). */
  get baseUrl(): string {
    return this.transport.baseUrl;
  }

  /** The token requests carry now (the one set, else the `tokenProvider`'s), or null. */
  getToken(): string | null {
    return this.transport.session.getToken();
  }

  /** Sets the token for every later request (`null` forgets it). */
  setToken(token: string | null): void {
    this.transport.session.setToken(token);
  }

  /** The absolute URL of a gateway path (a relative one gets the base URL in front). */
  url(path: string, query?: QueryParams): string {
    return this.transport.url(path, query);
  }

  /** `GET path`. */
  get<T = unknown, C extends t.Any | undefined = undefined>(path: string, options?: HttpRequestOptions<C>): Promise<HttpResult<T, C>> {
    return this.request<T, C>('GET', path, undefined, options);
  }

  /** `POST path` with a JSON `body`. */
  post<T = unknown, C extends t.Any | undefined = undefined>(
    path: string,
    body?: unknown,
    options?: HttpRequestOptions<C>,
  ): Promise<HttpResult<T, C>> {
    return this.request<T, C>('POST', path, body, options);
  }

  /** `PUT path` with a JSON `body` (a `Blob` or bytes are sent as they are). */
  put<T = unknown, C extends t.Any | undefined = undefined>(
    path: string,
    body?: unknown,
    options?: HttpRequestOptions<C>,
  ): Promise<HttpResult<T, C>> {
    return this.request<T, C>('PUT', path, body, options);
  }

  /** `PATCH path` with a JSON `body`. */
  patch<T = unknown, C extends t.Any | undefined = undefined>(
    path: string,
    body?: unknown,
    options?: HttpRequestOptions<C>,
  ): Promise<HttpResult<T, C>> {
    return this.request<T, C>('PATCH', path, body, options);
  }

  /** `DELETE path`. */
  delete<T = void, C extends t.Any | undefined = undefined>(path: string, options?: HttpRequestOptions<C>): Promise<HttpResult<T, C>> {
    return this.request<T, C>('DELETE', path, undefined, options);
  }

  /**
   * Any method. `path` is relative to the base URL (or absolute: the token then goes only to
   * the gateway's origin).
   *
   * @example
   * ```ts
   * await http.request('POST', '/api/widgets/42/archive');
   * ```
   */
  request<T = unknown, C extends t.Any | undefined = undefined>(
    method: HttpMethod,
    path: string,
    body?: unknown,
    options: HttpRequestOptions<C> = {},
  ): Promise<HttpResult<T, C>> {
    return toPromise(
      () =>
        this.transport.request({
          method,
          path,
          auth: options.auth ?? true,
          response: 'nullOn204',
          ...(body !== undefined ? { body } : {}),
          ...(options.query !== undefined ? { query: options.query } : {}),
          ...(options.headers !== undefined ? { headers: options.headers } : {}),
          ...(options.codec !== undefined ? { codec: options.codec } : {}),
          ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
        }) as Observable<HttpResult<T, C>>,
    );
  }
}
