import { either } from 'fp-ts';
import { decodeWith } from '../codecs/decode-with.js';
import { DecodeError } from '../codecs/decode-error.js';
import { ProblemDetails, ProxyErrorBody } from '../codecs/problem-details.js';
import { ERROR_BODY_LIMIT, errorBody, fitsWithin, textExcerpt } from './body-excerpt.js';

/**
 * Why a REST call failed.
 *
 * - `'http'`: the gateway answered with a non-2xx status; `status`, `title`, `detail`, `type` and
 *   `errors` come from its RFC 7807 body (or the proxy's bare `{ detail }`, or a text body).
 * - `'network'`: no response at all (connection refused or reset, DNS, CORS, offline); `status` 0.
 * - `'timeout'`: no response, or no upload progress, within the configured time; `status` 0.
 * - `'aborted'`: the request was cancelled by something other than unsubscribing (unsubscribing
 *   emits nothing at all); `status` 0.
 * - `'decode'`: a 2xx response whose JSON does not match its DTO; `decodeError` has every failing
 *   path; `status` is the response's (e.g. 200).
 * - `'invalid-response'`: a 2xx response that is not what the call expects at all (not JSON when
 *   JSON is expected, a pagination cursor that does not advance), or a response too large to read
 *   (over the transport's `maxResponseBytes`); `status` is the response's (0 when unknown).
 */
export type ChatApiErrorKind = 'http' | 'network' | 'timeout' | 'aborted' | 'decode' | 'invalid-response';

/** The fields a {@link ChatApiError} is built from. */
export interface ChatApiErrorInit {
  /** Why the call failed; see {@link ChatApiErrorKind}. */
  readonly kind: ChatApiErrorKind;
  /** The HTTP status; 0 when there was no response. */
  readonly status: number;
  /** The ProblemDetails `title`, the status's reason phrase, or a short description of the failure; cut to 4,096 characters. */
  readonly title: string;
  /** The ProblemDetails (or proxy) `detail`, if any; the error's `message` is `detail ?? title`. Cut to 4,096 characters. */
  readonly detail?: string | undefined;
  /** The ProblemDetails `type` URI, if any; cut to 4,096 characters. */
  readonly type?: string | undefined;
  /** Validation errors (field name → messages); kept whole when their JSON fits in 4 KiB, else cut down. */
  readonly errors?: Readonly<Record<string, readonly string[]>> | undefined;
  /** For `kind: 'decode'`: the failing paths of the response body. */
  readonly decodeError?: DecodeError | undefined;
  /** The response body; kept only as a bounded excerpt (see {@link ChatApiError.body}). */
  readonly body?: unknown;
  /** The response's `Retry-After`, in ms (see {@link ChatApiError.parseRetryAfter}). */
  readonly retryAfterMs?: number | undefined;
  /** The underlying error, passed on as the `cause` of the built error. */
  readonly cause?: unknown;
}

/** Where a response's headers can be read from: axios's `AxiosHeaders`, Node's or a plain record. */
export type ResponseHeaders = { readonly get?: unknown } | Readonly<Record<string, unknown>>;

/** Options of {@link ChatApiError.fromResponse} and {@link ChatApiError.from}. */
export interface ChatApiErrorFromOptions {
  /** The response headers (`Retry-After` becomes `retryAfterMs`). @default none */
  readonly headers?: ResponseHeaders | undefined;
  /** The time a `Retry-After` HTTP date is measured from (epoch ms). @default Date.now() */
  readonly now?: number | undefined;
}

const REASON_PHRASES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** At most this many characters of a text error body become `detail`. */
const MAX_TEXT_DETAIL = 500;

/** At most this many issues of a decode error over a large body are kept, each value cut to {@link MAX_ISSUE_VALUE}. */
const MAX_KEPT_ISSUES = 100;
/** At most this many characters of a failing value are kept per issue of a large body. */
const MAX_ISSUE_VALUE = 256;

const DAY_NAME = /^(mon|tue|wed|thu|fri|sat|sun)/i;
const DELAY_SECONDS = /^\d+$/;

/** A header's value from axios's `AxiosHeaders` (its `get`), Node's headers or a plain record, any case. */
function headerValue(headers: ResponseHeaders | undefined, name: string): unknown {
  if (headers === undefined || headers === null || typeof headers !== 'object') return undefined;
  const get = (headers as { get?: unknown }).get;
  if (typeof get === 'function') {
    const value = (get as (this: unknown, name: string) => unknown).call(headers, name);
    if (value !== undefined && value !== null && value !== false) return value;
  }
  const lower = name.toLowerCase();
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() === lower) return (headers as Record<string, unknown>)[key];
  }
  return undefined;
}

/** A text from a body as an error may keep it: at most 4 KiB (anything that is not a string as is). */
function bounded<T>(text: T): T {
  return (typeof text === 'string' ? textExcerpt(text, ERROR_BODY_LIMIT) : text) as T;
}

/**
 * Validation errors as an error may keep them: as they are when their JSON fits in 4 KiB, else the
 * first fields and messages (each cut to 500 characters) until 4 KiB of text is spent.
 */
function boundErrors(errors: Readonly<Record<string, readonly string[]>>): Readonly<Record<string, readonly string[]>> {
  if (fitsWithin(errors)) return errors;
  const bounded: Record<string, readonly string[]> = {};
  let budget = ERROR_BODY_LIMIT;
  for (const key in errors) {
    if (!Object.hasOwn(errors, key)) continue;
    const field = textExcerpt(key, Math.min(MAX_TEXT_DETAIL, budget));
    budget -= field.length;
    const kept: string[] = [];
    // defineProperty: a field named `__proto__` stays a field.
    Object.defineProperty(bounded, field, { value: kept, enumerable: true, writable: true, configurable: true });
    const messages: unknown = errors[key];
    for (const message of Array.isArray(messages) ? (messages as unknown[]) : []) {
      if (budget <= 0) break;
      const text = textExcerpt(String(message), Math.min(MAX_TEXT_DETAIL, budget));
      budget -= text.length;
      kept.push(text);
    }
    if (budget <= 0) break;
  }
  return bounded;
}

const decodeProblem = decodeWith(ProblemDetails);
const decodeProxyError = decodeWith(ProxyErrorBody);

/**
 * The one error type of every REST call: an HTTP error (RFC 7807 ProblemDetails), a network
 * failure, a timeout, or a response that does not match its DTO, told apart by `kind`.
 *
 * `message` is `detail ?? title`; `name` is always `"ChatApiError"`. Network failures and
 * timeouts have `status` 0 (never a made-up 500).
 *
 * @example
 * ```ts
 * client.messages.addReaction(id, '👍').subscribe({
 *   error: (e) => {
 *     if (ChatApiError.is(e) && e.status === 409) showToast('Already reacted');
 *     else if (ChatApiError.is(e) && e.kind === 'network') showOffline();
 *   },
 * });
 * ```
 */
export class ChatApiError extends Error {
  /** Always `"ChatApiError"` (what {@link ChatApiError.is} checks across copies of this library). */
  override readonly name = 'ChatApiError' as const;
  /** Why the call failed; see {@link ChatApiErrorKind}. */
  readonly kind: ChatApiErrorKind;
  /** The HTTP status; 0 when there was no response (`network`, `timeout`, `aborted`). */
  readonly status: number;
  /** The ProblemDetails `title`, or the status's reason phrase, or a short description of the failure. */
  readonly title: string;
  /** The ProblemDetails (or proxy) `detail`, or the start of a text body. */
  readonly detail: string | undefined;
  /** The ProblemDetails `type` URI. */
  readonly type: string | undefined;
  /** Validation errors (field name → messages) from an ASP.NET validation ProblemDetails. */
  readonly errors?: Readonly<Record<string, readonly string[]>>;
  /** For `kind: 'decode'`: the failing paths of the response body. */
  readonly decodeError?: DecodeError;
  /**
   * The parsed response body (JSON value or text), when there was one — as a bounded excerpt: a
   * body whose JSON (or text) is longer than 4 KiB is kept as a string of its first 4,096
   * characters and `…`, so an error never holds a large body.
   */
  readonly body?: unknown;
  /**
   * How long the server asked to wait before trying again (its `Retry-After`, sent with a 429 or
   * a 503: seconds, or an HTTP date measured from when the response arrived), in ms; undefined
   * when the response had none (or an unreadable one).
   */
  readonly retryAfterMs?: number;

  constructor(init: ChatApiErrorInit) {
    const title = bounded(init.title);
    const detail = bounded(init.detail);
    super(detail ?? title, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.status = init.status;
    this.title = title;
    this.detail = detail;
    this.type = bounded(init.type);
    if (init.errors !== undefined) this.errors = boundErrors(init.errors);
    if (init.decodeError !== undefined) this.decodeError = init.decodeError;
    if (init.body !== undefined) this.body = errorBody(init.body);
    if (init.retryAfterMs !== undefined && Number.isFinite(init.retryAfterMs) && init.retryAfterMs >= 0)
      this.retryAfterMs = init.retryAfterMs;
  }

  /**
   * Reads a `Retry-After` value as ms to wait: `delay-seconds` (`"120"`) or an HTTP date
   * (`"Wed, 21 Oct 2015 07:28:00 GMT"`, measured from `now`; a date in the past is 0). Anything
   * else (absent, negative, fractional, not a date) is undefined.
   *
   * @example
   * ```ts
   * ChatApiError.parseRetryAfter('120');                                 // 120_000
   * ChatApiError.parseRetryAfter('Thu, 01 Jan 1970 00:00:05 GMT', 2_000); // 3_000
   * ```
   */
  static parseRetryAfter(value: unknown, now: number = Date.now()): number | undefined {
    const raw = Array.isArray(value) ? (value as unknown[])[0] : value;
    if (typeof raw !== 'string' && typeof raw !== 'number') return undefined;
    const text = String(raw).trim();
    if (DELAY_SECONDS.test(text)) {
      const ms = Number(text) * 1000;
      return Number.isFinite(ms) ? ms : undefined;
    }
    if (!DAY_NAME.test(text)) return undefined;
    const at = Date.parse(text);
    return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
  }

  /** True for a `ChatApiError`, also one from another copy of this library (checks `name`, `kind`, `status`). */
  static is(error: unknown): error is ChatApiError {
    if (error instanceof ChatApiError) return true;
    if (typeof error !== 'object' || error === null) return false;
    const e = error as { name?: unknown; status?: unknown; kind?: unknown };
    return e.name === 'ChatApiError' && typeof e.status === 'number' && typeof e.kind === 'string';
  }

  /**
   * Builds an HTTP error from an RFC 7807 body (as the seed's `fromProblemDetails`).
   *
   * @example
   * ```ts
   * const e = ChatApiError.fromProblemDetails({ status: 404, title: 'Not Found', detail: 'Conversation not found' });
   * e.message; // "Conversation not found"
   * ```
   */
  static fromProblemDetails(pd: ProblemDetails, cause?: unknown): ChatApiError {
    return new ChatApiError({
      kind: 'http',
      status: pd.status,
      title: pd.title,
      detail: pd.detail ?? undefined,
      type: pd.type ?? undefined,
      errors: pd.errors ?? undefined,
      body: pd,
      cause,
    });
  }

  /**
   * Builds an HTTP error from a non-2xx response: its status and its body, which may be an
   * RFC 7807 object, the proxy's bare `{ detail }`, any other JSON, a JSON or plain-text string,
   * or nothing. The HTTP status wins over a `status` field in the body.
   *
   * @example
   * ```ts
   * ChatApiError.fromResponse(502, '{"detail":"upstream down"}').detail; // "upstream down"
   * ChatApiError.fromResponse(503, 'Service Unavailable').title;      // "Service Unavailable"
   * ChatApiError.fromResponse(429, '', undefined, undefined, { headers: { 'retry-after': '5' } }).retryAfterMs; // 5000
   * ```
   */
  static fromResponse(
    status: number,
    body: unknown,
    statusText?: string,
    cause?: unknown,
    options?: ChatApiErrorFromOptions,
  ): ChatApiError {
    const parsed = typeof body === 'string' ? parseJsonLoosely(body) : body;
    // A large text body is kept as an excerpt of the text itself, not of its parsed value.
    const kept = typeof body === 'string' && body.length > ERROR_BODY_LIMIT ? textExcerpt(body) : parsed;
    const retryAfterMs = ChatApiError.parseRetryAfter(headerValue(options?.headers, 'retry-after'), options?.now);
    const reason = REASON_PHRASES[status] ?? (statusText !== undefined && statusText !== '' ? statusText : `HTTP ${status}`);
    const problem = decodeProblem(parsed);
    if (either.isRight(problem)) {
      return new ChatApiError({
        kind: 'http',
        status,
        title: problem.right.title,
        detail: problem.right.detail ?? undefined,
        type: problem.right.type ?? undefined,
        errors: problem.right.errors ?? undefined,
        body: kept,
        retryAfterMs,
        cause,
      });
    }
    const proxy = decodeProxyError(parsed);
    if (either.isRight(proxy)) {
      const title = typeof (parsed as { title?: unknown }).title === 'string' ? (parsed as { title: string }).title : reason;
      return new ChatApiError({ kind: 'http', status, title, detail: proxy.right.detail, body: kept, retryAfterMs, cause });
    }
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { title?: unknown }).title === 'string') {
      return new ChatApiError({ kind: 'http', status, title: (parsed as { title: string }).title, body: kept, retryAfterMs, cause });
    }
    const text = typeof parsed === 'string' ? parsed.trim() : '';
    const detail = text === '' ? undefined : textExcerpt(text, MAX_TEXT_DETAIL);
    return new ChatApiError({
      kind: 'http',
      status,
      title: reason,
      detail: detail === reason ? undefined : detail,
      body: kept,
      retryAfterMs,
      cause,
    });
  }

  /**
   * The error for a response too large to read: over `maxResponseBytes` (axios's
   * `maxContentLength`), or beyond what a string can hold. `kind: 'invalid-response'`, no body.
   *
   * @example
   * ```ts
   * ChatApiError.tooLarge(200, 'maxContentLength size of 67108864 exceeded').kind; // "invalid-response"
   * ```
   */
  static tooLarge(status: number, detail?: string, cause?: unknown): ChatApiError {
    return new ChatApiError({ kind: 'invalid-response', status, title: 'Response too large', detail, cause });
  }

  /**
   * The error for a 2xx body that does not match its DTO: `kind: 'decode'`, carrying the
   * {@link DecodeError} with every failing path.
   */
  static fromDecodeError(decodeError: DecodeError, status = 0, body?: unknown): ChatApiError {
    const bounded = boundDecodeError(decodeError);
    return new ChatApiError({
      kind: 'decode',
      status,
      title: 'Invalid response body',
      detail: bounded.message,
      decodeError: bounded,
      body,
      cause: bounded,
    });
  }

  /**
   * Normalises anything a REST call can fail with into a `ChatApiError`: a `ChatApiError` (returned
   * as is), an axios error (timeout → `timeout`, cancel → `aborted`, a response → `http` from its
   * body, no response → `network`), an axios-like response `{ status, data }`, a {@link DecodeError}
   * (→ `decode`), a Node socket error (`ECONNREFUSED`…) or anything else (→ `network`, `status` 0,
   * the original kept as `cause`). A body too large to read (axios's `maxContentLength`, or longer
   * than a string can be) is `invalid-response`. A `Retry-After` header becomes `retryAfterMs`.
   *
   * @example
   * ```ts
   * try { await axiosInstance.get(url); } catch (e) { throw ChatApiError.from(e); }
   * ```
   */
  static from(original: unknown, options?: Pick<ChatApiErrorFromOptions, 'now'>): ChatApiError {
    if (ChatApiError.is(original)) return original;
    if (DecodeError.is(original)) return ChatApiError.fromDecodeError(original);
    // The response as it came (its whole body and headers), read before the cause is reduced.
    const response = responseOf(original);
    // An axios error carries its request config — the Authorization header included — so it is
    // never kept as the cause: a logged or inspected error must not show the token.
    const cause = withoutRequestConfig(original);
    if (typeof cause === 'object' && cause !== null) {
      const c = cause as {
        isAxiosError?: unknown;
        code?: unknown;
        name?: unknown;
        message?: unknown;
        status?: unknown;
        data?: unknown;
        statusText?: unknown;
        headers?: ResponseHeaders;
      };
      const message = typeof c.message === 'string' && c.message !== '' ? c.message : undefined;
      if (c.code === 'ERR_CANCELED' || c.name === 'CanceledError' || c.name === 'AbortError') {
        return new ChatApiError({ kind: 'aborted', status: 0, title: 'Request aborted', detail: message, cause });
      }
      if (c.code === 'ECONNABORTED' || c.code === 'ETIMEDOUT' || c.name === 'TimeoutError') {
        return new ChatApiError({ kind: 'timeout', status: 0, title: 'Request timed out', detail: message, cause });
      }
      // Too large to read: axios stopped at `maxContentLength` (ERR_BAD_RESPONSE with no response
      // object, in its http and fetch adapters), or Node could not make a string of the body.
      if (c.code === 'ERR_STRING_TOO_LONG' || (isAxiosError(original) && c.code === 'ERR_BAD_RESPONSE' && response === undefined)) {
        return ChatApiError.tooLarge(response?.status ?? nodeResponseStatus(original) ?? 0, message, cause);
      }
      if (response !== undefined) {
        return ChatApiError.fromResponse(response.status, response.data, response.statusText, cause, {
          headers: response.headers,
          now: options?.now,
        });
      }
      if (c.isAxiosError !== true && typeof c.status === 'number' && 'data' in c) {
        const statusText = typeof c.statusText === 'string' ? c.statusText : undefined;
        return ChatApiError.fromResponse(c.status, c.data, statusText, cause, { headers: c.headers, now: options?.now });
      }
      return new ChatApiError({ kind: 'network', status: 0, title: 'Network error', detail: message, cause });
    }
    return new ChatApiError({
      kind: 'network',
      status: 0,
      title: 'Network error',
      detail: typeof cause === 'string' ? cause : undefined,
      cause,
    });
  }
}

/** True for an axios error (its `isAxiosError` flag). */
function isAxiosError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { isAxiosError?: unknown }).isAxiosError === true;
}

/** The response an axios error carries: its status, status text, (whole) body and headers. */
function responseOf(
  error: unknown,
): { status: number; statusText: string | undefined; data: unknown; headers: ResponseHeaders | undefined } | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const r = (error as { response?: { status?: unknown; statusText?: unknown; data?: unknown; headers?: unknown } }).response;
  if (r === undefined || r === null || typeof r.status !== 'number') return undefined;
  return {
    status: r.status,
    statusText: typeof r.statusText === 'string' ? r.statusText : undefined,
    data: r.data,
    headers: typeof r.headers === 'object' && r.headers !== null ? (r.headers as ResponseHeaders) : undefined,
  };
}

/**
 * The status of a response whose body axios gave up reading (it passes no response object then):
 * Node's `ClientRequest` keeps the `IncomingMessage` as `res` (follow-redirects, axios's default
 * transport, keeps the native request as `_currentRequest`).
 */
function nodeResponseStatus(error: unknown): number | undefined {
  const request = typeof error === 'object' && error !== null ? (error as { request?: unknown }).request : undefined;
  if (typeof request !== 'object' || request === null) return undefined;
  const native = (request as { _currentRequest?: unknown })._currentRequest ?? request;
  const status = (native as { res?: { statusCode?: unknown } | null }).res?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/**
 * A {@link DecodeError} as an error may keep it: the same one when its `value` fits in 4 KiB (as
 * JSON), else a copy with a 4 KiB {@link errorBody} excerpt as `value` and its first 100 issues, each
 * value longer than 256 characters (as JSON) cut to such an excerpt.
 */
function boundDecodeError(error: DecodeError): DecodeError {
  // A value that fits is kept whole, with every issue (its failing values are parts of it).
  if (fitsWithin(error.value)) return error;
  const issues = error.issues
    .slice(0, MAX_KEPT_ISSUES)
    .map((issue) => (fitsWithin(issue.actual, MAX_ISSUE_VALUE) ? issue : { ...issue, actual: errorBody(issue.actual, MAX_ISSUE_VALUE) }));
  return new DecodeError(error.codec, issues, errorBody(error.value));
}

/**
 * An axios error reduced to what explains it (name, code, message, status, and its own cause when
 * that is a plain socket error) — without `config`, `request` or `response`, which hold the
 * request headers and so the token. Anything else is returned unchanged.
 */
function withoutRequestConfig(cause: unknown): unknown {
  if (typeof cause !== 'object' || cause === null || (cause as { isAxiosError?: unknown }).isAxiosError !== true) return cause;
  const c = cause as {
    name?: unknown;
    code?: unknown;
    message?: unknown;
    response?: { status?: unknown; statusText?: unknown; data?: unknown };
    cause?: unknown;
  };
  const inner = c.cause instanceof Error && !('config' in c.cause) ? { cause: c.cause } : undefined;
  const safe = new Error(typeof c.message === 'string' ? c.message : 'Request failed', inner) as Error & {
    code?: unknown;
    status?: unknown;
  };
  safe.name = typeof c.name === 'string' ? c.name : 'AxiosError';
  if (c.code !== undefined) safe.code = c.code;
  if (c.response !== undefined && c.response !== null) {
    // Keep the response's status and an excerpt of its body; never its request.
    Object.defineProperty(safe, 'response', {
      value: { status: c.response.status, statusText: c.response.statusText, data: errorBody(c.response.data) },
      enumerable: false,
    });
  }
  return safe;
}

/** `JSON.parse` for bodies that look like JSON; any other text is returned unchanged. */
function parseJsonLoosely(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const first = trimmed[0];
  if (first !== '{' && first !== '[' && first !== '"') return text;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return text;
  }
}
