/**
 * The embedded server's MessagePack hub protocol: VarInt framing, the message layouts of the
 * spec (HubProtocol.md, "MessagePack (MsgPack) encoding"), `DateTimeOffset` members in ASP.NET's
 * form, and the protocol on the wire (binary WebSocket frames; refused on Server-Sent Events).
 */
import { decode, encode, ExtData } from '@msgpack/msgpack';
import { expect } from 'chai';
import { WebSocket } from 'ws';
import {
  BinaryFrameReader,
  parseMessagePackMessage,
  readVarInt,
  serializeMessagePackMessage,
  toMessagePackValue,
  varIntPrefix,
} from '../../../src/gateway/signalr/messagepack-protocol.js';
import { InvalidDataException } from '../../../src/gateway/signalr/invalid-data-exception.js';
import { HUB_PATH, RS, startHarness, type Harness } from './signalr-test-harness.js';

/** A frame as a client writes it: prefix + MessagePack array. */
function frame(value: unknown): Buffer {
  const body = encode(value);
  return Buffer.concat([varIntPrefix(body.length), body]);
}

/** The MessagePack array of one serialised frame. */
function body(data: Buffer): unknown {
  const header = readVarInt(data);
  if (header === undefined || header === 'invalid') throw new Error('no prefix');
  expect(data.length).to.equal(header.prefixBytes + header.length);
  return decode(data.subarray(header.prefixBytes));
}

describe('hub-protocol (MessagePack)', () => {
  describe('VarInt length prefix', () => {
    it('writes 7 bits a byte, least significant group first', () => {
      expect([...varIntPrefix(0)]).to.deep.equal([0x00]);
      expect([...varIntPrefix(0x7f)]).to.deep.equal([0x7f]);
      expect([...varIntPrefix(0x80)]).to.deep.equal([0x80, 0x01]);
      expect([...varIntPrefix(0x3fff)]).to.deep.equal([0xff, 0x7f]);
      expect([...varIntPrefix(0x7fffffff)]).to.deep.equal([0xff, 0xff, 0xff, 0xff, 0x07]);
    });

    it('reads what it writes, waits for an incomplete prefix, refuses more than 5 bytes or 2 GB', () => {
      for (const length of [0, 1, 127, 128, 16_383, 16_384, 2 ** 21, 0x7fffffff]) {
        expect(readVarInt(varIntPrefix(length))).to.deep.equal({ length, prefixBytes: varIntPrefix(length).length });
      }
      expect(readVarInt(Buffer.from([0x80]))).to.equal(undefined);
      expect(readVarInt(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]))).to.equal('invalid');
      expect(readVarInt(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]))).to.equal('invalid');
    });
  });

  describe('BinaryFrameReader', () => {
    it('splits several frames in one chunk and joins one frame across chunks', () => {
      const reader = new BinaryFrameReader(1024);
      const a = frame([6]);
      const b = frame([1, {}, '1', 'Echo', ['x'.repeat(200)]]);
      const both = Buffer.concat([a, b]);
      expect(reader.push(both.subarray(0, a.length + 1)).frames.map((f) => decode(f))).to.deep.equal([[6]]);
      expect(reader.push(both.subarray(a.length + 1, a.length + 5)).frames).to.deep.equal([]);
      const rest = reader.push(both.subarray(a.length + 5));
      expect(rest.frames.map((f) => decode(f))).to.deep.equal([[1, {}, '1', 'Echo', ['x'.repeat(200)]]]);
    });

    it('refuses a frame over the limit, then reads nothing more', () => {
      const reader = new BinaryFrameReader(16);
      const result = reader.push(frame([1, {}, null, 'Echo', ['too long for sixteen bytes']]));
      expect(result.error).to.be.instanceOf(InvalidDataException);
      expect(result.error?.message).to.contain('maximum message size of 16B');
      expect(reader.push(frame([6])).frames).to.deep.equal([]);
    });
  });

  describe('message layouts', () => {
    it('serialises each server message as the spec lays it out', () => {
      expect(body(serializeMessagePackMessage({ type: 1, target: 'hello', arguments: [1, 'a'] }))).to.deep.equal([
        1,
        {},
        null,
        'hello',
        [1, 'a'],
      ]);
      expect(body(serializeMessagePackMessage({ type: 2, invocationId: '7', item: 'x' }))).to.deep.equal([2, {}, '7', 'x']);
      expect(body(serializeMessagePackMessage({ type: 3, invocationId: '1', error: 'boom' }))).to.deep.equal([3, {}, '1', 1, 'boom']);
      expect(body(serializeMessagePackMessage({ type: 3, invocationId: '1' }))).to.deep.equal([3, {}, '1', 2]);
      expect(body(serializeMessagePackMessage({ type: 3, invocationId: '1', result: null }))).to.deep.equal([3, {}, '1', 3, null]);
      expect(body(serializeMessagePackMessage({ type: 6 }))).to.deep.equal([6]);
      expect(body(serializeMessagePackMessage({ type: 7, error: 'bye', allowReconnect: true }))).to.deep.equal([7, 'bye', true]);
      expect(body(serializeMessagePackMessage({ type: 7 }))).to.deep.equal([7, null, false]);
      expect(body(serializeMessagePackMessage({ type: 8, sequenceId: 3 }))).to.deep.equal([8, 3]);
      expect(body(serializeMessagePackMessage({ type: 9, sequenceId: 4 }))).to.deep.equal([9, 4]);
    });

    it('parses what the clients send, with or without streamIds and headers', () => {
      expect(parseMessagePackMessage(encode([1, {}, '1', 'Echo', ['a'], []]))).to.deep.equal({
        type: 1,
        invocationId: '1',
        target: 'Echo',
        arguments: ['a'],
      });
      expect(parseMessagePackMessage(encode([1, { h: 'v' }, null, 'Echo', ['a']]))).to.deep.equal({
        type: 1,
        target: 'Echo',
        arguments: ['a'],
        headers: { h: 'v' },
      });
      expect(parseMessagePackMessage(encode([4, {}, '2', 'Stream', [], ['s1']]))).to.deep.equal({
        type: 4,
        invocationId: '2',
        target: 'Stream',
        arguments: [],
        streamIds: ['s1'],
      });
      expect(parseMessagePackMessage(encode([3, {}, '5', 3, 42]))).to.deep.equal({ type: 3, invocationId: '5', result: 42 });
      expect(parseMessagePackMessage(encode([5, {}, '2']))).to.deep.equal({ type: 5, invocationId: '2' });
      expect(parseMessagePackMessage(encode([6]))).to.deep.equal({ type: 6 });
      expect(parseMessagePackMessage(encode([7, null]))).to.deep.equal({ type: 7 });
      expect(parseMessagePackMessage(encode([8, 10]))).to.deep.equal({ type: 8, sequenceId: 10 });
    });

    it('refuses malformed messages with InvalidDataException', () => {
      const bad = [
        encode('not an array'),
        encode([]),
        encode([1, {}, 1, 'Echo', []]),
        encode([1, {}, null, 'Echo', 'x']),
        encode([42]),
        Buffer.from([0xc1]),
      ];
      for (const data of bad) expect(() => parseMessagePackMessage(data)).to.throw(InvalidDataException);
    });

    it('writes DTO timestamps (members named …At) as ASP.NET writes a DateTimeOffset: [timestamp, offset minutes]', () => {
      const value = toMessagePackValue({
        createdAt: '2026-12-04T18:20:36.1234567+00:00',
        title: '2026-12-04T18:20:36+00:00',
        n: 1,
      }) as Record<string, unknown>;
      const [stamp, offset] = value.createdAt as [ExtData, number];
      expect(stamp).to.be.instanceOf(ExtData);
      expect(stamp.type).to.equal(-1);
      expect(offset).to.equal(0);
      expect(value.title).to.equal('2026-12-04T18:20:36+00:00');
      const decoded = decode(encode(value)) as { createdAt: [Date, number] };
      expect(decoded.createdAt[0].toISOString()).to.equal('2026-12-04T18:20:36.123Z');
    });
  });

  describe('on the wire', function () {
    this.timeout(10_000);
    let harness: Harness;
    beforeEach(async () => {
      harness = await startHarness();
    });
    afterEach(() => harness.stop());

    it('WebSockets: the handshake is JSON, then binary frames both ways', async () => {
      const socket = new WebSocket(`ws://127.0.0.1:${harness.port}${HUB_PATH}`, { headers: { Authorization: 'Bearer alice' } });
      const received: Buffer[] = [];
      const next = (): Promise<Buffer> =>
        new Promise((resolve) => {
          const first = received.shift();
          if (first !== undefined) resolve(first);
          else socket.once('message', () => resolve(received.shift() as Buffer));
        });
      socket.on('message', (data, isBinary) => {
        expect(isBinary, 'a binary frame').to.equal(true);
        received.push(data as Buffer);
      });
      await new Promise((resolve) => socket.once('open', resolve));
      // The handshake and the first invocation in one frame: the bytes after the record are MessagePack.
      socket.send(
        Buffer.concat([
          Buffer.from(`${JSON.stringify({ protocol: 'messagepack', version: 1 })}${RS}`),
          frame([1, {}, '1', 'Echo', ['hi']]),
        ]),
      );
      expect((await next()).toString()).to.equal(`{}${RS}`);
      let completion = body(await next());
      while (Array.isArray(completion) && completion[0] === 6) completion = body(await next());
      expect(completion).to.deep.equal([3, {}, '1', 3, 'hi']);
      socket.terminate();
    });

    it('Server-Sent Events refuse the MessagePack protocol, as ASP.NET does', async () => {
      const auth = { Authorization: 'Bearer alice' };
      const negotiated = await fetch(`${harness.url}/negotiate?negotiateVersion=1`, { method: 'POST', headers: auth });
      const { connectionToken } = (await negotiated.json()) as { connectionToken: string };
      const stream = await fetch(`${harness.url}?id=${connectionToken}`, { headers: { ...auth, Accept: 'text/event-stream' } });
      const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
      await fetch(`${harness.url}?id=${connectionToken}`, {
        method: 'POST',
        headers: auth,
        body: `${JSON.stringify({ protocol: 'messagepack', version: 1 })}${RS}`,
      });
      let text = '';
      while (!text.includes(RS)) {
        const { value, done } = await reader.read();
        if (done) break;
        text += Buffer.from(value).toString();
      }
      expect(text).to.contain(
        `{"error":"Cannot use the 'messagepack' protocol on the current transport. The transport does not support 'Binary' transfer format."}`,
      );
      await reader.cancel().catch(() => undefined);
    });
  });
});
