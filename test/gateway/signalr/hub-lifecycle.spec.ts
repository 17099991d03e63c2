import type { Server } from 'node:http';
import { expect } from 'chai';
import { HttpTransportType, HubConnectionBuilder, LogLevel, type HubConnection } from '@microsoft/signalr';
import { SignalRServer, type HubConnectionHandle, type HubDefinition } from '../../../src/gateway/signalr/index.js';
import { waitFor } from '../../support/wait.js';
import { listen } from './signalr-test-harness.js';

/** A server with a custom hub definition, for lifecycle edge cases. */
async function serve(
  definition: HubDefinition,
  logs: string[] = [],
): Promise<{ server: SignalRServer; http: Server; url: string; stop(): Promise<void> }> {
  const server = new SignalRServer({
    authenticate: (token) => (token === 'secret-token' ? { userId: 'u1', role: null } : null),
    logger: (level, message, data) => logs.push(`${level} ${message} ${JSON.stringify(data ?? {})}`),
  });
  server.addHub('/hub', definition);
  const { http, port, close } = await listen(server);
  const url = `http://127.0.0.1:${port}/hub`;
  return {
    server,
    http,
    url,
    stop: close,
  };
}

function client(url: string): HubConnection {
  return new HubConnectionBuilder()
    .withUrl(url, { accessTokenFactory: () => 'secret-token', transport: HttpTransportType.WebSockets })
    .configureLogging(LogLevel.None)
    .build();
}

describe('SignalRServer hub lifecycle', () => {
  const cleanups: (() => Promise<void>)[] = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('closes the connection with an error when onConnected throws, without onDisconnected', async () => {
    let disconnected = 0;
    const app = await serve({
      methods: {},
      onConnected: async () => {
        await Promise.resolve();
        throw new Error('no room');
      },
      onDisconnected: () => {
        disconnected += 1;
      },
    });
    cleanups.push(app.stop);
    const hubClient = client(app.url);
    cleanups.push(() => hubClient.stop());
    // The Close may arrive with the handshake answer (start() rejects) or just after it (onclose).
    const error = await new Promise<Error | undefined>((resolve) => {
      hubClient.onclose(resolve);
      hubClient.start().catch((e: unknown) => resolve(e as Error));
    });
    expect(error?.message).to.equal('Server returned an error on close: Connection closed with an error.');
    expect(disconnected).to.equal(0);
  });

  it('runs invocations only after an async onConnected finished', async () => {
    const order: string[] = [];
    const app = await serve({
      methods: {
        Ping: {
          arity: 0,
          invoke: () => {
            order.push('ping');
            return 'pong';
          },
        },
      },
      onConnected: async () => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        order.push('connected');
      },
    });
    cleanups.push(app.stop);
    const hubClient = client(app.url);
    cleanups.push(() => hubClient.stop());
    await hubClient.start();
    expect(await hubClient.invoke('Ping')).to.equal('pong');
    expect(order).to.deep.equal(['connected', 'ping']);
  });

  it('survives hooks and methods that throw odd values or return unserialisable results, and never logs tokens', async () => {
    const logs: string[] = [];
    let handle: HubConnectionHandle | undefined;
    const app = await serve(
      {
        methods: {
          ThrowString: {
            arity: 0,
            invoke: () => {
              // Deliberately not an Error.
              throw 'a string';
            },
          },
          BigIntResult: { arity: 0, invoke: () => 10n },
          RejectLater: { arity: 0, invoke: () => Promise.reject(new Error('later')) },
          Ok: { arity: 0, invoke: () => 'ok' },
        },
        onConnected: (conn) => {
          handle = conn;
        },
        onDisconnected: () => {
          throw new Error('onDisconnected broke');
        },
      },
      logs,
    );
    cleanups.push(app.stop);
    const hubClient = client(app.url);
    await hubClient.start();
    const failures = await Promise.all(
      ['ThrowString', 'BigIntResult', 'RejectLater'].map((name) =>
        hubClient.invoke(name).then(
          () => 'resolved',
          (e: unknown) => (e as Error).message,
        ),
      ),
    );
    expect(failures).to.deep.equal([
      "An unexpected error occurred invoking 'ThrowString' on the server.",
      "An unexpected error occurred invoking 'BigIntResult' on the server.",
      "An unexpected error occurred invoking 'RejectLater' on the server.",
    ]);
    handle?.send('event', 1n);
    expect(await hubClient.invoke('Ok')).to.equal('ok');
    await hubClient.stop();
    // Sending to a connection that is gone is a no-op.
    handle?.send('event', 'late');
    handle?.close();
    handle?.abort();
    await waitFor(() => logs.some((line) => line.includes('onDisconnected failed')), 5000, "the log line of onDisconnected's failure");
    expect(logs.join('\n')).not.to.contain('secret-token');
  });

  it('rejects a duplicate method name and a bad arity at addHub', () => {
    const server = new SignalRServer({ authenticate: () => null });
    expect(() =>
      server.addHub('/dup', {
        methods: { Send: { arity: 0, invoke: () => undefined }, send: { arity: 0, invoke: () => undefined } },
      }),
    ).to.throw("Duplicate definitions of 'send'. Overloading is not supported.");
    expect(() => server.addHub('/bad', { methods: { X: { arity: -1, invoke: () => undefined } } })).to.throw(RangeError);
    server.addHub('/ok', { methods: {} });
    expect(() => server.addHub('/ok/', { methods: {} })).to.throw('already registered');
  });

  it('returns false for requests and upgrades that are not for a hub', async () => {
    const app = await serve({ methods: {} });
    cleanups.push(app.stop);
    const response = await fetch(app.url.replace('/hub', '/other/negotiate'), { method: 'POST' });
    expect(response.status).to.equal(404);
    const getHub = await fetch(app.url);
    expect(getHub.status).to.equal(400);
    const getNegotiate = await fetch(`${app.url}/negotiate`);
    expect(getNegotiate.status).to.equal(405);
  });
});
