/**
 * The seed SDK's `NotificationHubClient` (`client.realtime.notifications`) over the reactive
 * notification hub.
 */
import type { NotificationHubEventMap as RxNotificationHubEventMap } from '../codecs/index.js';
import {
  createNotificationHubClient,
  type NotificationHub,
  type NotificationHubClientOptions as ReactiveNotificationHubClientOptions,
} from '../hubs/index.js';
import { InvalidArgumentError } from '../core/index.js';
import { CompatHubBase, type ConnectionLifecycleEventMap, type WrapHubOptions } from './hub-base.js';
import { toVoidPromise } from './promise.js';
import { notificationHubEventShapes } from './to-seed.js';
import type { NotificationHubServerEventMap } from './types-hubs.js';
import { consoleLogger } from './typed-event-emitter.js';

/**
 * Every event of `NotificationHubClient.on`: the notification hub's server events (payloads as
 * the seed types them) and the connection lifecycle (`reconnecting`, `reconnected`, `disconnected`).
 *
 * @example
 * ```ts
 * const onUnread = (dto: NotificationHubEventMap['unreadCountChanged']) => updateBadge(dto.conversationId, dto.unreadCount);
 * ```
 */
export type NotificationHubEventMap = NotificationHubServerEventMap & ConnectionLifecycleEventMap;

/**
 * Options of a standalone `NotificationHubClient`: the full hub URL (ending in
 * `/hubs/notifications`), where the token comes from, SignalR's log level — plus, optionally,
 * the reactive hub's settings.
 *
 * @example
 * ```ts
 * const options: NotificationHubClientOptions = { hubUrl: 'https://chat-api.example.com/hubs/notifications', tokenProvider };
 * ```
 */
export interface NotificationHubClientOptions extends Omit<ReactiveNotificationHubClientOptions, 'url' | 'accessTokenFactory'> {
  /** The hub's absolute URL, `/hubs/notifications` included. */
  readonly hubUrl: string;
  /** Gives the token, read on every connection attempt. @default no token */
  readonly tokenProvider?: () => string | null | undefined | Promise<string | null | undefined>;
}

function isNotificationHubOptions(source: NotificationHubClientOptions | NotificationHub): source is NotificationHubClientOptions {
  return typeof (source as { hubUrl?: unknown }).hubUrl === 'string';
}

/** The reactive hub for seed-style options. */
function reactiveNotificationHub(options: NotificationHubClientOptions): NotificationHub {
  const { hubUrl, tokenProvider, logger = consoleLogger, ...rest } = options;
  if (hubUrl === '')
    throw new InvalidArgumentError(
      'options.hubUrl',
      'expected the hub\'s absolute URL, e.g. "https://chat-api.example.com/hubs/notifications"',
    );
  return createNotificationHubClient({
    ...rest,
    logger,
    url: hubUrl,
    ...(tokenProvider !== undefined ? { accessTokenFactory: tokenProvider } : {}),
  });
}

/**
 * The notification hub (`/hubs/notifications`): user-level notifications and presence. Connecting
 * marks the user online. Presence subscriptions are tracked and renewed after reconnects; any
 * number of ids may be passed (sent 200 per call).
 *
 * @example
 * ```ts
 * await client.realtime.notifications.connect();
 * client.realtime.notifications.on('presenceChanged', (dto) => setOnline(dto.participantId, dto.isOnline));
 * await client.realtime.notifications.subscribeToPresence(['user-1', 'user-2']);
 * ```
 */
export class NotificationHubClient extends CompatHubBase<NotificationHubServerEventMap, RxNotificationHubEventMap, NotificationHub> {
  /**
   * @param source - the seed's options (a standalone hub), or a reactive notification hub to wrap.
   * @param options - for a wrapped hub: where throwing handlers and undeliverable payloads are reported.
   */
  constructor(source: NotificationHubClientOptions | NotificationHub, options: WrapHubOptions = {}) {
    const standalone = isNotificationHubOptions(source);
    super(
      standalone ? reactiveNotificationHub(source) : source,
      standalone && source.logger !== undefined ? { logger: source.logger } : options,
      notificationHubEventShapes,
    );
  }

  /** The participant ids whose presence is subscribed, as a new `Set` each read: changing it changes nothing. */
  get subscribedPresenceIds(): Set<string> {
    return new Set(this.rx.subscribedPresenceIds);
  }

  /** Subscribes to presence; the server answers with `presenceState`, then `presenceChanged` events. */
  subscribeToPresence(participantIds: readonly string[]): Promise<void> {
    return toVoidPromise(() => this.rx.subscribeToPresence(participantIds));
  }

  /** Unsubscribes from presence. */
  unsubscribeFromPresence(participantIds: readonly string[]): Promise<void> {
    return toVoidPromise(() => this.rx.unsubscribeFromPresence(participantIds));
  }

  /** Subscribes every tracked id again (done by itself after a reconnect). */
  resubscribePresence(): Promise<void> {
    return toVoidPromise(() => this.rx.resubscribePresence());
  }
}
