/**
 * `createChatClient`'s options checked and turned into the parts of a client: the REST groups
 * over HTTP and both hubs over SignalR, sharing one session and one token refresh.
 */
import { firstValueFrom } from 'rxjs';
import { InvalidArgumentError } from '../core/invalid-argument-error.js';
import { redactingLogger } from '../core/redact.js';
import { createRestApi } from '../http/create-rest-api.js';
import { ChatHubClient } from '../hubs/chat-hub-client.js';
import type { HubClientOptions } from '../hubs/hub-client.js';
import { NotificationHubClient } from '../hubs/notification-hub-client.js';
import type { ChatClientOptions } from './chat-client.js';
import type { ChatClientParts } from './client-parts.js';

/**
 * Checks `createChatClient`'s options.
 *
 * @throws InvalidArgumentError naming the option: a missing or malformed `baseUrl`, both `token`
 * and `session`, an empty `token`, a bad `hubs.maxMessageBytes`, a callback that is not a function.
 */
export function validateOptions(options: ChatClientOptions): void {
  if (typeof options !== 'object' || options === null)
    throw new InvalidArgumentError('options', 'expected an options object with a baseUrl');
  if (typeof options.baseUrl !== 'string' || options.baseUrl === '')
    throw new InvalidArgumentError('options.baseUrl', 'is required: the gateway URL, e.g. "https://chat.example.com"');
  let url: URL;
  try {
    url = new URL(options.baseUrl);
  } catch {
    throw new InvalidArgumentError('options.baseUrl', `"${options.baseUrl}" is not an absolute URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new InvalidArgumentError('options.baseUrl', `must be an http(s) URL, got ${url.protocol}`);
  if (url.search !== '' || url.hash !== '') throw new InvalidArgumentError('options.baseUrl', 'must not have a query or fragment');
  if (options.token !== undefined && options.session !== undefined)
    throw new InvalidArgumentError('options.token', 'give either token or session, not both');
  if (options.token !== undefined && (typeof options.token !== 'string' || options.token === ''))
    throw new InvalidArgumentError('options.token', 'expected a non-empty string');
  const maxMessageBytes: unknown = options.hubs?.maxMessageBytes;
  if (
    maxMessageBytes !== undefined &&
    !(
      maxMessageBytes === Number.POSITIVE_INFINITY ||
      (typeof maxMessageBytes === 'number' && Number.isInteger(maxMessageBytes) && maxMessageBytes > 0)
    )
  ) {
    throw new InvalidArgumentError(
      'options.hubs.maxMessageBytes',
      `expected a positive whole number of bytes (or Infinity), got ${String(maxMessageBytes)}`,
    );
  }
  for (const key of ['tokenProvider', 'refreshToken', 'logger'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'function')
      throw new InvalidArgumentError(`options.${key}`, 'expected a function');
  }
}

/** Counts ids made without `crypto.randomUUID`. */
let clientMessageCounter = 0;
/** A new `clientMessageId`: a random UUID where the platform has one. */
export function newClientMessageId(): string {
  const random = globalThis.crypto?.randomUUID?.();
  clientMessageCounter += 1;
  return random ?? `cm-${Date.now().toString(36)}-${clientMessageCounter.toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/**
 * The parts of a client over HTTP and SignalR, from checked options.
 *
 * @example
 * ```ts
 * const client = composeChatClient(partsFromOptions({ baseUrl: 'https://chat.example.com' }));
 * ```
 */
export function partsFromOptions(options: ChatClientOptions): ChatClientParts {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const logger = redactingLogger(options.logger);
  const scheduler = options.scheduler;
  const rest = createRestApi({
    ...(options.http ?? {}),
    baseUrl,
    ...(options.token !== undefined ? { token: options.token } : {}),
    ...(options.tokenProvider !== undefined ? { tokenProvider: options.tokenProvider } : {}),
    ...(options.refreshToken !== undefined ? { refreshToken: options.refreshToken } : {}),
    ...(options.refreshMarginMs !== undefined ? { refreshMarginMs: options.refreshMarginMs } : {}),
    ...(options.refreshTimeoutMs !== undefined ? { refreshTimeoutMs: options.refreshTimeoutMs } : {}),
    ...(options.session !== undefined ? { restoreSession: options.session } : {}),
    ...(scheduler !== undefined ? { scheduler } : {}),
  });
  const session = rest.session;
  const { maxMessageBytes, ...sharedHubOptions } = options.hubs ?? {};
  const hubOptions = (path: string): HubClientOptions => ({
    ...sharedHubOptions,
    ...(options.hubs?.logLevel === undefined && options.signalrOptions?.logLevel !== undefined
      ? { logLevel: options.signalrOptions.logLevel }
      : {}),
    url: `${baseUrl}${path}`,
    accessTokenFactory: () => firstValueFrom(session.freshToken(), { defaultValue: null }),
    // The token the hub's attempt was refused: if REST refreshed meanwhile, the newer one answers.
    ...(session.canRefresh ? { refreshToken: (refused: string | null) => session.refresh(refused ?? session.getToken()) } : {}),
    ...(scheduler !== undefined ? { scheduler } : {}),
    ...(logger !== undefined ? { logger } : {}),
  });
  return {
    rest,
    chat: new ChatHubClient({ ...hubOptions('/hubs/chat'), ...(maxMessageBytes !== undefined ? { maxMessageBytes } : {}) }),
    notifications: new NotificationHubClient(hubOptions('/hubs/notifications')),
    ...(scheduler !== undefined ? { scheduler } : {}),
    ...(logger !== undefined ? { logger } : {}),
    ...(options.timeline !== undefined ? { timeline: options.timeline } : {}),
    ...(options.streams !== undefined ? { streams: options.streams } : {}),
  };
}
