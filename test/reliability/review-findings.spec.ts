/**
 * Regression tests for defects a code review demonstrated (each failed before its fix): joins
 * lost or leaked around connection blips, a hole after the window trimmed, a stop racing a
 * start, presence subscribed twice, and a refresh that never answers.
 */
import { expect } from 'chai';
import { firstValueFrom, lastValueFrom, type Subscription } from 'rxjs';
import { type ChatClient, createChatClient, type ChatClientOptions } from '../../src/client.js';
import type { TimelineMessage } from '../../src/streams/timeline-message.js';
import { startTestGateway, type TestGateway, uniqueName } from '../support/test-gateway.js';
import { waitFor, sleep } from '../support/wait.js';

const text = (t: string) => ({ blocks: [{ $type: 'text' as const, format: 'Plain' as const, content: t, plainText: t }] });

describe('reliability: review findings', function () {
  this.timeout(30_000);
  let gw: TestGateway;
  const clients: ChatClient[] = [];
  const subscriptions: Subscription[] = [];

  before(async function () {
    gw = await startTestGateway({ bot: false });
    if (gw.external) this.skip(); // drives the embedded gateway's faults at precise moments
  });
  afterEach(async () => {
    for (const s of subscriptions.splice(0)) s.unsubscribe();
    await Promise.all(clients.splice(0).map((c) => c.disconnect()));
  });
  after(async () => gw.close());

  const user = async (
    prefix: string,
    connect = true,
    extra: Partial<ChatClientOptions> = {},
  ): Promise<{ client: ChatClient; id: string }> => {
    const client = createChatClient({ baseUrl: gw.url, hubs: { reconnectDelays: [50, 100, 200], maxReconnectAttempts: 100 }, ...extra });
    clients.push(client);
    const { user: me } = await firstValueFrom(client.auth.loginWithDev(uniqueName(prefix), 'pw'));
    if (connect) await firstValueFrom(client.connect(), { defaultValue: undefined });
    return { client, id: me.id };
  };
  const received = (client: ChatClient): string[] => {
    const got: string[] = [];
    subscriptions.push(client.realtime.chat.on('messageReceived').subscribe((m) => got.push(m.plainTextContent ?? '')));
    return got;
  };

  it('a join cut off by a connection blip is made on the next connection: the timeline gets live messages again', async () => {
    const alice = await user('rv-alice');
    const bob = await user('rv-bob');
    const conversation = await firstValueFrom(alice.client.groupConversation([bob.id], { name: 'blip' }));
    const chat = bob.client.realtime.chat;
    const errors: unknown[] = [];
    subscriptions.push(bob.client.errors$.subscribe((e) => errors.push(e)));
    // The server closes just as the timeline mounts: the client has not noticed yet.
    await gw.faults.dropConnections({ allowReconnect: true });
    let last: readonly TimelineMessage[] = [];
    subscriptions.push(bob.client.timeline(conversation.id).messages$.subscribe((m) => (last = m)));
    await waitFor(
      () => chat.status.status === 'connected' && chat.joinedConversations.has(conversation.id),
      5000,
      'joined after the reconnect',
    );
    await firstValueFrom(alice.client.messages.send(conversation.id, text('live after blip')));
    await waitFor(() => last.some((m) => m.plainText === 'live after blip'), 5000, 'the live message in the timeline');
  });

  it('the last timeline leaving while reconnecting leaves the conversation: not re-joined, no more events', async () => {
    const alice = await user('rv-alice');
    const bob = await user('rv-bob');
    const conversation = await firstValueFrom(alice.client.groupConversation([bob.id], { name: 'leak' }));
    const chat = bob.client.realtime.chat;
    const got = received(bob.client);
    const timeline = bob.client.timeline(conversation.id).messages$.subscribe();
    await waitFor(() => chat.joinedConversations.has(conversation.id), 5000, 'joined');
    await gw.faults.dropConnections({ allowReconnect: true });
    await waitFor(() => chat.status.status !== 'connected', 5000, 'the connection lost');
    timeline.unsubscribe();
    await waitFor(() => chat.status.status === 'connected', 5000, 'reconnected');
    expect([...chat.joinedConversations]).to.deep.equal([]);
    await firstValueFrom(alice.client.messages.send(conversation.id, text('after release')));
    await firstValueFrom(alice.client.messages.send(conversation.id, text('after release 2')));
    await sleep(300); // proving something does NOT arrive
    expect(got).to.deep.equal([]);
  });

  it('a timeline unsubscribed while its join is in flight leaves the join the server made', async () => {
    const alice = await user('rv-alice');
    const bob = await user('rv-bob');
    const conversation = await firstValueFrom(alice.client.groupConversation([bob.id], { name: 'inflight' }));
    const got = received(bob.client);
    const chat = bob.client.realtime.chat;
    // Invocations on one connection run in order: once a later one is answered, the join and the
    // leave sent before it have run on the server.
    const barrier = (): Promise<void> => lastValueFrom(chat.stopTyping(conversation.id), { defaultValue: undefined });
    const timeline = bob.client.timeline(conversation.id).messages$.subscribe();
    await sleep(0);
    timeline.unsubscribe();
    await barrier();
    expect([...chat.joinedConversations]).to.deep.equal([]);
    await firstValueFrom(alice.client.messages.send(conversation.id, text('after release')));
    await barrier(); // an event sent to bob's connection before this answer would be here by now
    await sleep(300); // proving something does NOT arrive
    expect(got).to.deep.equal([]);
  });

  it('after the window dropped old messages, loadOlder() continues below the oldest one held: no hole', async () => {
    const alice = await user('rv-alice');
    const bob = await user('rv-bob');
    const conversation = await firstValueFrom(alice.client.groupConversation([bob.id], { name: 'trim' }));
    for (let i = 1; i <= 6; i++) await firstValueFrom(alice.client.messages.send(conversation.id, text(`m${i}`)));
    const timeline = bob.client.timeline(conversation.id, { pageSize: 2, maxMessages: 3 });
    let last: readonly TimelineMessage[] = [];
    subscriptions.push(timeline.messages$.subscribe((m) => (last = m)));
    const texts = (): string => last.map((m) => m.plainText).join(',');
    await waitFor(
      () => last.length === 2 && bob.client.realtime.chat.joinedConversations.has(conversation.id),
      5000,
      'first page and join',
    );
    expect(texts()).to.equal('m5,m6');
    for (const t of ['m7', 'm8']) await firstValueFrom(alice.client.messages.send(conversation.id, text(t)));
    await waitFor(() => texts() === 'm6,m7,m8', 5000, 'm5 trimmed by the window of 3');
    // Below m6 comes m5 (then m4 if the page boundary known is just above m6): never a gap.
    const added = await lastValueFrom(timeline.loadOlder());
    expect(added).to.be.within(1, 2);
    expect(['m5,m6,m7,m8', 'm4,m5,m6,m7,m8']).to.include(texts());
    while ((await firstValueFrom(timeline.snapshot$)).hasOlder) await lastValueFrom(timeline.loadOlder());
    expect(texts()).to.equal('m1,m2,m3,m4,m5,m6,m7,m8');
  });

  it('connect() right after disconnect() waits for the stop instead of failing its first attempt', async () => {
    // A failed first attempt would cost the 20 s of the first retry delay: far above the bound.
    const bob = await user('rv-bob', true, { hubs: { reconnectDelays: [20_000] } });
    const chat = bob.client.realtime.chat;
    const statuses: string[] = [];
    subscriptions.push(chat.state$.subscribe((s) => statuses.push(s.status)));
    chat.disconnect().subscribe();
    const started = Date.now();
    await firstValueFrom(chat.connect());
    expect(Date.now() - started).to.be.below(10_000);
    expect(statuses).to.not.include('reconnecting');
  });

  it('presence subscribed while connecting is sent once (no second call from the first session)', async () => {
    const alice = await user('rv-alice');
    const bob = await user('rv-bob', false);
    const notifications = bob.client.realtime.notifications;
    let answers = 0;
    subscriptions.push(notifications.on('presenceState').subscribe(() => (answers += 1)));
    const connected = firstValueFrom(notifications.connect());
    expect(notifications.status.status).to.equal('connecting');
    subscriptions.push(notifications.subscribeToPresence([alice.id]).subscribe());
    await connected;
    await waitFor(() => answers >= 1, 5000, 'the presenceState answer');
    await sleep(300); // proving a second one does NOT come
    expect(answers).to.equal(1);
  });

  it('a refreshToken that never answers does not hold the hubs forever: setToken() frees them', async () => {
    let refreshCalls = 0;
    const bob = await user('rv-bob', true, {
      refreshToken: () => {
        refreshCalls += 1;
        return new Promise<string | null>(() => undefined);
      },
    });
    const chat = bob.client.realtime.chat;
    await gw.faults.expireTokens();
    await gw.faults.dropConnections({ allowReconnect: true });
    await waitFor(() => refreshCalls === 1 && chat.status.status === 'reconnecting', 5000, 'the hub waiting for the refresh');
    const fresh = await gw.login(uniqueName('rv-other'));
    bob.client.setToken(fresh.token);
    await waitFor(() => chat.status.status === 'connected', 5000, 'connected with the token set from outside');
    expect(refreshCalls).to.equal(1);
  });
});
