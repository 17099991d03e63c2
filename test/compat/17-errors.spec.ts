/**
 * Seed README §17 "Xử lý lỗi — ChatApiError" (lines 1652–1756), run against
 * `chat-client-rx/compat`, with the standalone hub clients of the same section.
 */
import { HubConnectionState, LogLevel } from '@microsoft/signalr';
import { expect } from 'chai';
// seed lines 1656, 1697–1698
import { ChatApiError } from '../../src/compat/index.js';
import type { ProblemDetails } from '../../src/compat/index.js';
// seed lines 1720–1721 (LogLevel from '@microsoft/signalr' above) and 1743
import { ChatHubClient, NotificationHubClient } from '../../src/compat/index.js';
import { ReconnectionManager } from '../../src/compat/index.js';
import type { ChatClient, ChatMessageDto } from '../../src/compat/index.js';
import { within } from '../support/wait.js';
import { appFunction, captureConsole, seedSuite, waitFor, watchHub } from './seed-kit.js';

describe('seed §17 errors and standalone hubs (compat)', () => {
  const kit = seedSuite();
  const out = captureConsole();
  let client: ChatClient;
  let convId: string;
  before(async () => {
    const { token } = await kit.login('errors-me');
    convId = (await kit.conversation(token, { type: 'Self', participantIds: [] })).id;
  });
  beforeEach(async () => {
    client = await kit.user('errors-me'); // the seed's `client`, logged in
  });

  /**
   * Lines 1658–1679 as written, in a function so that each test below can make it fail its own way.
   * `refreshAndRetry` is the application's (a stub recording its calls); `{ blocks: [...] }` is one text block.
   */
  async function example(conversationId: string, refreshAndRetry: () => Promise<void>): Promise<void> {
    try {
      await client.messages.send(conversationId, { blocks: [{ $type: 'text', format: 'Plain', content: 'x', plainText: 'x' }] }); // seed: { blocks: [...] }
    } catch (err) {
      if (err instanceof ChatApiError) {
        console.error(`HTTP ${err.status}: ${err.title}`);
        console.error('Chi tiết:', err.detail);

        switch (err.status) {
          case 401: // Unauthorized — token hết hạn/không hợp lệ
            await refreshAndRetry();
            break;
          case 403: // Forbidden — không có quyền
            break;
          case 404: // Not Found
            break;
          case 409: // Conflict — ví dụ: đã react emoji đó rồi
            break;
          case 429: // Rate Limited
            break;
        }
      }
    }
  }

  it('try / catch (lines 1656–1679): a 404 is a ChatApiError with status, title and detail', async () => {
    const refreshAndRetry = appFunction<[]>();
    await example('no-such-conversation', async () => refreshAndRetry()); // seed: 'conv-id'
    const [[status], [label, detail]] = out.lines('error') as [[unknown], [unknown, unknown]];
    expect(status).to.match(/^HTTP 404: \S/);
    expect(label).to.equal('Chi tiết:');
    expect(detail).to.be.a('string').and.not.equal('');
    expect(refreshAndRetry.calls).to.deep.equal([]);
  });

  it('try / catch (lines 1656–1679): a 401 runs refreshAndRetry', async () => {
    const refreshAndRetry = appFunction<[]>();
    client.setToken('not-a-valid-jwt'); // not in the seed: an invalid token
    await example(convId, async () => refreshAndRetry()); // seed: 'conv-id'
    expect(out.lines('error')[0]?.[0]).to.match(/^HTTP 401: /);
    expect(refreshAndRetry.calls).to.have.length(1);
  });

  it('try / catch (lines 1656–1679): a 403 (not a member) is caught the same way', async () => {
    const { token } = await kit.login('errors-other');
    const theirs = (await kit.conversation(token, { type: 'Self', participantIds: [] })).id; // not in the seed: a conversation of another user
    await example(theirs, async () => undefined);
    expect(out.lines('error')[0]?.[0]).to.match(/^HTTP (403|404): /);
  });

  it('ChatApiError fields (table line 1683): status, title, detail, message = detail ?? title, name', async () => {
    const error = await client.conversations.getById('no-such-conversation').then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.be.an.instanceOf(ChatApiError).and.an.instanceOf(Error);
    const e = error as ChatApiError;
    expect(e.status).to.equal(404);
    expect(e.title).to.be.a('string').and.not.equal('');
    expect(e.message).to.equal(e.detail ?? e.title);
    expect(e.name).to.equal('ChatApiError');
    const titleOnly = ChatApiError.fromProblemDetails({ status: 500, title: 'Server Error' });
    expect([titleOnly.message, titleOnly.detail]).to.deep.equal(['Server Error', undefined]);
  });

  it('the proxy answers a bare { detail } (prose, line 1685): a ChatApiError too', async () => {
    const error = await client.proxy.get('no-such-service', 'anything').then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.be.an.instanceOf(ChatApiError);
    expect((error as ChatApiError).status).to.equal(404);
    expect((error as ChatApiError).detail).to.equal("Unknown service 'no-such-service'.");
    expect((error as ChatApiError).message).to.equal("Unknown service 'no-such-service'.");
  });

  it('ChatApiError.fromResponse (line 1689): parses a fetch Response', async () => {
    const response = new Response(JSON.stringify({ status: 409, title: 'Conflict', detail: 'Already reacted' }), {
      status: 409,
      headers: { 'content-type': 'application/problem+json' },
    });
    const error = await ChatApiError.fromResponse(response);
    expect([error.status, error.title, error.detail, error.message]).to.deep.equal([409, 'Conflict', 'Already reacted', 'Already reacted']);
  });

  it('ChatApiError.fromProblemDetails (lines 1697–1703)', () => {
    const pd: ProblemDetails = { status: 404, title: 'Not Found', detail: 'Conversation not found' };
    const error = ChatApiError.fromProblemDetails(pd);
    console.log(error.status); // 404
    console.log(error.message); // "Conversation not found"
    expect(out.lines()).to.deep.equal([[404], ['Conversation not found']]);
  });

  it('ProblemDetails (lines 1709–1714)', () => {
    const pd: ProblemDetails = {
      status: 400,
      title: 'Bad Request',
      detail: 'x',
      type: 'https://tools.ietf.org/html/rfc9110#section-15.5.1',
    };
    expect(ChatApiError.fromProblemDetails(pd)).to.include({ status: 400, title: 'Bad Request', detail: 'x' });
  });

  it('standalone hub clients (lines 1720–1753): ChatHubClient and NotificationHubClient from a hub URL and a token provider', async () => {
    const saved = new Map<string, string>([['jwt', (await kit.login('standalone-me')).token]]);
    // Node has no localStorage: a stand-in with the two methods the seed uses.
    const localStorage = {
      getItem: (key: string) => saved.get(key) ?? null,
      setItem: (key: string, value: string) => void saved.set(key, value),
    };
    let refreshed = 0; // not in the seed: counts the refreshes
    let bothLost: Promise<unknown> = Promise.resolve(); // not in the seed: set below, once the hubs are watched
    /**
     * The application's refresh (the seed's `refreshMyToken()`): a new dev login. It answers once both hubs have lost
     * their connection, so that both are certain to be waiting for the same refresh.
     */
    const refreshMyToken = async (): Promise<string | null> => {
      refreshed++;
      await bothLost;
      const { token } = await kit.login('standalone-me');
      localStorage.setItem('jwt', token);
      return token;
    };

    // Tự quản lý token
    const tokenProvider = () => localStorage.getItem('jwt');

    // Khởi tạo ChatHub độc lập
    const chatHub = new ChatHubClient({
      hubUrl: `${kit.url}/hubs/chat`, // seed: 'https://chat-api.example.com/hubs/chat'
      tokenProvider,
      logLevel: LogLevel.Warning, // optional
    });

    // Khởi tạo NotificationHub độc lập
    const notificationHub = new NotificationHubClient({
      hubUrl: `${kit.url}/hubs/notifications`, // seed: 'https://chat-api.example.com/hubs/notifications'
      tokenProvider,
    });
    kit.defer(() => Promise.all([chatHub.disconnect(), notificationHub.disconnect()])); // not in the seed: teardown

    await chatHub.connect();
    await notificationHub.connect();

    // Kết hợp với ReconnectionManager
    const manager = new ReconnectionManager({
      chatHub,
      notificationHub,
      onTokenExpired: async () => {
        const newToken = await refreshMyToken();
        return newToken;
      },
    });
    manager.start();
    kit.defer(() => manager.stop()); // not in the seed: teardown

    expect([chatHub.state, notificationHub.state]).to.deep.equal([HubConnectionState.Connected, HubConnectionState.Connected]);
    // The hubs work: the user is online, and a joined conversation's messages arrive.
    const me = await kit.http<{ isOnline: boolean }>(saved.get('jwt') as string, 'GET', '/api/participants/standalone-me');
    expect(me.isOnline).to.equal(true);
    const { token } = await kit.login('standalone-me');
    const selfId = (await kit.conversation(token, { type: 'Self', participantIds: [] })).id;
    const received: ChatMessageDto[] = [];
    chatHub.on('messageReceived', (m) => received.push(m));
    await chatHub.joinConversation(selfId);
    await kit.send(token, selfId, 'standalone');
    await waitFor(() => received.some((m) => m.plainTextContent === 'standalone'), 5000, 'the message on the standalone hub');

    // The token expires and the server closes both hubs: the manager gets a new token and reconnects them. What the
    // hubs go through is recorded from before the fault, and waited on as events (not as states seen when polled).
    const watched = [watchHub(kit, chatHub), watchHub(kit, notificationHub)];
    bothLost = Promise.all(watched.map((w) => w.disconnected));
    await kit.gw.faults.expireTokens();
    await kit.gw.faults.dropConnections({ allowReconnect: false });
    await within(Promise.all(watched.map((w) => w.reconnected)), 15_000, 'both standalone hubs reconnected');
    expect([chatHub.state, notificationHub.state]).to.deep.equal([HubConnectionState.Connected, HubConnectionState.Connected]);
    expect(watched.map((w) => w.disconnects.length)).to.deep.equal([1, 1]); // each gave up once, on the refused token
    expect(refreshed).to.equal(1); // one refresh for both
  });
});
