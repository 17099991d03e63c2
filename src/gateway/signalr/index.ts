export { SignalRServer } from './signalr-server.js';
export { HubException } from './hub-exception.js';
export { InvalidDataException } from './invalid-data-exception.js';
export { buildErrorMessage, errorMessages } from './error-messages.js';
export type { HubTransport, TransportEvents, TransportKind } from './transport.js';
export type { WireData, WireProtocol } from './wire-protocol.js';
export {
  MESSAGEPACK_PROTOCOL_NAME,
  MESSAGEPACK_PROTOCOL_VERSION,
  serializeMessagePackMessage,
  parseMessagePackMessage,
} from './messagepack-protocol.js';
export type {
  CloseOptions,
  GroupSendOptions,
  Hub,
  HubConnectionHandle,
  HubDefinition,
  HubMethod,
  HubUser,
  SignalRLogLevel,
  SignalRLogger,
  SignalRServerOptions,
} from './hub-types.js';
export {
  JSON_PROTOCOL_NAME,
  JSON_PROTOCOL_VERSION,
  MessageType,
  RECORD_SEPARATOR,
  RECORD_SEPARATOR_CODE,
  RecordReader,
  isSequencedMessage,
  parseHandshakeRequest,
  parseMessage,
  serializeHandshakeResponse,
  serializeMessage,
} from './hub-protocol.js';
export type {
  AckMessage,
  CancelInvocationMessage,
  CloseMessage,
  CompletionMessage,
  HandshakeRequest,
  HubMessage,
  InvocationMessage,
  MessageHeaders,
  MessageTypeCode,
  PingMessage,
  RecordReadResult,
  SequenceMessage,
  SequencedMessage,
  StreamInvocationMessage,
  StreamItemMessage,
} from './hub-protocol.js';
