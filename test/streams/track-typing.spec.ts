import { expect } from 'chai';
import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { trackTyping, type TypingParticipant } from '../../src/streams/track-typing.js';
import { typing } from './fixtures.js';

function newScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => {
    expect(actual).to.deep.equal(expected);
  });
}

/** The typing list as a string of names, e.g. `'BOB,CAROL'` (`''` for nobody). */
const names = (list: readonly TypingParticipant[]): string => list.map((p) => p.participantName).join(',');

const dtos = { b: typing('bob'), c: typing('carol'), r: typing('bob', 'Robert') };

describe('trackTyping (marbles)', () => {
  it('starts with nobody and drops an entry timeoutMs after its typingStarted when no typingStopped comes', () => {
    const scheduler = newScheduler();
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const started = hot('--b------------', dtos);
      const stopped = hot('---------------', dtos);
      const result = trackTyping(started, stopped, { timeoutMs: 5, scheduler }).pipe(map(names));
      expectObservable(result, '^-------------!').toBe('e-b----e-------', { e: '', b: 'BOB' });
      expectSubscriptions(started.subscriptions).toBe('^-------------!');
      expectSubscriptions(stopped.subscriptions).toBe('^-------------!');
    });
  });

  it('restarts the expiry on each new typingStarted', () => {
    newScheduler().run(({ hot, expectObservable }) => {
      const started = hot('--b--b--b--------------', dtos);
      const stopped = hot('-----------------------', dtos);
      // Started at 2, 5, 8: with a 6-frame timeout the entry lives until 14 (not 8).
      const result = trackTyping(started, stopped, { timeoutMs: 6 }).pipe(map(names));
      expectObservable(result, '^---------------------!').toBe('e-b-----------e--------', { e: '', b: 'BOB' });
    });
  });

  it('removes at once on typingStopped, and the old expiry does not fire later', () => {
    newScheduler().run(({ hot, expectObservable }) => {
      const started = hot('--b------------', dtos);
      const stopped = hot('----b----------', dtos);
      const result = trackTyping(started, stopped, { timeoutMs: 5 }).pipe(map(names));
      expectObservable(result, '^-------------!').toBe('e-b-e----------', { e: '', b: 'BOB' });
    });
  });

  it('keeps several participants in the order they started, each with its own expiry', () => {
    newScheduler().run(({ hot, expectObservable }) => {
      const started = hot('-b-c-------------', dtos);
      const stopped = hot('-----b-----------', dtos);
      // carol started at 3 expires at 3 + 8 = 11.
      const result = trackTyping(started, stopped, { timeoutMs: 8 }).pipe(map(names));
      expectObservable(result, '^---------------!').toBe('eb-x-c-----e-----', { e: '', b: 'BOB', x: 'BOB,CAROL', c: 'CAROL' });
    });
  });

  it('emits nothing for a typingStopped of someone not typing, and updates a changed name in place', () => {
    newScheduler().run(({ hot, expectObservable }) => {
      const started = hot('--b--r-----', dtos);
      const stopped = hot('-c--------- ', dtos);
      const result = trackTyping(started, stopped, { timeoutMs: 100 }).pipe(map(names));
      expectObservable(result, '^---------!').toBe('e-b--r-----', { e: '', b: 'BOB', r: 'Robert' });
    });
  });

  it('completes once both sources completed and the last expiry ran', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const started = cold('-b-|', dtos);
      const stopped = cold('--|', dtos);
      const result = trackTyping(started, stopped, { timeoutMs: 4 }).pipe(map(names));
      expectObservable(result).toBe('eb---(e|)', { e: '', b: 'BOB' });
      expectSubscriptions(started.subscriptions).toBe('^--!');
      expectSubscriptions(stopped.subscriptions).toBe('^-!');
    });
  });

  it('uses 6 s by default', () => {
    newScheduler().run(({ hot, expectObservable }) => {
      const started = hot('-b', dtos);
      const stopped = hot('--', dtos);
      expectObservable(trackTyping(started, stopped).pipe(map(names)), '^ 7s !').toBe('eb 5999ms e', { e: '', b: 'BOB' });
    });
  });
});
