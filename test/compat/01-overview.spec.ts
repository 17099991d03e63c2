/**
 * Seed README §1 "Tổng quan kiến trúc" (architecture overview), lines 77–98, against
 * `chat-client-rx/compat`: the facade's tree of API objects, and the five steps of the basic flow.
 */
import { HubConnectionState } from '@microsoft/signalr';
import { expect } from 'chai';
import {
  AuthApi,
  BotApi,
  ChatClient,
  ChatHubClient,
  ConversationApi,
  FileApi,
  HealthApi,
  MessageApi,
  NotificationHubClient,
  ParticipantApi,
  ProxyApi,
} from '../../src/compat/index.js';
import type { ChatMessageDto } from '../../src/compat/index.js';
import { seedSuite, waitFor } from './seed-kit.js';

describe('seed §1 architecture overview (compat)', () => {
  const kit = seedSuite();

  it('the facade tree (lines 79–90): each property is the API object the tree names', () => {
    const client = kit.track(new ChatClient({ baseUrl: kit.url }));
    expect(client.auth).to.be.an.instanceOf(AuthApi);
    expect(client.participants).to.be.an.instanceOf(ParticipantApi);
    expect(client.conversations).to.be.an.instanceOf(ConversationApi);
    expect(client.messages).to.be.an.instanceOf(MessageApi);
    expect(client.files).to.be.an.instanceOf(FileApi);
    expect(client.bots).to.be.an.instanceOf(BotApi);
    expect(client.proxy).to.be.an.instanceOf(ProxyApi);
    expect(client.health).to.be.an.instanceOf(HealthApi);
    expect(client.realtime.chat).to.be.an.instanceOf(ChatHubClient);
    expect(client.realtime.notifications).to.be.an.instanceOf(NotificationHubClient);
  });

  it('the basic flow (lines 92–98): create, log in (token kept), connect notifications then chat, listen, call', async () => {
    // 1. Khởi tạo ChatClient với baseUrl.
    const client = kit.track(new ChatClient({ baseUrl: kit.url }));
    // 2. Đăng nhập qua client.auth.loginWith*() — token được tự động lưu và truyền vào mọi request sau.
    await client.auth.loginWithDev('overview-user', 'pw');
    const self = await client.conversations.create({ type: 'Self', participantIds: [] });
    expect(self.ownerId).to.equal('overview-user');
    // 3. Kết nối các hub SignalR qua client.realtime.notifications.connect() → client.realtime.chat.connect().
    await client.realtime.notifications.connect();
    await client.realtime.chat.connect();
    expect([client.realtime.notifications.state, client.realtime.chat.state]).to.deep.equal([
      HubConnectionState.Connected,
      HubConnectionState.Connected,
    ]);
    // 4. Lắng nghe sự kiện real-time bằng .on(eventName, handler).
    const received: ChatMessageDto[] = [];
    client.realtime.chat.on('messageReceived', (msg) => received.push(msg));
    // 5. Gọi các phương thức REST hoặc Hub để thực hiện thao tác.
    await client.realtime.chat.joinConversation(self.id);
    const sent = await client.messages.send(self.id, { blocks: [{ $type: 'text', format: 'Plain', content: 'hi', plainText: 'hi' }] });
    await waitFor(() => received.some((m) => m.id === sent.id), 5000, 'the message sent over REST, received on the hub');
  });
});
