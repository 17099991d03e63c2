/**
 * Server-Sent Events that fail before they open are closed: SignalR's transport gives up on them
 * without closing, and an EventSource reconnects by itself — every second, for as long as the
 * process lives (which it then never stops doing). A stub server answers the stream with 503
 * (what an EventSource retries) and counts the tries.
 */
import { expect } from 'chai';
import { HttpTransportType } from '@microsoft/signalr';
import { lastValueFrom } from 'rxjs';
import { ChatHubClient } from '../../src/hubs/chat-hub-client.js';
import { waitFor } from '../support/wait.js';
import { ManualScheduler } from './hub-test-kit.js';
import { json, startStubServer, type StubServer } from './stub-server.js';

/** What an ASP.NET Core SignalR server answers to negotiate, Server-Sent Events only. */
const NEGOTIATED = {
  negotiateVersion: 1,
  connectionId: 'connection-1',
  connectionToken: 'connection-token-1',
  availableTransports: [{ transport: 'ServerSentEvents', transferFormats: ['Text'] }],
};

describe('Server-Sent Events that fail before they open (HubTransport)', function () {
  this.timeout(15_000);
  let server: StubServer | undefined;
  let client: ChatHubClient | undefined;

  afterEach(async () => {
    if (client) await lastValueFrom(client.disconnect(), { defaultValue: undefined });
    client = undefined;
    await server?.close();
  });

  it('are closed: the failed attempt tries the stream once, and nothing tries it again by itself', async () => {
    server = await startStubServer((req, res) => {
      if (req.url?.startsWith('/hubs/chat/negotiate')) json(res, NEGOTIATED);
      else res.writeHead(503).end();
    });
    const streams = (): number => server?.requests.filter((r) => r.method === 'GET' && r.url.startsWith('/hubs/chat?')).length ?? 0;
    // Waits never run (manual scheduler): one attempt, then the client waits for ever.
    client = new ChatHubClient({
      url: `${server.url}/hubs/chat`,
      accessTokenFactory: () => 'token',
      transport: HttpTransportType.ServerSentEvents,
      scheduler: new ManualScheduler(),
    });
    const chat = client;
    chat.connect().subscribe({ error: () => undefined });
    await waitFor(() => chat.status.status === 'reconnecting', 5000, 'the attempt to fail');
    expect(streams()).to.equal(1);
    // An EventSource left open would try again after its 1 s reconnection time, and again. Real
    // time on purpose: that timer is the eventsource package's own, which no scheduler drives.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(streams()).to.equal(1);
  });
});
