import { expect } from 'chai';
import { firstValueFrom, map } from 'rxjs';
import { ChatApiError } from '../../src/http/chat-api-error.js';
import type { TimelineMessage } from '../../src/streams/timeline-message.js';
import { createTestChatClient, FakeChatServer } from '../../src/testing/index.js';
import { act, newScheduler, record, world } from './kit.js';

const texts = (messages: readonly TimelineMessage[]): string => messages.map((m) => `${m.plainText}/${m.status}`).join(',');

describe('createTestChatClient', () => {
  it('logs the user in and answers conversations.list and participants from the server', () => {
    const scheduler = newScheduler();
    scheduler.run(({ expectObservable }) => {
      const server = world(scheduler);
      const { client } = createTestChatClient({ server, user: 'alice' });
      expect(client.currentUser).to.deep.equal({ id: 'alice', uniqueName: 'alice', fullName: 'Alice' });
      expectObservable(client.conversations.list().pipe(map((page) => page.items.map((c) => c.id)))).toBe('(a|)', {
        a: ['general', 'random'],
      });
      expectObservable(client.participants.getBatch(['bob']).pipe(map((ps) => ps.map((p) => p.fullName)))).toBe('(a|)', { a: ['Bob'] });
    });
  });

  it('runs a timeline over the fakes: history, live messages, a lost message recovered after a new session', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold }) => {
      const server = world(scheduler);
      server.post('general', 'bob', 'before');
      const { client, chat, history } = createTestChatClient({ server, user: 'alice' });
      const timeline = client.timeline('general');
      const seen = record(scheduler, timeline.messages$.pipe(map(texts)));
      act(cold, '-cl--------ds-r', {
        c: () => client.connect().subscribe(),
        l: () => server.post('general', 'bob', 'live'),
        d: () => chat.dropConnection(),
        s: () => server.post('general', 'bob', 'missed'),
        r: () => chat.reconnect(),
      });
      scheduler.flush();
      // 'before' (REST history) waits for the sender names' 10 ms batch window; 'missed', lost on the
      // dropped connection, comes back with the recovery after the new session at frame 14.
      expect(seen).to.deep.equal([
        [2, 'live/confirmed'],
        [10, 'before/confirmed,live/confirmed'],
        [14, 'before/confirmed,live/confirmed,missed/confirmed'],
      ]);
      expect(history.requests.every((r) => r.method === 'getHistory' && r.conversationId === 'general')).to.equal(true);
      expect(history.requests.length).to.be.greaterThan(1);
    });
  });

  it('sends from a timeline over the chat hub with a deterministic clientMessageId', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold }) => {
      const server = world(scheduler);
      const { client } = createTestChatClient({ server, user: 'alice' });
      const timeline = client.timeline('general');
      const seen = record(scheduler, timeline.messages$.pipe(map(texts)));
      act(cold, '-cs', {
        c: () => client.connect().subscribe(),
        s: () => timeline.send('hello').subscribe(),
      });
      scheduler.flush();
      expect(server.messages('general').map((m) => [m.senderId, m.plainTextIndex, m.clientMessageId])).to.deep.equal([
        ['alice', 'hello', 'alice-cmid-1'],
      ]);
      expect(seen[seen.length - 1]?.[1]).to.equal('hello/confirmed');
    });
  });

  it('fails a REST call the kit does not fake with a 501 naming the route', async () => {
    const server = new FakeChatServer({ scheduler: newScheduler() });
    server.addParticipant('alice');
    const { client } = createTestChatClient({ server, user: 'alice' });
    const error: unknown = await firstValueFrom(client.bots.list()).catch((e: unknown) => e);
    expect(ChatApiError.is(error) && [error.kind, error.status]).to.deep.equal(['http', 501]);
    expect((error as ChatApiError).message).to.match(/^GET .*bots.* is not faked in chat-client-rx\/testing/);
  });
});
