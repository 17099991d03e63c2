import { expect } from 'chai';
import type { ConversationListItemDto } from '../../src/codecs/index.js';
import {
  compareConversations,
  type ConversationListAction,
  type ConversationListState,
  INITIAL_CONVERSATION_LIST_STATE,
  messageDtoOf,
  previewMessageDto,
  reduceConversationList,
  reduceConversationListState,
} from '../../src/streams/conversation-list.js';
import { at, chatMessage, restMessage, row } from './fixtures.js';

const ids = (list: readonly ConversationListItemDto[]): string[] => list.map((c) => c.id);

/** A list as the reducer keeps it: c1 pinned; c2 newest message; c3 older; c4 no messages. */
function base(): readonly ConversationListItemDto[] {
  return reduceConversationList([], {
    type: 'loaded',
    items: [
      row('c4'),
      row('c3', { lastMessageAt: at(10), lastMessageId: 'm10', unreadCount: 1 }),
      row('c2', { lastMessageAt: at(20), lastMessageId: 'm20' }),
      row('c1', { isPinned: true, pinnedAt: at(1), lastMessageAt: at(5), lastMessageId: 'm5' }),
    ],
  });
}

describe('reduceConversationList (table)', () => {
  it('loaded: sorts pinned first, then lastMessageAt descending, conversations without messages last', () => {
    expect(ids(base())).to.deep.equal(['c1', 'c2', 'c3', 'c4']);
  });

  it('loaded: the latest pin comes first among pinned; equal times fall back to id descending', () => {
    const list = reduceConversationList([], {
      type: 'loaded',
      items: [
        row('p-old', { isPinned: true, pinnedAt: at(1) }),
        row('a', { lastMessageAt: at(3) }),
        row('b', { lastMessageAt: at(3) }),
        row('p-new', { isPinned: true, pinnedAt: at(2) }),
      ],
    });
    expect(ids(list)).to.deep.equal(['p-new', 'p-old', 'b', 'a']);
  });

  it('orders by instant, not by string, whatever form the server wrote the times in', () => {
    // As strings, '…18:20:36.5Z' sorts after '…19:20:36.4+01:00' (an earlier instant) and
    // '…:36.1234567+00:00' before '…:36.9Z'; a .NET server writes DateTimeOffset with an offset.
    const list = reduceConversationList([], {
      type: 'loaded',
      items: [
        row('z-utc', { lastMessageAt: '2026-12-04T18:20:36.5Z' }),
        row('offset', { lastMessageAt: '2026-12-04T19:20:36.4+01:00' }),
        row('ticks', { lastMessageAt: '2026-12-04T18:20:36.1234567+00:00' }),
        row('later-ticks', { lastMessageAt: '2026-12-04T18:20:36.1234568+00:00' }),
      ],
    });
    expect(ids(list)).to.deep.equal(['z-utc', 'offset', 'later-ticks', 'ticks']);
    // A newer message in another form moves the conversation up.
    const bumped = reduceConversationList(list, {
      type: 'ownMessage',
      message: chatMessage(90, { conversationId: 'ticks', createdAt: '2026-12-04T19:20:36.6+01:00' }),
    });
    expect(ids(bumped)[0]).to.equal('ticks');
    // An older one, though its string is "greater", does not.
    expect('2026-12-04T18:20:36.1234Z' > '2026-12-04T18:20:36.1234567+00:00').to.equal(true);
    const stale = reduceConversationList(list, {
      type: 'ownMessage',
      message: chatMessage(91, { conversationId: 'ticks', createdAt: '2026-12-04T18:20:36.1234Z' }),
    });
    expect(stale).to.equal(list);
  });

  type Case = {
    name: string;
    action: ConversationListAction;
    order?: string[];
    check?: (list: readonly ConversationListItemDto[]) => void;
  };
  const changes: Case[] = [
    {
      name: 'unreadCountChanged sets the count and moves a newer last message to the top of the unpinned',
      action: { type: 'unreadCountChanged', dto: { conversationId: 'c3', unreadCount: 4, lastMessageAt: at(30), lastMessageId: 'm30' } },
      order: ['c1', 'c3', 'c2', 'c4'],
      check: (list) => expect(list[1]).to.include({ unreadCount: 4, lastMessageAt: at(30), lastMessageId: 'm30' }),
    },
    {
      name: 'unreadCountChanged with an older last message keeps the newer one',
      action: { type: 'unreadCountChanged', dto: { conversationId: 'c2', unreadCount: 7, lastMessageAt: at(15), lastMessageId: 'm15' } },
      order: ['c1', 'c2', 'c3', 'c4'],
      check: (list) => expect(list[1]).to.include({ unreadCount: 7, lastMessageAt: at(20), lastMessageId: 'm20' }),
    },
    {
      name: 'newMessage moves the conversation up',
      action: {
        type: 'newMessage',
        dto: {
          conversationId: 'c4',
          conversationType: 'Group',
          messageId: 'm40',
          senderId: 'bob',
          senderName: 'Bob',
          contentPreview: 'hi',
          sentAt: at(40),
        },
      },
      order: ['c1', 'c4', 'c2', 'c3'],
      check: (list) => expect(list[1]).to.include({ lastMessageAt: at(40), lastMessageId: 'm40' }),
    },
    {
      name: 'ownMessage moves the conversation up',
      action: { type: 'ownMessage', message: chatMessage(50, { conversationId: 'c3' }) },
      order: ['c1', 'c3', 'c2', 'c4'],
      check: (list) => expect(list[1]).to.include({ lastMessageAt: at(50) }),
    },
    {
      name: 'a pinned conversation stays first even when others get newer messages',
      action: { type: 'ownMessage', message: chatMessage(60, { conversationId: 'c4' }) },
      order: ['c1', 'c4', 'c2', 'c3'],
    },
    {
      name: 'created adds a row with no messages (last)',
      action: { type: 'created', dto: { conversationId: 'c5', type: 'OneToOne', participantCount: 2 } },
      order: ['c1', 'c2', 'c3', 'c5', 'c4'],
      check: (list) =>
        expect(list.find((c) => c.id === 'c5')).to.include({ unreadCount: 0, isPinned: false, participantCount: 2, type: 'OneToOne' }),
    },
    {
      name: 'updated changes the name and participant count; a null avatar removes the avatar',
      action: { type: 'updated', dto: { conversationId: 'c2', type: 'Group', participantCount: 5, name: 'renamed', avatar: null } },
      order: ['c1', 'c2', 'c3', 'c4'],
      check: (list) => {
        expect(list[1]).to.include({ name: 'renamed', participantCount: 5 });
        expect(list[1]).not.to.have.property('avatar');
      },
    },
    {
      name: 'pinned moves the conversation first (latest pin first)',
      action: { type: 'pinned', dto: { conversationId: 'c3', pinnedAt: at(2) } },
      order: ['c3', 'c1', 'c2', 'c4'],
      check: (list) => expect(list[0]).to.include({ isPinned: true, pinnedAt: at(2) }),
    },
    {
      name: 'unpinned puts it back in lastMessageAt order',
      action: { type: 'unpinned', dto: { conversationId: 'c1' } },
      order: ['c2', 'c3', 'c1', 'c4'],
      check: (list) => expect(list[2]).to.include({ isPinned: false, pinnedAt: null }),
    },
    {
      name: 'readStatus sets the unread count',
      action: { type: 'readStatus', dto: { conversationId: 'c3', unreadCount: 0, markedAsUnread: false } },
      order: ['c1', 'c2', 'c3', 'c4'],
      check: (list) => expect(list[2]).to.include({ unreadCount: 0 }),
    },
    {
      name: 'participantJoined (someone else) counts them in',
      action: {
        type: 'participantJoined',
        dto: { conversationId: 'c2', participantId: 'carol', participantName: 'Carol', changedAt: at(1) },
        me: 'alice',
      },
      check: (list) => expect(list[1]).to.include({ participantCount: 3 }),
    },
    {
      name: 'participantLeft (someone else) counts them out',
      action: {
        type: 'participantLeft',
        dto: { conversationId: 'c2', participantId: 'bob', participantName: 'Bob', changedAt: at(1) },
        me: 'alice',
      },
      check: (list) => expect(list[1]).to.include({ participantCount: 1 }),
    },
    {
      name: 'participantLeft (me) removes the conversation',
      action: {
        type: 'participantLeft',
        dto: { conversationId: 'c2', participantId: 'alice', participantName: 'Alice', changedAt: at(1) },
        me: 'alice',
      },
      order: ['c1', 'c3', 'c4'],
    },
  ];
  for (const c of changes) {
    it(c.name, () => {
      const list = base();
      const snapshot = structuredClone(list);
      const next = reduceConversationList(list, c.action);
      expect(next).not.to.equal(list);
      if (c.order) expect(ids(next)).to.deep.equal(c.order);
      c.check?.(next);
      // Pure: the input list and its rows are untouched.
      expect(list).to.deep.equal(snapshot);
    });
  }

  const unchanged: Array<{ name: string; action: ConversationListAction }> = [
    {
      name: 'unreadCountChanged of an unknown conversation',
      action: { type: 'unreadCountChanged', dto: { conversationId: 'zz', unreadCount: 1, lastMessageAt: at(1), lastMessageId: 'x' } },
    },
    {
      name: 'unreadCountChanged with the same count and no newer message',
      action: { type: 'unreadCountChanged', dto: { conversationId: 'c3', unreadCount: 1, lastMessageAt: at(10), lastMessageId: 'm10' } },
    },
    {
      name: 'newMessage older than the last one',
      action: {
        type: 'newMessage',
        dto: {
          conversationId: 'c2',
          conversationType: 'Group',
          messageId: 'm1',
          senderId: 'bob',
          senderName: 'Bob',
          contentPreview: 'x',
          sentAt: at(1),
        },
      },
    },
    { name: 'ownMessage older than the last one', action: { type: 'ownMessage', message: chatMessage(1, { conversationId: 'c2' }) } },
    {
      name: 'created of a conversation already listed',
      action: { type: 'created', dto: { conversationId: 'c2', type: 'Group', participantCount: 2 } },
    },
    {
      name: 'updated with the same values',
      action: { type: 'updated', dto: { conversationId: 'c2', type: 'Group', participantCount: 2 } },
    },
    { name: 'pinned when already pinned at that time', action: { type: 'pinned', dto: { conversationId: 'c1', pinnedAt: at(1) } } },
    { name: 'unpinned when not pinned', action: { type: 'unpinned', dto: { conversationId: 'c2' } } },
    {
      name: 'readStatus with the same count',
      action: { type: 'readStatus', dto: { conversationId: 'c3', unreadCount: 1, markedAsUnread: false } },
    },
    {
      name: 'participantJoined (me)',
      action: {
        type: 'participantJoined',
        dto: { conversationId: 'c2', participantId: 'alice', participantName: 'Alice', changedAt: at(1) },
        me: 'alice',
      },
    },
    {
      name: 'participantLeft (me) of an unknown conversation',
      action: {
        type: 'participantLeft',
        dto: { conversationId: 'zz', participantId: 'alice', participantName: 'Alice', changedAt: at(1) },
        me: 'alice',
      },
    },
  ];
  for (const c of unchanged) {
    it(`${c.action.type}: returns the same array for ${c.name}`, () => {
      const list = base();
      expect(reduceConversationList(list, c.action)).to.equal(list);
    });
  }

  it('compareConversations is a total order consistent with the sort', () => {
    const list = base();
    for (let i = 0; i + 1 < list.length; i++)
      expect(compareConversations(list[i] as ConversationListItemDto, list[i + 1] as ConversationListItemDto)).to.equal(-1);
    expect(compareConversations(list[0] as ConversationListItemDto, list[0] as ConversationListItemDto)).to.equal(0);
  });
});

describe('reduceConversationListState: a slow list request loses nothing', () => {
  const created = (id: string): ConversationListAction => ({
    type: 'created',
    dto: { conversationId: id, type: 'Group', name: id, avatar: null, participantCount: 2 },
  });
  const unread = (id: string, unreadCount: number): ConversationListAction => ({
    type: 'unreadCountChanged',
    dto: { conversationId: id, unreadCount, lastMessageAt: at(50), lastMessageId: 'm50' },
  });
  const fold = (...actions: ConversationListAction[]): ConversationListState =>
    actions.reduce(reduceConversationListState, INITIAL_CONVERSATION_LIST_STATE);

  it('a conversation created while the list loads survives the older answer, and later events reach it', () => {
    const state = fold({ type: 'loading' }, created('new'), { type: 'loaded', items: [row('old')] }, unread('new', 3));
    expect(ids(state.list).sort()).to.deep.equal(['new', 'old']);
    expect(state.list.find((c) => c.id === 'new')?.unreadCount).to.equal(3);
    expect(state.sinceLoading).to.equal(null);
  });

  it('events while loading are applied at once too, and again over the answer (idempotent ones agree)', () => {
    const during = fold({ type: 'loading' }, created('new'), unread('new', 2));
    expect(ids(during.list)).to.deep.equal(['new']);
    expect(during.sinceLoading).to.have.length(2);
    const after = reduceConversationListState(during, { type: 'loaded', items: [row('new', { unreadCount: 1 })] });
    expect(after.list.find((c) => c.id === 'new')?.unreadCount).to.equal(2);
  });

  it('without a request in flight nothing is recorded; a failed request stops recording', () => {
    expect(fold(created('a')).sinceLoading).to.equal(null);
    const failed = fold({ type: 'loading' }, created('a'), { type: 'loadFailed' }, created('b'));
    expect(failed.sinceLoading).to.equal(null);
    expect(ids(failed.list).sort()).to.deep.equal(['a', 'b']);
  });

  it('a second request while one is in flight keeps every event since the first', () => {
    const state = fold({ type: 'loading' }, created('x'), { type: 'loading' }, created('y'), { type: 'loaded', items: [] });
    expect(ids(state.list).sort()).to.deep.equal(['x', 'y']);
  });

  it('returns the same state for an event that changes nothing', () => {
    const state = fold({ type: 'loaded', items: [row('a')] });
    expect(reduceConversationListState(state, { type: 'unpinned', dto: { conversationId: 'a' } })).to.equal(state);
  });
});

describe('conversation list rows: lastMessage agrees with lastMessageId (issue 17)', () => {
  const old = restMessage(5, { conversationId: 'c' });
  const start = (): readonly ConversationListItemDto[] =>
    reduceConversationList([], { type: 'loaded', items: [row('c', { lastMessageAt: at(5), lastMessageId: old.id, lastMessage: old })] });
  const only = (list: readonly ConversationListItemDto[]): ConversationListItemDto => list[0] as ConversationListItemDto;
  const consistent = (c: ConversationListItemDto): void => {
    if (c.lastMessage != null) expect(c.lastMessage.id, 'lastMessage.id').to.equal(c.lastMessageId);
  };
  const notification = (n: number, contentPreview: string) => ({
    conversationId: 'c',
    conversationType: 'Group' as const,
    messageId: `m${n}`,
    senderId: 'bob',
    senderName: 'Bob',
    contentPreview,
    sentAt: at(n),
  });

  it("one's own message becomes lastMessage, built from the ChatMessageDto", () => {
    const message = chatMessage(50, { conversationId: 'c', reactions: [{ emoji: '👍', count: 2, participantIds: ['a', 'b'] }] });
    const c = only(reduceConversationList(start(), { type: 'ownMessage', message }));
    consistent(c);
    expect(c.lastMessage).to.deep.equal(messageDtoOf(message));
    expect(c.lastMessage).to.include({ id: message.id, plainTextIndex: 'm50', timestamp: at(50), senderId: message.senderId });
    expect(c.lastMessage?.reactionSummary).to.deep.equal({
      groups: [{ emoji: '👍', count: 2, participantIds: ['a', 'b'] }],
      totalCount: 2,
    });
  });

  it('a newMessageNotification gives lastMessage a preview built from contentPreview (not the old message, not null)', () => {
    const c = only(reduceConversationList(start(), { type: 'newMessage', dto: notification(60, 'see you') }));
    consistent(c);
    expect(c.lastMessage).to.include({ id: 'm60', senderId: 'bob', plainTextIndex: 'see you', createdAt: at(60), isDeleted: false });
    expect(c.lastMessage?.blocks).to.deep.equal([{ $type: 'text', format: 'Plain', content: 'see you', plainText: 'see you' }]);
    expect(c.lastMessage).to.deep.equal(previewMessageDto(notification(60, 'see you')));
  });

  it('a row without messages gets one with the first notification (no "no messages yet" after messages exist)', () => {
    const list = reduceConversationList([], { type: 'loaded', items: [row('c')] });
    const c = only(reduceConversationList(list, { type: 'newMessage', dto: notification(7, 'first!') }));
    expect(c.lastMessage?.plainTextIndex).to.equal('first!');
  });

  it('unreadCountChanged that moves lastMessageId clears the old lastMessage; the notification of the same message fills it in', () => {
    const moved = reduceConversationList(start(), {
      type: 'unreadCountChanged',
      dto: { conversationId: 'c', unreadCount: 1, lastMessageAt: at(70), lastMessageId: 'm70' },
    });
    expect(only(moved)).to.include({ lastMessageId: 'm70', lastMessage: null });
    const filled = only(reduceConversationList(moved, { type: 'newMessage', dto: notification(70, 'late preview') }));
    consistent(filled);
    expect(filled.lastMessage?.plainTextIndex).to.equal('late preview');
  });

  it('an older notification or own message leaves the row as it was', () => {
    const list = start();
    expect(reduceConversationList(list, { type: 'newMessage', dto: notification(1, 'old') })).to.equal(list);
    expect(reduceConversationList(list, { type: 'ownMessage', message: chatMessage(2, { conversationId: 'c' }) })).to.equal(list);
  });

  it('events re-applied on top of a reload keep the row consistent', () => {
    let state = reduceConversationListState(INITIAL_CONVERSATION_LIST_STATE, { type: 'loading' });
    state = reduceConversationListState(state, { type: 'newMessage', dto: notification(80, 'during load') });
    state = reduceConversationListState(state, {
      type: 'loaded',
      items: [row('c', { lastMessageAt: at(5), lastMessageId: old.id, lastMessage: old })],
    });
    const c = only(state.list);
    consistent(c);
    expect(c.lastMessage?.plainTextIndex).to.equal('during load');
  });
});
