import { expect } from 'chai';
import { HubConnectionState, type HubConnection } from '@microsoft/signalr';
import { ClientPool, RS, startHarness, within, type Harness } from './signalr-test-harness.js';

/** Collects the numbers of every `count` event and resolves once `total` arrived. */
function collectCounts(client: HubConnection, total: number): { received: number[]; done: Promise<number[]> } {
  const received: number[] = [];
  const done = new Promise<number[]>((resolve) => {
    client.on('count', (value: number) => {
      received.push(value);
      if (received.length >= total) resolve(received);
    });
  });
  return { received, done };
}

async function until(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function negotiate(harness: Harness, stateful: boolean): Promise<Record<string, string>> {
  const query = stateful ? '&useStatefulReconnect=true' : '';
  const response = await fetch(`${harness.url}/negotiate?negotiateVersion=1${query}`, {
    method: 'POST',
    headers: { Authorization: 'Bearer alice' },
  });
  return (await response.json()) as Record<string, string>;
}

describe('SignalRServer stateful reconnect', () => {
  let harness: Harness;
  const clients = new ClientPool();

  beforeEach(async () => {
    harness = await startHarness({ disconnectGraceMs: 2000 });
  });

  afterEach(async () => {
    await clients.stopAll();
    await harness.stop();
  });

  it('resumes the same connection after the socket drops, delivering every event exactly once, in order', async () => {
    const client = await clients.start(harness.url, { stateful: true, reconnectDelays: [0, 100, 200] });
    const id = client.connectionId ?? '';
    let reconnecting = 0;
    client.onreconnecting(() => {
      reconnecting += 1;
    });
    const total = 60;
    const counts = collectCounts(client, total);
    await client.invoke('StartCounting', total, 5);
    await until(() => counts.received.length >= 10, 'the first events');
    harness.hub.connection(id)?.abort();
    // Sent by the client while its socket is being replaced: buffered, replayed, answered once.
    const during = client.invoke('Echo', 'during the outage');
    await until(() => counts.received.length >= 25, 'more events');
    harness.hub.connection(id)?.abort();

    expect(await within(counts.done, 10_000, 'all events')).to.deep.equal(Array.from({ length: total }, (_, i) => i + 1));
    expect(await within(during, 10_000, 'the invocation sent during the outage')).to.equal('during the outage');
    expect(reconnecting).to.equal(0);
    expect(client.connectionId).to.equal(id);
    expect(client.state).to.equal(HubConnectionState.Connected);
    expect(harness.events.connected).to.deep.equal([id]);
    expect(harness.events.disconnected).to.deep.equal([]);
    // No duplicate arrives late either.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(counts.received).to.have.length(total);
  });

  it('buffers what the server sends while the socket is gone and replays it on resume', async () => {
    const client = await clients.start(harness.url, { stateful: true, reconnectDelays: [0] });
    const id = client.connectionId ?? '';
    const received: string[] = [];
    client.on('note', (value: string) => received.push(value));
    harness.hub.connection(id)?.send('note', 'before');
    await until(() => received.length === 1, 'first note');
    harness.hub.connection(id)?.abort();
    harness.hub.connection(id)?.send('note', 'while detached 1');
    harness.hub.sendToAll('note', ['while detached 2']);
    await until(() => received.length === 3, 'replayed notes');
    expect(received).to.deep.equal(['before', 'while detached 1', 'while detached 2']);
    expect(client.connectionId).to.equal(id);
    expect(harness.events.disconnected).to.deep.equal([]);
  });

  it('calls onDisconnected once, when the stateful connection is really gone', async () => {
    const client = await clients.start(harness.url, { stateful: true });
    const id = client.connectionId ?? '';
    harness.hub.connection(id)?.abort();
    await until(() => client.state === HubConnectionState.Connected && harness.hub.connection(id) !== undefined, 'resume');
    expect(await client.invoke('Echo', 1)).to.equal(1);
    await client.stop();
    expect(await within(harness.disconnected(id), 10_000, 'onDisconnected')).to.equal(undefined);
    expect(harness.events.disconnected).to.have.length(1);
  });

  it('falls back to a normal reconnect (new id) when the server forgot the connection', async () => {
    const client = await clients.start(harness.url, { stateful: true, reconnectDelays: [0, 50, 100] });
    const id = client.connectionId ?? '';
    const reconnecting = new Promise<void>((resolve) => client.onreconnecting(() => resolve()));
    const reconnected = new Promise<string | undefined>((resolve) => client.onreconnected(resolve));
    harness.server.killAll();
    await within(reconnecting, 10_000, 'onreconnecting');
    const newId = await within(reconnected, 10_000, 'onreconnected');
    expect(newId).to.be.a('string').and.not.equal(id);
    expect(await client.invoke('Echo', 'new connection')).to.equal('new connection');
    expect((await harness.disconnected(id))?.message).to.contain('killed');
  });

  it('ends the connection when the client does not resume within the grace period', async () => {
    await harness.stop();
    harness = await startHarness({ disconnectGraceMs: 100 });
    const client = await clients.start(harness.url, { stateful: true, reconnectDelays: [300, 300, 300] });
    const id = client.connectionId ?? '';
    const reconnected = new Promise<string | undefined>((resolve) => client.onreconnected(resolve));
    harness.server.setRefuseConnections(true);
    harness.hub.connection(id)?.abort();
    const error = await within(harness.disconnected(id), 10_000, 'onDisconnected after the grace period');
    expect(error?.message).to.contain('did not resume');
    harness.server.setRefuseConnections(false);
    const newId = await within(reconnected, 10_000, 'onreconnected');
    expect(newId).not.to.equal(id);
  });

  it('speaks the wire protocol: Ack, Sequence first on resume, replay, and duplicate dropping', async () => {
    const body = await negotiate(harness, true);
    const token = body['connectionToken'] ?? '';
    const first = await clients.raw(harness.port, `?id=${token}`);
    await first.handshake(2);
    first.send(`{"type":1,"invocationId":"1","target":"Echo","arguments":["a"]}${RS}`);
    expect(await first.nextMessage()).to.deep.equal({ type: 3, invocationId: '1', result: 'a' });
    expect(await within(first.nextMessage(), 10_000, 'Ack')).to.deep.equal({ type: 8, sequenceId: 1 });

    // Drop the socket without acking the completion: the server replays it after its Sequence.
    first.socket.terminate();
    await until(() => harness.hub.connection(body['connectionId'] ?? '') !== undefined, 'still live');
    const second = await clients.raw(harness.port, `?id=${token}`);
    expect(await second.nextMessage()).to.deep.equal({ type: 9, sequenceId: 1 });
    expect(await second.nextMessage()).to.deep.equal({ type: 3, invocationId: '1', result: 'a' });
    // Our side: Sequence 1 then the replay of invocation 1 (a duplicate, dropped), then a new one.
    second.send(`{"type":9,"sequenceId":1}${RS}`);
    second.send(`{"type":1,"invocationId":"1","target":"Echo","arguments":["a"]}${RS}`);
    second.send(`{"type":8,"sequenceId":1}${RS}`);
    second.send(`{"type":1,"invocationId":"2","target":"Echo","arguments":["b"]}${RS}`);
    expect(await second.nextMessage()).to.deep.equal({ type: 3, invocationId: '2', result: 'b' });

    // A new socket on a live stateful connection replaces the old one (no 409).
    const third = await clients.raw(harness.port, `?id=${token}`);
    await within(second.closed, 10_000, 'old socket closed');
    // Completion 1 was acked, so only completion 2 (sequence 2) is replayed.
    expect(await third.nextMessage()).to.deep.equal({ type: 9, sequenceId: 2 });
    expect(await third.nextMessage()).to.deep.equal({ type: 3, invocationId: '2', result: 'b' });
    expect(harness.events.connected).to.have.length(1);
    expect(harness.events.disconnected).to.have.length(0);
  });

  it('does not use stateful reconnect when the handshake asks for version 1', async () => {
    const body = await negotiate(harness, true);
    const raw = await clients.raw(harness.port, `?id=${body['connectionToken'] ?? ''}`);
    await raw.handshake(1);
    raw.send(`{"type":1,"invocationId":"1","target":"Echo","arguments":["a"]}${RS}`);
    expect(await raw.nextMessage()).to.deep.equal({ type: 3, invocationId: '1', result: 'a' });
    raw.socket.terminate();
    const id = body['connectionId'] ?? '';
    await within(harness.disconnected(id), 10_000, 'onDisconnected');
    const again = await clients.raw(harness.port, `?id=${body['connectionToken'] ?? ''}`).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(again?.message).to.equal('status 404');
  });

  it('does not offer stateful reconnect when the option is off', async () => {
    await harness.stop();
    harness = await startHarness({ statefulReconnect: false });
    const body = await negotiate(harness, true);
    expect(body).not.to.have.property('useStatefulReconnect');
    const client = await clients.start(harness.url, { stateful: true });
    expect(await client.invoke('Echo', 'plain')).to.equal('plain');
  });
});
