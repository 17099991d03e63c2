/**
 * The client as wiring: REST groups, both hubs, the loss-free conversation feed and the scanned
 * state built on them. No transport here — the parts come from `createChatClient` (HTTP and
 * SignalR) or from `chat-client-rx/testing` (in memory).
 */
import { concat, filter, map, merge, of, share, Subject, switchMap, toArray } from 'rxjs';
import { messageOf } from '../core/errors.js';
import { InvalidArgumentError } from '../core/invalid-argument-error.js';
import { assertId, assertIdArray } from '../core/validate.js';
import { accumulateStreams, type BotStream, botStreamEvents } from '../streams/accumulate-stream.js';
import { ConversationFeed } from '../streams/conversation-feed.js';
import { conversationListStreams, followConversations } from '../streams/conversation-list-stream.js';
import { finishedMessages } from '../streams/messages-stream.js';
import { ParticipantNames } from '../streams/participant-names.js';
import { Timeline } from '../streams/timeline.js';
import { type ChatClient, Completion } from './chat-client.js';
import type { ChatClientParts } from './client-parts.js';
import { newClientMessageId } from './client-options.js';

/**
 * A `ChatClient` composed of its parts. Starts no work: nothing is sent until something is
 * subscribed.
 *
 * @example
 * ```ts
 * const client = composeChatClient({ rest, chat, notifications, scheduler });
 * ```
 */
export function composeChatClient(parts: ChatClientParts): ChatClient {
  const { rest, chat, notifications, logger } = parts;
  const session = rest.session;
  const withScheduler = parts.scheduler !== undefined ? { scheduler: parts.scheduler } : {};
  const reports = new Subject<unknown>();
  const report = (error: unknown): void => {
    logger?.('warn', messageOf(error));
    reports.next(error);
  };
  // One name per sender: REST history has none, so timelines and messages$ resolve them here.
  const names = new ParticipantNames(rest.participants, withScheduler);
  // Bot streams, accumulated. A reconnect with a new connection id may have lost a stream's end:
  // the streams under way then end as interrupted (their final message comes back with gap
  // recovery, or with the completion if the bot is still going).
  const streams$ = botStreamEvents(chat).pipe(
    accumulateStreams({
      ...parts.streams,
      ...withScheduler,
      interruptions$: chat.sessions$.pipe(
        filter((s) => s.number > 1),
        map(() => 'the connection was lost while the reply was streaming'),
      ),
    }),
    share(),
  );
  // The loss-free core, shared by messages$ and every timeline.
  const feed = new ConversationFeed({
    chat,
    history: rest.messages,
    finished$: streams$.pipe(
      filter((s) => s.phase === 'completed' && s.message !== null),
      map((s) => s.message as NonNullable<BotStream['message']>),
    ),
    report,
    leaveOnRelease: parts.timeline?.leaveOnUnsubscribe ?? true,
    ...withScheduler,
  });
  const messages$ = finishedMessages(feed, names).pipe(share());
  const me = (): string | null => session.currentUser?.id ?? null;
  const list = conversationListStreams({ chat, notifications, list: () => rest.conversations.list({ limit: 100 }), me, report });
  const timelineDefaults = parts.timeline ?? {};
  const makeClientMessageId = parts.newClientMessageId ?? newClientMessageId;
  return {
    rest,
    auth: rest.auth,
    participants: rest.participants,
    conversations: rest.conversations,
    messages: rest.messages,
    files: rest.files,
    bots: rest.bots,
    proxy: rest.proxy,
    health: rest.health,
    realtime: { chat, notifications },
    currentUser$: session.currentUser$,
    get currentUser() {
      return session.currentUser;
    },
    messages$,
    conversationList$: list.conversationList$,
    conversationListState$: list.conversationListState$,
    followAllConversations: () => followConversations(list.conversationList$, (id) => feed.hold(id), report),
    streams$,
    errors$: merge(chat.errors$, notifications.errors$, reports, names.errors$),
    timeline(conversationId, timelineOptions = {}) {
      assertId('conversationId', conversationId);
      const deps = { chat, messages: rest.messages, streams$, currentUser: () => session.currentUser, report, feed, names };
      return new Timeline(
        conversationId,
        { ...deps, newClientMessageId: makeClientMessageId },
        { ...timelineDefaults, ...timelineOptions, ...withScheduler },
      );
    },
    directConversation(participantId) {
      assertId('participantId', participantId);
      return rest.conversations
        .findOneToOne(participantId)
        .pipe(switchMap((found) => (found ? of(found) : rest.conversations.create({ type: 'OneToOne', participantIds: [participantId] }))));
    },
    groupConversation(participantIds, groupOptions = {}) {
      assertIdArray('participantIds', participantIds);
      if (participantIds.length === 0) throw new InvalidArgumentError('participantIds', 'a group needs at least one other participant');
      const { name, avatar } = groupOptions;
      return rest.conversations.create({
        type: 'Group',
        participantIds: [...participantIds],
        ...(name !== undefined ? { name } : {}),
        ...(avatar !== undefined ? { avatar } : {}),
      });
    },
    connect: () =>
      concat(notifications.connect(), chat.connect()).pipe(
        toArray(),
        map(() => undefined),
      ),
    disconnect() {
      // A refresh in flight is kept no longer than somebody waits for it (the hubs stop now).
      session.abandonRefresh();
      return new Completion(merge(chat.disconnect(), notifications.disconnect()));
    },
    setToken(token) {
      if (typeof token !== 'string' || token === '') throw new InvalidArgumentError('token', 'expected a non-empty string');
      session.setToken(token);
    },
    exportSession: () => session.exportSession(),
    isTokenExpired: (skewMs) => session.isTokenExpired(skewMs),
    getRefreshToken: () => session.getRefreshToken(),
    setRefreshToken(refreshToken, expiresAt) {
      session.setRefreshToken(refreshToken, expiresAt);
    },
    isRefreshSessionExpired: (skewMs) => session.isRefreshSessionExpired(skewMs),
  };
}
