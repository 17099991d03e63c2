import type { IncomingMessage, ServerResponse } from 'node:http';
import { either } from 'fp-ts';
import * as t from 'io-ts';
import {
  AddParticipantRequest,
  CreateBotRequest,
  CreateConversationRequest,
  CreateOrUpdateParticipantRequest,
  CreateUploadUrlRequest,
  DevLoginRequest,
  DsAccountLoginRequest,
  EditMessageRequest,
  GetParticipantsBatchRequest,
  GoogleLoginRequest,
  MarkAsReadRequest,
  SendMessageRequest,
  UpdateBotRequest,
  UpdateConversationRequest,
  AuthResponse,
  BotDto,
  ConversationDto,
  ConversationListItemDto,
  ConversationParticipantDto,
  CreateBotResponse,
  CursorPaginatedResult,
  MessageDto,
  PagedResult,
  ParticipantDto,
  decodeWith,
  millisecondsToTimeSpan,
} from '../codecs/index.js';
import { MAX_UPLOAD_BYTES } from '../codecs/files.js';
import type { BotRegistry } from './bot-registry.js';
import type { ChatService } from './chat-service.js';
import type { FileStore } from './file-store.js';
import { badRequest, forbidden, GatewayError, notFound } from './gateway-error.js';
import { applyCors, bearerToken, readBody, sendEmpty, sendJson, sendProblem, sendText } from './http-util.js';
import { bindingError, stjInputError, writeNulls } from './stj-profile.js';
import type { TokenIssuer, TokenOwner } from './token-issuer.js';

// What each route answers, to write it as a real server's records serialize (unset members null).
const ParticipantList = t.array(ParticipantDto);
const ConversationPage = CursorPaginatedResult(ConversationListItemDto);
const ConversationList = t.array(ConversationListItemDto);
const MemberList = t.array(ConversationParticipantDto);
const MessagePage = CursorPaginatedResult(MessageDto);
const MessageList = t.array(MessageDto);
const BotPage = PagedResult(BotDto);

/** A user profile a test login token stands for. */
export interface TestLoginProfile {
  readonly id: string;
  readonly fullName: string;
  readonly uniqueName?: string;
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

interface Context {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly params: Readonly<Record<string, string>>;
  readonly user: TokenOwner;
}

type Handler = (ctx: Context) => Promise<void> | void;

interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly keys: readonly string[];
  readonly auth: boolean;
  readonly handler: Handler;
}

const JSON_LIMIT = 1024 * 1024;
const ANONYMOUS: TokenOwner = { userId: '', role: null, edge: false };

/**
 * The gateway's REST API: every route of the contract with the seed's semantics, RFC 7807
 * errors and CORS. Returns a handler that answers a request when it is for the API and
 * returns false otherwise.
 */
export function createRestApi(deps: RestApiDeps): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean> {
  const { chat, files, bots, tokens } = deps;
  const routes: Route[] = [];
  const route = (method: string, path: string, auth: boolean, handler: Handler): void => {
    const keys: string[] = [];
    const source = path
      .split('/')
      .map((part) => {
        if (part === '*') {
          keys.push('rest');
          return '(.+)';
        }
        if (part.startsWith(':')) {
          keys.push(part.slice(1));
          return '([^/]+)';
        }
        return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    routes.push({ method, pattern: new RegExp(`^${source}$`), keys, auth, handler });
  };

  const body = async <C extends t.Any>(ctx: Context, codec: C): Promise<t.TypeOf<C>> => {
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
  };

  const intQuery = (url: URL, name: string): number | undefined => {
    const value = url.searchParams.get(name);
    if (value === null || value === '') return undefined;
    if (!/^-?\d+$/.test(value)) throw badRequest(`The value '${value}' is not valid for ${name}.`, { [name]: [`The value '${value}' is not valid.`] });
    return Number(value);
  };

  const p = (ctx: Context, key: string): string => ctx.params[key] ?? '';

  // ---- auth
  route('POST', '/api/auth/login/:provider', false, async (ctx) => {
    const provider = p(ctx, 'provider').toLowerCase();
    let profile: TestLoginProfile | undefined;
    let role: string | null = null;
    if (provider === 'google') {
      const { idToken } = await body(ctx, GoogleLoginRequest);
      profile = deps.googleTokens[idToken];
    } else if (provider === 'dsaccount') {
      const { token } = await body(ctx, DsAccountLoginRequest);
      profile = deps.dsAccountTokens[token];
    } else if (provider === 'dev') {
      const { username, password } = await body(ctx, DevLoginRequest);
      if (username.trim() === '') throw badRequest('The username field is required.', { username: ['The username field is required.'] });
      if (deps.devPassword === undefined || deps.devPassword === password) profile = { id: username, fullName: username };
      role = 'dev';
    } else {
      throw badRequest(`Unsupported login provider '${provider}'.`, { provider: [`Unsupported login provider '${provider}'.`] });
    }
    if (!profile) throw new GatewayError(401, 'The credentials are not valid.');
    const existing = chat.findParticipant(profile.id);
    const participant = existing ?? chat.upsertParticipant({
      id: profile.id,
      uniqueName: profile.uniqueName ?? profile.id,
      fullName: profile.fullName,
      ...(profile.avatar !== undefined ? { avatar: { url: profile.avatar } } : {}),
    });
    const issued = tokens.issue(participant.id, role, participant.fullName);
    sendJson(ctx.res, 200, writeNulls(AuthResponse, {
      token: issued.token,
      expiresAt: issued.expiresAt,
      user: {
        id: participant.id,
        uniqueName: participant.uniqueName,
        fullName: participant.fullName,
        role,
        ...(participant.avatar?.url != null ? { avatar: participant.avatar.url } : {}),
      },
    }));
  });

  // ---- participants
  // A user writes only their own profile; a token with role=dev (dev logins, tooling) may write any.
  route('POST', '/api/participants', true, async (ctx) => {
    const request = await body(ctx, CreateOrUpdateParticipantRequest);
    if (ctx.user.role !== 'dev' && request.id !== ctx.user.userId) throw forbidden('You can only create or update your own participant.');
    sendJson(ctx.res, 200, writeNulls(ParticipantDto, chat.upsertParticipant(request)));
  });
  route('POST', '/api/participants/batch', true, async (ctx) => sendJson(ctx.res, 200, writeNulls(ParticipantList, chat.getParticipantBatch((await body(ctx, GetParticipantsBatchRequest)).ids))));
  route('GET', '/api/participants/by-unique-name/:name', true, (ctx) => sendJson(ctx.res, 200, writeNulls(ParticipantDto, chat.getParticipantByUniqueName(p(ctx, 'name')))));
  route('GET', '/api/participants/:id', true, (ctx) => sendJson(ctx.res, 200, writeNulls(ParticipantDto, chat.getParticipant(p(ctx, 'id')))));

  // ---- conversations
  route('GET', '/api/conversations', true, (ctx) =>
    sendJson(ctx.res, 200, writeNulls(ConversationPage, chat.listConversations(ctx.user.userId, intQuery(ctx.url, 'limit'), ctx.url.searchParams.get('cursor') ?? undefined))),
  );
  route('POST', '/api/conversations', true, async (ctx) => {
    const { conversation, created } = chat.createConversation(ctx.user.userId, await body(ctx, CreateConversationRequest));
    sendJson(ctx.res, created ? 201 : 200, writeNulls(ConversationDto, conversation));
  });
  route('GET', '/api/conversations/search', true, (ctx) =>
    sendJson(ctx.res, 200, writeNulls(ConversationList, chat.searchConversations(ctx.user.userId, ctx.url.searchParams.get('q') ?? '', intQuery(ctx.url, 'limit')))),
  );
  route('GET', '/api/conversations/one-to-one/:otherId', true, (ctx) => {
    const found = chat.findOneToOne(ctx.user.userId, p(ctx, 'otherId'));
    if (found) sendJson(ctx.res, 200, writeNulls(ConversationDto, found));
    else sendEmpty(ctx.res, 204);
  });
  route('GET', '/api/conversations/:id', true, (ctx) => sendJson(ctx.res, 200, writeNulls(ConversationDto, chat.getConversation(ctx.user.userId, p(ctx, 'id')))));
  route('PUT', '/api/conversations/:id', true, async (ctx) =>
    sendJson(ctx.res, 200, writeNulls(ConversationDto, chat.updateConversation(ctx.user.userId, p(ctx, 'id'), await body(ctx, UpdateConversationRequest)))),
  );
  route('POST', '/api/conversations/:id/leave', true, (ctx) => {
    chat.leaveConversation(ctx.user.userId, p(ctx, 'id'));
    sendEmpty(ctx.res, 204);
  });
  route('GET', '/api/conversations/:id/participants', true, (ctx) => sendJson(ctx.res, 200, writeNulls(MemberList, chat.getConversationParticipants(ctx.user.userId, p(ctx, 'id')))));
  route('POST', '/api/conversations/:id/participants', true, async (ctx) => {
    const request = await body(ctx, AddParticipantRequest);
    chat.addParticipant(ctx.user.userId, p(ctx, 'id'), request.participantId, request.canViewHistory ?? true);
    sendEmpty(ctx.res, 204);
  });
  route('DELETE', '/api/conversations/:id/participants/:pid', true, (ctx) => {
    chat.removeParticipant(ctx.user.userId, p(ctx, 'id'), p(ctx, 'pid'));
    sendEmpty(ctx.res, 204);
  });
  route('POST', '/api/conversations/:id/pin', true, (ctx) => {
    chat.setPinned(ctx.user.userId, p(ctx, 'id'), true);
    sendEmpty(ctx.res, 204);
  });
  route('DELETE', '/api/conversations/:id/pin', true, (ctx) => {
    chat.setPinned(ctx.user.userId, p(ctx, 'id'), false);
    sendEmpty(ctx.res, 204);
  });
  route('POST', '/api/conversations/:id/read', true, async (ctx) => {
    chat.markAsRead(ctx.user.userId, p(ctx, 'id'), (await body(ctx, MarkAsReadRequest)).messageId);
    sendEmpty(ctx.res, 204);
  });
  route('POST', '/api/conversations/:id/unread', true, (ctx) => {
    chat.markAsUnread(ctx.user.userId, p(ctx, 'id'));
    sendEmpty(ctx.res, 204);
  });

  // ---- messages
  route('POST', '/api/conversations/:id/messages', true, async (ctx) => {
    const { message, created } = chat.sendMessage(ctx.user.userId, p(ctx, 'id'), await body(ctx, SendMessageRequest));
    sendJson(ctx.res, created ? 201 : 200, writeNulls(MessageDto, chat.toMessageDto(message)));
  });
  route('GET', '/api/conversations/:id/messages', true, (ctx) => {
    const direction = ctx.url.searchParams.get('direction') ?? undefined;
    if (direction !== undefined && direction !== 'older' && direction !== 'newer') {
      throw badRequest(`The value '${direction}' is not valid for direction.`, { direction: ["The direction must be 'older' or 'newer'."] });
    }
    const cursor = ctx.url.searchParams.get('cursor') ?? undefined;
    const limit = intQuery(ctx.url, 'limit');
    sendJson(ctx.res, 200, writeNulls(MessagePage, chat.getHistory(ctx.user.userId, p(ctx, 'id'), {
      ...(limit !== undefined ? { limit } : {}),
      ...(cursor !== undefined && cursor !== '' ? { cursor } : {}),
      ...(direction !== undefined ? { direction } : {}),
    })));
  });
  route('GET', '/api/conversations/:id/messages/search', true, (ctx) =>
    sendJson(ctx.res, 200, writeNulls(MessageList, chat.searchMessages(ctx.user.userId, p(ctx, 'id'), ctx.url.searchParams.get('q') ?? '', intQuery(ctx.url, 'limit')))),
  );
  route('GET', '/api/messages/:id', true, (ctx) => sendJson(ctx.res, 200, writeNulls(MessageDto, chat.getMessage(ctx.user.userId, p(ctx, 'id')))));
  route('PUT', '/api/messages/:id', true, async (ctx) => {
    const request = await body(ctx, EditMessageRequest);
    sendJson(ctx.res, 200, writeNulls(MessageDto, chat.toMessageDto(chat.editMessage(ctx.user.userId, p(ctx, 'id'), request.blocks, request.mentions))));
  });
  route('DELETE', '/api/messages/:id', true, (ctx) => sendJson(ctx.res, 200, chat.deleteMessage(ctx.user.userId, p(ctx, 'id'))));
  route('POST', '/api/messages/:id/recover', true, (ctx) => {
    chat.recoverMessage(ctx.user.userId, p(ctx, 'id'));
    sendEmpty(ctx.res, 204);
  });
  route('POST', '/api/messages/:id/reactions/:emoji', true, (ctx) => {
    chat.addReaction(ctx.user.userId, p(ctx, 'id'), p(ctx, 'emoji'));
    sendEmpty(ctx.res, 204);
  });
  route('DELETE', '/api/messages/:id/reactions/:emoji', true, (ctx) => {
    chat.removeReaction(ctx.user.userId, p(ctx, 'id'), p(ctx, 'emoji'));
    sendEmpty(ctx.res, 204);
  });

  // ---- files
  route('POST', '/api/files/upload-url', true, async (ctx) => {
    const raw = await readBody(ctx.req, JSON_LIMIT);
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString('utf8'));
    } catch {
      throw badRequest('The request body is not valid JSON.', { $: ['The JSON value could not be parsed.'] });
    }
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { fileSize?: unknown }).fileSize === 'number' && (parsed as { fileSize: number }).fileSize > MAX_UPLOAD_BYTES) {
      throw new GatewayError(413, `The file is larger than the ${MAX_UPLOAD_BYTES} byte limit.`);
    }
    const request = decodeWith(CreateUploadUrlRequest)(parsed);
    if (either.isLeft(request)) throw badRequest(request.left.message, Object.fromEntries(request.left.issues.map((i) => [i.path, [`Expected ${i.expected}.`]])));
    const { fileName, contentType, fileSize } = request.right;
    sendJson(ctx.res, 200, files.createUploadUrl(ctx.user.userId, fileName, contentType, fileSize, chat.newId(), deps.presignedUploadOrigin()));
  });
  route('PUT', '/api/files/upload/:uploadId', false, async (ctx) => {
    const uploadId = p(ctx, 'uploadId');
    const presigned = ctx.url.searchParams.has('signature');
    let callerId: string | null = null;
    if (presigned) {
      if (!files.verifySignature(uploadId, ctx.url.searchParams.get('expires'), ctx.url.searchParams.get('signature'))) {
        throw new GatewayError(403, 'The upload signature is not valid.');
      }
    } else {
      const owner = tokens.verify(bearerToken(ctx.req));
      if (!owner) throw new GatewayError(401, 'Unauthorized');
      callerId = owner.userId;
    }
    const data = await readBody(ctx.req, MAX_UPLOAD_BYTES);
    sendJson(ctx.res, 200, files.completeUpload(uploadId, callerId, data));
  });
  route('GET', '/api/files/*', false, (ctx) => {
    const file = files.get(decodeStorageKey(p(ctx, 'rest')));
    ctx.res.writeHead(200, {
      'Content-Type': file.contentType,
      'Content-Length': file.data.length,
      'Content-Disposition': `inline; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
      'X-Content-Type-Options': 'nosniff',
    });
    ctx.res.end(file.data);
  });
  route('DELETE', '/api/files/*', true, (ctx) => {
    files.delete(ctx.user.userId, decodeStorageKey(p(ctx, 'rest')));
    sendEmpty(ctx.res, 204);
  });

  // ---- bots (reading is public; managing needs role=dev, others get 404)
  route('GET', '/api/bots', false, (ctx) => sendJson(ctx.res, 200, writeNulls(BotPage, bots.list(intQuery(ctx.url, 'page') ?? 1, intQuery(ctx.url, 'pageSize') ?? 20))));
  route('GET', '/api/bots/:id', false, (ctx) => sendJson(ctx.res, 200, writeNulls(BotDto, bots.get(p(ctx, 'id')))));
  const dev = (handler: Handler): Handler => (ctx) => {
    if (ctx.user.role !== 'dev') throw notFound('Not Found');
    return handler(ctx);
  };
  route('POST', '/api/bots', true, dev(async (ctx) => sendJson(ctx.res, 201, writeNulls(CreateBotResponse, bots.create(ctx.user.userId, await body(ctx, CreateBotRequest), chat.newId())))));
  route('PUT', '/api/bots/:id', true, dev(async (ctx) => sendJson(ctx.res, 200, writeNulls(BotDto, bots.update(p(ctx, 'id'), await body(ctx, UpdateBotRequest))))));
  route('DELETE', '/api/bots/:id', true, dev((ctx) => {
    bots.delete(p(ctx, 'id'));
    sendEmpty(ctx.res, 204);
  }));
  route('POST', '/api/bots/:id/activate', true, dev((ctx) => {
    bots.setActive(p(ctx, 'id'), true);
    sendEmpty(ctx.res, 204);
  }));
  route('POST', '/api/bots/:id/deactivate', true, dev((ctx) => {
    bots.setActive(p(ctx, 'id'), false);
    sendEmpty(ctx.res, 204);
  }));
  route('POST', '/api/bots/:id/regenerate-key', true, dev((ctx) => sendJson(ctx.res, 200, bots.regenerateKey(p(ctx, 'id')))));

  // ---- proxy
  for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
    route(method, '/api/proxy/:service/*', true, (ctx) => proxy(ctx, deps.proxyBackends));
  }

  // ---- health
  const started = Date.now();
  route('GET', '/health/live', false, (ctx) => sendText(ctx.res, 200, 'Healthy'));
  route('GET', '/health/ready', false, (ctx) => {
    const t0 = performance.now();
    const checks = {
      store: { status: 'Healthy', description: 'In-memory store', duration: millisecondsToTimeSpan(performance.now() - t0), error: null },
      signalr: { status: 'Healthy', description: `Hubs up for ${Math.round((Date.now() - started) / 1000)} s`, duration: millisecondsToTimeSpan(performance.now() - t0), error: null },
    };
    sendJson(ctx.res, 200, { status: 'Healthy', totalDuration: millisecondsToTimeSpan(performance.now() - t0), results: checks });
  });

  return async (req, res, url) => {
    const path = url.pathname;
    if (!path.startsWith('/api/') && !path.startsWith('/health/')) return false;
    applyCors(req, res);
    if (req.method === 'OPTIONS') {
      sendEmpty(res, 204);
      return true;
    }
    deps.record({ method: req.method ?? 'GET', path: url.pathname + url.search, authorization: req.headers.authorization !== undefined, at: Date.now() });
    try {
      let pathMatched = false;
      for (const r of routes) {
        const match = r.pattern.exec(path);
        if (!match) continue;
        pathMatched = true;
        if (r.method !== req.method) continue;
        const params: Record<string, string> = {};
        r.keys.forEach((key, i) => {
          const raw = match[i + 1] ?? '';
          params[key] = key === 'rest' ? raw : safeDecode(raw);
        });
        let user = ANONYMOUS;
        if (r.auth) {
          const token = bearerToken(req);
          const owner = tokens.verify(token);
          if (!owner) {
            // As ASP.NET's JwtBearer answers: a bare `Bearer` challenge without a token, `invalid_token` with a bad one.
            sendEmpty(res, 401, { 'WWW-Authenticate': token === undefined || token === '' ? 'Bearer' : 'Bearer error="invalid_token"' });
            return true;
          }
          user = owner;
        }
        await r.handler({ req, res, url, params, user });
        return true;
      }
      throw pathMatched ? new GatewayError(405, `The method ${req.method ?? ''} is not allowed here.`) : notFound(`No route for ${path}.`);
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return true;
      }
      if (error instanceof GatewayError) sendProblem(res, error);
      else sendProblem(res, new GatewayError(500, 'An unexpected error occurred.'));
      return true;
    }
  };
}

function safeDecode(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw badRequest('The URL is not valid.');
  }
}

/** A storage key from the URL: each segment decoded, `/` kept, `..` refused. */
function decodeStorageKey(raw: string): string {
  const segments = raw.split('/').map(safeDecode);
  if (segments.some((s) => s === '..' || s === '.' || s === '' || s.includes('/') || s.includes('\\'))) throw badRequest('The storage key is not valid.');
  return segments.join('/');
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'authorization', 'cookie', 'content-length']);

async function proxy(ctx: Context, backends: Readonly<Record<string, string>>): Promise<void> {
  const service = ctx.params.service ?? '';
  const base = Object.prototype.hasOwnProperty.call(backends, service) ? backends[service] : undefined;
  if (base === undefined) {
    sendJson(ctx.res, 404, { detail: `Unknown service '${service}'.` });
    return;
  }
  const rest = ctx.params.rest ?? '';
  if (rest.split('/').some((s) => safeDecode(s) === '..')) {
    sendJson(ctx.res, 400, { detail: 'The proxied path is not valid.' });
    return;
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(ctx.req.headers)) {
    if (HOP_BY_HOP.has(name) || value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    if (/[\r\n]/.test(text)) {
      sendJson(ctx.res, 400, { detail: `The header '${name}' is not valid.` });
      return;
    }
    headers[name] = text;
  }
  headers['x-chat-user-id'] = ctx.user.userId;
  const method = ctx.req.method ?? 'GET';
  const payload = method === 'GET' || method === 'HEAD' ? undefined : await readBody(ctx.req, JSON_LIMIT);
  try {
    const target = new URL(`${base.replace(/\/$/, '')}/${rest}${ctx.url.search}`);
    const response = await fetch(target, { method, headers, ...(payload !== undefined && payload.length > 0 ? { body: new Uint8Array(payload) } : {}), signal: AbortSignal.timeout(10_000) });
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
