import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BotRegistry } from './bot-registry.js';
import type { ChatService } from './chat-service.js';
import type { FileStore } from './file-store.js';
import { GatewayError, notFound } from './gateway-error.js';
import { applyCors, bearerToken, sendEmpty, sendProblem } from './http-util.js';
import { addAuthAndParticipantRoutes } from './rest/auth-routes.js';
import { addBotRoutes } from './rest/bot-routes.js';
import { addConversationRoutes } from './rest/conversation-routes.js';
import { addFileRoutes } from './rest/file-routes.js';
import { addHealthRoutes } from './rest/health-routes.js';
import { addMessageRoutes } from './rest/message-routes.js';
import { addProxyRoutes } from './rest/proxy-routes.js';
import { routeParams, routeRegistrar, type Route } from './rest/router.js';
import type { TokenIssuer, TokenOwner } from './token-issuer.js';

/** A user profile a test login token stands for. */
export interface TestLoginProfile {
  /** The participant id the login signs in as. */
  readonly id: string;
  /** The display name given to the participant when the login creates it. */
  readonly fullName: string;
  /** The unique name given to the participant when the login creates it. @default the `id` */
  readonly uniqueName?: string;
  /** The avatar URL given to the participant when the login creates it. @default none */
  readonly avatar?: string;
}

/** What the REST layer needs from the gateway. */
export interface RestApiDeps {
  readonly chat: ChatService;
  readonly files: FileStore;
  readonly bots: BotRegistry;
  readonly tokens: TokenIssuer;
  /** Accepted Google ID tokens → profile. */
  readonly googleTokens: Readonly<Record<string, TestLoginProfile>>;
  /** Accepted DS Account tokens → profile. */
  readonly dsAccountTokens: Readonly<Record<string, TestLoginProfile>>;
  /** When set, dev logins need this password; otherwise any password is accepted. */
  readonly devPassword: string | undefined;
  /** Proxy backends: service name → base URL. */
  readonly proxyBackends: Readonly<Record<string, string>>;
  /** When set, upload URLs are presigned absolute URLs on this origin (no token needed). */
  readonly presignedUploadOrigin: () => string | undefined;
  /** Records each request (for tests: cold-ness, headers). */
  readonly record: (entry: Omit<RecordedRequest, 'seq'>) => void;
}

/** One REST request as the gateway saw it, recorded when it arrived. */
export interface RecordedRequest {
  /** 1 for the gateway's first request, then one more for each: a mark that survives the log rolling over. */
  readonly seq: number;
  /** The HTTP method. */
  readonly method: string;
  /** The path with its query. */
  readonly path: string;
  /** Whether an `Authorization` header came (never its value). */
  readonly authorization: boolean;
  /** When it arrived (ms since the epoch). */
  readonly at: number;
}

const ANONYMOUS: TokenOwner = { userId: '', role: null, edge: false };

/**
 * The gateway's REST API: every route of the contract with the seed's semantics, RFC 7807
 * errors and CORS. Returns a handler that answers a request when it is for the API and
 * returns false otherwise. The paths come from the client's route table (`src/http/routes.ts`);
 * the route groups live in `rest/*-routes.ts`, tried in the order they are added here.
 */
export function createRestApi(deps: RestApiDeps): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean> {
  const routes: Route[] = [];
  const registrar = routeRegistrar(routes);
  addAuthAndParticipantRoutes(registrar, deps);
  addConversationRoutes(registrar, deps);
  addMessageRoutes(registrar, deps);
  addFileRoutes(registrar, deps);
  addBotRoutes(registrar, deps);
  addProxyRoutes(registrar, deps);
  addHealthRoutes(registrar);

  return async (req, res, url) => {
    const path = url.pathname;
    if (!path.startsWith('/api/') && !path.startsWith('/health/')) return false;
    applyCors(req, res);
    if (req.method === 'OPTIONS') {
      sendEmpty(res, 204);
      return true;
    }
    deps.record({
      method: req.method ?? 'GET',
      path: url.pathname + url.search,
      authorization: req.headers.authorization !== undefined,
      at: Date.now(),
    });
    try {
      await dispatch(routes, deps.tokens, req, res, url);
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return true;
      }
      if (error instanceof GatewayError) sendProblem(res, error);
      else sendProblem(res, new GatewayError(500, 'An unexpected error occurred.'));
    }
    return true;
  };
}

/** Runs the first route whose path and method match: a 401 when it needs a token that is not valid, 405/404 when none matches. */
async function dispatch(routes: readonly Route[], tokens: TokenIssuer, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const path = url.pathname;
  let pathMatched = false;
  for (const r of routes) {
    const match = r.pattern.exec(path);
    if (!match) continue;
    pathMatched = true;
    if (r.method !== req.method) continue;
    const params = routeParams(r, match);
    let user = ANONYMOUS;
    if (r.auth) {
      const token = bearerToken(req);
      const owner = tokens.verify(token);
      if (!owner) {
        // As ASP.NET's JwtBearer answers: a bare `Bearer` challenge without a token, `invalid_token` with a bad one.
        sendEmpty(res, 401, { 'WWW-Authenticate': token === undefined || token === '' ? 'Bearer' : 'Bearer error="invalid_token"' });
        return;
      }
      user = owner;
    }
    await r.handler({ req, res, url, params, user });
    return;
  }
  throw pathMatched ? new GatewayError(405, `The method ${req.method ?? ''} is not allowed here.`) : notFound(`No route for ${path}.`);
}
