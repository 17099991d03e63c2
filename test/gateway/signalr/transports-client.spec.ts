/**
 * End to end over Server-Sent Events and long polling: the project's own client
 * (`createChatClient` with `hubs.transport`) against the embedded gateway joins a conversation,
 * receives a live message and echo-bot's streamed reply.
 */
import { HttpTransportType } from '@microsoft/signalr';
import { expect } from 'chai';
import { lastValueFrom } from 'rxjs';
import { startTestGateway, type TestGateway } from '../../support/test-gateway.js';
import { ClientKit, group, joined, sendRest, waitFor } from '../../client/client-kit.js';

const last = <T>(values: readonly T[]): T | undefined => values[values.length - 1];

describe('createChatClient over ServerSentEvents and LongPolling (the test gateway: embedded, or ASP.NET under test:aspnet)', function () {
  this.timeout(20_000);
  let gateway: TestGateway;
  /** Transports the gateway opened (its debug log), so the test proves which one carried the hubs. */
  const opened: string[] = [];
  const kit = new ClientKit(() => gateway);

  before(async () => {
    gateway = await startTestGateway({
      bot: { startDelayMs: 10, statusDelayMs: 10, chunkDelayMs: 30, chunks: 4 },
      logger: (_level, message, data) => {
        if (message === 'Transport opened.') opened.push(String(data?.transport));
      },
    });
  });
  afterEach(() => kit.closeAll());
  after(() => gateway.close());

  for (const [name, transport] of [
    ['ServerSentEvents', HttpTransportType.ServerSentEvents],
    ['LongPolling', HttpTransportType.LongPolling],
  ] as const) {
    it(`${name}: joins via timeline().messages$, gets a live message and a streamed echo-bot reply`, async () => {
      opened.length = 0;
      const hubs = { transport, reconnectDelays: [50, 100, 200], maxReconnectAttempts: 100 };
      const { client: alice } = await kit.user('alice', { hubs });
      const { client: bob, id: bobId } = await kit.user('bob', { hubs });
      const conversation = await group(alice, [bobId, 'echo-bot']);
      const timeline = bob.timeline(conversation.id);
      const seen = kit.record(timeline.messages$);
      await joined(bob, conversation.id);

      await sendRest(alice, conversation.id, 'live over the wire');
      await waitFor(() => last(seen.values)?.some((m) => m.plainText === 'live over the wire'), 5000, 'the live message');

      const aliceTimeline = alice.timeline(conversation.id);
      kit.record(aliceTimeline.messages$);
      await joined(alice, conversation.id);
      await lastValueFrom(aliceTimeline.send('hello bot'));
      const reply = await waitFor(
        () => last(seen.values)?.find((m) => m.senderType === 'Bot' && m.status === 'confirmed' && m.plainText === 'You said: hello bot'),
        8000,
        'the completed bot reply',
      );
      expect(reply.plainText).to.equal('You said: hello bot');
      const streamed = seen.values.some((list) => list.some((m) => m.senderType === 'Bot' && m.status === 'streaming'));
      expect(streamed, 'a streaming state was seen').to.equal(true);
      if (!gateway.external) expect(opened.filter((kind) => kind === name).length, opened.join()).to.be.at.least(4);
    });
  }
});
