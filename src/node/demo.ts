import { filter, firstValueFrom, lastValueFrom, map, skip, take, timeout } from 'rxjs';
import { createChatClient, type ChatClient } from '../client.js';
import type { Gateway } from '../gateway/index.js';
import { startGateway } from '../gateway/index.js';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Run against this gateway instead of starting the embedded one. */
  readonly url?: string;
  /** The two dev users (and their password on a gateway that checks it). @default alice, bob */
  readonly users?: readonly [string, string];
  readonly password?: string;
  /** Where the lines go. @default process.stdout */
  readonly out?: NodeJS.WritableStream;
  /** Where notes about parts of the tour that are skipped go. @default process.stderr */
  readonly err?: NodeJS.WritableStream;
  /** Fail if the demo takes longer than this. @default 30000 */
  readonly timeoutMs?: number;
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
  const out = options.out ?? process.stdout;
  const say = (line: string): void => void out.write(`${line}\n`);
  const started = Date.now();
  let gateway: Gateway | undefined;
  const clients: ChatClient[] = [];
  let problems = 0;
  const check = (ok: boolean, what: string): void => {
    if (ok) say(`${green('✔')} ${what}`);
    else {
      problems += 1;
      say(`${yellow('✘')} ${what}`);
    }
  };
  try {
    let url = options.url;
    /** Kills every hub socket of the gateway (no Close frame), or undefined when the demo cannot. */
    let killSockets: (() => Promise<void>) | undefined;
    if (url === undefined) {
      const embedded = await startGateway({ port: 0, bot: { startDelayMs: 150, statusDelayMs: 400, chunkDelayMs: 180, chunks: 8 } });
      gateway = embedded;
      url = embedded.url;
      killSockets = async () => embedded.faults.killSockets();
      say(`${cyan('▶')} chat-client-rx demo — embedded Chat Gateway at ${url}`);
    } else {
      say(`${cyan('▶')} chat-client-rx demo — gateway at ${url}`);
      const faults = await remoteFaults(url);
      killSockets = faults.killSockets;
      if (killSockets === undefined) {
        (options.err ?? process.stderr).write(
          `chat-rx demo: skipping the reconnect-and-recover part: it kills the gateway's connections through its test endpoints (/_test/faults/*), and ${url} has none (${faults.why}); ` +
            `start that gateway with \`chat-rx gateway --test-endpoints\`, or run the demo without --url, to see it\n`,
        );
      }
    }
    const [aliceName, bobName] = options.users ?? ['alice', 'bob'];
    const password = options.password ?? 'demo';
    const alice = createChatClient({ baseUrl: url });
    const bob = createChatClient({ baseUrl: url });
    clients.push(alice, bob);

    await firstValueFrom(alice.auth.loginWithDev(aliceName, password));
    await firstValueFrom(bob.auth.loginWithDev(bobName, password));
    check(
      alice.currentUser?.id === aliceName && bob.currentUser?.id === bobName,
      `logged in ${aliceName} and ${bobName} (dev logins, tokens kept by the client)`,
    );

    const conversation = await firstValueFrom(alice.groupConversation([bobName, 'echo-bot'], { name: 'Demo' }));
    say(`${green('✔')} conversation ${dim(conversation.id)} "Demo" with ${aliceName}, ${bobName} and echo-bot`);

    await firstValueFrom(alice.connect());
    await firstValueFrom(bob.connect());
    say(`${green('✔')} both clients connected to /hubs/notifications and /hubs/chat`);

    // Presence: alice watches bob.
    const presence: string[] = [];
    const presenceSub = alice.realtime.notifications.presence$.subscribe((map) => {
      const bobPresence = map.get(bobName);
      if (!bobPresence) return;
      const line = bobPresence.isOnline ? `${bobName} is online` : `${bobName} went offline (last seen ${bobPresence.lastSeenAt ?? '?'})`;
      if (presence[presence.length - 1] !== line) {
        presence.push(line);
        say(`${magenta('◆')} presence: ${line}`);
      }
    });
    await firstValueFrom(alice.realtime.notifications.subscribeToPresence([bobName]));

    // Every finished message alice receives, through messages$.
    const received: string[] = [];
    const messagesSub = alice.messages$.pipe(filter((m) => m.conversationId === conversation.id)).subscribe((message) => {
      received.push(message.id);
      say(`${cyan('💬')} ${message.senderName ?? message.senderId}: ${message.plainText ?? ''} ${dim('(messages$)')}`);
    });
    const timeline = alice.timeline(conversation.id);
    const timelineSub = timeline.messages$.subscribe();
    await firstValueFrom(
      alice.realtime.chat.joinedConversations$.pipe(
        filter((ids) => ids.has(conversation.id)),
        timeout(10_000),
      ),
    );
    const bobTimeline = bob.timeline(conversation.id);
    const bobSub = bobTimeline.messages$.subscribe();
    await firstValueFrom(
      bob.realtime.chat.joinedConversations$.pipe(
        filter((ids) => ids.has(conversation.id)),
        timeout(10_000),
      ),
    );

    await firstValueFrom(
      bob.realtime.chat.sendMessage({
        conversationId: conversation.id,
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

    // The bot's reply, chunk by chunk.
    const question = 'Hello echo-bot, what do you make of reactive streams?';
    const growth: string[] = [];
    const streamSub = alice.streams$.pipe(filter((s) => s.conversationId === conversation.id)).subscribe((stream) => {
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
    check(
      growth.length > 1 && grewByPrefix && botReply?.plainText === `You said: ${question}`,
      `echo-bot's reply grew in ${growth.length} chunks and completed as "${botReply?.plainText ?? ''}"`,
    );

    // Presence changes: bob's notification hub goes away and comes back.
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

    // The network fails: every socket is killed; bob keeps writing over REST meanwhile.
    if (killSockets !== undefined) {
      const states = alice.realtime.chat.state$.pipe(skip(1)).subscribe((state) => {
        if (state.status === 'reconnecting')
          say(`${yellow('⚡')} ${aliceName}: reconnecting (attempt ${state.attempt}, next try in ${state.nextDelayMs / 1000} s)`);
        if (state.status === 'connected')
          say(`${green('✔')} ${aliceName}: connected again ${dim(`(connection ${state.connectionId ?? '?'})`)}`);
      });
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
      const missed: string[] = [];
      for (let i = 1; i <= 5; i++) {
        const text = `message ${i} sent while ${aliceName} was away`;
        const message = await firstValueFrom(
          bob.messages.send(conversation.id, { blocks: [{ $type: 'text', format: 'Plain', content: text, plainText: text }] }),
        );
        missed.push(message.id);
      }
      say(`${dim(`   ${bobName} sent 5 messages over REST meanwhile`)}`);
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
      check(
        new Set(ids).size === ids.length && inOrder,
        `timeline: all ${missed.length} missed messages recovered, ${ids.length} messages, no duplicates, in server order`,
      );
      const viaMessages = received.slice(before);
      check(
        missed.every((id) => viaMessages.includes(id)) && new Set(received).size === received.length,
        `messages$: each missed message delivered exactly once`,
      );
    }

    presenceSub.unsubscribe();
    messagesSub.unsubscribe();
    timelineSub.unsubscribe();
    bobSub.unsubscribe();
    check(presence.length >= 3, `presence followed ${bobName}: ${presence.length} changes`);
  } catch (error) {
    problems += 1;
    say(`${yellow('✘')} demo failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await Promise.all(clients.map((client) => client.disconnect()));
    await gateway?.close();
  }
  say(`${problems === 0 ? green('done') : yellow(`${problems} problem(s)`)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return problems;
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
