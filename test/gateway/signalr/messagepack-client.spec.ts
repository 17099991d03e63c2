/**
 * End to end with the MessagePack hub protocol: the project's own client (`createChatClient` with
 * `hubs.protocol: new MessagePackHubProtocol()`) against the test gateway (embedded, or ASP.NET
 * under test:aspnet) joins a conversation, receives a live message whose timestamps are the same
 * ISO 8601 strings as with JSON, echo-bot's streamed reply, and recovers what was sent while it
 * was cut off.
 */
import { HttpTransportType } from '@microsoft/signalr';
import { MessagePackHubProtocol } from '@microsoft/signalr-protocol-msgpack';
import { expect } from 'chai';
import { filter, lastValueFrom } from 'rxjs';
import type { ChatMessageDto } from '../../../src/codecs/index.js';
import { startTestGateway, type TestGateway } from '../../support/test-gateway.js';
import { ClientKit, group, joined, sendRest, waitFor } from '../../client/client-kit.js';

const last = <T>(values: readonly T[]): T | undefined => values[values.length - 1];
/** System.Text.Json's `DateTimeOffset` form, which the JSON protocol carries. */
const STJ_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,7})?\+00:00$/;

describe('createChatClient with the MessagePack hub protocol (the test gateway: embedded, or ASP.NET under test:aspnet)', function () {
  this.timeout(30_000);
  let gateway: TestGateway;
  const kit = new ClientKit(() => gateway);

  before(async () => {
    gateway = await startTestGateway({ bot: { startDelayMs: 10, statusDelayMs: 10, chunkDelayMs: 30, chunks: 4 } });
  });
  afterEach(() => kit.closeAll());
  after(() => gateway.close());

  for (const [name, transport] of [
    ['WebSockets', HttpTransportType.WebSockets],
    ['LongPolling', HttpTransportType.LongPolling],
  ] as const) {
    it(`${name}: connects and joins a conversation over MessagePack`, async () => {
      const hubs = { protocol: new MessagePackHubProtocol(), transport, reconnectDelays: [50, 100, 200], maxReconnectAttempts: 100 };
      const { client: alice } = await kit.user('alice', { hubs });
      const { id: bobId } = await kit.user('bob');
      const conversation = await group(alice, [bobId]);
      kit.record(alice.timeline(conversation.id).messages$);
      await joined(alice, conversation.id);
      expect(alice.realtime.chat.status.status).to.equal('connected');
    });

    it(`${name}: live message with string timestamps, a streamed bot reply, nothing lost over a drop`, async () => {
      const hubs = { protocol: new MessagePackHubProtocol(), transport, reconnectDelays: [50, 100, 200], maxReconnectAttempts: 100 };
      const { client: alice } = await kit.user('alice', { hubs });
      const { client: bob, id: bobId } = await kit.user('bob', { hubs });
      const { client: carol, id: carolId } = await kit.user('carol');
      const conversation = await group(alice, [bobId, carolId, 'echo-bot']);
      const timeline = bob.timeline(conversation.id);
      const seen = kit.record(timeline.messages$);
      const received = kit.record(bob.realtime.chat.on('messageReceived'));
      const decodeErrors = kit.record(bob.realtime.chat.errors$.pipe(filter((error) => error.kind === 'decode')));
      const overJson = kit.record(carol.realtime.chat.on('messageReceived'));
      kit.record(carol.timeline(conversation.id).messages$);
      await joined(bob, conversation.id);
      await joined(carol, conversation.id);

      await sendRest(alice, conversation.id, 'live over messagepack');
      await waitFor(() => last(seen.values)?.some((m) => m.plainText === 'live over messagepack'), 5000, 'the live message');
      const live = await waitFor(
        () => received.values.find((m: ChatMessageDto) => m.plainTextContent === 'live over messagepack'),
        5000,
        'the event',
      );
      const json = await waitFor(
        () => overJson.values.find((m: ChatMessageDto) => m.plainTextContent === 'live over messagepack'),
        5000,
        'the JSON event',
      );
      expect(live.createdAt).to.be.a('string').and.match(STJ_DATE_TIME);
      expect(Date.parse(live.createdAt)).to.be.closeTo(Date.parse(json.createdAt), 1);
      expect(decodeErrors.values, 'no decode errors').to.deep.equal([]);

      const aliceTimeline = alice.timeline(conversation.id);
      kit.record(aliceTimeline.messages$);
      await joined(alice, conversation.id);
      await lastValueFrom(aliceTimeline.send('hello bot'));
      await waitFor(
        () => last(seen.values)?.find((m) => m.senderType === 'Bot' && m.status === 'confirmed' && m.plainText === 'You said: hello bot'),
        8000,
        'the completed bot reply',
      );
      expect(seen.values.some((list) => list.some((m) => m.senderType === 'Bot' && m.status === 'streaming'))).to.equal(true);

      await gateway.faults.dropConnections({ allowReconnect: false });
      await sendRest(carol, conversation.id, 'sent while cut off', 5);
      await waitFor(() => last(seen.values)?.some((m) => m.plainText === 'sent while cut off'), 10_000, 'the message sent during the drop');
      expect(decodeErrors.values, 'no decode errors').to.deep.equal([]);
    });
  }
});
