/**
 * The facade itself against the embedded gateway: option validation, conversation helpers, the
 * conversation list, disconnect as a Completion, no lingering handles, and no token in the logs.
 */
import { HttpTransportType } from '@microsoft/signalr';
import { expect } from 'chai';
import { firstValueFrom } from 'rxjs';
import { LogLevel } from '@microsoft/signalr';
import { type ChatClientOptions, createChatClient } from '../../src/client.js';
import type { ConversationListItemDto } from '../../src/codecs/index.js';
import { InvalidArgumentError } from '../../src/core/invalid-argument-error.js';
import { requestMark, startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { ClientKit, group, joined, sendRest, uniqueName, waitFor } from './client-kit.js';

const last = <T>(values: readonly T[]): T | undefined => values[values.length - 1];

describe('createChatClient (embedded gateway)', function () {
  this.timeout(20_000);
  let gateway: TestGateway;
  const kit = new ClientKit(() => gateway);

  before(async () => {
    gateway = await startTestGateway({ bot: false });
  });
  afterEach(() => kit.closeAll());
  after(() => gateway.close());

  describe('validation', () => {
    const cases: Array<{ name: string; options: unknown; argument: string; message?: RegExp }> = [
      { name: 'no options', options: undefined, argument: 'options' },
      { name: 'no baseUrl', options: {}, argument: 'options.baseUrl', message: /required/ },
      { name: 'an empty baseUrl', options: { baseUrl: '' }, argument: 'options.baseUrl' },
      {
        name: 'a malformed baseUrl',
        options: { baseUrl: 'chat.example.com' },
        argument: 'options.baseUrl',
        message: /not an absolute URL/,
      },
      { name: 'a non-http baseUrl', options: { baseUrl: 'ftp://chat.example.com' }, argument: 'options.baseUrl', message: /http/ },
      { name: 'a baseUrl with a query', options: { baseUrl: 'https://chat.example.com/?x=1' }, argument: 'options.baseUrl' },
      {
        name: 'both token and session',
        options: {
          baseUrl: 'https://chat.example.com',
          token: 't',
          session: { token: 't', expiresAt: null, user: null, baseUrl: 'https://chat.example.com' },
        },
        argument: 'options.token',
        message: /session/,
      },
      {
        name: 'a logger that is not a function',
        options: { baseUrl: 'https://chat.example.com', logger: 'console' },
        argument: 'options.logger',
      },
    ];
    for (const c of cases) {
      it(`rejects ${c.name}, naming the argument`, () => {
        let thrown: unknown;
        try {
          createChatClient(c.options as ChatClientOptions);
        } catch (error) {
          thrown = error;
        }
        expect(InvalidArgumentError.is(thrown), String(thrown)).to.equal(true);
        expect((thrown as InvalidArgumentError).argument).to.equal(c.argument);
        expect((thrown as Error).message).to.contain(c.argument);
        if (c.message) expect((thrown as Error).message).to.match(c.message);
      });
    }

    it('accepts a valid baseUrl (trailing slash and path prefix) and starts no work', async () => {
      const mark = await requestMark(gateway);
      const client = kit.create({ baseUrl: `${gateway.url}/` });
      expect(client.realtime.chat.status.status).to.equal('disconnected');
      expect(await mark.since()).to.deep.equal([]);
    });
  });

  describe('conversations', () => {
    it('directConversation finds the OneToOne conversation or creates it; groupConversation creates a group', async () => {
      const { client: alice, id: aliceId } = await kit.user('alice', { connect: false });
      const { id: bobId } = await kit.user('bob', { connect: false });
      const { id: carolId } = await kit.user('carol', { connect: false });
      const created = await firstValueFrom(alice.directConversation(bobId));
      expect(created.type).to.equal('OneToOne');
      expect(created.participants.map((p) => p.participantId).sort()).to.deep.equal([aliceId, bobId].sort());
      const found = await firstValueFrom(alice.directConversation(bobId));
      expect(found.id).to.equal(created.id);

      const name = uniqueName('team');
      const team = await firstValueFrom(alice.groupConversation([bobId, carolId], { name }));
      expect(team).to.include({ type: 'Group', name });
      expect(team.participants.map((p) => p.participantId).sort()).to.deep.equal([aliceId, bobId, carolId].sort());
      expect(() => alice.groupConversation([])).to.throw(InvalidArgumentError, /participantIds/);
      expect(() => alice.directConversation('')).to.throw(InvalidArgumentError, /participantId/);
    });

    it('conversationList$ reflects a new conversation, unread counts, and pin/unpin order', async () => {
      const { client: alice, id: aliceId } = await kit.user('alice');
      const { client: bob } = await kit.user('bob', { connect: false });
      const list = kit.record(alice.conversationList$);
      const row = (id: string): ConversationListItemDto | undefined => last(list.values)?.find((c) => c.id === id);
      const order = (): string[] => (last(list.values) ?? []).map((c) => c.id);

      const first = await group(bob, [aliceId]);
      await waitFor(() => row(first.id), 3000, 'the new conversation in the list');
      expect(row(first.id)?.unreadCount).to.equal(0);

      for (const text of ['one', 'two', 'three']) await sendRest(bob, first.id, text);
      await waitFor(() => row(first.id)?.unreadCount === 3, 3000, 'three unread');

      const second = await group(bob, [aliceId]);
      await sendRest(bob, second.id, 'newer');
      await waitFor(() => order()[0] === second.id && row(second.id)?.unreadCount === 1, 3000, 'the newer conversation first');
      expect(order().indexOf(second.id)).to.be.below(order().indexOf(first.id));

      await firstValueFrom(alice.conversations.pin(first.id), { defaultValue: undefined });
      await waitFor(() => order()[0] === first.id, 3000, 'the pinned conversation first');
      expect(row(first.id)?.isPinned).to.equal(true);

      await firstValueFrom(alice.conversations.unpin(first.id), { defaultValue: undefined });
      await waitFor(() => order()[0] === second.id && row(first.id)?.isPinned === false, 3000, 'back in lastMessageAt order');
      // Every emission is a new array only when something changed: no two consecutive emissions are the same array.
      for (let i = 1; i < list.values.length; i++) expect(list.values[i]).not.to.equal(list.values[i - 1]);
    });
  });

  describe('disconnect', () => {
    it('await client.disconnect() and client.disconnect().subscribe() both complete, and both hubs end disconnected', async () => {
      const { client } = await kit.user('dana');
      expect(client.realtime.chat.status.status).to.equal('connected');
      await client.disconnect();
      expect(client.realtime.chat.status.status).to.equal('disconnected');
      expect(client.realtime.notifications.status.status).to.equal('disconnected');

      await firstValueFrom(client.connect());
      const events: string[] = [];
      await new Promise<void>((resolve, reject) => {
        client
          .disconnect()
          .subscribe({ next: () => events.push('next'), error: reject, complete: () => (events.push('complete'), resolve()) });
      });
      expect(events).to.deep.equal(['next', 'complete']);
      expect(client.realtime.chat.status.status).to.equal('disconnected');
      // A Completion can be awaited again later.
      const completion = client.disconnect();
      await completion;
      await completion;
    });

    it('leaves no handles of its own behind after disconnect', async () => {
      const count = (): number => process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap').length;
      const { id: bob } = await kit.user('bob', { connect: false });
      // Let earlier tests' sockets settle first.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const before = count();
      // Over a WebSocket the hub connection is a handle of its own; long polling reuses pooled
      // HTTP sockets, so the check below that the count rose would say nothing there.
      const client = kit.create({
        hubs: { transport: HttpTransportType.WebSockets, reconnectDelays: [50, 100, 200], maxReconnectAttempts: 100 },
      });
      await firstValueFrom(client.auth.loginWithDev(uniqueName('erin'), 'pw'));
      await firstValueFrom(client.connect());
      const conversation = await firstValueFrom(client.groupConversation([bob]));
      const timeline = client.timeline(conversation.id);
      const subscription = timeline.messages$.subscribe();
      await joined(client, conversation.id);
      await firstValueFrom(timeline.send('bye'), { defaultValue: undefined });
      expect(count()).to.be.above(before);
      subscription.unsubscribe();
      await client.disconnect();
      await waitFor(
        () => count() <= before,
        5000,
        `active resources back to ${before}: ${JSON.stringify(process.getActiveResourcesInfo())}`,
      );
    });
  });

  describe('logger', () => {
    it('never receives a token: every line of a login, connect and reconnects is free of JWTs', async () => {
      const lines: string[] = [];
      const logger: NonNullable<ChatClientOptions['logger']> = (level, message, data) =>
        lines.push(`${level} ${message} ${data === undefined ? '' : JSON.stringify(data)}`);
      const client = kit.create({ logger, signalrOptions: { logLevel: LogLevel.Trace } });
      const { token } = await firstValueFrom(client.auth.loginWithDev(uniqueName('frank'), 'pw'));
      expect(token.startsWith('eyJ')).to.equal(true);
      await firstValueFrom(client.connect());
      const sessions = kit.record(client.realtime.chat.sessions$);
      await gateway.faults.dropConnections({ allowReconnect: true });
      await waitFor(() => sessions.values.length >= 1 && client.realtime.chat.status.status === 'connected', 5000, 'the first reconnect');
      await gateway.faults.killSockets();
      await waitFor(() => sessions.values.length >= 2 && client.realtime.chat.status.status === 'connected', 5000, 'the second reconnect');
      await client.disconnect();

      expect(lines.length, 'the logger was used').to.be.above(10);
      // SignalR traced its negotiate and socket URLs (where a browser would carry access_token).
      expect(
        lines.some((line) => line.includes('/hubs/chat')),
        'hub URLs were logged',
      ).to.equal(true);
      // A JWT's shape (a base64url JSON header, a dot, more), this token, or its payload or
      // signature alone. Not a bare "eyJ": a random connection id may contain it (one did).
      const jwtShape = /eyJ[\w-]{8,}\.[\w-]+/;
      const [, payload, signature] = token.split('.') as [string, string, string];
      const leaks = lines.filter(
        (line) => jwtShape.test(line) || line.includes(token) || line.includes(payload) || line.includes(signature),
      );
      expect(leaks).to.deep.equal([]);
    });
  });
});
