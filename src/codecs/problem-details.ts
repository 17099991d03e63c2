import * as t from 'io-ts';
import { array, optional } from './scalars.js';

/**
 * An RFC 7807 error body as ASP.NET Core sends it: `status`, `title`, optional `detail` and
 * `type`; validation errors also carry `errors` (field name → messages).
 */
export const ProblemDetails = t.intersection(
  [
    t.type({ status: t.number, title: t.string }),
    optional({
      detail: t.string,
      type: t.string,
      instance: t.string,
      traceId: t.string,
      errors: t.record(t.string, array(t.string)),
    }),
  ],
  'ProblemDetails',
);
/** An RFC 7807 error body. */
export type ProblemDetails = t.TypeOf<typeof ProblemDetails>;

/** The proxy's bare error body, `{ detail }`. */
export const ProxyErrorBody = t.type({ detail: t.string }, 'ProxyErrorBody');
/** The proxy's bare error body. */
export type ProxyErrorBody = t.TypeOf<typeof ProxyErrorBody>;
