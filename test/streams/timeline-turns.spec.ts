/**
 * When a timeline's `messages$` emits (issue 18): a change the user makes is emitted at once;
 * changes the hub brings are emitted per turn of the event loop — the first at once, the rest of
 * the turn together at its end (a microtask; in `TestScheduler.run`, the end of the frame's
 * actions) — and every emission is the whole window, so nothing a turn brought is missing from
 * its last emission. Virtual time over the testing kit, then a burst on the embedded gateway.
 */
import { expect } from 'chai';
import { filter, firstValueFrom, type Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { Block, ChatMessageDto } from '../../src/codecs/index.js';
import { chatMessage } from './fixtures.js';
import type { TimelineMessage } from '../../src/streams/timeline-message.js';
import { createTestChatClient } from '../../src/testing/create-test-chat-client.js';
import { FakeChatServer } from '../../src/testing/fake-chat-server.js';
import { ClientKit, group, joined, waitFor } from '../client/client-kit.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

const texts = (list: readonly TimelineMessage[]): string[] => list.map((m) => m.plainText ?? '');
const plain = (content: string): Block => ({ $type: 'text', format: 'Plain', content, plainText: content });

describe('timeline messages$: hub changes per turn, your changes at once (virtual time)', () => {
  const setUp = (run: (kit: { server: FakeChatServer; flush: () => void; scheduler: TestScheduler }) => void): void => {
    const scheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
    scheduler.run(({ flush }) => {
      const server = new FakeChatServer({ scheduler });
      server.addParticipant('alice', 'Alice');
      server.addParticipant('bob', 'Bob');
      server.addConversation('general', ['alice', 'bob']);
      run({ server, flush, scheduler });
    });
  };

  /** Alice's client connected, her timeline of 'general' subscribed and its first emissions flushed away. */
  const open = (server: FakeChatServer, flush: () => void) => {
    const { client } = createTestChatClient({ server, user: 'alice' });
    client.connect().subscribe();
    const timeline = client.timeline('general');
    const emitted: string[][] = [];
    const subscription: Subscription = timeline.messages$.subscribe((list) => emitted.push(texts(list)));
    flush();
    emitted.length = 0;
    return { timeline, emitted, subscription };
  };

  it('a burst of five posts in one turn: the first at once, the other four in one emission at the end of the turn', () => {
    setUp(({ server, flush }) => {
      const { timeline, emitted, subscription } = open(server, flush);

      for (const text of ['one', 'two', 'three', 'four', 'five']) server.post('general', 'bob', text);
      expect(emitted, 'the first change of the turn, synchronously').to.deep.equal([['one']]);
      expect(texts(timeline.messages), 'the getter is the state now').to.deep.equal(['one', 'two', 'three', 'four', 'five']);
      flush();
      expect(emitted).to.deep.equal([['one'], ['one', 'two', 'three', 'four', 'five']]);

      // A later turn (frame) starts over: its first change is emitted at once again.
      server.post('general', 'bob', 'six');
      expect(emitted.at(-1)).to.deep.equal(['one', 'two', 'three', 'four', 'five', 'six']);
      subscription.unsubscribe();
    });
  });

  it('a send in the middle of a turn is emitted at once, with the hub changes held back; the end of the turn adds nothing', () => {
    setUp(({ server, flush }) => {
      const { timeline, emitted, subscription } = open(server, flush);

      server.post('general', 'bob', 'first');
      server.post('general', 'bob', 'held back');
      expect(emitted).to.deep.equal([['first']]);
      timeline.send('mine').subscribe();
      expect(emitted.at(-1), 'the pending send, with what the turn held back').to.have.members(['first', 'held back', 'mine']);
      const count = emitted.length;
      flush();
      // The send's own answer and echo come in later frames; nothing is emitted twice for one state.
      for (let i = 1; i < emitted.length; i++) expect(emitted[i], `emission ${i}`).to.not.deep.equal(emitted[i - 1]);
      expect(count).to.equal(2);
      expect(emitted.at(-1)).to.have.members(['first', 'held back', 'mine']);
      subscription.unsubscribe();
    });
  });

  it('unsubscribing in the middle of a turn: nothing is emitted after, and the next run starts over', () => {
    setUp(({ server, flush }) => {
      const { timeline, emitted, subscription } = open(server, flush);
      server.post('general', 'bob', 'a');
      server.post('general', 'bob', 'b');
      subscription.unsubscribe();
      flush();
      expect(emitted).to.deep.equal([['a']]);
      const again: string[][] = [];
      const next = timeline.messages$.subscribe((list) => again.push(texts(list)));
      flush();
      expect(again.at(-1), 'the history page of the new run has both').to.deep.equal(['a', 'b']);
      next.unsubscribe();
    });
  });
});

describe('timeline messages$ under a burst of hub events (embedded gateway)', function () {
  this.timeout(20_000);
  let gateway: TestGateway;
  const kit = new ClientKit(() => gateway);

  before(async () => {
    gateway = await startTestGateway();
  });
  afterEach(() => kit.closeAll());
  after(() => gateway.close());

  it('500 events written at once: every emission is a whole window in order, and the last holds all 500, each once', async () => {
    const { client: alice } = await kit.user('alice');
    const { id: bobId } = await kit.user('bob');
    const conversation = await group(alice, [bobId]);
    const timeline = alice.timeline(conversation.id, { maxMessages: 2000 });
    const seen = kit.record(timeline.messages$).values;
    await joined(alice, conversation.id);
    await firstValueFrom(timeline.status$.pipe(filter((s) => s.status === 'loaded')));
    const before = timeline.messages.length;
    const ids = Array.from({ length: 500 }, (_, i) => `01ZBURST${String(i).padStart(18, '0')}`);
    const payload = (id: string, n: number): ChatMessageDto =>
      chatMessage(n, {
        id,
        conversationId: conversation.id,
        senderId: bobId,
        senderName: 'bob',
        blocks: [plain(id)],
        plainTextContent: id,
      });
    const from = seen.length;
    await Promise.all(ids.map((id, n) => gateway.faults.emitRaw(conversation.id, 'messageReceived', payload(id, n))));
    const inBurst = (list: readonly TimelineMessage[] | undefined): number =>
      (list ?? []).filter((m) => m.id.startsWith('01ZBURST')).length;
    await waitFor(() => inBurst(seen.at(-1)) === 500, 10_000, 'all 500 emitted').catch((error: Error) => {
      throw new Error(`${error.message}: ${inBurst(seen.at(-1))} of 500 in the last emission, ${inBurst(timeline.messages)} held`);
    });

    const emissions = seen.slice(from);
    const burst = (list: readonly TimelineMessage[]): string[] => list.filter((m) => m.id.startsWith('01ZBURST')).map((m) => m.id);
    for (const [i, list] of emissions.entries()) {
      // Each emission is the window then: the burst so far, in order, each once — a prefix of the ids.
      expect(burst(list), `emission ${i}`).to.deep.equal(ids.slice(0, burst(list).length));
      if (i > 0) expect(burst(list).length, `emission ${i} grows`).to.be.greaterThan(burst(emissions[i - 1] ?? []).length);
    }
    expect(burst(emissions.at(-1) ?? [])).to.deep.equal(ids);
    expect(emissions.at(-1)?.length).to.equal(before + 500);
    expect(emissions.length, 'at most one emission per event').to.be.at.most(500);
  });
});
