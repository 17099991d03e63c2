/**
 * The loss-free promise, proven on random schedules in virtual time: a client (alice) on the
 * in-memory server of `chat-client-rx/testing`, with timelines open and `messages$` subscribed,
 * lives through random interleavings of messages from several users (and her own sends), dropped
 * connections with and without resume, killed sockets noticed late, refused connections, failing
 * and slow history requests, and a timeline closed and opened again (a leave and a join). When
 * the schedule has settled:
 *
 * - every open timeline holds exactly the server's messages of its conversation, each once, in
 *   the server's order, all confirmed — and no emission along the way held one twice;
 * - `messages$` emitted nothing twice; every message sent after the join of a conversation still
 *   held at the end; none sent while its conversation was not held (one sent while a join was
 *   under way, or during a hold let go before the gap could be recovered, may come or not).
 *
 * `FC_RUNS` sets the number of schedules (default 1,000); a failure prints fast-check's seed and
 * path, and `FC_SEED=<seed> FC_PATH=<path>` replays exactly that schedule.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import type { Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { TimelineMessage } from '../../src/streams/timeline-message.js';
import { createTestChatClient, FakeChatServer } from '../../src/testing/index.js';

const CONVERSATIONS = ['c1', 'c2', 'c3'] as const;
type ConversationId = (typeof CONVERSATIONS)[number];
const MEMBERS: Record<ConversationId, readonly string[]> = { c1: ['bob'], c2: ['carol'], c3: ['bob', 'carol'] };

/** One step of a schedule, run `afterMs` after the previous one. */
type Step = { readonly afterMs: number } & (
  | { readonly kind: 'post'; readonly conversation: ConversationId; readonly sender: number }
  | { readonly kind: 'aliceSends'; readonly conversation: ConversationId }
  | { readonly kind: 'drop'; readonly resume: boolean }
  | { readonly kind: 'killSocket' }
  | { readonly kind: 'noticeLoss' }
  | { readonly kind: 'reconnect' }
  | { readonly kind: 'refuse'; readonly on: boolean }
  | { readonly kind: 'historyFails'; readonly count: number }
  | { readonly kind: 'historyDelay'; readonly ms: number }
  | { readonly kind: 'toggleC3' }
);

const conversation = fc.constantFrom<ConversationId>(...CONVERSATIONS);
const step: fc.Arbitrary<Step> = fc
  .tuple(
    fc.oneof(
      { weight: 6, arbitrary: fc.record({ kind: fc.constant('post' as const), conversation, sender: fc.nat(1) }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('aliceSends' as const), conversation }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('drop' as const), resume: fc.boolean() }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('killSocket' as const) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('noticeLoss' as const) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('reconnect' as const) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('refuse' as const), on: fc.boolean() }) },
      // At most three failures in a row: the client asks a failed page again three times.
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('historyFails' as const), count: fc.integer({ min: 1, max: 3 }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('historyDelay' as const), ms: fc.constantFrom(0, 0, 30, 700, 2500) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('toggleC3' as const) }) },
    ),
    fc.constantFrom(0, 0, 1, 5, 40, 300, 1500, 6000),
  )
  .map(([s, afterMs]) => ({ ...s, afterMs }) as Step);

/** A hold of c3 (or of c1/c2: one from the start) and when the hub first had it joined within it. */
interface HoldPeriod {
  readonly from: number;
  to: number;
  joinedAt: number | undefined;
}

interface Outcome {
  readonly server: FakeChatServer;
  readonly timelines: ReadonlyMap<ConversationId, readonly TimelineMessage[]>;
  readonly given: readonly TimelineMessage[];
  readonly holds: ReadonlyMap<ConversationId, readonly HoldPeriod[]>;
  readonly twice: readonly string[];
  readonly status: string;
  readonly errors: readonly unknown[];
}

/** Runs one schedule in virtual time and returns what the client ended with. */
function play(steps: readonly Step[]): Outcome {
  const scheduler = new TestScheduler((a, b) => {
    expect(a).to.deep.equal(b);
  });
  let outcome: Outcome | undefined;
  scheduler.run(() => {
    const server = new FakeChatServer({ scheduler });
    for (const id of ['alice', 'bob', 'carol']) server.addParticipant(id);
    for (const id of CONVERSATIONS) server.addConversation(id, ['alice', ...MEMBERS[id]]);
    // History from before: never on messages$, always in the timelines.
    for (const id of CONVERSATIONS) for (let i = 0; i < 3; i++) server.post(id, MEMBERS[id][0] as string, `${id} before ${i}`);
    const { client, chat, history } = createTestChatClient({
      server,
      user: 'alice',
      chatHub: { reconnectDelays: [0, 1000, 3000], maxReconnectAttempts: 10_000, serverTimeoutMs: 30_000 },
    });
    const latest = new Map<ConversationId, readonly TimelineMessage[]>();
    const twice: string[] = [];
    const open = new Map<ConversationId, Subscription>();
    const holds = new Map<ConversationId, HoldPeriod[]>(CONVERSATIONS.map((id) => [id, []]));
    const openTimeline = (id: ConversationId): void => {
      (holds.get(id) as HoldPeriod[]).push({ from: scheduler.now(), to: Number.POSITIVE_INFINITY, joinedAt: undefined });
      open.set(
        id,
        client.timeline(id).messages$.subscribe((messages) => {
          latest.set(id, messages);
          const ids = messages.map((m) => m.id);
          if (new Set(ids).size !== ids.length) twice.push(`timeline ${id} at ${scheduler.now()}`);
        }),
      );
    };
    const closeTimeline = (id: ConversationId): void => {
      open.get(id)?.unsubscribe();
      open.delete(id);
      latest.delete(id);
      const current = holds.get(id)?.at(-1);
      if (current) current.to = scheduler.now();
    };
    const given: TimelineMessage[] = [];
    const errors: unknown[] = [];
    client.messages$.subscribe((m) => given.push(m));
    client.errors$.subscribe((e) => errors.push(e));
    chat.joinedConversations$.subscribe((joined) => {
      for (const [id, periods] of holds) {
        const current = periods.at(-1);
        if (current && current.to === Number.POSITIVE_INFINITY && current.joinedAt === undefined && joined.has(id as ConversationId))
          current.joinedAt = scheduler.now();
      }
    });
    for (const id of CONVERSATIONS) openTimeline(id);
    client.connect().subscribe({ error: () => undefined });

    const run = (s: Step): void => {
      switch (s.kind) {
        case 'post':
          server.post(s.conversation, MEMBERS[s.conversation][s.sender % MEMBERS[s.conversation].length] as string, `${s.kind}`);
          break;
        case 'aliceSends':
          if (open.has(s.conversation)) client.timeline(s.conversation).send('from alice').subscribe();
          break;
        case 'drop':
          if (chat.status.status === 'connected') chat.dropConnection({ resume: s.resume });
          break;
        case 'killSocket':
          if (chat.status.status === 'connected') chat.killSocket();
          break;
        case 'noticeLoss':
          chat.noticeLoss();
          break;
        case 'reconnect':
          if (chat.status.status === 'reconnecting') chat.reconnect();
          break;
        case 'refuse':
          chat.refuseConnections(s.on);
          break;
        case 'historyFails':
          history.failNext(s.count);
          break;
        case 'historyDelay':
          history.delay(s.ms);
          break;
        case 'toggleC3':
          if (open.has('c3')) closeTimeline('c3');
          else openTimeline('c3');
          break;
      }
    };
    // The schedule starts once the first joins are in; then it settles: connections accepted,
    // history fast, a minute of quiet (every retry, server timeout and reconnect delay runs out).
    let at = 1000;
    for (const s of steps) {
      at += s.afterMs;
      scheduler.schedule(() => {
        try {
          run(s);
        } catch (error) {
          // A driver refuses what makes no sense now (killing a socket already dead): the step is a no-op.
          if (!(error instanceof Error && /^\w+\(\): the chat hub/.test(error.message))) throw error;
        }
      }, at);
    }
    scheduler.schedule(() => {
      chat.refuseConnections(false);
      history.delay(0);
    }, at + 1);
    scheduler.schedule(() => {
      outcome = {
        server,
        timelines: new Map(latest),
        given: [...given],
        holds,
        twice,
        status: chat.status.status,
        errors: [...errors],
      };
      for (const subscription of open.values()) subscription.unsubscribe();
      client.disconnect();
    }, at + 120_000);
  });
  return outcome as Outcome;
}

/** Every broken promise of one outcome (empty when all hold). */
function problems(outcome: Outcome): string[] {
  const found: string[] = [...outcome.twice.map((w) => `a message held twice in ${w}`)];
  if (outcome.status !== 'connected') found.push(`the hub ended ${outcome.status}`);
  for (const [id, messages] of outcome.timelines) {
    const expected = outcome.server.messages(id).map((m) => m.id);
    const held = messages.map((m) => m.id);
    if (JSON.stringify(held) !== JSON.stringify(expected))
      found.push(`timeline ${id} holds [${held.join(' ')}], the server has [${expected.join(' ')}]`);
    const unconfirmed = messages.filter((m) => m.status !== 'confirmed').map((m) => `${m.id}:${m.status}`);
    if (unconfirmed.length > 0) found.push(`timeline ${id} has unconfirmed messages ${unconfirmed.join(' ')}`);
  }
  const givenIds = outcome.given.map((m) => m.id);
  const counts = new Map<string, number>();
  for (const id of givenIds) counts.set(id, (counts.get(id) ?? 0) + 1);
  const repeated = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
  if (repeated.length > 0) found.push(`messages$ gave ${repeated.join(' ')} more than once`);
  const givenSet = new Set(givenIds);
  for (const id of CONVERSATIONS) {
    const periods = outcome.holds.get(id) ?? [];
    for (const m of outcome.server.messages(id)) {
      const at = Date.parse(m.createdAt);
      const during = periods.find((p) => at >= p.from && at <= p.to);
      // Owed when sent after the join of a hold that is still on (a gap of a conversation let go
      // before the client could recover it may stay unpaid).
      const joined =
        during !== undefined && during.joinedAt !== undefined && at > during.joinedAt && during.to === Number.POSITIVE_INFINITY;
      if (joined && !givenSet.has(m.id)) found.push(`messages$ missed ${m.id} of ${id} (sent at ${at} while joined)`);
      if (during === undefined && givenSet.has(m.id)) found.push(`messages$ gave ${m.id} of ${id}, sent at ${at} while not held`);
    }
  }
  return found;
}

describe('loss-free core: model-based schedules in virtual time', function () {
  this.timeout(120_000);

  it('a schedule with every kind of fault settles with nothing lost and nothing twice', () => {
    const outcome = play([
      { kind: 'post', conversation: 'c1', sender: 0, afterMs: 0 },
      { kind: 'killSocket', afterMs: 10 },
      { kind: 'post', conversation: 'c1', sender: 0, afterMs: 10 },
      { kind: 'historyFails', count: 2, afterMs: 0 },
      { kind: 'noticeLoss', afterMs: 100 },
      { kind: 'post', conversation: 'c3', sender: 1, afterMs: 0 },
      { kind: 'toggleC3', afterMs: 0 },
      { kind: 'post', conversation: 'c3', sender: 1, afterMs: 5 },
      { kind: 'toggleC3', afterMs: 0 },
      { kind: 'drop', resume: true, afterMs: 2000 },
      { kind: 'post', conversation: 'c2', sender: 0, afterMs: 0 },
      { kind: 'aliceSends', conversation: 'c2', afterMs: 0 },
      { kind: 'reconnect', afterMs: 1 },
      { kind: 'refuse', on: true, afterMs: 0 },
      { kind: 'drop', resume: false, afterMs: 10 },
      { kind: 'post', conversation: 'c3', sender: 0, afterMs: 10 },
    ]);
    expect(problems(outcome)).to.deep.equal([]);
    // The schedule did what it says: messages were missed live and came back.
    expect(outcome.given.map((m) => m.plainText)).to.include('from alice');
    expect(outcome.server.messages('c1').length).to.equal(5);
  });

  it('the invariant can fail: a timeline that lost a message or messages$ that gave one twice is caught', () => {
    const outcome = play([{ kind: 'post', conversation: 'c1', sender: 0, afterMs: 0 }]);
    expect(problems(outcome)).to.deep.equal([]);
    const lost = { ...outcome, timelines: new Map([...outcome.timelines].map(([id, ms]) => [id, ms.slice(1)] as const)) };
    expect(problems(lost).some((p) => p.startsWith('timeline c1 holds'))).to.equal(true);
    const doubled = { ...outcome, given: [...outcome.given, ...outcome.given] };
    expect(problems(doubled).some((p) => p.includes('more than once'))).to.equal(true);
    const missed = { ...outcome, given: [] };
    expect(problems(missed).some((p) => p.startsWith('messages$ missed'))).to.equal(true);
  });

  it('random schedules: every open timeline and messages$ end exactly right', () => {
    const runs = Number(process.env.FC_RUNS ?? 1000);
    const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : undefined;
    const path = process.env.FC_PATH;
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 30 }), (steps) => {
        const found = problems(play(steps));
        if (found.length > 0) throw new Error(found.join('\n'));
      }),
      { numRuns: runs, ...(seed !== undefined ? { seed } : {}), ...(path !== undefined ? { path } : {}) },
    );
  });
});
