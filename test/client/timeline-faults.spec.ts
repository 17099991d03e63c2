/**
 * Exactly once, in order, through faults: while the gateway drops connections (with and without
 * allowReconnect), kills sockets and restarts, another user sends 200 messages over REST in
 * bursts; the timeline ends with all 200 once each in server order, and `client.messages$`
 * emitted each once.
 */
import { Agent } from 'node:http';
import { expect } from 'chai';
import type { TimelineMessage } from '../../src/streams/timeline-message.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { ClientKit, group, joined, sendRest, waitFor } from './client-kit.js';

/** `burst-003, burst-004, burst-005, burst-009` → `['3-5', '9']`. */
function ranges(texts: readonly string[]): string[] {
  const numbers = texts.map((t) => Number(t.slice('burst-'.length)));
  const out: string[] = [];
  for (let i = 0; i < numbers.length; ) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === (numbers[j] as number) + 1) j++;
    out.push(i === j ? `${numbers[i]}` : `${numbers[i]}-${numbers[j]}`);
    i = j + 1;
  }
  return out;
}

describe('client.timeline through faults (embedded gateway)', function () {
  // Ten bursts each waited on for up to 10 s, then 20 s and 10 s more: a slow burst fails with
  // its named wait and the diagnosis, not the mocha timeout.
  this.timeout(180_000);
  let gateway: TestGateway;
  const kit = new ClientKit(() => gateway);

  before(async () => {
    gateway = await startTestGateway({ bot: false });
  });
  after(async () => {
    await kit.closeAll();
    await gateway.close();
  });

  it('200 messages sent in bursts across drops, killed sockets and a restart arrive exactly once, in order', async () => {
    // No pooled keep-alive sockets: after `restart()` a pooled socket is dead and the next REST
    // call on it fails with "socket hang up" — the REST transport does not retry it (see the report).
    const http = { axiosDefaults: { httpAgent: new Agent({ keepAlive: false }) } };
    const { client: alice, id: aliceId } = await kit.user('alice', { http });
    const { client: bob } = await kit.user('bob', { connect: false, http });
    const conversation = await group(bob, [aliceId]);
    const timeline = alice.timeline(conversation.id);
    const seen = kit.record(timeline.messages$);
    const finished = kit.record(alice.messages$);
    const errors = kit.record(alice.errors$);
    await joined(alice, conversation.id);

    const faults: Array<{ name: string; run: () => Promise<void> }> = [
      { name: 'none', run: async () => undefined },
      { name: 'drop (allowReconnect)', run: () => gateway.faults.dropConnections({ allowReconnect: true }) },
      { name: 'drop (no reconnect)', run: () => gateway.faults.dropConnections({ allowReconnect: false }) },
      { name: 'kill sockets', run: () => gateway.faults.killSockets() },
      { name: 'restart', run: () => gateway.restart() },
    ];
    const texts = Array.from({ length: 200 }, (_, i) => `burst-${String(i).padStart(3, '0')}`);
    const sentIds: string[] = [];
    const ours = (list: readonly TimelineMessage[] | undefined): TimelineMessage[] =>
      (list ?? []).filter((m) => m.plainText?.startsWith('burst-') === true);
    const diagnose = (): string => {
      const inTimeline = new Set(ours(seen.values[seen.values.length - 1]).map((m) => m.plainText));
      const onMessages = new Set(finished.values.map((m) => m.plainText));
      return JSON.stringify({
        missingInTimeline: ranges(texts.filter((t) => !inTimeline.has(t))),
        missingOnMessages: ranges(texts.filter((t) => !onMessages.has(t))),
        errors: errors.values.map(String),
        messagesErrors: finished.errors.map(String),
        chat: alice.realtime.chat.status.status,
        joined: alice.realtime.chat.joinedConversations.has(conversation.id),
      });
    };
    for (let burst = 0; burst < 10; burst++) {
      const fault = faults[burst % faults.length] as (typeof faults)[number];
      // The fault and the burst overlap: the burst is sent while the client is reconnecting.
      await fault.run();
      for (const text of texts.slice(burst * 20, burst * 20 + 20)) sentIds.push(await sendRest(bob, conversation.id, text, 5));
      // The next fault hits a settled connection (the next test does not wait).
      const expected = sentIds.length;
      await waitFor(
        () =>
          alice.realtime.chat.status.status === 'connected' &&
          ours(seen.values[seen.values.length - 1]).length === expected &&
          finished.values.filter((m) => m.plainText?.startsWith('burst-') === true).length >= expected,
        10_000,
        `burst ${burst} (after ${fault.name}) to be caught up`,
      ).catch((e: Error) => {
        throw new Error(`${e.message}: ${diagnose()}`);
      });
    }

    await waitFor(() => ours(seen.values[seen.values.length - 1]).length >= 200, 20_000, 'all 200 messages in the timeline').catch(
      (e: Error) => {
        throw new Error(`${e.message}: ${diagnose()}`);
      },
    );
    const final = ours(seen.values[seen.values.length - 1]);
    expect(final.map((m) => m.plainText)).to.deep.equal(texts);
    expect(final.map((m) => m.id)).to.deep.equal(sentIds);
    expect([...sentIds].sort(), 'server order is id order').to.deep.equal(sentIds);
    expect(final.every((m) => m.status === 'confirmed')).to.equal(true);
    // Never a duplicate in any emission along the way.
    for (const list of seen.values) {
      const ids = ours(list).map((m) => m.id);
      expect(new Set(ids).size).to.equal(ids.length);
    }

    await waitFor(
      () => finished.values.filter((m) => m.plainText?.startsWith('burst-') === true).length >= 200,
      10_000,
      'all 200 on messages$',
    ).catch((e: Error) => {
      throw new Error(`${e.message}: ${diagnose()}`);
    });
    const counts = new Map<string, number>();
    for (const m of finished.values) counts.set(m.id, (counts.get(m.id) ?? 0) + 1);
    expect(
      sentIds.filter((id) => counts.get(id) !== 1),
      'ids not emitted exactly once on messages$',
    ).to.deep.equal([]);
    expect(finished.values.filter((m) => m.plainText?.startsWith('burst-') === true)).to.have.length(200);
    expect(errors.values.map(String), 'nothing reported on errors$').to.deep.equal([]);
  });

  it('faults back to back (each one while the client is still re-joining and recovering from the last) lose nothing', async () => {
    const http = { axiosDefaults: { httpAgent: new Agent({ keepAlive: false }) } };
    const { client: alice, id: aliceId } = await kit.user('alice2', { http });
    const { client: bob } = await kit.user('bob2', { connect: false, http });
    const conversation = await group(bob, [aliceId]);
    const seen = kit.record(alice.timeline(conversation.id).messages$);
    const finished = kit.record(alice.messages$);
    await joined(alice, conversation.id);
    const faults = [
      () => gateway.faults.dropConnections({ allowReconnect: false }),
      () => gateway.faults.killSockets(),
      () => gateway.faults.dropConnections({ allowReconnect: true }),
      () => gateway.restart(),
    ];
    const sentIds: string[] = [];
    for (let burst = 0; burst < 12; burst++) {
      await (faults[burst % faults.length] as () => Promise<void>)();
      // A new session (and its re-join and recovery) has started by the time a few messages are in: the next fault cuts it short.
      for (let i = 0; i < 5; i++) sentIds.push(await sendRest(bob, conversation.id, `b2b-${burst}-${i}`, 5));
    }
    const ours = (list: readonly TimelineMessage[] | undefined): string[] =>
      (list ?? []).filter((m) => m.plainText?.startsWith('b2b-') === true).map((m) => m.id);
    const onMessages = (): string[] => finished.values.filter((m) => m.plainText?.startsWith('b2b-') === true).map((m) => m.id);
    await waitFor(
      () => ours(seen.values[seen.values.length - 1]).length >= sentIds.length && onMessages().length >= sentIds.length,
      30_000,
      'all 60 messages in the timeline and on messages$',
    ).catch((e: Error) => {
      const held = new Set(ours(seen.values[seen.values.length - 1]));
      const given = new Set(onMessages());
      throw new Error(
        `${e.message}: missing in the timeline ${sentIds.filter((id) => !held.has(id)).length}, on messages$ ${sentIds.filter((id) => !given.has(id)).length}`,
      );
    });
    expect(ours(seen.values[seen.values.length - 1])).to.deep.equal(sentIds);
    expect(onMessages().filter((id) => sentIds.includes(id)))
      .to.have.members(sentIds)
      .and.have.length(sentIds.length);
  });
});
