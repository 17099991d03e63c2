import { catchError, defer, firstValueFrom, map, of, tap, throwError } from 'rxjs';
import { createChatClient, type ChatClient } from '../client.js';
import { ChatApiError } from '../http/chat-api-error.js';
import { gatewayUrl, stringOption, type ParsedArgs } from './args.js';
import { CliError, describeError, ExitCode, exitCodeOf } from './cli-error.js';

/** The options every command that talks to a gateway accepts. */
export const CONNECTION_OPTIONS: readonly string[] = ['url', 'token', 'user', 'password', 'max-reconnect-attempts', 'reconnect-delays'];

/** How a command reaches the gateway, read from its options and the environment. */
export interface CliConnection {
  /** The gateway, checked (`--url` or `CHAT_RX_URL`). */
  readonly url: string;
  /** A JWT (`--token` or `CHAT_RX_TOKEN`), when no `--user` was given. */
  readonly token?: string;
  /** The dev login (`--user`), and its `--password` (default `dev`). */
  readonly user?: string;
  readonly password: string;
  /** Reconnect attempts in a row before giving up (`--max-reconnect-attempts`). @default 20 */
  readonly maxReconnectAttempts: number;
  /** Waits before reconnect attempts 1, 2, 3… in ms; the last repeats (`--reconnect-delays`). @default [2000, 5000, 10000] */
  readonly reconnectDelays: readonly number[];
}

/** The default of `--max-reconnect-attempts` (the client's own default). */
export const DEFAULT_MAX_RECONNECT_ATTEMPTS = 20;

/**
 * Reads the connection options: `--url` (or `CHAT_RX_URL`, checked), `--token` (or
 * `CHAT_RX_TOKEN`) or `--user` [`--password`], `--max-reconnect-attempts`, `--reconnect-delays`.
 *
 * @throws CliError (exit 2) naming what is missing or malformed.
 */
export function cliConnection(args: ParsedArgs, env: NodeJS.ProcessEnv = process.env): CliConnection {
  const flagUrl = stringOption(args, 'url');
  const rawUrl = flagUrl ?? env.CHAT_RX_URL;
  if (rawUrl === undefined || rawUrl === '')
    throw new CliError('--url (or CHAT_RX_URL) is required: the gateway, e.g. --url http://127.0.0.1:5080');
  let url: string;
  try {
    url = gatewayUrl(rawUrl, flagUrl !== undefined ? '--url' : 'CHAT_RX_URL');
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  const user = stringOption(args, 'user');
  if (user === '') throw new CliError('--user needs a name');
  const token = stringOption(args, 'token') ?? env.CHAT_RX_TOKEN;
  if (user === undefined && (token === undefined || token === ''))
    throw new CliError('give --token (or CHAT_RX_TOKEN) or --user NAME for a dev login');
  const attemptsText = stringOption(args, 'max-reconnect-attempts');
  const maxReconnectAttempts = attemptsText === undefined ? DEFAULT_MAX_RECONNECT_ATTEMPTS : Number(attemptsText);
  if (!Number.isInteger(maxReconnectAttempts) || maxReconnectAttempts < 0) {
    throw new CliError(`--max-reconnect-attempts: '${attemptsText ?? ''}' is not a whole number of attempts (0 or more)`);
  }
  const delaysText = stringOption(args, 'reconnect-delays');
  const reconnectDelays = delaysText === undefined ? [2000, 5000, 10000] : delaysText.split(',').map((part) => Number(part.trim()));
  if (reconnectDelays.length === 0 || reconnectDelays.some((ms) => !Number.isInteger(ms) || ms < 0)) {
    throw new CliError(`--reconnect-delays: '${delaysText ?? ''}' is not a comma-separated list of milliseconds, e.g. 2000,5000,10000`);
  }
  return {
    url,
    ...(user !== undefined ? { user } : { token: token as string }),
    password: stringOption(args, 'password') ?? 'dev',
    maxReconnectAttempts,
    reconnectDelays,
  };
}

/**
 * A client for `connection`, logged in: with `--user`, a dev login — and a `refreshToken` that
 * logs in again whenever the gateway refuses the token or it is about to expire (dev tokens last
 * an hour), so a long `tail` outlives its token; `say` is told each time. With `--token`, no
 * refresh: a refused token ends the command (exit 5).
 *
 * @throws CliError with the exit code for a login that failed (4 unreachable, 5 refused).
 */
export async function loggedInClient(connection: CliConnection, say: (line: string) => void): Promise<ChatClient> {
  const hubs = { maxReconnectAttempts: connection.maxReconnectAttempts, reconnectDelays: connection.reconnectDelays };
  const user = connection.user;
  if (user === undefined) return createChatClient({ baseUrl: connection.url, token: connection.token as string, hubs });
  // Logins again go through a client of their own: its answer is the new token, which the main
  // client's session stores itself.
  const logins = createChatClient({ baseUrl: connection.url });
  const client = createChatClient({
    baseUrl: connection.url,
    hubs,
    refreshToken: () =>
      defer(() => {
        say(`logging in again as ${user} (the token was refused or is about to expire)`);
        return logins.auth.loginWithDev(user, connection.password);
      }).pipe(
        map((response) => response.token),
        tap(() => say(`logged in again as ${user}`)),
        // A refused login is a "no" (give up: exit 5); anything else (the gateway is away for a
        // moment) is a failed attempt the hub tries again after its wait.
        catchError((error: unknown) =>
          ChatApiError.is(error) && error.kind === 'http' && (error.status === 401 || error.status === 403)
            ? of(null)
            : throwError(() => error),
        ),
      ),
  });
  try {
    await firstValueFrom(client.auth.loginWithDev(user, connection.password));
  } catch (error) {
    const refused = ChatApiError.is(error) && error.kind === 'http' && (error.status === 401 || error.status === 403);
    throw new CliError(`dev login of ${user} failed: ${describeError(error, connection.url)}`, refused ? ExitCode.auth : exitCodeOf(error));
  }
  return client;
}
