import type { IncomingMessage, ServerResponse } from 'node:http';
import { either } from 'fp-ts';
import type * as t from 'io-ts';
import { decodeWith } from '../../codecs/index.js';
import { ROUTES, type RouteName } from '../../http/routes.js';
import { badRequest, notFound } from '../gateway-error.js';
import { readBody } from '../http-util.js';
import { bindingError, stjInputError } from '../stj-profile.js';
import type { TokenOwner } from '../token-issuer.js';

/** What a route handler gets: the request, the response, the parsed URL, the path parameters and the caller. */
export interface Context {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly params: Readonly<Record<string, string>>;
  readonly user: TokenOwner;
}

/** Answers one request of a route. */
export type Handler = (ctx: Context) => Promise<void> | void;

/** One compiled route: the dispatcher tries them in the order they were added. */
export interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly keys: readonly RouteKey[];
  readonly auth: boolean;
  readonly handler: Handler;
}

/** A path parameter: `multi` ones (`{*name}`) span segments and are left encoded. */
export interface RouteKey {
  readonly name: string;
  readonly multi: boolean;
}

/** Adds routes to the table, by their name in the client's route table or by a gateway-only template. */
export interface RouteRegistrar {
  /** Serves the route `name` of {@link ROUTES}; `auth` requires a valid bearer token. */
  add(name: RouteName, auth: boolean, handler: Handler): void;
  /** Serves a route the client's table does not hold (the upload `PUT`), by method and path template. */
  addPath(method: string, template: string, auth: boolean, handler: Handler): void;
}

/** The methods a route whose method is `'*'` (the caller's choice, as for the proxy) is served for. */
export const ANY_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** Largest JSON request body (1 MB). */
export const JSON_LIMIT = 1024 * 1024;

const PLACEHOLDER = /\{(\*?)([A-Za-z][A-Za-z0-9]*)\}/g;

/**
 * Compiles a `src/http/routes.ts` path template into an anchored pattern: `{name}` matches one
 * segment, `{*name}` one or more.
 *
 * @example
 * ```ts
 * compileRoutePath('/api/files/{*storageKey}'); // { pattern: /^\/api\/files\/(.+)$/, keys: [{ name: 'storageKey', multi: true }] }
 * ```
 */
export function compileRoutePath(template: string): { pattern: RegExp; keys: RouteKey[] } {
  const keys: RouteKey[] = [];
  let source = '';
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    source += escapeRegExp(template.slice(last, match.index));
    const multi = match[1] === '*';
    keys.push({ name: match[2] as string, multi });
    source += multi ? '(.+)' : '([^/]+)';
    last = match.index + match[0].length;
  }
  source += escapeRegExp(template.slice(last));
  return { pattern: new RegExp(`^${source}$`), keys };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A registrar that appends to `routes`, in order. */
export function routeRegistrar(routes: Route[]): RouteRegistrar {
  const addPath = (method: string, template: string, auth: boolean, handler: Handler): void => {
    const methods = method === '*' ? ANY_METHODS : [method];
    const { pattern, keys } = compileRoutePath(template);
    for (const m of methods) routes.push({ method: m, pattern, keys, auth, handler });
  };
  return {
    add: (name, auth, handler) => addPath(ROUTES[name].method, ROUTES[name].path, auth, handler),
    addPath,
  };
}

/** A path parameter's value ('' when absent). */
export function param(ctx: Context, key: string): string {
  return ctx.params[key] ?? '';
}

/** One URL segment, percent-decoded, or a 400. */
export function safeDecode(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw badRequest('The URL is not valid.');
  }
}

/** A route's path parameters from a match: single segments decoded, multi-segment ones as they came. */
export function routeParams(route: Route, match: RegExpExecArray): Record<string, string> {
  const params: Record<string, string> = {};
  route.keys.forEach((key, i) => {
    const raw = match[i + 1] ?? '';
    params[key.name] = key.multi ? raw : safeDecode(raw);
  });
  return params;
}

/**
 * The JSON body bound to `codec` as ASP.NET binds a request record: a 400 for an empty or
 * unparseable body, for what System.Text.Json cannot read, and for what the codec refuses.
 */
export async function body<C extends t.Any>(ctx: Context, codec: C): Promise<t.TypeOf<C>> {
  const raw = await readBody(ctx.req, JSON_LIMIT);
  let parsed: unknown;
  try {
    parsed = raw.length === 0 ? undefined : JSON.parse(raw.toString('utf8'));
  } catch {
    throw badRequest('The request body is not valid JSON.', { $: ['The JSON value could not be parsed.'] });
  }
  if (parsed === undefined) throw badRequest('A non-empty request body is required.', { '': ['A non-empty request body is required.'] });
  // What System.Text.Json cannot read into the request record is a 400 before any validation.
  const unreadable = stjInputError(parsed) ?? bindingError(codec as unknown as t.Mixed, parsed);
  if (unreadable !== null) throw badRequest('One or more validation errors occurred.', { [unreadable.path]: [unreadable.message] });
  const result = decodeWith(codec)(parsed);
  if (either.isLeft(result)) {
    const errors: Record<string, string[]> = {};
    for (const issue of result.left.issues) {
      (errors[issue.path === '' ? '$' : issue.path] ??= []).push(issue.message ?? `Expected ${issue.expected}.`);
    }
    throw badRequest(result.left.message, errors);
  }
  return result.right;
}

/** An integer query parameter, undefined when absent or empty, a 400 when not an integer. */
export function intQuery(url: URL, name: string): number | undefined {
  const value = url.searchParams.get(name);
  if (value === null || value === '') return undefined;
  if (!/^-?\d+$/.test(value))
    throw badRequest(`The value '${value}' is not valid for ${name}.`, { [name]: [`The value '${value}' is not valid.`] });
  return Number(value);
}

/** Wraps a handler that only `role=dev` may call: anyone else gets a 404, as if it were not there. */
export function devOnly(handler: Handler): Handler {
  return (ctx) => {
    if (ctx.user.role !== 'dev') throw notFound('Not Found');
    return handler(ctx);
  };
}
