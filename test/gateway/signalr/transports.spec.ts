/**
 * Server-Sent Events and long polling in the embedded SignalR server, driven by the official
 * `@microsoft/signalr` client (in Node: the `eventsource` package and its fetch-based HTTP client)
 * and by raw HTTP for the wire details (404 for unknown ids, concurrent polls, DELETE).
 */
import { HttpTransportType, HubConnectionState, type HubConnection } from '@microsoft/signalr';
import { expect } from 'chai';
import { SignalRServer } from '../../../src/gateway/signalr/index.js';
import { waitFor } from '../../support/wait.js';
import { ClientPool, HUB_PATH, RS, nextCall, startHarness, within, type Harness } from './signalr-test-harness.js';

const AUTH = { Authorization: 'Bearer alice' };

const TRANSPORTS = [
  { name: 'ServerSentEvents', transport: HttpTransportType.ServerSentEvents },
  { name: 'LongPolling', transport: HttpTransportType.LongPolling },
] as const;

/** Negotiates over raw HTTP and returns the connection token. */
async function negotiate(harness: Harness): Promise<string> {
  const response = await fetch(`${harness.url}/negotiate?negotiateVersion=1`, { method: 'POST', headers: AUTH });
  const body = (await response.json()) as { connectionToken: string };
  return body.connectionToken;
}

/** The error a promise rejects with (fails if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return String(error);
  }
  throw new Error('expected a rejection');
}

function closed(client: HubConnection): Promise<Error | undefined> {
  return new Promise((resolve) => client.onclose((error) => resolve(error)));
}

describe('SignalRServer: Server-Sent Events and long polling', function () {
  this.timeout(20_000);
  let harness: Harness;
  const pool = new ClientPool();

  /** Connection tokens of the long polls the server left waiting (its debug log), in order. */
  const waitingPolls: string[] = [];
  /** Until one more poll than `before` waits on the server: a request is there before the next one. */
  const pollWaiting = (before: number) => waitFor(() => waitingPolls.length > before, 2000, 'the poll to wait on the server');

  beforeEach(async () => {
    waitingPolls.length = 0;
    harness = await startHarness({
      longPollTimeoutMs: 300,
      logger: (_level, message, data) => {
        if (message === 'Long poll waiting.') waitingPolls.push(String(data?.connectionToken));
      },
    });
  });
  afterEach(async () => {
    await pool.stopAll();
    await harness.stop();
  });

  it('negotiate lists WebSockets, ServerSentEvents (Text only) and LongPolling, in that order', async () => {
    const response = await fetch(`${harness.url}/negotiate?negotiateVersion=1`, { method: 'POST', headers: AUTH });
    const body = (await response.json()) as { availableTransports: unknown };
    expect(body.availableTransports).to.deep.equal([
      { transport: 'WebSockets', transferFormats: ['Text', 'Binary'] },
      { transport: 'ServerSentEvents', transferFormats: ['Text'] },
      { transport: 'LongPolling', transferFormats: ['Text', 'Binary'] },
    ]);
  });

  for (const { name, transport } of TRANSPORTS) {
    describe(name, () => {
      it('connects, invokes with a result, receives server events and group messages', async () => {
        const client = await pool.start(harness.url, { transport });
        expect(client.connectionId).to.be.a('string');
        expect(await client.invoke('Add', 2, 3)).to.equal(5);
        const callback = nextCall(client, 'callback');
        await client.invoke('CallMeBack', { n: 1 });
        expect((await within(callback, 3000, 'callback'))[0]).to.deep.equal({ n: 1 });
        await client.invoke('JoinGroup', 'g');
        const group = nextCall(client, 'groupMessage');
        await client.invoke('SendToGroup', 'g', 'hi');
        expect((await within(group, 3000, 'groupMessage'))[0]).to.equal('hi');
        expect(await rejection(client.invoke('ThrowHubException', 'nope'))).to.match(/nope/);
        expect(harness.events.connected).to.include(client.connectionId);
      });

      it('a server-initiated close (Close message) ends the connection; the client can start again', async () => {
        const client = await pool.start(harness.url, { transport });
        const firstId = client.connectionId as string;
        const ended = closed(client);
        harness.server.closeAll({ error: 'bye' });
        const error = await within(ended, 5000, 'onclose');
        expect(String(error)).to.match(/bye/);
        await within(harness.disconnected(firstId), 3000, 'onDisconnected');
        await client.start();
        expect(client.connectionId).to.be.a('string').and.not.equal(firstId);
        expect(await client.invoke('Echo', 'again')).to.equal('again');
      });

      it('killSockets: the client notices and reconnects automatically with a new connection', async () => {
        const client = await pool.start(harness.url, { transport, reconnectDelays: [0, 100, 200] });
        const firstId = client.connectionId as string;
        const reconnected = new Promise<string | undefined>((resolve) => client.onreconnected((id) => resolve(id)));
        harness.server.killAll();
        const newId = await within(reconnected, 8000, 'onreconnected');
        expect(newId).to.be.a('string').and.not.equal(firstId);
        expect(client.state).to.equal(HubConnectionState.Connected);
        expect(await client.invoke('Echo', 'back')).to.equal('back');
      });

      it('the client stopping ends the connection on the server', async () => {
        const client = await pool.start(harness.url, { transport });
        const id = client.connectionId as string;
        await client.stop();
        expect(await within(harness.disconnected(id), 5000, 'onDisconnected')).to.equal(undefined);
      });
    });
  }

  it('unknown connection ids get 404 on GET (both transports), POST and DELETE', async () => {
    const url = `${harness.url}?id=nope`;
    const sse = await fetch(url, { headers: { ...AUTH, Accept: 'text/event-stream' } });
    const poll = await fetch(url, { headers: AUTH });
    const post = await fetch(url, { method: 'POST', headers: AUTH, body: 'x' });
    const del = await fetch(url, { method: 'DELETE', headers: AUTH });
    expect([sse.status, poll.status, post.status, del.status]).to.deep.equal([404, 404, 404, 404]);
    expect(await poll.text()).to.equal('No Connection with that ID');
    const anonymous = await fetch(url);
    expect(anonymous.status).to.equal(401);
  });

  it('SSE: an event stream that starts with an empty comment and carries each message as data lines', async () => {
    const id = await negotiate(harness);
    const controller = new AbortController();
    const response = await fetch(`${harness.url}?id=${encodeURIComponent(id)}`, {
      headers: { ...AUTH, Accept: 'text/event-stream' },
      signal: controller.signal,
    });
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.equal('text/event-stream');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    const read = async (until: (s: string) => boolean): Promise<void> => {
      while (!until(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended: ${JSON.stringify(text)}`);
        text += Buffer.from(value).toString('utf8');
      }
    };
    await within(
      read((s) => s.startsWith(':\r\n')),
      3000,
      'the initial comment',
    );
    const post = await fetch(`${harness.url}?id=${encodeURIComponent(id)}`, {
      method: 'POST',
      headers: AUTH,
      body: `{"protocol":"json","version":1}${RS}`,
    });
    expect(post.status).to.equal(200);
    await within(
      read((s) => s.includes('\r\n\r\n')),
      3000,
      'the handshake event',
    );
    expect(text).to.equal(`:\r\ndata: {}${RS}\r\n\r\n`);
    const second = await fetch(`${harness.url}?id=${encodeURIComponent(id)}`, { headers: { ...AUTH, Accept: 'text/event-stream' } });
    expect(second.status).to.equal(409);
    const poll = await fetch(`${harness.url}?id=${encodeURIComponent(id)}`, { headers: AUTH });
    expect([poll.status, await poll.text()]).to.deep.equal([400, 'Cannot change transports mid-connection']);
    const del = await fetch(`${harness.url}?id=${encodeURIComponent(id)}`, { method: 'DELETE', headers: AUTH });
    expect(del.status).to.equal(400);
    controller.abort();
    await waitFor(() => harness.events.disconnected.length === 1, 3000, 'onDisconnected after the stream closed');
  });

  it('long polling: first poll at once, poll timeout 200, a new poll answers the pending one 204, DELETE 202', async () => {
    const id = encodeURIComponent(await negotiate(harness));
    const url = `${harness.url}?id=${id}`;
    const first = await fetch(url, { headers: AUTH });
    expect([first.status, await first.text()]).to.deep.equal([200, '']);
    const started = Date.now();
    const timedOut = await fetch(url, { headers: AUTH });
    expect([timedOut.status, await timedOut.text()]).to.deep.equal([200, '']);
    expect(Date.now() - started).to.be.at.least(250);

    const waited = waitingPolls.length;
    const pending = fetch(url, { headers: AUTH });
    await pollWaiting(waited);
    const replacing = fetch(url, { headers: AUTH });
    expect((await within(pending, 2000, 'the superseded poll')).status).to.equal(204);
    const handshake = await fetch(url, { method: 'POST', headers: AUTH, body: `{"protocol":"json","version":1}${RS}` });
    expect(handshake.status).to.equal(200);
    const answer = await within(replacing, 2000, 'the handshake answer');
    expect([answer.status, answer.headers.get('content-type'), await answer.text()]).to.deep.equal([
      200,
      'application/octet-stream',
      `{}${RS}`,
    ]);

    const invoke = await fetch(url, {
      method: 'POST',
      headers: AUTH,
      body: `${JSON.stringify({ type: 1, invocationId: '1', target: 'Add', arguments: [1, 2] })}${RS}`,
    });
    expect(invoke.status).to.equal(200);
    const result = await fetch(url, { headers: AUTH });
    expect(await result.text()).to.equal(`${JSON.stringify({ type: 3, invocationId: '1', result: 3 })}${RS}`);

    const beforeDelete = waitingPolls.length;
    const waiting = fetch(url, { headers: AUTH });
    await pollWaiting(beforeDelete);
    const del = await fetch(url, { method: 'DELETE', headers: AUTH });
    expect(del.status).to.equal(202);
    expect((await within(waiting, 2000, 'the poll pending at DELETE')).status).to.equal(204);
    expect((await fetch(url, { headers: AUTH })).status).to.equal(404);
    expect(harness.events.disconnected).to.have.length(1);
  });

  it('long polling: a server close is delivered to the next poll, then 204, then the id is gone (404)', async () => {
    const id = encodeURIComponent(await negotiate(harness));
    const url = `${harness.url}?id=${id}`;
    await fetch(url, { headers: AUTH });
    await fetch(url, { method: 'POST', headers: AUTH, body: `{"protocol":"json","version":1}${RS}` });
    expect(await (await fetch(url, { headers: AUTH })).text()).to.equal(`{}${RS}`);
    harness.server.closeAll({ allowReconnect: true });
    const close = await fetch(url, { headers: AUTH });
    expect(await close.text()).to.equal(`${JSON.stringify({ type: 7, allowReconnect: true })}${RS}`);
    expect((await fetch(url, { headers: AUTH })).status).to.equal(204);
    expect((await fetch(url, { headers: AUTH })).status).to.equal(404);
  });

  it('long polling: killSockets destroys a pending poll and forgets the id (next poll 404)', async () => {
    const id = encodeURIComponent(await negotiate(harness));
    const url = `${harness.url}?id=${id}`;
    await fetch(url, { headers: AUTH });
    await fetch(url, { method: 'POST', headers: AUTH, body: `{"protocol":"json","version":1}${RS}` });
    await fetch(url, { headers: AUTH });
    const beforeKill = waitingPolls.length;
    const pending = fetch(url, { headers: AUTH }).then(
      (response) => response.status,
      () => 'network error',
    );
    await pollWaiting(beforeKill);
    harness.server.killAll();
    expect(await within(pending, 2000, 'the killed poll')).to.equal('network error');
    expect((await fetch(url, { headers: AUTH })).status).to.equal(404);
  });

  it('transports: negotiate offers only those; another transport is answered 404 as ASP.NET does; the official client fails at once', async () => {
    await harness.stop();
    harness = await startHarness({ transports: ['WebSockets'] });
    const response = await fetch(`${harness.url}/negotiate?negotiateVersion=1`, { method: 'POST', headers: AUTH });
    expect(((await response.json()) as { availableTransports: unknown }).availableTransports).to.deep.equal([
      { transport: 'WebSockets', transferFormats: ['Text', 'Binary'] },
    ]);
    const id = encodeURIComponent(await negotiate(harness));
    const poll = await fetch(`${harness.url}?id=${id}`, { headers: AUTH });
    expect([poll.status, await poll.text()]).to.deep.equal([404, 'LongPolling transport not supported by this end point type']);
    const sse = await fetch(`${harness.url}?id=${id}`, { headers: { ...AUTH, Accept: 'text/event-stream' } });
    expect([sse.status, await sse.text()]).to.deep.equal([404, 'ServerSentEvents transport not supported by this end point type']);
    expect(await rejection(pool.start(harness.url, { transport: HttpTransportType.LongPolling }))).to.match(
      /Unable to connect to the server with any of the available transports.*'WebSockets' is disabled by the client/,
    );

    await harness.stop();
    harness = await startHarness({ transports: ['LongPolling'] });
    const wsId = encodeURIComponent(await negotiate(harness));
    expect(await rejection(pool.raw(harness.port, `?id=${wsId}`))).to.match(/status 404/);
    expect(await rejection(pool.raw(harness.port, ''))).to.match(/status 404/);
    const overPolling = await pool.start(harness.url, { transport: HttpTransportType.LongPolling });
    expect(overPolling.connectionId).to.be.a('string');
    expect(() => new SignalRServer({ authenticate: () => null, transports: [] })).to.throw(RangeError, /transports/);
  });

  it('a WebSocket for a long polling connection is refused (400), a POST to a WebSocket connection gets 405', async () => {
    const id = encodeURIComponent(await negotiate(harness));
    await fetch(`${harness.url}?id=${id}`, { headers: AUTH });
    expect(await rejection(pool.raw(harness.port, `?id=${id}`))).to.match(/status 400/);
    const ws = await pool.start(harness.url);
    expect(ws.connectionId).to.be.a('string');
    const wsId = await negotiate(harness);
    const raw = await pool.raw(harness.port, `?id=${encodeURIComponent(wsId)}`);
    await raw.handshake();
    const post = await fetch(`http://127.0.0.1:${harness.port}${HUB_PATH}?id=${encodeURIComponent(wsId)}`, {
      method: 'POST',
      headers: AUTH,
      body: 'x',
    });
    expect(post.status).to.equal(405);
  });
});
