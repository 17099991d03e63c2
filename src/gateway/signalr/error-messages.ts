import { HubException } from './hub-exception.js';

/**
 * The error texts ASP.NET Core SignalR sends to clients, reproduced verbatim so that clients
 * (and their tests) cannot tell this server from the real one.
 *
 * Sources (dotnet/aspnetcore): `src/SignalR/server/Core/src/Internal/DefaultHubDispatcher.cs`,
 * `src/SignalR/server/Core/src/Internal/ErrorMessageHelper.cs`,
 * `src/SignalR/server/Core/src/HubConnectionHandler.cs`,
 * `src/SignalR/server/Core/src/HubConnectionContext.cs`,
 * `src/SignalR/common/Protocols.Json/src/Protocol/JsonHubProtocol.cs`.
 */
export const errorMessages = {
  /** Prefix of the completion error when a hub method throws. */
  invocationFailed: (target: string): string => `An unexpected error occurred invoking '${target}' on the server.`,
  /** Prefix of the completion error when the arguments cannot be bound (wrong count, wrong types, unknown method). */
  bindingFailed: (target: string): string => `Failed to invoke '${target}' due to an error on the server.`,
  /** Inner message of the binding failure for an unknown method (always shown: it is a HubException). */
  methodDoesNotExist: 'Method does not exist.',
  /** Inner message of the binding failure for a wrong argument count. */
  argumentCount: (provided: number, expected: number): string =>
    `Invocation provides ${provided} argument(s) but target expects ${expected}.`,
  /** Inner message (a HubException) when the client sends stream ids to a method that takes no streams. */
  streamCount: (provided: number, expected: number): string => `Client sent ${provided} stream(s), Hub method expects ${expected}.`,
  /** Completion error for a StreamInvocation of a method that does not stream. */
  nonStreamingMethodStreamed: (target: string): string =>
    `The client attempted to invoke the non-streaming '${target}' method with a streaming invocation.`,
  /** Prefix of the Close message error when the connection fails (bad input, oversized message…). */
  connectionClosedWithError: 'Connection closed with an error.',
  /** Prefix of the handshake error when the handshake request cannot be parsed. */
  handshakeUnexpected: 'An unexpected error occurred during connection handshake.',
  /** Handshake error for a protocol other than `json`. */
  protocolNotSupported: (protocol: string): string => `The protocol '${protocol}' is not supported.`,
  /** Handshake error for a binary protocol on a text-only transport (Server-Sent Events). */
  transferFormatNotSupported: (protocol: string): string =>
    `Cannot use the '${protocol}' protocol on the current transport. The transport does not support 'Binary' transfer format.`,
  /** Handshake error for an unsupported protocol version. */
  protocolVersionNotSupported: (version: number, protocol: string): string =>
    `The server does not support version ${version} of the '${protocol}' protocol.`,
  /** Handshake error when the handshake times out or is too large. */
  handshakeCanceled: 'Handshake was canceled.',
  /** Inner message (InvalidDataException) for a message over the size limit. */
  maximumMessageSize: (limit: number): string =>
    `The maximum message size of ${limit}B was exceeded. The message size can be configured in AddHubOptions.`,
} as const;

/**
 * ASP.NET's `ErrorMessageHelper.BuildErrorMessage`: the details of `error` are appended
 * (`<message> <ErrorName>: <error message>`) only when it is a {@link HubException} or when
 * detailed errors are enabled.
 */
export function buildErrorMessage(message: string, error: unknown, includeDetails: boolean): string {
  if (error instanceof HubException || (includeDetails && error instanceof Error)) {
    return `${message} ${error.name}: ${error.message}`;
  }
  if (includeDetails && error !== undefined) {
    return `${message} Error: ${String(error)}`;
  }
  return message;
}
