/**
 * Seed README §13 "Real-time: NotificationHubClient", lines 1054–1204, run against
 * `chat-client-rx/compat`. This file's user is 'notif-me'; 'notif-friend' (on the project's
 * reactive client) acts so that the server notifies; the seed's 'user-1' … 'user-3' are real
 * participants whose coming online the tests drive.
 */
import { HubConnectionState } from '@microsoft/signalr';
import { expect } from 'chai';
import type {
  ChatClient,
  ConversationCreatedDto,
  ConversationPinnedDto,
  ConversationUnpinnedDto,
  ConversationUpdatedDto,
  MentionedNotificationDto,
  NewMessageNotificationDto,
  ParticipantJoinedDto,
  ParticipantLeftDto,
  PresenceChangedDto,
  PresenceStateItem,
  ReadStatusChangedDto,
  UnreadCountChangedDto,
} from '../../src/compat/index.js';
import { ISO_8601, Witness, captureConsole, expectSeedFields, seedSuite, waitFor } from './seed-kit.js';

describe('seed §13 NotificationHubClient (compat)', () => {
  const kit = seedSuite();
  const out = captureConsole();
  let friend: Witness;
  let client: ChatClient;
  before(async () => {
    friend = await Witness.create(kit, 'notif-friend');
    for (const id of ['user-1', 'user-2', 'user-3', 'notif-me', 'notif-extra']) await kit.login(id);
  });
  after(async () => friend.close());
  beforeEach(async () => {
    client = await kit.user('notif-me'); // the seed's `client`, logged in
  });

  /** notif-me as the friend sees it over REST. */
  const meSeenByFriend = () =>
    kit.http<{ isOnline: boolean; lastSeenAt?: string | null }>(friend.token, 'GET', '/api/participants/notif-me');

  it('state (lines 1062–1065): a HubConnectionState', async () => {
    expect(client.realtime.notifications.state).to.equal(HubConnectionState.Disconnected); // not in the seed: before connect()
    await client.realtime.notifications.connect(); // not in the seed: so that there is a state to read
    const state = client.realtime.notifications.state;
    // HubConnectionState.Connected | Disconnected | Connecting | Reconnecting
    expect(state).to.equal(HubConnectionState.Connected);
  });

  it('connect (lines 1069–1070) marks the user online; disconnect (lines 1074–1075) offline', async () => {
    await client.realtime.notifications.connect();
    // Khi connect, server tự động đánh dấu user là Online
    await waitFor(async () => (await meSeenByFriend()).isOnline, 5000, 'notif-me online');

    await client.realtime.notifications.disconnect();
    // Server tự động đánh dấu user là Offline
    const seen = await waitFor(
      async () => {
        const p = await meSeenByFriend();
        return p.isOnline ? null : p;
      },
      5000,
      'notif-me offline',
    );
    expect(seen.lastSeenAt).to.match(ISO_8601);
    expect(client.realtime.notifications.state).to.equal(HubConnectionState.Disconnected);
  });

  it('subscribedPresenceIds (line 1077) and resubscribePresence (line 1083): the tracked ids, subscribed again', async () => {
    await client.realtime.notifications.connect();
    const states: PresenceStateItem[][] = [];
    client.realtime.notifications.on('presenceState', (s) => states.push(s));
    await client.realtime.notifications.subscribeToPresence(['user-1', 'user-2']);
    expect([...client.realtime.notifications.subscribedPresenceIds].sort()).to.deep.equal(['user-1', 'user-2']);
    await waitFor(() => states.length === 1, 5000, 'the presenceState of the subscribe');
    await client.realtime.notifications.resubscribePresence();
    await waitFor(() => states.length === 2, 5000, 'the presenceState of the re-subscribe');
    expect(states[1]?.map((s) => s.participantId).sort()).to.deep.equal(['user-1', 'user-2']);
  });

  it('presence (lines 1087–1103): presenceState at once, presenceChanged after, nothing after unsubscribing', async () => {
    await client.realtime.notifications.connect(); // not in the seed: the hub connects first (line 1069)
    // Moved up from after the subscribe (seed lines 1090–1095): the server sends presenceState while answering
    // subscribeToPresence (line 1090: "ngay lập tức"), before the awaited call returns, so a handler registered
    // after the `await` never sees it.
    // Server gửi PresenceState ngay lập tức sau khi subscribe
    client.realtime.notifications.on('presenceState', (states) => {
      states.forEach((s) => {
        console.log(s.participantId, s.isOnline, s.lastSeenAt);
      });
    });

    // Đăng ký theo dõi tối đa 200 participant mỗi lần
    await client.realtime.notifications.subscribeToPresence(['user-1', 'user-2', 'user-3']);

    // Sau đó nhận cập nhật real-time
    client.realtime.notifications.on('presenceChanged', (dto) => {
      console.log(dto.participantId, 'is now', dto.isOnline ? 'online' : 'offline');
    });

    await waitFor(() => out.lines().length === 3, 5000, 'the three presenceState lines');
    expect(
      out
        .lines()
        .map(([id, online]) => [id, online])
        .sort(),
    ).to.deep.equal([
      ['user-1', false],
      ['user-2', false],
      ['user-3', false],
    ]);
    const user2 = await Witness.create(kit, 'user-2'); // not in the seed: user-2 comes online
    kit.defer(() => user2.close());
    await waitFor(() => out.lines().length === 4, 5000, 'the presenceChanged line of user-2');
    expect(out.lines()[3]).to.deep.equal(['user-2', 'is now', 'online']);

    // Hủy theo dõi — cũng giới hạn tối đa 200 participant mỗi lần
    await client.realtime.notifications.unsubscribeFromPresence(['user-1']);

    const user1 = await Witness.create(kit, 'user-1'); // not in the seed: user-1 comes online (unsubscribed: no line)
    kit.defer(() => user1.close());
    const user3 = await Witness.create(kit, 'user-3'); // not in the seed: then user-3 (still subscribed: a line)
    kit.defer(() => user3.close());
    await waitFor(() => out.lines().length === 5, 5000, 'the presenceChanged line of user-3');
    expect(out.lines()[4]).to.deep.equal(['user-3', 'is now', 'online']);
    expect([...client.realtime.notifications.subscribedPresenceIds].sort()).to.deep.equal(['user-2', 'user-3']);
  });

  it('event payloads (table line 1109; PresenceStateItem … ReadStatusChangedDto, lines 1113–1204)', async () => {
    // Type level: each interface as the seed declares it.
    const at = '2025-01-01T00:00:00Z';
    const typed: [
      PresenceStateItem,
      PresenceChangedDto,
      NewMessageNotificationDto,
      MentionedNotificationDto,
      UnreadCountChangedDto,
      ConversationCreatedDto,
      ConversationUpdatedDto,
      ParticipantJoinedDto,
      ParticipantLeftDto,
      ConversationPinnedDto,
      ConversationUnpinnedDto,
      ReadStatusChangedDto,
    ] = [
      { participantId: 'p', isOnline: true, lastSeenAt: null },
      { participantId: 'p', isOnline: false, lastSeenAt: at },
      {
        conversationId: 'c',
        conversationType: 'Group',
        conversationName: 'G',
        messageId: 'm',
        senderId: 's',
        senderName: 'S',
        senderAvatar: { url: 'https://example.com/s.png' },
        contentPreview: 'hi',
        sentAt: at,
      },
      { conversationId: 'c', messageId: 'm', senderId: 's', senderName: 'S', contentPreview: 'hi', sentAt: at },
      { conversationId: 'c', unreadCount: 1, lastMessageAt: at, lastMessageId: 'm' },
      { conversationId: 'c', type: 'Group', name: 'G', avatar: { storageKey: 'k' }, participantCount: 2 },
      { conversationId: 'c', type: 'Group', name: 'G', avatar: null, participantCount: 2 },
      { conversationId: 'c', participantId: 'p', participantName: 'P', participantAvatar: { url: 'u' }, changedAt: at },
      { conversationId: 'c', participantId: 'p', participantName: 'P', participantAvatar: { url: 'u' }, changedAt: at },
      { conversationId: 'c', pinnedAt: at },
      { conversationId: 'c' },
      { conversationId: 'c', lastReadMessageId: 'm', unreadCount: 0, markedAsUnread: false },
    ];
    expect(typed).to.have.length(12);

    // Run time: what this client receives when the friend (and the user) act.
    await client.realtime.notifications.connect();
    const got: Record<string, unknown[]> = {};
    const names = [
      'presenceState',
      'presenceChanged',
      'newMessageNotification',
      'mentionedNotification',
      'unreadCountChanged',
      'conversationCreated',
      'conversationUpdated',
      'participantJoined',
      'participantLeft',
      'conversationPinned',
      'conversationUnpinned',
      'readStatusChanged',
    ] as const;
    for (const name of names) client.realtime.notifications.on(name, (payload: unknown) => (got[name] ??= []).push(payload));
    await client.realtime.notifications.subscribeToPresence(['notif-extra']);
    const extra = await Witness.create(kit, 'notif-extra'); // comes online: presenceChanged
    kit.defer(() => extra.close());
    const { token: meToken } = await kit.login('notif-me');
    const conv = await kit.conversation(friend.token, { type: 'Group', name: 'notified', participantIds: ['notif-me'] });
    const message = await kit.http<{ id: string }>(friend.token, 'POST', `/api/conversations/${conv.id}/messages`, {
      blocks: [{ $type: 'text', format: 'Plain', content: '@notif-me hi', plainText: '@notif-me hi' }],
      mentions: [{ type: 'User', targetId: 'notif-me', displayName: 'notif-me', offset: 0, length: 9 }],
    });
    await kit.http(friend.token, 'PUT', `/api/conversations/${conv.id}`, { name: 'renamed' });
    await kit.http(friend.token, 'POST', `/api/conversations/${conv.id}/participants`, { participantId: 'user-3', canViewHistory: true });
    await kit.http(friend.token, 'DELETE', `/api/conversations/${conv.id}/participants/user-3`);
    await kit.http(meToken, 'POST', `/api/conversations/${conv.id}/pin`);
    await kit.http(meToken, 'DELETE', `/api/conversations/${conv.id}/pin`);
    await kit.http(meToken, 'POST', `/api/conversations/${conv.id}/read`, { messageId: message.id });
    await waitFor(() => names.every((n) => (got[n]?.length ?? 0) > 0), 5000, {
      description: 'every notification',
      intervalMs: 20,
    }).catch((error: Error) => {
      throw new Error(`${error.message}; missing: ${names.filter((n) => !got[n]).join(', ')}`);
    });

    const first = (name: (typeof names)[number]) => got[name]?.[0];
    for (const item of first('presenceState') as unknown[])
      expectSeedFields(item, ['participantId', 'isOnline'], ['lastSeenAt'], 'PresenceStateItem');
    expectSeedFields(first('presenceChanged'), ['participantId', 'isOnline'], ['lastSeenAt'], 'PresenceChangedDto');
    expectSeedFields(
      first('newMessageNotification'),
      ['conversationId', 'conversationType', 'messageId', 'senderId', 'senderName', 'contentPreview', 'sentAt'],
      ['conversationName', 'senderAvatar'],
      'NewMessageNotificationDto',
    );
    expectSeedFields(
      first('mentionedNotification'),
      ['conversationId', 'messageId', 'senderId', 'senderName', 'contentPreview', 'sentAt'],
      [],
      'MentionedNotificationDto',
    );
    expectSeedFields(
      first('unreadCountChanged'),
      ['conversationId', 'unreadCount', 'lastMessageAt', 'lastMessageId'],
      [],
      'UnreadCountChangedDto',
    );
    expectSeedFields(
      first('conversationCreated'),
      ['conversationId', 'type', 'participantCount'],
      ['name', 'avatar'],
      'ConversationCreatedDto',
    );
    expectSeedFields(
      first('conversationUpdated'),
      ['conversationId', 'type', 'participantCount'],
      ['name', 'avatar'],
      'ConversationUpdatedDto',
    );
    expectSeedFields(
      first('participantJoined'),
      ['conversationId', 'participantId', 'participantName', 'changedAt'],
      ['participantAvatar'],
      'ParticipantJoinedDto',
    );
    expectSeedFields(
      first('participantLeft'),
      ['conversationId', 'participantId', 'participantName', 'changedAt'],
      ['participantAvatar'],
      'ParticipantLeftDto',
    );
    expectSeedFields(first('conversationPinned'), ['conversationId', 'pinnedAt'], [], 'ConversationPinnedDto');
    expectSeedFields(first('conversationUnpinned'), ['conversationId'], [], 'ConversationUnpinnedDto');
    expectSeedFields(
      first('readStatusChanged'),
      ['conversationId', 'unreadCount', 'markedAsUnread'],
      ['lastReadMessageId'],
      'ReadStatusChangedDto',
    );
    expect((first('newMessageNotification') as NewMessageNotificationDto).contentPreview).to.equal('@notif-me hi');
    expect(first('presenceChanged') as PresenceChangedDto).to.deep.include({ participantId: 'notif-extra', isOnline: true });
  });
});
