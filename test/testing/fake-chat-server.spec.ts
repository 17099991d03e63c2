import { expect } from 'chai';
import { catchError, concatWith, map, type Observable, of } from 'rxjs';
import type { CursorPaginatedResult, MessageDto } from '../../src/codecs/index.js';
import { InvalidArgumentError } from '../../src/core/invalid-argument-error.js';
import { ChatApiError } from '../../src/http/chat-api-error.js';
import { type FakeChatServer, FakeChatServerError } from '../../src/testing/index.js';
import { act, newScheduler, record, world } from './kit.js';

/** Posts `n` messages `t1`…`tn` from alternating senders, one per frame, outside `run` (frames 0). */
function postMany(server: FakeChatServer, n: number): MessageDto[] {
  return Array.from({ length: n }, (_, i) => server.post('general', i % 2 === 0 ? 'bob' : 'alice', `t${i + 1}`));
}

/** Reads a cold Observable that answers synchronously. */
function now<T>(source: Observable<T>): T {
  let value: T | undefined;
  let failure: unknown;
  source.subscribe({ next: (v) => (value = v), error: (e) => (failure = e) });
  if (failure !== undefined) throw failure;
  return value as T;
}

const ids = (page: CursorPaginatedResult<MessageDto>) => page.items.map((m) => m.id);

describe('FakeChatServer', () => {
  it('stores posts as REST messages with ids that sort in creation order and createdAt from the scheduler', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold }) => {
      const server = world(scheduler);
      const posted: MessageDto[] = [];
      act(cold, '--a---b', {
        a: () => posted.push(server.post('general', 'bob', 'Hi')),
        b: () => posted.push(server.post('general', 'alice', 'Yo')),
      });
      scheduler.flush();
      expect(posted.map((m) => [m.id, m.senderId, m.senderType, m.plainTextIndex, m.createdAt])).to.deep.equal([
        ['m000001', 'bob', 'User', 'Hi', '1970-01-01T00:00:00.002Z'],
        ['m000002', 'alice', 'User', 'Yo', '1970-01-01T00:00:00.006Z'],
      ]);
      expect(server.messages('general')).to.deep.equal(posted);
      expect(posted[0]?.blocks).to.deep.equal([{ $type: 'text', format: 'Plain', content: 'Hi', plainText: 'Hi' }]);
    });
  });

  it('is idempotent by clientMessageId per sender: a repeat returns the first copy and broadcasts nothing', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const server = world(scheduler);
      const chat = server.chatHub('alice');
      expectObservable(chat.on('messageReceived').pipe(map((m) => `${m.id}:${m.plainTextContent}`))).toBe('--a--c', {
        a: 'm000001:first',
        c: 'm000002:other sender',
      });
      const results: string[] = [];
      act(cold, '-jab-c', {
        j: () =>
          chat
            .connect()
            .pipe(concatWith(chat.joinConversation('general')))
            .subscribe(),
        a: () => results.push(server.post('general', 'bob', 'first', { clientMessageId: 'c1' }).id),
        b: () => results.push(server.post('general', 'bob', 'again', { clientMessageId: 'c1' }).id),
        c: () => results.push(server.post('general', 'alice', 'other sender', { clientMessageId: 'c1' }).id),
      });
      scheduler.flush();
      expect(results).to.deep.equal(['m000001', 'm000001', 'm000002']);
      expect(server.messages('general').map((m) => m.plainTextIndex)).to.deep.equal(['first', 'other sender']);
    });
  });

  it('throws FakeChatServerError for what the gateway refuses, and Error for unknown participants', () => {
    const server = world(newScheduler());
    expect(() => server.post('general', 'mallory', 'hi'))
      .to.throw(FakeChatServerError)
      .with.property('status', 403);
    expect(() => server.post('nowhere', 'alice', 'hi'))
      .to.throw(FakeChatServerError)
      .with.property('code', 'NOT_FOUND');
    const m = server.post('general', 'bob', 'hi');
    expect(() => server.edit(m.id, 'alice', 'changed'))
      .to.throw(FakeChatServerError)
      .with.property('status', 403);
    expect(() => server.chatHub('nobody')).to.throw(Error, "unknown participant 'nobody'");
    expect(() => server.addParticipant('alice')).to.throw(Error, 'already exists');
  });

  it('edits, deletes and recovers as REST shows them, within the 10-minute window', () => {
    const server = world(newScheduler());
    const m = server.post('general', 'bob', 'hi');
    expect(server.edit(m.id, 'bob', 'hello')).to.include({ isEdited: true, plainTextIndex: 'hello', editedAt: '1970-01-01T00:00:00.000Z' });
    expect(server.delete(m.id, 'bob')).to.include({ isDeleted: true, plainTextIndex: null });
    expect(server.message(m.id)?.blocks).to.deep.equal([]);
    expect(() => server.delete(m.id, 'bob'))
      .to.throw(FakeChatServerError)
      .with.property('status', 409);
    expect(server.recover(m.id, 'bob')).to.include({ isDeleted: false, plainTextIndex: 'hello' });
  });

  it('counts unread messages per member and resets them on markAsRead', () => {
    const server = world(newScheduler());
    postMany(server, 5); // bob, alice, bob, alice, bob
    expect([server.unreadCount('general', 'alice'), server.unreadCount('general', 'bob')]).to.deep.equal([3, 2]);
    server.markAsRead('general', 'alice', 'm000003');
    expect(server.unreadCount('general', 'alice')).to.equal(1);
  });

  it('lists the conversations of a participant, latest activity first, and participants by id', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold }) => {
      const server = world(scheduler);
      act(cold, '-a', { a: () => server.post('random', 'bob', 'news') });
      scheduler.flush();
      const page = server.listConversations('alice');
      expect(page.items.map((c) => [c.id, c.unreadCount, c.lastMessageId])).to.deep.equal([
        ['random', 1, 'm000001'],
        ['general', 0, null],
      ]);
      expect(server.listConversations('alice', { limit: 1 })).to.include({ hasMore: true, nextCursor: 'offset:1' });
      expect(server.listConversations('mallory').items).to.deep.equal([]);
      expect(server.getParticipants(['bob', 'ghost']).map((p) => [p.id, p.fullName, p.isBot])).to.deep.equal([['bob', 'Bob', false]]);
    });
  });
});

describe('FakeHistoryApi', () => {
  it('pages older messages newest first, walking the cursor to the start without repeating a message', () => {
    const server = world(newScheduler());
    const truth = postMany(server, 7).map((m) => m.id);
    const history = server.history('alice');
    const first = now(history.getHistory('general', { limit: 3 }));
    expect(ids(first)).to.deep.equal(['m000007', 'm000006', 'm000005']);
    expect(first.hasMore).to.equal(true);
    expect(first.nextCursor).to.equal('0_m000005');
    const second = now(history.getHistory('general', { limit: 3, cursor: first.nextCursor, direction: 'older' }));
    expect(ids(second)).to.deep.equal(['m000004', 'm000003', 'm000002']);
    const last = now(history.getHistory('general', { limit: 3, cursor: second.nextCursor }));
    expect(ids(last)).to.deep.equal(['m000001']);
    expect([last.hasMore, last.nextCursor]).to.deep.equal([false, null]);
    expect([...ids(first), ...ids(second), ...ids(last)].reverse()).to.deep.equal(truth);
  });

  it('pages newer messages oldest first from a cursor, and an exact last page has no cursor', () => {
    const server = world(newScheduler());
    postMany(server, 4);
    const history = server.history('bob');
    const page = now(history.getHistory('general', { limit: 2, direction: 'newer', cursor: '0_m000001' }));
    expect(ids(page)).to.deep.equal(['m000002', 'm000003']);
    expect(page.nextCursor).to.equal('0_m000003');
    const rest = now(history.getHistory('general', { limit: 1, direction: 'newer', cursor: page.nextCursor }));
    expect([ids(rest), rest.hasMore, rest.nextCursor]).to.deep.equal([['m000004'], false, null]);
    expect(now(history.getHistory('general')).items).to.have.length(4);
  });

  it('refuses a non-member (403), an unknown conversation (404) and a bad limit (400) with ChatApiError; bad arguments throw at once', () => {
    const server = world(newScheduler());
    const status = (conversationId: string, limit?: number) =>
      now(
        server
          .history('mallory')
          .getHistory(conversationId, limit === undefined ? {} : { limit })
          .pipe(catchError((e: unknown) => of(ChatApiError.is(e) ? `${e.kind}:${e.status}:${e.message}` : 'other'))),
      );
    expect(status('general')).to.equal('http:403:You are not a participant of this conversation.');
    expect(status('nowhere')).to.equal("http:404:Conversation 'nowhere' was not found.");
    server.addMember('general', 'mallory');
    expect(status('general', 101)).to.equal('http:400:The limit must be between 1 and 100.');
    expect(() => server.history('alice').getHistory('')).to.throw(InvalidArgumentError);
    expect(() => server.history('alice').getHistory('general', { limit: 0 })).to.throw(RangeError);
  });

  it('fails the next requests with a network ChatApiError, after the delay, and logs every request', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const server = world(scheduler);
      server.post('general', 'bob', 'Hi');
      const history = server.history('alice').failNext(1).delay(3);
      const outcome = (label: string) =>
        history.getHistory('general', { limit: 10 }).pipe(
          map((page) => `${label}:${page.items.length}`),
          catchError((e: unknown) => of(ChatApiError.is(e) ? `${label}:${e.kind}:${e.status}` : 'other')),
        );
      // Each request is sent when its cold prefix completes (frames 2 and 9) and answered 3 frames later.
      expectObservable(cold('-a|').pipe(concatWith(outcome('first')))).toBe('-a---(b|)', { a: 'a', b: 'first:network:0' });
      expectObservable(cold('--------a|').pipe(concatWith(outcome('second')))).toBe('--------a---(b|)', { a: 'a', b: 'second:1' });
      scheduler.flush();
      expect(history.requests).to.deep.equal([
        { method: 'getHistory', conversationId: 'general', params: { limit: 10 } },
        { method: 'getHistory', conversationId: 'general', params: { limit: 10 } },
      ]);
    });
  });

  it('sends over REST: posts on the server, broadcasts to joined hubs, idempotent by clientMessageId', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const server = world(scheduler);
      const bob = server.chatHub('bob');
      expectObservable(bob.on('messageReceived').pipe(map((m) => `${m.senderName}:${m.plainTextContent}:${m.clientMessageId}`))).toBe(
        '--a',
        { a: 'Alice:via rest:k1' },
      );
      const sent: string[] = [];
      const request = {
        blocks: [{ $type: 'text' as const, format: 'Plain' as const, content: 'via rest', plainText: 'via rest' }],
        clientMessageId: 'k1',
      };
      act(cold, '-jab', {
        j: () =>
          bob
            .connect()
            .pipe(concatWith(bob.joinConversation('general')))
            .subscribe(),
        a: () =>
          server
            .history('alice')
            .send('general', request)
            .subscribe((m) => sent.push(m.id)),
        b: () =>
          server
            .history('alice')
            .send('general', request)
            .subscribe((m) => sent.push(m.id)),
      });
      scheduler.flush();
      expect(sent).to.deep.equal(['m000001', 'm000001']);
      expect(server.history('alice').requests.map((r) => r.method)).to.deep.equal(['send', 'send']);
    });
  });

  it('answers from the truth at the time of the request, however late the answer arrives', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold }) => {
      const server = world(scheduler);
      const history = server.history('alice').delay(5);
      // Requested at frame 2, answered at 7; the post at frame 4 is not in the answer.
      const pages = record(scheduler, cold('-a|').pipe(concatWith(history.getHistory('general'))));
      act(cold, '----p', { p: () => server.post('general', 'bob', 'late') });
      scheduler.flush();
      expect(pages.map(([frame, value]) => [frame, typeof value === 'string' ? value : value.items.length])).to.deep.equal([
        [1, 'a'],
        [7, 0],
      ]);
    });
  });
});
