/**
 * Seed README §14 "ReconnectionManager", lines 1206–1232, run against `chat-client-rx/compat`.
 * The manager takes over when the hubs' own reconnecting gives up (here: the gateway closes the
 * hubs without allowing a reconnect and the token has expired, so the hubs' first reconnect
 * attempt, 2 s later, is refused with 401), and asks `onTokenExpired` for a token (line 1232).
 *
 * Every wait is on something certain to happen, recorded from before the fault: the hubs'
 * `disconnected` events (what the manager takes over from), the calls of `onTokenExpired`, and
 * each hub's status sequence (`client.realtime.chat.rx.state$`, recorded from the start). None
 * polls a transient state — under compat a hub is `Disconnected` only for as long as the token
 * refresh takes — and none sleeps.
 */
import { HubConnectionState } from '@microsoft/signalr';
import { expect } from 'chai';
// seed line 1210
import { ReconnectionManager } from '../../src/compat/index.js';
import type { ChatClient } from '../../src/compat/index.js';
import { HubError } from '../../src/hubs/index.js';
import { within } from '../support/wait.js';
import { captureConsole, seedSuite, watchHub } from './seed-kit.js';

describe('seed §14 ReconnectionManager (compat)', () => {
  const kit = seedSuite();
  captureConsole(); // SignalR logs the refused negotiations (401) at Error: kept out of the test output

  /** A logged-in client with both hubs connected (the seed's `client` in a running app). */
  async function connectedClient(username: string): Promise<ChatClient> {
    const client = await kit.user(username);
    await client.realtime.notifications.connect();
    await client.realtime.chat.connect();
    return client;
  }

  const states = (client: ChatClient) => [client.realtime.chat.state, client.realtime.notifications.state];
  const both = <T>(value: T): T[] => [value, value];
  /** The token was refused: the error a hub gives up with when its reconnect got a 401. */
  const isRefusedToken = (error: Error | undefined) => HubError.is(error) && error.kind === 'auth';

  it('start (lines 1212–1225): reconnects both hubs after 2 s, through onTokenExpired when the token expired', async () => {
    const client = await connectedClient('rm-user');
    const chat = watchHub(kit, client.realtime.chat); // not in the seed: what the hubs go through, recorded from now on
    const notifications = watchHub(kit, client.realtime.notifications);
    const refreshCalls: number[] = []; // not in the seed: when the application's refresh ran
    /**
     * The application's token refresh (the seed's `refreshToken()`): a new dev login. It answers once both hubs have
     * lost their connection, so that both are certain to be waiting for the same refresh.
     */
    const refreshToken = async (): Promise<string | null> => {
      refreshCalls.push(Date.now());
      await Promise.all([chat.disconnected, notifications.disconnected]);
      return (await kit.login('rm-user')).token;
    };

    const manager = new ReconnectionManager({
      chatHub: client.realtime.chat,
      notificationHub: client.realtime.notifications,
      onTokenExpired: async () => {
        // Gọi API refresh token của ứng dụng
        const newToken = await refreshToken();
        if (newToken) {
          client.setToken(newToken); // Cập nhật token vào SDK
        }
        return newToken; // Trả về null để hủy reconnect
      },
    });

    manager.start(); // Bắt đầu quản lý — idempotent, gọi nhiều lần an toàn
    manager.start(); // not in the seed: the second call the comment above allows
    kit.defer(() => manager.stop());

    await kit.gw.faults.expireTokens(); // not in the seed: the token expires…
    const droppedAt = Date.now();
    await kit.gw.faults.dropConnections({ allowReconnect: false }); // …and the server closes both hubs for good
    await within(Promise.all([chat.reconnected, notifications.reconnected]), 15_000, 'both hubs reconnected by the manager');

    // Each hub's own reconnecting gave up on the refused token (after its first delay, 2 s), the manager took over,
    // refreshed the token once for both, and connected them again.
    expect([chat.disconnects, notifications.disconnects].map((d) => d.map(isRefusedToken))).to.deep.equal([[true], [true]]);
    for (const { statuses } of [chat, notifications]) {
      expect(statuses.slice(0, 3)).to.deep.equal(['connected', 'reconnecting', 'failed']);
      expect(statuses.at(-1)).to.equal('connected');
    }
    expect(states(client)).to.deep.equal(both(HubConnectionState.Connected));
    expect(refreshCalls, 'onTokenExpired calls (one manager, however often started; both hubs share one refresh)').to.have.length(1);
    expect((refreshCalls[0] as number) - droppedAt, 'the first attempt waits the first backoff delay').to.be.at.least(1900);
    // The new token is the SDK's now: REST works with it.
    expect((await client.conversations.create({ type: 'Self', participantIds: [] })).ownerId).to.equal('rm-user');

    // Khi không còn cần
    manager.stop();
  });

  it('stop (line 1228): a stopped manager reconnects nothing', async () => {
    const stopped = await connectedClient('rm-stopped');
    const running = await connectedClient('rm-running'); // not in the seed: a running manager, whose reconnect marks the time
    const stoppedHubs = [watchHub(kit, stopped.realtime.chat), watchHub(kit, stopped.realtime.notifications)];
    const runningHubs = [watchHub(kit, running.realtime.chat), watchHub(kit, running.realtime.notifications)];
    const asked: string[] = []; // not in the seed: the stopped manager's onTokenExpired calls (there must be none)
    const onTokenExpired = async () => {
      asked.push('rm-stopped');
      const { token } = await kit.login('rm-stopped'); // a token that would work: a manager that still ran would reconnect
      stopped.setToken(token);
      return token;
    };
    const manager = new ReconnectionManager({
      chatHub: stopped.realtime.chat,
      notificationHub: stopped.realtime.notifications,
      onTokenExpired,
    });
    const witness = new ReconnectionManager({
      chatHub: running.realtime.chat,
      notificationHub: running.realtime.notifications,
      onTokenExpired: async () => {
        const { token } = await kit.login('rm-running');
        running.setToken(token);
        return token;
      },
    });
    manager.start();
    witness.start();
    kit.defer(() => witness.stop());

    // Khi không còn cần
    manager.stop();

    // Both tokens expire and the server closes every hub: only a manager can bring them back.
    await kit.gw.faults.expireTokens();
    await kit.gw.faults.dropConnections({ allowReconnect: false });
    await within(Promise.all(stoppedHubs.map((h) => h.disconnected)), 15_000, "the stopped client's hubs to give up");
    await within(Promise.all(runningHubs.map((h) => h.reconnected)), 15_000, 'the running manager to reconnect');

    // Both clients' hubs gave up on the refused token the same way; only the running manager acted on it.
    expect(stoppedHubs.map((h) => h.disconnects.map(isRefusedToken))).to.deep.equal([[true], [true]]);
    expect(asked, "the stopped manager's onTokenExpired calls").to.deep.equal([]);
    expect(stoppedHubs.map((h) => h.statuses)).to.deep.equal(both(['connected', 'reconnecting', 'failed']));
    expect(states(stopped)).to.deep.equal(both(HubConnectionState.Disconnected));
    expect(states(running)).to.deep.equal(both(HubConnectionState.Connected));
  });
});
