import type {
  ConversationDto,
  ConversationListItemDto,
  ConversationParticipantDto,
  CreateConversationRequest,
  CursorPaginatedResult,
  MediaReference,
  SystemEventType,
} from '../codecs/index.js';
import { activeMemberIds, type ChatContext, type StoredConversation, type StoredMember } from './chat-records.js';
import { compareListRows, pageSize, parseCursor } from './chat-rules.js';
import { createdDto, toConversationDto, toMemberDto, type DtoMapper } from './dto-mapping.js';
import { badRequest, conflict, forbidden, notFound } from './gateway-error.js';
import type { ParticipantStore } from './participant-store.js';

/** Posts a system message (member added, renamed…) into a conversation. */
export type SystemMessagePoster = (
  c: StoredConversation,
  actorId: string | null,
  type: SystemEventType,
  targetIds: string[],
  metadata?: Record<string, unknown>,
) => void;

/** The gateway's conversations and their memberships: creation, listing, membership changes, pins, typing. */
export class ConversationStore {
  private readonly conversations = new Map<string, StoredConversation>();

  constructor(
    private readonly ctx: ChatContext,
    private readonly participants: ParticipantStore,
    private readonly mapper: DtoMapper,
    private readonly systemMessage: SystemMessagePoster,
  ) {}

  /** The conversation (no access check), or undefined. */
  find(id: string): StoredConversation | undefined {
    return this.conversations.get(id);
  }

  /** The caller's conversations: pinned first (latest pin first), then `lastMessageAt` descending. */
  list(userId: string, limit: number | undefined, cursor: string | undefined): CursorPaginatedResult<ConversationListItemDto> {
    const size = pageSize(limit, 20);
    const rows = [...this.conversations.values()]
      .filter((c) => c.members.get(userId)?.isActive === true)
      .map((c) => ({ c, m: c.members.get(userId) as StoredMember }))
      .sort((a, b) => compareListRows(a, b));
    let start = 0;
    if (cursor !== undefined) {
      const { id } = parseCursor(cursor);
      const index = rows.findIndex((row) => row.c.id === id);
      if (index < 0) throw badRequest('The cursor does not point into this list.', { cursor: ['Unknown cursor.'] });
      start = index + 1;
    }
    const slice = rows.slice(start, start + size);
    const hasMore = start + size < rows.length;
    const last = slice[slice.length - 1];
    return {
      items: slice.map(({ c, m }) => this.mapper.toListItem(c, m)),
      hasMore,
      nextCursor: hasMore && last ? `${Date.parse(last.c.lastMessageAt ?? last.c.createdAt)}_${last.c.id}` : null,
    };
  }

  /** Creates a conversation (OneToOne and Self are found instead when they exist). */
  create(userId: string, request: CreateConversationRequest): { conversation: ConversationDto; created: boolean } {
    const others = [...new Set(request.participantIds.filter((id) => id !== userId))];
    for (const id of others)
      if (!this.participants.has(id))
        throw badRequest(`Participant '${id}' was not found.`, { participantIds: [`Unknown participant '${id}'.`] });
    if (request.type === 'OneToOne') {
      if (others.length !== 1)
        throw badRequest('A one-to-one conversation needs exactly one other participant.', {
          participantIds: ['Exactly one other participant is required.'],
        });
      const existing = this.findOneToOneRecord(userId, others[0] as string);
      if (existing) return { conversation: toConversationDto(existing), created: false };
    }
    if (request.type === 'Self') {
      if (others.length > 0)
        throw badRequest('A self conversation has no other participants.', { participantIds: ['Must be empty for a Self conversation.'] });
      const existing = [...this.conversations.values()].find((c) => c.type === 'Self' && c.ownerId === userId);
      if (existing) return { conversation: toConversationDto(existing), created: false };
    }
    const now = this.ctx.nowIso();
    const conversation: StoredConversation = {
      id: this.ctx.newId(),
      type: request.type,
      ownerId: userId,
      createdAt: now,
      updatedAt: now,
      lastMessageAt: null,
      lastMessageId: null,
      members: new Map(),
      messages: [],
      ...(request.type === 'Group' && request.name != null ? { name: request.name } : {}),
      ...(request.avatar != null ? { avatar: request.avatar } : {}),
    };
    for (const id of [userId, ...others]) conversation.members.set(id, this.newMember(id, 0));
    this.conversations.set(conversation.id, conversation);
    this.ctx.sink.notify(activeMemberIds(conversation), 'conversationCreated', createdDto(conversation));
    return { conversation: toConversationDto(conversation), created: true };
  }

  /** Conversations whose name or whose participants' names contain `query` (case-insensitive). */
  search(userId: string, query: string, limit: number | undefined): ConversationListItemDto[] {
    const needle = query.trim().toLowerCase();
    if (needle === '') throw badRequest('The search query must not be empty.', { q: ['The q field is required.'] });
    const size = pageSize(limit, 20);
    const out: ConversationListItemDto[] = [];
    for (const c of this.conversations.values()) {
      const member = c.members.get(userId);
      if (!member?.isActive) continue;
      const names = [
        c.name ?? '',
        ...[...c.members.keys()].flatMap((id) => {
          const p = this.participants.get(id);
          return p ? [p.fullName, p.uniqueName] : [];
        }),
      ];
      if (names.some((name) => name.toLowerCase().includes(needle))) out.push(this.mapper.toListItem(c, member));
      if (out.length >= size) break;
    }
    return out;
  }

  /** Renames or re-avatars a Group conversation. */
  update(userId: string, id: string, request: { name?: string | null; avatar?: MediaReference | null }): ConversationDto {
    const c = this.memberConversation(userId, id, true);
    if (c.type !== 'Group') throw badRequest('Only group conversations can be updated.');
    const renamed = request.name != null && request.name !== c.name;
    if (request.name != null) c.name = request.name;
    if (request.avatar === null) delete c.avatar;
    else if (request.avatar !== undefined) c.avatar = request.avatar;
    c.updatedAt = this.ctx.nowIso();
    this.ctx.sink.notify(activeMemberIds(c), 'conversationUpdated', {
      conversationId: c.id,
      type: c.type,
      participantCount: activeMemberIds(c).length,
      ...(c.name !== undefined ? { name: c.name } : {}),
      avatar: c.avatar ?? null,
    });
    if (renamed) this.systemMessage(c, userId, 'ConversationRenamed', [], { name: c.name ?? '' });
    return toConversationDto(c);
  }

  /** The caller leaves; the others stay. */
  leave(userId: string, id: string): void {
    const c = this.memberConversation(userId, id, true);
    const member = c.members.get(userId) as StoredMember;
    member.isActive = false;
    member.leftAt = this.ctx.nowIso();
    this.ctx.sink.leaveGroup(userId, c.id);
    const payload = this.mapper.participantChange(c, userId, member.leftAt);
    this.ctx.sink.notify([...activeMemberIds(c), userId], 'participantLeft', payload);
    this.systemMessage(c, null, 'MemberLeft', [userId]);
  }

  /** The OneToOne conversation between the caller and `otherId`, or undefined. */
  findOneToOneRecord(userId: string, otherId: string): StoredConversation | undefined {
    for (const c of this.conversations.values()) {
      if (c.type === 'OneToOne' && c.members.has(userId) && c.members.has(otherId)) return c;
    }
    return undefined;
  }

  /** Adds (or re-adds) a participant to a Group conversation. */
  addParticipant(userId: string, id: string, participantId: string, canViewHistory: boolean): void {
    const c = this.memberConversation(userId, id, true);
    if (c.type !== 'Group') throw badRequest('Participants can only be added to group conversations.');
    if (!this.participants.has(participantId)) throw notFound(`Participant '${participantId}' was not found.`);
    const existing = c.members.get(participantId);
    if (existing?.isActive) throw conflict(`Participant '${participantId}' is already in this conversation.`);
    const member = this.newMember(participantId, canViewHistory ? 0 : this.ctx.clock());
    c.members.set(participantId, member);
    this.ctx.sink.notify([participantId], 'conversationCreated', createdDto(c));
    this.ctx.sink.notify(
      activeMemberIds(c).filter((m) => m !== participantId),
      'participantJoined',
      this.mapper.participantChange(c, participantId, member.joinedAt),
    );
    this.systemMessage(c, userId, 'MemberAdded', [participantId]);
  }

  /** Removes a participant from a Group conversation (the owner, or the participant themself). */
  removeParticipant(userId: string, id: string, participantId: string): void {
    const c = this.memberConversation(userId, id, true);
    if (c.type !== 'Group') throw badRequest('Participants can only be removed from group conversations.');
    if (userId !== c.ownerId && userId !== participantId) throw forbidden('Only the owner can remove participants.');
    const member = c.members.get(participantId);
    if (!member?.isActive) throw notFound(`Participant '${participantId}' is not in this conversation.`);
    member.isActive = false;
    member.leftAt = this.ctx.nowIso();
    this.ctx.sink.leaveGroup(participantId, c.id);
    this.ctx.sink.notify(
      [...activeMemberIds(c), participantId],
      'participantLeft',
      this.mapper.participantChange(c, participantId, member.leftAt),
    );
    this.systemMessage(c, userId, 'MemberRemoved', [participantId]);
  }

  /** Every membership, including members who left. */
  members(userId: string, id: string): ConversationParticipantDto[] {
    const c = this.memberConversation(userId, id, false);
    return [...c.members.values()].map(toMemberDto);
  }

  /** Pins or unpins the conversation for the caller. */
  setPinned(userId: string, id: string, pinned: boolean): void {
    const c = this.memberConversation(userId, id, true);
    const member = c.members.get(userId) as StoredMember;
    member.isPinned = pinned;
    member.pinnedAt = pinned ? this.ctx.nowIso() : null;
    if (pinned) this.ctx.sink.notify([userId], 'conversationPinned', { conversationId: c.id, pinnedAt: member.pinnedAt });
    else this.ctx.sink.notify([userId], 'conversationUnpinned', { conversationId: c.id });
  }

  /** `typingStarted` / `typingStopped` to the conversation's other joined connections. */
  typing(userId: string, conversationId: string, started: boolean, exceptConnectionId?: string): void {
    const c = this.memberConversation(userId, conversationId, true);
    this.ctx.sink.chat(
      c.id,
      started ? 'typingStarted' : 'typingStopped',
      { conversationId: c.id, participantId: userId, participantName: this.participants.displayName(userId) },
      exceptConnectionId,
    );
  }

  /** The conversation for a member of it (an active one when `mustBeActive`): 404 when unknown, 403 for others. */
  memberConversation(userId: string, id: string, mustBeActive: boolean): StoredConversation {
    const c = this.conversations.get(id);
    if (!c) throw notFound(`Conversation '${id}' was not found.`);
    const member = c.members.get(userId);
    if (!member || (mustBeActive && !member.isActive)) throw forbidden('You are not a participant of this conversation.');
    return c;
  }

  private newMember(participantId: string, historyFromMs: number): StoredMember {
    return {
      participantId,
      joinedAt: this.ctx.nowIso(),
      leftAt: null,
      isActive: true,
      isPinned: false,
      pinnedAt: null,
      lastReadMessageId: null,
      lastReadAt: null,
      unreadCount: 0,
      historyFromMs,
    };
  }
}
