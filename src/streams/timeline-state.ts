import type {
  ChatMessageDto,
  MessageDeletedDto,
  MessageDto,
  MessageUpdatedDto,
  ReactionAddedDto,
  ReactionGroupDto,
  ReactionRemovedDto,
  ReadReceiptUpdatedDto,
} from '../codecs/index.js';
import type { BotStream } from './accumulate-stream.js';
import { fromChatMessageDto, fromMessageDto, localMessage, type TimelineMessage } from './timeline-message.js';

/** What changes a timeline. */
export type TimelineAction =
  /** A page of REST history (any direction), or messages found by gap recovery. */
  | { readonly type: 'history'; readonly messages: readonly MessageDto[]; readonly senderNames?: ReadonlyMap<string, string> }
  /** `messageReceived`, or a finished message from elsewhere (a completed stream). */
  | { readonly type: 'received'; readonly message: ChatMessageDto }
  /** `messageRecovered`. */
  | { readonly type: 'recovered'; readonly message: ChatMessageDto }
  | { readonly type: 'updated'; readonly dto: MessageUpdatedDto }
  | { readonly type: 'deleted'; readonly dto: MessageDeletedDto }
  | { readonly type: 'reactionAdded'; readonly dto: ReactionAddedDto }
  | { readonly type: 'reactionRemoved'; readonly dto: ReactionRemovedDto }
  | { readonly type: 'readReceipt'; readonly dto: ReadReceiptUpdatedDto }
  /** A bot stream's accumulated state (placeholder, completion or abort). */
  | { readonly type: 'stream'; readonly stream: BotStream }
  /** An optimistic send: a `pending` message with `id = local:…`. */
  | { readonly type: 'pending'; readonly message: TimelineMessage }
  /** The server accepted an optimistic send (hub ack or REST answer). */
  | { readonly type: 'sent'; readonly clientMessageId: string; readonly messageId: string; readonly message?: MessageDto }
  /** An optimistic send failed. */
  | { readonly type: 'failed'; readonly clientMessageId: string; readonly error: unknown }
  /** A failed send is being retried: back to `pending`. */
  | { readonly type: 'retrying'; readonly clientMessageId: string };

/** Who read up to where, from `readReceiptUpdated`. */
export interface ReadReceipt {
  readonly messageId: string;
  readonly readAt: string;
}

/** Where one message is: the message and its absolute position in the ordered array. */
interface Slot {
  message: TimelineMessage;
  pos: number;
}

/** What a slot holds once its message left the state. */
const RELEASED: TimelineMessage = localMessage({
  id: 'released',
  conversationId: '',
  senderId: '',
  senderType: 'User',
  createdAt: '',
  status: 'confirmed',
});

/**
 * Lets go of a slot's message as it leaves the state. The slot itself is garbage then, but a
 * garbage `Map` table the engine replaced may still point at it until the next full collection;
 * if that table was promoted to the old generation, the message and its whole decoded payload
 * would be kept through every young collection meanwhile, promoted in turn, and so on — measured:
 * with this, the payloads of a 50-message window stop surviving young collections (212 MB of the
 * 100,000 events' payloads promoted in the bench run before, 18 MB after).
 */
function release(slot: Slot | undefined): void {
  if (slot !== undefined) slot.message = RELEASED;
}

/**
 * The messages in server order (ULIDs sort by time; local `local:…` ids after every ULID), as one
 * array used from `head` to `end` with room after it, and each message's absolute position kept
 * in its slot:
 * - appending (the usual case) O(1); removing the oldest O(1); the used part is moved to the front
 *   of a new array (twice its size) when the end reaches the array's, so positions stay valid
 *   through a base offset and the cost is amortised O(1);
 * - replacing a message in place O(1), through its slot's position;
 * - placing a message among older ones O(log n) search + moving the newer ones (and their
 *   positions);
 * - a snapshot is one `slice` — a memory copy, far cheaper than reading each message through a
 *   map, which matters because `messages$` emits a new array per change.
 *
 * The array is grown by hand, never by `push` or `splice`, and every place a message leaves is
 * cleared, the left-behind array included: a garbage array still pointing at messages keeps them
 * (and their payloads) through young collections if the engine promoted it (see {@link release}).
 */
class OrderedMessages {
  /** No room until the first message (most open timelines of a big client hold none for long). */
  private items: Array<TimelineMessage | undefined> = NO_ITEMS;
  private head = 0;
  /** One past the newest message's index. */
  private end = 0;
  /** Absolute position of `items[0]`. */
  private base = 0;

  constructor(private readonly slotOf: (id: string) => Slot | undefined) {}

  get size(): number {
    return this.end - this.head;
  }

  insert(slot: Slot): void {
    this.makeRoom();
    const last = this.items[this.end - 1];
    if (this.size === 0 || last === undefined || slot.message.id > last.id) {
      slot.pos = this.base + this.end;
      this.items[this.end] = slot.message;
      this.end += 1;
      return;
    }
    const at = this.lowerBound(slot.message.id);
    this.items.copyWithin(at + 1, at, this.end);
    this.items[at] = slot.message;
    this.end += 1;
    slot.pos = this.base + at;
    this.renumberFrom(at + 1);
  }

  replace(slot: Slot): void {
    this.items[slot.pos - this.base] = slot.message;
  }

  remove(slot: Slot): void {
    const at = slot.pos - this.base;
    if (at < this.head || at >= this.end || this.items[at]?.id !== slot.message.id) return;
    this.items.copyWithin(at, at + 1, this.end);
    this.end -= 1;
    this.items[this.end] = undefined;
    this.renumberFrom(at);
  }

  /** Removes and returns the oldest message. O(1). */
  shift(): TimelineMessage | undefined {
    if (this.size === 0) return undefined;
    const message = this.items[this.head];
    this.items[this.head] = undefined;
    this.head += 1;
    return message;
  }

  /** The message at `index` (0 = oldest). */
  at(index: number): TimelineMessage | undefined {
    return index < 0 || index >= this.size ? undefined : this.items[this.head + index];
  }

  /** A new array of the messages, oldest first. */
  toMessages(): TimelineMessage[] {
    return this.items.slice(this.head, this.end) as TimelineMessage[];
  }

  /** Room for one more at the end: the used part moved to the front of a new array twice its size, the old one cleared. */
  private makeRoom(): void {
    if (this.end < this.items.length) return;
    const size = this.size;
    const next = emptyArray(Math.max(16, size * 2));
    for (let i = 0; i < size; i++) next[i] = this.items[this.head + i];
    if (this.items !== NO_ITEMS) this.items.fill(undefined, this.head, this.end);
    this.items = next;
    this.base += this.head;
    this.head = 0;
    this.end = size;
  }

  private renumberFrom(index: number): void {
    for (let i = index; i < this.end; i++) {
      const slot = this.slotOf((this.items[i] as TimelineMessage).id);
      if (slot) slot.pos = this.base + i;
    }
  }

  private lowerBound(id: string): number {
    let lo = this.head;
    let hi = this.end;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.items[mid] as TimelineMessage).id < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** The array of a state that never held a message (shared: it is never written, having no room). */
const NO_ITEMS: Array<TimelineMessage | undefined> = [];

/** An array of `length` empty places, with fast (not dictionary) elements whatever the length. */
function emptyArray(length: number): Array<TimelineMessage | undefined> {
  const array: Array<TimelineMessage | undefined> = [];
  for (let i = 0; i < length; i++) array.push(undefined);
  return array;
}

/** The read receipts of a state that has none. */
const NO_RECEIPTS: ReadonlyMap<string, ReadReceipt> = new Map();

/** The newest server id among `ids` ordered oldest first (skips local ids). */
const isLocal = (id: string): boolean => id.startsWith('local:');

/**
 * A conversation's messages, keyed by id with an ordered index — the state behind a timeline's
 * `messages$`. Mutable on purpose: {@link applyTimelineAction} changes it in place so one event
 * costs O(1) or O(log n), never a copy of the whole timeline; `messages()` builds the ordered
 * array once per version, when someone reads it.
 *
 * Complexity: a live message (newest) O(1); a message placed among older ones O(log n) plus the
 * shift of the newer ones; edits, deletes, reactions, receipts O(1) (+ the message's reactions);
 * a history page O(page · log n); `messages()` one array copy (`slice`) once per version.
 */
export class TimelineState {
  private readonly byId = new Map<string, Slot>();
  private readonly order = new OrderedMessages((id) => this.byId.get(id));
  /** Made on first use, as the receipts: most states of a busy client never need them. */
  private byClientId: Map<string, string> | undefined;
  private receipts: Map<string, ReadReceipt> | undefined;
  private cache: { version: number; messages: readonly TimelineMessage[] } | undefined;
  private localSeq = 0;
  /** Bumped on every change. */
  version = 0;

  constructor(
    readonly conversationId: string,
    /** The most messages kept; older ones are dropped when live messages arrive. @default 1000 */
    readonly maxMessages = 1000,
  ) {
    if (!Number.isInteger(maxMessages) || maxMessages < 1) throw new RangeError('maxMessages must be a whole number ≥ 1');
  }

  /** How many messages are held. */
  get size(): number {
    return this.order.size;
  }

  /** The messages, oldest to newest. Built once per version. */
  messages(): readonly TimelineMessage[] {
    if (this.cache?.version !== this.version) {
      this.cache = { version: this.version, messages: this.order.toMessages() };
    }
    return this.cache.messages;
  }

  /** The message with that id (server id or `local:…`). */
  get(id: string): TimelineMessage | undefined {
    return this.byId.get(id)?.message;
  }

  /** The message an optimistic send with that `clientMessageId` became (or still is). */
  byClientMessageId(clientMessageId: string): TimelineMessage | undefined {
    const id = this.byClientId?.get(clientMessageId);
    return id === undefined ? undefined : this.byId.get(id)?.message;
  }

  /** The newest server message id held (local ones skipped), or undefined. */
  newestServerId(): string | undefined {
    for (let i = this.order.size - 1; i >= 0; i--) {
      const message = this.order.at(i) as TimelineMessage;
      if (!isLocal(message.id) && message.status !== 'streaming') return message.id;
    }
    return undefined;
  }

  /** The oldest message id held. */
  oldestId(): string | undefined {
    return this.order.at(0)?.id;
  }

  /** Read receipts by participant. */
  readReceipts(): ReadonlyMap<string, ReadReceipt> {
    return this.receipts ?? NO_RECEIPTS;
  }

  /** A new local id for an optimistic send (sorts after every server id, in send order). */
  nextLocalId(): string {
    this.localSeq += 1;
    return `local:${String(this.localSeq).padStart(10, '0')}`;
  }

  /** @internal Sets a message (insert or replace). */
  put(message: TimelineMessage): void {
    const slot = this.byId.get(message.id);
    if (slot) {
      slot.message = message;
      this.order.replace(slot);
    } else {
      const created: Slot = { message, pos: -1 };
      this.byId.set(message.id, created);
      this.order.insert(created);
    }
    if (message.clientMessageId !== null) (this.byClientId ??= new Map()).set(message.clientMessageId, message.id);
  }

  /** @internal Removes a message. */
  drop(id: string): void {
    const slot = this.byId.get(id);
    if (!slot) return;
    const message = slot.message;
    this.order.remove(slot);
    release(slot);
    this.byId.delete(id);
    if (message.clientMessageId !== null && this.byClientId?.get(message.clientMessageId) === id)
      this.byClientId.delete(message.clientMessageId);
  }

  /** @internal Drops the oldest messages beyond the window. */
  trim(): void {
    while (this.order.size > this.maxMessages) {
      const message = this.order.shift();
      if (message === undefined) break;
      const id = message.id;
      release(this.byId.get(id));
      this.byId.delete(id);
      if (message?.clientMessageId != null && this.byClientId?.get(message.clientMessageId) === id)
        this.byClientId.delete(message.clientMessageId);
    }
  }

  /** @internal Records a read receipt; false when it changed nothing. */
  setReceipt(participantId: string, receipt: ReadReceipt): boolean {
    const old = this.receipts?.get(participantId);
    if (old && old.messageId >= receipt.messageId) return false;
    (this.receipts ??= new Map()).set(participantId, receipt);
    return true;
  }
}

/**
 * Applies one action to a timeline, in place, and tells whether anything changed (so the stream
 * emits only on change). Messages are de-duplicated by id and by `clientMessageId`: an echo or a
 * history copy of an optimistic send replaces it rather than adding a second copy. Actions for
 * another conversation are ignored.
 *
 * @example
 * ```ts
 * const state = new TimelineState('conv-1');
 * applyTimelineAction(state, { type: 'received', message }); // true
 * applyTimelineAction(state, { type: 'received', message }); // false: already there
 * ```
 */
export function applyTimelineAction(state: TimelineState, action: TimelineAction): boolean {
  const changed = reduce(state, action);
  if (changed) state.version += 1;
  return changed;
}

function reduce(state: TimelineState, action: TimelineAction): boolean {
  switch (action.type) {
    case 'history': {
      let changed = false;
      for (const dto of action.messages) {
        if (dto.conversationId !== state.conversationId) continue;
        const existing = state.get(dto.id);
        // REST messages carry no sender name: the one a live copy had, else the resolved one.
        const resolved = action.senderNames?.get(dto.senderId) ?? null;
        const incoming = resolved === null ? fromMessageDto(dto) : { ...fromMessageDto(dto), senderName: resolved };
        const merged: TimelineMessage = existing
          ? {
              ...incoming,
              senderName: existing.senderName ?? incoming.senderName,
              senderAvatar: existing.senderAvatar,
              reactions: incoming.reactions,
            }
          : incoming;
        if (existing && sameContent(existing, merged) && existing.senderName === merged.senderName) continue;
        changed = adopt(state, merged) || changed;
      }
      return changed;
    }
    case 'received':
    case 'recovered': {
      const dto = action.message;
      if (dto.conversationId !== state.conversationId) return false;
      const existing = state.get(dto.id);
      if (action.type === 'received' && existing?.status === 'confirmed' && existing.senderName !== null) return false;
      const incoming = fromChatMessageDto(dto);
      if (existing && action.type === 'recovered') {
        return adopt(state, { ...incoming, reactions: dto.reactions ?? existing.reactions });
      }
      const changed = adopt(state, incoming);
      state.trim();
      return changed;
    }
    case 'updated': {
      const dto = action.dto;
      const existing = dto.conversationId === state.conversationId ? state.get(dto.messageId) : undefined;
      if (!existing) return false;
      state.put({
        ...existing,
        blocks: dto.blocks,
        plainText: dto.plainTextContent,
        mentions: dto.mentions ?? existing.mentions,
        isEdited: true,
        updatedAt: dto.updatedAt,
      });
      return true;
    }
    case 'deleted': {
      const dto = action.dto;
      const existing = dto.conversationId === state.conversationId ? state.get(dto.messageId) : undefined;
      if (!existing || (existing.isDeleted && existing.deleteType === dto.deleteType)) return false;
      state.put({
        ...existing,
        isDeleted: true,
        deletedAt: dto.deletedAt,
        deleteType: dto.deleteType,
        ...(dto.deleteType === 'recall' ? { blocks: [], plainText: null } : {}),
      });
      return true;
    }
    case 'reactionAdded':
    case 'reactionRemoved': {
      const dto = action.dto;
      const existing = dto.conversationId === state.conversationId ? state.get(dto.messageId) : undefined;
      if (!existing) return false;
      const reactions =
        action.type === 'reactionAdded'
          ? addReaction(existing.reactions, dto.emoji, dto.participantId)
          : removeReaction(existing.reactions, dto.emoji, dto.participantId);
      if (reactions === existing.reactions) return false;
      state.put({ ...existing, reactions });
      return true;
    }
    case 'readReceipt':
      if (action.dto.conversationId !== state.conversationId) return false;
      return state.setReceipt(action.dto.participantId, { messageId: action.dto.lastReadMessageId, readAt: action.dto.readAt });
    case 'stream':
      return applyStream(state, action.stream);
    case 'pending': {
      if (action.message.conversationId !== state.conversationId) return false;
      state.put(action.message);
      state.trim();
      return true;
    }
    case 'sent': {
      const local = state.byClientMessageId(action.clientMessageId);
      if (!local || !isLocal(local.id)) {
        // The echo (or history) already replaced it: nothing to do unless the REST answer carries more.
        return false;
      }
      state.drop(local.id);
      const known = state.get(action.messageId);
      if (known) {
        state.put(known);
        return true;
      }
      const base = action.message
        ? { ...fromMessageDto(action.message), senderName: local.senderName, senderAvatar: local.senderAvatar }
        : { ...local };
      state.put({ ...base, id: action.messageId, clientMessageId: action.clientMessageId, status: 'sent', error: undefined });
      return true;
    }
    case 'failed': {
      const local = state.byClientMessageId(action.clientMessageId);
      if (local?.status !== 'pending') return false;
      state.put({ ...local, status: 'failed', error: action.error });
      return true;
    }
    case 'retrying': {
      const local = state.byClientMessageId(action.clientMessageId);
      if (local?.status !== 'failed') return false;
      state.put({ ...local, status: 'pending', error: undefined });
      return true;
    }
  }
}

/**
 * Puts a confirmed server message in place: an optimistic copy (same `clientMessageId`, local
 * id) or a streaming placeholder is replaced, never duplicated.
 */
function adopt(state: TimelineState, message: TimelineMessage): boolean {
  if (message.clientMessageId !== null) {
    const previous = state.byClientMessageId(message.clientMessageId);
    if (previous && previous.id !== message.id && previous.senderId === message.senderId) state.drop(previous.id);
  }
  state.put(message);
  return true;
}

function applyStream(state: TimelineState, stream: BotStream): boolean {
  if (stream.conversationId !== state.conversationId) return false;
  if (stream.phase === 'completed' && stream.message) {
    const placeholder = state.get(stream.messageId);
    if (placeholder && placeholder.id !== stream.message.id && placeholder.status !== 'confirmed') state.drop(placeholder.id);
    const existing = state.get(stream.message.id);
    if (existing?.status === 'confirmed' && existing.senderName !== null)
      return placeholder !== undefined && placeholder.id !== stream.message.id;
    adopt(state, fromChatMessageDto(stream.message));
    state.trim();
    return true;
  }
  const existing = state.get(stream.messageId);
  if (existing?.status === 'confirmed') return false;
  const text = stream.text;
  state.put(
    localMessage({
      id: stream.messageId,
      conversationId: stream.conversationId,
      senderId: stream.senderId ?? existing?.senderId ?? '',
      senderName: stream.senderName,
      senderType: 'Bot',
      senderAvatar: stream.senderAvatar,
      blocks: text === '' ? [] : [{ $type: 'text', format: 'Plain', content: text, plainText: text }],
      plainText: text === '' ? null : text,
      replyToMessageId: stream.replyToMessageId,
      createdAt: existing?.createdAt ?? stream.startedAt ?? new Date(0).toISOString(),
      status: stream.phase === 'aborted' ? 'aborted' : 'streaming',
      streamStatus: stream.status,
      abortReason: stream.reason,
    }),
  );
  if (!existing) state.trim();
  return true;
}

function addReaction(groups: readonly ReactionGroupDto[], emoji: string, participantId: string): readonly ReactionGroupDto[] {
  const index = groups.findIndex((g) => g.emoji === emoji);
  if (index < 0) return [...groups, { emoji, count: 1, participantIds: [participantId] }];
  const group = groups[index] as ReactionGroupDto;
  if (group.participantIds.includes(participantId)) return groups;
  const next = [...groups];
  next[index] = { emoji, count: group.count + 1, participantIds: [...group.participantIds, participantId] };
  return next;
}

function removeReaction(groups: readonly ReactionGroupDto[], emoji: string, participantId: string): readonly ReactionGroupDto[] {
  const index = groups.findIndex((g) => g.emoji === emoji);
  if (index < 0) return groups;
  const group = groups[index] as ReactionGroupDto;
  if (!group.participantIds.includes(participantId)) return groups;
  const participantIds = group.participantIds.filter((id) => id !== participantId);
  const next = [...groups];
  if (participantIds.length === 0) next.splice(index, 1);
  else next[index] = { emoji, count: participantIds.length, participantIds };
  return next;
}

function sameContent(a: TimelineMessage, b: TimelineMessage): boolean {
  return (
    a.status === b.status &&
    a.isDeleted === b.isDeleted &&
    a.isEdited === b.isEdited &&
    a.updatedAt === b.updatedAt &&
    a.plainText === b.plainText &&
    a.reactions.length === b.reactions.length &&
    a.reactions.every((g, i) => g.emoji === b.reactions[i]?.emoji && g.count === b.reactions[i]?.count)
  );
}
