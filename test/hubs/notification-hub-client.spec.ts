import { expect } from 'chai';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { NotificationHubEvents } from '../../src/codecs/notification-hub.js';
import { InvalidArgumentError } from '../../src/core/invalid-argument-error.js';
import { HubError } from '../../src/hubs/hub-error.js';
import type { HubConnectionStatus } from '../../src/hubs/hub-state.js';
import { NotificationHubClient } from '../../src/hubs/notification-hub-client.js';
import type { TestGateway } from '../support/test-gateway.js';
import { waitFor } from '../support/wait.js';
import { signalrHandlerCount } from '../support/signalr-handlers.js';
import {
  connect,
  connectionIdOf,
  createGroup,
  errorOf,
  HubFixture,
  isConnected,
  newUser,
  postMessage,
  run,
  sleep,
  startHubGateway,
  waitState,
  type TestUser,
} from './hub-test-kit.js';

const NOTIFICATION_EVENT_COUNT = 13;

/** `count` ids nobody uses (the gateway reports unknown ids offline). */
function ghostIds(count: number, prefix = 'ghost'): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`);
}

describe('NotificationHubClient against the embedded gateway', function () {
  this.timeout(15_000);
  let gw: TestGateway;
  let fixture: HubFixture;
  let alice: TestUser;
  let bob: TestUser;

  beforeEach(async () => {
    gw = await startHubGateway();
    fixture = new HubFixture(() => gw);
    alice = await newUser(gw, 'alice');
    bob = await newUser(gw, 'bob');
  });

  afterEach(async () => {
    await fixture.dispose();
    await gw.close();
  });

  it('connects (disconnected → connecting → connected) with one handler per event, and disconnects', async () => {
    const notifications = fixture.notifications(alice);
    const states = fixture.record(notifications.state$);
    await connect(notifications);
    expect(states.map((s) => s.status)).to.deep.equal(['disconnected', 'connecting', 'connected']);
    expect(signalrHandlerCount(notifications)).to.equal(NOTIFICATION_EVENT_COUNT);
    await run(notifications.disconnect());
    expect(states.map((s) => s.status)).to.deep.equal(['disconnected', 'connecting', 'connected', 'disconnected']);
  });

  it('subscribeToPresence: emits once and completes; presenceState fills presence$; presenceChanged follows a user online and offline', async () => {
    const notifications = fixture.notifications(alice);
    const presence = fixture.record(notifications.presence$);
    const states = fixture.record(notifications.on('presenceState'));
    await connect(notifications);
    const values = fixture.record(notifications.subscribeToPresence([bob.id]));
    await waitFor(() => states.length === 1, 3000, 'presenceState');
    await waitFor(() => values.length === 1, 3000, 'the subscription to complete');
    expect(values).to.deep.equal([undefined]);
    expect(states[0]).to.deep.equal([{ participantId: bob.id, isOnline: false, lastSeenAt: null }]);
    expect([...notifications.subscribedPresenceIds]).to.deep.equal([bob.id]);
    expect(presence.at(-1)?.get(bob.id)).to.deep.equal({ isOnline: false, lastSeenAt: null });

    const bobNotifications = fixture.notifications(bob);
    await connect(bobNotifications);
    await waitFor(() => presence.at(-1)?.get(bob.id)?.isOnline === true, 3000, 'bob online');
    expect(presence.at(-1)?.get(bob.id)).to.deep.equal({ isOnline: true, lastSeenAt: null });

    await run(bobNotifications.disconnect());
    await waitFor(() => presence.at(-1)?.get(bob.id)?.isOnline === false, 3000, 'bob offline');
    const lastSeenAt = presence.at(-1)?.get(bob.id)?.lastSeenAt;
    expect(lastSeenAt).to.be.a('string');
    expect(Number.isNaN(Date.parse(lastSeenAt ?? ''))).to.equal(false);
  });

  it('connecting marks the user online for those subscribed to them', async () => {
    const bobNotifications = fixture.notifications(bob);
    const presence = fixture.record(bobNotifications.presence$);
    await connect(bobNotifications);
    await run(bobNotifications.subscribeToPresence([alice.id]));
    expect(presence.at(-1)?.get(alice.id)?.isOnline).to.equal(false);
    const notifications = fixture.notifications(alice);
    await connect(notifications);
    await waitFor(() => presence.at(-1)?.get(alice.id)?.isOnline === true, 3000, 'alice online');
  });

  it('250 ids are sent as two calls (200 + 50): both chunks are subscribed, presence$ covers all', async () => {
    const carol = await newUser(gw, 'carol');
    const notifications = fixture.notifications(alice);
    const presence = fixture.record(notifications.presence$);
    const states = fixture.record(notifications.on('presenceState'));
    await connect(notifications);
    // bob is in the first chunk, carol the last id of the second.
    const ids = [bob.id, ...ghostIds(248), carol.id];
    // Duplicates are sent once.
    await run(notifications.subscribeToPresence([...ids, bob.id, 'ghost-000']));
    await waitFor(() => states.length === 2, 3000, 'two presenceState answers');
    expect(states.map((s) => s.length)).to.deep.equal([200, 50]);
    expect(
      states
        .flat()
        .map((s) => s.participantId)
        .sort(),
    ).to.deep.equal([...ids].sort());
    expect(states[1]?.at(-1)?.participantId).to.equal(carol.id);
    expect(notifications.subscribedPresenceIds.size).to.equal(250);
    expect(presence.at(-1)?.size).to.equal(250);

    // Both chunks are subscribed on the server: changes come for an id of each.
    const carolNotifications = fixture.notifications(carol);
    const bobNotifications = fixture.notifications(bob);
    await Promise.all([connect(carolNotifications), connect(bobNotifications)]);
    await waitFor(
      () => presence.at(-1)?.get(carol.id)?.isOnline === true && presence.at(-1)?.get(bob.id)?.isOnline === true,
      3000,
      'bob and carol online',
    );
  });

  it('unsubscribeFromPresence: the ids leave presence$ and the server stops sending their changes', async () => {
    const carol = await newUser(gw, 'carol');
    const notifications = fixture.notifications(alice);
    const presence = fixture.record(notifications.presence$);
    const changes = fixture.record(notifications.on('presenceChanged'));
    const states = fixture.record(notifications.on('presenceState'));
    await connect(notifications);
    const ghosts = ghostIds(220);
    await run(notifications.subscribeToPresence([bob.id, ...ghosts]));
    expect(presence.at(-1)?.size).to.equal(221);

    const values = fixture.record(notifications.unsubscribeFromPresence([bob.id, ...ghosts.slice(0, 210)]));
    await waitFor(() => values.length === 1, 3000, 'the unsubscribe (two calls) to complete');
    expect(values).to.deep.equal([undefined]);
    expect([...(presence.at(-1)?.keys() ?? [])].sort()).to.deep.equal(ghosts.slice(210).sort());
    expect(notifications.subscribedPresenceIds.size).to.equal(10);
    expect(notifications.subscribedPresenceIds.has(bob.id)).to.equal(false);

    const bobNotifications = fixture.notifications(bob);
    await connect(bobNotifications);
    // A later answer on the same socket: bob's change would have come before it.
    await run(notifications.subscribeToPresence([carol.id]));
    await waitFor(() => states.at(-1)?.[0]?.participantId === carol.id, 3000, "carol's presenceState");
    expect(changes.filter((c) => c.participantId === bob.id)).to.deep.equal([]);
    expect(presence.at(-1)?.has(bob.id)).to.equal(false);
  });

  it('re-subscribes every tracked id (in chunks of 200) after a reconnect with a new connection id', async () => {
    const notifications = fixture.notifications(alice, { reconnectDelays: [20] });
    const presence = fixture.record(notifications.presence$);
    const states = fixture.record(notifications.on('presenceState'));
    await connect(notifications);
    const ids = [bob.id, ...ghostIds(249)];
    await run(notifications.subscribeToPresence(ids));
    await waitFor(() => states.length === 2, 3000, 'the first two answers');
    const id = connectionIdOf(notifications);

    await gw.faults.dropConnections({ allowReconnect: true });
    await waitState(notifications, isConnected(id), 'reconnected');
    await waitFor(() => states.length === 4, 3000, 'two more answers');
    expect(states.slice(2).map((s) => s.length)).to.deep.equal([200, 50]);
    expect(
      states
        .slice(2)
        .flat()
        .map((s) => s.participantId)
        .sort(),
    ).to.deep.equal([...ids].sort());

    const bobNotifications = fixture.notifications(bob);
    await connect(bobNotifications);
    await waitFor(() => presence.at(-1)?.get(bob.id)?.isOnline === true, 3000, 'bob online after the reconnect');
  });

  describe('resubscribePresence() (issue 17)', () => {
    it('emits the set of ids re-subscribed once (all chunks), then completes: `await firstValueFrom(…)` resolves', async () => {
      const notifications = fixture.notifications(alice);
      const states = fixture.record(notifications.on('presenceState'));
      const errors = fixture.record(notifications.errors$);
      await connect(notifications);
      const ids = [bob.id, ...ghostIds(249)];
      await run(notifications.subscribeToPresence(ids));
      await waitFor(() => states.length === 2, 3000, 'the first two answers');

      const resubscribed = await firstValueFrom(notifications.resubscribePresence());
      expect([...resubscribed].sort()).to.deep.equal([...ids].sort());
      await waitFor(() => states.length === 4, 3000, 'two more answers');
      expect(states.slice(2).map((s) => s.length)).to.deep.equal([200, 50]);

      const emissions = await lastValueFrom(notifications.resubscribePresence().pipe(toArray()));
      expect(emissions, 'exactly one value, then complete').to.have.length(1);
      expect(emissions[0]?.size).to.equal(250);
      expect(errors).to.deep.equal([]);
    });

    it('emits an empty set when nothing is tracked (never an EmptyError)', async () => {
      const notifications = fixture.notifications(alice);
      await connect(notifications);
      const resubscribed = await firstValueFrom(notifications.resubscribePresence());
      expect(resubscribed.size).to.equal(0);
    });

    it('a failed call leaves its ids out of the set (reported on errors$, still tracked) and still emits', async () => {
      const notifications = fixture.notifications(alice);
      await connect(notifications);
      await run(notifications.subscribeToPresence([bob.id]));
      await run(notifications.disconnect());
      const errors = fixture.record(notifications.errors$);

      const resubscribed = await firstValueFrom(notifications.resubscribePresence());
      expect(resubscribed.size).to.equal(0);
      expect(errors.map((e) => [e.kind, e.participantIds])).to.deep.equal([['resubscribe', [bob.id]]]);
      expect([...notifications.subscribedPresenceIds]).to.deep.equal([bob.id]);
    });
  });

  it('keeps its presence subscriptions through disconnect() and subscribes them again on connect()', async () => {
    const notifications = fixture.notifications(alice);
    const states = fixture.record(notifications.on('presenceState'));
    await connect(notifications);
    await run(notifications.subscribeToPresence([bob.id]));
    await run(notifications.disconnect());
    expect([...notifications.subscribedPresenceIds]).to.deep.equal([bob.id]);
    await connect(notifications);
    await waitFor(() => states.length === 2, 3000, 'the presenceState of the re-subscription');
    expect(states[1]?.map((s) => s.participantId)).to.deep.equal([bob.id]);
  });

  it('subscribeToPresence is cold and fails with kind not-connected before connect()', async () => {
    const notifications = fixture.notifications(alice);
    const subscribe$ = notifications.subscribeToPresence([bob.id]);
    expect(notifications.subscribedPresenceIds.size).to.equal(0);
    const error = await errorOf(subscribe$);
    expect(HubError.is(error) && error.kind).to.equal('not-connected');
    expect(notifications.subscribedPresenceIds.size, 'a failed call tracks nothing').to.equal(0);
  });

  it('bad arguments throw InvalidArgumentError naming the argument', () => {
    const notifications = fixture.notifications(alice);
    const cases: Array<[string, () => unknown]> = [
      ['participantIds', () => notifications.subscribeToPresence('bob' as unknown as string[])],
      ['participantIds[1]', () => notifications.subscribeToPresence(['bob', ''])],
      ['participantIds[0]', () => notifications.unsubscribeFromPresence([42 as unknown as string])],
      ['participantIds', () => notifications.unsubscribeFromPresence(null as unknown as string[])],
    ];
    for (const [argument, call] of cases) {
      expect(call, call.toString()).to.throw(InvalidArgumentError);
      try {
        call();
      } catch (error) {
        expect((error as InvalidArgumentError).argument).to.equal(argument);
      }
    }
  });

  it('delivers the other notification events (newMessageNotification, unreadCountChanged, conversationCreated)', async () => {
    const notifications = fixture.notifications(alice);
    const created = fixture.record(notifications.on('conversationCreated'));
    const newMessages = fixture.record(notifications.on('newMessageNotification'));
    const unread = fixture.record(notifications.on('unreadCountChanged'));
    await connect(notifications);
    const conv = await createGroup(gw, bob, [alice]);
    await waitFor(() => created.find((c) => c.conversationId === conv), 3000, 'conversationCreated');
    const messageId = await postMessage(gw, bob, conv, 'ping alice');
    const notification = await waitFor(() => newMessages.find((n) => n.messageId === messageId), 3000, 'newMessageNotification');
    expect(notification).to.include({ conversationId: conv, senderId: bob.id });
    expect(notification.contentPreview).to.contain('ping alice');
    await waitFor(() => unread.find((u) => u.conversationId === conv && u.lastMessageId === messageId), 3000, 'unreadCountChanged');
  });

  it('disconnect() during a reconnect wait: stays disconnected and opens nothing more', async function () {
    if (!gw.embedded) this.skip();
    const embedded = gw.embedded;
    const notifications = fixture.notifications(alice, { reconnectDelays: [250] });
    const states = fixture.record(notifications.state$);
    await connect(notifications);
    await gw.faults.dropConnections({ allowReconnect: true });
    await waitState(notifications, (s) => s.status === 'reconnecting', 'reconnecting');
    await run(notifications.disconnect());
    const count = states.length;
    await sleep(400);
    expect(states.slice(count)).to.deep.equal([]);
    expect(notifications.status).to.deep.equal({ status: 'disconnected' } satisfies HubConnectionStatus);
    expect(embedded.connectionCount).to.equal(0);
  });
});

describe('NotificationHubClient.on() with a name that is not a notification hub event (issue 17)', () => {
  const notifications = new NotificationHubClient({ url: 'http://127.0.0.1:1/hubs/notifications' });

  it('a connection lifecycle name (any case) throws InvalidArgumentError naming `event`, pointing to state$, listing the known events', () => {
    for (const event of ['reconnecting', 'Reconnected', 'disconnected', 'CLOSE', 'connected']) {
      let thrown: unknown;
      try {
        notifications.on(event as never);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, event).to.be.instanceOf(InvalidArgumentError);
      const error = thrown as InvalidArgumentError;
      expect(error.argument).to.equal('event');
      expect(error.message).to.contain('notifications hub');
      expect(error.message).to.contain('state$');
      for (const name of Object.keys(NotificationHubEvents)) expect(error.message).to.contain(name);
    }
  });

  it('an unknown name throws InvalidArgumentError; a chat hub event is not a notification hub event', () => {
    expect(() => notifications.on('messageReceived' as never)).to.throw(
      InvalidArgumentError,
      /unknown event 'messageReceived'.*presenceState/,
    );
    expect(() => notifications.on('presenceState')).not.to.throw();
  });
});

describe('NotificationHubClient construction', () => {
  it('does nothing at construction; presence$ starts empty', async () => {
    const notifications = new NotificationHubClient({ url: 'http://127.0.0.1:1/hubs/notifications' });
    expect(notifications.status).to.deep.equal({ status: 'disconnected' });
    const first = await new Promise((resolve) => {
      const subscription = notifications.presence$.subscribe((map) => resolve(map));
      subscription.unsubscribe();
    });
    expect(first).to.be.instanceOf(Map);
    expect((first as Map<string, unknown>).size).to.equal(0);
  });
});
