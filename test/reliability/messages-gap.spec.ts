/**
 * Pins, deterministically, losses the chaos run found: `client.messages$` (and a timeline) must
 * give every message of a joined conversation exactly once, also one sent while the client was
 * disconnected when it had not seen any message of that conversation yet, and also when the
 * history fetch of the gap recovery fails — for a moment (it is asked again) or for good (the
 * gap stays owed, and the next connection's recovery brings it).
 */
import axios, { type AxiosAdapter, type InternalAxiosRequestConfig } from 'axios';
import { expect } from 'chai';
import { firstValueFrom, type Subscription } from 'rxjs';
import { type ChatClient, createChatClient } from '../../src/client.js';
import { ChatApiError } from '../../src/http/chat-api-error.js';
import type { TimelineMessage } from '../../src/streams/timeline-message.js';
import { requestMark, startTestGateway, type TestGateway, uniqueName } from '../support/test-gateway.js';
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

  const user = async (prefix: string, connect: boolean, adapter?: AxiosAdapter): Promise<{ client: ChatClient; id: string }> => {
    const client = createChatClient({
      baseUrl: gateway.url,
      hubs: { reconnectDelays: [50, 100, 200], maxReconnectAttempts: 200 },
      ...(adapter !== undefined ? { http: { adapter } } : {}),
    });
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
      bob.messages.send(conversation.id, {
        blocks: [{ $type: 'text', format: 'Plain', content: 'while away', plainText: 'while away' }],
        clientMessageId: uniqueName('c'),
      }),
    );
    await gateway.faults.refuseConnections(0);
    await waitFor(() => alice.realtime.chat.status.status === 'connected', 10_000, 'alice reconnected');

    await waitFor(
      () => (timeline[timeline.length - 1] ?? []).some((m) => m.id === sent.id),
      5000,
      'the timeline to recover the message (it does)',
    );
    await waitFor(() => finished.some((m) => m.id === sent.id), 5000, 'messages$ to give the message sent while disconnected').catch(
      (error: unknown) => {
        throw new Error(
          `${(error as Error).message}: messages$ gave [${finished.map((m) => m.plainText).join(', ')}]; the timeline holds it`,
        );
      },
    );
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
    const text = (t: string) => ({
      blocks: [{ $type: 'text' as const, format: 'Plain' as const, content: t, plainText: t }],
      clientMessageId: uniqueName('c'),
    });
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

  /**
   * An axios adapter that breaks the history requests (`GET …/messages?…direction=older`) while
   * `mode` says so: `network` sends them to a closed port (a real connection refused), `404` to a
   * route the gateway does not have (a real 404). With `windowMs`, it mends itself that long
   * after the first request it broke. Everything else goes through untouched.
   */
  function historyBreaker(): { adapter: AxiosAdapter; mode: 'off' | 'network' | '404'; windowMs: number; broken: number } {
    const real = axios.getAdapter('http');
    let firstBrokenAt: number | undefined;
    const breaker = {
      mode: 'off' as 'off' | 'network' | '404',
      windowMs: Infinity,
      broken: 0,
      adapter: (config: InternalAxiosRequestConfig) => {
        const url = config.url ?? '';
        if (breaker.mode !== 'off' && firstBrokenAt !== undefined && Date.now() - firstBrokenAt > breaker.windowMs) breaker.mode = 'off';
        if (breaker.mode !== 'off' && config.method?.toUpperCase() === 'GET' && /\/messages\?.*direction=older/.test(url)) {
          firstBrokenAt ??= Date.now();
          breaker.broken += 1;
          const broken =
            breaker.mode === 'network' ? url.replace(gateway.url, 'http://127.0.0.1:1') : url.replace('/messages?', '/no-such-route?');
          return real({ ...config, url: broken });
        }
        return real(config);
      },
    };
    return breaker;
  }

  const text = (t: string) => ({
    blocks: [{ $type: 'text' as const, format: 'Plain' as const, content: t, plainText: t }],
    clientMessageId: uniqueName('c'),
  });

  /**
   * Alice (whose history requests go through `breaker`) subscribed to a group's timeline, to
   * `messages$` and to `errors$`, with one message seen; then her connection is lost for good
   * (killed socket, upgrades refused) and Bob sends `while away`. Connections are still refused.
   */
  async function messageWhileAway(prefix: string, breaker: ReturnType<typeof historyBreaker>) {
    const { client: alice, id: aliceId } = await user(`${prefix}-alice`, true, breaker.adapter);
    const { client: bob } = await user(`${prefix}-bob`, false);
    const conversation = await firstValueFrom(bob.groupConversation([aliceId], { name: prefix }));
    const finished: TimelineMessage[] = [];
    const timeline: Array<readonly TimelineMessage[]> = [];
    const errors: unknown[] = [];
    subscriptions.push(alice.timeline(conversation.id).messages$.subscribe((list) => timeline.push(list)));
    subscriptions.push(alice.messages$.subscribe((m) => finished.push(m)));
    subscriptions.push(alice.errors$.subscribe((e) => errors.push(e)));
    await waitFor(() => alice.realtime.chat.joinedConversations.has(conversation.id), 5000, 'alice to join');
    const first = await firstValueFrom(bob.messages.send(conversation.id, text('seen')));
    await waitFor(() => finished.some((m) => m.id === first.id), 5000, 'the first message live');

    await gateway.faults.refuseConnections(10_000);
    await gateway.faults.killSockets();
    await waitFor(() => alice.realtime.chat.status.status === 'reconnecting', 5000, 'alice reconnecting');
    const away = await firstValueFrom(bob.messages.send(conversation.id, text('while away')));
    const held = (id: string): boolean => (timeline[timeline.length - 1] ?? []).some((m) => m.id === id);
    return { bob, conversation, finished, timeline, errors, away, held };
  }

  it('asks a failed recovery fetch again (connection refused for a moment): messages$ and the timeline both get the message', async () => {
    const breaker = historyBreaker();
    const { finished, errors, away, held } = await messageWhileAway('gap3', breaker);
    // Every recovery fetch of the next 1.5 s is refused: the first attempts (right after the
    // re-join) and the first retries (after 1 s); the second retries (after 2 s more) go through.
    breaker.mode = 'network';
    breaker.windowMs = 1500;
    await gateway.faults.refuseConnections(0);

    await waitFor(() => finished.some((m) => m.id === away.id), 10_000, 'messages$ to give the message after the retry');
    await waitFor(() => held(away.id), 10_000, 'the timeline to hold it after the retry');
    expect(finished.filter((m) => m.id === away.id)).to.have.length(1);
    expect(breaker.broken, 'history requests refused (messages$ and timeline recoveries, and their first retries)').to.be.at.least(4);
    expect(errors, 'a failure that a retry cured is not reported').to.deep.equal([]);
  });

  it('keeps a gap owed when its recovery fails for good (404): the next connection recovers it, though live messages came meanwhile', async () => {
    const breaker = historyBreaker();
    const { bob, conversation, finished, timeline, errors, away, held } = await messageWhileAway('gap4', breaker);
    breaker.mode = '404';
    await gateway.faults.refuseConnections(0);
    await waitFor(
      () => errors.filter((e) => ChatApiError.is(e) && e.status === 404).length >= 1,
      10_000,
      'the recovery (one for messages$ and the timeline) to fail with a 404, reported on errors$',
    );
    breaker.mode = 'off';
    expect(
      finished.some((m) => m.id === away.id),
      'not recovered yet',
    ).to.equal(false);

    // A live message moves past the gap…
    const live = await firstValueFrom(bob.messages.send(conversation.id, text('live')));
    await waitFor(() => finished.some((m) => m.id === live.id), 5000, 'the live message');
    // …and the next connection still recovers what the failed recovery missed.
    await gateway.faults.killSockets();
    await waitFor(() => finished.some((m) => m.id === away.id), 10_000, 'messages$ to give the owed message after the next reconnect');
    await waitFor(() => held(away.id), 10_000, 'the timeline to hold the owed message');
    expect(finished.filter((m) => m.id === away.id)).to.have.length(1);
    expect(finished.filter((m) => m.id === live.id)).to.have.length(1);
    const ids = (timeline[timeline.length - 1] ?? []).map((m) => m.id);
    expect(ids.indexOf(away.id), 'the timeline keeps server order').to.be.lessThan(ids.indexOf(live.id));
  });

  it('forgets a conversation left: joined again later, a reconnect does not bring back what was said while it was not joined', async () => {
    const { client: alice, id: aliceId } = await user('gap5-alice', true);
    const { client: bob } = await user('gap5-bob', false);
    const conversation = await firstValueFrom(bob.groupConversation([aliceId], { name: 'gap5' }));
    const finished: TimelineMessage[] = [];
    subscriptions.push(alice.messages$.subscribe((m) => finished.push(m)));
    const first = alice.timeline(conversation.id).messages$.subscribe();
    await waitFor(() => alice.realtime.chat.joinedConversations.has(conversation.id), 5000, 'alice to join');
    const seen = await firstValueFrom(bob.messages.send(conversation.id, text('seen')));
    await waitFor(() => finished.some((m) => m.id === seen.id), 5000, 'the first message live');

    first.unsubscribe(); // the last timeline leaves the conversation
    await waitFor(() => !alice.realtime.chat.joinedConversations.has(conversation.id), 5000, 'alice to leave');
    const whileLeft = await firstValueFrom(bob.messages.send(conversation.id, text('while left')));
    const mark = await requestMark(gateway);
    subscriptions.push(alice.timeline(conversation.id).messages$.subscribe());
    await waitFor(() => alice.realtime.chat.joinedConversations.has(conversation.id), 5000, 'alice to join again');
    // The new join takes a new baseline (the newest message now: "while left").
    await waitFor(
      async () =>
        (await mark.since((r) => r.method === 'GET' && r.path.includes(`/conversations/${conversation.id}/messages?limit=1&`))).length > 0,
      5000,
      'the baseline request of the new join',
    );
    // A barrier: a request of Alice's sent after the baseline reached the gateway comes back after its answer.
    await firstValueFrom(alice.messages.getHistory(conversation.id, { limit: 1 }));

    // A reconnect with a new connection before any live message: recovery starts from the new
    // join's baseline, not from the last message seen before the conversation was left.
    await gateway.faults.killSockets();
    const later = await firstValueFrom(bob.messages.send(conversation.id, text('during the reconnect')));
    await waitFor(() => finished.some((m) => m.id === later.id), 10_000, 'the message sent around the reconnect');
    expect(finished.map((m) => m.plainText)).to.deep.equal(['seen', 'during the reconnect']);
    expect(
      finished.some((m) => m.id === whileLeft.id),
      'a message said while the conversation was not joined',
    ).to.equal(false);
  });

  it('recovers a message overtaken on its way by a newer one (delayed, then lost with the connection), once', async () => {
    const { client: alice, id: aliceId } = await user('gap6-alice', true);
    const { client: bob } = await user('gap6-bob', false);
    const conversation = await firstValueFrom(bob.groupConversation([aliceId], { name: 'gap6' }));
    const finished: TimelineMessage[] = [];
    const timeline: Array<readonly TimelineMessage[]> = [];
    subscriptions.push(alice.timeline(conversation.id).messages$.subscribe((list) => timeline.push(list)));
    subscriptions.push(alice.messages$.subscribe((m) => finished.push(m)));
    await waitFor(() => alice.realtime.chat.joinedConversations.has(conversation.id), 5000, 'alice to join');
    const seen = await firstValueFrom(bob.messages.send(conversation.id, text('seen')));
    await waitFor(() => finished.some((m) => m.id === seen.id), 5000, 'the first message live');

    // "overtaken" is held back by the gateway; "newer" goes out at once and arrives first.
    await gateway.faults.delayEvents(60_000);
    const overtaken = await firstValueFrom(bob.messages.send(conversation.id, text('overtaken')));
    await gateway.faults.delayEvents(0);
    const newer = await firstValueFrom(bob.messages.send(conversation.id, text('newer')));
    await waitFor(() => finished.some((m) => m.id === newer.id), 5000, 'the newer message live');
    // The connection is lost with "overtaken" still on its way; it never arrives live.
    await gateway.faults.refuseConnections(10_000);
    await gateway.faults.killSockets();
    await waitFor(() => alice.realtime.chat.status.status === 'reconnecting', 5000, 'alice reconnecting');
    await gateway.faults.refuseConnections(0);

    await waitFor(() => finished.some((m) => m.id === overtaken.id), 10_000, 'messages$ to recover the overtaken message').catch(
      (error: unknown) => {
        throw new Error(`${(error as Error).message}: messages$ gave [${finished.map((m) => m.plainText).join(', ')}]`);
      },
    );
    await waitFor(() => (timeline[timeline.length - 1] ?? []).some((m) => m.id === overtaken.id), 10_000, 'the timeline to hold it');
    expect(finished.map((m) => m.plainText)).to.deep.equal(['seen', 'newer', 'overtaken']);
  });

  /**
   * An axios adapter that holds every baseline request (`GET …/messages?limit=1…`) until
   * `release()`: the request reaches the server only then, so its answer is the newest message at
   * that moment.
   */
  function baselineGate(): { adapter: AxiosAdapter; held: number; release: () => void } {
    const real = axios.getAdapter('http');
    let open: () => void = () => undefined;
    const opened = new Promise<void>((resolve) => {
      open = resolve;
    });
    const gate = {
      held: 0,
      release: () => open(),
      adapter: async (config: InternalAxiosRequestConfig) => {
        if (config.method?.toUpperCase() === 'GET' && /\/messages\?(.*&)?limit=1(&|$)/.test(config.url ?? '')) {
          gate.held += 1;
          await opened;
        }
        return real(config);
      },
    };
    return gate;
  }

  it("a connection lost while a join's baseline is fetched loses nothing sent while joined (the baseline answered after the loss)", async () => {
    const gate = baselineGate();
    const { client: alice, id: aliceId } = await user('hole1-alice', true, gate.adapter);
    const { client: bob } = await user('hole1-bob', false);
    const conversation = await firstValueFrom(bob.groupConversation([aliceId], { name: 'hole1' }));
    const finished: TimelineMessage[] = [];
    subscriptions.push(alice.messages$.subscribe((m) => finished.push(m)));
    subscriptions.push(alice.followAllConversations().subscribe());
    await waitFor(() => gate.held > 0, 5000, 'the baseline request to be held');

    await gateway.faults.refuseConnections(10_000);
    await gateway.faults.killSockets();
    await waitFor(() => alice.realtime.chat.status.status === 'reconnecting', 5000, 'alice reconnecting');
    // Whether the conversation counts as joined when the message is sent decides whether it is owed.
    const joinedWhenSent = alice.realtime.chat.joinedConversations.has(conversation.id);
    const away = await firstValueFrom(bob.messages.send(conversation.id, text('while away')));
    gate.release(); // the baseline reaches the server now: its newest message is "while away"
    await gateway.faults.refuseConnections(0);
    await waitFor(
      () => alice.realtime.chat.status.status === 'connected' && alice.realtime.chat.joinedConversations.has(conversation.id),
      10_000,
      'alice joined again',
    );
    const after = await firstValueFrom(bob.messages.send(conversation.id, text('after')));
    await waitFor(() => finished.some((m) => m.id === after.id), 10_000, 'the next message live');
    if (joinedWhenSent) await waitFor(() => finished.some((m) => m.id === away.id), 5000, 'messages$ to recover "while away"');
    const ids = finished.map((m) => m.id);
    expect(new Set(ids).size, 'nothing twice').to.equal(ids.length);
    expect(ids, 'every message sent while joined').to.include.members(joinedWhenSent ? [away.id, after.id] : [after.id]);
  });
});
