import { expect } from 'chai';
import { concatMap, defer, finalize, map, mergeMap, type Observable, of, tap, throwError, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ArgumentRangeError, InvalidArgumentError } from '../../src/core/invalid-argument-error.js';
import type { ParticipantApi } from '../../src/http/participant-api.js';
import {
  type ParticipantBatchSource,
  ParticipantNames,
  ParticipantNamesError,
  withSenderName,
} from '../../src/streams/participant-names.js';
import { localMessage } from '../../src/streams/timeline-message.js';

function newScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => {
    expect(actual).to.deep.equal(expected);
  });
}

/** One `getBatch` request the fake server saw: when it was sent, when it ended, and how. */
interface SeenRequest {
  readonly ids: string[];
  readonly at: number;
  end: number;
  outcome: 'answered' | 'failed' | 'cancelled';
}

const DIRECTORY: Readonly<Record<string, string>> = { alice: 'Alice', bob: 'Bob', carol: 'Carol', dave: 'Dave', 'echo-bot': 'Echo Bot' };

/**
 * A fake `POST /api/participants/batch` on the test scheduler: answers after `latency` frames
 * with the ids it knows (skipping the others, as the server does), or fails the requests `fail`
 * picks (by 1-based request number).
 */
function fakeServer(
  scheduler: TestScheduler,
  options: { latency?: number; fail?: (n: number) => boolean; directory?: Readonly<Record<string, string>> } = {},
): { source: ParticipantBatchSource; requests: SeenRequest[] } {
  const requests: SeenRequest[] = [];
  const directory = options.directory ?? DIRECTORY;
  const source: ParticipantBatchSource = {
    getBatch: (ids) =>
      defer(() => {
        const request: SeenRequest = { ids: [...ids], at: scheduler.now(), end: -1, outcome: 'cancelled' };
        requests.push(request);
        const failing = options.fail?.(requests.length) ?? false;
        return timer(options.latency ?? 5, scheduler).pipe(
          mergeMap(() =>
            failing
              ? throwError(() => new Error('503 Service Unavailable'))
              : of(ids.flatMap((id) => (directory[id] === undefined ? [] : [{ id, fullName: directory[id] }]))),
          ),
          tap({ next: () => (request.outcome = 'answered'), error: () => (request.outcome = 'failed') }),
          finalize(() => (request.end = scheduler.now())),
        );
      }),
  };
  return { source, requests };
}

/** `source` subscribed `frame` frames from now. */
function after<T>(scheduler: TestScheduler, frame: number, source: Observable<T>): Observable<T> {
  return timer(frame, scheduler).pipe(concatMap(() => source));
}

const byId = (...entries: [string, string][]): ReadonlyMap<string, string> => new Map(entries);

describe('ParticipantNames (marbles)', () => {
  it('answers from the cache at once, without a request, for learned names', () => {
    const scheduler = newScheduler();
    const { source, requests } = fakeServer(scheduler);
    scheduler.run(({ expectObservable }) => {
      const names = new ParticipantNames(source, { scheduler });
      names.learn('echo-bot', 'Echo Bot');
      names.learn('alice', 'Alice');
      expectObservable(names.resolve(['echo-bot', 'alice', 'echo-bot'])).toBe('(a|)', {
        a: byId(['echo-bot', 'Echo Bot'], ['alice', 'Alice']),
      });
      expectObservable(names.resolve([])).toBe('(e|)', { e: byId() });
    });
    expect(requests).to.deep.equal([]);
  });

  it('batches the ids asked for within the window into one request, and opens a new window after it', () => {
    const scheduler = newScheduler();
    const { source, requests } = fakeServer(scheduler);
    scheduler.run(({ expectObservable }) => {
      const names = new ParticipantNames(source, { scheduler, batchWindowMs: 10 });
      // Window opened at 0 by alice, closed at 10: bob (3) and carol (9) join it; answered at 15.
      expectObservable(names.resolve(['alice'])).toBe('15ms (a|)', { a: byId(['alice', 'Alice']) });
      expectObservable(after(scheduler, 3, names.resolve(['bob', 'alice']))).toBe('15ms (b|)', {
        b: byId(['bob', 'Bob'], ['alice', 'Alice']),
      });
      expectObservable(after(scheduler, 9, names.resolve(['carol']))).toBe('15ms (c|)', { c: byId(['carol', 'Carol']) });
      // Asked at 12, after the window closed: a new window, sent at 22, answered at 27.
      expectObservable(after(scheduler, 12, names.resolve(['dave']))).toBe('27ms (d|)', { d: byId(['dave', 'Dave']) });
    });
    expect(requests).to.deep.equal([
      { ids: ['alice', 'bob', 'carol'], at: 10, end: 15, outcome: 'answered' },
      { ids: ['dave'], at: 22, end: 27, outcome: 'answered' },
    ]);
  });

  it('does not ask again for an id already asked for, and answers later calls from the cache', () => {
    const scheduler = newScheduler();
    const { source, requests } = fakeServer(scheduler, { latency: 20 });
    scheduler.run(({ expectObservable }) => {
      const names = new ParticipantNames(source, { scheduler });
      expectObservable(names.resolve(['alice', 'alice'])).toBe('30ms (a|)', { a: byId(['alice', 'Alice']) });
      // alice is in flight (10–30): waited for; bob is new: its own window 15–25, answered at 45.
      expectObservable(after(scheduler, 15, names.resolve(['alice', 'bob']))).toBe('45ms (b|)', {
        b: byId(['alice', 'Alice'], ['bob', 'Bob']),
      });
      // Only in flight: waits for alice's request alone.
      expectObservable(after(scheduler, 20, names.resolve(['alice']))).toBe('30ms (a|)', { a: byId(['alice', 'Alice']) });
      expectObservable(after(scheduler, 50, names.resolve(['bob', 'alice']))).toBe('50ms (c|)', {
        c: byId(['bob', 'Bob'], ['alice', 'Alice']),
      });
    });
    expect(requests).to.deep.equal([
      { ids: ['alice'], at: 10, end: 30, outcome: 'answered' },
      { ids: ['bob'], at: 25, end: 45, outcome: 'answered' },
    ]);
  });

  it('splits a batch into requests of at most maxBatchSize ids, at most maxConcurrentRequests at once', () => {
    const scheduler = newScheduler();
    const ids = Array.from({ length: 250 }, (_, i) => `p${i}`);
    const directory = Object.fromEntries(ids.map((id) => [id, id.toUpperCase()]));
    const { source, requests } = fakeServer(scheduler, { directory });
    scheduler.run(({ expectObservable }) => {
      const names = new ParticipantNames(source, { scheduler, maxConcurrentRequests: 2 });
      // Two requests at 10 (answered at 15), the third starts when one of them ends: 15–20.
      expectObservable(names.resolve(ids).pipe(map((found) => found.size))).toBe('20ms (n|)', { n: 250 });
    });
    expect(requests.map((r) => [r.ids.length, r.ids[0], r.at, r.end])).to.deep.equal([
      [100, 'p0', 10, 15],
      [100, 'p100', 10, 15],
      [50, 'p200', 15, 20],
    ]);
  });

  it('remembers the ids the server does not know, within maxUnknownIds, until they are learned', () => {
    const scheduler = newScheduler();
    const { source, requests } = fakeServer(scheduler);
    scheduler.run(({ expectObservable }) => {
      const names = new ParticipantNames(source, { scheduler, maxUnknownIds: 2 });
      const a = byId(['alice', 'Alice']);
      expectObservable(names.resolve(['alice', 'ghost'])).toBe('15ms (a|)', { a });
      // Known to be unknown: answered at once, no request.
      expectObservable(after(scheduler, 20, names.resolve(['ghost', 'alice']))).toBe('20ms (a|)', { a });
      // Two more unknown ids (window 30–40, answered at 45): ghost, the least recently used, is forgotten…
      expectObservable(after(scheduler, 30, names.resolve(['ghost2', 'ghost3']))).toBe('45ms (e|)', { e: byId() });
      // …and asked for again (window 50–60, answered at 65); ghost3 is still remembered.
      expectObservable(after(scheduler, 50, names.resolve(['ghost', 'ghost3']))).toBe('65ms (e|)', { e: byId() });
      // A name learned for an unknown id is used from then on.
      scheduler.schedule(() => names.learn('ghost2', 'Ghost Two'), 70);
      expectObservable(after(scheduler, 71, names.resolve(['ghost2']))).toBe('71ms (g|)', { g: byId(['ghost2', 'Ghost Two']) });
    });
    expect(requests.map((r) => [r.ids, r.at])).to.deep.equal([
      [['alice', 'ghost'], 10],
      [['ghost2', 'ghost3'], 40],
      [['ghost'], 60],
    ]);
  });

  it('keeps at most maxNames names, evicting the least recently used', () => {
    const scheduler = newScheduler();
    const { source, requests } = fakeServer(scheduler);
    scheduler.run(({ expectObservable }) => {
      const names = new ParticipantNames(source, { scheduler, maxNames: 2 });
      names.learn('alice', 'Alice');
      names.learn('bob', 'Bob');
      expect(names.get('alice')).to.equal('Alice'); // alice is now the most recently used
      names.learn('carol', 'Carol'); // bob goes
      expect(names.get('bob')).to.equal(undefined);
      expectObservable(names.resolve(['alice', 'bob', 'carol'])).toBe('15ms (a|)', {
        a: byId(['alice', 'Alice'], ['carol', 'Carol'], ['bob', 'Bob']),
      });
    });
    expect(requests.map((r) => r.ids)).to.deep.equal([['bob']]);
  });

  it('reports a failed request on errors$, answers without its ids and never errors, and asks for them again later', () => {
    const scheduler = newScheduler();
    const { source, requests } = fakeServer(scheduler, { fail: (n) => n === 1 });
    scheduler.run(({ expectObservable }) => {
      const names = new ParticipantNames(source, { scheduler, maxBatchSize: 1 });
      const reported = names.errors$.pipe(map((e) => ({ is: ParticipantNamesError.is(e), ids: e.ids, cause: (e.cause as Error).message })));
      expectObservable(reported).toBe('15ms e', { e: { is: true, ids: ['alice'], cause: '503 Service Unavailable' } });
      // The first request (alice) fails, the second (bob) does not: bob's name is given.
      expectObservable(names.resolve(['alice', 'bob'])).toBe('15ms (a|)', { a: byId(['bob', 'Bob']) });
      // Not remembered as unknown: asked again (30–35).
      expectObservable(after(scheduler, 20, names.resolve(['alice']))).toBe('35ms (a|)', { a: byId(['alice', 'Alice']) });
    });
    expect(requests.map((r) => [r.ids, r.at, r.outcome])).to.deep.equal([
      [['alice'], 10, 'failed'],
      [['bob'], 10, 'answered'],
      [['alice'], 30, 'answered'],
    ]);
  });

  it('sends nothing when every caller left before the window closed, and cancels a request nobody waits for', () => {
    const scheduler = newScheduler();
    const { source, requests } = fakeServer(scheduler);
    scheduler.run(({ expectObservable }) => {
      const names = new ParticipantNames(source, { scheduler });
      expectObservable(names.resolve(['alice']), '^--!').toBe('---');
      // In flight 20–25, left at 22: cancelled, and asked again by the next caller.
      expectObservable(after(scheduler, 10, names.resolve(['bob'])), '^---------------------!').toBe('----------------------');
      expectObservable(after(scheduler, 30, names.resolve(['bob']))).toBe('45ms (b|)', { b: byId(['bob', 'Bob']) });
    });
    expect(requests).to.deep.equal([
      { ids: ['bob'], at: 20, end: 22, outcome: 'cancelled' },
      { ids: ['bob'], at: 40, end: 45, outcome: 'answered' },
    ]);
  });

  it('keeps a request going while another caller still waits for it', () => {
    const scheduler = newScheduler();
    const { source, requests } = fakeServer(scheduler);
    scheduler.run(({ expectObservable }) => {
      const names = new ParticipantNames(source, { scheduler });
      expectObservable(names.resolve(['alice']), '^-----------!').toBe('------------');
      expectObservable(after(scheduler, 2, names.resolve(['alice']))).toBe('15ms (a|)', { a: byId(['alice', 'Alice']) });
    });
    expect(requests).to.deep.equal([{ ids: ['alice'], at: 10, end: 15, outcome: 'answered' }]);
  });

  it('prefers a name learned while the request was under way to the answer', () => {
    const scheduler = newScheduler();
    const { source } = fakeServer(scheduler);
    scheduler.run(({ expectObservable }) => {
      const names = new ParticipantNames(source, { scheduler });
      scheduler.schedule(() => names.learn('alice', 'Alice Renamed'), 12);
      expectObservable(names.resolve(['alice', 'bob'])).toBe('15ms (a|)', { a: byId(['alice', 'Alice Renamed'], ['bob', 'Bob']) });
      expectObservable(
        after(
          scheduler,
          20,
          defer(() => of(names.get('alice'))),
        ),
      ).toBe('20ms (n|)', { n: 'Alice Renamed' });
    });
  });
});

describe('ParticipantNames options', () => {
  const source: ParticipantBatchSource = { getBatch: () => of([]) };

  it('takes client.participants (a ParticipantApi) as its source (checked by the typecheck)', () => {
    const fromApi = (api: ParticipantApi): ParticipantNames => new ParticipantNames(api);
    expect(fromApi({ getBatch: () => of([]) } as unknown as ParticipantApi)).to.be.instanceOf(ParticipantNames);
  });

  it('rejects options that are not whole numbers in range', () => {
    expect(() => new ParticipantNames(source, { maxBatchSize: 0 })).to.throw(ArgumentRangeError, 'options.maxBatchSize');
    expect(() => new ParticipantNames(source, { batchWindowMs: -1 })).to.throw(ArgumentRangeError, 'options.batchWindowMs');
    expect(() => new ParticipantNames(source, { maxNames: 1.5 })).to.throw(ArgumentRangeError, 'options.maxNames');
    expect(() => new ParticipantNames(source, { maxConcurrentRequests: Number.POSITIVE_INFINITY })).to.throw(
      ArgumentRangeError,
      'options.maxConcurrentRequests',
    );
    expect(() => new ParticipantNames(source, { maxUnknownIds: '5' as unknown as number })).to.throw(
      InvalidArgumentError,
      'options.maxUnknownIds',
    );
    expect(() => new ParticipantNames(source, { maxNames: Number.POSITIVE_INFINITY, batchWindowMs: 0 })).not.to.throw();
  });

  it('ignores blank and non-string ids and names in learn and resolve', () => {
    const names = new ParticipantNames(source);
    names.learn('', 'Nobody');
    names.learn('alice', null as unknown as string);
    expect(names.get('')).to.equal(undefined);
    expect(names.get('alice')).to.equal(undefined);
    let answer: ReadonlyMap<string, string> | undefined;
    names.resolve(['', '  ', 42 as unknown as string]).subscribe((found) => (answer = found));
    expect(answer).to.deep.equal(new Map());
  });
});

describe('withSenderName', () => {
  const base = localMessage({
    id: 'm1',
    conversationId: 'c1',
    senderId: 'echo-bot',
    senderType: 'Bot',
    createdAt: '2026-01-01T00:00:00Z',
    status: 'confirmed',
  });

  it('fills a missing senderName from the map', () => {
    expect(withSenderName(base, byId(['echo-bot', 'Echo Bot'])).senderName).to.equal('Echo Bot');
  });

  it('returns the same message when it has a name or the sender is not in the map', () => {
    const named = { ...base, senderName: 'Echo' };
    expect(withSenderName(named, byId(['echo-bot', 'Echo Bot']))).to.equal(named);
    expect(withSenderName(base, byId(['alice', 'Alice']))).to.equal(base);
  });
});
