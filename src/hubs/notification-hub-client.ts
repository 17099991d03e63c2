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
import { HubClient, type HubClientOptions } from './hub-client.js';
import type { HubSession } from './hub-state.js';
import type { NotificationHub } from './ports.js';
import { HubError } from './hub-error.js';
import { chunkIds, type PresenceAction, type PresenceMap, reducePresence } from './presence.js';

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
  private readonly subscribed = new BehaviorSubject<ReadonlySet<string>>(new Set());
  private readonly presence = new BehaviorSubject<PresenceMap>(new Map());

  constructor(options: NotificationHubClientOptions) {
    super('notifications', NotificationHubEvents, options);
    this.subscribedPresenceIds$ = this.subscribed.asObservable();
    // The presence map is the client's own state (a late subscriber sees it at once); only
    // subscribed ids enter it, and disconnect() clears it.
    this.presence$ = this.presence.pipe(distinctUntilChanged());
  }

  /** While connected: fold `presenceState` and `presenceChanged` of subscribed ids into the map. */
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

  /** After a reconnect with a new connection id: subscribe every tracked id again. (The first session needs none: calls made while connecting send their own.) */
  protected override afterSession(session: HubSession): Observable<never> {
    return session.number > 1 ? this.resubscribePresence().pipe(ignoreElements()) : EMPTY;
  }

  /** The subscribed ids now, synchronously. */
  get subscribedPresenceIds(): ReadonlySet<string> {
    return this.subscribed.value;
  }

  /**
   * Subscribes to the presence of `participantIds` (any number: sent 200 per call). The server
   * answers each call with `presenceState`, then sends `presenceChanged`. Emits once (void) when
   * every call succeeded and completes.
   *
   * @throws InvalidArgumentError at once when `participantIds` is not an array of non-empty ids.
   */
  subscribeToPresence(participantIds: readonly string[]): Observable<void> {
    assertIdArray('participantIds', participantIds);
    const ids = [...new Set(participantIds)];
    return concat(
      ...chunkIds(ids, MAX_PRESENCE_IDS_PER_CALL).map((chunk) =>
        // Tracked before the call: the server answers with presenceState before the completion.
        defer(() => {
          const added = chunk.filter((id) => !this.subscribed.value.has(id));
          this.track(chunk, true);
          return this.invoke('SubscribeToPresence', [chunk]).pipe(
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
      return concat(...chunkIds(ids, MAX_PRESENCE_IDS_PER_CALL).map((chunk) => this.invoke('UnsubscribeFromPresence', [chunk])));
    }).pipe(ignoreElements(), endWith(undefined));
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
    return defer(() => {
      const resubscribed = new Set<string>();
      return concat(
        ...chunkIds([...this.subscribed.value], MAX_PRESENCE_IDS_PER_CALL).map((chunk) =>
          this.invoke('SubscribeToPresence', [chunk]).pipe(
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

  /** `disconnect()` clears the presence map: nothing known is current any more. */
  protected override onDisconnectRequested(): void {
    this.applyPresence({ type: 'cleared' });
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

/** A `NotificationHubClient` for a hub URL — the standalone way, without `createChatClient`. */
export function createNotificationHubClient(options: NotificationHubClientOptions): NotificationHubClient {
  return new NotificationHubClient(options);
}
