import { ChatApiError } from '../http/chat-api-error.js';
import { InvalidArgumentError } from '../core/invalid-argument-error.js';
import { HubError } from '../hubs/hub-error.js';

/**
 * The exit codes of `chat-rx` (listed in `--help` and docs/node.md; pipelines branch on them).
 *
 * @example
 * ```sh
 * chat-rx tail "$id" --url "$URL" --user bot; [ $? -eq 4 ] && echo "gateway gone"
 * ```
 */
export const ExitCode = {
  /** Done: Ctrl-C / SIGTERM, the reader went away, every line sent. */
  ok: 0,
  /** Something failed (a line `send` could not send, an unexpected error). */
  failed: 1,
  /** Bad usage: unknown command or option, a missing or malformed argument. */
  usage: 2,
  /** Not found or not allowed: no such conversation or participant, or not a member. */
  notFound: 3,
  /** Connection given up: the gateway could not be reached, or every reconnect attempt failed. */
  connection: 4,
  /** Authentication failed: the login or the token was refused and no new token could be had. */
  auth: 5,
} as const;

/** One of {@link ExitCode}'s values. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The exit codes as the `--help` text and the docs show them. */
export const EXIT_CODES_HELP = `exit codes:
  0  done (Ctrl-C / SIGTERM, the reader went away, every line sent)
  1  something failed (a line \`send\` could not send, an unexpected error)
  2  bad usage (unknown command or option, missing or malformed argument)
  3  not found or not allowed (no such conversation or participant, not a member)
  4  connection given up (gateway unreachable, every reconnect attempt failed)
  5  authentication failed (login or token refused, no new token to be had)
`;

/**
 * A failure of the command line with the exit code to end with (the message goes to stderr,
 * prefixed `chat-rx: `).
 *
 * @example
 * ```ts
 * throw new CliError("tail: conversation 'x' was not found", ExitCode.notFound);
 * ```
 */
export class CliError extends Error {
  override readonly name = 'CliError' as const;

  constructor(
    message: string,
    /** @default ExitCode.usage */
    readonly exitCode: ExitCode = ExitCode.usage,
  ) {
    super(message);
  }

  /** True for a `CliError`. */
  static is(error: unknown): error is CliError {
    return error instanceof CliError;
  }
}

/**
 * The exit code for an error that ended a command: a `CliError`'s own; for the client's errors,
 * by their fields — a REST call that got no answer (`network`, `timeout`) or a hub that gave up
 * connecting: 4; a 401 or a refused hub token: 5; a 403 or 404: 3; an argument the client
 * refused: 2; anything else: 1.
 */
export function exitCodeOf(error: unknown): ExitCode {
  if (CliError.is(error)) return error.exitCode;
  if (ChatApiError.is(error)) {
    if (error.kind === 'network' || error.kind === 'timeout') return ExitCode.connection;
    if (error.status === 401) return ExitCode.auth;
    if (error.status === 403 || error.status === 404) return ExitCode.notFound;
    return ExitCode.failed;
  }
  if (HubError.is(error)) {
    if (error.kind === 'auth') return ExitCode.auth;
    if (error.kind === 'connection') return ExitCode.connection;
    return ExitCode.failed;
  }
  if (InvalidArgumentError.is(error)) return ExitCode.usage;
  return ExitCode.failed;
}

/** One line saying what `error` was, for stderr (a network failure names the gateway). */
export function describeError(error: unknown, url?: string): string {
  const message = error instanceof Error ? error.message : String(error);
  if (ChatApiError.is(error) && (error.kind === 'network' || error.kind === 'timeout')) {
    return `cannot reach the gateway${url !== undefined ? ` at ${url}` : ''}: ${message}`;
  }
  if (ChatApiError.is(error) && error.status === 401) return `the gateway refused the login or token (HTTP 401): ${message}`;
  return message;
}
