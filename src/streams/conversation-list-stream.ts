/**
 * The conversation list as streams: the first REST page kept current by the notification hub
 * (see `reduceConversationListState`), with where its loading stands, and the following of every
 * conversation in it.
 */
import {
  catchError,
  concat,
  defer,
  distinctUntilChanged,
  EMPTY,
  filter,
  from,
  ignoreElements,
  map,
  merge,
  mergeMap,
  type Observable,
  of,
  pairwise,
  scan,
  share,
  shareReplay,
  startWith,
  switchMap,
  takeUntil,
} from 'rxjs';
import type { ConversationListItemDto, CursorPaginatedResult } from '../codecs/index.js';
import type { ChatHubPort, NotificationHub } from '../hubs/ports.js';
import {
  type ConversationListAction,
  type ConversationListState,
  type ConversationListStatus,
  INITIAL_CONVERSATION_LIST_STATE,
  reduceConversationListState,
} from './conversation-list.js';

/** What the conversation list streams are built on. */
export interface ConversationListSources {
  readonly chat: Pick<ChatHubPort, 'on'>;
  readonly notifications: Pick<NotificationHub, 'on' | 'sessions$'>;
  /** The first page of the list (`client.conversations.list({ limit: 100 })`). */
  readonly list: () => Observable<CursorPaginatedResult<ConversationListItemDto>>;
  /** The logged-in user's id now. */
  readonly me: () => string | null;
  /** Where a failed list request is reported. */
  readonly report: (error: unknown) => void;
}

/** The list streams of a client (see `ChatClient.conversationListState$` and `conversationList$`). */
export interface ConversationListStreams {
  readonly conversationListState$: Observable<ConversationListStatus>;
  readonly conversationList$: Observable<readonly ConversationListItemDto[]>;
}

/** One scanned list for both streams: the list state and where the loading stands. */
interface ListView {
  readonly state: ConversationListState;
  readonly view: ConversationListStatus;
}

/**
 * The conversation list state and the list itself, sharing one scanned state and one REST
 * request; reloaded after the notification hub reconnects with a new connection id.
 *
 * @example
 * ```ts
 * const { conversationList$ } = conversationListStreams({ chat, notifications, list: () => rest.conversations.list({ limit: 100 }), me, report });
 * ```
 */
export function conversationListStreams(sources: ConversationListSources): ConversationListStreams {
  const { chat, notifications, me, report } = sources;
  const events$ = merge(
    notifications.on('unreadCountChanged').pipe(map((dto): ConversationListAction => ({ type: 'unreadCountChanged', dto }))),
    notifications.on('newMessageNotification').pipe(map((dto): ConversationListAction => ({ type: 'newMessage', dto }))),
    notifications.on('conversationCreated').pipe(map((dto): ConversationListAction => ({ type: 'created', dto }))),
    notifications.on('conversationUpdated').pipe(map((dto): ConversationListAction => ({ type: 'updated', dto }))),
    notifications.on('conversationPinned').pipe(map((dto): ConversationListAction => ({ type: 'pinned', dto }))),
    notifications.on('conversationUnpinned').pipe(map((dto): ConversationListAction => ({ type: 'unpinned', dto }))),
    notifications.on('readStatusChanged').pipe(map((dto): ConversationListAction => ({ type: 'readStatus', dto }))),
    notifications.on('participantJoined').pipe(map((dto): ConversationListAction => ({ type: 'participantJoined', dto, me: me() }))),
    notifications.on('participantLeft').pipe(map((dto): ConversationListAction => ({ type: 'participantLeft', dto, me: me() }))),
    chat.on('messageReceived').pipe(
      filter((message) => message.senderId === me()),
      map((message): ConversationListAction => ({ type: 'ownMessage', message })),
    ),
  );
  // `loading` goes first, before the request is sent: events from then on are applied again on top of its answer.
  const load$ = (): Observable<ConversationListAction> =>
    concat(
      of<ConversationListAction>({ type: 'loading' }),
      sources.list().pipe(
        map((page): ConversationListAction => ({ type: 'loaded', items: page.items })),
        catchError((error: unknown) => {
          report(error);
          return of<ConversationListAction>({ type: 'loadFailed', error });
        }),
      ),
    );
  const initial: ListView = {
    state: INITIAL_CONVERSATION_LIST_STATE,
    view: { status: 'loading', items: INITIAL_CONVERSATION_LIST_STATE.list },
  };
  const conversationListState$ = merge(
    events$,
    load$(),
    notifications.sessions$.pipe(
      filter((s) => s.number > 1),
      switchMap(() => load$()),
    ),
  ).pipe(
    scan(viewAfter, initial),
    map((current) => current.view),
    startWith(initial.view),
    distinctUntilChanged(),
    shareReplay({ bufferSize: 1, refCount: true }),
  );
  // The list once the first request settled (loaded, or failed: then what is held, `[]` at
  // first), so `firstValueFrom(conversationList$)` is the loaded list, not a placeholder.
  const conversationList$ = conversationListState$.pipe(
    filter((s) => s.status !== 'loading' || s.items.length > 0),
    map((s) => s.items),
    distinctUntilChanged(),
    shareReplay({ bufferSize: 1, refCount: true }),
  );
  return { conversationListState$, conversationList$ };
}

/** The list view after `action`: the reduced state, and the status the action says. */
function viewAfter(current: ListView, action: ConversationListAction): ListView {
  const state = reduceConversationListState(current.state, action);
  const items = state.list;
  const before = current.view;
  const view: ConversationListStatus =
    action.type === 'loaded'
      ? { status: 'loaded', items }
      : action.type === 'loadFailed'
        ? { status: 'failed', items, error: action.error }
        : before.items === items
          ? before
          : { ...before, items };
  return view === before && state === current.state ? current : { state, view };
}

/**
 * Holds a join on every conversation of `list$` while subscribed (see
 * `ChatClient.followAllConversations`): joins each one that enters the list, leaves each one
 * that leaves it, emits the ids followed on each change. A refused join is reported and the
 * others go on.
 *
 * @example
 * ```ts
 * followConversations(client.conversationList$, (id) => feed.hold(id), console.warn).subscribe();
 * ```
 */
export function followConversations(
  list$: Observable<readonly ConversationListItemDto[]>,
  hold: (conversationId: string) => Observable<unknown>,
  report: (error: unknown) => void,
): Observable<ReadonlySet<string>> {
  return defer(() => {
    const ids$ = list$.pipe(
      map((list) => new Set(list.map((c) => c.id)) as ReadonlySet<string>),
      distinctUntilChanged((a, b) => a.size === b.size && [...a].every((id) => b.has(id))),
      share(),
    );
    // Each change: the new set, and a hold on each conversation that joined the list (held
    // until the conversation leaves the list or the subscriber goes).
    return ids$.pipe(
      startWith(new Set<string>() as ReadonlySet<string>),
      pairwise(),
      mergeMap(([before, now]) =>
        merge(
          of(now),
          from([...now].filter((id) => !before.has(id))).pipe(
            mergeMap((id) =>
              hold(id).pipe(
                ignoreElements(),
                catchError((error: unknown) => {
                  report(error);
                  return EMPTY;
                }),
                takeUntil(ids$.pipe(filter((ids) => !ids.has(id)))),
              ),
            ),
          ),
        ),
      ),
    );
  });
}
