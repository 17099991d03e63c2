/** Titles and RFC 9110 type links ASP.NET Core puts in its ProblemDetails, by status. */
const PROBLEM_TYPES: Record<number, { title: string; type: string }> = {
  400: { title: 'Bad Request', type: 'https://tools.ietf.org/html/rfc9110#section-15.5.1' },
  401: { title: 'Unauthorized', type: 'https://tools.ietf.org/html/rfc9110#section-15.5.2' },
  403: { title: 'Forbidden', type: 'https://tools.ietf.org/html/rfc9110#section-15.5.4' },
  404: { title: 'Not Found', type: 'https://tools.ietf.org/html/rfc9110#section-15.5.5' },
  405: { title: 'Method Not Allowed', type: 'https://tools.ietf.org/html/rfc9110#section-15.5.6' },
  409: { title: 'Conflict', type: 'https://tools.ietf.org/html/rfc9110#section-15.5.10' },
  413: { title: 'Content Too Large', type: 'https://tools.ietf.org/html/rfc9110#section-15.5.14' },
  415: { title: 'Unsupported Media Type', type: 'https://tools.ietf.org/html/rfc9110#section-15.5.16' },
  500: { title: 'An error occurred while processing your request.', type: 'https://tools.ietf.org/html/rfc9110#section-15.6.1' },
  502: { title: 'Bad Gateway', type: 'https://tools.ietf.org/html/rfc9110#section-15.6.3' },
  503: { title: 'Service Unavailable', type: 'https://tools.ietf.org/html/rfc9110#section-15.6.4' },
};

/** A failure of a gateway operation, rendered as RFC 7807 by REST and as an ack/hub error by the hubs. */
export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  /** A machine-readable code for hub acks, e.g. `NOT_FOUND`. */
  readonly code: string;

  constructor(
    readonly status: number,
    readonly detail: string,
    readonly errors?: Record<string, string[]>,
  ) {
    super(detail);
    this.code = codeFor(status);
  }

  /** The RFC 7807 body ASP.NET Core would send. */
  toProblemDetails(): Record<string, unknown> {
    const known = PROBLEM_TYPES[this.status] ?? { title: 'Error', type: 'about:blank' };
    if (this.errors) {
      return {
        type: known.type,
        title: 'One or more validation errors occurred.',
        status: this.status,
        detail: this.detail,
        errors: this.errors,
      };
    }
    return { type: known.type, title: known.title, status: this.status, detail: this.detail };
  }
}

function codeFor(status: number): string {
  switch (status) {
    case 400:
      return 'VALIDATION_ERROR';
    case 401:
      return 'UNAUTHORIZED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 409:
      return 'CONFLICT';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    default:
      return 'SERVER_ERROR';
  }
}

/** 400 with the invalid fields named. */
export const badRequest = (detail: string, errors?: Record<string, string[]>): GatewayError => new GatewayError(400, detail, errors ?? {});
/** 403. */
export const forbidden = (detail: string): GatewayError => new GatewayError(403, detail);
/** 404. */
export const notFound = (detail: string): GatewayError => new GatewayError(404, detail);
/** 409. */
export const conflict = (detail: string): GatewayError => new GatewayError(409, detail);
