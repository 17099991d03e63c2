/**
 * `chat-client-rx/gateway`: the embedded Chat Gateway — the whole REST API and both SignalR hubs
 * in memory, over the real SignalR protocol — for demos, tests and users' own tests. Node only.
 *
 * @packageDocumentation
 */
export { startGateway } from './start-gateway.js';
export type { Gateway, GatewayFaults, GatewayOptions } from './start-gateway.js';
export type { RecordedRequest, TestLoginProfile } from './rest-api.js';
export type { EchoBotOptions } from './echo-bot.js';
export type { SignalRLogger, SignalRLogLevel, TransportKind } from './signalr/index.js';
