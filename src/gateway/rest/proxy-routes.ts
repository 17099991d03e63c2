import { readBody, sendJson } from '../http-util.js';
import type { RestApiDeps } from '../rest-api.js';
import { JSON_LIMIT, safeDecode, type Context, type RouteRegistrar } from './router.js';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'authorization',
  'cookie',
  'content-length',
]);

/** `/api/proxy/{service}/{*path}` for every method: forwards to the service's backend, without the user's Authorization header. */
export function addProxyRoutes(r: RouteRegistrar, deps: RestApiDeps): void {
  r.add('proxy.request', true, (ctx) => proxy(ctx, deps.proxyBackends));
}

async function proxy(ctx: Context, backends: Readonly<Record<string, string>>): Promise<void> {
  const service = ctx.params.service ?? '';
  const base = Object.hasOwn(backends, service) ? backends[service] : undefined;
  if (base === undefined) {
    sendJson(ctx.res, 404, { detail: `Unknown service '${service}'.` });
    return;
  }
  const rest = ctx.params.path ?? '';
  if (rest.split('/').some((s) => safeDecode(s) === '..')) {
    sendJson(ctx.res, 400, { detail: 'The proxied path is not valid.' });
    return;
  }
  const headers = forwardedHeaders(ctx);
  if (typeof headers === 'string') {
    sendJson(ctx.res, 400, { detail: `The header '${headers}' is not valid.` });
    return;
  }
  headers['x-chat-user-id'] = ctx.user.userId;
  const method = ctx.req.method ?? 'GET';
  const payload = method === 'GET' || method === 'HEAD' ? undefined : await readBody(ctx.req, JSON_LIMIT);
  try {
    const target = new URL(`${base.replace(/\/$/, '')}/${rest}${ctx.url.search}`);
    const response = await fetch(target, {
      method,
      headers,
      ...(payload !== undefined && payload.length > 0 ? { body: new Uint8Array(payload) } : {}),
      signal: AbortSignal.timeout(10_000),
    });
    const data = Buffer.from(await response.arrayBuffer());
    ctx.res.writeHead(response.status, {
      'Content-Type': response.headers.get('content-type') ?? 'application/octet-stream',
      'Content-Length': data.length,
    });
    ctx.res.end(data);
  } catch {
    sendJson(ctx.res, 502, { detail: `The service '${service}' did not answer.` });
  }
}

/** The request's end-to-end headers to forward, or the name of the first one carrying CR/LF. */
function forwardedHeaders(ctx: Context): Record<string, string> | string {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(ctx.req.headers)) {
    if (HOP_BY_HOP.has(name) || value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    if (/[\r\n]/.test(text)) return name;
    headers[name] = text;
  }
  return headers;
}
