import {
  BehaviorSubject,
  catchError,
  concat,
  defer,
  distinctUntilChanged,
  EMPTY,
  endWith,
  filter,
  ignoreElements,
  map,
  merge,
  type Observable,
  tap,
  throwError,
} from 'rxjs';
import { MAX_PRESENCE_IDS_PER_CALL, NotificationHubEvents } from '../codecs/index.js';
import { messageOf } from '../core/errors.js';
import { assertIdArray } from '../core/validate.js';
import { HubError } from '../hubs/hub-error.js';
import type { HubSession } from '../hubs/hub-state.js';
import type { NotificationHub } from '../hubs/ports.js';
import { chunkIds, type PresenceAction, type PresenceMap, reducePresence } from '../hubs/presence.js';
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
  private readonly subscribed = new BehaviorSubject<ReadonlySet<string>>(new Set());
  private readonly presence = new BehaviorSubject<PresenceMap>(new Map());
  private readonly registry: FakeHubRegistry;

  /** Made by `server.notificationHub(participantId, options)`. */
  constructor(server: FakeChatServer, participantId: string, options: FakeHubOptions = {}) {
    super('notifications', NotificationHubEvents, participantId, server.scheduler, options);
    this.registry = registryOf(server);
    this.subscribedPresenceIds$ = this.subscribed.asObservable();
    this.presence$ = this.presence.pipe(distinctUntilChanged());
  }

  /** The subscribed ids now, synchronously. */
  get subscribedPresenceIds(): ReadonlySet<string> {
    return this.subscribed.value;
  }

  /**
   * Subscribes to the presence of `participantIds` (200 per call): each call is answered with
   * `presenceState` before it completes. Emits once (void) when every call succeeded.
   */
  subscribeToPresence(participantIds: readonly string[]): Observable<void> {
    assertIdArray('participantIds', participantIds);
    const ids = [...new Set(participantIds)];
    return concat(
      ...chunkIds(ids, MAX_PRESENCE_IDS_PER_CALL).map((chunk) =>
        defer(() => {
          const added = chunk.filter((id) => !this.subscribed.value.has(id));
          this.track(chunk, true);
          return this.subscribeCall(chunk).pipe(
            catchError((error: unknown) => {
              this.track(added, false);
              return throwError(() => error);
            }),
          );
        }),
      ),
    ).pipe(ignoreElements(), endWith(undefined));
  }

  /** Unsubscribes (200 ids per call); their entries leave `presence$`. Emits once (void). */
  unsubscribeFromPresence(participantIds: readonly string[]): Observable<void> {
    assertIdArray('participantIds', participantIds);
    const ids = [...new Set(participantIds)];
    return defer(() => {
      this.track(ids, false);
      this.applyPresence({ type: 'removed', participantIds: ids });
      return concat(
        ...chunkIds(ids, MAX_PRESENCE_IDS_PER_CALL).map((chunk) =>
          this.invoke('UnsubscribeFromPresence', [chunk], () => this.registry.unsubscribePresence(this.endpoint, chunk)),
        ),
      );
    }).pipe(ignoreElements(), endWith(undefined));
  }

  /**
   * Subscribes every tracked id again (done by itself after each new session); emits the set
   * subscribed again and completes, never errors: a failed call is reported on `errors$` (kind
   * `resubscribe`) and its ids stay tracked.
   */
  resubscribePresence(): Observable<ReadonlySet<string>> {
    return defer(() => {
      const resubscribed = new Set<string>();
      return concat(
        ...chunkIds([...this.subscribed.value], MAX_PRESENCE_IDS_PER_CALL).map((chunk) =>
          this.subscribeCall(chunk).pipe(
            tap(() => chunk.forEach((id) => resubscribed.add(id))),
            catchError((error: unknown) => {
              this.report(
                new HubError('resubscribe', `notifications hub: could not re-subscribe presence: ${messageOf(error)}`, {
                  hub: this.hubName,
                  method: 'SubscribeToPresence',
                  participantIds: chunk,
                  cause: error,
                }),
              );
              return EMPTY;
            }),
          ),
        ),
      ).pipe(ignoreElements(), endWith(resubscribed));
    });
  }

  protected override attach(): void {
    this.registry.openNotifications(this.endpoint);
  }

  protected override detach(): void {
    this.registry.closeNotifications(this.endpoint);
  }

  /** While running: fold `presenceState` and `presenceChanged` of subscribed ids into `presence$`. */
  protected override whileRunning(): Observable<never> {
    const subscribedOnly = <T extends { participantId: string }>(item: T): boolean => this.subscribed.value.has(item.participantId);
    return merge(
      this.on('presenceState').pipe(map((items): PresenceAction => ({ type: 'state', items: items.filter(subscribedOnly) }))),
      this.on('presenceChanged').pipe(
        filter(subscribedOnly),
        map((item): PresenceAction => ({ type: 'changed', item })),
      ),
    ).pipe(
      tap((action) => this.applyPresence(action)),
      ignoreElements(),
    );
  }

  /** After a new session (not the first): subscribe every tracked id again. */
  protected override afterSession(session: HubSession): Observable<never> {
    return session.number > 1 ? this.resubscribePresence().pipe(ignoreElements()) : EMPTY;
  }

  /** `disconnect()` clears the presence map. */
  protected override onDisconnectRequested(): void {
    this.applyPresence({ type: 'cleared' });
  }

  /** `SubscribeToPresence` on the server: subscribes this connection and answers with `presenceState`. */
  private subscribeCall(chunk: readonly string[]): Observable<void> {
    return this.invoke('SubscribeToPresence', [chunk], () => {
      const state = this.registry.subscribePresence(this.endpoint, chunk);
      this.registry.toConnection(this.endpoint, 'presenceState', state);
    });
  }

  private applyPresence(action: PresenceAction): void {
    const next = reducePresence(this.presence.value, action);
    if (next !== this.presence.value) this.presence.next(next);
  }

  private track(ids: readonly string[], subscribed: boolean): void {
    const current = this.subscribed.value;
    if (ids.every((id) => current.has(id) === subscribed)) return;
    const next = new Set(current);
    for (const id of ids) {
      if (subscribed) next.add(id);
      else next.delete(id);
    }
    this.subscribed.next(next);
  }
}
