/**
 * What the hub clients do to payloads of a binary hub protocol (MessagePack) before decoding:
 * timestamps and `DateTimeOffset` pairs become the ISO 8601 strings the JSON protocol carries,
 * bytes become base64; and how an invocation's frame is measured against `maxMessageBytes`.
 */
import { MessagePackHubProtocol } from '@microsoft/signalr-protocol-msgpack';
import { expect } from 'chai';
import { IsoDateTime, parseIsoDateTime } from '../../src/codecs/scalars.js';
import { invocationFrameBytes, protocolInvocationBytes } from '../../src/hubs/chat-requests.js';
import { isoFromDate, jsonShaped } from '../../src/hubs/wire-values.js';

describe('wire values of a binary hub protocol', () => {
  it('writes a Date in System.Text.Json’s DateTimeOffset form (+00:00, fraction trimmed)', () => {
    expect(isoFromDate(new Date('2026-12-04T18:20:36.100Z'))).to.equal('2026-12-04T18:20:36.1+00:00');
    expect(isoFromDate(new Date('2026-12-04T18:20:36.000Z'))).to.equal('2026-12-04T18:20:36+00:00');
    expect(isoFromDate(new Date('2026-12-04T18:20:36.123Z'))).to.equal('2026-12-04T18:20:36.123+00:00');
    expect(isoFromDate(new Date('2026-12-04T18:20:36.123Z'), 90)).to.equal('2026-12-04T19:50:36.123+01:30');
    expect(isoFromDate(new Date('2026-12-04T00:20:36Z'), -300)).to.equal('2026-12-03T19:20:36-05:00');
  });

  it('shapes Dates, [Date, offset] pairs (a .NET DateTimeOffset) and bytes at any depth, keeping the rest', () => {
    // MessagePack-CSharp writes a DateTimeOffset as [its clock time labelled UTC, offset minutes].
    const clock = new Date('2026-12-04T20:20:36.5Z');
    const payload = {
      id: 'm1',
      createdAt: new Date('2026-12-04T18:20:36.5Z'),
      editedAt: [clock, 120],
      nested: [{ at: new Date(0) }, [1, 2]],
      data: new Uint8Array([104, 105]),
      count: 2,
      none: null,
    };
    const shaped = jsonShaped(payload) as Record<string, unknown>;
    expect(shaped).to.deep.equal({
      id: 'm1',
      createdAt: '2026-12-04T18:20:36.5+00:00',
      editedAt: '2026-12-04T20:20:36.5+02:00',
      nested: [{ at: '1970-01-01T00:00:00+00:00' }, [1, 2]],
      data: 'aGk=',
      count: 2,
      none: null,
    });
    const created = parseIsoDateTime(shaped.createdAt as string);
    const edited = parseIsoDateTime(shaped.editedAt as string);
    expect(edited?.seconds).to.equal(created?.seconds);
    expect(IsoDateTime.is(shaped.createdAt)).to.equal(true);
  });

  it('returns a payload with nothing to shape as it is (no copy)', () => {
    const payload = { a: [1, { b: 'x' }], c: null };
    expect(jsonShaped(payload)).to.equal(payload);
    expect(jsonShaped('text')).to.equal('text');
    // A 2-array that is not a DateTimeOffset pair stays an array.
    expect(jsonShaped([new Date(0), 'x'])).to.deep.equal(['1970-01-01T00:00:00+00:00', 'x']);
  });

  it('measures a MessagePack invocation with the protocol itself, prefix included', () => {
    const protocol = new MessagePackHubProtocol();
    const args = [{ conversationId: 'c1', content: 'é'.repeat(300), flag: true, ratio: 0.1 }];
    const bytes = protocolInvocationBytes(protocol, 'SendMessage', args);
    const written = protocol.writeMessage({
      type: 1,
      headers: {},
      invocationId: '0000000000',
      target: 'SendMessage',
      arguments: args,
      streamIds: [],
    } as never) as ArrayBuffer;
    expect(bytes).to.equal(written.byteLength);
    // A double takes 9 bytes in MessagePack, so `0.5` costs more than in JSON: the JSON estimate is not reused.
    const doubles = Array.from({ length: 100 }, () => 0.5);
    expect(protocolInvocationBytes(protocol, 'Ratios', [doubles])).to.be.above(invocationFrameBytes('Ratios', [doubles]));
  });
});
