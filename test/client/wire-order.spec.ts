/**
 * The bytes the client puts on the wire: every object with a `$type` (each block, each card of a
 * carousel) has it as its **first** property, whatever order the caller built it in, over REST
 * and over the hub. A stock ASP.NET Core server (System.Text.Json, `[JsonPolymorphic]` blocks)
 * refuses a block whose `$type` is not first.
 *
 * A TCP recorder sits between the client and the gateway and keeps what the client sends; the
 * test parses HTTP request bodies and unmasks WebSocket frames itself.
 */
import { HttpTransportType, JsonHubProtocol } from '@microsoft/signalr';
import { expect } from 'chai';
import { firstValueFrom } from 'rxjs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { Block } from '../../src/codecs/index.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { ClientKit, group } from './client-kit.js';

/** A TCP forwarder that keeps every byte each client connection sent. */
async function startRecorder(targetPort: number): Promise<{ url: string; sent: () => Buffer[]; close: () => Promise<void> }> {
  const streams: Buffer[][] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const chunks: Buffer[] = [];
    streams.push(chunks);
    const upstream = connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) sockets.add(s);
    const end = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => chunks.push(chunk));
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    sent: () => streams.map((chunks) => Buffer.concat(chunks)),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The JSON texts one client connection carried: HTTP request bodies, or WebSocket text messages. */
function jsonTexts(stream: Buffer): string[] {
  const texts: string[] = [];
  let at = 0;
  while (at < stream.length) {
    const headEnd = stream.indexOf('\r\n\r\n', at);
    if (headEnd < 0) break;
    const head = stream.subarray(at, headEnd).toString('latin1');
    at = headEnd + 4;
    if (/^upgrade:\s*websocket/im.test(head)) {
      for (const text of webSocketTexts(stream.subarray(at))) texts.push(...text.split('\u001e').filter((t) => t !== ''));
      break;
    }
    const length = Number(/^content-length:\s*(\d+)/im.exec(head)?.[1] ?? 0);
    if (/^content-type:\s*application\/json/im.test(head) && length > 0) texts.push(stream.subarray(at, at + length).toString('utf8'));
    at += length;
  }
  return texts;
}

/** Text payloads of masked client → server WebSocket frames (RFC 6455 §5.2), continuation frames joined. */
function webSocketTexts(bytes: Buffer): string[] {
  const out: string[] = [];
  let message: Buffer[] = [];
  let at = 0;
  while (at + 2 <= bytes.length) {
    const fin = (bytes[at] as number) & 0x80;
    const opcode = (bytes[at] as number) & 0x0f;
    let length = (bytes[at + 1] as number) & 0x7f;
    const masked = ((bytes[at + 1] as number) & 0x80) !== 0;
    at += 2;
    if (length === 126) {
      length = bytes.readUInt16BE(at);
      at += 2;
    } else if (length === 127) {
      length = Number(bytes.readBigUInt64BE(at));
      at += 8;
    }
    const mask = masked ? bytes.subarray(at, at + 4) : undefined;
    if (masked) at += 4;
    if (at + length > bytes.length) break;
    const payload = Buffer.from(bytes.subarray(at, at + length));
    if (mask) for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] as number) ^ (mask[i % 4] as number);
    at += length;
    if (opcode === 0x1 || opcode === 0x0) {
      message.push(payload);
      if (fin) {
        out.push(Buffer.concat(message).toString('utf8'));
        message = [];
      }
    }
  }
  return out;
}

/** Every object in `value` that has a `$type` member, with its JSON path. */
function typedObjects(value: unknown, path = '$'): Array<{ path: string; keys: string[] }> {
  if (Array.isArray(value)) return value.flatMap((item, i) => typedObjects(item, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  const own = Object.keys(value).includes('$type') ? [{ path, keys: Object.keys(value) }] : [];
  return [...own, ...Object.entries(value).flatMap(([key, member]) => typedObjects(member, `${path}.${key}`))];
}

/** Blocks built the way a caller might: spread from elsewhere, `$type` added last. */
function scrambledBlocks(label: string): Block[] {
  const text = { format: 'Plain', content: label, plainText: label, $type: 'text' } as unknown as Block;
  const card = { title: 'Card', subtitle: null, image: null, fields: null, buttons: null, $type: 'card' };
  const carousel = { cards: [card], $type: 'carousel' } as unknown as Block;
  return [text, carousel];
}

describe('the client on the wire: $type first in every block it sends', () => {
  let gw: TestGateway;
  const kit = new ClientKit(() => gw);
  before(async () => {
    gw = await startTestGateway({ bot: false });
  });
  afterEach(async () => kit.closeAll());
  after(async () => gw.close());

  it('REST send and edit, hub SendMessage and EditMessage: every $type is the first property of its object', async () => {
    const recorder = await startRecorder(Number(new URL(gw.url).port));
    try {
      const bob = await kit.user('bob', { connect: false });
      // The recorder reads JSON text off WebSocket frames: this test is about the JSON protocol's text.
      const alice = await kit.user('alice', {
        baseUrl: recorder.url,
        hubs: {
          transport: HttpTransportType.WebSockets,
          protocol: new JsonHubProtocol(),
          reconnectDelays: [50, 100, 200],
          maxReconnectAttempts: 100,
        },
      });
      const conversation = await group(alice.client, [bob.id]);
      await firstValueFrom(alice.client.realtime.chat.joinConversation(conversation.id), { defaultValue: undefined });

      const viaRest = await firstValueFrom(alice.client.messages.send(conversation.id, { blocks: scrambledBlocks('rest') }));
      await firstValueFrom(alice.client.messages.edit(viaRest.id, { blocks: scrambledBlocks('rest edited') }));
      const ack = await firstValueFrom(
        alice.client.realtime.chat.sendMessage({ conversationId: conversation.id, blocks: scrambledBlocks('hub') }),
      );
      await firstValueFrom(
        alice.client.realtime.chat.editMessage({ messageId: ack.messageId ?? '', newBlocks: scrambledBlocks('hub edited') }),
      );

      const sent = recorder
        .sent()
        .flatMap(jsonTexts)
        .map((text) => JSON.parse(text) as unknown);
      const typed = sent.flatMap((body) => typedObjects(body));
      // 4 sends × (a text block, a carousel, its card): nothing went by unseen.
      expect(typed.length).to.be.at.least(12);
      const late = typed.filter((o) => o.keys[0] !== '$type');
      expect(late, JSON.stringify(late)).to.deep.equal([]);
      // The gateway (which refuses a late $type as System.Text.Json does) stored all four.
      const history = await firstValueFrom(alice.client.messages.getHistory(conversation.id, { limit: 10 }));
      expect(history.items.map((m) => m.plainTextIndex)).to.include.members(['rest edited', 'hub edited']);
    } finally {
      await kit.closeAll();
      await recorder.close();
    }
  });
});
