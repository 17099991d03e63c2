import type * as t from 'io-ts';
import type { Observable } from 'rxjs';
import type { HttpTransport, QueryParams } from './http-transport.js';
import type { HttpMethod } from './routes.js';
import { assertOneOf, assertOptionalHeaders, assertOptionalObject, assertSafeSegments, assertUrlSafeToken } from '../core/validate.js';

const METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];

/** Options of a proxied request. */
export interface ProxyRequestOptions<C extends t.Any | undefined = undefined> {
  /** The HTTP method. @default 'GET' */
  readonly method?: HttpMethod;
  /** Extra headers for the backend. @default none */
  readonly headers?: Readonly<Record<string, string>>;
  /** A JSON body (or a Blob/ArrayBuffer/Uint8Array sent as is). @default none */
  readonly body?: unknown;
  /** Query parameters. @default none */
  readonly query?: QueryParams;
  /** A codec the JSON response is decoded with; without it the parsed JSON is emitted as `unknown`. */
  readonly codec?: C;
  /** `'json'` (parsed; an empty body emits `null`) or `'text'`. @default 'json' */
  readonly response?: 'json' | 'text';
}

/** What a proxy call emits: the codec's type when one is given, else the parsed body as `unknown`. */
export type ProxyResult<C extends t.Any | undefined> = C extends t.Any ? t.TypeOf<C> : unknown;

/**
 * Requests to backend services registered behind the gateway: `* /api/proxy/{service}/{path}`.
 * `service` must be a URL-safe name; `path` keeps its `/` (each segment encoded; no `.`/`..`
 * segments, so a path cannot climb out of the proxy). Errors: the proxy's bare `{ detail }` body
 * becomes a `ChatApiError` with that `detail`.
 *
 * @example
 * ```ts
 * client.proxy.get('trading', 'api/stocks/VN30', { codec: StockData }).subscribe((stock) => …);
 * ```
 */
export class ProxyApi {
  constructor(private readonly http: HttpTransport) {}

  /**
   * `GET /api/proxy/{service}/{path}`; emits the JSON response (decoded when `codec` is given).
   *
   * @example
   * ```ts
   * client.proxy.get('trading', 'api/stocks/VN30').subscribe();
   * ```
   */
  get<C extends t.Any | undefined = undefined>(
    service: string,
    path: string,
    options: Omit<ProxyRequestOptions<C>, 'method' | 'body'> = {},
  ): Observable<ProxyResult<C>> {
    return this.request(service, path, { ...options, method: 'GET' });
  }

  /**
   * `POST /api/proxy/{service}/{path}` with a JSON `body`.
   *
   * @example
   * ```ts
   * client.proxy.post('trading', 'api/orders', { symbol: 'VNM', quantity: 100 }).subscribe();
   * ```
   */
  post<C extends t.Any | undefined = undefined>(
    service: string,
    path: string,
    body: unknown,
    options: Omit<ProxyRequestOptions<C>, 'method' | 'body'> = {},
  ): Observable<ProxyResult<C>> {
    return this.request(service, path, { ...options, method: 'POST', body });
  }

  /**
   * Any method: `{method} /api/proxy/{service}/{path}`.
   *
   * @example
   * ```ts
   * client.proxy.request('myservice', 'api/resource/123', { method: 'DELETE', headers: { 'X-Custom': 'v' } }).subscribe();
   * ```
   */
  request<C extends t.Any | undefined = undefined>(
    service: string,
    path: string,
    options: ProxyRequestOptions<C> = {},
  ): Observable<ProxyResult<C>> {
    assertUrlSafeToken('service', service);
    assertSafeSegments('path', path, true);
    assertOptionalObject('options', options);
    assertOneOf('options.method', options.method, METHODS);
    assertOptionalHeaders('options.headers', options.headers);
    const route = this.http.route('proxy.request', { service, path });
    return this.http.request({
      method: options.method ?? 'GET',
      path: route.path,
      auth: true,
      response: options.response ?? 'json',
      ...(options.body !== undefined ? { body: options.body } : {}),
      ...(options.headers !== undefined ? { headers: options.headers } : {}),
      ...(options.query !== undefined ? { query: options.query } : {}),
      ...(options.codec !== undefined ? { codec: options.codec } : {}),
    }) as Observable<ProxyResult<C>>;
  }
}
