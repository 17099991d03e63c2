import { filter, firstValueFrom, lastValueFrom, map, skip, type Subscription, take, timeout } from 'rxjs';
import { createChatClient, type ChatClient } from '../client.js';
import type { Timeline } from '../index.js';
import type { Gateway } from '../gateway/index.js';
import { startGateway } from '../gateway/index.js';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Run against this gateway instead of starting the embedded one. */
  readonly url?: string;
  /** The two dev users (and their password on a gateway that checks it). @default alice, bob */
  readonly users?: readonly [string, string];
  /** The password both users log in with (`loginWithDev`); only a gateway that checks passwords needs the right one. @default 'demo' */
  readonly password?: string;
  /** Where the lines go. @default process.stdout */
  readonly out?: NodeJS.WritableStream;
  /** Where notes about parts of the tour that are skipped go. @default process.stderr */
  readonly err?: NodeJS.WritableStream;
}

const tty = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
const color =
  (code: number) =>
  (text: string): string =>
    tty ? `\u001b[${code}m${text}\u001b[0m` : text;
const green = color(32);
const cyan = color(36);
const yellow = color(33);
const magenta = color(35);
const dim = color(2);

/**
 * The main job, as a scripted tour that ends by itself: starts the embedded gateway (or uses
 * `url`), logs two users in, opens a conversation with `echo-bot`, and shows messages arriving
 * through `messages$`, the bot's reply growing chunk by chunk, presence changing, then the
 * gateway killing every connection and the client reconnecting, re-joining and recovering what
 * was sent meanwhile — checking that nothing was lost or duplicated. Resolves with the number of
 * problems found (0 = all good).
 *
 * Against a gateway of its own (`url`), the reconnect part needs that gateway's test endpoints
 * (`/_test/faults/*`, `chat-rx gateway --test-endpoints`) to kill the connections: without them
 * it is skipped, and a note on `err` says so and why.
 */
export async function runDemo(options: DemoOptions = {}): Promise<number> {
  const report = reporter(options.out ?? process.stdout);
  const started = Date.now();
  const owned: Owned = { clients: [] };
  try {
    await tour(options, report, owned);
  } catch (error) {
    report.problems += 1;
    report.say(`${yellow('✘')} demo failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await Promise.all(owned.clients.map((client) => client.disconnect()));
    await owned.gateway?.close();
  }
  const { problems } = report;
  report.say(`${problems === 0 ? green('done') : yellow(`${problems} problem(s)`)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return problems;
}

/** Where the tour's lines go, and its count of problems. */
interface Report {
  /** Writes `line` (and a newline) to the demo's `out`. */
  readonly say: (line: string) => void;
  /** Says `what` after a ✔ when `ok`, else after a ✘, counting a problem. */
  readonly check: (ok: boolean, what: string) => void;
  /** The problems found so far. */
  problems: number;
}

/** A {@link Report} writing to `out`, with no problems yet. */
function reporter(out: NodeJS.WritableStream): Report {
  const report: Report = {
    problems: 0,
    say: (line) => void out.write(`${line}\n`),
    check: (ok, what) => {
      if (ok) report.say(`${green('✔')} ${what}`);
      else {
        report.problems += 1;
        report.say(`${yellow('✘')} ${what}`);
      }
    },
  };
  return report;
}

/** What the demo started and has to close when it ends, however it ends. */
interface Owned {
  /** The embedded gateway, once started (none when the demo runs against `url`). */
  gateway?: Gateway;
  /** The clients, once created. */
  readonly clients: ChatClient[];
}

/** The two users of the tour: their names and their clients (logged in). */
interface Cast {
  readonly aliceName: string;
  readonly bobName: string;
  readonly alice: ChatClient;
  readonly bob: ChatClient;
}

/** The tour, step by step; throws when a step fails (or times out). */
async function tour(options: DemoOptions, report: Report, owned: Owned): Promise<void> {
  const { url, killSockets } = await openGateway(options, report.say, owned);
  const cast = await logIn(url, options, report, owned);
  const conversationId = await startConversation(cast, report.say);
  const presence = await followPresence(cast, report.say);
  const watched = await watchConversation(cast, conversationId, report.say);
  await greet(cast, conversationId, watched.timeline);
  await askEchoBot(cast.alice, conversationId, watched.timeline, report);
  await flickerPresence(cast);
  if (killSockets !== undefined) await killAndRecover(cast, conversationId, watched, killSockets, report);
  presence.subscription.unsubscribe();
  for (const subscription of watched.subscriptions) subscription.unsubscribe();
  report.check(presence.lines.length >= 3, `presence followed ${cast.bobName}: ${presence.lines.length} changes`);
}

/**
 * The gateway of the tour: the embedded one, started here (and noted in `owned`), or the one at
 * `options.url` — with `killSockets` only when its test endpoints are on (else a note on `err`).
 */
async function openGateway(
  options: DemoOptions,
  say: Report['say'],
  owned: Owned,
): Promise<{ readonly url: string; readonly killSockets: (() => Promise<void>) | undefined }> {
  const url = options.url;
  if (url === undefined) {
    const embedded = await startGateway({ port: 0, bot: { startDelayMs: 150, statusDelayMs: 400, chunkDelayMs: 180, chunks: 8 } });
    owned.gateway = embedded;
    say(`${cyan('▶')} chat-client-rx demo — embedded Chat Gateway at ${embedded.url}`);
    return { url: embedded.url, killSockets: async () => embedded.faults.killSockets() };
  }
  say(`${cyan('▶')} chat-client-rx demo — gateway at ${url}`);
  const faults = await remoteFaults(url);
  if (faults.killSockets === undefined) {
    (options.err ?? process.stderr).write(
      `chat-rx demo: skipping the reconnect-and-recover part: it kills the gateway's connections through its test endpoints (/_test/faults/*), and ${url} has none (${faults.why}); ` +
        `start that gateway with \`chat-rx gateway --test-endpoints\`, or run the demo without --url, to see it\n`,
    );
  }
  return { url, killSockets: faults.killSockets };
}

/** Creates the two clients (noted in `owned`) and logs the two dev users in. */
async function logIn(url: string, options: DemoOptions, report: Report, owned: Owned): Promise<Cast> {
  const [aliceName, bobName] = options.users ?? ['alice', 'bob'];
  const password = options.password ?? 'demo';
  const alice = createChatClient({ baseUrl: url });
  const bob = createChatClient({ baseUrl: url });
  owned.clients.push(alice, bob);

  await firstValueFrom(alice.auth.loginWithDev(aliceName, password));
  await firstValueFrom(bob.auth.loginWithDev(bobName, password));
  report.check(
    alice.currentUser?.id === aliceName && bob.currentUser?.id === bobName,
    `logged in ${aliceName} and ${bobName} (dev logins, tokens kept by the client)`,
  );
  return { aliceName, bobName, alice, bob };
}

/** Creates the conversation "Demo" of both users and echo-bot, then connects both clients; resolves with its id. */
async function startConversation({ alice, bob, aliceName, bobName }: Cast, say: Report['say']): Promise<string> {
  const conversation = await firstValueFrom(alice.groupConversation([bobName, 'echo-bot'], { name: 'Demo' }));
  say(`${green('✔')} conversation ${dim(conversation.id)} "Demo" with ${aliceName}, ${bobName} and echo-bot`);

  await firstValueFrom(alice.connect());
  await firstValueFrom(bob.connect());
  say(`${green('✔')} both clients connected to /hubs/notifications and /hubs/chat`);
  return conversation.id;
}

/** Presence: alice watches bob; each change is said once and kept in `lines`. */
async function followPresence(
  { alice, bobName }: Cast,
  say: Report['say'],
): Promise<{ readonly lines: readonly string[]; readonly subscription: Subscription }> {
  const lines: string[] = [];
  const subscription = alice.realtime.notifications.presence$.subscribe((map) => {
    const bobPresence = map.get(bobName);
    if (!bobPresence) return;
    const line = bobPresence.isOnline ? `${bobName} is online` : `${bobName} went offline (last seen ${bobPresence.lastSeenAt ?? '?'})`;
    if (lines[lines.length - 1] !== line) {
      lines.push(line);
      say(`${magenta('◆')} presence: ${line}`);
    }
  });
  await firstValueFrom(alice.realtime.notifications.subscribeToPresence([bobName]));
  return { lines, subscription };
}

/** What {@link watchConversation} watches: alice's timeline, the ids `messages$` delivered to her, and the subscriptions. */
interface Watched {
  /** Alice's timeline of the conversation. */
  readonly timeline: Timeline;
  /** The id of every finished message alice received through `messages$`, in order. */
  readonly received: readonly string[];
  /** Alice's `messages$` and both users' timelines, to unsubscribe at the end. */
  readonly subscriptions: readonly Subscription[];
}

/**
 * Every finished message alice receives, through `messages$` (each said), and both users'
 * timelines of the conversation; resolves once each has joined it.
 */
async function watchConversation({ alice, bob }: Cast, conversationId: string, say: Report['say']): Promise<Watched> {
  const received: string[] = [];
  const messagesSub = alice.messages$.pipe(filter((m) => m.conversationId === conversationId)).subscribe((message) => {
    received.push(message.id);
    say(`${cyan('💬')} ${message.senderName ?? message.senderId}: ${message.plainText ?? ''} ${dim('(messages$)')}`);
  });
  const timeline = alice.timeline(conversationId);
  const timelineSub = timeline.messages$.subscribe();
  await joined(alice, conversationId);
  const bobTimeline = bob.timeline(conversationId);
  const bobSub = bobTimeline.messages$.subscribe();
  await joined(bob, conversationId);
  return { timeline, received, subscriptions: [messagesSub, timelineSub, bobSub] };
}

/** Resolves once `client`'s chat hub has joined the conversation (fails after 10 s). */
async function joined(client: ChatClient, conversationId: string): Promise<void> {
  await firstValueFrom(
    client.realtime.chat.joinedConversations$.pipe(
      filter((ids) => ids.has(conversationId)),
      timeout(10_000),
    ),
  );
}

/** Bob says hi over the hub; echo-bot answers him too: resolves once that reply is in alice's timeline. */
async function greet({ bob, aliceName, bobName }: Cast, conversationId: string, timeline: Timeline): Promise<void> {
  await firstValueFrom(
    bob.realtime.chat.sendMessage({
      conversationId,
      blocks: [{ $type: 'text', format: 'Plain', content: `Hi ${aliceName}!`, plainText: `Hi ${aliceName}!` }],
    }),
  );
  // echo-bot answers bob too; let that reply finish before alice asks her question.
  await firstValueFrom(
    timeline.messages$.pipe(
      filter((ms) => ms.some((m) => m.senderId === bobName) && ms.some((m) => m.senderId === 'echo-bot' && m.status === 'confirmed')),
      timeout(15_000),
    ),
  );
}

/** Alice asks echo-bot a question (sent optimistically); its reply is said chunk by chunk, and checked. */
async function askEchoBot(alice: ChatClient, conversationId: string, timeline: Timeline, report: Report): Promise<void> {
  const { say } = report;
  const question = 'Hello echo-bot, what do you make of reactive streams?';
  const growth: string[] = [];
  const streamSub = alice.streams$.pipe(filter((s) => s.conversationId === conversationId)).subscribe((stream) => {
    if (stream.phase === 'streaming') {
      if (stream.chunkCount === 0) say(`${magenta('🤖')} echo-bot is ${stream.status ?? 'starting'}…`);
      else {
        growth.push(stream.text);
        say(`${magenta('🤖')} ${dim(`[chunk ${stream.chunkCount}]`)} ${stream.text}`);
      }
    }
  });
  const sent = await lastValueFrom(timeline.send(question));
  say(`${green('✔')} sent optimistically: ${sent.status} → ${dim(sent.id)}`);
  const botReply = await firstValueFrom(
    timeline.messages$.pipe(
      map((ms) => ms.find((m) => m.senderId === 'echo-bot' && m.replyToMessageId === sent.id && m.status === 'confirmed')),
      filter((m) => m !== undefined),
      timeout(15_000),
    ),
  );
  streamSub.unsubscribe();
  const grewByPrefix = growth.every((text, i) => i === 0 || text.startsWith(growth[i - 1] as string));
  report.check(
    growth.length > 1 && grewByPrefix && botReply?.plainText === `You said: ${question}`,
    `echo-bot's reply grew in ${growth.length} chunks and completed as "${botReply?.plainText ?? ''}"`,
  );
}

/** Presence changes: bob's notification hub goes away and comes back, and alice sees both. */
async function flickerPresence({ alice, bob, bobName }: Cast): Promise<void> {
  await lastValueFrom(bob.realtime.notifications.disconnect());
  await firstValueFrom(
    alice.realtime.notifications.presence$.pipe(
      filter((m) => m.get(bobName)?.isOnline === false),
      timeout(10_000),
    ),
  );
  await firstValueFrom(bob.realtime.notifications.connect());
  await firstValueFrom(
    alice.realtime.notifications.presence$.pipe(
      filter((m) => m.get(bobName)?.isOnline === true),
      timeout(10_000),
    ),
  );
}

/**
 * The network fails: every socket is killed; bob keeps writing over REST meanwhile. Alice's
 * reconnect is said as it goes; then checks that her timeline and `messages$` recovered what she
 * missed, each message once.
 */
async function killAndRecover(
  cast: Cast,
  conversationId: string,
  { timeline, received }: Watched,
  killSockets: () => Promise<void>,
  report: Report,
): Promise<void> {
  const { alice, aliceName } = cast;
  const { say } = report;
  const states = sayReconnects(alice, aliceName, say);
  const reconnected = firstValueFrom(alice.realtime.chat.rejoined$.pipe(take(1), timeout(20_000)));
  const before = received.length;
  // Watched before the kill: over HTTP (test endpoints) the answer may come after the state changed.
  const lost = firstValueFrom(
    alice.realtime.chat.state$.pipe(
      filter((s) => s.status === 'reconnecting'),
      timeout(10_000),
    ),
  );
  lost.catch(() => undefined); // a kill that failed is the error reported, not this wait
  say(`${yellow('⚡')} the gateway kills every socket (no Close frame)`);
  await killSockets();
  await lost;
  const missed = await sendWhileAway(cast, conversationId, say);
  const rejoined = await reconnected;
  say(`${green('✔')} ${aliceName} re-joined ${rejoined.conversationIds.size} conversation(s) after the reconnect`);
  const everything = await firstValueFrom(
    timeline.messages$.pipe(
      filter(
        (ms) =>
          missed.every((id) => ms.some((m) => m.id === id)) &&
          ms.filter((m) => m.senderId === 'echo-bot' && m.status === 'confirmed').length >= 1 + missed.length,
      ),
      timeout(20_000),
    ),
  );
  states.unsubscribe();
  const ids = everything.map((m) => m.id);
  const inOrder = ids.every((id, i) => i === 0 || (ids[i - 1] as string) < id || id.startsWith('local:'));
  report.check(
    new Set(ids).size === ids.length && inOrder,
    `timeline: all ${missed.length} missed messages recovered, ${ids.length} messages, no duplicates, in server order`,
  );
  const viaMessages = received.slice(before);
  report.check(
    missed.every((id) => viaMessages.includes(id)) && new Set(received).size === received.length,
    `messages$: each missed message delivered exactly once`,
  );
}

/** Says each reconnect attempt of `client`'s chat hub and its connecting again, until unsubscribed. */
function sayReconnects(client: ChatClient, name: string, say: Report['say']): Subscription {
  return client.realtime.chat.state$.pipe(skip(1)).subscribe((state) => {
    if (state.status === 'reconnecting')
      say(`${yellow('⚡')} ${name}: reconnecting (attempt ${state.attempt}, next try in ${state.nextDelayMs / 1000} s)`);
    if (state.status === 'connected') say(`${green('✔')} ${name}: connected again ${dim(`(connection ${state.connectionId ?? '?'})`)}`);
  });
}

/** Bob sends 5 messages over REST while alice is away; resolves with their ids. */
async function sendWhileAway({ bob, aliceName, bobName }: Cast, conversationId: string, say: Report['say']): Promise<string[]> {
  const missed: string[] = [];
  for (let i = 1; i <= 5; i++) {
    const text = `message ${i} sent while ${aliceName} was away`;
    const message = await firstValueFrom(
      bob.messages.send(conversationId, { blocks: [{ $type: 'text', format: 'Plain', content: text, plainText: text }] }),
    );
    missed.push(message.id);
  }
  say(`${dim(`   ${bobName} sent 5 messages over REST meanwhile`)}`);
  return missed;
}

/**
 * The faults of a gateway the demo did not start, through its test endpoints: `killSockets` when
 * `GET /_test/requests` answers 200 (the endpoints are on), else undefined and `why` not.
 */
async function remoteFaults(url: string): Promise<{ readonly killSockets?: () => Promise<void>; readonly why: string }> {
  let status: number;
  try {
    const probe = await fetch(`${url}/_test/requests`, { signal: AbortSignal.timeout(5000) });
    status = probe.status;
    await probe.body?.cancel();
  } catch (error) {
    return { why: `GET /_test/requests failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (status !== 200) return { why: `GET /_test/requests answered ${status}` };
  return {
    why: 'test endpoints on',
    killSockets: async () => {
      const response = await fetch(`${url}/_test/faults/kill`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
        signal: AbortSignal.timeout(5000),
      });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`POST /_test/faults/kill answered ${response.status}`);
    },
  };
}
