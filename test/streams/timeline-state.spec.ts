import { expect } from 'chai';
import { type BotStream, initialBotStreamsState, reduceBotStreams } from '../../src/streams/accumulate-stream.js';
import type { TimelineMessage } from '../../src/streams/timeline-message.js';
import { applyTimelineAction, type TimelineAction, TimelineState } from '../../src/streams/timeline-state.js';
import {
  ALICE,
  aborted,
  BOB,
  botMessage,
  chatMessage,
  chunk,
  completed,
  CONV,
  OTHER_CONV,
  restMessage,
  started,
  ulid,
  at,
} from './fixtures.js';

/** Applies actions in order and returns what each returned. */
function apply(state: TimelineState, ...actions: TimelineAction[]): boolean[] {
  return actions.map((action) => applyTimelineAction(state, action));
}

const list = (state: TimelineState): string[] => state.messages().map((m) => `${m.id}:${m.status}`);
const texts = (state: TimelineState): Array<string | null> => state.messages().map((m) => m.plainText);

/** A pending optimistic message as `Timeline.send` makes it. */
function pending(state: TimelineState, clientMessageId: string, content = 'hello'): TimelineMessage {
  return {
    id: state.nextLocalId(),
    clientMessageId,
    conversationId: CONV,
    senderId: ALICE,
    senderName: 'Alice',
    senderType: 'User',
    senderAvatar: null,
    blocks: [{ $type: 'text', format: 'Plain', content, plainText: content }],
    plainText: content,
    replyToMessageId: null,
    quickReplies: null,
    mentions: null,
    createdAt: at(1000),
    updatedAt: null,
    isEdited: false,
    isDeleted: false,
    deletedAt: null,
    deleteType: null,
    reactions: [],
    systemEvent: null,
    status: 'pending',
    streamStatus: null,
    abortReason: null,
    error: undefined,
  };
}

/** The accumulated stream after `events` (what `streams$` would emit last). */
function streamAfter(...events: Parameters<typeof reduceBotStreams>[1][]): BotStream {
  const state = events.reduce(reduceBotStreams, initialBotStreamsState);
  if (!state.changed) throw new Error('the last event changed nothing');
  return state.changed;
}

const received = (n: number, patch: Parameters<typeof chatMessage>[1] = {}): TimelineAction => ({
  type: 'received',
  message: chatMessage(n, patch),
});

describe('applyTimelineAction (table)', () => {
  describe('history', () => {
    it('adds a page in server (id) order whatever the page order, and reports a change once', () => {
      const state = new TimelineState(CONV);
      expect(apply(state, { type: 'history', messages: [restMessage(3), restMessage(1), restMessage(2)] })).to.deep.equal([true]);
      expect(list(state)).to.deep.equal([`${ulid(1)}:confirmed`, `${ulid(2)}:confirmed`, `${ulid(3)}:confirmed`]);
      expect(apply(state, { type: 'history', messages: [restMessage(2), restMessage(3)] })).to.deep.equal([false]);
      expect(state.size).to.equal(3);
    });

    it('ignores messages of another conversation', () => {
      const state = new TimelineState(CONV);
      expect(apply(state, { type: 'history', messages: [restMessage(1, { conversationId: OTHER_CONV })] })).to.deep.equal([false]);
      expect(state.size).to.equal(0);
    });

    it('a history copy of a hub message keeps the sender name and takes the newer content', () => {
      const state = new TimelineState(CONV);
      apply(state, received(1));
      expect(
        apply(state, { type: 'history', messages: [restMessage(1, { plainTextIndex: 'edited', isEdited: true, editedAt: at(5) })] }),
      ).to.deep.equal([true]);
      expect(state.get(ulid(1))).to.include({ senderName: 'Bob', plainText: 'edited', isEdited: true, updatedAt: at(5) });
      expect(state.size).to.equal(1);
    });

    it('a history copy of an optimistic send replaces it (same clientMessageId), never a second copy', () => {
      const state = new TimelineState(CONV);
      apply(state, { type: 'pending', message: pending(state, 'cm-1') });
      apply(state, { type: 'history', messages: [restMessage(7, { senderId: ALICE, clientMessageId: 'cm-1', plainTextIndex: 'hello' })] });
      expect(list(state)).to.deep.equal([`${ulid(7)}:confirmed`]);
      expect(state.byClientMessageId('cm-1')?.id).to.equal(ulid(7));
    });

    it('does not trim: older pages may exceed the window', () => {
      const state = new TimelineState(CONV, 3);
      apply(state, { type: 'history', messages: [1, 2, 3, 4, 5].map((n) => restMessage(n)) });
      expect(state.size).to.equal(5);
      expect(state.oldestId()).to.equal(ulid(1));
    });
  });

  describe('received / recovered', () => {
    it('adds a live message; the same message again (a duplicate event) changes nothing', () => {
      const state = new TimelineState(CONV);
      expect(apply(state, received(1), received(1))).to.deep.equal([true, false]);
      expect(state.size).to.equal(1);
      expect(state.version).to.equal(1);
    });

    it('a live message is a plain object with every field of TimelineMessage, as a literal would be', () => {
      const state = new TimelineState(CONV);
      apply(state, received(1, { senderName: 'Bob', plainTextContent: 'hi' }));
      const message = state.messages()[0] as TimelineMessage;
      // Made with `new` (see ConfirmedMessage): still Object.prototype, own enumerable fields only.
      expect(Object.getPrototypeOf(message)).to.equal(Object.prototype);
      expect(message.constructor).to.equal(Object);
      expect(Object.keys(message)).to.deep.equal([
        'id',
        'clientMessageId',
        'conversationId',
        'senderId',
        'senderName',
        'senderType',
        'senderAvatar',
        'blocks',
        'plainText',
        'replyToMessageId',
        'quickReplies',
        'mentions',
        'createdAt',
        'updatedAt',
        'isEdited',
        'isDeleted',
        'deletedAt',
        'deleteType',
        'reactions',
        'systemEvent',
        'status',
        'streamStatus',
        'abortReason',
        'error',
      ]);
      expect({ ...message }).to.include({ id: ulid(1), senderName: 'Bob', plainText: 'hi', status: 'confirmed', isDeleted: false });
      expect(JSON.parse(JSON.stringify(message))).to.include({ id: ulid(1), status: 'confirmed' });
    });

    it('places a late message among older ones in id order', () => {
      const state = new TimelineState(CONV);
      apply(state, received(1), received(3), received(2));
      expect(texts(state)).to.deep.equal(['m1', 'm2', 'm3']);
    });

    it('ignores another conversation', () => {
      const state = new TimelineState(CONV);
      expect(apply(state, received(1, { conversationId: OTHER_CONV }))).to.deep.equal([false]);
    });

    it('the echo of an optimistic send replaces it: one message, confirmed, with the server id', () => {
      const state = new TimelineState(CONV);
      apply(state, { type: 'pending', message: pending(state, 'cm-1') });
      expect(
        apply(state, received(9, { senderId: ALICE, senderName: 'Alice', clientMessageId: 'cm-1', plainTextContent: 'hello' })),
      ).to.deep.equal([true]);
      expect(list(state)).to.deep.equal([`${ulid(9)}:confirmed`]);
      // The late ack changes nothing: the echo already replaced the local copy.
      expect(apply(state, { type: 'sent', clientMessageId: 'cm-1', messageId: ulid(9) })).to.deep.equal([false]);
      expect(state.size).to.equal(1);
    });

    it('a message of someone else that happens to reuse the clientMessageId does not replace the optimistic one', () => {
      const state = new TimelineState(CONV);
      apply(state, { type: 'pending', message: pending(state, 'cm-1') });
      apply(state, received(9, { senderId: BOB, clientMessageId: 'cm-1' }));
      expect(state.messages().map((m) => m.status)).to.deep.equal(['confirmed', 'pending']);
    });

    it('recovered puts a deleted message back with its content and keeps the reactions when the event has none', () => {
      const state = new TimelineState(CONV);
      apply(
        state,
        received(1),
        {
          type: 'reactionAdded',
          dto: { messageId: ulid(1), conversationId: CONV, participantId: BOB, participantName: 'Bob', emoji: '👍', createdAt: at(2) },
        },
        { type: 'deleted', dto: { messageId: ulid(1), conversationId: CONV, deleteType: 'recall', deletedBy: BOB, deletedAt: at(3) } },
      );
      expect(state.get(ulid(1))).to.include({ isDeleted: true, plainText: null });
      expect(apply(state, { type: 'recovered', message: chatMessage(1) })).to.deep.equal([true]);
      expect(state.get(ulid(1))).to.include({ isDeleted: false, plainText: 'm1', deleteType: null });
      expect(state.get(ulid(1))?.reactions).to.deep.equal([{ emoji: '👍', count: 1, participantIds: [BOB] }]);
    });

    it('recovered of a message not held adds it', () => {
      const state = new TimelineState(CONV);
      expect(apply(state, { type: 'recovered', message: chatMessage(4) })).to.deep.equal([true]);
      expect(state.size).to.equal(1);
    });
  });

  describe('updated / deleted', () => {
    it('updated edits the content, keeps the mentions when the event has none; unknown message changes nothing', () => {
      const state = new TimelineState(CONV);
      const mention = { type: 'All' as const, targetId: null, displayName: 'all', offset: null, length: null };
      apply(state, received(1, { mentions: [mention] }));
      const dto = { messageId: ulid(1), conversationId: CONV, blocks: [], plainTextContent: 'new text', updatedAt: at(9) };
      expect(apply(state, { type: 'updated', dto }, { type: 'updated', dto: { ...dto, messageId: ulid(2) } })).to.deep.equal([true, false]);
      expect(state.get(ulid(1))).to.include({ plainText: 'new text', isEdited: true, updatedAt: at(9) });
      expect(state.get(ulid(1))?.mentions).to.deep.equal([mention]);
    });

    it('recall empties the content for everyone; a repeated recall changes nothing', () => {
      const state = new TimelineState(CONV);
      apply(state, received(1));
      const dto = { messageId: ulid(1), conversationId: CONV, deleteType: 'recall' as const, deletedBy: BOB, deletedAt: at(5) };
      expect(apply(state, { type: 'deleted', dto }, { type: 'deleted', dto })).to.deep.equal([true, false]);
      expect(state.get(ulid(1))).to.include({ isDeleted: true, deleteType: 'recall', deletedAt: at(5), plainText: null });
      expect(state.get(ulid(1))?.blocks).to.deep.equal([]);
      expect(state.size).to.equal(1);
    });

    it('delete (sender side) marks it deleted but keeps the content; a recall afterwards empties it', () => {
      const state = new TimelineState(CONV);
      apply(state, received(1));
      const dto = { messageId: ulid(1), conversationId: CONV, deleteType: 'delete' as const, deletedBy: BOB, deletedAt: at(5) };
      expect(apply(state, { type: 'deleted', dto })).to.deep.equal([true]);
      expect(state.get(ulid(1))).to.include({ isDeleted: true, deleteType: 'delete', plainText: 'm1' });
      expect(apply(state, { type: 'deleted', dto: { ...dto, deleteType: 'recall' } })).to.deep.equal([true]);
      expect(state.get(ulid(1))).to.include({ deleteType: 'recall', plainText: null });
    });

    it('deleted of another conversation or an unknown message changes nothing', () => {
      const state = new TimelineState(CONV);
      apply(state, received(1));
      const dto = { messageId: ulid(1), conversationId: OTHER_CONV, deleteType: 'recall' as const, deletedBy: BOB, deletedAt: at(5) };
      expect(
        apply(state, { type: 'deleted', dto }, { type: 'deleted', dto: { ...dto, conversationId: CONV, messageId: ulid(2) } }),
      ).to.deep.equal([false, false]);
    });
  });

  describe('reactions', () => {
    const add = (participantId: string, emoji = '👍'): TimelineAction => ({
      type: 'reactionAdded',
      dto: { messageId: ulid(1), conversationId: CONV, participantId, participantName: participantId, emoji, createdAt: at(2) },
    });
    const remove = (participantId: string, emoji = '👍'): TimelineAction => ({
      type: 'reactionRemoved',
      dto: { messageId: ulid(1), conversationId: CONV, participantId, participantName: participantId, emoji, removedAt: at(3) },
    });

    it('are idempotent: the same reaction twice counts once, removing twice changes once', () => {
      const state = new TimelineState(CONV);
      apply(state, received(1));
      expect(apply(state, add(BOB), add(BOB), add(ALICE), add(BOB, '🎉'))).to.deep.equal([true, false, true, true]);
      expect(state.get(ulid(1))?.reactions).to.deep.equal([
        { emoji: '👍', count: 2, participantIds: [BOB, ALICE] },
        { emoji: '🎉', count: 1, participantIds: [BOB] },
      ]);
      expect(apply(state, remove(BOB), remove(BOB), remove(ALICE), remove(ALICE), remove('carol', '🎉'))).to.deep.equal([
        true,
        false,
        true,
        false,
        false,
      ]);
      expect(state.get(ulid(1))?.reactions).to.deep.equal([{ emoji: '🎉', count: 1, participantIds: [BOB] }]);
    });
  });

  describe('read receipts', () => {
    it('move forward only, per participant, in this conversation', () => {
      const state = new TimelineState(CONV);
      const receipt = (participantId: string, n: number, conversationId = CONV): TimelineAction => ({
        type: 'readReceipt',
        dto: { conversationId, participantId, lastReadMessageId: ulid(n), readAt: at(n) },
      });
      expect(
        apply(state, receipt(BOB, 2), receipt(BOB, 1), receipt(BOB, 2), receipt(BOB, 3), receipt(ALICE, 1), receipt(BOB, 9, OTHER_CONV)),
      ).to.deep.equal([true, false, false, true, true, false]);
      expect(state.readReceipts().get(BOB)).to.deep.equal({ messageId: ulid(3), readAt: at(3) });
      expect(state.readReceipts().get(ALICE)).to.deep.equal({ messageId: ulid(1), readAt: at(1) });
    });
  });

  describe('bot streams', () => {
    const placeholderId = ulid(20);

    it('a streaming placeholder grows, then the completed message replaces it (one message)', () => {
      const state = new TimelineState(CONV);
      apply(state, received(10));
      const s1 = streamAfter(started('s1', placeholderId), chunk('s1', 0, 'You said', placeholderId));
      expect(apply(state, { type: 'stream', stream: s1 })).to.deep.equal([true]);
      expect(state.get(placeholderId)).to.include({ status: 'streaming', plainText: 'You said', senderType: 'Bot', senderId: 'echo-bot' });
      const s2 = streamAfter(
        started('s1', placeholderId),
        chunk('s1', 0, 'You said', placeholderId),
        chunk('s1', 1, ': m10', placeholderId),
      );
      apply(state, { type: 'stream', stream: s2 });
      expect(state.get(placeholderId)?.plainText).to.equal('You said: m10');
      const final = botMessage(21, 'You said: m10');
      const done = streamAfter(started('s1', placeholderId), completed('s1', final, placeholderId));
      expect(apply(state, { type: 'stream', stream: done })).to.deep.equal([true]);
      expect(list(state)).to.deep.equal([`${ulid(10)}:confirmed`, `${ulid(21)}:confirmed`]);
      expect(state.get(ulid(21))?.plainText).to.equal('You said: m10');
    });

    it('completion when the final message came already (received) drops the placeholder and adds nothing', () => {
      const state = new TimelineState(CONV);
      apply(state, { type: 'stream', stream: streamAfter(chunk('s1', 0, 'x', placeholderId)) });
      const final = botMessage(21, 'x');
      apply(state, { type: 'received', message: final });
      expect(state.size).to.equal(2);
      expect(apply(state, { type: 'stream', stream: streamAfter(completed('s1', final, placeholderId)) })).to.deep.equal([true]);
      expect(list(state)).to.deep.equal([`${ulid(21)}:confirmed`]);
      // The same completion again changes nothing.
      expect(apply(state, { type: 'stream', stream: streamAfter(completed('s1', final, placeholderId)) })).to.deep.equal([false]);
    });

    it('an aborted stream keeps its partial text with the reason', () => {
      const state = new TimelineState(CONV);
      apply(state, {
        type: 'stream',
        stream: streamAfter(chunk('s1', 0, 'partial', placeholderId), aborted('s1', 'bot_timeout', placeholderId)),
      });
      expect(state.get(placeholderId)).to.include({ status: 'aborted', plainText: 'partial', abortReason: 'bot_timeout' });
    });

    it('a stream of another conversation changes nothing', () => {
      const state = new TimelineState(CONV);
      expect(apply(state, { type: 'stream', stream: streamAfter(started('s1', placeholderId, OTHER_CONV)) })).to.deep.equal([false]);
    });

    it('a streaming message is not the newest server id (gap recovery must not trust it)', () => {
      const state = new TimelineState(CONV);
      apply(state, received(10), { type: 'stream', stream: streamAfter(chunk('s1', 0, 'x', placeholderId)) });
      expect(state.newestServerId()).to.equal(ulid(10));
    });
  });

  describe('optimistic sends', () => {
    it('pending → sent (server id) → confirmed by the echo, one message throughout', () => {
      const state = new TimelineState(CONV);
      apply(state, received(1));
      const local = pending(state, 'cm-1');
      expect(apply(state, { type: 'pending', message: local })).to.deep.equal([true]);
      expect(list(state)).to.deep.equal([`${ulid(1)}:confirmed`, `${local.id}:pending`]);
      expect(apply(state, { type: 'sent', clientMessageId: 'cm-1', messageId: ulid(5) })).to.deep.equal([true]);
      expect(list(state)).to.deep.equal([`${ulid(1)}:confirmed`, `${ulid(5)}:sent`]);
      expect(
        apply(state, received(5, { senderId: ALICE, senderName: 'Alice', clientMessageId: 'cm-1', plainTextContent: 'hello' })),
      ).to.deep.equal([true]);
      expect(list(state)).to.deep.equal([`${ulid(1)}:confirmed`, `${ulid(5)}:confirmed`]);
      expect(state.byClientMessageId('cm-1')?.status).to.equal('confirmed');
    });

    it('sent with the REST answer takes its fields and keeps the local sender name', () => {
      const state = new TimelineState(CONV);
      apply(state, { type: 'pending', message: pending(state, 'cm-1') });
      apply(state, {
        type: 'sent',
        clientMessageId: 'cm-1',
        messageId: ulid(5),
        message: restMessage(5, { senderId: ALICE, clientMessageId: 'cm-1', plainTextIndex: 'hello' }),
      });
      expect(state.get(ulid(5))).to.include({ status: 'sent', senderName: 'Alice', createdAt: at(5), plainText: 'hello' });
    });

    it('failed → retrying → pending again; failed and retrying only apply in the right state', () => {
      const state = new TimelineState(CONV);
      const local = pending(state, 'cm-1');
      const error = new Error('nope');
      expect(apply(state, { type: 'retrying', clientMessageId: 'cm-1' })).to.deep.equal([false]);
      apply(state, { type: 'pending', message: local });
      expect(apply(state, { type: 'retrying', clientMessageId: 'cm-1' })).to.deep.equal([false]);
      expect(
        apply(state, { type: 'failed', clientMessageId: 'cm-1', error }, { type: 'failed', clientMessageId: 'cm-1', error }),
      ).to.deep.equal([true, false]);
      expect(state.get(local.id)).to.include({ status: 'failed', error });
      expect(apply(state, { type: 'retrying', clientMessageId: 'cm-1' })).to.deep.equal([true]);
      expect(state.get(local.id)).to.include({ status: 'pending', error: undefined });
      expect(apply(state, { type: 'sent', clientMessageId: 'cm-1', messageId: ulid(3) })).to.deep.equal([true]);
      expect(list(state)).to.deep.equal([`${ulid(3)}:sent`]);
      expect(apply(state, { type: 'failed', clientMessageId: 'cm-1', error })).to.deep.equal([false]);
    });

    it('an ack for an unknown clientMessageId changes nothing', () => {
      const state = new TimelineState(CONV);
      expect(apply(state, { type: 'sent', clientMessageId: 'nope', messageId: ulid(1) })).to.deep.equal([false]);
    });

    it('local messages sort after every server message, in send order', () => {
      const state = new TimelineState(CONV);
      const a = pending(state, 'cm-a', 'a');
      const b = pending(state, 'cm-b', 'b');
      apply(state, { type: 'pending', message: a }, { type: 'pending', message: b }, received(99));
      expect(texts(state)).to.deep.equal(['m99', 'a', 'b']);
    });

    it('a pending message of another conversation changes nothing', () => {
      const state = new TimelineState(CONV);
      expect(apply(state, { type: 'pending', message: { ...pending(state, 'cm-1'), conversationId: OTHER_CONV } })).to.deep.equal([false]);
    });
  });

  describe('window (maxMessages)', () => {
    it('drops the oldest when live messages arrive', () => {
      const state = new TimelineState(CONV, 3);
      apply(state, received(1), received(2), received(3));
      expect(texts(state)).to.deep.equal(['m1', 'm2', 'm3']);
      apply(state, received(4));
      expect(texts(state)).to.deep.equal(['m2', 'm3', 'm4']);
      expect(state.oldestId()).to.equal(ulid(2));
      expect(state.get(ulid(1))).to.equal(undefined);
    });

    it('a pending send and a stream placeholder also push the oldest out', () => {
      const state = new TimelineState(CONV, 2);
      apply(state, received(1), received(2), { type: 'pending', message: pending(state, 'cm-1') });
      expect(texts(state)).to.deep.equal(['m2', 'hello']);
      apply(state, { type: 'stream', stream: streamAfter(chunk('s1', 0, 'x', ulid(30))) });
      expect(state.size).to.equal(2);
      expect(state.get(ulid(2))).to.equal(undefined);
    });

    it('history beyond the window is trimmed by the next live message', () => {
      const state = new TimelineState(CONV, 3);
      apply(state, { type: 'history', messages: [1, 2, 3, 4, 5].map((n) => restMessage(n)) }, received(6));
      expect(texts(state)).to.deep.equal(['m4', 'm5', 'm6']);
    });

    it('rejects a window below 1', () => {
      expect(() => new TimelineState(CONV, 0)).to.throw(RangeError, /maxMessages/);
      expect(() => new TimelineState(CONV, 1.5)).to.throw(RangeError, /maxMessages/);
    });
  });

  describe('version', () => {
    it('bumps on every change and only on change', () => {
      const state = new TimelineState(CONV);
      apply(state, received(1), received(1), received(2), { type: 'history', messages: [restMessage(2)] });
      // received(1), received(2): 2 changes; the duplicate and the same-content history copy: none.
      expect(state.version).to.equal(2);
    });
  });
});
