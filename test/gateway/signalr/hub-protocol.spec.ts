import { expect } from 'chai';
import {
  InvalidDataException,
  MessageType,
  RECORD_SEPARATOR,
  RecordReader,
  isSequencedMessage,
  parseHandshakeRequest,
  parseMessage,
  serializeHandshakeResponse,
  serializeMessage,
} from '../../../src/gateway/signalr/index.js';

const RS = RECORD_SEPARATOR;

function parseError(text: string): string {
  try {
    parseMessage(text);
  } catch (error) {
    expect(error).to.be.instanceOf(InvalidDataException);
    return (error as Error).message;
  }
  throw new Error('expected a parse error');
}

describe('hub-protocol (JSON)', () => {
  describe('RecordReader', () => {
    it('splits several records in one chunk', () => {
      const reader = new RecordReader(1024);
      expect(reader.push(Buffer.from(`{"a":1}${RS}{"b":2}${RS}`))).to.deep.equal({ records: ['{"a":1}', '{"b":2}'] });
    });

    it('buffers a record split across chunks, including a split multi-byte character', () => {
      const reader = new RecordReader(1024);
      const bytes = Buffer.from(`{"t":"é€"}${RS}{"x"`);
      expect(reader.push(bytes.subarray(0, 7)).records).to.deep.equal([]);
      expect(reader.push(bytes.subarray(7, 10)).records).to.deep.equal([]);
      expect(reader.push(bytes.subarray(10)).records).to.deep.equal(['{"t":"é€"}']);
      expect(reader.push(Buffer.from(`:1}${RS}`)).records).to.deep.equal(['{"x":1}']);
    });

    it('rejects a record over the limit (separator included), complete or not, and stops', () => {
      const exact = new RecordReader(8);
      expect(exact.push(Buffer.from(`1234567${RS}`)).records).to.deep.equal(['1234567']);
      const over = new RecordReader(8);
      const result = over.push(Buffer.from(`ok${RS}12345678${RS}`));
      expect(result.records).to.deep.equal(['ok']);
      expect(result.error?.message).to.equal(
        'The maximum message size of 8B was exceeded. The message size can be configured in AddHubOptions.',
      );
      expect(over.push(Buffer.from(`a${RS}`)).records).to.deep.equal([]);
      const partial = new RecordReader(8);
      expect(partial.push(Buffer.from('1234')).error).to.equal(undefined);
      expect(partial.push(Buffer.from('5678')).error).to.be.instanceOf(InvalidDataException);
    });
  });

  describe('parseMessage', () => {
    it('parses every message type', () => {
      expect(parseMessage('{"type":1,"target":"Send","arguments":[1,"a"]}')).to.deep.equal({
        type: 1,
        target: 'Send',
        arguments: [1, 'a'],
      });
      expect(parseMessage('{"type":1,"invocationId":"9","target":"T","arguments":[],"streamIds":["s"],"headers":{"h":"v"}}')).to.deep.equal(
        {
          type: 1,
          invocationId: '9',
          target: 'T',
          arguments: [],
          streamIds: ['s'],
          headers: { h: 'v' },
        },
      );
      expect(parseMessage('{"type":2,"invocationId":"1","item":null}')).to.deep.equal({ type: 2, invocationId: '1', item: null });
      expect(parseMessage('{"type":3,"invocationId":"1"}')).to.deep.equal({ type: 3, invocationId: '1' });
      expect(parseMessage('{"type":3,"invocationId":"1","result":null}')).to.deep.equal({ type: 3, invocationId: '1', result: null });
      expect(parseMessage('{"type":4,"invocationId":"1","target":"S","arguments":[]}')).to.deep.equal({
        type: 4,
        invocationId: '1',
        target: 'S',
        arguments: [],
      });
      expect(parseMessage('{"type":5,"invocationId":"1"}')).to.deep.equal({ type: 5, invocationId: '1' });
      expect(parseMessage('{"type":6}')).to.deep.equal({ type: 6 });
      expect(parseMessage('{"type":7,"error":"x","allowReconnect":true}')).to.deep.equal({ type: 7, error: 'x', allowReconnect: true });
      expect(parseMessage('{"type":8,"sequenceId":3}')).to.deep.equal({ type: 8, sequenceId: 3 });
      expect(parseMessage('{"type":9,"sequenceId":1}')).to.deep.equal({ type: 9, sequenceId: 1 });
    });

    it('rejects malformed messages with ASP.NET wording', () => {
      expect(parseError('nope')).to.equal('Error reading JSON.');
      expect(parseError('{"target":"x"}')).to.equal("Missing required property 'type'.");
      expect(parseError('{"type":"1"}')).to.equal("Expected 'type' to be of type Number.");
      expect(parseError('{"type":1,"arguments":[]}')).to.equal("Missing required property 'target'.");
      expect(parseError('{"type":1,"target":"x"}')).to.equal("Missing required property 'arguments'.");
      expect(parseError('{"type":1,"target":"x","arguments":{}}')).to.equal("Expected 'arguments' to be of type Array.");
      expect(parseError('{"type":3}')).to.equal("Missing required property 'invocationId'.");
      expect(parseError('{"type":3,"invocationId":"1","error":"e","result":1}')).to.equal(
        "The 'error' and 'result' properties are mutually exclusive.",
      );
      expect(parseError('{"type":8}')).to.equal("Missing required property 'sequenceId'.");
      expect(parseError('{"type":99}')).to.equal('Unknown message type: 99.');
    });

    it('numbers only message types 1 to 5', () => {
      const sequenced = [1, 2, 3, 4, 5].map((type) => isSequencedMessage({ type } as never));
      const unsequenced = [6, 7, 8, 9].map((type) => isSequencedMessage({ type } as never));
      expect(sequenced).to.deep.equal([true, true, true, true, true]);
      expect(unsequenced).to.deep.equal([false, false, false, false]);
    });
  });

  describe('serialisation and handshake', () => {
    it('serialises records with the separator and omits absent optional fields', () => {
      expect(serializeMessage({ type: MessageType.Ping })).to.equal(`{"type":6}${RS}`);
      expect(serializeMessage({ type: MessageType.Completion, invocationId: '1' })).to.equal(`{"type":3,"invocationId":"1"}${RS}`);
      expect(serializeMessage({ type: MessageType.Close, error: 'x', allowReconnect: true })).to.equal(
        `{"type":7,"error":"x","allowReconnect":true}${RS}`,
      );
      expect(serializeHandshakeResponse()).to.equal(`{}${RS}`);
      expect(serializeHandshakeResponse('bad')).to.equal(`{"error":"bad"}${RS}`);
    });

    it('parses the handshake request', () => {
      expect(parseHandshakeRequest('{"protocol":"json","version":2}')).to.deep.equal({ protocol: 'json', version: 2 });
      expect(() => parseHandshakeRequest('{"version":1}')).to.throw(InvalidDataException, "Missing required property 'protocol'.");
      expect(() => parseHandshakeRequest('{"protocol":"json"}')).to.throw(InvalidDataException, "Missing required property 'version'.");
    });
  });
});
