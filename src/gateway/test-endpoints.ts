import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError } from './gateway-error.js';
import type { Gateway } from './gateway-types.js';
import { applyCors, readBody, sendEmpty, sendJson } from './http-util.js';

/**
 * The `/_test/*` endpoints (`testEndpoints: true`): the faults over HTTP, `POST /_test/token`,
 * `GET /_test/requests`, so that a gateway in another process can be driven.
 * `gateway` is read when a request comes (the endpoints are made before the gateway object).
 */
export function createTestEndpoints(gateway: () => Gateway): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> {
  return async (req, res, url) => {
    applyCors(req, res);
    if (req.method === 'OPTIONS') return sendEmpty(res, 204);
    if (url.pathname === '/_test/requests' && req.method === 'GET') return sendJson(res, 200, gateway().requests);
    if (req.method !== 'POST') return sendEmpty(res, 405);
    // A bad body is the caller's error (400, or 413 past 1 MB), not a server failure (500).
    let body: Record<string, unknown>;
    try {
      const raw = await readBody(req, 1024 * 1024);
      const parsed: unknown = raw.length > 0 ? JSON.parse(raw.toString('utf8')) : {};
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return sendEmpty(res, 400);
      body = parsed as Record<string, unknown>;
    } catch (error) {
      return sendEmpty(res, error instanceof GatewayError ? error.status : 400);
    }
    runTestCommand(gateway(), url.pathname, body, res);
  };
}

function runTestCommand(gateway: Gateway, pathname: string, body: Record<string, unknown>, res: ServerResponse): void {
  const { faults } = gateway;
  switch (pathname) {
    case '/_test/faults/drop':
      faults.dropConnections({
        allowReconnect: body.allowReconnect === true,
        ...(typeof body.error === 'string' ? { error: body.error } : {}),
      });
      break;
    case '/_test/faults/kill':
      faults.killSockets();
      break;
    case '/_test/faults/expire-tokens':
      faults.expireTokens();
      break;
    case '/_test/faults/emit-raw':
      faults.emitRaw(String(body.conversationId), String(body.event), body.payload);
      break;
    case '/_test/faults/refuse':
      faults.refuseConnections(Number(body.durationMs ?? 0));
      break;
    case '/_test/faults/duplicate':
      faults.duplicateEvents(body.on === true);
      break;
    case '/_test/faults/delay':
      faults.delayEvents(Number(body.delayMs ?? 0));
      break;
    case '/_test/faults/restart':
      sendEmpty(res, 204);
      setImmediate(() => void gateway.restart().catch(() => undefined));
      return;
    case '/_test/token': {
      const userId = String(body.userId ?? '');
      if (userId === '') return sendEmpty(res, 400);
      return sendJson(res, 200, { token: gateway.issueToken(userId, typeof body.role === 'string' ? body.role : null) });
    }
    default:
      return sendEmpty(res, 404);
  }
  sendEmpty(res, 204);
}
