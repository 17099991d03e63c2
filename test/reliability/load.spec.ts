/**
 * Load: 50 clients (each `createChatClient`, both hubs connected, one timeline each) in 5
 * conversations of 10 on the embedded gateway; 20,000 fanned-out `messageReceived` deliveries in
 * all — 50 real REST sends and 50 real hub sends (1,000 deliveries) and 1,900 `emitRaw` events
 * (19,000 deliveries, for speed). Every client must get exactly its share (400) on the raw hub
 * event, on `messages$` and in its timeline; the heap after GC must not keep growing between the
 * first and the second half of the load; nobody is starved.
 *
 * The heap is measured after `global.gc()` when the process runs with `--expose-gc` (mocha
 * cannot set it per file: run `node --expose-gc node_modules/mocha/bin/mocha.js …` or
 * `NODE_OPTIONS=--expose-gc`); without it the bounds are looser, since garbage is counted.
 */
import { expect } from 'chai';
import { firstValueFrom, type Subscription } from 'rxjs';
import { type ChatClient, createChatClient } from '../../src/client.js';
import type { ChatMessageDto } from '../../src/codecs/index.js';
import { startTestGateway, type TestGateway, uniqueName } from '../support/test-gateway.js';
import { waitFor } from '../support/wait.js';

const CLIENTS = 50;
const CONVERSATIONS = 5;
const PER_CONVERSATION = CLIENTS / CONVERSATIONS;
const TOTAL_DELIVERIES = 20_000;
const REAL_REST_PER_CONVERSATION = 10;
const REAL_HUB_PER_CONVERSATION = 10;
const RAW_PER_CONVERSATION = TOTAL_DELIVERIES / (CONVERSATIONS * PER_CONVERSATION) - REAL_REST_PER_CONVERSATION - REAL_HUB_PER_CONVERSATION; // 380
const SHARE = RAW_PER_CONVERSATION + REAL_REST_PER_CONVERSATION + REAL_HUB_PER_CONVERSATION; // 400 per client
const MARK = 'load:';

const gc = (globalThis as { gc?: () => void }).gc;
const heapAfterGc = async (): Promise<number> => {
  if (gc) {
    for (let i = 0; i < 3; i++) {
      gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return process.memoryUsage().heapUsed;
};
const yieldToIo = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const text = (t: string) => [{ $type: 'text' as const, format: 'Plain' as const, content: t, plainText: t }];

interface Member {
  readonly client: ChatClient;
  readonly id: string;
  readonly conversation: number;
  raw: number;
  finished: number;
  inTimeline: number;
  doneAt: number;
}

describe('reliability: load (50 clients, 20,000 deliveries)', function () {
  this.timeout(90_000);
  let gateway: TestGateway;
  const members: Member[] = [];
  const conversationIds: string[] = [];
  const subscriptions: Subscription[] = [];
  const deaths: string[] = [];

  before(async function () {
    this.timeout(60_000);
    gateway = await startTestGateway({ bot: false });
    const logins = await Promise.all(
      Array.from({ length: CLIENTS }, async (_, i) => {
        const client = createChatClient({
          baseUrl: gateway.url,
          hubs: { reconnectDelays: [100, 200, 400] },
          timeline: { maxMessages: 100 },
        });
        const { user } = await firstValueFrom(client.auth.loginWithDev(uniqueName(`load-${i}`), 'pw'));
        return { client, id: user.id };
      }),
    );
    for (let k = 0; k < CONVERSATIONS; k++) {
      const group = logins.slice(k * PER_CONVERSATION, (k + 1) * PER_CONVERSATION);
      const owner = group[0] as (typeof group)[number];
      const conversation = await firstValueFrom(
        owner.client.groupConversation(
          group.slice(1).map((m) => m.id),
          { name: `load-${k}` },
        ),
      );
      conversationIds.push(conversation.id);
      for (const { client, id } of group) members.push({ client, id, conversation: k, raw: 0, finished: 0, inTimeline: 0, doneAt: 0 });
    }
    // Connect in waves of 10 (100 hub connections in all).
    for (let i = 0; i < members.length; i += 10) {
      await Promise.all(members.slice(i, i + 10).map((m) => firstValueFrom(m.client.connect(), { defaultValue: undefined })));
    }
    for (const member of members) {
      const conversationId = conversationIds[member.conversation] as string;
      subscriptions.push(
        member.client.realtime.chat.on('messageReceived').subscribe((m) => {
          if (m.plainTextContent?.startsWith(MARK) === true) {
            member.raw += 1;
            if (member.raw === SHARE) member.doneAt = Date.now();
          }
        }),
        member.client.messages$.subscribe({
          next: (m) => (m.plainText?.startsWith(MARK) === true ? (member.finished += 1) : undefined),
          error: (error: unknown) => deaths.push(`messages$ of ${member.id}: ${String(error)}`),
        }),
        member.client.timeline(conversationId).messages$.subscribe({
          next: (list) => (member.inTimeline = list.filter((m) => m.plainText?.startsWith(MARK) === true).length),
          error: (error: unknown) => deaths.push(`timeline of ${member.id}: ${String(error)}`),
        }),
      );
    }
    await waitFor(
      () => members.every((m) => m.client.realtime.chat.joinedConversations.has(conversationIds[m.conversation] as string)),
      20_000,
      'every client to join',
    );
  });

  after(async function () {
    this.timeout(30_000);
    for (const s of subscriptions.splice(0)) s.unsubscribe();
    await Promise.all(members.map((m) => m.client.disconnect()));
    await gateway?.close();
  });

  let counter = 0;
  const rawMessage = (k: number): ChatMessageDto => {
    counter += 1;
    const id = `01LOAD${String(counter).padStart(20, '0')}`;
    return {
      id,
      conversationId: conversationIds[k] as string,
      senderId: 'load-generator',
      senderName: 'Load',
      senderType: 'User',
      blocks: text(`${MARK}${id}`),
      plainTextContent: `${MARK}${id}`,
      replyToMessageId: null,
      quickReplies: null,
      isEdited: false,
      reactions: null,
      mentions: null,
      createdAt: new Date().toISOString(),
      updatedAt: null,
      clientMessageId: null,
      systemEvent: null,
    };
  };

  /** Half of the load: half of the raw events and half of the real sends, per conversation. */
  const half = async (): Promise<void> => {
    const senders = Array.from({ length: CONVERSATIONS }, (_, k) => members.filter((m) => m.conversation === k));
    const real = Array.from({ length: CONVERSATIONS }, (_, k) =>
      (async () => {
        const group = senders[k] ?? [];
        for (let i = 0; i < REAL_REST_PER_CONVERSATION / 2; i++) {
          const sender = group[i % group.length] as Member;
          await firstValueFrom(
            sender.client.messages.send(conversationIds[k] as string, {
              blocks: text(`${MARK}rest-${k}-${i}-${counter}`),
              clientMessageId: uniqueName('load'),
            }),
          );
        }
        for (let i = 0; i < REAL_HUB_PER_CONVERSATION / 2; i++) {
          const sender = group[(i + 3) % group.length] as Member;
          await firstValueFrom(
            sender.client.realtime.chat.sendMessage({
              conversationId: conversationIds[k] as string,
              blocks: text(`${MARK}hub-${k}-${i}-${counter}`),
              clientMessageId: uniqueName('load'),
            }),
          );
        }
      })(),
    );
    for (let i = 0; i < RAW_PER_CONVERSATION / 2; i++) {
      for (let k = 0; k < CONVERSATIONS; k++) await gateway.faults.emitRaw(conversationIds[k] as string, 'messageReceived', rawMessage(k));
      if (i % 10 === 9) await yieldToIo();
    }
    await Promise.all(real);
  };

  it('delivers every client its share exactly once, keeps the heap bounded, and starves nobody', async () => {
    const started = Date.now();
    const heap0 = await heapAfterGc();
    await half();
    await waitFor(() => members.every((m) => m.raw >= SHARE / 2 && m.finished >= SHARE / 2), 30_000, {
      description: 'the first half delivered to everyone',
      intervalMs: 20,
    });
    const heap1 = await heapAfterGc();
    await half();
    await waitFor(() => members.every((m) => m.raw >= SHARE && m.finished >= SHARE), 30_000, {
      description: 'the whole load delivered to everyone',
      intervalMs: 20,
    }).catch((error: unknown) => {
      const short = members.filter((m) => m.raw < SHARE || m.finished < SHARE).map((m) => `${m.id}: raw ${m.raw}, messages$ ${m.finished}`);
      throw new Error(`${(error as Error).message}; ${short.length} client(s) short: ${short.slice(0, 5).join('; ')}`);
    });
    const heap2 = await heapAfterGc();
    const elapsed = Date.now() - started;

    const deliveries = members.reduce((sum, m) => sum + m.raw, 0);
    expect(deliveries, 'deliveries in all').to.equal(TOTAL_DELIVERIES);
    expect(
      members.filter((m) => m.raw !== SHARE).map((m) => `${m.id}: ${m.raw}`),
      'raw hub deliveries per client',
    ).to.deep.equal([]);
    expect(
      members.filter((m) => m.finished !== SHARE).map((m) => `${m.id}: ${m.finished}`),
      'messages$ per client',
    ).to.deep.equal([]);
    await waitFor(() => members.every((m) => m.inTimeline === 100), 5000, 'every timeline to hold its newest 100 (maxMessages)');
    expect(deaths).to.deep.equal([]);

    // Starvation: every client finished, and the last one not long after the first.
    const done = members.map((m) => m.doneAt);
    expect(done.every((t) => t > 0)).to.equal(true);
    const spread = Math.max(...done) - Math.min(...done);
    expect(spread, 'ms between the first and the last client to get its whole share').to.be.lessThan(10_000);

    const mb = (n: number): number => Math.round((n / 1024 / 1024) * 10) / 10;
    // The state is bounded (timelines keep 100 each, de-duplication a ring of ids), so the second
    // half must not grow the heap like the first did. Looser without --expose-gc (garbage counts).
    const secondHalfGrowth = heap2 - heap1;
    const bound = gc ? 40 * 1024 * 1024 : 150 * 1024 * 1024;
    console.log(
      `      load: ${deliveries} deliveries to ${members.length} clients in ${elapsed} ms; heap ${gc ? 'after GC' : '(no --expose-gc)'} ${mb(heap0)} → ${mb(heap1)} → ${mb(heap2)} MB; finish spread ${spread} ms`,
    );
    expect(secondHalfGrowth, `heap growth in the second half (${mb(secondHalfGrowth)} MB)`).to.be.lessThan(bound);
    expect(heap2 - heap0, `heap growth over the whole load (${mb(heap2 - heap0)} MB)`).to.be.lessThan(
      gc ? 120 * 1024 * 1024 : 300 * 1024 * 1024,
    );
  });
});
