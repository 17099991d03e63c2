/**
 * Seed README §2 "Cài đặt và khởi tạo" (installation and set-up), lines 100–212, run against
 * `chat-client-rx/compat`. Each example keeps the seed's code; the import path is the source of
 * `chat-client-rx/compat` and the placeholders (the server URL, a token, a Redux store) are
 * replaced by live values, each change commented.
 */
import { HubConnectionState, LogLevel } from '@microsoft/signalr';
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// seed line 109 (the only change: '@manonero/chat-client-sdk' → the source of chat-client-rx/compat)
import { ChatClient } from '../../src/compat/index.js';
// seed lines 113–114
import type { MessageDto, ConversationDto, Block } from '../../src/compat/index.js';
import { ChatApiError } from '../../src/compat/index.js'; // class — dùng import (không phải import type) để hỗ trợ instanceof
// seed lines 118–177, the "advanced exports", in the seed's order
// TypedEventEmitter — dùng độc lập hoặc extend
import { TypedEventEmitter } from '../../src/compat/index.js';
import type { Unsubscribe } from '../../src/compat/index.js';
// HttpClient — tự xây dựng API module bổ sung theo cùng pattern
import { HttpClient } from '../../src/compat/index.js';
import type { HttpClientOptions } from '../../src/compat/index.js';
// Event map types — dùng khi cần typed wrapper
import type { ChatHubEventMap, NotificationHubEventMap } from '../../src/compat/index.js';
// Hub options (khi dùng hub client độc lập, không qua ChatClient)
import type { ChatHubClientOptions, NotificationHubClientOptions } from '../../src/compat/index.js';
// Hub request types (Client → Server) — dùng khi gọi SignalR methods
import type {
  ChatSendMessageRequest,
  ChatEditMessageRequest,
  ChatDeleteMessageRequest,
  ChatRecoverMessageRequest,
  ChatAddReactionRequest,
  ChatRemoveReactionRequest,
} from '../../src/compat/index.js';
// Ack types (Server → Client return) — dùng khi cần type return value của Hub methods
import type {
  SendMessageAck,
  EditMessageAck,
  DeleteMessageAck,
  RecoverMessageAck,
  ReactionAck,
  MarkAsReadAck,
  HubErrorDto,
} from '../../src/compat/index.js';
// ReconnectionManager options
import type { ReconnectionManagerOptions } from '../../src/compat/index.js';
// ChatClient facade types
import type { ChatClientSignalrOptions, ChatClientRealtime } from '../../src/compat/index.js';
// Upload progress callback type — dùng khi cần type hàm onProgress
import type { UploadProgressCallback } from '../../src/compat/index.js';
// RFC 7807 Problem Details — dùng khi cần parse/tạo lỗi thủ công
import type { ProblemDetails } from '../../src/compat/index.js';
// Mark as read request type (REST)
import type { MarkAsReadRequest } from '../../src/compat/index.js';
// Login request types riêng lẻ (khi cần type-check từng provider)
import type { GoogleLoginRequest, DsAccountLoginRequest, DevLoginRequest, LoginRequest } from '../../src/compat/index.js';
// Standalone hub clients — dùng khi không cần ChatClient facade
import { ChatHubClient, NotificationHubClient, ReconnectionManager } from '../../src/compat/index.js';
import { captureConsole, seedSuite } from './seed-kit.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('seed §2 set-up (compat)', () => {
  const kit = seedSuite();
  const out = captureConsole();

  it('Installation / Import (lines 104–109): `chat-client-rx/compat` is an entry point of the package', () => {
    // The seed installs '@manonero/chat-client-sdk' (and '@microsoft/signalr', a dependency here) and imports from
    // its root; the drop-in is the one-line switch to 'chat-client-rx/compat', which the exports map must resolve.
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      exports: Record<string, unknown>;
      dependencies: Record<string, string>;
    };
    expect(pkg.exports['./compat']).to.deep.equal({
      import: { types: './dist/esm/compat/index.d.ts', default: './dist/esm/compat/index.js' },
      require: { types: './dist/cjs/compat/index.d.ts', default: './dist/cjs/compat/index.js' },
    });
    expect(pkg.dependencies).to.have.property('@microsoft/signalr');
    // That the build puts the entry point where the map points (ESM and CommonJS, with types) is
    // checked for every entry of the map by test/package/exports.spec.ts, which builds first.
  });

  it('import { ChatClient } (line 109): the facade class', () => {
    expect(ChatClient).to.be.a('function');
    const client = kit.track(new ChatClient({ baseUrl: kit.url }));
    expect(client).to.be.an.instanceOf(ChatClient);
  });

  it('import type { MessageDto, ConversationDto, Block } and the ChatApiError class (lines 113–114): instanceof works', async () => {
    // The three types exist and describe what the API returns (a type-level check, run by tsc).
    const block: Block = { $type: 'text', format: 'Plain', content: 'a', plainText: 'a' };
    const message: Pick<MessageDto, 'blocks'> = { blocks: [block] };
    const conversation: Pick<ConversationDto, 'type'> = { type: 'Self' };
    expect([message.blocks.length, conversation.type]).to.deep.equal([1, 'Self']);
    // "class — dùng import (không phải import type) để hỗ trợ instanceof": an HTTP failure is one.
    const client = kit.track(new ChatClient({ baseUrl: kit.url }));
    const failure = await client.conversations.list().then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).to.be.an.instanceOf(ChatApiError);
    expect((failure as ChatApiError).status).to.equal(401);
  });

  it('advanced exports (lines 118–177): every class is a constructor and every type is exported', () => {
    expect([TypedEventEmitter, HttpClient, ChatHubClient, NotificationHubClient, ReconnectionManager].map((c) => typeof c)).to.deep.equal([
      'function',
      'function',
      'function',
      'function',
      'function',
    ]);
    // Each imported type names something usable (compiled by `tsc -p tsconfig.json --noEmit`).
    const unsubscribe: Unsubscribe = () => undefined;
    const send: ChatSendMessageRequest = { conversationId: 'c', blocks: [] };
    const edit: ChatEditMessageRequest = { messageId: 'm', newBlocks: [] };
    const del: ChatDeleteMessageRequest = { messageId: 'm' };
    const recover: ChatRecoverMessageRequest = { messageId: 'm' };
    const add: ChatAddReactionRequest = { messageId: 'm', conversationId: 'c', emoji: '👍' };
    const remove: ChatRemoveReactionRequest = { messageId: 'm', emoji: '👍' };
    const acks: [SendMessageAck, EditMessageAck, DeleteMessageAck, RecoverMessageAck, ReactionAck, MarkAsReadAck] = [
      { success: true, messageId: 'm', clientMessageId: 'x', createdAt: '2025-01-01T00:00:00Z' },
      { success: true, messageId: 'm', editedAt: '2025-01-01T00:00:00Z' },
      { success: true, messageId: 'm', deletedAt: '2025-01-01T00:00:00Z' },
      { success: false, errorCode: 'NOT_FOUND', errorMessage: 'gone' },
      { success: true, messageId: 'm', emoji: '👍' },
      { success: true, conversationId: 'c' },
    ];
    const hubError: HubErrorDto = { code: 'E', message: 'm', details: { a: 1 } };
    const progress: UploadProgressCallback = (loaded, total) => void [loaded, total];
    const problem: ProblemDetails = { status: 404, title: 'Not Found', detail: 'x', type: 'about:blank' };
    const markAsRead: MarkAsReadRequest = { messageId: 'm' };
    const logins: [GoogleLoginRequest, DsAccountLoginRequest, DevLoginRequest] = [
      { idToken: 'g' },
      { token: 'd' },
      { username: 'u', password: 'p' },
    ];
    const login: LoginRequest = logins[2];
    const signalr: ChatClientSignalrOptions = { logLevel: LogLevel.Warning };
    const chatEvents: Array<keyof ChatHubEventMap> = ['messageReceived', 'streamCompleted', 'error', 'reconnected'];
    const notificationEvents: Array<keyof NotificationHubEventMap> = ['presenceState', 'readStatusChanged', 'disconnected'];
    const chatHubOptions: ChatHubClientOptions = { hubUrl: `${kit.url}/hubs/chat`, tokenProvider: () => null, logLevel: LogLevel.Warning };
    const notificationHubOptions: NotificationHubClientOptions = { hubUrl: `${kit.url}/hubs/notifications`, tokenProvider: () => null };
    // Only the names: the seed documents neither HttpClientOptions' fields nor ReconnectionManagerOptions' beyond §14.
    type Named = [HttpClientOptions, ReconnectionManagerOptions, ChatClientRealtime];
    const named: Array<keyof Named> = ['0', '1', '2'];
    unsubscribe();
    progress(1, 2);
    expect([send, edit, del, recover, add, remove].length).to.equal(6);
    expect(acks.map((a) => a.success)).to.deep.equal([true, true, true, false, true, true]);
    expect([hubError.code, problem.status, markAsRead.messageId, login, signalr.logLevel]).to.deep.equal([
      'E',
      404,
      'm',
      { username: 'u', password: 'p' },
      LogLevel.Warning,
    ]);
    expect([chatEvents.length, notificationEvents.length, named.length]).to.deep.equal([4, 3, 3]);
    expect(chatHubOptions.hubUrl).to.match(/\/hubs\/chat$/);
    expect(notificationHubOptions.hubUrl).to.match(/\/hubs\/notifications$/);
  });

  it('Khởi tạo cơ bản (lines 181–183): a client on baseUrl, nobody logged in yet', async () => {
    const client = new ChatClient({
      baseUrl: kit.url, // seed: 'https://chat-api.example.com' — the embedded gateway
    });
    kit.track(client); // not in the seed: the test disconnects it afterwards
    expect(client.currentUser).to.equal(null);
    expect(await client.health.live()).to.equal('Healthy'); // requests go to baseUrl
  });

  it('Khởi tạo với token có sẵn (lines 187–190): the token authenticates every request without a login', async () => {
    const { token: existing, user } = await kit.login('setup-token-user'); // not in the seed: a token "đã đăng nhập từ trước"
    const client = new ChatClient({
      baseUrl: kit.url, // seed: 'https://chat-api.example.com'
      token: existing, // seed: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...' (a placeholder, not a valid JWT)
    });
    kit.track(client);
    const self = await client.conversations.create({ type: 'Self', participantIds: [] });
    expect(self.ownerId).to.equal(user.id);
  });

  it('Khởi tạo với external token provider (lines 196–199): every request asks the provider', async () => {
    const first = await kit.login('setup-provider-a'); // not in the seed: two users, to see whose token a request carried
    const second = await kit.login('setup-provider-b');
    const state = { auth: { token: first.token as string | null } }; // the seed's Redux store, reduced to what the example reads
    const store = { getState: () => state };
    const client = new ChatClient({
      baseUrl: kit.url, // seed: 'https://chat-api.example.com'
      tokenProvider: () => store.getState().auth.token,
    });
    kit.track(client);
    expect((await client.conversations.create({ type: 'Self', participantIds: [] })).ownerId).to.equal(first.user.id);
    state.auth.token = second.token; // the store changes: the next request carries the new token
    expect((await client.conversations.create({ type: 'Self', participantIds: [] })).ownerId).to.equal(second.user.id);
  });

  it('Ưu tiên token (prose, line 201): token and setToken() win over tokenProvider', async () => {
    const explicit = await kit.login('setup-priority-explicit');
    const provided = await kit.login('setup-priority-provided');
    const later = await kit.login('setup-priority-later');
    const client = kit.track(new ChatClient({ baseUrl: kit.url, token: explicit.token, tokenProvider: () => provided.token }));
    expect((await client.conversations.create({ type: 'Self', participantIds: [] })).ownerId).to.equal(explicit.user.id);
    client.setToken(later.token);
    expect((await client.conversations.create({ type: 'Self', participantIds: [] })).ownerId).to.equal(later.user.id);
  });

  it('Cấu hình SignalR log level (lines 205–212): LogLevel.Debug logs the hub connection at debug level', async () => {
    const { token } = await kit.login('setup-log-level'); // not in the seed: a token, so that a hub can connect
    const client = new ChatClient({
      baseUrl: kit.url, // seed: 'https://chat-api.example.com'
      token, // not in the seed: see above
      signalrOptions: {
        logLevel: LogLevel.Debug, // Mặc định: LogLevel.Warning
      },
    });
    kit.track(client);
    await client.realtime.chat.connect();
    expect(client.realtime.chat.state).to.equal(HubConnectionState.Connected);
    const debugLines = out.printed.filter((p) => p.args.some((a) => typeof a === 'string' && /\bDebug\b/.test(a)));
    expect(debugLines, 'lines logged at Debug while connecting').to.not.deep.equal([]);

    // The default (Warning): a clean connect logs nothing.
    await client.disconnect();
    out.printed.length = 0;
    const quiet = kit.track(new ChatClient({ baseUrl: kit.url, token }));
    await quiet.realtime.chat.connect();
    expect(quiet.realtime.chat.state).to.equal(HubConnectionState.Connected);
    expect(out.printed.filter((p) => p.args.some((a) => typeof a === 'string' && /\b(Debug|Information|Trace)\b/.test(a)))).to.deep.equal(
      [],
    );
  });
});
