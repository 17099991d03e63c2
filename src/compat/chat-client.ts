/**
 * The seed SDK's `ChatClient` facade over the reactive client (`createChatClient`).
 */
import type { LogLevel } from '@microsoft/signalr';
import { type ChatClient as ReactiveChatClient, type ChatClientOptions as ReactiveChatClientOptions, createChatClient } from '../client.js';
import { redactingLogger } from '../core/index.js';
import { AuthApi, ConversationApi, MessageApi, ParticipantApi } from './chat-apis.js';
import { ChatHubClient } from './chat-hub-client.js';
import { HttpClient } from './http-client.js';
import { NotificationHubClient } from './notification-hub-client.js';
import { SeedView } from './seed-view.js';
import { BotApi, FileApi, HealthApi, ProxyApi } from './service-apis.js';
import { seedShapes } from './to-seed.js';
import { consoleLogger } from './typed-event-emitter.js';
import type { AuthUserInfo } from './types-rest.js';

/**
 * The seed's SignalR settings of a `ChatClient`.
 *
 * @example
 * ```ts
 * const signalrOptions: ChatClientSignalrOptions = { logLevel: LogLevel.Debug };
 * ```
 */
export interface ChatClientSignalrOptions {
  /** SignalR's minimum log level: lines at it or above go to the `logger` option (the console by default). @default LogLevel.Warning */
  readonly logLevel?: LogLevel;
}

/**
 * Options of a `ChatClient`: the seed's `baseUrl`, `token`, `tokenProvider` and `signalrOptions`,
 * and — optionally — any option of the reactive `createChatClient` (`refreshToken`, `hubs`,
 * `http`, `logger`, `scheduler`, …).
 *
 * @example
 * ```ts
 * const options: ChatClientOptions = { baseUrl: 'https://chat-api.example.com', token: savedJwt };
 * ```
 */
export interface ChatClientOptions extends Omit<ReactiveChatClientOptions, 'signalrOptions'> {
  /** SignalR's log level. @default Warning */
  readonly signalrOptions?: ChatClientSignalrOptions;
}

/**
 * `client.realtime`: both SignalR hubs.
 *
 * @example
 * ```ts
 * const { chat, notifications }: ChatClientRealtime = client.realtime;
 * ```
 */
export interface ChatClientRealtime {
  readonly chat: ChatHubClient;
  readonly notifications: NotificationHubClient;
}

/**
 * The seed SDK's entry point: every REST group, both hubs and the shared JWT, with Promises and
 * callbacks — built on the reactive client, reachable as `rx` for a gradual move to
 * Observables. Logging in stores the token for every request and hub connection.
 *
 * @example
 * ```ts
 * const client = new ChatClient({ baseUrl: 'https://chat-api.example.com' });
 * await client.auth.loginWithDev('devuser', 'devpass');
 * await client.realtime.notifications.connect();
 * await client.realtime.chat.connect();
 * client.realtime.chat.on('messageReceived', (msg) => console.log(msg.plainTextContent));
 * // …
 * await client.disconnect();
 * ```
 */
export class ChatClient {
  /** Logins. */
  readonly auth: AuthApi;
  /** Participants. */
  readonly participants: ParticipantApi;
  /** Conversations. */
  readonly conversations: ConversationApi;
  /** Messages. */
  readonly messages: MessageApi;
  /** Files. */
  readonly files: FileApi;
  /** Bots. */
  readonly bots: BotApi;
  /** Services behind the gateway's proxy. */
  readonly proxy: ProxyApi;
  /** Health probes. */
  readonly health: HealthApi;
  /** Both SignalR hubs. */
  readonly realtime: ChatClientRealtime;
  /** Promise-based requests with this client's token, for API modules of your own. */
  readonly http: HttpClient;
  /** The reactive client underneath (Observables, scanned state such as `timeline(id)`). */
  readonly rx: ReactiveChatClient;
  /** Brings the REST results to the seed's types. */
  private readonly view: SeedView;
  /** The last `currentUser` seen and what it became, so that reading it twice gives the same object. */
  private user: { readonly from: unknown; readonly to: AuthUserInfo | null } = { from: null, to: null };

  /** @throws InvalidArgumentError for a missing or malformed `baseUrl` or an option of the wrong type. */
  constructor(options: ChatClientOptions) {
    // As the seed SDK (SignalR's console logger), diagnostics go to the console unless a logger is given.
    const given = typeof options === 'object' && options !== null ? options : undefined;
    const logger = given?.logger ?? consoleLogger;
    const rx = createChatClient(given === undefined ? options : { ...given, logger });
    this.rx = rx;
    const view = new SeedView(logger);
    this.view = view;
    this.auth = new AuthApi(rx.auth, view);
    this.participants = new ParticipantApi(rx.participants, view);
    this.conversations = new ConversationApi(rx.conversations, view);
    this.messages = new MessageApi(rx.messages, view);
    this.files = new FileApi(rx.files, view);
    this.bots = new BotApi(rx.bots, view);
    this.proxy = new ProxyApi(rx.proxy);
    this.health = new HealthApi(rx.health, view);
    this.http = new HttpClient(rx.rest.transport);
    const wrap = { logger: redactingLogger(logger) ?? logger };
    this.realtime = {
      chat: new ChatHubClient(rx.realtime.chat, wrap),
      notifications: new NotificationHubClient(rx.realtime.notifications, wrap),
    };
  }

  /** The logged-in user (null before a login). */
  get currentUser(): AuthUserInfo | null {
    const from = this.rx.currentUser;
    if (from !== this.user.from) this.user = { from, to: this.view.toSeed(seedShapes.AuthUserInfo, from) };
    return this.user.to;
  }

  /**
   * Replaces the JWT: every later request uses it, and the hubs on their next connection attempt
   * (a connection that is up keeps the token it was opened with).
   *
   * @throws InvalidArgumentError for an empty token.
   */
  setToken(token: string): void {
    this.rx.setToken(token);
  }

  /** Disconnects both hubs at once; resolves when both are closed. Handlers stay registered. */
  async disconnect(): Promise<void> {
    // A token refresh in flight is kept no longer than somebody waits for it.
    this.rx.rest.session.abandonRefresh();
    await Promise.all([this.realtime.chat.disconnect(), this.realtime.notifications.disconnect()]);
  }
}
