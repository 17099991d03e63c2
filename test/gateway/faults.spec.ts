/**
 * The gateway's fault injection, observed with the official `@microsoft/signalr` client: drops
 * with and without reconnect, killed sockets, expired tokens, raw (malformed) events, refused
 * connections, duplicated and delayed events, restart, negotiate redirects, the test-only HTTP
 * endpoints, and bad input that must fail alone while other clients carry on.
 */
import type { ClientRequestArgs } from 'node:http';
import { HubConnectionState } from '@microsoft/signalr';
import { expect } from 'chai';
import { WebSocket, type ClientOptions } from 'ws';
import { CursorPaginatedResult, MessageDto } from '../../src/codecs/index.js';
import { requestMark, startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { waitFor, within } from '../support/wait.js';
import {
  HubClients,
  api,
  createConversation,
  expectOk,
  expectProblem,
  newUsers,
  sendText,
  text,
  type ChatRecorder,
  type TestUser,
} from './gateway-helpers.js';

const MessagePage = CursorPaginatedResult(MessageDto);
const RS = '\u001e';
/** Quick reconnect delays for tests (the default is [0, 2000, 10000, 30000]). */
const QUICK = [0, 20, 50, 100, 200, 400] as const;

/** Lifecycle callbacks of one connection, recorded. */
interface Lifecycle {
  reconnecting: Array<Error | undefined>;
  reconnected: Array<string | undefined>;
  closed: Array<Error | undefined>;
}

function watch(recorder: ChatRecorder): Lifecycle {
  const life: Lifecycle = { reconnecting: [], reconnected: [], closed: [] };
  recorder.connection.onreconnecting((error) => life.reconnecting.push(error));
  recorder.connection.onreconnected((id) => life.reconnected.push(id));
  recorder.connection.onclose((error) => life.closed.push(error));
  return life;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  return expect.fail('expected the promise to reject');
}

describe('gateway faults', () => {
  let gw: TestGateway;
  const hubs = new HubClients(() => gw);
  let alice: TestUser;
  let bob: TestUser;
  let conversationId: string;

  /** A fresh gateway per test: faults are global. */
  beforeEach(async () => {
    gw = await startTestGateway({ bot: false });
    [alice, bob] = await newUsers(gw, 'alice', 'bob');
    conversationId = (await createConversation(gw, alice, 'Group', [bob.id], 'Faults')).id;
  });
  afterEach(async () => {
    await gw.faults.refuseConnections(0);
    await hubs.stopAll();
    await gw.close();
  });

  const joined = async (user: TestUser, options: Parameters<HubClients['chat']>[1] = {}): Promise<ChatRecorder> => {
    const recorder = await hubs.chat(user.token, options);
    await recorder.connection.invoke('JoinConversation', conversationId);
    return recorder;
  };

  describe('dropping connections', () => {
    it('dropConnections({ allowReconnect: true }): a client with automatic reconnect comes back with a new connectionId', async () => {
      const a = await joined(alice, { reconnect: [...QUICK] });
      const life = watch(a);
      const before = a.connectionId;
      await gw.faults.dropConnections({ allowReconnect: true });
      await waitFor(() => life.reconnected.length === 1, 3000, 'onreconnected');
      expect(life.reconnecting).to.have.length(1);
      expect(life.closed).to.deep.equal([]);
      expect(a.connection.state).to.equal(HubConnectionState.Connected);
      expect(life.reconnected[0]).to.be.a('string').and.not.equal(before);
      expect(a.connectionId).to.equal(life.reconnected[0]);

      // Group membership did not survive: nothing arrives until the client joins again.
      const lost = await sendText(gw, bob, conversationId, 'while not joined');
      await a.roundTrip();
      expect(a.events('messageReceived').map((m) => m.id)).not.to.include(lost.id);
      await a.connection.invoke('JoinConversation', conversationId);
      const after = await sendText(gw, bob, conversationId, 'after rejoin');
      await a.waitFor('messageReceived', (m) => m.id === after.id);
    });

    it('dropConnections() without allowReconnect is final: onclose, no reconnect even with automatic reconnect', async () => {
      const a = await joined(alice, { reconnect: [...QUICK] });
      const life = watch(a);
      await gw.faults.dropConnections({ error: 'maintenance' });
      await waitFor(() => life.closed.length === 1, 3000, 'onclose');
      expect(life.closed[0]?.message).to.equal('Server returned an error on close: maintenance');
      expect(life.reconnecting).to.deep.equal([]);
      expect(a.connection.state).to.equal(HubConnectionState.Disconnected);
      if (gw.embedded) await waitFor(() => gw.embedded?.connectionCount === 0, 2000, 'the server to forget the connection');
    });

    it('killSockets(): no Close frame, the client reconnects with a new connectionId', async () => {
      const a = await joined(alice, { reconnect: [...QUICK] });
      const life = watch(a);
      const before = a.connectionId;
      await gw.faults.killSockets();
      await waitFor(() => life.reconnected.length === 1, 3000, 'onreconnected');
      expect(life.reconnected[0]).not.to.equal(before);
      expect(life.closed).to.deep.equal([]);
      await a.connection.invoke('JoinConversation', conversationId);
      const sent = await sendText(gw, bob, conversationId, 'after kill');
      await a.waitFor('messageReceived', (m) => m.id === sent.id);
    });

    it('a client without automatic reconnect just closes on killSockets()', async () => {
      const a = await joined(alice);
      const life = watch(a);
      await gw.faults.killSockets();
      await waitFor(() => life.closed.length === 1, 3000, 'onclose');
      expect(a.connection.state).to.equal(HubConnectionState.Disconnected);
    });
  });

  describe('tokens and refused connections', () => {
    it('expireTokens(): a new negotiate is a 401; REST too; a fresh login works', async () => {
      const a = await joined(alice);
      await gw.faults.expireTokens();
      const late = hubs.connection('/hubs/chat', bob.token);
      const error = await rejection(late.start());
      expect(error.message).to.contain("Status code '401'");
      expect((await api(gw, 'GET', '/api/conversations', { token: bob.token })).status).to.equal(401);
      const fresh = await gw.login(bob.id);
      const b = await hubs.chat(fresh.token);
      expect(b.connection.state).to.equal(HubConnectionState.Connected);
      // The connection opened before keeps working: tokens are checked when connecting.
      expect(a.connection.state).to.equal(HubConnectionState.Connected);
    });

    it('refuseConnections(ms): start() fails during the window and works after it', async () => {
      // A window long enough that the first start() lands in it on a slow machine too; measured
      // from before the call, so it cannot start before `refusedAt`.
      const refusedAt = Date.now();
      await gw.faults.refuseConnections(1500);
      const error = await rejection(hubs.connection('/hubs/chat', alice.token).start());
      expect(error.message).to.contain("Status code '503'");
      // REST is not affected.
      expect((await api(gw, 'GET', '/api/conversations', { token: alice.token })).status).to.equal(200);
      const a = await waitFor(
        async () => {
          const connection = hubs.connection('/hubs/chat', alice.token);
          await connection.start();
          return connection;
        },
        5000,
        'a connection once the window is over',
      );
      expect(a.state).to.equal(HubConnectionState.Connected);
      expect(Date.now() - refusedAt).to.be.at.least(1400);
    });
  });

  describe('events', () => {
    it('emitRaw delivers any payload, even malformed, as the named event to the joined connections only', async () => {
      const a = await joined(alice);
      const b = await hubs.chat(bob.token); // connected, not joined
      await gw.faults.emitRaw(conversationId, 'messageReceived', { id: 42, bogus: true });
      await gw.faults.emitRaw(conversationId, 'streamChunkReceived', 'not even an object');
      await waitFor(() => a.invalid().length === 2, 2000, 'two malformed payloads');
      const invalid = a.takeInvalid();
      expect(invalid.map((e) => [e.name, e.payload])).to.deep.equal([
        ['messageReceived', { id: 42, bogus: true }],
        ['streamChunkReceived', 'not even an object'],
      ]);
      expect(invalid[0]?.invalid ?? '').to.contain('id');
      // A well-formed payload is delivered the same way.
      await gw.faults.emitRaw(conversationId, 'typingStarted', { conversationId, participantId: 'ghost', participantName: 'Ghost' });
      expect(await a.waitFor('typingStarted')).to.deep.equal({ conversationId, participantId: 'ghost', participantName: 'Ghost' });
      await b.roundTrip();
      expect(b.received).to.deep.equal([]);
    });

    it('duplicateEvents(true) sends every chat event twice; false stops it', async () => {
      const a = await joined(alice);
      await gw.faults.duplicateEvents(true);
      const twice = await sendText(gw, bob, conversationId, 'twice');
      await a.connection.invoke('LeaveConversation', 'barrier');
      await a.waitForCount('messageReceived', 2);
      await gw.faults.duplicateEvents(false);
      const once = await sendText(gw, bob, conversationId, 'once');
      await a.waitFor('messageReceived', (m) => m.id === once.id);
      await a.roundTrip();
      expect(a.events('messageReceived').map((m) => m.id)).to.deep.equal([twice.id, twice.id, once.id]);
    });

    it('delayEvents(ms) holds chat events back by that long', async () => {
      const a = await joined(alice);
      // Long enough that the round trip below surely comes back before it, on a slow machine too.
      await gw.faults.delayEvents(1500);
      const sentAt = Date.now();
      const sent = await sendText(gw, bob, conversationId, 'slow');
      await a.roundTrip();
      expect(a.events('messageReceived')).to.deep.equal([]);
      await a.waitFor('messageReceived', (m) => m.id === sent.id, 5000);
      expect(Date.now() - sentAt).to.be.at.least(1450);
      await gw.faults.delayEvents(0);
    });
  });

  describe('restart', () => {
    it('keeps the data, the port and the tokens, and drops every connection', async function () {
      if (!gw.embedded) this.skip();
      const sent = await sendText(gw, alice, conversationId, 'survives');
      const a = await joined(alice);
      const r = await joined(bob, { reconnect: [...QUICK] });
      const life = watch(a);
      const rLife = watch(r);
      const url = gw.url;
      expect(gw.embedded?.connectionCount).to.equal(2);

      await gw.restart();
      expect(gw.url).to.equal(url);
      await waitFor(() => life.closed.length === 1, 3000, 'onclose of the plain client');
      await waitFor(() => rLife.reconnected.length === 1, 3000, 'the reconnecting client to come back');
      expect(gw.embedded?.connectionCount).to.equal(1);

      const history = expectOk(
        await api(gw, 'GET', `/api/conversations/${conversationId}/messages`, { token: alice.token }),
        200,
        MessagePage,
      );
      expect(history.items.map((m) => m.id)).to.deep.equal([sent.id]);
      await r.connection.invoke('JoinConversation', conversationId);
      const next = await sendText(gw, alice, conversationId, 'after restart');
      await r.waitFor('messageReceived', (m) => m.id === next.id);
    });
  });

  describe('negotiate redirect (negotiateRedirect: true)', () => {
    let redirecting: TestGateway;
    const redirectHubs = new HubClients(() => redirecting);
    beforeEach(async function () {
      redirecting = await startTestGateway({ bot: false, negotiateRedirect: true });
      if (redirecting.external) this.skip();
    });
    afterEach(async () => {
      await redirectHubs.stopAll();
      await redirecting.close();
    });

    it('the client follows the redirect to the other listener and events flow', async () => {
      const [carol, dave] = await newUsers(redirecting, 'carol', 'dave');
      const group = (await createConversation(redirecting, carol, 'Group', [dave.id], 'Redirected')).id;
      const opened: string[] = [];
      class RecordingWebSocket extends WebSocket {
        constructor(
          address: string | URL,
          protocols?: string | string[] | ClientOptions | ClientRequestArgs,
          options?: ClientOptions | ClientRequestArgs,
        ) {
          super(address, protocols as string | string[] | undefined, options);
          opened.push(String(address));
        }
      }
      let tokenCalls = 0;
      const c = await redirectHubs.chat(
        () => {
          tokenCalls += 1;
          return carol.token;
        },
        { webSocket: RecordingWebSocket },
      );
      expect(redirecting.embedded?.connectionCount).to.equal(1);
      expect(opened).to.have.length(1);
      const socketUrl = new URL(opened[0] ?? '');
      expect(socketUrl.pathname).to.equal('/hubs/chat');
      expect(socketUrl.port).not.to.equal(new URL(redirecting.url).port);
      // The redirect's own access token replaced ours after the first negotiate.
      expect(tokenCalls).to.equal(1);

      await c.connection.invoke('JoinConversation', group);
      const sent = await sendText(redirecting, dave, group, 'through the edge');
      const received = await c.waitFor('messageReceived', (m) => m.id === sent.id);
      expect(received.plainTextContent).to.equal('through the edge');
    });
  });

  describe('test-only HTTP endpoints', () => {
    let remote: TestGateway;
    const remoteHubs = new HubClients(() => remote);
    beforeEach(async () => {
      remote = await startTestGateway({ bot: false, testEndpoints: true });
    });
    afterEach(async () => {
      await remoteHubs.stopAll();
      await remote.close();
    });

    it('drive the same faults from outside the process', async () => {
      const [carol, dave] = await newUsers(remote, 'carol', 'dave');
      const group = (await createConversation(remote, carol, 'Group', [dave.id], 'Remote')).id;
      const c = await remoteHubs.chat(carol.token, { reconnect: [...QUICK] });
      const life = watch(c);
      await c.connection.invoke('JoinConversation', group);

      expect(
        (
          await api(remote, 'POST', '/_test/faults/emit-raw', {
            body: {
              conversationId: group,
              event: 'typingStarted',
              payload: { conversationId: group, participantId: 'x', participantName: 'X' },
            },
          })
        ).status,
      ).to.equal(204);
      await c.waitFor('typingStarted');

      expect((await api(remote, 'POST', '/_test/faults/duplicate', { body: { on: true } })).status).to.equal(204);
      const twice = await sendText(remote, dave, group, 'twice');
      await c.waitForCount('messageReceived', 2, (m) => m.id === twice.id);
      expect((await api(remote, 'POST', '/_test/faults/duplicate', { body: { on: false } })).status).to.equal(204);

      expect((await api(remote, 'POST', '/_test/faults/drop', { body: { allowReconnect: true } })).status).to.equal(204);
      await waitFor(() => life.reconnected.length === 1, 3000, 'reconnect after /_test/faults/drop');

      expect((await api(remote, 'POST', '/_test/faults/kill')).status).to.equal(204);
      await waitFor(() => life.reconnected.length === 2, 3000, 'reconnect after /_test/faults/kill');

      expect((await api(remote, 'POST', '/_test/faults/refuse', { body: { durationMs: 60_000 } })).status).to.equal(204);
      expect((await rejection(remoteHubs.connection('/hubs/chat', carol.token).start())).message).to.contain("Status code '503'");
      expect((await api(remote, 'POST', '/_test/faults/refuse', { body: { durationMs: 0 } })).status).to.equal(204);
      await remoteHubs.connection('/hubs/chat', carol.token).start();

      const token = (await api(remote, 'POST', '/_test/token', { body: { userId: dave.id } })).json as { token: string };
      expect((await api(remote, 'GET', '/api/conversations', { token: token.token })).status).to.equal(200);
      expect((await api(remote, 'POST', '/_test/faults/expire-tokens')).status).to.equal(204);
      expect((await api(remote, 'GET', '/api/conversations', { token: token.token })).status).to.equal(401);

      const requests = await api(remote, 'GET', '/_test/requests');
      expect(requests.status).to.equal(200);
      expect((requests.json as Array<{ path: string }>).some((r) => r.path === '/api/conversations')).to.equal(true);
    });

    it('number every recorded request (seq), keep the last 1,000, and a mark by seq still works past the roll-over', async () => {
      const mark = await requestMark(remote);
      const first = await mark.since();
      expect(first, 'nothing since the mark yet').to.deep.equal([]);
      for (let i = 0; i < 1005; i += 15) {
        await Promise.all(Array.from({ length: Math.min(15, 1005 - i) }, (_, j) => api(remote, 'GET', `/health/live?n=${i + j}`)));
      }
      const log = (await api(remote, 'GET', '/_test/requests')).json as Array<{
        seq: number;
        method: string;
        path: string;
        authorization: boolean;
        at: number;
      }>;
      expect(log).to.have.length(1000);
      const seqs = log.map((r) => r.seq);
      expect(
        seqs.every((seq, i) => i === 0 || seq === (seqs[i - 1] ?? 0) + 1),
        'consecutive numbers, oldest first',
      ).to.equal(true);
      expect(Object.keys(log[0] ?? {}).sort()).to.deep.equal(['at', 'authorization', 'method', 'path', 'seq']);
      const mine = await mark.since((r) => r.path.startsWith('/health/live?n='));
      // The log rolled over: the oldest 5 of the 1,005 are gone, and none from before the mark came back.
      expect(mine.length).to.equal(1000);
      expect(new Set(mine.map((r) => r.path)).size).to.equal(mine.length);
      expect(mine[mine.length - 1]?.seq).to.equal(seqs[seqs.length - 1]);
    });

    it('answer 400 for a bad body, 413 past 1 MB and 404 for an unknown fault', async () => {
      expect((await api(remote, 'POST', '/_test/faults/drop', { rawBody: '{nope' })).status).to.equal(400);
      expect((await api(remote, 'POST', '/_test/faults/drop', { rawBody: 'null' })).status).to.equal(400);
      expect((await api(remote, 'POST', '/_test/faults/drop', { rawBody: 'x'.repeat(1024 * 1024 + 1) })).status).to.equal(413);
      expect((await api(remote, 'POST', '/_test/faults/nothing')).status).to.equal(404);
      expect((await api(remote, 'GET', '/_test/faults/drop')).status).to.equal(405);
      // The gateway is fine afterwards.
      expect((await api(remote, 'GET', '/health/live')).text).to.equal('Healthy');
    });

    it('are 404 when the option is off', async function () {
      if (gw.external) this.skip(); // an external gateway is driven through them
      for (const path of ['/_test/faults/drop', '/_test/faults/expire-tokens', '/_test/token']) {
        expect((await api(gw, 'POST', path, { body: {} })).status, path).to.equal(404);
      }
      // Nothing happened: the tokens still work.
      expect((await api(gw, 'GET', '/api/conversations', { token: alice.token })).status).to.equal(200);
    });
  });

  describe('bad input fails alone', () => {
    it('a malformed JSON body is a 400 and a body over 1 MB a 413, while another client carries on', async () => {
      const b = await joined(bob);
      const huge = JSON.stringify({ blocks: [text('x'.repeat(1024 * 1024))] });
      const [malformed, tooBig, fine] = await Promise.all([
        api(gw, 'POST', `/api/conversations/${conversationId}/messages`, { token: alice.token, rawBody: '{"blocks": [}' }),
        api(gw, 'POST', `/api/conversations/${conversationId}/messages`, { token: alice.token, rawBody: huge }),
        sendText(gw, alice, conversationId, 'still fine'),
      ]);
      // Named by a JSON path: where the parser stopped (`$` here; System.Text.Json says `$.blocks[0]`).
      const problem = expectProblem(malformed, 400);
      expect(Object.keys(problem.errors ?? {}).filter((key) => key.startsWith('$'))).to.have.length.greaterThan(0);
      expectProblem(tooBig, 413);
      await b.waitFor('messageReceived', (m) => m.id === fine.id);
      const history = expectOk(
        await api(gw, 'GET', `/api/conversations/${conversationId}/messages`, { token: bob.token }),
        200,
        MessagePage,
      );
      expect(history.items.map((m) => m.id)).to.deep.equal([fine.id]);
    });

    it('invalid JSON frames close that hub connection with an error; other connections keep working', async () => {
      const b = await joined(bob);
      const negotiate = await api(gw, 'POST', '/hubs/chat/negotiate?negotiateVersion=1', { token: alice.token });
      expect(negotiate.status).to.equal(200);
      const { connectionToken } = negotiate.json as { connectionToken: string };
      const socket = new WebSocket(`${gw.url.replace(/^http/, 'ws')}/hubs/chat?id=${encodeURIComponent(connectionToken)}`, {
        headers: { authorization: `Bearer ${alice.token}` },
      });
      const frames: string[] = [];
      socket.on('message', (data: Buffer) => frames.push(data.toString('utf8')));
      const closed = new Promise<number>((resolve) => socket.once('close', (code: number) => resolve(code)));
      await within(new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject)), 2000, 'the socket to open');
      socket.send(`{"protocol":"json","version":1}${RS}`);
      await waitFor(() => frames.join('').includes(`{}${RS}`), 2000, 'the handshake answer');
      socket.send(`{"type":1,"target":"JoinConversation","arguments":[${RS}`);
      await within(closed, 3000, 'the server to close the bad connection');
      const close = frames
        .join('')
        .split(RS)
        .filter((f) => f !== '')
        .map((f) => JSON.parse(f) as { type?: number; error?: string })
        .find((m) => m.type === 7);
      expect(close?.error ?? '').to.match(/^Connection closed with an error\./);

      const sent = await sendText(gw, alice, conversationId, 'others unaffected');
      await b.waitFor('messageReceived', (m) => m.id === sent.id);
      const ack = (await b.connection.invoke('SendMessage', { conversationId, blocks: [text('and the hub too')] })) as { success: boolean };
      expect(ack.success).to.equal(true);
    });
  });
});
