/**
 * One behavioural suite for every transport × hub protocol a SignalR server carries
 * (test/support/hub-profile.ts: WebSockets, Server-Sent Events and long polling; JSON, and
 * MessagePack where the transport is binary-capable), against the test gateway — embedded under
 * `npm test`, the ASP.NET reference gateway under `npm run test:aspnet`. Each combination shows:
 * connect, join, a live message, typing, a bot reply streamed and accumulated, presence online and
 * offline, and a drop with a reconnect that loses nothing and repeats nothing (the timeline ends
 * equal to the server's history). A client asking for a combination the server cannot carry
 * fails at once with an error that names it.
 */
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { expect } from 'chai';
import type { ChatClient } from '../../../src/client.js';
import { HubError } from '../../../src/hubs/hub-error.js';
import { ClientKit, group, joined, sendRest, waitFor } from '../../client/client-kit.js';
import { HUB_PROFILES, hubOptionsOf, hubProfile } from '../../support/hub-profile.js';
import { startGateway, type Gateway } from '../../../src/gateway/index.js';
import { startTestGateway, type TestGateway } from '../../support/test-gateway.js';

const last = <T>(values: readonly T[]): T | undefined => values[values.length - 1];
const FAST_RECONNECT = { reconnectDelays: [50, 100, 200], maxReconnectAttempts: 100 };

/** The conversation's history over REST, oldest first: the truth a timeline must end equal to. */
async function historyIds(client: ChatClient, conversationId: string): Promise<string[]> {
  const messages = await lastValueFrom(client.rest.messages.historyAll(conversationId, { direction: 'newer' }).pipe(toArray()));
  return messages.map((m) => m.id);
}

describe('every transport × hub protocol (the test gateway: embedded, or ASP.NET under test:aspnet)', function () {
  this.timeout(30_000);
  let gateway: TestGateway;
  /** Transports the embedded gateway opened (its debug log), so a test proves which one carried the hubs. */
  const opened: string[] = [];
  const kit = new ClientKit(() => gateway);

  before(async () => {
    gateway = await startTestGateway({
      bot: { startDelayMs: 10, statusDelayMs: 10, chunkDelayMs: 20, chunks: 4 },
      logger: (_level, message, data) => {
        if (message === 'Transport opened.') opened.push(String(data?.transport));
      },
    });
  });
  afterEach(() => kit.closeAll());
  after(() => gateway.close());

  for (const profile of HUB_PROFILES) {
    it(`${profile.name}: connect, join, live message, typing, a streamed bot reply, presence, a drop that loses nothing`, async () => {
      opened.length = 0;
      const hubs = { ...hubOptionsOf(profile), ...FAST_RECONNECT };
      const { client: alice, id: aliceId } = await kit.user('alice', { hubs });
      const { client: bob, id: bobId } = await kit.user('bob', { hubs });
      // Carol stays on SignalR's defaults: what she sends crosses protocols and transports.
      const { client: carol, id: carolId } = await kit.user('carol');
      expect(bob.realtime.chat.status.status).to.equal('connected');
      expect(bob.realtime.notifications.status.status).to.equal('connected');

      // join + live message
      const conversation = await group(carol, [aliceId, bobId, 'echo-bot']);
      const timeline = bob.timeline(conversation.id, { typingTimeoutMs: 60_000 });
      const seen = kit.record(timeline.messages$);
      const typing = kit.record(timeline.typing$);
      const decodeErrors = kit.record(bob.realtime.chat.errors$);
      const carolTimeline = carol.timeline(conversation.id, { typingIdleMs: 60_000 });
      kit.record(carolTimeline.messages$);
      await joined(bob, conversation.id);
      await joined(carol, conversation.id);
      await sendRest(carol, conversation.id, `live over ${profile.name}`);
      await waitFor(() => last(seen.values)?.some((m) => m.plainText === `live over ${profile.name}`), 5000, 'the live message');

      // typing
      carolTimeline.notifyTyping();
      await waitFor(() => last(typing.values)?.some((p) => p.participantId === carolId), 5000, 'carol typing');
      await firstValueFrom(carol.realtime.chat.stopTyping(conversation.id));
      await waitFor(() => last(typing.values)?.length === 0, 5000, 'carol to stop typing');

      // a bot reply, streamed and accumulated
      await lastValueFrom(timeline.send('hello bot'));
      await waitFor(
        () => last(seen.values)?.find((m) => m.senderType === 'Bot' && m.status === 'confirmed' && m.plainText === 'You said: hello bot'),
        8000,
        'the completed bot reply',
      );
      expect(
        seen.values.some((list) => list.some((m) => m.senderType === 'Bot' && m.status === 'streaming')),
        'a streaming state',
      ).to.equal(true);

      // presence: alice comes and goes, bob sees it
      const presence = kit.record(bob.realtime.notifications.presence$);
      await firstValueFrom(bob.realtime.notifications.subscribeToPresence([aliceId]), { defaultValue: undefined });
      await waitFor(() => last(presence.values)?.get(aliceId)?.isOnline === true, 5000, 'alice online');
      await firstValueFrom(alice.disconnect(), { defaultValue: undefined });
      await waitFor(() => last(presence.values)?.get(aliceId)?.isOnline === false, 5000, 'alice offline');

      // a drop: every connection lost, messages sent meanwhile come back exactly once, in order
      await gateway.faults.dropConnections({ allowReconnect: false });
      for (let i = 1; i <= 5; i += 1) await sendRest(carol, conversation.id, `while cut off ${i}`, 5);
      // Echo-bot answers each of them too: wait for the five answers, so the history is complete.
      const settled = (texts: readonly string[]) =>
        [1, 2, 3, 4, 5].every((i) => texts.includes(`while cut off ${i}`) && texts.includes(`You said: while cut off ${i}`));
      const confirmedTexts = () => (last(seen.values) ?? []).filter((m) => m.status === 'confirmed').map((m) => m.plainText ?? '');
      await waitFor(() => settled(confirmedTexts()), 10_000, 'the messages sent during the drop, and the bot’s answers');
      await waitFor(() => bob.realtime.chat.status.status === 'connected', 10_000, 'bob connected again');
      const truth = await historyIds(carol, conversation.id);
      await waitFor(() => last(seen.values)?.length === truth.length, 5000, 'the timeline to hold the whole history').catch(
        () => undefined,
      );
      expect(last(seen.values)?.map((m) => m.id)).to.deep.equal(truth);
      expect(decodeErrors.values, 'no hub errors (decode or otherwise)').to.deep.equal([]);
      if (!gateway.external) expect(opened.filter((kind) => kind === profile.transportName).length, opened.join()).to.be.at.least(4);
    });
  }

  it('a transport the protocol cannot use (Server-Sent Events are text-only, MessagePack is binary) fails at once, naming it', async () => {
    const { client: alice } = await kit.user('alice', {
      connect: false,
      hubs: { ...hubOptionsOf(hubProfile('ServerSentEvents', 'messagepack')), ...FAST_RECONNECT },
    });
    const states = kit.record(alice.realtime.chat.state$);
    const notificationStates = kit.record(alice.realtime.notifications.state$);
    const error = await firstValueFrom(alice.connect()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(HubError.is(error), String(error)).to.equal(true);
    const failure = error as HubError;
    expect(failure.fatal).to.equal(true);
    expect(failure.message).to.match(/no transport the server offers can carry this client/);
    expect(failure.message).to.match(/'messagepack'.*'ServerSentEvents' does not support Binary/);
    // The facade's connect() ends both hubs when one fails: no hub is left connecting or retrying.
    expect(
      [...states.values, ...notificationStates.values].map((s) => s.status),
      'no retries',
    ).to.not.include('reconnecting');
    expect(['failed', 'disconnected']).to.include(alice.realtime.chat.status.status);
    expect(['failed', 'disconnected']).to.include(alice.realtime.notifications.status.status);
  });
});

describe('a gateway that does not offer the transport a client is forced to (embedded gateway: startGateway transports, longPollTimeoutMs)', function () {
  this.timeout(20_000);
  let gateway: Gateway;
  const kit = new ClientKit(() => ({ url: gateway.url }) as TestGateway);

  afterEach(async () => {
    await kit.closeAll();
    await gateway.close();
  });

  it('a client forced to long polling against a WebSockets-only gateway fails at once, naming the transports', async () => {
    gateway = await startGateway({ port: 0, transports: ['WebSockets'], bot: false });
    const { client } = await kit.user('alice', {
      connect: false,
      hubs: { ...hubOptionsOf(hubProfile('LongPolling', 'json')), ...FAST_RECONNECT },
    });
    const states = kit.record(client.realtime.chat.state$);
    const error = await firstValueFrom(client.connect()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(HubError.is(error) && error.fatal, String(error)).to.equal(true);
    expect((error as HubError).message).to.match(
      /no transport the server offers can carry this client.*'WebSockets' is disabled by the client/,
    );
    expect(
      states.values.map((s) => s.status),
      'no retries',
    ).to.not.include('reconnecting');
  });

  it('longPollTimeoutMs: an idle long poll is answered (empty 200) after the gateway’s poll timeout, and the client polls on', async () => {
    gateway = await startGateway({ port: 0, transports: ['LongPolling'], longPollTimeoutMs: 100, bot: false });
    const { client } = await kit.user('alice', { hubs: { ...hubOptionsOf(hubProfile('LongPolling', 'json')), ...FAST_RECONNECT } });
    const { id: bobId } = await kit.user('bob', { connect: false });
    const token = client.rest.session.getToken();
    const negotiated = (await (
      await fetch(`${gateway.url}/hubs/notifications/negotiate?negotiateVersion=1`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}` },
      })
    ).json()) as { connectionToken: string };
    const poll = (connectionToken: string) =>
      fetch(`${gateway.url}/hubs/notifications?id=${encodeURIComponent(connectionToken)}`, {
        headers: { Authorization: `Bearer ${token}` },
      });
    expect((await poll(negotiated.connectionToken)).status, 'the first poll, at once').to.equal(200);
    // Unanswered, this poll would wait ASP.NET's default 90 s (beyond this test's timeout).
    const idle = await poll(negotiated.connectionToken);
    expect([idle.status, await idle.text()]).to.deep.equal([200, '']);
    // The client's own polls went on meanwhile (each answered after 100 ms): still connected, and a
    // round trip goes through.
    expect(client.realtime.notifications.status.status).to.equal('connected');
    await firstValueFrom(client.realtime.notifications.subscribeToPresence([bobId]), { defaultValue: undefined });
    expect([...client.realtime.notifications.subscribedPresenceIds]).to.deep.equal([bobId]);
  });
});
