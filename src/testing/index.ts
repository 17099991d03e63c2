/**
 * `chat-client-rx/testing`: an in-memory chat service for unit tests in virtual time. A
 * {@link FakeChatServer} holds participants, conversations and messages; its fake hubs and fake
 * history behave as the real ones do from outside, and test drivers drop, kill, resume and refuse
 * connections, inject failures and latency, and emit raw payloads. No Promise, no real timer, no
 * I/O: everything runs synchronously or on the scheduler you pass, so it works inside
 * `testScheduler.run(...)`.
 *
 * @example
 * ```ts
 * import { FakeChatServer } from 'chat-client-rx/testing';
 *
 * testScheduler.run(({ expectObservable, cold }) => {
 *   const server = new FakeChatServer({ scheduler: testScheduler });
 *   server.addParticipant('alice', 'Alice');
 *   server.addParticipant('bob', 'Bob');
 *   server.addConversation('general', ['alice', 'bob']);
 *   const chat = server.chatHub('alice');
 *   chat.connect().pipe(concatWith(chat.joinConversation('general'))).subscribe();
 *   cold('--x').subscribe(() => server.post('general', 'bob', 'Hi'));
 *   expectObservable(chat.on('messageReceived').pipe(map((m) => m.plainTextContent))).toBe('--a', { a: 'Hi' });
 * });
 * ```
 *
 * @packageDocumentation
 */

/**
 * The in-memory chat service: participants, conversations, messages (the truth), and the fakes
 * that see it.
 *
 * @example
 * ```ts
 * const server = new FakeChatServer({ scheduler: testScheduler });
 * server.addParticipant('alice', 'Alice');
 * server.addConversation('general', ['alice']);
 * server.post('general', 'alice', 'Hello').id; // 'm000001'
 * ```
 */
export { FakeChatServer } from './fake-chat-server.js';
/**
 * Options and records of {@link FakeChatServer}.
 *
 * @example
 * ```ts
 * const options: FakeChatServerOptions = { scheduler: testScheduler };
 * const post: FakePostOptions = { clientMessageId: 'c1' };
 * ```
 */
export type {
  FakeChatServerOptions,
  FakeConversation,
  FakeConversationOptions,
  FakeMessageContent,
  FakeParticipant,
  FakeParticipantOptions,
  FakePostOptions,
} from './fake-chat-server.js';
/**
 * What the fake server refuses with (status 400/403/404/409 and the ack's `errorCode`).
 *
 * @example
 * ```ts
 * expect(() => server.post('general', 'mallory', 'hi')).to.throw(FakeChatServerError);
 * ```
 */
export { FakeChatServerError } from './fake-chat-server-error.js';
/**
 * The status of a {@link FakeChatServerError}.
 *
 * @example
 * ```ts
 * const status: FakeChatServerStatus = 403;
 * ```
 */
export type { FakeChatServerStatus } from './fake-chat-server-error.js';
/**
 * One participant's REST history (`getHistory`, `send`) with `failNext`, `delay` and `requests`.
 *
 * @example
 * ```ts
 * server.history('alice').failNext(2).delay(50);
 * ```
 */
export { FakeHistoryApi } from './fake-history-api.js';
/**
 * A request logged by {@link FakeHistoryApi}.
 *
 * @example
 * ```ts
 * expect(server.history('alice').requests.map((r) => r.method)).to.deep.equal(['getHistory']);
 * ```
 */
export type { FakeHistoryRequest } from './fake-history-api.js';
/**
 * The lifecycle and drivers shared by both fake hubs.
 *
 * @example
 * ```ts
 * const hub: FakeHub<typeof ChatHubEvents> = server.chatHub('alice');
 * hub.dropConnection({ resume: true });
 * ```
 */
export { FakeHub } from './fake-hub.js';
/**
 * Options of the fake hubs, of `dropConnection`, and the invocation log entry.
 *
 * @example
 * ```ts
 * const chat = server.chatHub('alice', { reconnectDelays: [1000], serverTimeoutMs: 30_000 } satisfies FakeHubOptions);
 * ```
 */
export type { DropConnectionOptions, FakeHubEventCodecs, FakeHubInvocation, FakeHubOptions, FakeHubPayloads } from './fake-hub.js';
/**
 * The fake chat hub (a `ChatHub`), with `failNextJoin`.
 *
 * @example
 * ```ts
 * const chat: FakeChatHub = server.chatHub('alice');
 * chat.failNextJoin('general');
 * ```
 */
export { FakeChatHub } from './fake-chat-hub.js';
/**
 * Options of {@link FakeChatHub}.
 *
 * @example
 * ```ts
 * const chat = server.chatHub('alice', { maxMessageBytes: 32_768 } satisfies FakeChatHubOptions);
 * ```
 */
export type { FakeChatHubOptions } from './fake-chat-hub.js';
/**
 * The fake notification hub (a `NotificationHub`).
 *
 * @example
 * ```ts
 * const notifications: FakeNotificationHub = server.notificationHub('alice');
 * notifications.subscribeToPresence(['bob']).subscribe();
 * ```
 */
export { FakeNotificationHub } from './fake-notification-hub.js';
/**
 * A real `ChatClient` logged in on a {@link FakeChatServer}, with the fakes behind it.
 *
 * @example
 * ```ts
 * const { client, chat, history } = createTestChatClient({ server, user: 'alice' });
 * client.connect().subscribe();
 * ```
 */
export { createTestChatClient, TEST_CHAT_BASE_URL } from './create-test-chat-client.js';
/**
 * Options and result of {@link createTestChatClient}.
 *
 * @example
 * ```ts
 * const options: TestChatClientOptions = { server, user: 'alice', chatHub: { reconnectDelays: [1000] } };
 * const { client }: TestChatClient = createTestChatClient(options);
 * ```
 */
export type { TestChatClient, TestChatClientOptions } from './create-test-chat-client.js';
/**
 * What a history query of the fake server takes (`server.historyPage`), and how a fake hub is
 * known to the server (the `endpoint` a subclass of `FakeHub` hands it).
 *
 * @example
 * ```ts
 * const query: HistoryQuery = { limit: 20, direction: 'older' };
 * server.historyPage('alice', 'general', query);
 * ```
 */
export type { HistoryQuery } from './fake-records.js';
export type { FakeEndpoint } from './fake-hub-registry.js';
