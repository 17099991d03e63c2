/**
 * Issue 17 against the embedded gateway: loading, loaded and failed told apart on the state
 * streams (`timeline.status$`, `client.conversationListState$`, a `conversationList$` that does
 * not start with a placeholder `[]`), and `client.followAllConversations()` feeding
 * `client.messages$` from every conversation of the user.
 */
import { expect } from 'chai';
import { firstValueFrom, lastValueFrom, of, throwError, type Observable } from 'rxjs';
import { ChatApiError } from '../../src/http/chat-api-error.js';
import type { CursorPaginatedResult, MessageDto } from '../../src/codecs/index.js';
import { Timeline, type TimelineHistoryApi, type TimelineStatus } from '../../src/streams/timeline.js';
import type { TimelineMessage } from '../../src/streams/timeline-message.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { ClientKit, group, sendRest, uniqueName, waitFor } from './client-kit.js';
import { restMessage } from '../streams/fixtures.js';

const last = <T>(values: readonly T[]): T | undefined => values[values.length - 1];
const statuses = (values: readonly TimelineStatus[]): string[] => values.map((s) => s.status);
/** A ULID-shaped id no conversation has. */
const NO_SUCH_CONVERSATION = '01JZZZZZZZZZZZZZZZZZZZZZZZ';

describe('loading, loaded and failed told apart (issue 17, embedded gateway)', function () {
  this.timeout(20_000);
  let gateway: TestGateway;
  const kit = new ClientKit(() => gateway);

  before(async () => {
    gateway = await startTestGateway({ bot: false });
  });
  afterEach(() => kit.closeAll());
  after(() => gateway.close());

  describe('timeline.status$', () => {
    it('a conversation that does not exist: status$ fails with the 404 ChatApiError on the timeline itself', async () => {
      const { client: alice } = await kit.user('alice');
      const timeline = alice.timeline(NO_SUCH_CONVERSATION);
      const seen = kit.record(timeline.status$);
      const messages = kit.record(timeline.messages$);
      expect(statuses(seen.values)).to.deep.equal(['loading']);
      const failed = await waitFor(() => seen.values.find((s) => s.status === 'failed'), 5000, 'the failed status');
      const error = (failed as Extract<TimelineStatus, { status: 'failed' }>).error;
      expect(ChatApiError.is(error), String(error)).to.equal(true);
      expect((error as ChatApiError).status).to.equal(404);
      expect(statuses(seen.values)).to.deep.equal(['loading', 'failed']);
      // messages$ keeps its element type: [] — and status$ says why.
      expect(last(messages.values)).to.deep.equal([]);
      // A late subscriber gets the current status at once (replayed).
      const replayed: TimelineStatus[] = [];
      timeline.status$.subscribe((s) => replayed.push(s)).unsubscribe();
      expect(statuses(replayed)).to.deep.equal(['failed']);
    });

    it('an existing empty conversation: loading, then loaded (so [] means "loaded, no messages")', async () => {
      const { client: alice } = await kit.user('alice');
      const conversation = await firstValueFrom(alice.conversations.create({ type: 'Self', participantIds: [] }));
      const timeline = alice.timeline(conversation.id, { join: false });
      const seen = kit.record(timeline.status$);
      const messages = kit.record(timeline.messages$);
      await waitFor(() => last(seen.values)?.status === 'loaded', 5000, 'the loaded status');
      expect(statuses(seen.values)).to.deep.equal(['loading', 'loaded']);
      expect(messages.values).to.deep.equal([[]]);
      expect(await firstValueFrom(timeline.status$)).to.deep.equal({ status: 'loaded' });
    });

    it('status$ runs the timeline on its own (one history request shared with messages$)', async () => {
      const { client: alice, id: aliceId } = await kit.user('alice');
      const { client: bob } = await kit.user('bob', { connect: false });
      const conversation = await group(bob, [aliceId]);
      await sendRest(bob, conversation.id, 'hello');
      const timeline = alice.timeline(conversation.id, { join: false });
      const before = gateway.requests().length;
      const seen = kit.record(timeline.status$);
      await waitFor(() => last(seen.values)?.status === 'loaded', 5000, 'the loaded status');
      const messages = kit.record(timeline.messages$);
      expect(last(messages.values)?.map((m) => m.plainText)).to.deep.equal(['hello']);
      if (!gateway.external) {
        const history = gateway
          .requests()
          .slice(before)
          .filter((r) => r.method === 'GET' && r.path.includes(`/conversations/${conversation.id}/messages`));
        expect(history).to.have.length(1);
      }
    });
  });

  describe('client.conversationList$ / conversationListState$', () => {
    it('firstValueFrom(conversationList$) is the loaded list, not a placeholder []', async () => {
      const { client: alice, id: aliceId } = await kit.user('alice');
      const { client: bob } = await kit.user('bob', { connect: false });
      const conversation = await group(bob, [aliceId]);
      const list = await firstValueFrom(alice.conversationList$);
      expect(list.map((c) => c.id)).to.include(conversation.id);
    });

    it('conversationListState$: loading, then loaded with the items; replayed to a late subscriber', async () => {
      const { client: alice, id: aliceId } = await kit.user('alice');
      const { client: bob } = await kit.user('bob', { connect: false });
      const conversation = await group(bob, [aliceId]);
      const seen = kit.record(alice.conversationListState$);
      expect(seen.values.map((s) => s.status)).to.deep.equal(['loading']);
      await waitFor(() => last(seen.values)?.status === 'loaded', 5000, 'the loaded list');
      const loaded = last(seen.values);
      expect(loaded?.items.map((c) => c.id)).to.include(conversation.id);
      expect(await firstValueFrom(alice.conversationListState$)).to.equal(loaded);
    });

    it('conversationListState$: a list request that fails says failed, with the ChatApiError', async () => {
      // Not logged in: the list request is refused with 401.
      const client = kit.create();
      const seen = kit.record(client.conversationListState$);
      const failed = await waitFor(() => seen.values.find((s) => s.status === 'failed'), 5000, 'the failed status');
      expect(failed.status === 'failed' && ChatApiError.is(failed.error) && failed.error.status).to.equal(401);
      expect(failed.items).to.deep.equal([]);
      // conversationList$ still settles (on what is held), so firstValueFrom does not hang.
      expect(await firstValueFrom(client.conversationList$)).to.deep.equal([]);
    });
  });

  describe('client.followAllConversations()', () => {
    it('joins every conversation of the list and each new one, so messages$ carries them; leaves them on unsubscribe', async () => {
      const { client: alice, id: aliceId } = await kit.user('alice');
      const { client: bob } = await kit.user('bob', { connect: false });
      const first = await group(bob, [aliceId], uniqueName('first'));
      const messages = kit.record(alice.messages$);
      const chat = alice.realtime.chat;

      // Without it, messages$ is silent: nothing is joined, so the gateway sends Alice no chat event
      // (its notification of the same message, written at the same time, does arrive).
      const notes = kit.record(alice.realtime.notifications.on('newMessageNotification'));
      const unheard = await sendRest(bob, first.id, 'unheard');
      await waitFor(() => notes.values.some((n) => n.messageId === unheard) || undefined, 5000, 'the notification of the unheard message');
      expect(chat.joinedConversations.size).to.equal(0);
      expect(messages.values).to.deep.equal([]);

      const followed = kit.record(alice.followAllConversations());
      await waitFor(() => chat.joinedConversations.has(first.id), 5000, 'the listed conversation joined');
      expect(last(followed.values)?.has(first.id)).to.equal(true);

      const second = await group(bob, [aliceId], uniqueName('second'));
      await waitFor(() => chat.joinedConversations.has(second.id), 5000, 'the new conversation joined');
      expect(last(followed.values)?.has(second.id)).to.equal(true);

      await sendRest(bob, first.id, 'in first');
      await sendRest(bob, second.id, 'in second');
      await waitFor(() => messages.values.length >= 2, 5000, 'both messages on messages$');
      expect(messages.values.map((m: TimelineMessage) => [m.conversationId, m.plainText])).to.deep.equal([
        [first.id, 'in first'],
        [second.id, 'in second'],
      ]);

      // A timeline still holds `second`: unsubscribing leaves `first` only.
      const timeline = kit.record(alice.timeline(second.id).messages$);
      followed.subscription.unsubscribe();
      await waitFor(() => !chat.joinedConversations.has(first.id), 5000, 'the followed conversation left');
      expect(chat.joinedConversations.has(second.id)).to.equal(true);
      timeline.subscription.unsubscribe();
      await waitFor(() => !chat.joinedConversations.has(second.id), 5000, 'the timeline conversation left');
      expect(followed.errors).to.deep.equal([]);
    });

    it('leaves a conversation the user leaves (it leaves the list)', async () => {
      const { client: alice, id: aliceId } = await kit.user('alice');
      const { client: bob } = await kit.user('bob', { connect: false });
      const conversation = await group(bob, [aliceId]);
      const chat = alice.realtime.chat;
      const followed = kit.record(alice.followAllConversations());
      await waitFor(() => chat.joinedConversations.has(conversation.id), 5000, 'the conversation joined');
      await lastValueFrom(alice.conversations.leave(conversation.id), { defaultValue: undefined });
      await waitFor(() => !chat.joinedConversations.has(conversation.id), 5000, 'the conversation left');
      expect(last(followed.values)?.has(conversation.id)).to.equal(false);
    });
  });
});

describe('timeline.status$ (fake history)', () => {
  const chat = {
    on: () => of(),
    sessions$: of(),
    rejoined$: of(),
    state$: of(),
    joinedConversations$: of(new Set<string>()),
  } as unknown as ConstructorParameters<typeof Timeline>[1]['chat'];
  const page = (items: MessageDto[]): CursorPaginatedResult<MessageDto> =>
    ({ items, nextCursor: null, hasMore: false }) as unknown as CursorPaginatedResult<MessageDto>;

  it('a failed first page becomes loaded when loadOlder() (the retry) gets a page', async () => {
    let calls = 0;
    // Not a failure that may pass (a 5xx would be asked again at once): the retry is loadOlder's.
    const refused = new ChatApiError({ kind: 'http', status: 403, title: 'Forbidden' });
    const messages: TimelineHistoryApi = {
      getHistory: (): Observable<CursorPaginatedResult<MessageDto>> =>
        ++calls === 1 ? throwError(() => refused) : of(page([restMessage(1)])),
      send: () => throwError(() => new Error('unused')),
    };
    const reported: unknown[] = [];
    const timeline = new Timeline(
      '01JCONV0000000000000000001',
      {
        chat,
        messages,
        streams$: of(),
        currentUser: () => null,
        report: (e) => reported.push(e),
        newClientMessageId: () => 'c',
      },
      { join: false },
    );
    const seen: TimelineStatus[] = [];
    const subscription = timeline.status$.subscribe((s) => seen.push(s));
    const held = timeline.messages$.subscribe();
    // The history answered synchronously: the current status is already `failed` on subscribe.
    expect(seen).to.deep.equal([{ status: 'failed', error: refused }]);
    expect(reported).to.deep.equal([refused]);
    expect(await lastValueFrom(timeline.loadOlder())).to.equal(1);
    expect(statuses(seen)).to.deep.equal(['failed', 'loaded']);
    subscription.unsubscribe();
    held.unsubscribe();
  });
});
