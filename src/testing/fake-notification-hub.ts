import type { Observable } from 'rxjs';
import { NotificationHubEvents } from '../codecs/index.js';
import type { HubSession } from '../hubs/hub-state.js';
import type { NotificationHub } from '../hubs/ports.js';
import type { PresenceMap } from '../hubs/presence.js';
import { PresenceTracker } from '../hubs/presence-tracker.js';
import type { FakeChatServer } from './fake-chat-server.js';
import { type FakeHubRegistry, registryOf } from './fake-hub-registry.js';
import { FakeHub, type FakeHubOptions } from './fake-hub.js';

/**
 * The notification hub of `chat-client-rx/testing`: a `NotificationHub` in memory, connected to a
 * {@link FakeChatServer} as one participant, behaving as `NotificationHubClient` does from
 * outside. Connecting makes the participant online (unless `server.setPresence` says otherwise);
 * presence subscriptions are tracked (`subscribedPresenceIds$`), answered with `presenceState`,
 * re-subscribed after each new session, and folded into `presence$`. The server's `post` sends
 * `newMessageNotification` and `unreadCountChanged` to the other members' notification hubs.
 * Get it from `server.notificationHub(participantId, options)`; the lifecycle drivers are
 * {@link FakeHub}'s.
 *
 * @example
 * ```ts
 * const notifications = server.notificationHub('alice');
 * notifications.presence$.subscribe((map) => console.log(map.get('bob')?.isOnline));
 * notifications.connect().pipe(concatWith(notifications.subscribeToPresence(['bob']))).subscribe();
 * server.setPresence('bob', true);   // presenceChanged → presence$: bob online
 * ```
 */
export class FakeNotificationHub extends FakeHub<typeof NotificationHubEvents> implements NotificationHub {
  /** Replays the participant ids whose presence is subscribed (and re-subscribed after reconnects). */
  readonly subscribedPresenceIds$: Observable<ReadonlySet<string>>;
  /** Replays participantId → presence for the subscribed ids; emits on change; cleared by `disconnect()`. */
  readonly presence$: Observable<PresenceMap>;
  private readonly tracker: PresenceTracker;
  private readonly registry: FakeHubRegistry;

  /** Made by `server.notificationHub(participantId, options)`. */
  constructor(server: FakeChatServer, participantId: string, options: FakeHubOptions = {}) {
    super('notifications', NotificationHubEvents, participantId, server.scheduler, options);
    this.registry = registryOf(server);
    this.tracker = new PresenceTracker({
      hubName: this.hubName,
      subscribe: (chunk) => this.subscribeCall(chunk),
      unsubscribe: (chunk) =>
        this.invoke('UnsubscribeFromPresence', [chunk], () => this.registry.unsubscribePresence(this.endpoint, chunk)),
      report: (error) => this.report(error),
    });
    this.subscribedPresenceIds$ = this.tracker.subscribedPresenceIds$;
    this.presence$ = this.tracker.presence$;
  }

  /** The subscribed ids now, synchronously. */
  get subscribedPresenceIds(): ReadonlySet<string> {
    return this.tracker.subscribedPresenceIds;
  }

  /**
   * Subscribes to the presence of `participantIds` (200 per call): each call is answered with
   * `presenceState` before it completes. Emits once (void) when every call succeeded.
   */
  subscribeToPresence(participantIds: readonly string[]): Observable<void> {
    return this.tracker.subscribe(participantIds);
  }

  /** Unsubscribes (200 ids per call); their entries leave `presence$`. Emits once (void). */
  unsubscribeFromPresence(participantIds: readonly string[]): Observable<void> {
    return this.tracker.unsubscribe(participantIds);
  }

  /**
   * Subscribes every tracked id again (done by itself after each new session); emits the set
   * subscribed again and completes, never errors: a failed call is reported on `errors$` (kind
   * `resubscribe`) and its ids stay tracked.
   */
  resubscribePresence(): Observable<ReadonlySet<string>> {
    return this.tracker.resubscribe();
  }

  /** Opens this participant's notification connection on the fake server (which may make them online). */
  protected override attach(): void {
    this.registry.openNotifications(this.endpoint);
  }

  /** The fake server forgets this notification connection and its presence subscriptions (which may make them offline). */
  protected override detach(): void {
    this.registry.closeNotifications(this.endpoint);
  }

  /** While running: fold `presenceState` and `presenceChanged` of subscribed ids into `presence$`. */
  protected override whileRunning(): Observable<never> {
    return this.tracker.fold(this.on('presenceState'), this.on('presenceChanged'));
  }

  /** After a new session (not the first): subscribe every tracked id again. */
  protected override afterSession(session: HubSession): Observable<never> {
    return this.tracker.afterSession(session);
  }

  /** `disconnect()` clears the presence map. */
  protected override onDisconnectRequested(): void {
    this.tracker.clearPresence();
  }

  /** `SubscribeToPresence` on the server: subscribes this connection and answers with `presenceState`. */
  private subscribeCall(chunk: readonly string[]): Observable<void> {
    return this.invoke('SubscribeToPresence', [chunk], () => {
      const state = this.registry.subscribePresence(this.endpoint, chunk);
      this.registry.toConnection(this.endpoint, 'presenceState', state);
    });
  }
}
