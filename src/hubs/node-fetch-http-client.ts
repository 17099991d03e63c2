import { AbortError, HttpClient, HttpError, type HttpRequest, HttpResponse, TimeoutError } from '@microsoft/signalr';

/**
 * SignalR's `HttpError` (status outside 2xx) with the URL that answered, after redirects — which
 * may be on another origin than the one asked.
 *
 * @example
 * ```ts
 * if (error instanceof AnsweredHttpError && new URL(error.url).origin !== hubOrigin) { ... }
 * ```
 */
export class AnsweredHttpError extends HttpError {
  /** The URL that gave the answer (the last one of a redirect chain). */
  readonly url: string;

  constructor(message: string, statusCode: number, url: string) {
    super(message, statusCode);
    this.url = url;
  }
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 20;

/**
 * The HTTP client the hubs use in Node (negotiate, and the long-polling and SSE transports),
 * on the platform's `fetch`, in place of SignalR's own. SignalR's Node client follows redirects
 * through `fetch-cookie`, which keeps `Authorization` on a redirect to the same host name on
 * another port (another origin); this one follows them itself and drops `Authorization` on any
 * redirect to another origin, as browsers do. Like SignalR's, it keeps the cookies the server
 * sets (e.g. sticky-session affinity) and sends them back to the same origin, the WebSocket
 * upgrade included (`getCookieString`): a small jar of name=value pairs per origin (attributes
 * other than an expiry are ignored; a cookie is never sent to another origin).
 *
 * Resolves with the response, or rejects like SignalR's client: `HttpError` (with `statusCode`;
 * an {@link AnsweredHttpError}, which adds the URL that answered) for a status outside 2xx, `AbortError` when `request.abortSignal` aborts, `TimeoutError` after
 * `request.timeout`.
 *
 * @example
 * ```ts
 * new HubConnectionBuilder().withUrl(url, { httpClient: new NodeFetchHttpClient() }).build();
 * ```
 */
export class NodeFetchHttpClient extends HttpClient {
  private readonly jar = new Map<string, Map<string, string>>();

  override async send(request: HttpRequest): Promise<HttpResponse> {
    if (request.abortSignal?.aborted) throw new AbortError();
    if (!request.method) throw new Error('No method defined.');
    if (!request.url) throw new Error('No url defined.');
    const controller = new AbortController();
    let stopped: Error | undefined;
    const outer = request.abortSignal;
    if (outer) {
      outer.onabort = () => {
        stopped = new AbortError();
        controller.abort();
      };
    }
    // SignalR's own contract for `timeout` (it passes 100 s for negotiate): a timer at this
    // boundary, cleared when the request ends. The hub client's connect timeout runs on its
    // scheduler and aborts through `abortSignal`.
    const timer =
      request.timeout !== undefined && request.timeout > 0
        ? setTimeout(() => {
            stopped = new TimeoutError();
            controller.abort();
          }, request.timeout)
        : undefined;
    try {
      return await this.exchange(request, request.url, controller.signal);
    } catch (error) {
      throw stopped ?? error;
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      if (outer) outer.onabort = null;
    }
  }

  override getCookieString(url: string): string {
    const cookies = this.jar.get(originOf(url));
    return cookies ? [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') : '';
  }

  private async exchange(request: HttpRequest, firstUrl: string, signal: AbortSignal): Promise<HttpResponse> {
    let url = firstUrl;
    let method = request.method ?? 'GET';
    let body: string | ArrayBuffer | undefined = request.content === '' ? undefined : request.content;
    const headers: Record<string, string> = { 'X-Requested-With': 'XMLHttpRequest', ...request.headers };
    if (body !== undefined) headers['Content-Type'] = body instanceof ArrayBuffer ? 'application/octet-stream' : 'text/plain;charset=UTF-8';
    for (let redirects = 0; ; redirects++) {
      deleteHeader(headers, 'cookie');
      const cookie = this.getCookieString(url);
      if (cookie !== '') headers.Cookie = cookie;
      const response = await fetch(url, { method, headers, ...(body !== undefined ? { body } : {}), redirect: 'manual', signal });
      this.keepCookies(url, response);
      const location = response.headers.get('location');
      if (REDIRECT_STATUSES.has(response.status) && location !== null) {
        await response.body?.cancel();
        if (redirects >= MAX_REDIRECTS) throw new Error(`More than ${MAX_REDIRECTS} redirects from ${originOf(firstUrl)}`);
        const next = new URL(location, url).href;
        // The token was meant for the origin it was sent to: never carry it to another one.
        if (originOf(next) !== originOf(url)) deleteHeader(headers, 'authorization');
        if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
          method = 'GET';
          body = undefined;
          deleteHeader(headers, 'content-type');
        }
        url = next;
        continue;
      }
      const content = request.responseType === 'arraybuffer' ? await response.arrayBuffer() : await response.text();
      if (!response.ok) {
        throw new AnsweredHttpError(typeof content === 'string' && content !== '' ? content : response.statusText, response.status, url);
      }
      return new HttpResponse(response.status, response.statusText, content);
    }
  }

  private keepCookies(url: string, response: Response): void {
    const lines = typeof response.headers.getSetCookie === 'function' ? response.headers.getSetCookie() : [];
    if (lines.length === 0) return;
    const origin = originOf(url);
    const cookies = this.jar.get(origin) ?? new Map<string, string>();
    for (const line of lines) {
      const [pair = '', ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      if (at <= 0) continue;
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const expired = attributes.some((attribute) => {
        const [key = '', raw = ''] = attribute.split('=').map((part) => part.trim());
        if (key.toLowerCase() === 'max-age') return Number(raw) <= 0;
        if (key.toLowerCase() === 'expires') return Date.parse(raw) <= Date.now();
        return false;
      });
      if (expired) cookies.delete(name);
      else cookies.set(name, value);
    }
    this.jar.set(origin, cookies);
  }
}

function deleteHeader(headers: Record<string, string>, lowerCaseName: string): void {
  for (const key of Object.keys(headers)) if (key.toLowerCase() === lowerCaseName) delete headers[key];
}

/** The origin of an http(s) or ws(s) URL, a WebSocket URL counting as its HTTP origin. */
function originOf(url: string): string {
  try {
    return new URL(url.replace(/^ws/i, 'http')).origin;
  } catch {
    return 'null';
  }
}
