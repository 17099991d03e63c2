/**
 * `toSeed`, the one normalisation of `chat-client-rx/compat` (src/compat/to-seed.ts), as a pure
 * function; then where compat applies it: REST results, acks (also the `success: false` ones the
 * reactive client turns into errors), hub payloads, `currentUser`, and the warning for a dropped
 * block.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { of } from 'rxjs';
import type { ChatMessageDto as RxChatMessageDto } from '../../src/codecs/index.js';
import { AuthApi, ChatHubClient, MessageApi } from '../../src/compat/index.js';
import type {
  ChatMessageDto,
  ConversationListItemDto,
  ConversationUpdatedDto,
  CursorPaginatedResult,
  MessageDto,
  SendMessageAck,
} from '../../src/compat/index.js';
import { SeedView } from '../../src/compat/seed-view.js';
import { chatHubEventShapes, type DroppedBlock, notificationHubEventShapes, seedShapes, toSeed } from '../../src/compat/to-seed.js';
import type { Logger } from '../../src/core/index.js';
import type { AuthApi as RxAuthApi, MessageApi as RxMessageApi } from '../../src/http/index.js';
import { StubChatHub } from './stub-hub.js';

/** Freezes `value` deeply, so that a write to the input fails the test. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

const AT = '2025-03-26T15:30:00Z';

/** A hub message as the server writes it: every unset member `null`. */
function wireChatMessage(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'm1',
    conversationId: 'c1',
    senderId: 'u1',
    senderName: 'Alice',
    senderAvatar: null,
    senderType: 'User',
    blocks: [{ $type: 'text', format: 'Plain', content: 'hi', plainText: null }],
    plainTextContent: 'hi',
    replyToMessageId: null,
    quickReplies: null,
    isEdited: false,
    reactions: null,
    mentions: null,
    createdAt: AT,
    updatedAt: null,
    clientMessageId: null,
    systemEvent: null,
    ...overrides,
  };
}

/** A REST message as the server writes it. */
function wireMessage(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'm1',
    conversationId: 'c1',
    senderId: 'u1',
    senderType: 'User',
    timestamp: AT,
    blocks: [],
    plainTextIndex: null,
    replyToMessageId: null,
    quickReplies: null,
    isEdited: false,
    editedAt: null,
    isDeleted: false,
    deletedAt: null,
    reactionSummary: null,
    mentions: null,
    createdAt: AT,
    updatedAt: AT,
    clientMessageId: null,
    systemEvent: null,
    ...overrides,
  };
}

describe('toSeed: rule 1, a null optional member the seed types without null becomes absent', () => {
  it('acks: `errorMessage?: string` and the rest, so that `new Error(ack.errorMessage)` compiles and gets a string or nothing', () => {
    const wire = deepFreeze({ success: false, messageId: null, clientMessageId: null, createdAt: null, errorCode: 'E', errorMessage: 'm' });
    const ack: SendMessageAck = toSeed(seedShapes.SendMessageAck, wire);
    expect(ack).to.deep.equal({ success: false, errorCode: 'E', errorMessage: 'm' });
    expect(new Error(ack.errorMessage).message).to.equal('m');
    const ok = toSeed(seedShapes.SendMessageAck, { success: true, messageId: 'x', errorCode: null, errorMessage: null });
    expect(ok).to.deep.equal({ success: true, messageId: 'x' });
    expect(Object.hasOwn(ok, 'errorMessage')).to.equal(false);
  });

  it('every optional member of every ack shape', () => {
    const cases = [
      [seedShapes.SendMessageAck, ['messageId', 'clientMessageId', 'createdAt', 'errorCode', 'errorMessage']],
      [seedShapes.EditMessageAck, ['messageId', 'editedAt', 'errorCode', 'errorMessage']],
      [seedShapes.DeleteMessageAck, ['messageId', 'deletedAt', 'errorCode', 'errorMessage']],
      [seedShapes.RecoverMessageAck, ['messageId', 'errorCode', 'errorMessage']],
      [seedShapes.ReactionAck, ['messageId', 'emoji', 'errorCode', 'errorMessage']],
      [seedShapes.MarkAsReadAck, ['conversationId', 'errorCode', 'errorMessage']],
    ] as const;
    for (const [shape, members] of cases) {
      const wire = { success: true, ...Object.fromEntries(members.map((m) => [m, null])) };
      expect(toSeed(shape, wire), shape.name).to.deep.equal({ success: true });
    }
  });

  it('leaves a member that is there as it is, and the order of the members', () => {
    const wire = { success: true, messageId: 'm', clientMessageId: null, createdAt: AT, errorCode: null, errorMessage: null };
    const ack = toSeed(seedShapes.SendMessageAck, wire);
    expect(Object.keys(ack)).to.deep.equal(['success', 'messageId', 'createdAt']);
  });
});

describe("toSeed: rule 2, the nulls the seed's types admit stay", () => {
  it('required `T | null` members (MessageDto, a block, a hub message)', () => {
    const wire = wireMessage({
      blocks: [
        {
          $type: 'image',
          source: { url: 'u' },
          thumbnail: null,
          altText: null,
          width: null,
          height: null,
          caption: null,
          fileSizeBytes: null,
        },
      ],
    });
    const message: MessageDto = toSeed(seedShapes.MessageDto, wire);
    expect(message).to.deep.equal(wire);
    expect(message.systemEvent).to.equal(null);
    const hub: ChatMessageDto = toSeed(seedShapes.ChatMessageDto, wireChatMessage({ senderAvatar: { url: 'a' } }));
    expect([hub.updatedAt, hub.reactions, hub.replyToMessageId]).to.deep.equal([null, null, null]);
  });

  it('optional `?: T | null` members: lastSeenAt, role, lastMessage, pinnedAt, and conversationUpdated.avatar ("null = avatar đã bị xóa")', () => {
    const participant = toSeed(seedShapes.ParticipantDto, {
      id: 'p',
      uniqueName: 'p',
      fullName: 'P',
      avatar: null,
      gender: null,
      isBot: false,
      isOnline: true,
      lastSeenAt: null,
      createdAt: AT,
      updatedAt: AT,
    });
    expect(participant).to.not.have.any.keys('avatar', 'gender');
    expect(participant).to.have.property('lastSeenAt', null);
    expect(toSeed(seedShapes.AuthUserInfo, { id: 'u', uniqueName: 'u', fullName: 'U', avatar: null, role: null })).to.deep.equal({
      id: 'u',
      uniqueName: 'u',
      fullName: 'U',
      role: null,
    });
    const item: ConversationListItemDto = toSeed(seedShapes.ConversationListItemDto, {
      id: 'c',
      type: 'Self',
      name: null,
      avatar: null,
      lastMessageAt: null,
      lastMessageId: null,
      lastMessage: null,
      isPinned: false,
      pinnedAt: null,
      unreadCount: 0,
      participantCount: 1,
    });
    expect(item).to.deep.equal({
      id: 'c',
      type: 'Self',
      lastMessageAt: null,
      lastMessageId: null,
      lastMessage: null,
      isPinned: false,
      pinnedAt: null,
      unreadCount: 0,
      participantCount: 1,
    });
    const updated: ConversationUpdatedDto = toSeed(notificationHubEventShapes.conversationUpdated, {
      conversationId: 'c',
      type: 'Group',
      name: null,
      avatar: null,
      participantCount: 2,
    });
    expect(updated).to.deep.equal({ conversationId: 'c', type: 'Group', avatar: null, participantCount: 2 });
  });
});

describe('toSeed: rule 3, everything else stays as the server sent it', () => {
  it('a required member the seed types as non-null is not touched, even when null', () => {
    const wire = wireChatMessage({ senderName: null, blocks: null });
    const message = toSeed(seedShapes.ChatMessageDto, wire);
    expect(message).to.deep.equal(omit(wire, 'senderAvatar'));
    expect([message.senderName, message.blocks]).to.deep.equal([null, null]);
  });

  it('members the seed does not name, and free-form JSON with its own nulls (metadata, data, details)', () => {
    const bot = toSeed(seedShapes.BotDto, {
      id: 'b',
      participantId: 'p',
      description: null,
      metadata: { tier: null, nested: { x: null } },
      kafkaTopic: 't',
      isActive: true,
      rateLimitPerSecond: 5,
      listenAllGroupMessages: false,
      createdBy: 'u',
      createdAt: AT,
      updatedAt: AT,
      extra: null,
    });
    expect(bot).to.not.have.property('description');
    expect(bot).to.deep.include({ metadata: { tier: null, nested: { x: null } }, extra: null });
    const custom = { $type: 'custom', type: 'poll', data: { question: null } };
    expect(toSeed(seedShapes.Blocks, [custom])).to.deep.equal([custom]);
    expect(toSeed(seedShapes.HubErrorDto, { code: 'E', message: 'm', details: { retryAfter: null } })).to.deep.equal({
      code: 'E',
      message: 'm',
      details: { retryAfter: null },
    });
    expect(toSeed(seedShapes.HubErrorDto, { code: 'E', message: 'm', details: null })).to.deep.equal({ code: 'E', message: 'm' });
  });

  it('null, non-objects and malformed members are returned as they are', () => {
    expect(toSeed(seedShapes.ConversationDtoOrNull, null)).to.equal(null);
    expect(toSeed(seedShapes.MessageDto, 'nope' as unknown)).to.equal('nope');
    expect(toSeed(seedShapes.MessageDtos, { not: 'a list' })).to.deep.equal({ not: 'a list' });
    expect(toSeed(seedShapes.Blocks, [null, 7, { noType: true }])).to.deep.equal([null, 7, { noType: true }]);
  });
});

/** `value` without `key`. */
function omit<T extends Record<string, unknown>>(value: T, key: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([k]) => k !== key));
}

describe('toSeed: rule 4, deep', () => {
  it("a block's MediaReference, a card's image, a carousel's cards", () => {
    const wire = deepFreeze([
      { $type: 'file', source: { storageKey: 'k/f.pdf', url: null }, fileName: 'f.pdf', mimeType: null, fileSizeBytes: null },
      {
        $type: 'image',
        source: { storageKey: null, url: 'u' },
        thumbnail: { storageKey: 'k/t', url: null },
        altText: null,
        width: 1,
        height: 1,
        caption: null,
        fileSizeBytes: null,
      },
      { $type: 'linkPreview', url: 'u', title: null, description: null, image: { storageKey: null, url: 'i' }, siteName: null },
      {
        $type: 'carousel',
        cards: [{ $type: 'card', title: 't', subtitle: null, image: { storageKey: 'k/c', url: null }, fields: null, buttons: null }],
      },
    ]);
    expect(toSeed(seedShapes.Blocks, wire)).to.deep.equal([
      { $type: 'file', source: { storageKey: 'k/f.pdf' }, fileName: 'f.pdf', mimeType: null, fileSizeBytes: null },
      {
        $type: 'image',
        source: { url: 'u' },
        thumbnail: { storageKey: 'k/t' },
        altText: null,
        width: 1,
        height: 1,
        caption: null,
        fileSizeBytes: null,
      },
      { $type: 'linkPreview', url: 'u', title: null, description: null, image: { url: 'i' }, siteName: null },
      {
        $type: 'carousel',
        cards: [{ $type: 'card', title: 't', subtitle: null, image: { storageKey: 'k/c' }, fields: null, buttons: null }],
      },
    ]);
  });

  it("a page's items, a list item's lastMessage, a system event's optional lists, a stream's final message", () => {
    const page: CursorPaginatedResult<ConversationListItemDto> = toSeed(seedShapes.ConversationPage, {
      items: [
        {
          id: 'c',
          type: 'Group',
          name: 'g',
          avatar: { storageKey: 'k', url: null },
          lastMessage: wireMessage({ systemEvent: { type: 'MemberLeft', actorId: null, targetIds: null, metadata: null } }),
          isPinned: false,
          unreadCount: 0,
          participantCount: 2,
        },
      ],
      nextCursor: null,
      hasMore: false,
    });
    expect(page.nextCursor).to.equal(null);
    expect(page.items[0]?.avatar).to.deep.equal({ storageKey: 'k' });
    expect(page.items[0]?.lastMessage?.systemEvent).to.deep.equal({ type: 'MemberLeft', actorId: null });
    const completed = toSeed(chatHubEventShapes.streamCompleted, {
      streamId: 's',
      messageId: 'm1',
      conversationId: 'c1',
      message: wireChatMessage({ systemEvent: { type: 'Custom', actorId: 'a', actorName: null, targetNames: null } }),
      completedAt: AT,
    });
    expect(completed.message).to.not.have.property('senderAvatar');
    expect(completed.message.systemEvent).to.deep.equal({ type: 'Custom', actorId: 'a' });
  });

  it('notification payloads: avatars, names, lastReadMessageId', () => {
    expect(
      toSeed(notificationHubEventShapes.newMessageNotification, {
        conversationId: 'c',
        conversationType: 'OneToOne',
        conversationName: null,
        messageId: 'm',
        senderId: 's',
        senderName: 'S',
        senderAvatar: { storageKey: null, url: 'a' },
        contentPreview: 'hi',
        sentAt: AT,
      }),
    ).to.deep.equal({
      conversationId: 'c',
      conversationType: 'OneToOne',
      messageId: 'm',
      senderId: 's',
      senderName: 'S',
      senderAvatar: { url: 'a' },
      contentPreview: 'hi',
      sentAt: AT,
    });
    expect(
      toSeed(notificationHubEventShapes.readStatusChanged, {
        conversationId: 'c',
        lastReadMessageId: null,
        unreadCount: 1,
        markedAsUnread: true,
      }),
    ).to.deep.equal({ conversationId: 'c', unreadCount: 1, markedAsUnread: true });
    expect(toSeed(notificationHubEventShapes.presenceState, [{ participantId: 'p', isOnline: true, lastSeenAt: null }])).to.deep.equal([
      { participantId: 'p', isOnline: true, lastSeenAt: null },
    ]);
  });
});

describe("toSeed: rule 5, a block of a $type the seed's Block lacks is dropped and reported", () => {
  it('from a hub message: the others stay in order, the drop names its path', () => {
    const poll = { $type: 'poll', question: 'Pizza or pho?', options: ['Pizza', 'Pho'] };
    const text = { $type: 'text', format: 'Plain', content: 'a', plainText: 'a' };
    const dropped: DroppedBlock[] = [];
    const message = toSeed(seedShapes.ChatMessageDto, wireChatMessage({ blocks: [text, poll, text] }), (d) => dropped.push(d));
    expect(message.blocks).to.deep.equal([text, text]);
    expect(dropped).to.deep.equal([{ $type: 'poll', path: 'ChatMessageDto.blocks[1]', block: poll }]);
  });

  it('deep in a page of REST messages; a message of unknown blocks only keeps an empty list', () => {
    const dropped: string[] = [];
    const page = toSeed(
      seedShapes.MessagePage,
      { items: [wireMessage(), wireMessage({ blocks: [{ $type: 'sticker', id: 's' }] })], nextCursor: 'n', hasMore: true },
      (d) => dropped.push(d.path),
    );
    expect(page.items[1]?.blocks).to.deep.equal([]);
    expect(dropped).to.deep.equal(['CursorPaginatedResult<MessageDto>.items[1].blocks[0]']);
  });
});

describe('toSeed: pure', () => {
  it('never changes its input; returns it as it is when nothing needs a change', () => {
    const clean = deepFreeze(wireChatMessage({ senderAvatar: { url: 'a' } }));
    expect(toSeed(seedShapes.ChatMessageDto, clean)).to.equal(clean);
    const page = deepFreeze({ items: [wireMessage()], nextCursor: null, hasMore: false });
    expect(toSeed(seedShapes.MessagePage, page)).to.equal(page);
    const health = deepFreeze({
      status: 'Healthy',
      totalDuration: '00:00:00.0010000',
      results: { db: { status: 'Healthy', description: null, duration: '00:00:00', error: null } },
    });
    expect(toSeed(seedShapes.HealthStatus, health)).to.equal(health);
  });

  it('copies only along the path to a change: untouched siblings are the same objects', () => {
    const keep = wireMessage();
    const change = wireMessage({
      blocks: [{ $type: 'file', source: { storageKey: 'k', url: null }, fileName: 'f', mimeType: null, fileSizeBytes: null }],
    });
    const wire = deepFreeze({ items: [keep, change], nextCursor: null, hasMore: false });
    const before = JSON.stringify(wire);
    const out = toSeed(seedShapes.MessagePage, wire);
    expect(out).to.not.equal(wire);
    expect(out.items[0]).to.equal(keep);
    expect(out.items[1]).to.not.equal(change);
    expect(JSON.stringify(wire)).to.equal(before);
  });

  it('is idempotent, and leaves no null in a member it strips (property)', () => {
    const media = fc.record({ storageKey: fc.option(fc.string(), { nil: null }), url: fc.option(fc.string(), { nil: null }) });
    const block = fc.oneof(
      fc.record({
        $type: fc.constant('file'),
        source: media,
        fileName: fc.string(),
        mimeType: fc.constant(null),
        fileSizeBytes: fc.constant(null),
      }),
      fc.record({
        $type: fc.constant('text'),
        format: fc.constant('Plain'),
        content: fc.string(),
        plainText: fc.option(fc.string(), { nil: null }),
      }),
      fc.record({ $type: fc.constantFrom('poll', 'sticker'), x: fc.option(fc.string(), { nil: null }) }),
    );
    const message = fc.record({
      senderAvatar: fc.option(media, { nil: null }),
      blocks: fc.array(block, { maxLength: 5 }),
      systemEvent: fc.option(
        fc.record({
          type: fc.constant('Custom'),
          actorId: fc.constant(null),
          targetIds: fc.constant(null),
          actorName: fc.option(fc.string(), { nil: null }),
        }),
        { nil: null },
      ),
    });
    fc.assert(
      fc.property(message, (overrides) => {
        const wire = deepFreeze(wireChatMessage(overrides));
        const once = toSeed(seedShapes.ChatMessageDto, wire);
        expect(toSeed(seedShapes.ChatMessageDto, once)).to.equal(once);
        expect(once).to.not.have.property('senderAvatar', null);
        for (const b of once.blocks) {
          expect(['file', 'text']).to.include(b.$type);
          if (b.$type === 'file') expect(Object.values(b.source)).to.not.include(null);
        }
        if (once.systemEvent !== null) {
          expect(once.systemEvent).to.not.have.property('targetIds');
          expect(once.systemEvent.actorName).to.not.equal(null);
        }
      }),
    );
  });
});

describe('where compat applies toSeed', () => {
  const rawPoll = { $type: 'poll', question: '?' };

  it('REST results, and one warning per unknown $type on the logger', async () => {
    const logged: Array<[string, string]> = [];
    const logger: Logger = (level, message) => void logged.push([level, message]);
    const rx = {
      getById: () => of(wireMessage({ blocks: [rawPoll, rawPoll] })),
      search: () => of([wireMessage({ blocks: [rawPoll] })]),
    } as unknown as RxMessageApi;
    const messages = new MessageApi(rx, new SeedView(logger));
    expect((await messages.getById('m1')).blocks).to.deep.equal([]);
    expect((await messages.search('c1', 'q'))[0]?.blocks).to.deep.equal([]);
    expect(logged).to.have.length(1);
    expect(logged[0]?.[0]).to.equal('warn');
    expect(logged[0]?.[1]).to.contain("$type 'poll'").and.contain('MessageDto.blocks[0]').and.contain('client.rx');
  });

  it('logins (AuthResponse.user)', async () => {
    const rx = {
      loginWithDev: () => of({ token: 't', expiresAt: AT, user: { id: 'u', uniqueName: 'u', fullName: 'U', avatar: null, role: 'dev' } }),
    };
    const auth = new AuthApi(rx as unknown as RxAuthApi);
    expect((await auth.loginWithDev('u', 'p')).user).to.deep.equal({ id: 'u', uniqueName: 'u', fullName: 'U', role: 'dev' });
  });

  it('acks, the resolved ones and the success: false ones the reactive client turns into a HubError', async () => {
    const rx = new StubChatHub();
    const chat = new ChatHubClient(rx, { logger: () => undefined });
    rx.nextAck = { success: true, messageId: 'm1', clientMessageId: null, createdAt: AT, errorCode: null, errorMessage: null };
    expect(await chat.sendMessage({ conversationId: 'c1', blocks: [] })).to.deep.equal({ success: true, messageId: 'm1', createdAt: AT });
    rx.nextAck = { success: false, messageId: null, clientMessageId: null, createdAt: null, errorCode: 'NOT_MEMBER', errorMessage: 'no' };
    expect(await chat.sendMessage({ conversationId: 'c1', blocks: [] })).to.deep.equal({
      success: false,
      errorCode: 'NOT_MEMBER',
      errorMessage: 'no',
    });
  });

  it('hub payloads: every handler of an event gets the same normalised payload; the drop is warned about once per hub', async () => {
    const rx = new StubChatHub();
    const logged: string[] = [];
    const chat = new ChatHubClient(rx, { logger: (level, message) => void logged.push(`${level}: ${message}`) });
    const first: ChatMessageDto[] = [];
    const second: ChatMessageDto[] = [];
    chat.on('messageReceived', (m) => first.push(m));
    chat.on('messageReceived', (m) => second.push(m));
    await chat.connect();
    const wire = deepFreeze(wireChatMessage({ blocks: [rawPoll] })) as unknown as RxChatMessageDto;
    rx.emit('messageReceived', wire);
    rx.emit('messageReceived', wire);
    expect(first[0]).to.deep.equal({ ...omit(wireChatMessage(), 'senderAvatar'), blocks: [] });
    expect(second[0]).to.equal(first[0]);
    expect(logged.filter((l) => l.startsWith('warn:'))).to.have.length(1);
  });
});
