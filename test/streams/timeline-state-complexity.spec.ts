/**
 * Complexity of the timeline state, proven by counting work instead of measuring time: the
 * state's key map is instrumented and each test asserts how many lookups one action costs.
 */
import { expect } from 'chai';
import type { TimelineMessage } from '../../src/streams/timeline-message.js';
import { applyTimelineAction, type TimelineAction, TimelineState } from '../../src/streams/timeline-state.js';
import { CONV, chatMessage, restMessage, ulid } from './fixtures.js';

const N = 100_000;

/** Counts every call on the state's private `byId` map (the only place messages are read from). */
function instrument(state: TimelineState): { reset(): void; readonly calls: number } {
  const byId = (state as unknown as { byId: Map<string, TimelineMessage> }).byId;
  if (!(byId instanceof Map)) throw new Error('TimelineState no longer keeps its messages in `byId`: update this test');
  let calls = 0;
  for (const method of ['get', 'set', 'has', 'delete'] as const) {
    const original = byId[method].bind(byId) as (...args: unknown[]) => unknown;
    (byId as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      calls += 1;
      return original(...args);
    };
  }
  return {
    reset: () => (calls = 0),
    get calls() {
      return calls;
    },
  };
}

/** A state holding N messages (ids 1..N), built from one history page. */
function full(maxMessages = N + 10): TimelineState {
  const state = new TimelineState(CONV, maxMessages);
  applyTimelineAction(state, { type: 'history', messages: Array.from({ length: N }, (_, i) => restMessage(i + 1)) });
  return state;
}

describe('TimelineState complexity (counted work, not time)', () => {
  it('applying one live message to 100,000 held does not rebuild the message array, and costs a constant number of lookups', () => {
    const state = full();
    const counter = instrument(state);
    const messages = state.messages.bind(state);
    let built = 0;
    state.messages = () => {
      built += 1;
      return messages();
    };
    counter.reset();
    expect(applyTimelineAction(state, { type: 'received', message: chatMessage(N + 1) })).to.equal(true);
    expect(built).to.equal(0);
    expect(counter.calls).to.be.at.most(10);
    expect(state.size).to.equal(N + 1);
  });

  it('a live message into a full window drops one oldest in constant work', () => {
    const state = full(N);
    const counter = instrument(state);
    counter.reset();
    applyTimelineAction(state, { type: 'received', message: chatMessage(N + 1) });
    expect(counter.calls).to.be.at.most(10);
    expect(state.size).to.equal(N);
    expect(state.get(ulid(1)), 'the oldest dropped').to.equal(undefined);
    // And 1,000 more cost 1,000 times as much, not more (no periodic full copy of the map).
    counter.reset();
    for (let i = 2; i <= 1001; i++) applyTimelineAction(state, { type: 'received', message: chatMessage(N + i) });
    expect(counter.calls).to.be.at.most(10 * 1000);
  });

  it('edits, deletes, reactions and duplicates cost a constant number of lookups', () => {
    const state = full();
    const counter = instrument(state);
    const id = restMessage(N / 2).id;
    const actions: TimelineAction[] = [
      {
        type: 'updated',
        dto: { messageId: id, conversationId: CONV, blocks: [], plainTextContent: 'x', updatedAt: '2025-04-01T00:00:00Z' },
      },
      {
        type: 'reactionAdded',
        dto: {
          messageId: id,
          conversationId: CONV,
          participantId: 'p',
          participantName: 'P',
          emoji: '👍',
          createdAt: '2025-04-01T00:00:00Z',
        },
      },
      {
        type: 'deleted',
        dto: { messageId: id, conversationId: CONV, deleteType: 'recall', deletedBy: 'p', deletedAt: '2025-04-01T00:00:00Z' },
      },
      { type: 'received', message: chatMessage(N, { senderName: 'Bob' }) },
    ];
    for (const action of actions) {
      counter.reset();
      applyTimelineAction(state, action);
      expect(counter.calls, action.type).to.be.at.most(10);
    }
  });

  it('messages() is memoised per version: the same array until something changes, one pass to rebuild', () => {
    const state = full();
    const counter = instrument(state);
    counter.reset();
    const first = state.messages();
    expect(first).to.have.length(N);
    expect(counter.calls, 'one pass at most').to.be.at.most(N);
    counter.reset();
    expect(state.messages()).to.equal(first);
    expect(counter.calls).to.equal(0);
    // An action that changes nothing keeps the version and the array.
    expect(applyTimelineAction(state, { type: 'history', messages: [restMessage(1)] })).to.equal(false);
    expect(state.messages()).to.equal(first);
    // A change gives a new array, built once.
    applyTimelineAction(state, { type: 'received', message: chatMessage(N + 1) });
    counter.reset();
    const second = state.messages();
    expect(second).not.to.equal(first);
    expect(second).to.have.length(N + 1);
    expect(state.messages()).to.equal(second);
    expect(counter.calls).to.be.at.most(N + 1 + 10);
    // The earlier array is not mutated by the change (consumers may hold it).
    expect(first).to.have.length(N);
  });
});
