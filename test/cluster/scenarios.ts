/**
 * The scale-out scenarios (issue 20; docs/scale-out.md), run by scripts/test-cluster.mjs against
 * two gateway nodes with a Redis backplane and PostgreSQL behind HAProxy. Every client talks to
 * the load balancer's URL only (the nodes' own URLs serve `/_test/connections`, to see where each
 * connection landed). Each scenario prints what was sent, delivered live, recovered through
 * history, duplicated, lost, and how long recovery took; any loss, duplicate or disorder fails the run.
 *
 * Usage (through the script): npm run test:cluster [-- scenario-name…]
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { filter, firstValueFrom, timeout } from 'rxjs';
import { createChatClient } from '../../src/client.js';
import {
  closeAll,
  control,
  Driver,
  type Figures,
  follow,
  history,
  LB_URL,
  type Member,
  member,
  NODES,
  placement,
  settle,
  sleep,
  text,
  unique,
  untilComplete,
  untilRecovered,
  waitFor,
} from './cluster-kit.js';

/** The gateway's heartbeat timeout (3 s, Cluster/ClusterNode.cs) plus a beat and the reconnects. */
const DEAD_NODE_SWEEP_MS = 5000;

const log = (line: string): void => {
  process.stdout.write(`[cluster] ${line}\n`);
};

/** Members until both nodes hold at least one chat connection (round-robin makes that quick). */
async function spread(names: readonly string[], options: Parameters<typeof member>[1] = {}): Promise<Member[]> {
  const members: Member[] = [];
  for (const name of names) members.push(await member(name, options));
  for (let extra = 0; extra < 6; extra++) {
    const where = await placement();
    const nodes = new Set(members.flatMap((m) => where.get(m.id)?.chat ?? []));
    if (nodes.size >= Object.keys(NODES).length) break;
    members.push(await member(`extra${extra}`, options));
  }
  return members;
}

async function chatNodes(members: readonly Member[]): Promise<Map<string, string>> {
  const where = await placement();
  return new Map(members.map((m) => [m.id, (where.get(m.id)?.chat ?? ['?']).join('+')]));
}

function describe(members: readonly Member[], nodes: Map<string, string>): string {
  return members.map((m) => `${m.name}@${nodes.get(m.id)}`).join(', ');
}

/** A REST-only sender (no hubs) that is a member of every conversation. */
async function restSender(): Promise<{ client: ReturnType<typeof createChatClient>; id: string }> {
  const client = createChatClient({ baseUrl: LB_URL });
  const { user } = await firstValueFrom(client.auth.loginWithDev(unique('driver'), 'pw'));
  return { client, id: user.id };
}

async function groups(owner: ReturnType<typeof createChatClient>, memberIds: readonly string[], count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push((await firstValueFrom(owner.groupConversation(memberIds, { name: unique('room') }))).id);
  return ids;
}

/** `count` group conversations of a REST sender with `memberIds`, each followed by every member. */
async function followedGroups(
  members: readonly Member[],
  count: number,
  extraIds: readonly string[] = [],
): Promise<{ sender: Awaited<ReturnType<typeof restSender>>; conversations: string[] }> {
  const sender = await restSender();
  const conversations = await groups(sender.client, [...members.map((m) => m.id), ...extraIds], count);
  for (const m of members) for (const c of conversations) await follow(m, c);
  return { sender, conversations };
}

/** Forgets when each member last lost and regained its connection; the fault's start time. */
function markFault(members: readonly Member[]): number {
  for (const m of members) {
    m.lostAt = null;
    m.reconnectedAt = null;
  }
  return Date.now();
}

/** The figures once the driver stopped: every member complete, compared with the history; the driver's failed sends count as lost. */
async function finish(
  members: readonly Member[],
  conversations: readonly string[],
  driver: Driver,
  notes: string[],
  recoverMs: number,
): Promise<Figures> {
  await untilComplete(members, driver);
  const f = await settle(members, conversations, driver.acked.size, notes);
  f.recoverMs = recoverMs;
  if (driver.failed > 0) f.lost += driver.failed;
  return f;
}

async function untilHistory(members: readonly Member[], conversations: readonly string[], timeoutMs = 15_000): Promise<void> {
  const all = new Map<string, string[]>();
  for (const id of conversations)
    all.set(
      id,
      (await history(members[0] as Member, id)).map((m) => m.id),
    );
  await waitFor(
    () =>
      members.every((m) => {
        const have = new Set(m.finished.map((x) => x.id));
        return conversations.every((c) => !m.timelines.has(c) || (all.get(c) ?? []).every((id) => have.has(id)));
      }),
    timeoutMs,
    'every member to hold the whole history',
  ).catch(() => undefined);
}

// ------------------------------------------------------------------ scenarios

/** Users on different nodes: messages, typing, presence and a bot stream cross the backplane. */
async function crossNode(): Promise<Figures> {
  const members = await spread(['alice', 'bob', 'carol', 'dave']);
  const notes: string[] = [];
  try {
    const nodes = await chatNodes(members);
    notes.push(`chat connections: ${describe(members, nodes)}`);
    const [a] = members as [Member];
    const b = members.find((m) => nodes.get(m.id) !== nodes.get(a.id));
    if (!b) throw new Error('no two members on different nodes');
    const conversation = (
      await firstValueFrom(a.client.groupConversation([...members.slice(1).map((m) => m.id), 'echo-bot'], { name: unique('cross') }))
    ).id;
    for (const m of members) await follow(m, conversation);

    // Messages from every member, over the hub.
    let sent = 0;
    for (let round = 0; round < 3; round++) {
      for (const m of members) {
        const ack = await firstValueFrom(
          m.client.realtime.chat.sendMessage({
            conversationId: conversation,
            blocks: text(`${m.name} ${round}`),
            clientMessageId: unique('hub'),
          }),
        );
        if (!ack.success) throw new Error(`${m.name}: send refused: ${ack.errorMessage}`);
        sent += 1;
      }
    }

    // Typing from a to b (another node).
    const typing = firstValueFrom(
      b.client.timeline(conversation).typing$.pipe(
        filter((list) => list.some((p) => p.participantId === a.id)),
        timeout(5000),
      ),
    );
    await sleep(100);
    await firstValueFrom(a.client.realtime.chat.startTyping(conversation), { defaultValue: undefined });
    await typing;
    notes.push(`typing ${nodes.get(a.id)} → ${nodes.get(b.id)}: seen`);

    // Presence: b subscribes to a newcomer, who comes and goes.
    const newcomer = await member('erin');
    let presence: ReadonlyMap<string, { isOnline: boolean }> = new Map();
    b.subscriptions.push(b.client.realtime.notifications.presence$.subscribe((map) => (presence = map)));
    await firstValueFrom(b.client.realtime.notifications.subscribeToPresence([newcomer.id]), { defaultValue: undefined });
    await waitFor(() => presence.get(newcomer.id)?.isOnline === true, 5000, 'b to see erin online');
    const erinNodes = (await placement()).get(newcomer.id)?.notifications.join('+');
    await closeAll([newcomer]);
    await waitFor(() => presence.get(newcomer.id)?.isOnline === false, 5000, 'b to see erin offline');
    notes.push(`presence of erin (notifications@${erinNodes}) seen online then offline by bob's notification hub`);

    // The echo bot replies on the node that took the message; b watches the stream.
    const stream = firstValueFrom(
      b.client.streams$.pipe(
        filter((s) => s.conversationId === conversation && s.phase === 'completed' && s.text.includes('stream check')),
        timeout(10_000),
      ),
    );
    const ack = await firstValueFrom(
      a.client.realtime.chat.sendMessage({ conversationId: conversation, blocks: text('stream check'), clientMessageId: unique('hub') }),
    );
    if (!ack.success) throw new Error('stream check refused');
    sent += 1;
    const completed = await stream;
    notes.push(`bot stream of ${completed.chunkCount} chunk(s) "${completed.text}" seen by ${b.name}@${nodes.get(b.id)}`);

    await untilHistory(members, [conversation]);
    return await settle(members, [conversation], sent, notes);
  } finally {
    await closeAll(members);
  }
}

/** Messages flow in several conversations; the node holding the most chat connections is killed. */
async function nodeKill(state: { killed?: string }): Promise<Figures> {
  const members = await spread(['k1', 'k2', 'k3', 'k4', 'k5', 'k6']);
  const notes: string[] = [];
  try {
    const { sender, conversations } = await followedGroups(members, 3);
    const before = await chatNodes(members);
    const counts = new Map<string, number>();
    for (const node of before.values()) counts.set(node, (counts.get(node) ?? 0) + 1);
    const victim = [...counts.entries()].filter(([n]) => n in NODES).sort((x, y) => y[1] - x[1])[0]?.[0] ?? 'node1';
    state.killed = victim;
    const onVictim = members.filter((m) => before.get(m.id) === victim);
    notes.push(`before: ${describe(members, before)}; killing ${victim} (${onVictim.length} chat connection(s))`);

    const driver = new Driver(sender.client, conversations);
    driver.start();
    await sleep(1500);
    const t = markFault(members);
    await control(`/node/${victim}/kill`);
    await sleep(2000); // messages keep flowing while the clients move
    const recoverMs = await untilRecovered(members, driver, t);
    // The survivor notices the dead node (heartbeat) and sends its own clients to reconnect, so
    // they also recover what the dead node stored but never announced.
    await sleep(DEAD_NODE_SWEEP_MS);
    await driver.stop();
    const after = await chatNodes(members);
    notes.push(`after: ${describe(members, after)}`);
    const moved = onVictim.filter((m) => after.get(m.id) !== victim && after.get(m.id) !== '?');
    if (moved.length !== onVictim.length) throw new Error(`only ${moved.length} of ${onVictim.length} clients moved off ${victim}`);
    const reconnects = onVictim.map((m) => (m.reconnectedAt && m.lostAt ? m.reconnectedAt - m.lostAt : NaN));
    notes.push(`reconnect (lost → connected) of the ${victim} clients: ${reconnects.map((ms) => `${ms} ms`).join(', ')}`);
    notes.push(`driver: ${driver.retries} REST retries (same clientMessageId), ${driver.failed} failed`);
    return await finish(members, conversations, driver, notes, recoverMs);
  } finally {
    await closeAll(members);
  }
}

/** The killed node comes back, then both nodes restart one at a time (SIGTERM, start, healthy). */
async function rollingRestart(state: { killed?: string }): Promise<Figures> {
  if (state.killed) await control(`/node/${state.killed}/start`);
  const members = await spread(['r1', 'r2', 'r3', 'r4']);
  const notes: string[] = [];
  try {
    const { sender, conversations } = await followedGroups(members, 2);
    notes.push(`before: ${describe(members, await chatNodes(members))}`);
    const driver = new Driver(sender.client, conversations);
    driver.start();
    await sleep(1000);
    let worst = 0;
    for (const node of Object.keys(NODES)) {
      const t = Date.now();
      await control(`/node/${node}/restart`);
      const ms = await untilRecovered(members, driver, t);
      notes.push(`${node} restarted; every client whole again ${ms} ms after the restart began`);
      worst = Math.max(worst, ms);
      await sleep(1000);
    }
    await driver.stop();
    notes.push(`after: ${describe(members, await chatNodes(members))}`);
    notes.push(`driver: ${driver.retries} REST retries, ${driver.failed} failed`);
    return await finish(members, conversations, driver, notes, worst);
  } finally {
    await closeAll(members);
  }
}

/** Redis (the backplane) is killed and restarted while messages flow. */
async function redisRestart(): Promise<Figures> {
  const members = await spread(['b1', 'b2', 'b3', 'b4']);
  const notes: string[] = [];
  try {
    const { sender, conversations } = await followedGroups(members, 2);
    notes.push(`before: ${describe(members, await chatNodes(members))}`);
    const driver = new Driver(sender.client, conversations);
    driver.start();
    await sleep(1000);
    const t = markFault(members);
    await control('/redis/restart?downMs=1500');
    await sleep(1000);
    const recoverMs = await untilRecovered(members, driver, t);
    await sleep(500);
    await driver.stop();
    const dropped = members.filter((m) => m.lostAt !== null).length;
    notes.push(`${dropped} of ${members.length} clients were sent to reconnect by their node once Redis was back`);
    notes.push(`driver: ${driver.retries} REST retries, ${driver.failed} failed`);
    return await finish(members, conversations, driver, notes, recoverMs);
  } finally {
    await closeAll(members);
  }
}

/**
 * The negotiate redirect (as Azure SignalR Service's app server answers): the clients' base URL
 * is a front server that proxies REST to the load balancer and answers each hub negotiate with
 * `{ url: <load balancer>/hubs/…, accessToken }` — a token of its own for the user. Messages, a
 * bot stream, and a node kill through it.
 */
async function negotiateRedirect(): Promise<Figures> {
  let negotiates = 0;
  const front = createServer((req, res) => void frontHandler(req, res, () => (negotiates += 1)));
  await new Promise<void>((done) => front.listen(0, '127.0.0.1', done));
  const frontUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
  const members = await spread(['z1', 'z2', 'z3', 'z4'], { baseUrl: frontUrl });
  const notes: string[] = [];
  try {
    const { sender, conversations } = await followedGroups(members, 2, ['echo-bot']);
    const before = await chatNodes(members);
    notes.push(`front ${frontUrl} answered ${negotiates} negotiate(s) with a redirect; ${describe(members, before)}`);
    const driver = new Driver(sender.client, conversations, 60);
    driver.start();
    await sleep(1500);
    const victim = [...before.values()].find((n) => n in NODES) ?? 'node1';
    const t = Date.now();
    await control(`/node/${victim}/kill`);
    await sleep(1500);
    const recoverMs = await untilRecovered(members, driver, t);
    await sleep(DEAD_NODE_SWEEP_MS);
    await control(`/node/${victim}/start`);
    await driver.stop();
    notes.push(`killed ${victim}; ${negotiates} redirected negotiate(s) in all`);
    return await finish(members, conversations, driver, notes, recoverMs);
  } finally {
    await closeAll(members);
    await new Promise<void>((done) => front.close(() => done()));
  }
}

async function frontHandler(req: IncomingMessage, res: ServerResponse, counted: () => void): Promise<void> {
  try {
    const url = new URL(req.url ?? '/', 'http://front');
    const negotiate = /^\/hubs\/(chat|notifications)\/negotiate$/.exec(url.pathname);
    if (negotiate) {
      counted();
      const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      const sub = JSON.parse(Buffer.from(bearer.split('.')[1] ?? '', 'base64url').toString('utf8') || '{}').sub as string | undefined;
      if (!sub) {
        res.writeHead(401).end();
        return;
      }
      const granted = await fetch(`${LB_URL}/_test/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId: sub }),
      });
      const { token } = (await granted.json()) as { token: string };
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ url: `${LB_URL}/hubs/${negotiate[1]}`, accessToken: token }));
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers))
      if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers.set(k, v);
    const answer = await fetch(`${LB_URL}${url.pathname}${url.search}`, {
      method: req.method ?? 'GET',
      headers,
      ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
    });
    const body = Buffer.from(await answer.arrayBuffer());
    const out: Record<string, string> = {};
    answer.headers.forEach((v, k) => {
      if (k !== 'content-encoding' && k !== 'transfer-encoding' && k !== 'content-length') out[k] = v;
    });
    res.writeHead(answer.status, out).end(body);
  } catch (error) {
    res.writeHead(502).end(String(error));
  }
}

// ------------------------------------------------------------------ main

const all: Array<[string, (state: { killed?: string }) => Promise<Figures>]> = [
  ['cross-node', crossNode],
  ['node-kill', nodeKill],
  ['rolling-restart', rollingRestart],
  ['redis-restart', redisRestart],
  ['negotiate-redirect', negotiateRedirect],
];

async function main(): Promise<number> {
  const only = process.argv.slice(2);
  const state: { killed?: string } = {};
  const rows: string[] = [];
  let failed = 0;
  for (const [name, run] of all) {
    if (only.length > 0 && !only.includes(name)) continue;
    const t0 = Date.now();
    log(`---- ${name}`);
    try {
      const f = await run(state);
      for (const note of f.notes) log(`  ${note}`);
      const ok = f.lost === 0 && f.duplicates === 0 && f.outOfOrder === 0;
      if (!ok) failed += 1;
      const line = `| ${name} | ${f.sent} | ${f.delivered} | ${f.recovered} | ${f.duplicates} | ${f.lost} | ${f.outOfOrder} | ${f.recoverMs === null ? '–' : `${f.recoverMs} ms`} | ${((Date.now() - t0) / 1000).toFixed(1)} s |`;
      rows.push(line);
      log(
        `  ${ok ? 'PASS' : 'FAIL'} ${name}: sent ${f.sent}, delivered ${f.delivered}, recovered through history ${f.recovered}, ` +
          `duplicates ${f.duplicates}, lost ${f.lost}, out of order ${f.outOfOrder}, time to recover ${f.recoverMs === null ? '–' : `${f.recoverMs} ms`}`,
      );
    } catch (error) {
      failed += 1;
      rows.push(`| ${name} | failed: ${error instanceof Error ? error.message : String(error)} | | | | | | | |`);
      log(`  FAIL ${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }
  log('');
  log('| scenario | sent | delivered live | recovered through history | duplicates | lost | out of order | time to recover | took |');
  log('|---|---|---|---|---|---|---|---|---|');
  for (const row of rows) log(row);
  log(`${rows.length - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(`failed: ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(1);
  },
);
