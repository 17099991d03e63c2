import { expect } from 'chai';
import { HubConnectionState } from '@microsoft/signalr';
import { ClientPool, HUB_PATH, RS, nextCall, startHarness, within, type Harness } from './signalr-test-harness.js';

describe('SignalRServer with the official @microsoft/signalr client', () => {
  let harness: Harness;
  const clients = new ClientPool();

  afterEach(async () => {
    await clients.stopAll();
    await harness.stop();
  });

  describe('invocations', () => {
    beforeEach(async () => {
      harness = await startHarness();
    });

    it('invokes a method and returns its result', async () => {
      const client = await clients.start(harness.url);
      expect(await client.invoke('Echo', { a: [1, 'x', null] })).to.deep.equal({ a: [1, 'x', null] });
      expect(await client.invoke('Add', 2, 40)).to.equal(42);
      expect(client.connectionId).to.be.a('string').with.length.greaterThan(10);
    });

    it('matches method names case-insensitively', async () => {
      const client = await clients.start(harness.url);
      expect(await client.invoke('echo', 'lower')).to.equal('lower');
      expect(await client.invoke('ECHO', 'upper')).to.equal('upper');
    });

    it('completes a void method with a null result, as ASP.NET does', async () => {
      const client = await clients.start(harness.url);
      expect(await client.invoke('DoNothing')).to.equal(null);
    });

    it('runs send() (no invocation id) and keeps the connection usable', async () => {
      const client = await clients.start(harness.url);
      const callback = nextCall(client, 'callback');
      await client.send('CallMeBack', 'hello');
      const [payload, connectionId] = await within(callback, 10_000, 'callback');
      expect(payload).to.equal('hello');
      expect(connectionId).to.equal(client.connectionId);
      await client.send('DoNothing');
      expect(await client.invoke('Echo', 1)).to.equal(1);
    });

    it('waits for async methods and keeps calls of one connection in order', async () => {
      const client = await clients.start(harness.url);
      const order: unknown[] = [];
      await Promise.all([
        client.invoke('Delay', 60, 'slow').then((value) => order.push(value)),
        client.invoke('Delay', 0, 'fast').then((value) => order.push(value)),
      ]);
      expect(order).to.deep.equal(['slow', 'fast']);
    });

    it('sends a HubException message with ASP.NET wording', async () => {
      const client = await clients.start(harness.url);
      const error = await client.invoke('ThrowHubException', 'Room is full').then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(error?.message).to.equal(
        "An unexpected error occurred invoking 'ThrowHubException' on the server. HubException: Room is full",
      );
    });

    it('hides the details of other errors', async () => {
      const client = await clients.start(harness.url);
      const error = await client.invoke('ThrowPlainError').then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(error?.message).to.equal("An unexpected error occurred invoking 'ThrowPlainError' on the server.");
    });

    it('answers an unknown method with the binding failure text', async () => {
      const client = await clients.start(harness.url);
      const error = await client.invoke('!@#$%').then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(error?.message).to.equal("Failed to invoke '!@#$%' due to an error on the server. HubException: Method does not exist.");
    });

    it('answers a wrong argument count and unbindable arguments with the binding failure text', async () => {
      const client = await clients.start(harness.url);
      const count = await client.invoke('Add', 1).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(count?.message).to.equal("Failed to invoke 'Add' due to an error on the server.");
      const types = await client.invoke('Add', 'one', 'two').then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(types?.message).to.equal("Failed to invoke 'Add' due to an error on the server.");
      expect(await client.invoke('Add', 1, 2)).to.equal(3);
    });

    it('answers a stream() call of a non-streaming method with ASP.NET wording', async () => {
      const client = await clients.start(harness.url);
      const error = await new Promise<Error>((resolve) => {
        client.stream('Echo', 1).subscribe({ next: () => undefined, complete: () => undefined, error: resolve });
      });
      expect(error.message).to.equal("The client attempted to invoke the non-streaming 'Echo' method with a streaming invocation.");
    });

    it('exposes the user and connection to the hub, and calls onConnected/onDisconnected once', async () => {
      const client = await clients.start(harness.url, { token: 'bob' });
      const me = (await client.invoke('WhoAmI')) as Record<string, unknown>;
      expect(me).to.deep.equal({ userId: 'bob', connectionId: client.connectionId, hubPath: HUB_PATH });
      expect(harness.events.connected).to.deep.equal([client.connectionId]);
      expect(harness.server.connectionCount).to.equal(1);
      expect([...harness.hub.connections()].map((c) => c.connectionId)).to.deep.equal([client.connectionId]);
      const id = client.connectionId ?? '';
      await client.stop();
      expect(await within(harness.disconnected(id), 10_000, 'onDisconnected')).to.equal(undefined);
      expect(harness.events.disconnected).to.have.length(1);
      expect(harness.server.connectionCount).to.equal(0);
    });

    it('broadcasts to a group, with except, and to a user', async () => {
      const a = await clients.start(harness.url, { token: 'alice' });
      const b = await clients.start(harness.url, { token: 'bob' });
      const c = await clients.start(harness.url, { token: 'alice' });
      await a.invoke('JoinGroup', 'room');
      await b.invoke('JoinGroup', 'room');
      const atB = nextCall(b, 'groupMessage');
      const atA = nextCall(a, 'groupMessage');
      let cGotGroup = false;
      c.on('groupMessage', () => {
        cGotGroup = true;
      });
      await a.invoke('SendToGroup', 'room', 'hi all');
      expect(await within(atA, 10_000, 'a')).to.deep.equal(['hi all', a.connectionId]);
      expect(await within(atB, 10_000, 'b')).to.deep.equal(['hi all', a.connectionId]);

      let aGotOwn = false;
      a.on('groupMessage', () => {
        aGotOwn = true;
      });
      const atB2 = nextCall(b, 'groupMessage');
      await a.invoke('SendToGroupExceptMe', 'room', 'not me');
      expect(await within(atB2, 10_000, 'b2')).to.deep.equal(['not me', a.connectionId]);

      const toAliceA = nextCall(a, 'direct');
      const toAliceC = nextCall(c, 'direct');
      harness.hub.sendToUser('alice', 'direct', ['for alice']);
      expect(await within(toAliceA, 10_000, 'alice a')).to.deep.equal(['for alice']);
      expect(await within(toAliceC, 10_000, 'alice c')).to.deep.equal(['for alice']);

      const all = [nextCall(a, 'all'), nextCall(b, 'all'), nextCall(c, 'all')];
      harness.hub.sendToAll('all', [7]);
      expect(await within(Promise.all(all), 10_000, 'all')).to.deep.equal([[7], [7], [7]]);
      expect(cGotGroup).to.equal(false);
      expect(aGotOwn).to.equal(false);

      harness.hub.removeFromGroup(b.connectionId ?? '', 'room');
      const atA2 = nextCall(a, 'groupMessage');
      await a.invoke('SendToGroup', 'room', 'only a');
      expect(await within(atA2, 10_000, 'a only')).to.deep.equal(['only a', a.connectionId]);
    });

    it('supports skipNegotiation clients', async () => {
      const client = await clients.start(harness.url, { skipNegotiation: true });
      expect(await client.invoke('Echo', 'direct')).to.equal('direct');
      const me = (await client.invoke('WhoAmI')) as Record<string, unknown>;
      expect(me['userId']).to.equal('alice');
    });
  });

  describe('negotiate and authentication', () => {
    beforeEach(async () => {
      harness = await startHarness();
    });

    it('rejects a missing or invalid token with 401 at negotiate', async () => {
      const client = clients.build(harness.url, { token: 'mallory' });
      const error = await client.start().then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(error?.message).to.contain("Status code '401'");
      expect(client.state).to.equal(HubConnectionState.Disconnected);
    });

    it('rejects a bad token with 401 at the upgrade (skipNegotiation)', async () => {
      const client = clients.build(harness.url, { token: 'mallory', skipNegotiation: true });
      const error = await client.start().then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(error).to.be.instanceOf(Error);
      const raw = clients.raw(harness.port, '', 'mallory');
      const failure = await raw.then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(failure?.message).to.equal('status 401');
    });

    it('answers negotiate v1 with random id and token, CORS headers, and stateful only when asked', async () => {
      const response = await fetch(`${harness.url}/negotiate?negotiateVersion=1`, {
        method: 'POST',
        headers: { Authorization: 'Bearer alice', Origin: 'http://example.test' },
      });
      expect(response.status).to.equal(200);
      expect(response.headers.get('access-control-allow-origin')).to.equal('http://example.test');
      expect(response.headers.get('access-control-allow-credentials')).to.equal('true');
      const body = (await response.json()) as Record<string, unknown>;
      expect(body['negotiateVersion']).to.equal(1);
      expect(body['availableTransports']).to.deep.equal([
        { transport: 'WebSockets', transferFormats: ['Text', 'Binary'] },
        { transport: 'ServerSentEvents', transferFormats: ['Text'] },
        { transport: 'LongPolling', transferFormats: ['Text', 'Binary'] },
      ]);
      expect(body['connectionId']).to.be.a('string');
      expect(body['connectionToken']).to.be.a('string').and.not.equal(body['connectionId']);
      expect(body).not.to.have.property('useStatefulReconnect');

      const stateful = await fetch(`${harness.url}/negotiate?negotiateVersion=1&useStatefulReconnect=true`, {
        method: 'POST',
        headers: { Authorization: 'Bearer alice' },
      });
      const statefulBody = (await stateful.json()) as Record<string, unknown>;
      expect(statefulBody['useStatefulReconnect']).to.equal(true);
      expect(statefulBody['connectionId']).not.to.equal(body['connectionId']);
    });

    it('answers a CORS preflight with 204', async () => {
      const response = await fetch(`${harness.url}/negotiate?negotiateVersion=1`, {
        method: 'OPTIONS',
        headers: {
          Origin: 'http://example.test',
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'authorization,x-signalr-user-agent',
        },
      });
      expect(response.status).to.equal(204);
      expect(response.headers.get('access-control-allow-origin')).to.equal('http://example.test');
      expect(response.headers.get('access-control-allow-headers')).to.equal(
        'X-Requested-With, X-SignalR-User-Agent, Authorization, Content-Type',
      );
    });

    it('accepts the token from the access_token query (browsers)', async () => {
      const response = await fetch(`${harness.url}/negotiate?negotiateVersion=1&access_token=bob`, { method: 'POST' });
      expect(response.status).to.equal(200);
      const body = (await response.json()) as Record<string, string>;
      const socket = await clients.raw(harness.port, `?id=${body['connectionToken']}&access_token=bob`, 'bob');
      await socket.handshake();
    });

    it('answers 404 for an unknown id and 409 for a second socket on the same id', async () => {
      const unknown = await clients.raw(harness.port, '?id=nope').then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(unknown?.message).to.equal('status 404');

      const response = await fetch(`${harness.url}/negotiate?negotiateVersion=1`, {
        method: 'POST',
        headers: { Authorization: 'Bearer alice' },
      });
      const body = (await response.json()) as Record<string, string>;
      const first = await clients.raw(harness.port, `?id=${body['connectionToken']}`);
      const second = await clients.raw(harness.port, `?id=${body['connectionToken']}`).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(second?.message).to.equal('status 409');
      const otherUser = await clients.raw(harness.port, `?id=${body['connectionToken']}`, 'bob').then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(otherUser?.message).to.equal('status 403');
      await first.handshake();
      // The public connection id does not open the socket.
      const byId = await clients.raw(harness.port, `?id=${body['connectionId']}`).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(byId?.message).to.equal('status 404');
    });

    it('answers 503 while refusing connections', async () => {
      harness.server.setRefuseConnections(true);
      const client = clients.build(harness.url);
      const error = await client.start().then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(error?.message).to.contain("Status code '503'");
      harness.server.setRefuseConnections(false);
      await client.start();
      expect(await client.invoke('Echo', 'back')).to.equal('back');
    });

    it('answers negotiate with the redirect when negotiateRedirect returns one', async () => {
      await harness.stop();
      harness = await startHarness({
        negotiateRedirect: (hubPath, user) => ({ url: `https://example.test${hubPath}`, accessToken: `t-${user.userId}` }),
      });
      const response = await fetch(`${harness.url}/negotiate?negotiateVersion=1`, {
        method: 'POST',
        headers: { Authorization: 'Bearer alice' },
      });
      expect(await response.json()).to.deep.equal({ url: `https://example.test${HUB_PATH}`, accessToken: 't-alice' });
    });

    it('forgets a negotiated connection that never opens', async () => {
      await harness.stop();
      harness = await startHarness({ negotiateTimeoutMs: 50 });
      const response = await fetch(`${harness.url}/negotiate?negotiateVersion=1`, {
        method: 'POST',
        headers: { Authorization: 'Bearer alice' },
      });
      const body = (await response.json()) as Record<string, string>;
      await new Promise((resolve) => setTimeout(resolve, 120));
      const late = await clients.raw(harness.port, `?id=${body['connectionToken']}`).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(late?.message).to.equal('status 404');
    });
  });

  describe('keep-alive and timeouts', () => {
    it('pings so that a client with a short server timeout stays connected', async () => {
      // Pings every 100 ms against a 2 s server timeout: a stalled event loop (GC, a busy CI
      // machine) delays pings by far less than the timeout, yet without pings the client would
      // close well before the 3 s this test stays idle.
      harness = await startHarness({ keepAliveIntervalMs: 100 });
      const client = await clients.start(harness.url, { serverTimeoutMs: 2000, keepAliveIntervalMs: 100 });
      let closed = false;
      client.onclose(() => {
        closed = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(closed).to.equal(false);
      expect(client.state).to.equal(HubConnectionState.Connected);
      expect(await client.invoke('Echo', 'alive')).to.equal('alive');
    });

    it('closes a client that sends nothing for clientTimeoutMs', async () => {
      harness = await startHarness({ clientTimeoutMs: 300 });
      const client = await clients.start(harness.url, { serverTimeoutMs: 30_000, keepAliveIntervalMs: 20_000 });
      const closed = new Promise<Error | undefined>((resolve) => client.onclose(resolve));
      const id = client.connectionId ?? '';
      const error = await within(closed, 10_000, 'client close');
      expect(error).to.equal(undefined);
      const serverError = await within(harness.disconnected(id), 10_000, 'onDisconnected');
      expect(serverError?.message).to.contain('300 ms');
    });

    it('answers the handshake timeout with "Handshake was canceled."', async () => {
      harness = await startHarness({ handshakeTimeoutMs: 100 });
      const raw = await clients.raw(harness.port);
      expect(await within(raw.next(), 10_000, 'handshake error')).to.equal('{"error":"Handshake was canceled."}');
      await within(raw.closed, 10_000, 'socket close');
    });
  });

  describe('Close from the server', () => {
    beforeEach(async () => {
      harness = await startHarness();
    });

    it('with allowReconnect: the client reconnects with a new connection id', async () => {
      const client = await clients.start(harness.url, { reconnectDelays: [0, 50, 100] });
      const firstId = client.connectionId;
      const reconnecting = new Promise<Error | undefined>((resolve) => client.onreconnecting(resolve));
      const reconnected = new Promise<string | undefined>((resolve) => client.onreconnected(resolve));
      harness.hub.connection(firstId ?? '')?.close({ error: 'Server restarting', allowReconnect: true });
      const reason = await within(reconnecting, 10_000, 'onreconnecting');
      expect(reason?.message).to.equal('Server returned an error on close: Server restarting');
      const newId = await within(reconnected, 10_000, 'onreconnected');
      expect(newId).to.be.a('string').and.not.equal(firstId);
      expect(await client.invoke('Echo', 'again')).to.equal('again');
      expect((await harness.disconnected(firstId ?? ''))?.message).to.equal('Server restarting');
    });

    it('without allowReconnect: the close is final and carries the error', async () => {
      const client = await clients.start(harness.url, { reconnectDelays: [0] });
      let reconnecting = false;
      client.onreconnecting(() => {
        reconnecting = true;
      });
      const closed = new Promise<Error | undefined>((resolve) => client.onclose(resolve));
      harness.hub.connection(client.connectionId ?? '')?.close({ error: 'Banned' });
      const error = await within(closed, 10_000, 'onclose');
      expect(error?.message).to.equal('Server returned an error on close: Banned');
      expect(reconnecting).to.equal(false);
      expect(client.state).to.equal(HubConnectionState.Disconnected);
    });

    it('closeAll() closes every connection; killAll() drops them without a Close message', async () => {
      const a = await clients.start(harness.url);
      const b = await clients.start(harness.url);
      const closedA = new Promise<Error | undefined>((resolve) => a.onclose(resolve));
      const closedB = new Promise<Error | undefined>((resolve) => b.onclose(resolve));
      harness.server.closeAll({ error: 'Maintenance' });
      expect((await within(closedA, 10_000, 'a'))?.message).to.equal('Server returned an error on close: Maintenance');
      expect((await within(closedB, 10_000, 'b'))?.message).to.equal('Server returned an error on close: Maintenance');

      const c = await clients.start(harness.url);
      const closedC = new Promise<Error | undefined>((resolve) => c.onclose(resolve));
      harness.server.killAll();
      const error = await within(closedC, 10_000, 'c');
      expect(error?.message).to.match(/^WebSocket closed with status code: 1006/);
      expect(harness.server.connectionCount).to.equal(0);
    });
  });

  describe('malformed input', () => {
    beforeEach(async () => {
      harness = await startHarness({ maximumReceiveMessageSize: 1024 });
    });

    const closeWithError = '{"type":7,"error":"Connection closed with an error.","allowReconnect":true}';

    for (const [name, payload] of [
      ['invalid JSON', `{not json${RS}`],
      ['a non-object', `[1,2]${RS}`],
      ['a missing type', `{"target":"Echo","arguments":[]}${RS}`],
      ['an unknown message type', `{"type":42}${RS}`],
      ['an invocation without target', `{"type":1,"arguments":[]}${RS}`],
      ['non-array arguments', `{"type":1,"target":"Echo","arguments":"x"}${RS}`],
      ['an oversized message', `{"type":1,"target":"Echo","arguments":["${'x'.repeat(2000)}"]}${RS}`],
      ['an oversized unterminated message', `{"type":1,"target":"Echo","arguments":["${'x'.repeat(2000)}`],
    ] as const) {
      it(`closes only the offending connection on ${name}`, async () => {
        const healthy = await clients.start(harness.url);
        const raw = await clients.raw(harness.port);
        await raw.handshake();
        raw.send(payload);
        expect(await within(raw.nextMessage().then(JSON.stringify), 10_000, 'close message')).to.equal(closeWithError);
        await within(raw.closed, 10_000, 'socket close');
        expect(await healthy.invoke('Echo', 'still here')).to.equal('still here');
        expect(harness.server.connectionCount).to.equal(1);
      });
    }

    it('reads messages split across frames and several messages per frame', async () => {
      const raw = await clients.raw(harness.port);
      const handshake = JSON.stringify({ protocol: 'json', version: 1 }) + RS;
      const first = `{"type":1,"invocationId":"1","target":"Echo","arguments":["one"]}${RS}`;
      const second = `{"type":1,"invocationId":"2","target":"Add","arguments":[1,2]}${RS}`;
      raw.send(handshake.slice(0, 10));
      raw.send(handshake.slice(10) + first.slice(0, 20));
      raw.send(first.slice(20) + second);
      expect(await raw.next()).to.equal('{}');
      expect(await raw.nextMessage()).to.deep.equal({ type: 3, invocationId: '1', result: 'one' });
      expect(await raw.nextMessage()).to.deep.equal({ type: 3, invocationId: '2', result: 3 });
    });

    it('answers an unsupported protocol in the handshake and closes', async () => {
      const raw = await clients.raw(harness.port);
      raw.send(JSON.stringify({ protocol: 'blazorpack', version: 1 }) + RS);
      expect(await raw.next()).to.equal('{"error":"The protocol \'blazorpack\' is not supported."}');
      await within(raw.closed, 10_000, 'socket close');
    });

    it('answers an unsupported version and a garbage handshake', async () => {
      const raw = await clients.raw(harness.port);
      raw.send(JSON.stringify({ protocol: 'json', version: 3 }) + RS);
      expect(await raw.next()).to.equal('{"error":"The server does not support version 3 of the \'json\' protocol."}');
      const garbage = await clients.raw(harness.port);
      garbage.send(`hello${RS}`);
      expect(await garbage.next()).to.equal('{"error":"An unexpected error occurred during connection handshake."}');
    });

    it('answers stream ids on a non-streaming method with the ASP.NET text', async () => {
      const raw = await clients.raw(harness.port);
      await raw.handshake();
      raw.send(`{"type":1,"invocationId":"7","target":"Echo","arguments":[1],"streamIds":["s1"]}${RS}`);
      expect(await raw.nextMessage()).to.deep.equal({
        type: 3,
        invocationId: '7',
        error: "An unexpected error occurred invoking 'Echo' on the server. HubException: Client sent 1 stream(s), Hub method expects 0.",
      });
    });

    it('appends exception details when enableDetailedErrors is set', async () => {
      await harness.stop();
      harness = await startHarness({ enableDetailedErrors: true });
      const client = await clients.start(harness.url);
      const count = await client.invoke('Add', 1).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(count?.message).to.equal(
        "Failed to invoke 'Add' due to an error on the server. InvalidDataException: Invocation provides 1 argument(s) but target expects 2.",
      );
      const plain = await client.invoke('ThrowPlainError').then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(plain?.message).to.equal(
        "An unexpected error occurred invoking 'ThrowPlainError' on the server. Error: internal details that must not leak",
      );
    });
  });
});
