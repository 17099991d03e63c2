import { firstValueFrom, lastValueFrom, tap } from 'rxjs';
import type { ChatClient } from '../client.js';
import type { ConversationDto, ConversationListItemDto } from '../codecs/index.js';
import { ChatApiError } from '../http/chat-api-error.js';
import type { CliConnection } from './cli-client.js';
import { CliError, ExitCode } from './cli-error.js';

/**
 * One conversation as the commands print it (one NDJSON line): the same fields for
 * `conversations`, `open` and `group`, so `jq -r .id` works on each.
 */
export interface ConversationLine {
  readonly id: string;
  readonly type: string;
  readonly name: string | null;
  readonly participantCount: number;
  readonly lastMessageAt: string | null;
  readonly unreadCount: number;
  readonly isPinned: boolean;
  /** The active members' ids (`open` and `group` only). */
  readonly participantIds?: readonly string[];
}

/** A list item (`GET /api/conversations`) as a line. */
export function listItemLine(item: ConversationListItemDto): ConversationLine {
  return {
    id: item.id,
    type: item.type,
    name: item.name ?? null,
    participantCount: item.participantCount,
    lastMessageAt: item.lastMessageAt ?? null,
    unreadCount: item.unreadCount,
    isPinned: item.isPinned,
  };
}

/** A conversation (`ConversationDto`) as a line; `me` picks the caller's unread count and pin. */
export function conversationLine(conversation: ConversationDto, me: string | undefined): ConversationLine {
  const active = conversation.participants.filter((p) => p.isActive);
  const mine = conversation.participants.find((p) => p.participantId === me);
  return {
    id: conversation.id,
    type: conversation.type,
    name: conversation.name ?? null,
    participantCount: active.length,
    lastMessageAt: conversation.lastMessageAt ?? null,
    unreadCount: mine?.unreadCount ?? 0,
    isPinned: mine?.isPinned ?? false,
    participantIds: active.map((p) => p.participantId),
  };
}

/** Writes one JSON line on stdout. */
function print(line: unknown): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/**
 * `chat-rx conversations`: every conversation of the logged-in user (pinned first, then by last
 * message, as the gateway orders them), one NDJSON line each; exit 0.
 */
export async function conversationsCommand(client: ChatClient): Promise<ExitCode> {
  // A reader that went away (`| head -n 1`) ends the listing quietly.
  let readerGone = false;
  const onError = (): void => void (readerGone = true);
  process.stdout.on('error', onError);
  try {
    await lastValueFrom(
      client.conversations.listAll({ limit: 100 }).pipe(tap((item) => (readerGone ? undefined : print(listItemLine(item))))),
      { defaultValue: undefined },
    );
  } finally {
    process.stdout.off('error', onError);
  }
  return ExitCode.ok;
}

/**
 * `chat-rx open <participant>`: the one-to-one conversation with a participant (found, or
 * created when there is none), printed as one line; exit 0. A participant the gateway does not
 * know: exit 3 with the hint that a user exists only after logging in once.
 */
export async function openCommand(client: ChatClient, connection: CliConnection, participant: string): Promise<ExitCode> {
  const [id] = await resolveParticipants(client, connection, [participant]);
  const conversation = await firstValueFrom(client.directConversation(id as string));
  print(conversationLine(conversation, me(client, connection)));
  return ExitCode.ok;
}

/**
 * `chat-rx group <participant…> [--name N]`: a new group conversation with the participants (the
 * caller is added by the gateway), printed as one line; exit 0. Unknown participants: exit 3,
 * naming every one of them.
 */
export async function groupCommand(
  client: ChatClient,
  connection: CliConnection,
  participants: readonly string[],
  name: string | undefined,
): Promise<ExitCode> {
  const ids = await resolveParticipants(client, connection, participants);
  const conversation = await firstValueFrom(client.groupConversation(ids, name !== undefined ? { name } : {}));
  print(conversationLine(conversation, me(client, connection)));
  return ExitCode.ok;
}

/**
 * The participant ids for what the user typed: an id, or else a unique name. Fails (exit 3) naming
 * every one the gateway does not know, with how to make it known.
 */
async function resolveParticipants(client: ChatClient, connection: CliConnection, wanted: readonly string[]): Promise<string[]> {
  const found = new Set((await firstValueFrom(client.participants.getBatch([...new Set(wanted)]))).map((p) => p.id));
  const ids: string[] = [];
  const missing: string[] = [];
  for (const name of wanted) {
    if (found.has(name)) {
      ids.push(name);
      continue;
    }
    try {
      ids.push((await firstValueFrom(client.participants.getByUniqueName(name))).id);
    } catch (error) {
      if (ChatApiError.is(error) && error.kind === 'http' && error.status === 404) missing.push(name);
      else throw error;
    }
  }
  if (missing.length > 0) {
    const list = missing.map((m) => `'${m}'`).join(', ');
    const example = missing[0] as string;
    throw new CliError(
      `${missing.length === 1 ? 'participant' : 'participants'} ${list} ${missing.length === 1 ? 'was' : 'were'} not found on the gateway at ${connection.url}: ` +
        `a user exists there only after logging in once (a dev user: chat-rx conversations --url ${connection.url} --user ${example})`,
      ExitCode.notFound,
    );
  }
  return ids;
}

/** The caller's participant id: the logged-in user's, or the `sub` claim of `--token`. */
function me(client: ChatClient, connection: CliConnection): string | undefined {
  if (client.currentUser !== null) return client.currentUser.id;
  const payload = connection.token?.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: unknown };
    return typeof claims.sub === 'string' ? claims.sub : undefined;
  } catch {
    return undefined;
  }
}
