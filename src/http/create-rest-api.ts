import { AuthApi } from './auth-api.js';
import { AuthSession, type AuthSessionOptions } from './auth-session.js';
import { BotApi } from './bot-api.js';
import { ConversationApi } from './conversation-api.js';
import { FileApi } from './file-api.js';
import { HealthApi } from './health-api.js';
import { HttpTransport, type HttpTransportOptions } from './http-transport.js';
import { MessageApi } from './message-api.js';
import { ParticipantApi } from './participant-api.js';
import { ProxyApi } from './proxy-api.js';

/** Options of {@link createRestApi}: the transport's and, when no `session` is passed, the session's. */
export interface RestApiOptions
  extends HttpTransportOptions,
    Pick<AuthSessionOptions, 'token' | 'tokenProvider' | 'refreshToken' | 'refreshMarginMs' | 'refreshTimeoutMs'> {
  /**
   * An exported session to restore (when no `session` object is passed).
   * @default none
   */
  readonly restoreSession?: AuthSessionOptions['session'];
}

/** Every REST group over one transport and one auth session. */
export interface RestApi {
  /** The auth session (token, expiry, single-flight refresh, `currentUser$`), shared with the hubs. */
  readonly session: AuthSession;
  /** The transport, for extra API modules. */
  readonly transport: HttpTransport;
  /** Logins (store token and user in `session`). */
  readonly auth: AuthApi;
  /** Participants (users and bots). */
  readonly participants: ParticipantApi;
  /** Conversations, with `listPages`/`listAll` pagination. */
  readonly conversations: ConversationApi;
  /** Messages, with `historyPages`/`historyAll` pagination. */
  readonly messages: MessageApi;
  /** Uploads with progress, download URLs, deletion. */
  readonly files: FileApi;
  /** Bots, with `listPages`/`listAll` pagination. */
  readonly bots: BotApi;
  /** Requests to services behind the gateway's proxy. */
  readonly proxy: ProxyApi;
  /** Liveness and readiness probes. */
  readonly health: HealthApi;
}

/**
 * Builds every REST group (`auth`, `participants`, `conversations`, `messages`, `files`, `bots`,
 * `proxy`, `health`) over one {@link HttpTransport} and one {@link AuthSession}. Starts no work:
 * each call is a cold Observable.
 *
 * @example
 * ```ts
 * const rest = createRestApi({ baseUrl: 'https://chat.example.com', refreshToken: () => renew() });
 * rest.auth.loginWithDev('alice', 'pw').pipe(switchMap(() => rest.conversations.list())).subscribe();
 * ```
 */
export function createRestApi(options: RestApiOptions): RestApi {
  const session =
    options.session ??
    new AuthSession({
      baseUrl: options.baseUrl,
      ...(options.token !== undefined ? { token: options.token } : {}),
      ...(options.tokenProvider !== undefined ? { tokenProvider: options.tokenProvider } : {}),
      ...(options.refreshToken !== undefined ? { refreshToken: options.refreshToken } : {}),
      ...(options.refreshMarginMs !== undefined ? { refreshMarginMs: options.refreshMarginMs } : {}),
      ...(options.refreshTimeoutMs !== undefined ? { refreshTimeoutMs: options.refreshTimeoutMs } : {}),
      ...(options.restoreSession !== undefined ? { session: options.restoreSession } : {}),
      ...(options.scheduler !== undefined ? { scheduler: options.scheduler } : {}),
    });
  const transport = new HttpTransport({ ...options, session });
  return {
    session,
    transport,
    auth: new AuthApi(transport),
    participants: new ParticipantApi(transport),
    conversations: new ConversationApi(transport),
    messages: new MessageApi(transport),
    files: new FileApi(transport, options.scheduler),
    bots: new BotApi(transport),
    proxy: new ProxyApi(transport),
    health: new HealthApi(transport),
  };
}
