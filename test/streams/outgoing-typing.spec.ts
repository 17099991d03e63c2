import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import { outgoingTyping } from '../../src/streams/outgoing-typing.js';

function newScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => {
    expect(actual).to.deep.equal(expected);
  });
}

const signals = { s: 'start', p: 'stop' } as const;

describe('outgoingTyping (marbles)', () => {
  it('sends at most one start per throttle window while keystrokes go on, then stop after the idle pause', () => {
    const scheduler = newScheduler();
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      // throttle 5, idle 4: keys at 0,2,4 → one start at 0; key at 6 (window over) → start; 8,10 throttled;
      // last key at 10 → stop at 14; a new burst at 20 → start, stop at 24.
      const keys = hot('a-a-a-a-a-a---------a------|');
      const sent = hot('---------------------------');
      const result = outgoingTyping(keys, sent, { throttleMs: 5, idleMs: 4, scheduler });
      expectObservable(result).toBe('s-----s-------p-----s---p--|', signals);
      expectSubscriptions(keys.subscriptions).toBe('^--------------------------!');
      // sent$ is listened to only while typing.
      expectSubscriptions(sent.subscriptions).toBe(['^-------------!', '--------------------^---!']);
    });
  });

  it('sends stop at once when a message is sent, and ignores sends while not typing', () => {
    newScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const keys = hot('a-a----a----|');
      const sent = hot('---x-x-------');
      const result = outgoingTyping(keys, sent, { throttleMs: 5, idleMs: 4 });
      expectObservable(result).toBe('s--p---s---p|', signals);
      expectSubscriptions(sent.subscriptions).toBe(['^--!', '-------^---!']);
    });
  });

  it('a keystroke right after a send starts a new typing session', () => {
    newScheduler().run(({ hot, expectObservable }) => {
      const keys = hot('a--a--------|');
      const sent = hot('--x----------');
      const result = outgoingTyping(keys, sent, { throttleMs: 50, idleMs: 4 });
      expectObservable(result).toBe('s-ps---p----|', signals);
    });
  });

  it('ends with stop when the keystrokes complete mid-session, and unsubscribes everything', () => {
    newScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const keys = cold('a-|');
      const sent = hot('-----');
      expectObservable(outgoingTyping(keys, sent, { throttleMs: 5, idleMs: 4 })).toBe('s-(p|)', signals);
      expectSubscriptions(keys.subscriptions).toBe('^-!');
      expectSubscriptions(sent.subscriptions).toBe('^-!');
    });
  });

  it('uses 2 s throttle and 3 s idle by default', () => {
    newScheduler().run(({ hot, expectObservable }) => {
      // keys every second for 4 s: starts at 0 and 2 s (the key at 2 s opens a new window? no — the window ends at 2 s,
      // the key at exactly 2 s arrives first), so: start at 0, start at 3 s; stop 3 s after the last key (4 s) = 7 s.
      const keys = hot('a 999ms a 999ms a 999ms a 999ms a');
      const sent = hot('-');
      expectObservable(outgoingTyping(keys, sent), '^ 10s !').toBe('s 2999ms s 3999ms p', signals);
    });
  });
});
