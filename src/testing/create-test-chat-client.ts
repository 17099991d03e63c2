import type { InternalAxiosRequestConfig } from 'axios';
import { defer, type Observable, of, type SchedulerLike, throwError } from 'rxjs';
import type { ConversationListItemDto, CursorPaginatedResult, ParticipantDto } from '../codecs/index.js';
import type { ChatClient } from '../client/chat-client.js';
import type { ChatClientParts } from '../client/client-parts.js';
import { composeChatClient } from '../client/compose.js';
import type { Logger } from '../core/logger.js';
import { assertId, assertIdArray, assertOptionalCursor, assertOptionalInteger, assertOptionalObject } from '../core/validate.js';
import type { ListConversationsParams } from '../http/conversation-api.js';
import { createRestApi, type RestApi } from '../http/create-rest-api.js';
import type { FakeChatHub, FakeChatHubOptions } from './fake-chat-hub.js';
import type { FakeChatServer } from './fake-chat-server.js';
import { FakeChatServerError } from './fake-chat-server-error.js';
import type { FakeHistoryApi } from './fake-history-api.js';
import type { FakeHubOptions } from './fake-hub.js';
import type { FakeNotificationHub } from './fake-notification-hub.js';

/** The base URL of a test client's REST API (no request ever leaves the process). */
export const TEST_CHAT_BASE_URL = 'http://fake.chat.test';

/** Options of {@link createTestChatClient}. */
export interface TestChatClientOptions {
  /** The server the client talks to. */
  readonly server: FakeChatServer;
  /** The participant id the client is logged in as (`client.currentUser`). */
  readonly user: string;
  /** The scheduler of the client's timers. @default `server.scheduler` */
  readonly scheduler?: SchedulerLike;
  /** Defaults for every `timeline()`. @default the client's */
  readonly timeline?: ChatClientParts['timeline'];
  /** Bounds of `streams$`. @default the client's */
  readonly streams?: ChatClientParts['streams'];
  /** Options of the fake chat hub. @default `{}` */
  readonly chatHub?: FakeChatHubOptions;
  /** Options of the fake notification hub. @default `{}` */
  readonly notificationHub?: FakeHubOptions;
  /** Makes the `clientMessageId` of a send. @default `<user>-cmid-1`, `<user>-cmid-2`… (deterministic) */
  readonly newClientMessageId?: () => string;
  /** Diagnostics. @default silent */
  readonly logger?: Logger;
}

/** What {@link createTestChatClient} returns: the client and the fakes behind it, to drive. */
export interface TestChatClient {
  /** A real `ChatClient` (timelines, `messages$`, conversation list…) over the fakes. */
  readonly client: ChatClient;
  /** Its chat hub (`client.realtime.chat`). */
  readonly chat: FakeChatHub;
  /** Its notification hub (`client.realtime.notifications`). */
  readonly notifications: FakeNotificationHub;
  /** Its REST history (`client.messages.getHistory` / `send`). */
  readonly history: FakeHistoryApi;
  /** The REST groups it uses (with the faked methods). */
  readonly rest: RestApi;
}

/** An axios adapter for every route the kit does not fake: a 501 that names the route. */
function notFaked(config: InternalAxiosRequestConfig): Promise<never> {
  const route = `${(config.method ?? 'get').toUpperCase()} ${config.url ?? ''}`;
  const detail = `${route} is not faked in chat-client-rx/testing: only messages.getHistory/send, conversations.list, participants.getBatch/getById are (stub the method on client.rest for others)`;
  return Promise.reject(
    Object.assign(new Error(detail), {
      status: 501,
      statusText: 'Not Implemented',
      data: { status: 501, title: 'Not Implemented', detail },
    }),
  );
}

/** Runs a fake server call as a cold REST call: its refusal becomes the `ChatApiError` REST would give. */
function served<T>(serve: () => T): Observable<T> {
  return defer(() => {
    try {
      return of(serve());
    } catch (error) {
      return throwError(() => (FakeChatServerError.is(error) ? error.toChatApiError() : error));
    }
  });
}

/** `rest` with messages, conversations and participants answered by the fakes. */
function fakeRest(rest: RestApi, server: FakeChatServer, user: string, history: FakeHistoryApi): RestApi {
  const messages: RestApi['messages'] = Object.assign(Object.create(rest.messages) as RestApi['messages'], {
    getHistory: history.getHistory.bind(history),
    send: history.send.bind(history),
  });
  const conversations: RestApi['conversations'] = Object.assign(Object.create(rest.conversations) as RestApi['conversations'], {
    list(params: ListConversationsParams = {}): Observable<CursorPaginatedResult<ConversationListItemDto>> {
      assertOptionalObject('params', params);
      assertOptionalInteger('params.limit', params.limit);
      assertOptionalCursor('params.cursor', params.cursor);
      return served(() => server.listConversations(user, params));
    },
  });
  const participants: RestApi['participants'] = Object.assign(Object.create(rest.participants) as RestApi['participants'], {
    getBatch(ids: readonly string[]): Observable<ParticipantDto[]> {
      assertIdArray('ids', ids);
      return served(() => server.getParticipants(ids));
    },
    getById(id: string): Observable<ParticipantDto> {
      assertId('id', id);
      return served(() => {
        const [found] = server.getParticipants([id]);
        if (!found) throw new FakeChatServerError(404, `Participant '${id}' was not found.`);
        return found;
      });
    },
  });
  return { ...rest, messages, conversations, participants };
}

/**
 * A real `ChatClient` logged in as `user` on a {@link FakeChatServer}: its hubs are the server's
 * fakes, `messages.getHistory` / `send` its {@link FakeHistoryApi}, `conversations.list` and
 * `participants.getBatch` / `getById` answered from the server. Every other REST call errors with
 * a `ChatApiError` (status 501) naming the route: stub it on `rest` if a test needs it. Starts
 * nothing: call `client.connect()` as the app would. Everything runs in virtual time on
 * `scheduler`.
 *
 * @example
 * ```ts
 * testScheduler.run(({ expectObservable }) => {
 *   const server = new FakeChatServer({ scheduler: testScheduler });
 *   server.addParticipant('alice', 'Alice');
 *   server.addParticipant('bob', 'Bob');
 *   server.addConversation('general', ['alice', 'bob']);
 *   const { client, chat } = createTestChatClient({ server, user: 'alice' });
 *   client.connect().subscribe();
 *   // … drive: server.post('general', 'bob', 'Hi'), chat.dropConnection(), chat.reconnect() …
 * });
 * ```
 */
export function createTestChatClient(options: TestChatClientOptions): TestChatClient {
  const { server, user } = options;
  const participant = server.participant(user);
  if (!participant) throw new Error(`createTestChatClient: unknown participant '${user}' (server.addParticipant first)`);
  const scheduler = options.scheduler ?? server.scheduler;
  const base = createRestApi({ baseUrl: TEST_CHAT_BASE_URL, adapter: notFaked, scheduler });
  base.session.applyLogin({
    token: `fake-token-${user}`,
    expiresAt: '9999-12-31T23:59:59.000Z',
    user: { id: participant.id, uniqueName: participant.id, fullName: participant.fullName },
  });
  const history = server.history(user);
  const rest = fakeRest(base, server, user, history);
  const chat = server.chatHub(user, options.chatHub);
  const notifications = server.notificationHub(user, options.notificationHub);
  let sent = 0;
  const client = composeChatClient({
    rest,
    chat,
    notifications,
    scheduler,
    newClientMessageId: options.newClientMessageId ?? (() => `${user}-cmid-${++sent}`),
    ...(options.timeline !== undefined ? { timeline: options.timeline } : {}),
    ...(options.streams !== undefined ? { streams: options.streams } : {}),
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
  });
  return { client, chat, notifications, history, rest };
}
