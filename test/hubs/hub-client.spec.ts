/**
 * The connection loop of `HubClient` (shared by both hubs) against servers that refuse, close at
 * once or never answer: a 401 is decided by the HTTP status of negotiate or of the WebSocket
 * upgrade only, a 401 with nothing to refresh ends at once, short-lived connections do not start
 * the count over, and an attempt the server never answers is aborted by `disconnect()` and by
 * `connectTimeoutMs`. Waits run on a {@link ManualScheduler}: nothing is retried unless the test
 * moves the clock, so the schedule is checked exactly.
 */
import { HttpError, HttpTransportType } from '@microsoft/signalr';
import { expect } from 'chai';
import { defer, firstValueFrom, lastValueFrom, of, type Subscription } from 'rxjs';
import { ChatHubClient } from '../../src/hubs/chat-hub-client.js';
import { isUnauthorized } from '../../src/hubs/hub-client.js';
import { HubError } from '../../src/hubs/hub-error.js';
import type { HubConnectionStatus } from '../../src/hubs/hub-state.js';
import type { TestGateway } from '../support/test-gateway.js';
import { waitFor, within } from '../support/wait.js';
import { connect, errorOf, HubFixture, ManualScheduler, newUser, stateAfter, startHubGateway, type TestUser } from './hub-test-kit.js';
import { startSilentServer, type SilentServer } from './stub-server.js';

const QUOTA_CLOSE = 'Quota of 401 messages per minute reached';

function hubErrorOf(error: unknown): HubError {
  expect(HubError.is(error), `expected a HubError, got ${String(error)}`).to.equal(true);
  return error as HubError;
}

function failedError(state: HubConnectionStatus): HubError {
  expect(state.status).to.equal('failed');
  return hubErrorOf(state.status === 'failed' ? state.error : undefined);
}

describe('isUnauthorized', () => {
  /** SignalR's negotiate failure: the text of the HttpError it wrapped (body, then the status). */
  function negotiateFailure(body: string, status: number): Error {
    const error = new Error(`Failed to complete negotiation with the server: Error: ${body}: Status code '${status}'`);
    return Object.assign(error, { errorType: 'FailedToNegotiateWithServerError' });
  }

  it('is true for an HTTP 401: a HubError of kind auth with status 401, an HttpError 401, a negotiate failure with status 401', () => {
    expect(isUnauthorized(new HubError('auth', 'refused', { hub: 'chat', status: 401 }))).to.equal(true);
    expect(isUnauthorized(new HttpError('Unauthorized', 401))).to.equal(true);
    expect(isUnauthorized(negotiateFailure('Unauthorized', 401))).to.equal(true);
  });

  it('is false for any text that merely mentions 401 or unauthorized: a Close reason, another status, a body', () => {
    expect(isUnauthorized(new Error(`Server returned an error on close: ${QUOTA_CLOSE}`))).to.equal(false);
    expect(isUnauthorized(new Error('Server returned an error on close: Unauthorized client'))).to.equal(false);
    expect(isUnauthorized(new Error("WebSocket closed with status code: 1008 (Status code '401')."))).to.equal(false);
    expect(isUnauthorized(negotiateFailure("Status code '401'", 503)), 'a body cannot forge the status').to.equal(false);
    expect(isUnauthorized(new HttpError('Quota of 401 reached', 429))).to.equal(false);
    expect(
      isUnauthorized(new HubError('connection', 'a 401 from an origin the token was kept from', { hub: 'chat', status: 401 })),
    ).to.equal(false);
  });
});

describe('HubClient: what a 401 is, and how long a loop may last', function () {
  this.timeout(20_000);
  let gw: TestGateway;
  let fixture: HubFixture;
  let alice: TestUser;
  const subscriptions: Subscription[] = [];

  beforeEach(async function () {
    gw = await startHubGateway({ bot: false });
    // Drives the embedded gateway's faults at precise moments.
    if (!gw.embedded) this.skip();
    fixture = new HubFixture(() => gw);
    alice = await newUser(gw, 'alice');
  });

  afterEach(async () => {
    for (const s of subscriptions.splice(0)) s.unsubscribe();
    await fixture?.dispose();
    await gw.close();
  });

  it('a server Close whose reason mentions 401 is an ordinary close: no refresh, the normal 2 s wait', async () => {
    const scheduler = new ManualScheduler();
    let refreshes = 0;
    const chat = fixture.chat(alice, {
      scheduler,
      reconnectDelays: [2000, 5000, 10000],
      refreshToken: () =>
        defer(() => {
          refreshes += 1;
          return of(alice.token);
        }),
    });
    const states = fixture.record(chat.state$);
    await connect(chat);
    await gw.faults.dropConnections({ error: QUOTA_CLOSE });
    const { state } = await stateAfter(states, 0, (s) => s.status === 'reconnecting', 'reconnecting after the close');
    expect(state).to.include({ status: 'reconnecting', attempt: 1, nextDelayMs: 2000 });
    expect(state.status === 'reconnecting' ? state.reason?.message : '').to.include(QUOTA_CLOSE);
    expect(refreshes, 'no token refresh for a close').to.equal(0);
    scheduler.advanceBy(2000);
    await waitFor(() => chat.status.status === 'connected', 5000, 'reconnected after the wait');
    expect(refreshes).to.equal(0);
  });

  it('a server that closes every connection right after it opens ends in failed after maxReconnectAttempts: short connections do not start the count over', async () => {
    const scheduler = new ManualScheduler();
    let refreshes = 0;
    const chat = fixture.chat(alice, {
      scheduler,
      reconnectDelays: [2000, 5000, 10000],
      maxReconnectAttempts: 3,
      refreshToken: () =>
        defer(() => {
          refreshes += 1;
          return of(alice.token);
        }),
    });
    const states = fixture.record(chat.state$);
    let connections = 0;
    // The server accepts the token, then closes each connection at once with a quota message.
    subscriptions.push(
      chat.state$.subscribe((s) => {
        if (s.status !== 'connected') return;
        connections += 1;
        void gw.faults.dropConnections({ error: QUOTA_CLOSE });
      }),
    );
    await connect(chat);
    const seen: Array<{ attempt: number; nextDelayMs: number }> = [];
    let from = 0;
    let last: HubConnectionStatus | undefined;
    // Eight rounds at most: the old loop never ended (and never waited: a refresh, then at once again).
    for (let round = 0; round < 8; round++) {
      const { state, next } = await stateAfter(
        states,
        from,
        (s) => s.status === 'reconnecting' || s.status === 'failed',
        `round ${round + 1}`,
      );
      from = next;
      last = state;
      if (state.status !== 'reconnecting') break;
      seen.push({ attempt: state.attempt, nextDelayMs: state.nextDelayMs });
      scheduler.advanceBy(state.nextDelayMs);
    }
    expect(seen).to.deep.equal([
      { attempt: 1, nextDelayMs: 2000 },
      { attempt: 2, nextDelayMs: 5000 },
      { attempt: 3, nextDelayMs: 10000 },
    ]);
    expect(failedError(last as HubConnectionStatus).kind).to.equal('connection');
    expect(connections, 'the first connection and three reconnects').to.equal(4);
    expect(refreshes).to.equal(0);
  });

  it('a connection that stays up healthyAfterMs starts the count over', async () => {
    const scheduler = new ManualScheduler();
    const chat = fixture.chat(alice, { scheduler, reconnectDelays: [2000, 5000, 10000], healthyAfterMs: 1000 });
    const states = fixture.record(chat.state$);
    await connect(chat);
    await gw.faults.dropConnections({ error: 'first' });
    let step = await stateAfter(states, 0, (s) => s.status === 'reconnecting', 'the first reconnecting');
    expect(step.state).to.include({ attempt: 1, nextDelayMs: 2000 });
    scheduler.advanceBy(2000);
    step = await stateAfter(states, step.next, (s) => s.status === 'connected', 'reconnected');
    // A close at once: the count goes on.
    await gw.faults.dropConnections({ error: 'second, at once' });
    step = await stateAfter(states, step.next, (s) => s.status === 'reconnecting', 'the second reconnecting');
    expect(step.state).to.include({ attempt: 2, nextDelayMs: 5000 });
    scheduler.advanceBy(5000);
    step = await stateAfter(states, step.next, (s) => s.status === 'connected', 'reconnected again');
    // Up for healthyAfterMs (virtual): the count starts over.
    scheduler.advanceBy(1000);
    await gw.faults.dropConnections({ error: 'third, later' });
    step = await stateAfter(states, step.next, (s) => s.status === 'reconnecting', 'the third reconnecting');
    expect(step.state).to.include({ attempt: 1, nextDelayMs: 2000 });
  });

  it('a 401 at negotiate without refreshToken ends at once in failed with kind auth (status 401), no retry', async () => {
    const scheduler = new ManualScheduler();
    const chat = fixture.chat(alice, { scheduler, accessTokenFactory: () => 'not-a-valid-token' });
    const states = fixture.record(chat.state$);
    const error = hubErrorOf(await errorOf(chat.connect(), 5000));
    expect(error.kind).to.equal('auth');
    expect(error.status).to.equal(401);
    expect(states.map((s) => s.status)).to.deep.equal(['disconnected', 'connecting', 'failed']);
    expect(failedError(chat.status)).to.equal(error);
  });

  it('a 401 at the WebSocket upgrade (skipNegotiation) is a 401 too: failed with kind auth at once', async () => {
    const scheduler = new ManualScheduler();
    const chat = fixture.chat(alice, {
      scheduler,
      accessTokenFactory: () => 'not-a-valid-token',
      skipNegotiation: true,
      transport: HttpTransportType.WebSockets,
    });
    const states = fixture.record(chat.state$);
    const error = hubErrorOf(await errorOf(chat.connect(), 5000));
    expect(error).to.include({ kind: 'auth', status: 401 });
    // The refusal itself, as the cause: 401 answered to the upgrade (no negotiate was made).
    expect(hubErrorOf(error.cause)).to.include({ kind: 'auth', status: 401 });
    expect(hubErrorOf(error.cause).message).to.include('WebSocket upgrade');
    expect(states.map((s) => s.status)).to.deep.equal(['disconnected', 'connecting', 'failed']);
  });

  it('refreshToken is told which token the server refused (so a refresh made meanwhile elsewhere is not made again)', async () => {
    const stale = alice.token;
    await gw.faults.expireTokens();
    let current = stale;
    const told: Array<string | null> = [];
    const chat = fixture.chat(alice, {
      accessTokenFactory: () => current,
      refreshToken: (refused) =>
        defer(async () => {
          told.push(refused);
          current = (await gw.login(alice.username)).token;
          alice.token = current;
          return current;
        }),
    });
    await connect(chat);
    expect(told).to.deep.equal([stale]);
    expect(chat.status.status).to.equal('connected');
  });

  it('a 401 after a token expiry with refreshToken: one refresh, then connected (the refresh path still works)', async () => {
    const scheduler = new ManualScheduler();
    let refreshes = 0;
    const chat = fixture.chat(alice, {
      scheduler,
      reconnectDelays: [2000, 5000, 10000],
      // Over a socket the drop comes first and the 401 at the next negotiate; long polling would
      // meet the expired token at its next poll already (a 401 straight away: no wait).
      transport: HttpTransportType.WebSockets,
      refreshToken: () =>
        defer(async () => {
          refreshes += 1;
          alice.token = (await gw.login(alice.username)).token;
          return alice.token;
        }),
    });
    const states = fixture.record(chat.state$);
    await connect(chat);
    await gw.faults.expireTokens();
    await gw.faults.dropConnections({ allowReconnect: false });
    const refused = await stateAfter(states, 0, (s) => s.status === 'reconnecting', 'reconnecting');
    // The close itself is not a 401: the normal wait, then the negotiate answers 401.
    expect(refused.state).to.include({ attempt: 1, nextDelayMs: 2000 });
    scheduler.advanceBy(2000);
    const retry = await stateAfter(states, refused.next, (s) => s.status === 'reconnecting', 'the immediate retry after the 401');
    expect(retry.state).to.include({ attempt: 2, nextDelayMs: 0 });
    expect(hubErrorOf(retry.state.status === 'reconnecting' ? retry.state.reason : undefined)).to.include({ kind: 'auth', status: 401 });
    await stateAfter(states, retry.next, (s) => s.status === 'connected', 'connected with the new token');
    expect(refreshes).to.equal(1);
  });
});

describe('HubClient against a server that never answers', function () {
  this.timeout(20_000);
  let silent: SilentServer;
  let client: ChatHubClient | undefined;

  beforeEach(async () => {
    silent = await startSilentServer();
  });

  afterEach(async () => {
    await silent.close();
    if (client) await lastValueFrom(client.disconnect(), { defaultValue: undefined });
    client = undefined;
  });

  it("disconnect() aborts the hanging negotiate at once: connect() errors with kind connection, the request's socket is closed", async () => {
    client = new ChatHubClient({ url: `${silent.url}/hubs/chat`, accessTokenFactory: () => 'token' });
    const pending = errorOf(client.connect(), 10_000);
    await waitFor(() => silent.openCount === 1, 5000, 'the negotiate request to reach the server');
    expect(client.status.status).to.equal('connecting');
    const started = Date.now();
    await within(
      lastValueFrom(client.disconnect(), { defaultValue: undefined }),
      2000,
      'disconnect() (it waited for SignalR’s 100 s HTTP timeout)',
    );
    expect(Date.now() - started).to.be.below(1000);
    expect(client.status).to.deep.equal({ status: 'disconnected' });
    expect(hubErrorOf(await pending).kind).to.equal('connection');
    // (fetch may open a spare idle connection right after; the request's own socket is what matters.)
    await waitFor(() => silent.closedCount >= 1, 2000, 'the client to close the socket of its request');
  });

  it('an attempt the server never answers is aborted after connectTimeoutMs (15 s by default, on the scheduler) and counts as a failed attempt', async () => {
    const scheduler = new ManualScheduler();
    client = new ChatHubClient({ url: `${silent.url}/hubs/chat`, accessTokenFactory: () => 'token', scheduler });
    const states: HubConnectionStatus[] = [];
    const recording = client.state$.subscribe((s) => states.push(s));
    try {
      client.connect().subscribe({ error: () => undefined });
      await waitFor(() => silent.openCount === 1, 5000, 'the negotiate request to reach the server');
      scheduler.advanceBy(14_999);
      expect(client.status.status, 'still connecting just before the limit').to.equal('connecting');
      expect(silent.openCount).to.equal(1);
      scheduler.advanceBy(1);
      const { state } = await stateAfter(states, 0, (s) => s.status === 'reconnecting', 'reconnecting after the timeout');
      expect(state).to.include({ status: 'reconnecting', attempt: 1, nextDelayMs: 2000 });
      const reason = hubErrorOf(state.status === 'reconnecting' ? state.reason : undefined);
      expect(reason.kind).to.equal('connection');
      expect(reason.message).to.include('15000 ms');
      await waitFor(() => silent.closedCount >= 1, 2000, 'the aborted request to close its socket');
      expect(client.status.status).to.equal('reconnecting');
    } finally {
      recording.unsubscribe();
    }
  });

  it('connectTimeoutMs 0 leaves the attempt to SignalR alone (no timer on the scheduler)', async () => {
    const scheduler = new ManualScheduler();
    client = new ChatHubClient({ url: `${silent.url}/hubs/chat`, accessTokenFactory: () => 'token', scheduler, connectTimeoutMs: 0 });
    client.connect().subscribe({ error: () => undefined });
    await waitFor(() => silent.openCount === 1, 5000, 'the negotiate request to reach the server');
    expect(scheduler.actions).to.have.length(0);
    scheduler.advanceBy(60_000);
    expect(client.status.status).to.equal('connecting');
    await firstValueFrom(client.disconnect(), { defaultValue: undefined });
  });
});
