/**
 * The routing tables behind timelines (`KeyedRouter`): one subscription to a hot source for any
 * number of listeners, each value to the listeners of its key only, listeners removed during a
 * dispatch skipped — and, through a test client, timelines that get their own conversation's
 * events and nothing else, however many are open.
 */
import { expect } from 'chai';
import { map, Observable, Subject, share, type Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { KeyedRouter, route, sharedRouter } from '../../src/streams/timeline-router.js';
import { createTestChatClient } from '../../src/testing/create-test-chat-client.js';
import { FakeChatServer } from '../../src/testing/fake-chat-server.js';

interface Keyed {
  readonly key: string;
  readonly n: number;
}

type Next = (value: Keyed) => void;

/** A router of one source by `key`, its listeners plain functions. */
const byKey = (source$: Observable<Keyed>): KeyedRouter<Next> =>
  new KeyedRouter<Next>([
    route(
      source$,
      (v: Keyed) => v.key,
      (next: Next, v) => next(v),
    ),
  ]);

/** A hot source that counts its subscriptions. */
function counted(): { source$: Observable<Keyed>; subject: Subject<Keyed>; subscriptions: () => number } {
  const subject = new Subject<Keyed>();
  let subscriptions = 0;
  const source$ = new Observable<Keyed>((subscriber) => {
    subscriptions += 1;
    return subject.subscribe(subscriber);
  });
  return { source$, subject, subscriptions: () => subscriptions };
}

describe('KeyedRouter', () => {
  it('subscribes to its source once for any number of listeners, and routes each value to its key only', () => {
    const { source$, subject, subscriptions } = counted();
    const router = byKey(source$);
    const seen: string[] = [];
    const removers = Array.from({ length: 100 }, (_, i) => router.add(`k${i}`, (v) => seen.push(`k${i}:${v.n}`)));
    removers.push(router.add('k7', (v) => seen.push(`second k7:${v.n}`)));
    expect(subscriptions()).to.equal(1);
    subject.next({ key: 'k7', n: 1 });
    subject.next({ key: 'nobody', n: 2 });
    subject.next({ key: 'k99', n: 3 });
    expect(seen).to.deep.equal(['k7:1', 'second k7:1', 'k99:3']);
    for (const remove of removers) remove();
    expect(subject.observed).to.equal(false);
  });

  it('unsubscribes when the last listener goes and subscribes again for the next', () => {
    const { source$, subject, subscriptions } = counted();
    const router = byKey(source$);
    const remove = router.add('a', () => undefined);
    remove();
    remove(); // idempotent
    expect(subject.observed).to.equal(false);
    const seen: number[] = [];
    const again = router.add('a', (v) => seen.push(v.n));
    subject.next({ key: 'a', n: 5 });
    expect([subscriptions(), seen]).to.deep.equal([2, [5]]);
    again();
  });

  it('skips a listener removed by another during the same dispatch, and calls one added during it from the next value on', () => {
    const { source$, subject } = counted();
    const router = byKey(source$);
    const seen: string[] = [];
    let removeSecond: () => void = () => undefined;
    const removeFirst = router.add('a', (v) => {
      seen.push(`first ${v.n}`);
      removeSecond();
      if (v.n === 1) router.add('a', (w) => seen.push(`late ${w.n}`));
    });
    removeSecond = router.add('a', (v) => seen.push(`second ${v.n}`));
    subject.next({ key: 'a', n: 1 });
    subject.next({ key: 'a', n: 2 });
    expect(seen).to.deep.equal(['first 1', 'first 2', 'late 2']);
    removeFirst();
  });

  it('hands a source’s error to every listener, and subscribes again for the next one', () => {
    let subscriptions = 0;
    let source = new Subject<Keyed>();
    const source$ = new Observable<Keyed>((subscriber) => {
      subscriptions += 1;
      return source.subscribe(subscriber);
    });
    const failures: string[] = [];
    const router = new KeyedRouter<string>(
      [
        route(
          source$,
          (v: Keyed) => v.key,
          () => undefined,
        ),
      ],
      (name, error) => failures.push(`${name}: ${String(error)}`),
    );
    router.add('a', 'first');
    router.add('b', 'second');
    source.error('boom');
    expect(failures).to.deep.equal(['first: boom', 'second: boom']);
    source = new Subject<Keyed>();
    router.add('c', 'third');
    expect(subscriptions).to.equal(2);
  });

  it('delivers what a source emits while being subscribed to the listener being added', () => {
    const source$ = new Observable<Keyed>((subscriber) => subscriber.next({ key: 'a', n: 1 }));
    const seen: number[] = [];
    byKey(source$).add('a', (v) => seen.push(v.n))();
    expect(seen).to.deep.equal([1]);
  });

  it('routes several sources to one listener object, each with its own key and delivery', () => {
    const letters = new Subject<{ readonly to: string; readonly letter: string }>();
    const numbers = new Subject<Keyed>();
    const router = new KeyedRouter<{ readonly letters: string[]; readonly sum: number[] }>([
      route(
        letters,
        (v: { readonly to: string }) => v.to,
        (t: { readonly letters: string[] }, v: { readonly letter: string }) => t.letters.push(v.letter),
      ),
      route(
        numbers,
        (v: Keyed) => v.key,
        (t: { readonly sum: number[] }, v: Keyed) => t.sum.push(v.n),
      ),
    ]);
    const a = { letters: [] as string[], sum: [] as number[] };
    const remove = router.add('a', a);
    letters.next({ to: 'a', letter: 'x' });
    numbers.next({ key: 'a', n: 2 });
    numbers.next({ key: 'b', n: 3 });
    expect(a).to.deep.equal({ letters: ['x'], sum: [2] });
    remove();
    expect([letters.observed, numbers.observed]).to.deep.equal([false, false]);
  });

  it('sharedRouter gives one router per set of owners', () => {
    const one = new Subject<Keyed>().pipe(share());
    const two = new Subject<Keyed>().pipe(share());
    const make = (): KeyedRouter<Next> => byKey(one);
    expect(sharedRouter([one, two], make)).to.equal(sharedRouter([one, two], make));
    expect(sharedRouter([one], make)).to.not.equal(sharedRouter([one, two], make));
    expect(sharedRouter([two, one], make)).to.not.equal(sharedRouter([one, two], make));
    expect(sharedRouter([one, two.pipe(map((v) => v))], make)).to.not.equal(sharedRouter([one, two], make));
  });
});

describe('timelines routed by conversation (test client)', () => {
  const newScheduler = (): TestScheduler =>
    new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });

  it('each of 100 open timelines gets its own conversation’s messages, synchronously, and no other', () => {
    const scheduler = newScheduler();
    scheduler.run(({ flush }) => {
      const server = new FakeChatServer({ scheduler });
      server.addParticipant('alice', 'Alice');
      server.addParticipant('bob', 'Bob');
      const ids = Array.from({ length: 100 }, (_, i) => `c${String(i).padStart(3, '0')}`);
      for (const id of ids) server.addConversation(id, ['alice', 'bob']);
      const { client } = createTestChatClient({ server, user: 'alice' });
      client.connect().subscribe();
      const emissions = new Map<string, Array<readonly string[]>>(ids.map((id) => [id, []]));
      const subscriptions: Subscription[] = ids.map((id) =>
        client.timeline(id).messages$.subscribe((list) => emissions.get(id)?.push(list.map((m) => m.plainText ?? ''))),
      );
      const twin: Array<readonly string[]> = [];
      subscriptions.push(client.timeline('c042').messages$.subscribe((list) => twin.push(list.map((m) => m.plainText ?? ''))));
      for (const list of emissions.values()) list.length = 0;
      twin.length = 0;

      server.post('c042', 'bob', 'to 42');
      // Synchronous: the post's broadcast is in the timelines of c042 when post() returns.
      expect(emissions.get('c042')).to.deep.equal([['to 42']]);
      expect(twin).to.deep.equal([['to 42']]);
      server.post('c007', 'bob', 'to 7');
      expect(emissions.get('c007')).to.deep.equal([['to 7']]);
      expect([...emissions].filter(([, list]) => list.length > 0).map(([id]) => id)).to.deep.equal(['c007', 'c042']);

      // One of c042's timelines goes: the other still gets its messages; a timeline opened again starts over.
      (subscriptions.pop() as Subscription).unsubscribe();
      // A second change in the same turn (virtual time: the same frame) comes at the turn's end.
      server.post('c042', 'bob', 'again');
      expect(emissions.get('c042')?.at(-1)).to.deep.equal(['to 42']);
      flush();
      expect(emissions.get('c042')?.at(-1)).to.deep.equal(['to 42', 'again']);
      for (const subscription of subscriptions) subscription.unsubscribe();
      const reopened: Array<readonly string[]> = [];
      const last = client.timeline('c007').messages$.subscribe((list) => reopened.push(list.map((m) => m.plainText ?? '')));
      server.post('c007', 'bob', 'later');
      expect(reopened.at(-1)).to.deep.equal(['to 7', 'later']);
      last.unsubscribe();
    });
  });

  it('sends typing from the first notifyTyping() of a run on', () => {
    const scheduler = newScheduler();
    scheduler.run(({ flush }) => {
      const server = new FakeChatServer({ scheduler });
      server.addParticipant('alice', 'Alice');
      server.addParticipant('bob', 'Bob');
      server.addConversation('general', ['alice', 'bob']);
      const { client } = createTestChatClient({ server, user: 'alice' });
      const bob = createTestChatClient({ server, user: 'bob' });
      client.connect().subscribe();
      bob.client.connect().subscribe();
      const typing: string[] = [];
      bob.chat.on('typingStarted').subscribe((t) => typing.push(t.participantId));
      const bobTimeline = bob.client.timeline('general').messages$.subscribe();
      const timeline = client.timeline('general');
      const subscription = timeline.messages$.subscribe();
      flush();
      timeline.notifyTyping();
      flush();
      expect(typing).to.deep.equal(['alice']);
      subscription.unsubscribe();
      bobTimeline.unsubscribe();
    });
  });
});
