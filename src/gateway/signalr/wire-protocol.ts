/**
 * The hub protocols a connection may speak after its (always JSON) handshake: `json` (text,
 * record-separated) and `messagepack` (binary, VarInt-prefixed). The connection, the hub's
 * broadcasts and stateful reconnect's buffer deal in {@link WireData} and this interface only.
 */
import {
  JSON_PROTOCOL_NAME,
  JSON_PROTOCOL_VERSION,
  RecordReader,
  parseMessage,
  serializeMessage,
  type HubMessage,
} from './hub-protocol.js';
import type { InvalidDataException } from './invalid-data-exception.js';
import {
  BinaryFrameReader,
  MESSAGEPACK_PROTOCOL_NAME,
  MESSAGEPACK_PROTOCOL_VERSION,
  parseMessagePackMessage,
  serializeMessagePackMessage,
} from './messagepack-protocol.js';

/** A serialised message (or several) as a transport sends it: text for JSON, bytes for MessagePack. */
export type WireData = string | Buffer;

/** Splits incoming bytes into complete units to {@link WireProtocol.parse}. */
export interface WireReader {
  push(chunk: Buffer): { readonly units: readonly (string | Buffer)[]; readonly error?: InvalidDataException };
}

/** One hub protocol as the server speaks it. */
export interface WireProtocol {
  /** The handshake's `protocol`. */
  readonly name: string;
  /** The highest handshake `version` accepted. */
  readonly version: number;
  /** `Binary` transfer format: refused on Server-Sent Events, sent as binary WebSocket frames. */
  readonly binary: boolean;
  /** Serialises one message, framing included. Throws on unserialisable values. */
  serialize(message: HubMessage): WireData;
  /** The text of the handshake response (`{}` + record separator) in this protocol's transfer format. */
  handshake(text: string): WireData;
  /** A reader for the bytes after the handshake, refusing messages over `maxMessageBytes`. */
  createReader(maxMessageBytes: number): WireReader;
  /** Parses one unit of {@link WireReader.push}. Throws `InvalidDataException` when malformed. */
  parse(unit: string | Buffer): HubMessage;
}

/** The `json` protocol. */
export const jsonWireProtocol: WireProtocol = {
  name: JSON_PROTOCOL_NAME,
  version: JSON_PROTOCOL_VERSION,
  binary: false,
  serialize: serializeMessage,
  handshake: (text) => text,
  createReader(maxMessageBytes) {
    const reader = new RecordReader(maxMessageBytes);
    return {
      push(chunk) {
        const { records, error } = reader.push(chunk);
        return error === undefined ? { units: records } : { units: records, error };
      },
    };
  },
  parse: (unit) => parseMessage(typeof unit === 'string' ? unit : unit.toString('utf8')),
};

/** The `messagepack` protocol. */
export const messagePackWireProtocol: WireProtocol = {
  name: MESSAGEPACK_PROTOCOL_NAME,
  version: MESSAGEPACK_PROTOCOL_VERSION,
  binary: true,
  serialize: serializeMessagePackMessage,
  handshake: (text) => Buffer.from(text, 'utf8'),
  createReader(maxMessageBytes) {
    const reader = new BinaryFrameReader(maxMessageBytes);
    return {
      push(chunk) {
        const { frames, error } = reader.push(chunk);
        return error === undefined ? { units: frames } : { units: frames, error };
      },
    };
  },
  parse: (unit) => parseMessagePackMessage(typeof unit === 'string' ? Buffer.from(unit, 'utf8') : unit),
};

/** The protocols by handshake name. */
export const wireProtocols: ReadonlyMap<string, WireProtocol> = new Map([
  [jsonWireProtocol.name, jsonWireProtocol],
  [messagePackWireProtocol.name, messagePackWireProtocol],
]);

/** The byte length of serialised data. */
export function wireBytes(data: WireData): number {
  return typeof data === 'string' ? Buffer.byteLength(data) : data.length;
}
