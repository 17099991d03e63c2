/**
 * The compat facade against the embedded gateway: what compat adds on top of the reactive client
 * (handlers across disconnect/connect, HttpClient, upload callbacks, errors as the seed's class).
 */
import { HubConnectionState } from '@microsoft/signalr';
import { expect } from 'chai';
import { firstValueFrom } from 'rxjs';
import { ChatApiError, ChatClient, HttpClient, InvalidArgumentError } from '../../src/compat/index.js';
import type { ChatMessageDto, ConversationDto } from '../../src/compat/index.js';
import { startTestGateway, type TestGateway, uniqueName } from '../support/test-gateway.js';
import { waitFor } from '../support/wait.js';

describe('compat ChatClient on the embedded gateway', () => {
  let gateway: TestGateway;
  const clients: ChatClient[] = [];

  before(async () => {
    gateway = await startTestGateway();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.disconnect()));
  });
  after(async () => gateway.close());

  const client = (): ChatClient => {
    const made = new ChatClient({ baseUrl: gateway.url, logger: () => undefined, hubs: { reconnectDelays: [50, 100] } });
    clients.push(made);
    return made;
  };
  const text = (content: string) => ({ $type: 'text' as const, format: 'Plain' as const, content, plainText: content });

  it("handlers survive the seed's token recipe: disconnect() → setToken() → connect()", async () => {
    const alice = client();
    const bob = client();
    const { user } = await alice.auth.loginWithDev(uniqueName('alice'), 'pw');
    const { user: bobUser } = await bob.auth.loginWithDev(uniqueName('bob'), 'pw');
    const conversation: ConversationDto = await bob.conversations.create({ type: 'Group', name: 'g', participantIds: [user.id] });
    const received: string[] = [];
    const disconnected: Array<Error | undefined> = [];
    alice.realtime.chat.on('messageReceived', (m: ChatMessageDto) => received.push(m.plainTextContent ?? ''));
    alice.realtime.chat.on('disconnected', (e) => disconnected.push(e));
    await alice.realtime.chat.connect();
    await alice.realtime.chat.joinConversation(conversation.id);
    await bob.messages.send(conversation.id, { blocks: [text('one')] });
    await waitFor(() => received.length === 1, 5000, 'the first message');

    await alice.disconnect();
    expect(disconnected).to.deep.equal([undefined]);
    expect(alice.realtime.chat.state).to.equal(HubConnectionState.Disconnected);
    alice.setToken((await gateway.login(user.uniqueName)).token);
    await alice.realtime.chat.connect();
    await alice.realtime.chat.joinConversation(conversation.id);
    await bob.messages.send(conversation.id, { blocks: [text('two')] });
    await waitFor(() => received.length === 2, 5000, 'the message after reconnecting');
    expect(received).to.deep.equal(['one', 'two']);
    expect(bobUser.id).to.not.equal(user.id);
  });

  it('REST failures reject with an instance of the seed class; bad arguments reject (never throw)', async () => {
    const alice = client();
    await alice.auth.loginWithDev(uniqueName('alice'), 'pw');
    const notFound = await alice.conversations.getById('no-such-conversation').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(notFound).to.be.an.instanceOf(ChatApiError);
    expect((notFound as ChatApiError).status).to.equal(404);
    let thrown: unknown;
    let rejected: unknown;
    try {
      rejected = await alice.messages.getById('').then(
        () => undefined,
        (e: unknown) => e,
      );
    } catch (error) {
      thrown = error;
    }
    expect(thrown).to.equal(undefined);
    expect(InvalidArgumentError.is(rejected)).to.equal(true);
  });

  it('uploadFile(file, onProgress): progress as (loaded, total), ending at total, then the UploadResponse', async () => {
    const alice = client();
    await alice.auth.loginWithDev(uniqueName('alice'), 'pw');
    const file = new File([new Uint8Array(64 * 1024).fill(7)], 'blob.bin', { type: 'application/octet-stream' });
    const progress: Array<[number, number]> = [];
    const uploaded = await alice.files.uploadFile(file, (loaded, total) => progress.push([loaded, total]));
    expect([uploaded.fileName, uploaded.fileSize]).to.deep.equal(['blob.bin', file.size]);
    expect(progress.length).to.be.greaterThan(0);
    expect(progress.at(-1)).to.deep.equal([file.size, file.size]);
    expect(alice.files.getDownloadUrl(uploaded.storageKey)).to.equal(`${gateway.url}/api/files/${uploaded.storageKey}`);
  });

  it("HttpClient: client.http shares the client's token; a standalone one takes baseUrl and a token", async () => {
    const alice = client();
    const { user, token } = await alice.auth.loginWithDev(uniqueName('alice'), 'pw');
    const created = await alice.http.post<ConversationDto>('/api/conversations', { type: 'Self', participantIds: [] });
    expect(created.ownerId).to.equal(user.id);
    const standalone = new HttpClient({ baseUrl: gateway.url, token });
    const again = await standalone.get<ConversationDto>(`/api/conversations/${created.id}`);
    expect(again.id).to.equal(created.id);
    expect(await standalone.post(`/api/conversations/${created.id}/pin`)).to.equal(null);
    const anonymous = new HttpClient({ baseUrl: gateway.url });
    const refused = await anonymous.get('/api/conversations').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).to.be.an.instanceOf(ChatApiError);
    expect((refused as ChatApiError).status).to.equal(401);
  });

  it('rx is the reactive client underneath: same session, same hubs', async () => {
    const alice = client();
    const { user } = await alice.auth.loginWithDev(uniqueName('alice'), 'pw');
    expect((await firstValueFrom(alice.rx.currentUser$))?.id).to.equal(user.id);
    await alice.realtime.notifications.connect();
    expect(alice.rx.realtime.notifications.status.status).to.equal('connected');
    expect(alice.realtime.notifications.state).to.equal(HubConnectionState.Connected);
  });
});
