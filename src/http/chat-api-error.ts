import { either } from 'fp-ts';
import { decodeWith } from '../codecs/decode-with.js';
import { DecodeError } from '../codecs/decode-error.js';
import { ProblemDetails, ProxyErrorBody } from '../codecs/problem-details.js';

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
 *   JSON is expected, a pagination cursor that does not advance); `status` is the response's.
 */
export type ChatApiErrorKind = 'http' | 'network' | 'timeout' | 'aborted' | 'decode' | 'invalid-response';

/** The fields a {@link ChatApiError} is built from. */
export interface ChatApiErrorInit {
  readonly kind: ChatApiErrorKind;
  readonly status: number;
  readonly title: string;
  readonly detail?: string | undefined;
  readonly type?: string | undefined;
  readonly errors?: Readonly<Record<string, readonly string[]>> | undefined;
  readonly decodeError?: DecodeError | undefined;
  readonly body?: unknown;
  readonly cause?: unknown;
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
  /** The parsed response body (JSON value or text), when there was one. */
  readonly body?: unknown;

  constructor(init: ChatApiErrorInit) {
    super(init.detail ?? init.title, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.status = init.status;
    this.title = init.title;
    this.detail = init.detail;
    this.type = init.type;
    if (init.errors !== undefined) this.errors = init.errors;
    if (init.decodeError !== undefined) this.decodeError = init.decodeError;
    if (init.body !== undefined) this.body = init.body;
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
   * ```
   */
  static fromResponse(status: number, body: unknown, statusText?: string, cause?: unknown): ChatApiError {
    const parsed = typeof body === 'string' ? parseJsonLoosely(body) : body;
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
        body: parsed,
        cause,
      });
    }
    const proxy = decodeProxyError(parsed);
    if (either.isRight(proxy)) {
      const title = typeof (parsed as { title?: unknown }).title === 'string' ? (parsed as { title: string }).title : reason;
      return new ChatApiError({ kind: 'http', status, title, detail: proxy.right.detail, body: parsed, cause });
    }
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { title?: unknown }).title === 'string') {
      return new ChatApiError({ kind: 'http', status, title: (parsed as { title: string }).title, body: parsed, cause });
    }
    const text = typeof parsed === 'string' ? parsed.trim() : '';
    const detail = text === '' ? undefined : text.length > MAX_TEXT_DETAIL ? `${text.slice(0, MAX_TEXT_DETAIL)}…` : text;
    return new ChatApiError({
      kind: 'http',
      status,
      title: reason,
      detail: detail === reason ? undefined : detail,
      body: parsed,
      cause,
    });
  }

  /**
   * The error for a 2xx body that does not match its DTO: `kind: 'decode'`, carrying the
   * {@link DecodeError} with every failing path.
   */
  static fromDecodeError(decodeError: DecodeError, status = 0, body?: unknown): ChatApiError {
    return new ChatApiError({
      kind: 'decode',
      status,
      title: 'Invalid response body',
      detail: decodeError.message,
      decodeError,
      body,
      cause: decodeError,
    });
  }

  /**
   * Normalises anything a REST call can fail with into a `ChatApiError`: a `ChatApiError` (returned
   * as is), an axios error (timeout → `timeout`, cancel → `aborted`, a response → `http` from its
   * body, no response → `network`), an axios-like response `{ status, data }`, a {@link DecodeError}
   * (→ `decode`), a Node socket error (`ECONNREFUSED`…) or anything else (→ `network`, `status` 0,
   * the original kept as `cause`).
   *
   * @example
   * ```ts
   * try { await axiosInstance.get(url); } catch (e) { throw ChatApiError.from(e); }
   * ```
   */
  static from(original: unknown): ChatApiError {
    if (ChatApiError.is(original)) return original;
    if (DecodeError.is(original)) return ChatApiError.fromDecodeError(original);
    // An axios error carries its request config — the Authorization header included — so it is
    // never kept as the cause: a logged or inspected error must not show the token.
    const cause = withoutRequestConfig(original);
    if (typeof cause === 'object' && cause !== null) {
      const c = cause as {
        isAxiosError?: unknown;
        code?: unknown;
        name?: unknown;
        message?: unknown;
        response?: { status?: unknown; data?: unknown; statusText?: unknown };
        status?: unknown;
        data?: unknown;
        statusText?: unknown;
      };
      const message = typeof c.message === 'string' && c.message !== '' ? c.message : undefined;
      if (c.code === 'ERR_CANCELED' || c.name === 'CanceledError' || c.name === 'AbortError') {
        return new ChatApiError({ kind: 'aborted', status: 0, title: 'Request aborted', detail: message, cause });
      }
      if (c.code === 'ECONNABORTED' || c.code === 'ETIMEDOUT' || c.name === 'TimeoutError') {
        return new ChatApiError({ kind: 'timeout', status: 0, title: 'Request timed out', detail: message, cause });
      }
      if (c.response !== undefined && c.response !== null && typeof c.response.status === 'number') {
        const statusText = typeof c.response.statusText === 'string' ? c.response.statusText : undefined;
        return ChatApiError.fromResponse(c.response.status, c.response.data, statusText, cause);
      }
      if (c.isAxiosError !== true && typeof c.status === 'number' && 'data' in c) {
        const statusText = typeof c.statusText === 'string' ? c.statusText : undefined;
        return ChatApiError.fromResponse(c.status, c.data, statusText, cause);
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

/**
 * An axios error reduced to what explains it (name, code, message, status, and its own cause when
 * that is a plain socket error) — without `config`, `request` or `response`, which hold the
 * request headers and so the token. Anything else is returned unchanged.
 */
function withoutRequestConfig(cause: unknown): unknown {
  if (typeof cause !== 'object' || cause === null || (cause as { isAxiosError?: unknown }).isAxiosError !== true) return cause;
  const c = cause as { name?: unknown; code?: unknown; message?: unknown; response?: { status?: unknown; statusText?: unknown; data?: unknown }; cause?: unknown };
  const inner = c.cause instanceof Error && !('config' in c.cause) ? { cause: c.cause } : undefined;
  const safe = new Error(typeof c.message === 'string' ? c.message : 'Request failed', inner) as Error & { code?: unknown; status?: unknown };
  safe.name = typeof c.name === 'string' ? c.name : 'AxiosError';
  if (c.code !== undefined) safe.code = c.code;
  if (c.response !== undefined && c.response !== null) {
    // Keep the response's status and body for fromResponse; never its request.
    Object.defineProperty(safe, 'response', { value: { status: c.response.status, statusText: c.response.statusText, data: c.response.data }, enumerable: false });
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
