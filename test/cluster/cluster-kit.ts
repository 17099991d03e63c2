/**
 * What the cluster scenarios share: clients on the load balancer, the control server of
 * scripts/test-cluster.mjs, where each user's hub connections landed, a REST message driver that
 * retries (same clientMessageId) through node failures, and the ledger that compares what each
 * client got with the shared history.
 */
import { firstValueFrom, type Subscription } from 'rxjs';
import { type ChatClient, createChatClient } from '../../src/client.js';
import type { ChatMessageDto, MessageDto } from '../../src/codecs/index.js';
import type { TimelineMessage } from '../../src/streams/timeline-message.js';

export const LB_URL = process.env.CLUSTER_LB_URL ?? '';
export const CONTROL_URL = process.env.CLUSTER_CONTROL_URL ?? '';
export const NODES: Record<string, string> = JSON.parse(process.env.CLUSTER_NODES ?? '{}');

export const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));
let counter = 0;
export const unique = (prefix: string): string => `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}`;

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (await check()) return Date.now() - t0;
    await sleep(25);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** The control server: kill / stop / start / restart a node, restart Redis. */
export async function control(path: string): Promise<void> {
  const response = await fetch(`${CONTROL_URL}${path}`, { method: 'POST' });
  if (response.status !== 204) throw new Error(`control ${path}: ${response.status} ${await response.text()}`);
}

/** Which node holds each user's chat / notification connections (asked of each node directly). */
export async function placement(): Promise<Map<string, { chat: string[]; notifications: string[] }>> {
  const byUser = new Map<string, { chat: string[]; notifications: string[] }>();
  for (const [node, url] of Object.entries(NODES)) {
    let body: { connections: Array<{ userId: string | null; path: string | null }> };
    try {
      body = (await (await fetch(`${url}/_test/connections`, { signal: AbortSignal.timeout(2000) })).json()) as typeof body;
    } catch {
      continue; // a node that is down holds nobody
    }
    for (const c of body.connections) {
      if (!c.userId) continue;
      const entry = byUser.get(c.userId) ?? { chat: [], notifications: [] };
      (c.path?.includes('notifications') ? entry.notifications : entry.chat).push(node);
      byUser.set(c.userId, entry);
    }
  }
  return byUser;
}

export interface Member {
  readonly name: string;
  readonly id: string;
  readonly client: ChatClient;
  /** Ids of every messageReceived / completed stream the hub delivered live. */
  readonly live: Set<string>;
  /** Everything messages$ gave, in order. */
  readonly finished: TimelineMessage[];
  /** conversation → the timeline's latest list. */
  readonly timelines: Map<string, readonly TimelineMessage[]>;
  readonly subscriptions: Subscription[];
  /** When the chat hub last left / came back to `connected` (ms since the epoch). */
  lostAt: number | null;
  reconnectedAt: number | null;
}

export interface ClientOptions {
  readonly baseUrl?: string;
  readonly hubs?: Record<string, unknown>;
}

/** A dev user on the load balancer, both hubs connected, recording live messages and messages$. */
export async function member(name: string, options: ClientOptions = {}): Promise<Member> {
  const client = createChatClient({
    baseUrl: options.baseUrl ?? LB_URL,
    // Short waits: a node that dies must not cost the user the default 2 s / 5 s / 10 s.
    hubs: { reconnectDelays: [100, 250, 500, 1000], maxReconnectAttempts: 200, ...(options.hubs ?? {}) },
  });
  const { user } = await firstValueFrom(client.auth.loginWithDev(unique(name), 'pw'));
  const m: Member = {
    name,
    id: user.id,
    client,
    live: new Set(),
    finished: [],
    timelines: new Map(),
    subscriptions: [],
    lostAt: null,
    reconnectedAt: null,
  };
  m.subscriptions.push(
    client.realtime.chat.on('messageReceived').subscribe((msg: ChatMessageDto) => m.live.add(msg.id)),
    client.realtime.chat.on('streamCompleted').subscribe((e: { message: ChatMessageDto }) => m.live.add(e.message.id)),
    client.messages$.subscribe((msg) => m.finished.push(msg)),
    client.realtime.chat.state$.subscribe((s) => {
      if (s.status === 'reconnecting' && m.lostAt === null) m.lostAt = Date.now();
      if (s.status === 'connected' && m.lostAt !== null) m.reconnectedAt = Date.now();
    }),
  );
  await firstValueFrom(client.connect(), { defaultValue: undefined });
  return m;
}

/** Follows a conversation with a timeline (which joins it on the chat hub). */
export async function follow(m: Member, conversationId: string): Promise<void> {
  m.subscriptions.push(m.client.timeline(conversationId).messages$.subscribe((list) => m.timelines.set(conversationId, list)));
  await waitFor(() => m.client.realtime.chat.joinedConversations.has(conversationId), 10_000, `${m.name} to join ${conversationId}`);
}

export async function closeAll(members: readonly Member[]): Promise<void> {
  for (const m of members) for (const s of m.subscriptions.splice(0)) s.unsubscribe();
  await Promise.all(members.map((m) => m.client.disconnect()));
}

export const text = (content: string) => [{ $type: 'text' as const, format: 'Plain' as const, content, plainText: content }];

/**
 * Sends messages over REST through the load balancer (round-robin across the nodes: no
 * affinity cookie) while started. A request that gets no answer or a 5xx is sent again with the
 * same clientMessageId (the gateway keeps each one once), so every message is either acked or
 * reported failed; none is sent twice.
 */
export class Driver {
  readonly acked = new Map<string, { conversationId: string; at: number }>();
  failed = 0;
  retries = 0;
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly sender: ChatClient,
    private readonly conversationIds: readonly string[],
    private readonly everyMs = 40,
  ) {}

  start(): void {
    this.running = true;
    this.loop = (async () => {
      let i = 0;
      const inFlight = new Set<Promise<void>>();
      while (this.running) {
        const conversationId = this.conversationIds[i % this.conversationIds.length] as string;
        const p = this.send(conversationId, `m${i}`).finally(() => inFlight.delete(p));
        inFlight.add(p);
        i += 1;
        await sleep(this.everyMs);
      }
      await Promise.all(inFlight);
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  async send(conversationId: string, content: string): Promise<void> {
    const clientMessageId = unique('drv');
    for (let attempt = 0; attempt < 40; attempt++) {
      try {
        const sent = await firstValueFrom(this.sender.messages.send(conversationId, { blocks: text(content), clientMessageId }));
        this.acked.set(sent.id, { conversationId, at: Date.now() });
        return;
      } catch (error) {
        const status = (error as { status?: unknown }).status;
        if (typeof status === 'number' && status > 0 && status < 500) break;
        this.retries += 1;
        await sleep(250);
      }
    }
    this.failed += 1;
  }
}

/** The whole history of a conversation, oldest first, as one member sees it (REST, through the load balancer). */
export async function history(m: Member, conversationId: string): Promise<MessageDto[]> {
  const all: MessageDto[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await firstValueFrom(
      m.client.messages.getHistory(conversationId, { limit: 100, direction: 'newer', ...(cursor ? { cursor } : {}) }),
    );
    all.push(...page.items);
    if (!page.hasMore || !page.nextCursor) return all;
    cursor = page.nextCursor;
  }
}

export interface Figures {
  sent: number;
  delivered: number;
  recovered: number;
  duplicates: number;
  lost: number;
  outOfOrder: number;
  recoverMs: number | null;
  notes: string[];
}

/**
 * Compares, for each member and conversation, `messages$` and the timeline with the shared
 * history: every message exactly once (lost, duplicates, phantoms counted as lost), the timeline
 * in history order, `messages$` in history order within what came live and within what came
 * back through gap recovery (recovered messages come after the live ones that overtook them:
 * "arrival order", as documented).
 */
export async function settle(
  members: readonly Member[],
  conversations: readonly string[],
  sent: number,
  notes: string[] = [],
): Promise<Figures> {
  const f: Figures = { sent, delivered: 0, recovered: 0, duplicates: 0, lost: 0, outOfOrder: 0, recoverMs: null, notes };
  // Bot replies to the last messages may still be streaming: let them finish before the history is read.
  await sleep(1000);
  for (const m of members) {
    for (const conversationId of conversations) {
      if (!m.timelines.has(conversationId)) continue;
      const ids = (await history(m, conversationId)).map((x) => x.id);
      const index = new Map(ids.map((id, i) => [id, i]));
      const finished = m.finished.filter((x) => x.conversationId === conversationId);
      const given = finished.map((x) => x.id);
      const held = m.timelines.get(conversationId) ?? [];
      // A bot reply that was streaming on a node that died was never stored: the timeline keeps
      // it as an aborted (or still streaming) placeholder, not a message of the history.
      const interrupted = held.filter((x) => x.status === 'aborted' || x.status === 'streaming');
      if (interrupted.length > 0)
        notes.push(
          `${m.name} timeline ${conversationId}: ${interrupted.length} interrupted bot stream(s) (${interrupted.map((x) => x.status).join(', ')}), never stored`,
        );
      const timeline = held
        .filter((x) => !x.id.startsWith('local:') && x.status !== 'aborted' && x.status !== 'streaming')
        .map((x) => x.id);
      for (const [what, list] of [
        ['messages$', given],
        ['timeline', timeline],
      ] as const) {
        const seen = new Set(list);
        const dup = list.length - seen.size;
        const missing = ids.filter((id) => !seen.has(id));
        const phantom = list.filter((id) => !index.has(id));
        f.duplicates += dup;
        f.lost += missing.length + phantom.length;
        if (dup + missing.length + phantom.length > 0)
          notes.push(
            `${m.name} ${what} ${conversationId}: ${dup} duplicate(s), missing [${missing.join(', ')}], not in history [${phantom.join(', ')}]`,
          );
      }
      if (timeline.join() !== ids.filter((id) => timeline.includes(id)).join()) {
        f.outOfOrder += 1;
        notes.push(`${m.name} timeline ${conversationId} is not in history order`);
      }
      const liveOnes = given.filter((id) => m.live.has(id));
      const backOnes = given.filter((id) => !m.live.has(id));
      // A bot reply's id is taken when its stream starts and it is given when the stream
      // completes, after what was said meanwhile: by design not in id order in messages$.
      const bots = new Set(finished.filter((x) => x.senderType === 'Bot').map((x) => x.id));
      for (const [what, list] of [
        ['live', liveOnes.filter((id) => !bots.has(id))],
        ['recovered', backOnes.filter((id) => !bots.has(id))],
      ] as const) {
        for (let i = 1; i < list.length; i++) {
          if ((index.get(list[i] as string) ?? 0) < (index.get(list[i - 1] as string) ?? 0)) {
            f.outOfOrder += 1;
            notes.push(`${m.name} messages$ ${conversationId}: ${what} ${list[i]} came after the later ${list[i - 1]}`);
          }
        }
      }
      f.delivered += liveOnes.length;
      f.recovered += backOnes.length;
    }
  }
  return f;
}

/**
 * Polls until every member is connected again and holds (in messages$) every message acked at
 * least `slackMs` ago in the conversations it follows; answers how long that took from `since`.
 */
export async function untilRecovered(
  members: readonly Member[],
  driver: Driver,
  since: number,
  timeoutMs = 60_000,
  slackMs = 300,
): Promise<number> {
  await waitFor(
    () => {
      const cutoff = Date.now() - slackMs;
      return members.every((m) => {
        if (m.client.realtime.chat.status.status !== 'connected') return false;
        const have = new Set(m.finished.map((x) => x.id));
        for (const [id, { conversationId, at }] of driver.acked) {
          if (at <= cutoff && at >= since - 60_000 && m.timelines.has(conversationId) && !have.has(id)) return false;
        }
        return true;
      });
    },
    timeoutMs,
    'every client to be connected and hold every acked message',
  );
  return Date.now() - since;
}

/** Waits until every member's messages$ holds every acked message (after the driver stopped). */
export async function untilComplete(members: readonly Member[], driver: Driver, timeoutMs = 30_000): Promise<void> {
  await waitFor(
    () =>
      members.every((m) => {
        const have = new Set(m.finished.map((x) => x.id));
        for (const [id, { conversationId }] of driver.acked) if (m.timelines.has(conversationId) && !have.has(id)) return false;
        return true;
      }),
    timeoutMs,
    'every acked message to reach every client',
  ).catch(() => undefined); // settle() reports what is missing
}
