/**
 * Malformed or unbindable input, named after .NET's `System.IO.InvalidDataException`.
 *
 * The server raises it for protocol violations (bad JSON, a missing required property, a
 * message over `maximumReceiveMessageSize`…), which close the connection with
 * `Connection closed with an error.`.
 *
 * A hub method may throw it while validating its raw arguments: the client then gets ASP.NET's
 * argument-binding failure text, `Failed to invoke '<method>' due to an error on the server.`
 * (followed by ` InvalidDataException: <message>` only when `enableDetailedErrors` is set),
 * the same text a wrong argument count produces.
 */
export class InvalidDataException extends Error {
  override name = 'InvalidDataException';

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}
