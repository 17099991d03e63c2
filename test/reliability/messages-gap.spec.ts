/**
 * Pins, deterministically, a loss the chaos run found: `client.messages$` must give every
 * message of a joined conversation exactly once, also one sent while the client was
 * disconnected when it had not seen any message of that conversation yet.
 */
import { expect } from 'chai';
import { firstValueFrom, type Subscription } from 'rxjs';
import { type ChatClient, createChatClient } from '../../src/client.js';
import type { TimelineMessage } from '../../src/streams/timeline-message.js';
import { startTestGateway, type TestGateway, uniqueName } from '../support/test-gateway.js';
import { waitFor } from '../support/wait.js';

describe('reliability: messages$ gap recovery', function () {
  this.timeout(30_000);
  let gateway: TestGateway;
  const clients: ChatClient[] = [];
  const subscriptions: Subscription[] = [];

  before(async () => {
    gateway = await startTestGateway({ bot: false, disconnectGraceMs: 500 });
  });
  after(async () => {
    for (const s of subscriptions.splice(0)) s.unsubscribe();
    await Promise.all(clients.splice(0).map((c) => c.disconnect()));
    await gateway.close();
  });

  const user = async (prefix: string, connect: boolean): Promise<{ client: ChatClient; id: string }> => {
    const client = createChatClient({ baseUrl: gateway.url, hubs: { reconnectDelays: [50, 100, 200], maxReconnectAttempts: 200 } });
    clients.push(client);
    const { user: me } = await firstValueFrom(client.auth.loginWithDev(uniqueName(prefix), 'pw'));
    if (connect) await firstValueFrom(client.connect(), { defaultValue: undefined });
    return { client, id: me.id };
  };

  it('gives the first message of a conversation that arrived while the connection was lost (new connection, nothing seen before)', async () => {
    const { client: alice, id: aliceId } = await user('gap-alice', true);
    const { client: bob } = await user('gap-bob', false);
    const conversation = await firstValueFrom(bob.groupConversation([aliceId], { name: 'gap' }));
    const timeline: Array<readonly TimelineMessage[]> = [];
    const finished: TimelineMessage[] = [];
    subscriptions.push(alice.timeline(conversation.id).messages$.subscribe((list) => timeline.push(list)));
    subscriptions.push(alice.messages$.subscribe((m) => finished.push(m)));
    await waitFor(() => alice.realtime.chat.joinedConversations.has(conversation.id), 5000, 'alice to join');

    // The connection is lost for good (killed socket, no resume while upgrades are refused).
    await gateway.faults.refuseConnections(10_000);
    await gateway.faults.killSockets();
    await waitFor(() => alice.realtime.chat.status.status === 'reconnecting', 5000, 'alice reconnecting');
    const sent = await firstValueFrom(
      bob.messages.send(conversation.id, { blocks: [{ $type: 'text', format: 'Plain', content: 'while away', plainText: 'while away' }], clientMessageId: uniqueName('c') }),
    );
    await gateway.faults.refuseConnections(0);
    await waitFor(() => alice.realtime.chat.status.status === 'connected', 10_000, 'alice reconnected');

    await waitFor(() => (timeline[timeline.length - 1] ?? []).some((m) => m.id === sent.id), 5000, 'the timeline to recover the message (it does)');
    await waitFor(() => finished.some((m) => m.id === sent.id), 5000, 'messages$ to give the message sent while disconnected').catch((error: unknown) => {
      throw new Error(`${(error as Error).message}: messages$ gave [${finished.map((m) => m.plainText).join(', ')}]; the timeline holds it`);
    });
    expect(finished.filter((m) => m.id === sent.id)).to.have.length(1);
  });

  it('gives a message that arrived while the connection was lost when an earlier one was seen (control)', async () => {
    const { client: alice, id: aliceId } = await user('gap2-alice', true);
    const { client: bob } = await user('gap2-bob', false);
    const conversation = await firstValueFrom(bob.groupConversation([aliceId], { name: 'gap2' }));
    const finished: TimelineMessage[] = [];
    subscriptions.push(alice.timeline(conversation.id).messages$.subscribe());
    subscriptions.push(alice.messages$.subscribe((m) => finished.push(m)));
    await waitFor(() => alice.realtime.chat.joinedConversations.has(conversation.id), 5000, 'alice to join');
    const text = (t: string) => ({ blocks: [{ $type: 'text' as const, format: 'Plain' as const, content: t, plainText: t }], clientMessageId: uniqueName('c') });
    const first = await firstValueFrom(bob.messages.send(conversation.id, text('seen')));
    await waitFor(() => finished.some((m) => m.id === first.id), 5000, 'the first message live');

    await gateway.faults.refuseConnections(10_000);
    await gateway.faults.killSockets();
    await waitFor(() => alice.realtime.chat.status.status === 'reconnecting', 5000, 'alice reconnecting');
    const sent = await firstValueFrom(bob.messages.send(conversation.id, text('while away')));
    await gateway.faults.refuseConnections(0);
    await waitFor(() => finished.some((m) => m.id === sent.id), 10_000, 'messages$ to give the message sent while disconnected');
    expect(finished.filter((m) => m.id === sent.id)).to.have.length(1);
  });
});
