import type { SchedulerLike } from 'rxjs';
import type {
  Block,
  ConversationListItemDto,
  ConversationType,
  CursorPaginatedResult,
  Mention,
  MessageDto,
  ParticipantDto,
  QuickReply,
} from '../codecs/index.js';
import { FakeChatHub, type FakeChatHubOptions } from './fake-chat-hub.js';
import { FakeChatServerError } from './fake-chat-server-error.js';
import { FakeHistoryApi } from './fake-history-api.js';
import { bindRegistry, FakeHubRegistry } from './fake-hub-registry.js';
import type { FakeHubOptions } from './fake-hub.js';
import { FakeNotificationHub } from './fake-notification-hub.js';
import { conversationListPage } from './fake-lists.js';
import { MessageOps } from './fake-message-ops.js';
import { toMessageDto } from '../gateway/dto-mapping.js';
import { historyPage, type HistoryQuery, type StoredConversation, toBlocks } from './fake-records.js';

/** Options of a {@link FakeChatServer}. */
export interface FakeChatServerOptions {
  /** The clock of every timestamp and the scheduler of every delay (a `TestScheduler` in tests). */
  readonly scheduler: SchedulerLike;
}

/** A participant of a {@link FakeChatServer}. */
export interface FakeParticipant {
  /** Its participant id (the `senderId` of its messages). */
  readonly id: string;
  /** Its display name (the id when none was given to `addParticipant`). */
  readonly fullName: string;
  /** A user or a bot (a bot's messages have `senderType: 'Bot'`). */
  readonly type: 'User' | 'Bot';
}

/** Options of `server.addParticipant`. */
export interface FakeParticipantOptions {
  /** A user or a bot (its messages have `senderType: 'Bot'`). @default 'User' */
  readonly type?: 'User' | 'Bot';
}

/** A conversation of a {@link FakeChatServer}. */
export interface FakeConversation {
  /** Its conversation id. */
  readonly id: string;
  /** Its kind (`Group`, `OneToOne` or `Self`). */
  readonly type: ConversationType;
  /** Its name; undefined when `addConversation` was given none. */
  readonly name: string | undefined;
  /** The members now, in the order they were added. */
  readonly memberIds: readonly string[];
}

/** Options of `server.addConversation`. */
export interface FakeConversationOptions {
  /** The conversation's kind (`Group`, `OneToOne` or `Self`). @default 'Group' */
  readonly type?: ConversationType;
  /** The conversation's name. @default none */
  readonly name?: string;
}

/** What a message says: plain text (one `Plain` text block) or the blocks themselves. */
export type FakeMessageContent = string | readonly Block[];

/** Options of `server.post`. */
export interface FakePostOptions {
  /** The sender's idempotency key: a repeat (same sender, same conversation) returns the first message and broadcasts nothing. */
  readonly clientMessageId?: string | null | undefined;
  /** The id of the message this one replies to, in the same conversation (400 otherwise). @default none */
  readonly replyToMessageId?: string | null | undefined;
  /** The mentions the message carries. @default none */
  readonly mentions?: readonly Mention[] | null | undefined;
  /** The quick replies offered with the message. @default none */
  readonly quickReplies?: readonly QuickReply[] | null | undefined;
}

/**
 * An in-memory chat service for unit tests in virtual time: participants, conversations and
 * their messages (the server truth), the REST history of each participant (`history(id)`), and
 * fake hubs (`chatHub(id)`, `notificationHub(id)`) that receive what the server broadcasts.
 * Nothing is asynchronous but what runs on `scheduler`; there is no I/O.
 *
 * Message ids are `m` and a 6-digit counter (`m000001`, `m000002`…), one counter for the whole
 * server, so ids sort as strings in creation order (up to 999,999 messages). `createdAt` is
 * `scheduler.now()` as ISO 8601 (frame 0 of a `TestScheduler` is `1970-01-01T00:00:00.000Z`).
 *
 * The drivers (`post`, `edit`, `delete`…) throw a {@link FakeChatServerError} where the gateway
 * would refuse (a non-member posting, an unknown message); an unknown participant id is a plain
 * `Error`.
 *
 * @example
 * ```ts
 * const server = new FakeChatServer({ scheduler: testScheduler });
 * server.addParticipant('alice', 'Alice');
 * server.addParticipant('bob', 'Bob');
 * server.addConversation('general', ['alice', 'bob']);
 * server.post('general', 'bob', 'Hello');                 // broadcast to every hub that joined 'general'
 * server.history('alice').getHistory('general').subscribe((page) => console.log(page.items));
 * ```
 */
export class FakeChatServer {
  /** The scheduler of every timestamp and delay. */
  readonly scheduler: SchedulerLike;
  private readonly registry: FakeHubRegistry;
  private readonly people = new Map<string, FakeParticipant>();
  private readonly conversations = new Map<string, StoredConversation>();
  private readonly ops: MessageOps;
  private readonly histories = new Map<string, FakeHistoryApi>();

  constructor(options: FakeChatServerOptions) {
    this.scheduler = options.scheduler;
    this.registry = new FakeHubRegistry(() => this.nowIso());
    bindRegistry(this, this.registry);
    this.ops = new MessageOps({
      scheduler: this.scheduler,
      registry: this.registry,
      nameOf: (id) => this.people.get(id)?.fullName ?? id,
      typeOf: (id) => this.people.get(id)?.type ?? 'User',
      conversation: (participantId, conversationId) => this.memberConversation(participantId, conversationId),
    });
  }

  /**
   * Adds a participant (a user, or a bot with `{ type: 'Bot' }`).
   *
   * @throws Error when the id is taken.
   */
  addParticipant(id: string, fullName: string = id, options: FakeParticipantOptions = {}): FakeParticipant {
    if (this.people.has(id)) throw new Error(`FakeChatServer: participant '${id}' already exists`);
    const participant: FakeParticipant = { id, fullName, type: options.type ?? 'User' };
    this.people.set(id, participant);
    return participant;
  }

  /** The participant with this id, or undefined. */
  participant(id: string): FakeParticipant | undefined {
    return this.people.get(id);
  }

  /** Every participant, in the order added. */
  participants(): readonly FakeParticipant[] {
    return [...this.people.values()];
  }

  /**
   * Adds a conversation with these members.
   *
   * @throws Error when the id is taken or a member is not a participant.
   */
  addConversation(id: string, memberIds: readonly string[], options: FakeConversationOptions = {}): FakeConversation {
    if (this.conversations.has(id)) throw new Error(`FakeChatServer: conversation '${id}' already exists`);
    for (const memberId of memberIds) this.known(memberId);
    this.conversations.set(id, {
      id,
      type: options.type ?? 'Group',
      name: options.name,
      members: [...new Set(memberIds)],
      messages: [],
      unread: new Map(memberIds.map((m) => [m, 0])),
      lastRead: new Map(),
      createdAt: this.nowIso(),
    });
    return this.conversation(id) as FakeConversation;
  }

  /** The conversation with this id, or undefined. */
  conversation(id: string): FakeConversation | undefined {
    const c = this.conversations.get(id);
    return c && { id: c.id, type: c.type, name: c.name, memberIds: [...c.members] };
  }

  /** The conversations `participantId` is a member of, in the order added. */
  conversationsOf(participantId: string): readonly FakeConversation[] {
    return [...this.conversations.values()]
      .filter((c) => c.members.includes(participantId))
      .map((c) => this.conversation(c.id) as FakeConversation);
  }

  /** True when `participantId` is a member of the conversation now. */
  isMember(conversationId: string, participantId: string): boolean {
    return this.conversations.get(conversationId)?.members.includes(participantId) === true;
  }

  /** Adds a member (who may then join on the hub and read the whole history); members get `participantJoined`. */
  addMember(conversationId: string, participantId: string): void {
    const c = this.existing(conversationId);
    this.known(participantId);
    if (c.members.includes(participantId)) return;
    c.members.push(participantId);
    c.unread.set(participantId, 0);
    this.registry.toParticipants(c.members, 'participantJoined', this.participantChange(c, participantId));
  }

  /**
   * Removes a member: the server takes its chat connections out of the conversation's group (no
   * more events; a re-join is refused) and it can no longer read the history (403).
   * Members and the removed one get `participantLeft`.
   */
  removeMember(conversationId: string, participantId: string): void {
    const c = this.existing(conversationId);
    const index = c.members.indexOf(participantId);
    if (index < 0) return;
    c.members.splice(index, 1);
    this.registry.removeFromGroup(participantId, c.id);
    this.registry.toParticipants([...c.members, participantId], 'participantLeft', this.participantChange(c, participantId));
  }

  /**
   * Posts a message as `senderId` and returns it: appended to the truth, broadcast as
   * `messageReceived` to every chat connection that joined the conversation (the sender's too: its
   * echo), and announced to the other members' notification hubs (`unreadCountChanged`,
   * `newMessageNotification`). A repeated `clientMessageId` returns the first message and
   * broadcasts nothing.
   *
   * @throws FakeChatServerError 404 for an unknown conversation, 403 for a non-member, 400 for no blocks.
   */
  post(conversationId: string, senderId: string, content: FakeMessageContent, options: FakePostOptions = {}): MessageDto {
    return toMessageDto(this.ops.post(conversationId, senderId, toBlocks(content), options));
  }

  /**
   * Edits a message (its sender only) and broadcasts `messageUpdated`.
   *
   * @throws FakeChatServerError 404 (unknown), 403 (not the sender, not a member), 400 (deleted).
   */
  edit(messageId: string, editorId: string, content: FakeMessageContent, mentions?: readonly Mention[] | null): MessageDto {
    return toMessageDto(this.ops.edit(messageId, editorId, toBlocks(content), mentions));
  }

  /**
   * Deletes a message for everyone (its sender only) and broadcasts `messageDeleted` (`recall`).
   *
   * @throws FakeChatServerError 404 (unknown), 403 (not the sender), 409 (already deleted).
   */
  delete(messageId: string, deleterId: string): MessageDto {
    return toMessageDto(this.ops.delete(messageId, deleterId));
  }

  /**
   * Recovers a deleted message within 10 minutes (its sender only) and broadcasts `messageRecovered`.
   *
   * @throws FakeChatServerError 404 (unknown), 403 (not the sender), 400 (not deleted, too late).
   */
  recover(messageId: string, participantId: string): MessageDto {
    return toMessageDto(this.ops.recover(messageId, participantId));
  }

  /** Adds a reaction and broadcasts `reactionAdded`. @throws FakeChatServerError 409 when already there. */
  addReaction(messageId: string, participantId: string, emoji: string): void {
    this.ops.addReaction(messageId, participantId, emoji);
  }

  /** Removes a reaction and broadcasts `reactionRemoved`. @throws FakeChatServerError 404 when not there. */
  removeReaction(messageId: string, participantId: string, emoji: string): void {
    this.ops.removeReaction(messageId, participantId, emoji);
  }

  /** Marks read up to `messageId`: `readStatusChanged` to the reader's notification hubs, `readReceiptUpdated` to the conversation. */
  markAsRead(conversationId: string, participantId: string, messageId: string): void {
    this.ops.markAsRead(conversationId, participantId, messageId);
  }

  /** Broadcasts `typingStarted` (or with `false`, `typingStopped`) from a member to every chat connection that joined. */
  typing(conversationId: string, participantId: string, started = true): void {
    this.ops.typing(conversationId, participantId, started);
  }

  /** Forces a participant on- or offline for presence (`undefined`: online while it has a connected notification hub, the default). */
  setPresence(participantId: string, isOnline: boolean | undefined): void {
    this.known(participantId);
    this.registry.setPresence(participantId, isOnline);
  }

  /** True when the participant counts as online (see {@link FakeChatServer.setPresence}). */
  isOnline(participantId: string): boolean {
    return this.registry.isOnline(participantId);
  }

  /** A member's unread count (messages of others since its last `markAsRead`). */
  unreadCount(conversationId: string, participantId: string): number {
    return this.existing(conversationId).unread.get(participantId) ?? 0;
  }

  /** The server truth: every message of the conversation, oldest first (deleted ones included, as REST shows them). */
  messages(conversationId: string): readonly MessageDto[] {
    return this.existing(conversationId).messages.map(toMessageDto);
  }

  /** One message as REST shows it, or undefined. */
  message(messageId: string): MessageDto | undefined {
    const m = this.ops.find(messageId);
    return m && toMessageDto(m);
  }

  /**
   * One page of history as the gateway answers `GET /api/conversations/{id}/messages` to
   * `participantId` (see `FakeHistoryApi.getHistory`).
   *
   * @throws FakeChatServerError 404 (unknown conversation), 403 (not a member), 400 (bad limit or cursor).
   */
  historyPage(participantId: string, conversationId: string, query: HistoryQuery = {}): CursorPaginatedResult<MessageDto> {
    return historyPage(this.memberConversation(participantId, conversationId).messages, query);
  }

  /**
   * The conversation list as the gateway answers `GET /api/conversations` to `participantId`:
   * latest message first; `limit` (default 20, at most 100) per page, `nextCursor` an opaque offset.
   *
   * @throws FakeChatServerError 400 for a bad limit or cursor.
   */
  listConversations(
    participantId: string,
    params: { readonly limit?: number | undefined; readonly cursor?: string | null | undefined } = {},
  ): CursorPaginatedResult<ConversationListItemDto> {
    const mine = [...this.conversations.values()].filter((c) => c.members.includes(participantId));
    return conversationListPage(mine, participantId, params);
  }

  /** Participants as `POST /api/participants/batch` answers (unknown ids are left out). */
  getParticipants(ids: readonly string[]): ParticipantDto[] {
    const epoch = new Date(0).toISOString();
    return ids.flatMap((id) => {
      const p = this.people.get(id);
      if (!p) return [];
      const isOnline = this.registry.isOnline(id);
      const lastSeenAt = this.registry.presenceOf(id).lastSeenAt ?? null;
      return [
        { id, uniqueName: id, fullName: p.fullName, isBot: p.type === 'Bot', isOnline, createdAt: epoch, updatedAt: epoch, lastSeenAt },
      ];
    });
  }

  /** The REST history of `participantId` (one per participant: its `failNext`/`delay` settings persist). */
  history(participantId: string): FakeHistoryApi {
    this.known(participantId);
    let api = this.histories.get(participantId);
    if (!api) {
      api = new FakeHistoryApi(this, participantId);
      this.histories.set(participantId, api);
    }
    return api;
  }

  /** A new fake chat hub connecting as `participantId` (not connected yet). */
  chatHub(participantId: string, options: FakeChatHubOptions = {}): FakeChatHub {
    this.known(participantId);
    return new FakeChatHub(this, participantId, options);
  }

  /** A new fake notification hub connecting as `participantId` (not connected yet). */
  notificationHub(participantId: string, options: FakeHubOptions = {}): FakeNotificationHub {
    this.known(participantId);
    return new FakeNotificationHub(this, participantId, options);
  }

  private nowIso(): string {
    return new Date(this.scheduler.now()).toISOString();
  }

  private known(participantId: string): FakeParticipant {
    const p = this.people.get(participantId);
    if (!p) throw new Error(`FakeChatServer: unknown participant '${participantId}' (addParticipant first)`);
    return p;
  }

  private existing(conversationId: string): StoredConversation {
    const c = this.conversations.get(conversationId);
    if (!c) throw new FakeChatServerError(404, `Conversation '${conversationId}' was not found.`);
    return c;
  }

  /** The conversation for one of its members: 404 when unknown, 403 for others (as the gateway). */
  private memberConversation(participantId: string, conversationId: string): StoredConversation {
    const c = this.existing(conversationId);
    if (!c.members.includes(participantId)) throw new FakeChatServerError(403, 'You are not a participant of this conversation.');
    return c;
  }

  private participantChange(c: StoredConversation, participantId: string): Record<string, unknown> {
    return {
      conversationId: c.id,
      participantId,
      participantName: this.people.get(participantId)?.fullName ?? participantId,
      changedAt: this.nowIso(),
    };
  }
}
