import { createInterface } from 'node:readline';
import {
  catchError,
  concatMap,
  defer,
  filter,
  firstValueFrom,
  from,
  lastValueFrom,
  map,
  type Observable,
  of,
  retry,
  take,
  tap,
  throwError,
} from 'rxjs';
import { ChatApiError } from '../http/chat-api-error.js';
import { HubError } from '../hubs/hub-error.js';
import type { ChatClient } from '../client.js';
import { startGateway } from '../gateway/index.js';
import { gatewayUrl, optionProblems, parseArgs, stringOption, type OptionSpec, type ParsedArgs } from './args.js';
import { cliConnection, CONNECTION_OPTIONS, DEFAULT_MAX_RECONNECT_ATTEMPTS, loggedInClient, type CliConnection } from './cli-client.js';
import { CliError, describeError, EXIT_CODES_HELP, ExitCode, exitCodeOf } from './cli-error.js';
import { connectionReports } from './connection-reports.js';
import { conversationsCommand, groupCommand, openCommand } from './conversation-commands.js';
import { runDemo } from './demo.js';
import { findPlayground } from './find-playground.js';
import { toReadable } from './to-readable.js';

const USAGE = `chat-rx — the chat-client-rx command line

  chat-rx gateway [--port 5080] [--host 127.0.0.1] [--test-endpoints]
      start the embedded Chat Gateway, print its URL, stop on Ctrl-C;
      it serves the playground page at / (dist/playground, built on the fly in a clone)
  chat-rx conversations [connection options]
      my conversations as NDJSON on stdout, one per line:
      { id, type, name, participantCount, lastMessageAt, unreadCount, isPinned }
  chat-rx open <participantId> [connection options]
      the one-to-one conversation with a participant (created if needed), as one NDJSON line
  chat-rx group <participantId>... [--name NAME] [connection options]
      a new group conversation with these participants, as one NDJSON line
  chat-rx tail <conversationId> [connection options]
      new messages of a conversation as NDJSON on stdout (pipe-friendly); connection
      lost / retrying / recovered / gave up is said on stderr
  chat-rx send <conversationId> [connection options]
      send one message per stdin line; one ack per line as NDJSON on stdout
  chat-rx demo [--url URL] [--user alice --user2 bob] [--password PW]
      the scripted tour (embedded gateway unless --url)

connection options:
  --url URL          the gateway, http(s)://host[:port] (or env CHAT_RX_URL)
  --token JWT        a token (or env CHAT_RX_TOKEN; never printed); not renewed
  --user NAME        dev login instead of a token (with --password, default "dev");
                     logs in again by itself when the token is refused or expires
  --max-reconnect-attempts N   reconnect attempts in a row before giving up (default ${DEFAULT_MAX_RECONNECT_ATTEMPTS})
  --reconnect-delays MS,MS,... waits before attempts 1, 2, 3…; the last repeats (default 2000,5000,10000)

A participant exists on a gateway only after logging in once (a dev user: any command with --user NAME).

${EXIT_CODES_HELP}`;

/** What a command accepts: its options and how many positionals (after the command's name). */
interface CommandSpec {
  readonly options: OptionSpec;
  readonly positionals: { readonly min: number; readonly max: number; readonly missing: string };
}

const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  gateway: { options: { values: ['port', 'host'], flags: ['test-endpoints'] }, positionals: { min: 0, max: 0, missing: '' } },
  conversations: { options: { values: CONNECTION_OPTIONS }, positionals: { min: 0, max: 0, missing: '' } },
  open: { options: { values: CONNECTION_OPTIONS }, positionals: { min: 1, max: 1, missing: 'open: a participantId is required' } },
  group: {
    options: { values: [...CONNECTION_OPTIONS, 'name'] },
    positionals: { min: 1, max: Number.POSITIVE_INFINITY, missing: 'group: at least one participantId is required' },
  },
  tail: { options: { values: CONNECTION_OPTIONS }, positionals: { min: 1, max: 1, missing: 'tail: a conversationId is required' } },
  send: { options: { values: CONNECTION_OPTIONS }, positionals: { min: 1, max: 1, missing: 'send: a conversationId is required' } },
  demo: { options: { values: ['url', 'user', 'user2', 'password'] }, positionals: { min: 0, max: 0, missing: '' } },
};

/** Flags of any command (they never take the next word as a value). */
const FLAGS = new Set(['help', 'test-endpoints']);

/** Writes `chat-rx: <line>` on stderr. */
function say(line: string): void {
  process.stderr.write(`chat-rx: ${line}\n`);
}

/**
 * Runs the `chat-rx` command line with `argv` (without node and the script). Resolves with the
 * exit code (see `ExitCode`: 0 done, 1 failed, 2 usage, 3 not found / not a member, 4 connection
 * given up, 5 authentication failed).
 */
export async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, FLAGS);
  const [command, ...rest] = args.positionals;
  let url: string | undefined;
  try {
    if (command === undefined || args.options.has('help') || command === 'help') {
      process.stdout.write(USAGE);
      return command === undefined && !args.options.has('help') ? ExitCode.usage : ExitCode.ok;
    }
    const spec = COMMANDS[command];
    if (spec === undefined) throw new CliError(`unknown command '${command}'\n\n${USAGE}`);
    const problems = optionProblems(args, spec.options);
    if (rest.length > spec.positionals.max) problems.push(`unexpected argument '${rest[spec.positionals.max] as string}'`);
    if (problems.length > 0) throw new CliError(`${command}: ${problems.join('; ')}; see chat-rx --help`);
    if (rest.length < spec.positionals.min) throw new CliError(spec.positionals.missing);
    if (command === 'gateway') return await gatewayCommand(args);
    if (command === 'demo') return await demoCommand(args);
    const connection = cliConnection(args);
    url = connection.url;
    const client = await loggedInClient(connection, say);
    try {
      switch (command) {
        case 'conversations':
          return await conversationsCommand(client);
        case 'open':
          return await openCommand(client, connection, rest[0] as string);
        case 'group':
          return await groupCommand(client, connection, rest, stringOption(args, 'name'));
        case 'tail':
          return await tailCommand(client, connection, rest[0] as string);
        default:
          return await sendCommand(client, connection, rest[0] as string);
      }
    } finally {
      await client.disconnect();
    }
  } catch (error) {
    say(describeError(error, url));
    return exitCodeOf(error);
  }
}

async function gatewayCommand(args: ParsedArgs): Promise<number> {
  const portText = stringOption(args, 'port') ?? '5080';
  const port = Number(portText);
  if (portText.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65535)
    throw new CliError(`--port: '${portText}' is not a port number`);
  const host = stringOption(args, 'host') ?? '127.0.0.1';
  if (host === '') throw new CliError('--host needs an interface, e.g. 127.0.0.1');
  // The playground page at `/` (dist/playground; built on the fly in a clone).
  const playground = await findPlayground(process.argv[1], (message) => say(message));
  const gateway = await startGateway({
    port,
    host,
    testEndpoints: args.options.has('test-endpoints'),
    ...(playground !== undefined ? { playground: { dir: playground } } : {}),
  });
  process.stdout.write(`${gateway.url}\n`);
  say(`embedded Chat Gateway listening at ${gateway.url} (Ctrl-C to stop)`);
  if (playground !== undefined)
    say(
      `playground page at ${gateway.url}/${args.options.has('test-endpoints') ? '' : ' (add --test-endpoints for its "drop connection" button)'}`,
    );
  const stop = stopSignal();
  await stop.stopped;
  stop.dispose();
  await gateway.close();
  return ExitCode.ok;
}

async function demoCommand(args: ParsedArgs): Promise<number> {
  const flagUrl = stringOption(args, 'url');
  const rawUrl = flagUrl ?? process.env.CHAT_RX_URL;
  let url: string | undefined;
  try {
    url = rawUrl === undefined || rawUrl === '' ? undefined : gatewayUrl(rawUrl, flagUrl !== undefined ? '--url' : 'CHAT_RX_URL');
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  const password = stringOption(args, 'password');
  const problems = await runDemo({
    ...(url !== undefined ? { url } : {}),
    users: [stringOption(args, 'user') ?? 'alice', stringOption(args, 'user2') ?? 'bob'],
    ...(password !== undefined ? { password } : {}),
  });
  return problems === 0 ? ExitCode.ok : ExitCode.failed;
}

/** SIGINT / SIGTERM as a promise, and the removal of its listeners. */
function stopSignal(): { readonly stopped: Promise<void>; dispose(): void } {
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    stopped,
    dispose: () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}

/**
 * Reports the chat hub's connection on stderr (lost, retrying in N s, token renewed, recovered,
 * gave up) while subscribed; `gaveUp` resolves with the exit code (4 or 5) when it gave up.
 */
function watchConnection(
  client: ChatClient,
  connection: CliConnection,
): { readonly gaveUp: Promise<ExitCode>; readonly code: () => ExitCode | undefined; dispose(): void } {
  let code: ExitCode | undefined;
  let settle: (code: ExitCode) => void = () => undefined;
  const gaveUp = new Promise<ExitCode>((resolve) => (settle = resolve));
  const subscription = client.realtime.chat.state$
    .pipe(connectionReports({ maxAttempts: connection.maxReconnectAttempts }))
    .subscribe((report) => {
      say(report.text);
      if (report.event === 'gave-up' && report.exitCode !== undefined) {
        code ??= report.exitCode;
        settle(report.exitCode);
      }
    });
  return { gaveUp, code: () => code, dispose: () => subscription.unsubscribe() };
}

/** Connects the chat hub; a hub that gave up ends the command with its code (already reported). */
async function connectChat(client: ChatClient, watch: ReturnType<typeof watchConnection>): Promise<void> {
  try {
    await firstValueFrom(client.realtime.chat.connect());
  } catch (error) {
    const code = watch.code();
    if (code !== undefined) throw new CliError('the chat hub could not connect', code);
    throw error;
  }
}

/**
 * `chat-rx tail <conversationId>`: checks the conversation (exit 3 when it does not exist or the
 * user is not a member), joins it, and writes its new messages as NDJSON until Ctrl-C, the reader
 * going away (exit 0), the connection giving up (exit 4, or 5 when no token could be had), or a
 * re-join being refused (exit 3). What happens to the connection is said on stderr.
 */
async function tailCommand(client: ChatClient, connection: CliConnection, conversationId: string): Promise<number> {
  const chat = client.realtime.chat;
  const who = connection.user ?? "the token's user";
  try {
    await firstValueFrom(client.conversations.getById(conversationId));
  } catch (error) {
    if (ChatApiError.is(error) && error.kind === 'http' && error.status === 404)
      throw new CliError(`tail: conversation '${conversationId}' was not found`, ExitCode.notFound);
    if (ChatApiError.is(error) && error.kind === 'http' && error.status === 403)
      throw new CliError(`tail: ${who} is not a member of conversation '${conversationId}'`, ExitCode.notFound);
    throw error;
  }

  const watch = watchConnection(client, connection);
  let settle: (code: ExitCode) => void = () => undefined;
  const ended = new Promise<ExitCode>((resolve) => (settle = resolve));
  const problems = client.errors$.subscribe((error) => {
    // A re-join the gateway refused (the user was removed): this tail has nothing left to show.
    if (
      HubError.is(error) &&
      error.kind === 'rejoin' &&
      error.conversationId === conversationId &&
      !chat.joinedConversations.has(conversationId)
    ) {
      say(`tail: ${describeError(error)}`);
      settle(ExitCode.notFound);
    } else say(`warning: ${describeError(error)}`);
  });
  const stop = stopSignal();
  const lines$: Observable<string> = client.messages$.pipe(
    filter((message) => message.conversationId === conversationId),
    map((message) => `${JSON.stringify(message)}\n`),
  );
  const readable = toReadable(lines$, { bufferSize: 10_000, overflow: 'drop-oldest' });
  const readerGone = new Promise<ExitCode>((resolve) => {
    // A reader that went away (EPIPE) is a normal end for a pipe-friendly tail.
    process.stdout.on('error', () => resolve(ExitCode.ok));
    readable.on('error', () => resolve(ExitCode.ok));
    readable.on('end', () => resolve(ExitCode.ok));
  });
  try {
    await connectChat(client, watch);
    // Subscribed (by the pipe) before the join, so the conversation's baseline for recovering
    // what a lost connection missed is taken at the join.
    readable.pipe(process.stdout);
    const joined = firstValueFrom(
      defer(() => chat.joinConversation(conversationId)).pipe(
        // The connection went away between connecting and joining: join on the next one.
        retry({
          delay: (error: unknown) =>
            HubError.is(error) && error.kind === 'not-connected'
              ? chat.state$.pipe(
                  filter((s) => s.status === 'connected'),
                  take(1),
                )
              : throwError(() => error),
        }),
      ),
    ).then(
      () => undefined,
      (error: unknown) => {
        if (HubError.is(error) && (error.kind === 'invocation' || error.kind === 'ack')) {
          throw new CliError(`tail: the gateway refused to join conversation '${conversationId}': ${error.message}`, ExitCode.notFound);
        }
        throw error;
      },
    );
    // Whatever ends the tail first, a join that fails later must not become an unhandled rejection.
    joined.catch(() => undefined);
    const early = await Promise.race([joined, watch.gaveUp, ended, stop.stopped.then(() => ExitCode.ok)]);
    if (early !== undefined) return early;
    return await Promise.race([watch.gaveUp, ended, readerGone, stop.stopped.then(() => ExitCode.ok)]);
  } finally {
    stop.dispose();
    problems.unsubscribe();
    watch.dispose();
    readable.unpipe(process.stdout);
    readable.destroy();
  }
}

/**
 * Sends one stdin line: over the chat hub, or over REST when the line would not fit in one hub
 * message (the server would close the connection); either way an ack-shaped result. A bad line
 * (an argument the client refuses) errors the returned Observable, never the whole command.
 */
function sendLine(client: ChatClient, conversationId: string, line: string): Observable<Record<string, unknown>> {
  const blocks = [{ $type: 'text' as const, format: 'Plain' as const, content: line, plainText: line }];
  const chat = client.realtime.chat;
  const request = { conversationId, blocks };
  if (chat.invocationBytes('SendMessage', [request]) <= chat.maxMessageBytes) return chat.sendMessage(request);
  return client.messages.send(conversationId, { blocks }).pipe(
    map((message) => ({
      success: true,
      messageId: message.id,
      clientMessageId: message.clientMessageId,
      createdAt: message.createdAt,
      via: 'rest',
    })),
  );
}

/**
 * `chat-rx send <conversationId>`: one message per non-empty stdin line, one ack per line on
 * stdout; exit 0 when every line was sent, 1 otherwise, 4 / 5 when the connection gave up (the
 * lines not read yet are not sent).
 */
async function sendCommand(client: ChatClient, connection: CliConnection, conversationId: string): Promise<number> {
  const watch = watchConnection(client, connection);
  const stop = stopSignal();
  let lines: ReturnType<typeof createInterface> | undefined;
  try {
    await connectChat(client, watch);
    // Read from stdin only now: lines that arrived before the iteration started would be lost.
    lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
    let failures = 0;
    const done = lastValueFrom(
      from(lines).pipe(
        filter((line) => line.trim() !== ''),
        concatMap((line) =>
          defer(() => sendLine(client, conversationId, line)).pipe(
            map((ack): Record<string, unknown> => ({ ok: true, ...ack })),
            catchError((error: unknown) => {
              failures += 1;
              return of({
                ok: false,
                error: error instanceof Error ? error.message : String(error),
                ...(HubError.is(error) && error.errorCode !== undefined ? { errorCode: error.errorCode } : {}),
              });
            }),
          ),
        ),
        tap((ack) => process.stdout.write(`${JSON.stringify(ack)}\n`)),
      ),
      { defaultValue: undefined },
    ).then(() => (failures === 0 ? ExitCode.ok : ExitCode.failed));
    return await Promise.race([done, watch.gaveUp, stop.stopped.then(() => (failures === 0 ? ExitCode.ok : ExitCode.failed))]);
  } finally {
    lines?.close();
    stop.dispose();
    watch.dispose();
  }
}
