import { createInterface } from 'node:readline';
import { catchError, concatMap, defer, filter, firstValueFrom, from, lastValueFrom, map, type Observable, of, tap } from 'rxjs';
import { HubError } from '../hubs/hub-error.js';
import { createChatClient, type ChatClient } from '../client.js';
import { startGateway } from '../gateway/index.js';
import { parseArgs, stringOption, type ParsedArgs } from './args.js';
import { runDemo } from './demo.js';
import { findPlayground } from './find-playground.js';
import { toReadable } from './to-readable.js';

const USAGE = `chat-rx — the chat-client-rx command line

  chat-rx gateway [--port 5080] [--host 127.0.0.1] [--test-endpoints]
      start the embedded Chat Gateway, print its URL, stop on Ctrl-C;
      it serves the playground page at / (dist/playground, built on the fly in a clone)
  chat-rx tail <conversationId> [connection options]
      new messages of a conversation as NDJSON on stdout (pipe-friendly)
  chat-rx send <conversationId> [connection options]
      send one message per stdin line; one ack per line as NDJSON on stdout
  chat-rx demo [--url URL] [--user alice --user2 bob] [--password PW]
      the scripted tour (embedded gateway unless --url)

connection options:
  --url URL          the gateway (or env CHAT_RX_URL)
  --token JWT        a token (or env CHAT_RX_TOKEN; never printed)
  --user NAME        dev login instead of a token (with --password, default "dev")
`;

/** A CLI failure with the exit code to use. */
class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

/**
 * Runs the `chat-rx` command line with `argv` (without node and the script). Resolves with the
 * exit code.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, new Set(['test-endpoints', 'help']));
  const [command, ...rest] = args.positionals;
  try {
    if (command === undefined || args.options.has('help') || command === 'help') {
      process.stdout.write(USAGE);
      return command === undefined && !args.options.has('help') ? 2 : 0;
    }
    switch (command) {
      case 'gateway':
        return await gatewayCommand(args);
      case 'tail':
        return await tailCommand(args, rest[0]);
      case 'send':
        return await sendCommand(args, rest[0]);
      case 'demo': {
        const url = stringOption(args, 'url') ?? process.env.CHAT_RX_URL;
        const problems = await runDemo({
          ...(url !== undefined ? { url } : {}),
          users: [stringOption(args, 'user') ?? 'alice', stringOption(args, 'user2') ?? 'bob'],
          ...(stringOption(args, 'password') !== undefined ? { password: stringOption(args, 'password') as string } : {}),
        });
        return problems === 0 ? 0 : 1;
      }
      default:
        throw new CliError(`unknown command '${command}'\n\n${USAGE}`);
    }
  } catch (error) {
    process.stderr.write(`chat-rx: ${error instanceof Error ? error.message : String(error)}\n`);
    return error instanceof CliError ? error.exitCode : 1;
  }
}

async function gatewayCommand(args: ParsedArgs): Promise<number> {
  const portText = stringOption(args, 'port') ?? '5080';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port: '${portText}' is not a port number`);
  // The playground page at `/` (dist/playground; built on the fly in a clone).
  const playground = await findPlayground(process.argv[1], (message) => process.stderr.write(`chat-rx: ${message}\n`));
  const gateway = await startGateway({
    port,
    host: stringOption(args, 'host') ?? '127.0.0.1',
    testEndpoints: args.options.has('test-endpoints'),
    ...(playground !== undefined ? { playground: { dir: playground } } : {}),
  });
  process.stdout.write(`${gateway.url}\n`);
  process.stderr.write(`chat-rx: embedded Chat Gateway listening at ${gateway.url} (Ctrl-C to stop)\n`);
  if (playground !== undefined) process.stderr.write(`chat-rx: playground page at ${gateway.url}/${args.options.has('test-endpoints') ? '' : ' (add --test-endpoints for its "drop connection" button)'}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await gateway.close();
  return 0;
}

/** Logs in (dev user) or takes the token, from options or the environment. */
async function connectedClient(args: ParsedArgs): Promise<ChatClient> {
  const url = stringOption(args, 'url') ?? process.env.CHAT_RX_URL;
  if (url === undefined) throw new CliError('--url (or CHAT_RX_URL) is required');
  const token = stringOption(args, 'token') ?? process.env.CHAT_RX_TOKEN;
  const user = stringOption(args, 'user');
  if (token === undefined && user === undefined) throw new CliError('give --token (or CHAT_RX_TOKEN) or --user');
  const client = createChatClient({ baseUrl: url, ...(token !== undefined && user === undefined ? { token } : {}) });
  if (user !== undefined) await firstValueFrom(client.auth.loginWithDev(user, stringOption(args, 'password') ?? 'dev'));
  await firstValueFrom(client.realtime.chat.connect());
  return client;
}

/** Waits for SIGINT/SIGTERM or `done`, whichever first. */
function untilStopped(done: Promise<unknown>): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    done.then(stop, stop);
  });
}

async function tailCommand(args: ParsedArgs, conversationId: string | undefined): Promise<number> {
  if (conversationId === undefined) throw new CliError('tail: a conversationId is required');
  const client = await connectedClient(args);
  const lines$: Observable<string> = client.messages$.pipe(
    filter((message) => message.conversationId === conversationId),
    map((message) => `${JSON.stringify(message)}\n`),
  );
  const timeline = client.timeline(conversationId);
  const holding = timeline.messages$.subscribe({ error: () => undefined });
  const readable = toReadable(lines$, { bufferSize: 10_000, overflow: 'drop-oldest' });
  const finished = new Promise<void>((resolve) => {
    // A reader that went away (EPIPE) is a normal end for a pipe-friendly tail.
    process.stdout.on('error', () => resolve());
    readable.on('error', () => resolve());
    readable.on('end', () => resolve());
  });
  readable.pipe(process.stdout);
  await untilStopped(finished);
  readable.unpipe(process.stdout);
  readable.destroy();
  holding.unsubscribe();
  await client.disconnect();
  return 0;
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
    map((message) => ({ success: true, messageId: message.id, clientMessageId: message.clientMessageId, createdAt: message.createdAt, via: 'rest' })),
  );
}

async function sendCommand(args: ParsedArgs, conversationId: string | undefined): Promise<number> {
  if (conversationId === undefined) throw new CliError('send: a conversationId is required');
  const client = await connectedClient(args);
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  let failures = 0;
  const done = lastValueFrom(
    from(lines).pipe(
      filter((line) => line.trim() !== ''),
      concatMap((line) =>
        defer(() => sendLine(client, conversationId, line)).pipe(
          map((ack): Record<string, unknown> => ({ ok: true, ...ack })),
          catchError((error: unknown) => {
            failures += 1;
            return of({ ok: false, error: error instanceof Error ? error.message : String(error), ...(HubError.is(error) && error.errorCode !== undefined ? { errorCode: error.errorCode } : {}) });
          }),
        ),
      ),
      tap((ack) => process.stdout.write(`${JSON.stringify(ack)}\n`)),
    ),
    { defaultValue: undefined },
  );
  await untilStopped(done);
  lines.close();
  await client.disconnect();
  return failures === 0 ? 0 : 1;
}
