/**
 * What a stock ASP.NET Core gateway does that a hand-tuned one might not, checked on whichever
 * gateway the suite runs against (embedded by default, the reference ASP.NET gateway under
 * `npm run test:aspnet`): membership changes take connections out of the conversation's group,
 * profiles are writable by their owner only, input System.Text.Json cannot read (nesting over 64,
 * a block's `$type` not first) is refused before it is stored, and unset members are `null`.
 */
import { expect } from 'chai';
import { ChatMessageDto, MessageDto, ParticipantDto, SendMessageAck } from '../../src/codecs/index.js';
import { nestedObject } from '../support/nested.js';
import { startTestGateway, uniqueName, type TestGateway } from '../support/test-gateway.js';
import {
  HubClients,
  ISO_FORMAT,
  api,
  createConversation,
  decoded,
  expectOk,
  expectProblem,
  newUsers,
  plainToken,
  sendText,
  text,
} from './gateway-helpers.js';

describe('gateway: the real-server profile (membership, owners, input STJ refuses, nulls)', () => {
  let gw: TestGateway;
  const hubs = new HubClients(() => gw);
  before(async () => {
    gw = await startTestGateway({ bot: false });
  });
  afterEach(async () => hubs.stopAll());
  after(async () => gw.close());

  describe('membership leaves the SignalR group', () => {
    it("a member removed over REST receives none of the conversation's live events afterwards", async () => {
      const [alice, bob, carol] = await newUsers(gw, 'alice', 'bob', 'carol');
      const conversationId = (await createConversation(gw, alice, 'Group', [bob.id, carol.id], 'Trio')).id;
      const [b, c] = await Promise.all([hubs.chat(bob.token), hubs.chat(carol.token)]);
      await Promise.all([b.connection.invoke('JoinConversation', conversationId), c.connection.invoke('JoinConversation', conversationId)]);
      const before = await sendText(gw, alice, conversationId, 'before');
      await b.waitFor('messageReceived', (m) => m.id === before.id);

      expect(
        (await api(gw, 'DELETE', `/api/conversations/${conversationId}/participants/${bob.id}`, { token: alice.token })).status,
      ).to.equal(204);
      const after = await sendText(gw, alice, conversationId, 'after');
      await c.waitFor('messageReceived', (m) => m.id === after.id);
      // The REST answer comes after its events were written; a round trip on Bob's own connection
      // then proves nothing for him is still on the way.
      await b.roundTrip();
      expect(b.events('messageReceived').map((m) => m.id)).to.deep.equal([before.id]);
      expect(b.events('typingStarted')).to.deep.equal([]);
    });

    it('a member who leaves over REST receives nothing more, on every one of their connections', async () => {
      const [alice, bob] = await newUsers(gw, 'alice', 'bob');
      const conversationId = (await createConversation(gw, alice, 'Group', [bob.id], 'Pair')).id;
      const [a, b1, b2] = await Promise.all([hubs.chat(alice.token), hubs.chat(bob.token), hubs.chat(bob.token)]);
      await Promise.all([a, b1, b2].map((r) => r.connection.invoke('JoinConversation', conversationId)));

      expect((await api(gw, 'POST', `/api/conversations/${conversationId}/leave`, { token: bob.token })).status).to.equal(204);
      const after = await sendText(gw, alice, conversationId, 'after');
      await a.waitFor('messageReceived', (m) => m.id === after.id);
      await Promise.all([b1.roundTrip(), b2.roundTrip()]);
      for (const b of [b1, b2]) expect(b.events('messageReceived').filter((m) => m.senderType === 'User')).to.deep.equal([]);
    });
  });

  describe('participant profiles belong to their owner', () => {
    it("a user without the dev role writes their own profile (200) and nobody else's (403)", async () => {
      const [alice] = await newUsers(gw, 'alice');
      const mine = await plainToken(gw, alice.id);
      const own = await api(gw, 'POST', '/api/participants', {
        token: mine,
        body: { id: alice.id, uniqueName: alice.id, fullName: 'Alice A.' },
      });
      expect(expectOk(own, 200, ParticipantDto).fullName).to.equal('Alice A.');
      const otherId = uniqueName('victim');
      const other = await api(gw, 'POST', '/api/participants', {
        token: mine,
        body: { id: otherId, uniqueName: otherId, fullName: 'Not me' },
      });
      expectProblem(other, 403);
      expect((await api(gw, 'GET', `/api/participants/${otherId}`, { token: alice.token })).status).to.equal(404);
    });

    it('a dev token may write any profile (tooling, seeding)', async () => {
      const [dev] = await newUsers(gw, 'dev');
      const id = uniqueName('seeded');
      const res = await api(gw, 'POST', '/api/participants', { token: dev.token, body: { id, uniqueName: id, fullName: 'Seeded' } });
      expect(expectOk(res, 200, ParticipantDto).id).to.equal(id);
    });
  });

  describe('input System.Text.Json cannot read is refused before it is stored', () => {
    it('REST: a block whose $type is not its first property is a 400; the conversation stays readable', async () => {
      const [alice] = await newUsers(gw, 'alice');
      const conversationId = (await createConversation(gw, alice, 'Group', [], 'Solo')).id;
      const res = await api(gw, 'POST', `/api/conversations/${conversationId}/messages`, {
        token: alice.token,
        body: { blocks: [{ format: 'Plain', content: 'late type', plainText: null, $type: 'text' }] },
      });
      expectProblem(res, 400);
      const history = await api(gw, 'GET', `/api/conversations/${conversationId}/messages`, { token: alice.token });
      expect(history.status).to.equal(200);
      expect((history.json as { items: unknown[] }).items).to.deep.equal([]);
    });

    it('REST: a body nested deeper than 64 levels is a 400 and is not stored; so is custom data deeper than can be sent back (58)', async () => {
      const [alice] = await newUsers(gw, 'alice');
      const conversationId = (await createConversation(gw, alice, 'Group', [], 'Deep')).id;
      // Written as text: JSON.stringify itself overflows the stack at this depth.
      const send = (levels: number) =>
        api(gw, 'POST', `/api/conversations/${conversationId}/messages`, {
          token: alice.token,
          rawBody: `{"blocks":[{"$type":"custom","type":"deep","data":${'{"a":'.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}}]}`,
        });
      expectProblem(await send(10_000), 400);
      // Stored data is written back deeper than it was read (a list item's lastMessage puts `data`
      // at level 7 of 64), so a server refuses what it could not send back.
      expectProblem(await send(59), 400, ['blocks.0.data']);
      expectOk(await send(58), 201, MessageDto);
      const list = await api(gw, 'GET', '/api/conversations', { token: alice.token });
      expect(list.status, 'the conversation list still serializes').to.equal(200);
      const history = await api(gw, 'GET', `/api/conversations/${conversationId}/messages`, { token: alice.token });
      expect(history.status).to.equal(200);
      expect((history.json as { items: unknown[] }).items).to.have.length(1);
    });

    it('hub: SendMessage with a block whose $type is not first (or unknown) fails binding; custom data over 58 levels is refused in the ack', async () => {
      const [alice] = await newUsers(gw, 'alice');
      const conversationId = (await createConversation(gw, alice, 'Group', [], 'Solo')).id;
      const a = await hubs.chat(alice.token);
      await a.connection.invoke('JoinConversation', conversationId);
      const failures: string[] = [];
      for (const block of [{ content: 'x', format: 'Plain', plainText: null, $type: 'text' }, { $type: 'hologram' }]) {
        await a.connection.invoke('SendMessage', { conversationId, blocks: [block] }).then(
          () => failures.push('accepted'),
          (error: unknown) => failures.push((error as Error).message),
        );
      }
      expect(failures).to.deep.equal([
        "Failed to invoke 'SendMessage' due to an error on the server.",
        "Failed to invoke 'SendMessage' due to an error on the server.",
      ]);
      const deep = decoded(
        SendMessageAck,
        await a.connection.invoke('SendMessage', { conversationId, blocks: [{ $type: 'custom', type: 'deep', data: nestedObject(59) }] }),
      );
      expect([deep.success, deep.errorCode]).to.deep.equal([false, 'VALIDATION_ERROR']);
      const ok = decoded(SendMessageAck, await a.connection.invoke('SendMessage', { conversationId, blocks: [text('fine')] }));
      expect(ok.success).to.equal(true);
      const received = await a.waitFor('messageReceived', (m) => m.id === ok.messageId);
      expect(a.events('messageReceived')).to.have.length(1);
      expect(received.id).to.equal(ok.messageId);
    });
  });

  describe('a hub message deeper than the server reads', () => {
    it('is unreadable: the connection is closed with an error (reconnect allowed), nothing is stored, others carry on', async () => {
      const [alice, bob] = await newUsers(gw, 'alice', 'bob');
      const conversationId = (await createConversation(gw, alice, 'Group', [bob.id], 'Pair')).id;
      const [a, b] = await Promise.all([hubs.chat(alice.token), hubs.chat(bob.token)]);
      await b.connection.invoke('JoinConversation', conversationId);
      const closed = new Promise<Error | undefined>((resolve) => a.connection.onclose(resolve));
      const invocation = a.connection.invoke('SendMessage', {
        conversationId,
        blocks: [{ $type: 'custom', type: 'deep', data: nestedObject(200) }],
      });
      const failure = await invocation.then(
        () => undefined,
        (error: unknown) => error as Error,
      );
      expect(failure, 'the invocation fails').to.be.instanceOf(Error);
      expect((await closed)?.message).to.equal('Server returned an error on close: Connection closed with an error.');
      const fine = await sendText(gw, alice, conversationId, 'still fine');
      await b.waitFor('messageReceived', (m) => m.id === fine.id);
      const history = await api(gw, 'GET', `/api/conversations/${conversationId}/messages`, { token: alice.token });
      expect((history.json as { items: Array<{ id: string }> }).items.map((m) => m.id)).to.deep.equal([fine.id]);
    });
  });

  describe('what a record with unset members looks like on the wire', () => {
    it('messageReceived and the ack carry null for unset optional members, and DateTimeOffset-style times', async () => {
      const [alice] = await newUsers(gw, 'alice');
      const conversationId = (await createConversation(gw, alice, 'Group', [], 'Solo')).id;
      const a = await hubs.chat(alice.token);
      await a.connection.invoke('JoinConversation', conversationId);
      const ack = decoded(SendMessageAck, await a.connection.invoke('SendMessage', { conversationId, blocks: [text('hi')] }));
      expect(ack).to.include({ success: true, clientMessageId: null, errorCode: null, errorMessage: null });
      const message = decoded(ChatMessageDto, await a.waitFor('messageReceived', (m) => m.id === ack.messageId));
      expect(message).to.have.property('senderAvatar', null);
      expect(message.createdAt).to.match(ISO_FORMAT);
      expect(Date.parse(message.createdAt)).to.equal(Date.parse(ack.createdAt ?? ''));
    });
  });
});
