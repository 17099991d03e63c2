/**
 * `src/http`: the REST API as cold Observables over one axios transport and one auth session.
 * Named re-exports only; the package root re-exports what users need from here.
 *
 * @packageDocumentation
 */
export { ROUTES, expandPath, encodePathSegments, resolveRoute } from './routes.js';
export type { HttpMethod, RouteSpec, RouteName, RouteTable, ResolvedRoute } from './routes.js';
export { ChatApiError } from './chat-api-error.js';
export type { ChatApiErrorKind, ChatApiErrorInit, ChatApiErrorFromOptions, ResponseHeaders } from './chat-api-error.js';
export { InvalidArgumentError, ArgumentRangeError } from '../core/invalid-argument-error.js';
export { AuthSession, SessionSnapshot, LoginRefreshFields, decodeJwtExpiry } from './auth-session.js';
export type { AuthSessionOptions, RefreshTokenResult, RefreshTokenFn, RefreshContext, RefreshedTokens } from './auth-session.js';
export { HttpTransport, DEFAULT_MAX_RESPONSE_BYTES } from './http-transport.js';
export type {
  HttpTransportOptions,
  RequestSpec,
  CodecRequestSpec,
  ResponseMode,
  QueryParams,
  HttpEvent,
  HttpProgressEvent,
  HttpDoneEvent,
} from './http-transport.js';
export { paginate, paginateItems, cursorPageSource, numberedPageSource } from './paginate.js';
export type { PageSource, PaginateOptions } from './paginate.js';
export { AuthApi } from './auth-api.js';
export { ParticipantApi } from './participant-api.js';
export { ConversationApi } from './conversation-api.js';
export type { ListConversationsParams } from './conversation-api.js';
export { MessageApi } from './message-api.js';
export type { GetHistoryParams } from './message-api.js';
export { FileApi, isUploadDone } from './file-api.js';
export { cleanUploadUrl } from './clean-upload-url.js';
export type { UploadBody, UploadEvent, UploadProgressEvent, UploadDoneEvent, UploadOptions } from './file-api.js';
export { BotApi } from './bot-api.js';
export type { ListBotsParams } from './bot-api.js';
export { ProxyApi } from './proxy-api.js';
export type { ProxyRequestOptions, ProxyResult } from './proxy-api.js';
export { HealthApi } from './health-api.js';
export { createRestApi } from './create-rest-api.js';
export type { RestApi, RestApiOptions } from './create-rest-api.js';
