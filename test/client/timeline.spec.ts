/**
 * `client.timeline(id)` against the embedded gateway: bot streams, optimistic sends (hub, REST,
 * failure and retry), paging, typing, and the shared join.
 */
import { expect } from 'chai';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import type { TimelineMessage } from '../../src/streams/timeline-message.js';
import type { TimelineSnapshot } from '../../src/streams/timeline.js';
import { requestMark, startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { ClientKit, group, joined, sendRest, textsOf, waitFor } from './client-kit.js';

/** Statuses one message went through across `emissions`, consecutive repeats folded. */
function statusTrail(emissions: ReadonlyArray<readonly TimelineMessage[]>, clientMessageId: string): string[] {
  const trail: string[] = [];
  for (const list of emissions) {
    const copies = list.filter((m) => m.clientMessageId === clientMessageId);
    if (copies.length > 1) throw new Error(`${copies.length} copies of ${clientMessageId} in one emission`);
    const status = copies[0]?.status;
    if (status !== undefined && trail[trail.length - 1] !== status) trail.push(status);
  }
  return trail;
}

const last = <T>(values: readonly T[]): T | undefined => values[values.length - 1];

describe('client.timeline (embedded gateway)', function () {
  this.timeout(20_000);
  let gateway: TestGateway;
  const kit = new ClientKit(() => gateway);

  before(async () => {
    gateway = await startTestGateway({ bot: { startDelayMs: 10, statusDelayMs: 10, chunkDelayMs: 30, chunks: 5 } });
  });
  afterEach(() => kit.closeAll());
  after(() => gateway.close());

  it('an empty conversation emits [] once its history is loaded (loaded-and-empty is not loading)', async () => {
    const { client: alice } = await kit.user('alice');
    const conversation = await firstValueFrom(alice.conversations.create({ type: 'Self', participantIds: [] }));
    const timeline = alice.timeline(conversation.id, { join: false });
    const first = await firstValueFrom(timeline.messages$);
    expect(first).to.deep.equal([]);
    const snapshot = await firstValueFrom(timeline.snapshot$);
    expect([snapshot.messages.length, snapshot.hasOlder]).to.deep.equal([0, false]);
  });

  it('a bot reply grows chunk by chunk (strictly growing prefixes) and ends as the completed message, exactly once', async () => {
    const { client: alice } = await kit.user('alice');
    const conversation = await group(alice, ['echo-bot']);
    const timeline = alice.timeline(conversation.id);
    const seen = kit.record(timeline.messages$);
    const finished = kit.record(alice.messages$);
    await joined(alice, conversation.id);

    await lastValueFrom(timeline.send('hello there, bot'));
    const expected = 'You said: hello there, bot';
    const reply = await waitFor(
      () => last(seen.values)?.find((m) => m.senderType === 'Bot' && m.status === 'confirmed'),
      5000,
      'the completed bot reply',
    );
    expect(reply.plainText).to.equal(expected);

    const streaming: string[] = [];
    for (const list of seen.values) {
      const bot = list.find((m) => m.senderType === 'Bot');
      if (bot?.status === 'streaming' && bot.plainText !== null && last(streaming) !== bot.plainText) streaming.push(bot.plainText);
    }
    expect(streaming.length, `streaming texts seen: ${JSON.stringify(streaming)}`).to.be.at.least(3);
    for (let i = 1; i < streaming.length; i++) {
      const [before, after] = [streaming[i - 1] as string, streaming[i] as string];
      expect(after.startsWith(before) && after.length > before.length, `${JSON.stringify(before)} → ${JSON.stringify(after)}`).to.equal(
        true,
      );
    }
    for (const text of streaming) expect(expected.startsWith(text), text).to.equal(true);

    // Exactly once: one bot message in the timeline (the placeholder was replaced), one on messages$.
    const final = last(seen.values) ?? [];
    expect(final.filter((m) => m.senderType === 'Bot')).to.have.length(1);
    expect(final.filter((m) => m.status === 'streaming' || m.id.startsWith('local:'))).to.deep.equal([]);
    await waitFor(() => finished.values.some((m) => m.senderType === 'Bot'), 2000, 'the bot reply on messages$');
    expect(finished.values.filter((m) => m.senderType === 'Bot').map((m) => m.plainText)).to.deep.equal([expected]);
  });

  it('an aborted bot reply keeps its partial text with the reason', async () => {
    const { client: alice } = await kit.user('alice');
    const conversation = await group(alice, ['echo-bot']);
    const timeline = alice.timeline(conversation.id);
    const seen = kit.record(timeline.messages$);
    await joined(alice, conversation.id);
    await lastValueFrom(timeline.send('please abort this'));
    const reply = await waitFor(
      () => last(seen.values)?.find((m) => m.senderType === 'Bot' && m.status === 'aborted'),
      5000,
      'the aborted bot reply',
    );
    expect(reply.abortReason).to.be.a('string').and.match(/abort/);
    expect(reply.plainText).to.be.a('string');
    expect('You said: please abort this'.startsWith(reply.plainText ?? '')).to.equal(true);
  });

  it('send() is pending at once (synchronously in messages$), then sent/confirmed without a duplicate', async () => {
    const { client: alice } = await kit.user('alice');
    const { id: bob } = await kit.user('bob', { connect: false });
    const conversation = await group(alice, [bob]);
    const timeline = alice.timeline(conversation.id);
    const seen = kit.record(timeline.messages$);
    await joined(alice, conversation.id);

    const emitted: TimelineMessage[] = [];
    const done = new Promise<void>((resolve, reject) => {
      timeline.send('optimistic hello').subscribe({ next: (m) => emitted.push(m), error: reject, complete: resolve });
    });
    // Synchronously after subscribe: the pending copy is already in the last emission.
    const pending = last(seen.values)?.find((m) => m.plainText === 'optimistic hello');
    expect(pending?.status).to.equal('pending');
    expect(pending?.id.startsWith('local:')).to.equal(true);
    expect(emitted.map((m) => m.status)).to.deep.equal(['pending']);
    const clientMessageId = pending?.clientMessageId as string;

    await done;
    // The second emission is the message once accepted: `sent`, or already `confirmed` when the echo beat the ack.
    expect(emitted).to.have.length(2);
    expect(emitted[0]?.status).to.equal('pending');
    expect(emitted[1]?.status).to.be.oneOf(['sent', 'confirmed']);
    expect(emitted[1]?.id.startsWith('local:')).to.equal(false);
    await waitFor(
      () => last(seen.values)?.find((m) => m.clientMessageId === clientMessageId && m.status === 'confirmed'),
      3000,
      'the confirmed message',
    );

    const trail = statusTrail(seen.values, clientMessageId);
    expect([JSON.stringify(['pending', 'sent', 'confirmed']), JSON.stringify(['pending', 'confirmed'])]).to.include(JSON.stringify(trail));
    const final = last(seen.values) ?? [];
    expect(final.filter((m) => m.plainText === 'optimistic hello')).to.have.length(1);
    expect(final.find((m) => m.clientMessageId === clientMessageId)?.id).to.equal(emitted[1]?.id);
    const history = await firstValueFrom(alice.messages.getHistory(conversation.id, { limit: 50 }));
    expect(history.items.filter((m) => m.plainTextIndex === 'optimistic hello')).to.have.length(1);
  });

  it('send() while the hub is reconnecting goes over REST and confirms after the reconnect', async () => {
    const { client: alice } = await kit.user('alice');
    const { id: bob } = await kit.user('bob', { connect: false });
    const conversation = await group(alice, [bob]);
    const timeline = alice.timeline(conversation.id);
    const seen = kit.record(timeline.messages$);
    await joined(alice, conversation.id);
    const mark = await requestMark(gateway);

    // Refused until released below: the hub stays away while the message is sent.
    await gateway.faults.refuseConnections(10_000);
    await gateway.faults.dropConnections({ allowReconnect: false });
    await waitFor(() => alice.realtime.chat.status.status !== 'connected', 5000, 'the chat hub to lose its connection');
    const emitted = await lastValueFrom(timeline.send('over rest').pipe(toArray()));
    expect(emitted.map((m) => m.status)).to.deep.equal(['pending', 'sent']);
    const posts = (await mark.since()).filter((r) => r.method === 'POST' && r.path.endsWith(`/conversations/${conversation.id}/messages`));
    expect(posts, 'a REST POST of the message').to.have.length(1);
    await gateway.faults.refuseConnections(0);

    const clientMessageId = emitted[0]?.clientMessageId as string;
    await waitFor(
      () => last(seen.values)?.find((m) => m.clientMessageId === clientMessageId && m.status === 'confirmed'),
      8000,
      'the REST-sent message to be confirmed',
    );
    expect((last(seen.values) ?? []).filter((m) => m.plainText === 'over rest')).to.have.length(1);
  });

  it('send() after an explicit hub disconnect goes over REST; connecting again re-joins and confirms it', async () => {
    const { client: alice } = await kit.user('alice');
    const { client: bob, id: bobId } = await kit.user('bob', { connect: false });
    const conversation = await group(alice, [bobId]);
    const timeline = alice.timeline(conversation.id);
    const seen = kit.record(timeline.messages$);
    await joined(alice, conversation.id);

    await firstValueFrom(alice.realtime.chat.disconnect(), { defaultValue: undefined });
    const emitted = await lastValueFrom(timeline.send('while disconnected').pipe(toArray()));
    expect(emitted.map((m) => m.status)).to.deep.equal(['pending', 'sent']);
    await sendRest(bob, conversation.id, 'bob while alice was away');

    await firstValueFrom(alice.realtime.chat.connect());
    await joined(alice, conversation.id);
    const clientMessageId = emitted[0]?.clientMessageId as string;
    await waitFor(
      () => last(seen.values)?.find((m) => m.clientMessageId === clientMessageId && m.status === 'confirmed'),
      5000,
      'the message to be confirmed',
    );
    await waitFor(() => last(seen.values)?.find((m) => m.plainText === 'bob while alice was away'), 5000, "bob's message from the gap");
    // Live again: a new message of bob arrives over the hub.
    await sendRest(bob, conversation.id, 'bob live again');
    await waitFor(() => last(seen.values)?.find((m) => m.plainText === 'bob live again'), 5000, "bob's live message");
  });

  it('a failed send ends failed (user removed), and retry() after re-adding sends it once', async () => {
    const { client: alice } = await kit.user('alice');
    const { client: bob, id: bobId } = await kit.user('bob');
    const conversation = await group(alice, [bobId]);
    const timeline = bob.timeline(conversation.id);
    const seen = kit.record(timeline.messages$);
    await joined(bob, conversation.id);

    await firstValueFrom(alice.conversations.removeParticipant(conversation.id, bobId), { defaultValue: undefined });
    const failed = await lastValueFrom(timeline.send('from outside').pipe(toArray()));
    expect(failed.map((m) => m.status)).to.deep.equal(['pending', 'failed']);
    expect(last(failed)?.error).to.be.instanceOf(Error);
    const clientMessageId = last(failed)?.clientMessageId as string;
    expect(last(seen.values)?.find((m) => m.clientMessageId === clientMessageId)?.status).to.equal('failed');

    await firstValueFrom(alice.conversations.addParticipant(conversation.id, { participantId: bobId }), { defaultValue: undefined });
    const retried = await lastValueFrom(timeline.retry(clientMessageId).pipe(toArray()));
    expect(retried).to.have.length(2);
    expect(retried[0]?.status).to.equal('pending');
    expect(retried[1]?.status).to.be.oneOf(['sent', 'confirmed']);
    expect(retried[1]?.clientMessageId).to.equal(clientMessageId);
    const trail = statusTrail(seen.values, clientMessageId);
    expect(trail.slice(0, 3)).to.deep.equal(['pending', 'failed', 'pending']);
    expect(trail[3]).to.be.oneOf(['sent', 'confirmed']);
    expect((last(seen.values) ?? []).filter((m) => m.plainText === 'from outside')).to.have.length(1);
    // retry() of a message that is not failed does nothing.
    expect(await lastValueFrom(timeline.retry(clientMessageId).pipe(toArray()))).to.deep.equal([]);
    const history = await firstValueFrom(alice.messages.getHistory(conversation.id, { limit: 50 }));
    expect(history.items.filter((m) => m.plainTextIndex === 'from outside')).to.have.length(1);
  });

  it('loadOlder() pages older history into the same state until the start (120 messages, pages of 50)', async () => {
    const { client: alice, id: aliceId } = await kit.user('alice', { connect: true });
    const { client: bob } = await kit.user('bob', { connect: false });
    const conversation = await group(bob, [aliceId]);
    const texts = Array.from({ length: 120 }, (_, i) => `old-${i}`);
    for (const text of texts) await sendRest(bob, conversation.id, text);

    const timeline = alice.timeline(conversation.id, { pageSize: 50 });
    const snapshots = kit.record(timeline.snapshot$);
    const userTexts = (s: TimelineSnapshot | undefined): Array<string | null> =>
      textsOf(s?.messages ?? []).filter((t) => t?.startsWith('old-'));
    await waitFor(() => userTexts(last(snapshots.values)).length >= 50, 3000, 'the first page');
    expect(userTexts(last(snapshots.values))).to.deep.equal(texts.slice(70));
    expect(last(snapshots.values)?.hasOlder).to.equal(true);
    await joined(alice, conversation.id);

    const counts: number[] = [];
    counts.push(await lastValueFrom(timeline.loadOlder()));
    expect(userTexts(last(snapshots.values))).to.deep.equal(texts.slice(20));
    expect(last(snapshots.values)?.hasOlder).to.equal(true);
    counts.push(await lastValueFrom(timeline.loadOlder()));
    const final = last(snapshots.values) as TimelineSnapshot;
    expect(final.hasOlder).to.equal(false);
    expect(userTexts(final)).to.deep.equal(texts);
    // At the start: nothing more to load.
    counts.push(await lastValueFrom(timeline.loadOlder()));
    expect(counts[0]).to.equal(50);
    expect(counts[2]).to.equal(0);
    // No duplicates, ids ascending (server order).
    const ids = final.messages.map((m) => m.id);
    expect(new Set(ids).size).to.equal(ids.length);
    expect([...ids].sort()).to.deep.equal(ids);
    expect(timeline.messages).to.equal(final.messages);
  });

  it("typing of another user shows in typing$ and disappears on typingStopped; one's own typing is left out", async () => {
    const { client: alice } = await kit.user('alice');
    const { client: bob, id: bobId } = await kit.user('bob');
    const conversation = await group(alice, [bobId]);
    const aliceTimeline = alice.timeline(conversation.id, { typingTimeoutMs: 60_000 });
    const bobTimeline = bob.timeline(conversation.id, { typingIdleMs: 60_000 });
    const aliceTyping = kit.record(aliceTimeline.typing$);
    kit.record(aliceTimeline.messages$);
    const bobTyping = kit.record(bobTimeline.typing$);
    kit.record(bobTimeline.messages$);
    await joined(alice, conversation.id);
    await joined(bob, conversation.id);
    expect(aliceTyping.values).to.deep.equal([[]]);

    bobTimeline.notifyTyping();
    await waitFor(() => last(aliceTyping.values)?.some((p) => p.participantId === bobId), 3000, 'bob typing in alice’s typing$');
    await firstValueFrom(bob.realtime.chat.stopTyping(conversation.id));
    await waitFor(() => last(aliceTyping.values)?.length === 0, 3000, 'bob to stop typing in alice’s typing$');
    expect(bobTyping.values.every((list) => list.every((p) => p.participantId !== bobId))).to.equal(true);
  });

  it('joins while subscribed; two timelines of one conversation share the join; the last one leaving leaves', async () => {
    const { client: alice } = await kit.user('alice');
    const { client: bob, id: bobId } = await kit.user('bob', { connect: false });
    const conversation = await group(alice, [bobId]);
    const chat = alice.realtime.chat;
    const first = alice.timeline(conversation.id);
    const second = alice.timeline(conversation.id);
    expect(chat.joinedConversations.has(conversation.id)).to.equal(false);

    const one = first.messages$.subscribe();
    await joined(alice, conversation.id);
    const twoValues: Array<readonly TimelineMessage[]> = [];
    const two = second.messages$.subscribe((list) => twoValues.push(list));
    one.unsubscribe();
    expect(chat.joinedConversations.has(conversation.id), 'still joined for the second timeline').to.equal(true);
    // The server still sends to us: a live message reaches the remaining timeline.
    await sendRest(bob, conversation.id, 'still here');
    await waitFor(() => last(twoValues)?.some((m) => m.plainText === 'still here'), 3000, 'the live message in the second timeline');

    two.unsubscribe();
    expect(chat.joinedConversations.has(conversation.id), 'left after the last subscriber').to.equal(false);
    // Subscribing again joins again.
    const three = first.messages$.subscribe();
    await joined(alice, conversation.id);
    three.unsubscribe();
    expect(chat.joinedConversations.has(conversation.id)).to.equal(false);
  });
});
