/**
 * The playground's conversation list: a row per conversation (presence dots for the others in it,
 * its name, the unread badge, a preview of its last message) that opens it when clicked; the
 * presence subscriptions behind the dots; and the button that starts a chat with `echo-bot`.
 */
import {
  catchError,
  combineLatest,
  distinct,
  EMPTY,
  filter,
  from,
  map,
  mergeMap,
  type Observable,
  scan,
  shareReplay,
  startWith,
} from 'rxjs';
import { isFileBlock, plainTextOf, type ChatClient, type ConversationListItemDto, type PresenceMap } from '../index.js';
import { messageOf } from '../core/errors.js';
import { h, logEvent, ui } from './dom.js';
import type { SessionContext } from './session-context.js';

/** The active participants of each listed conversation, by conversation id. */
export type Participants = ReadonlyMap<string, readonly string[]>;

/** A conversation's name: its own, else the others in it, else a stand-in. */
function conversationName(conversation: ConversationListItemDto, others: readonly string[]): string {
  if (conversation.name != null && conversation.name !== '') return conversation.name;
  if (others.length > 0) return others.join(', ');
  return conversation.type === 'Self' ? 'Notes to self' : `Conversation ${conversation.id.slice(-6)}`;
}

/** The row's preview of a conversation's last message: `sender: text`, a file's name, or none yet. */
function preview(conversation: ConversationListItemDto): string {
  const last = conversation.lastMessage;
  if (last === null || last === undefined) return 'no messages yet';
  const text = plainTextOf(last.blocks);
  if (text !== '') return `${last.senderId}: ${text}`;
  const file = last.blocks.find(isFileBlock);
  return file !== undefined ? `${last.senderId}: [file] ${file.fileName}` : `${last.senderId}: …`;
}

/**
 * Who is in each listed conversation (loaded once per conversation, 4 at a time; a failure is
 * logged and leaves that conversation out), for the presence dots. Starts empty; shared.
 */
export function participantsOf(client: ChatClient): Observable<Participants> {
  return client.conversationList$.pipe(
    mergeMap((list) => from(list.map((conversation) => conversation.id))),
    distinct(),
    mergeMap(
      (id) =>
        client.conversations.getParticipants(id).pipe(
          map((members) => [id, members.filter((m) => m.isActive).map((m) => m.participantId)] as const),
          catchError((error: unknown) => {
            logEvent(`participants of ${id}: ${messageOf(error)}`);
            return EMPTY;
          }),
        ),
      4,
    ),
    scan((all, [id, ids]) => new Map(all).set(id, ids), new Map<string, readonly string[]>() as Participants),
    startWith(new Map<string, readonly string[]>() as Participants),
    shareReplay({ bufferSize: 1, refCount: true }),
  );
}

/** Subscribes to the presence of everyone we share a conversation with, each id once. */
export function watchPresence({ client, me, subscriptions }: SessionContext, participants$: Observable<Participants>): void {
  subscriptions.add(
    participants$
      .pipe(
        map((all) => [...new Set([...all.values()].flat())].filter((id) => id !== me)),
        scan(
          (acc, ids) => {
            const fresh = ids.filter((id) => !acc.seen.has(id));
            return { seen: new Set([...acc.seen, ...fresh]), fresh };
          },
          { seen: new Set<string>(), fresh: [] as string[] },
        ),
        filter(({ fresh }) => fresh.length > 0),
        mergeMap(({ fresh }) =>
          client.realtime.notifications.subscribeToPresence(fresh).pipe(
            catchError((error: unknown) => {
              logEvent(`presence: ${messageOf(error)}`);
              return EMPTY;
            }),
          ),
        ),
      )
      .subscribe(),
  );
}

/** The conversation list, rendered again on every change of the list, its participants, their presence, or the open conversation. */
export function showConversations(session: SessionContext, participants$: Observable<Participants>): void {
  const { client, subscriptions, open$ } = session;
  subscriptions.add(
    combineLatest([client.conversationList$, participants$, client.realtime.notifications.presence$, open$]).subscribe(
      ([list, participants, presence, openId]) => renderConversations(session, list, participants, presence, openId),
    ),
  );
}

/** Renders the list; notes each conversation's name (and shows the open one's as the timeline's title). */
function renderConversations(
  session: SessionContext,
  list: readonly ConversationListItemDto[],
  participants: Participants,
  presence: PresenceMap,
  openId: string | null,
): void {
  ui.conversations.replaceChildren(
    ...list.map((conversation) => {
      const others = (participants.get(conversation.id) ?? []).filter((id) => id !== session.me);
      const name = conversationName(conversation, others);
      session.names.set(conversation.id, name);
      if (conversation.id === openId) ui.title.textContent = name;
      const row = conversationRow(conversation, name, presenceDots(others, presence), conversation.id === openId);
      row.addEventListener('click', () => session.open$.next(conversation.id));
      return row;
    }),
  );
}

/** A conversation's row: its presence dots, name, unread badge (none on the open one) and preview. */
function conversationRow(conversation: ConversationListItemDto, name: string, dots: HTMLElement, open: boolean): HTMLLIElement {
  return h(
    'li',
    {
      class: `conversation${open ? ' active' : ''}`,
      'data-testid': 'conversation',
      'data-id': conversation.id,
      'data-unread': conversation.unreadCount,
      title: conversation.id,
    },
    dots,
    h('span', { class: 'name' }, name),
    // The open conversation is being read (and is marked read, in timeline.ts): no badge on it,
    // even for the moment between a message arriving and the gateway counting it read.
    conversation.unreadCount > 0 && !open
      ? h('span', { class: 'unread', 'data-testid': 'unread' }, String(conversation.unreadCount))
      : h('span'),
    h('span', { class: 'preview' }, preview(conversation)),
  );
}

/** A dot for each of `others`, showing whether they are online. */
function presenceDots(others: readonly string[], presence: PresenceMap): HTMLSpanElement {
  return h(
    'span',
    { class: 'dots' },
    ...others.map((id) => {
      const online = presence.get(id)?.isOnline ?? false;
      return h('span', {
        class: 'dot',
        'data-testid': 'presence',
        'data-participant': id,
        'data-online': String(online),
        title: `${id}: ${online ? 'online' : 'offline'}`,
      });
    }),
  );
}

/** The "new chat with echo-bot" button: creates a group conversation with echo-bot and opens it. */
export function wireNewBotChat({ client, me, subscriptions, open$ }: SessionContext): void {
  ui.newBotChat.onclick = () => {
    subscriptions.add(
      client.groupConversation(['echo-bot'], { name: `${me} & echo-bot` }).subscribe({
        next: (conversation) => {
          logEvent(`created conversation ${conversation.id}`);
          open$.next(conversation.id);
        },
        error: (error: unknown) => logEvent(`new chat: ${messageOf(error)}`),
      }),
    );
  };
}
