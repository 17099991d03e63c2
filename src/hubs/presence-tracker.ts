/**
 * Presence subscriptions as the notification hub keeps them — the tracked ids, the calls of 200,
 * re-subscribing after a new session, and the presence map folded from the hub's events — shared
 * by `NotificationHubClient` and the `FakeNotificationHub` of `chat-client-rx/testing`. Internal:
 * not exported by any barrel.
 */
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
import { MAX_PRESENCE_IDS_PER_CALL, type PresenceChangedDto, type PresenceStateItem } from '../codecs/index.js';
import { messageOf } from '../core/errors.js';
import { assertIdArray } from '../core/validate.js';
import { HubError } from './hub-error.js';
import type { HubSession } from './hub-state.js';
import { chunkIds, type PresenceAction, type PresenceMap, reducePresence } from './presence.js';
import { TrackedIds } from './tracked-ids.js';

/** What a {@link PresenceTracker} needs from its hub. */
export interface PresenceHub {
  /** `hub` of the errors reported (`notifications`). */
  readonly hubName: string;
  /** Invokes `SubscribeToPresence` with one chunk of at most 200 ids (the server answers with `presenceState`). */
  subscribe(chunk: readonly string[]): Observable<unknown>;
  /** Invokes `UnsubscribeFromPresence` with one chunk of at most 200 ids. */
  unsubscribe(chunk: readonly string[]): Observable<unknown>;
  /** Reports on the hub's `errors$`. */
  report(error: HubError): void;
}

/**
 * A notification hub's presence subscriptions: `subscribedPresenceIds$` (tracked before each call,
 * untracked again when the call fails), `presence$` (participantId → presence of the subscribed
 * ids), and the work the hub runs after a new session (re-subscribe everything) and while it runs
 * (fold `presenceState` and `presenceChanged` into the map).
 */
export class PresenceTracker {
  /** Replays the participant ids whose presence is subscribed (and re-subscribed after reconnects). */
  readonly subscribedPresenceIds$: Observable<ReadonlySet<string>>;
  /** Replays participantId → presence for the subscribed ids; emits on change. */
  readonly presence$: Observable<PresenceMap>;
  private readonly subscribed = new TrackedIds();
  private readonly presence = new BehaviorSubject<PresenceMap>(new Map());

  constructor(private readonly hub: PresenceHub) {
    this.subscribedPresenceIds$ = this.subscribed.ids$;
    this.presence$ = this.presence.pipe(distinctUntilChanged());
  }

  /** The subscribed ids now, synchronously. */
  get subscribedPresenceIds(): ReadonlySet<string> {
    return this.subscribed.ids;
  }

  /**
   * Subscribes to the presence of `participantIds`: 200 per call, one call after the other, each
   * chunk tracked before its call (the server answers with `presenceState` before the completion)
   * and its new ids untracked again when the call fails. Emits once (void) when every call
   * succeeded.
   *
   * @throws InvalidArgumentError at once when `participantIds` is not an array of non-empty ids.
   */
  subscribe(participantIds: readonly string[]): Observable<void> {
    assertIdArray('participantIds', participantIds);
    const ids = [...new Set(participantIds)];
    return concat(
      ...chunkIds(ids, MAX_PRESENCE_IDS_PER_CALL).map((chunk) =>
        defer(() => {
          const added = chunk.filter((id) => !this.subscribed.ids.has(id));
          this.subscribed.set(chunk, true);
          return this.hub.subscribe(chunk).pipe(
            catchError((error: unknown) => {
              this.subscribed.set(added, false);
              return throwError(() => error);
            }),
          );
        }),
      ),
    ).pipe(ignoreElements(), endWith(undefined));
  }

  /**
   * Unsubscribes (200 ids per call): on subscribe, the ids are untracked and leave `presence$` at
   * once, then the calls run. Emits once (void).
   *
   * @throws InvalidArgumentError at once when `participantIds` is not an array of non-empty ids.
   */
  unsubscribe(participantIds: readonly string[]): Observable<void> {
    assertIdArray('participantIds', participantIds);
    const ids = [...new Set(participantIds)];
    return defer(() => {
      this.subscribed.set(ids, false);
      this.apply({ type: 'removed', participantIds: ids });
      return concat(...chunkIds(ids, MAX_PRESENCE_IDS_PER_CALL).map((chunk) => this.hub.unsubscribe(chunk)));
    }).pipe(ignoreElements(), endWith(undefined));
  }

  /**
   * Subscribes every tracked id again (cold: 200 per call, one after the other). Emits once, when
   * every call was tried, the set subscribed again, then completes; never errors: a failed call
   * is reported (kind `resubscribe`, with its `participantIds`) and its ids stay tracked.
   */
  resubscribe(): Observable<ReadonlySet<string>> {
    return defer(() => {
      const resubscribed = new Set<string>();
      return concat(
        ...chunkIds([...this.subscribed.ids], MAX_PRESENCE_IDS_PER_CALL).map((chunk) =>
          this.hub.subscribe(chunk).pipe(
            tap(() => chunk.forEach((id) => resubscribed.add(id))),
            catchError((error: unknown) => {
              this.hub.report(
                new HubError('resubscribe', `notifications hub: could not re-subscribe presence: ${messageOf(error)}`, {
                  hub: this.hub.hubName,
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

  /** The hub's work after a new session: none for the first (calls made while connecting send their own), else {@link resubscribe}. */
  afterSession(session: HubSession): Observable<never> {
    return session.number > 1 ? this.resubscribe().pipe(ignoreElements()) : EMPTY;
  }

  /** The hub's work while it runs: folds `presenceState` and `presenceChanged` of subscribed ids into `presence$`. */
  fold(presenceState$: Observable<readonly PresenceStateItem[]>, presenceChanged$: Observable<PresenceChangedDto>): Observable<never> {
    const subscribedOnly = <T extends { participantId: string }>(item: T): boolean => this.subscribed.ids.has(item.participantId);
    return merge(
      presenceState$.pipe(map((items): PresenceAction => ({ type: 'state', items: items.filter(subscribedOnly) }))),
      presenceChanged$.pipe(
        filter(subscribedOnly),
        map((item): PresenceAction => ({ type: 'changed', item })),
      ),
    ).pipe(
      tap((action) => this.apply(action)),
      ignoreElements(),
    );
  }

  /** Empties `presence$` (on `disconnect()`: nothing known is current any more); the subscriptions stay tracked. */
  clearPresence(): void {
    this.apply({ type: 'cleared' });
  }

  private apply(action: PresenceAction): void {
    const next = reducePresence(this.presence.value, action);
    if (next !== this.presence.value) this.presence.next(next);
  }
}
