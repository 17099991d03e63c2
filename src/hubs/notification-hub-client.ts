import type { Observable } from 'rxjs';
import { NotificationHubEvents } from '../codecs/index.js';
import { HubClient, type HubClientOptions } from './hub-client.js';
import type { HubSession } from './hub-state.js';
import type { NotificationHub } from './ports.js';
import type { PresenceMap } from './presence.js';
import { PresenceTracker } from './presence-tracker.js';

/** Options of a {@link NotificationHubClient}: the shared hub options; `url` ends in `/hubs/notifications`. */
export type NotificationHubClientOptions = HubClientOptions;

/**
 * The notification hub (`/hubs/notifications`) as Observables. Connecting marks the user online.
 * Presence subscriptions are a tracked set (`subscribedPresenceIds$`): more than 200 ids are split
 * into calls of 200, everything is subscribed again after a reconnect, and `presence$` is the
 * scanned map participantId → `{ isOnline, lastSeenAt }` from `presenceState` and `presenceChanged`.
 *
 * @example
 * ```ts
 * notifications.presence$.subscribe((map) => render(map.get('bob')?.isOnline));
 * notifications.subscribeToPresence(['bob', 'carol']).subscribe();
 * ```
 */
export class NotificationHubClient extends HubClient<typeof NotificationHubEvents> implements NotificationHub {
  /** Replays the participant ids whose presence is subscribed (and re-subscribed after reconnects). */
  readonly subscribedPresenceIds$: Observable<ReadonlySet<string>>;
  /** Replays participantId → presence for the subscribed ids; emits on change; cleared by `disconnect()`. */
  readonly presence$: Observable<PresenceMap>;
  private readonly tracker: PresenceTracker;

  constructor(options: NotificationHubClientOptions) {
    super('notifications', NotificationHubEvents, options);
    this.tracker = new PresenceTracker({
      hubName: this.hubName,
      subscribe: (chunk) => this.invoke('SubscribeToPresence', [chunk]),
      unsubscribe: (chunk) => this.invoke('UnsubscribeFromPresence', [chunk]),
      report: (error) => this.report(error),
    });
    this.subscribedPresenceIds$ = this.tracker.subscribedPresenceIds$;
    // The presence map is the client's own state (a late subscriber sees it at once); only
    // subscribed ids enter it, and disconnect() clears it.
    this.presence$ = this.tracker.presence$;
  }

  /** While connected: fold `presenceState` and `presenceChanged` of subscribed ids into the map. */
  protected override whileRunning(): Observable<never> {
    return this.tracker.fold(this.on('presenceState'), this.on('presenceChanged'));
  }

  /** After a reconnect with a new connection id: subscribe every tracked id again. (The first session needs none: calls made while connecting send their own.) */
  protected override afterSession(session: HubSession): Observable<never> {
    return this.tracker.afterSession(session);
  }

  /** The subscribed ids now, synchronously. */
  get subscribedPresenceIds(): ReadonlySet<string> {
    return this.tracker.subscribedPresenceIds;
  }

  /**
   * Subscribes to the presence of `participantIds` (any number: sent 200 per call). The server
   * answers each call with `presenceState`, then sends `presenceChanged`. Emits once (void) when
   * every call succeeded and completes.
   *
   * @throws InvalidArgumentError at once when `participantIds` is not an array of non-empty ids.
   */
  subscribeToPresence(participantIds: readonly string[]): Observable<void> {
    return this.tracker.subscribe(participantIds);
  }

  /** Unsubscribes (200 ids per call); their entries leave `presence$`. Emits once (void). */
  unsubscribeFromPresence(participantIds: readonly string[]): Observable<void> {
    return this.tracker.unsubscribe(participantIds);
  }

  /**
   * Subscribes every tracked id again (done by itself after each reconnect with a new connection
   * id). Cold: on subscribe, 200 ids per `SubscribeToPresence` call, one call after the other;
   * the server answers each with `presenceState`.
   *
   * Emits once, when every call was tried, the set of ids subscribed again (an empty set when
   * none is tracked), then completes — so `await firstValueFrom(notifications.resubscribePresence())`
   * works, as the seed SDK's `await resubscribePresence()` did. Never errors: a call that fails
   * is reported on `errors$` (kind `resubscribe`, with its `participantIds`) and its ids are left
   * out of the set, yet stay tracked for the next re-subscription.
   *
   * @example
   * ```ts
   * const ids = await firstValueFrom(notifications.resubscribePresence());
   * console.log(`${ids.size} presence subscriptions renewed`);
   * ```
   */
  resubscribePresence(): Observable<ReadonlySet<string>> {
    return this.tracker.resubscribe();
  }

  /** `disconnect()` clears the presence map: nothing known is current any more. */
  protected override onDisconnectRequested(): void {
    this.tracker.clearPresence();
  }
}

/** A `NotificationHubClient` for a hub URL — the standalone way, without `createChatClient`. */
export function createNotificationHubClient(options: NotificationHubClientOptions): NotificationHubClient {
  return new NotificationHubClient(options);
}
