/**
 * Seed README §3 "ChatClient — Facade chính", lines 214–244, run against `chat-client-rx/compat`.
 */
import { HubConnectionState, LogLevel } from '@microsoft/signalr';
import { expect } from 'chai';
import { ChatClient, ChatHubClient, NotificationHubClient } from '../../src/compat/index.js';
import { seedSuite, waitFor } from './seed-kit.js';

describe('seed §3 ChatClient facade (compat)', () => {
  const kit = seedSuite();

  it('new ChatClient(options: ChatClientOptions) (line 222) with every option of the table (line 224)', () => {
    // The seed names the options type ChatClientOptions without listing it among the exports: read it off the constructor.
    const options: ConstructorParameters<typeof ChatClient>[0] = {
      baseUrl: kit.url, // seed: "https://chat-api.example.com"
      token: 'a-jwt',
      tokenProvider: () => null,
      signalrOptions: { logLevel: LogLevel.Warning },
    };
    const client = kit.track(new ChatClient(options));
    expect(client).to.be.an.instanceOf(ChatClient);
    // baseUrl is the only required option.
    kit.track(new ChatClient({ baseUrl: kit.url }));
  });

  it('Thuộc tính (line 228): the API groups, both hubs and currentUser', async () => {
    const client = kit.track(new ChatClient({ baseUrl: kit.url }));
    for (const name of ['auth', 'participants', 'conversations', 'messages', 'files', 'bots', 'proxy', 'health'] as const) {
      expect(client[name], name).to.be.an('object');
    }
    expect(client.realtime.chat).to.be.an.instanceOf(ChatHubClient);
    expect(client.realtime.notifications).to.be.an.instanceOf(NotificationHubClient);
    expect(client.currentUser).to.equal(null);
    const auth = await client.auth.loginWithDev('facade-user', 'pw');
    expect(client.currentUser).to.deep.equal(auth.user);
  });

  it('setToken() (line 238): the very next HTTP request uses the new token', async () => {
    const before = await kit.login('facade-before');
    const after = await kit.login('facade-after'); // not in the seed: the token 'new-jwt-token-here' stands for
    const client = kit.track(new ChatClient({ baseUrl: kit.url, token: before.token }));
    expect((await client.conversations.create({ type: 'Self', participantIds: [] })).ownerId).to.equal('facade-before');
    client.setToken(after.token); // seed: client.setToken('new-jwt-token-here');
    expect((await client.conversations.create({ type: 'Self', participantIds: [] })).ownerId).to.equal(after.user.id);
  });

  it('disconnect() (line 244): both hubs are disconnected', async () => {
    const client = kit.track(await kit.user('facade-disconnect')); // not in the seed: a logged-in client with both hubs up
    await client.realtime.notifications.connect();
    await client.realtime.chat.connect();
    expect([client.realtime.chat.state, client.realtime.notifications.state]).to.deep.equal([
      HubConnectionState.Connected,
      HubConnectionState.Connected,
    ]);
    await client.disconnect();
    expect([client.realtime.chat.state, client.realtime.notifications.state]).to.deep.equal([
      HubConnectionState.Disconnected,
      HubConnectionState.Disconnected,
    ]);
    await waitFor(() => (kit.gw.embedded?.connectionCount ?? 0) === 0, 5000, 'the gateway to see both connections closed');
  });
});
