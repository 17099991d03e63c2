/**
 * Reference-counted joins in virtual time on the fakes of `chat-client-rx/testing`: when a hold
 * joins and emits, what a later connection does, refusals, joins cut off by a disconnect, the
 * leave after the last holder — and one watch of the hub's status for any number of holds.
 */
import { expect } from 'chai';
import { Observable, type Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { HubError } from '../../src/hubs/hub-error.js';
import type { ChatHubPort } from '../../src/hubs/ports.js';
import { JoinRegistry } from '../../src/streams/join-registry.js';
import { FakeChatServer } from '../../src/testing/index.js';

const newScheduler = (): TestScheduler =>
  new TestScheduler((a, b) => {
    expect(a).to.deep.equal(b);
  });

function setup(scheduler: TestScheduler) {
  const server = new FakeChatServer({ scheduler });
  for (const id of ['alice', 'bob']) server.addParticipant(id);
  server.addConversation('c1', ['alice', 'bob']);
  server.addConversation('c2', ['alice', 'bob']);
  server.addConversation('bobs', ['bob']);
  const chat = server.chatHub('alice', { invocationDelayMs: 10 });
  // The hub with its status counted: how many subscribe to it now.
  let watchers = 0;
  const watched: ChatHubPort = Object.create(chat, {
    state$: {
      value: new Observable((subscriber) => {
        watchers += 1;
        const inner = chat.state$.subscribe(subscriber);
        return () => {
          watchers -= 1;
          inner.unsubscribe();
        };
      }),
    },
  });
  const joins = (): string[] => chat.invocations.filter((i) => i.method !== 'StartTyping').map((i) => `${i.method} ${String(i.args[0])}`);
  return { server, chat, watched, joins, watchers: () => watchers };
}

/** The kit of one test in virtual time: a registry over the hub with its status counted (`connected`: connect first). */
function inVirtualTime(
  connected: boolean,
  body: (kit: ReturnType<typeof setup> & { scheduler: TestScheduler; registry: JoinRegistry }) => void,
): void {
  const scheduler = newScheduler();
  scheduler.run(() => {
    const kit = setup(scheduler);
    if (connected) kit.chat.connect().subscribe();
    body({ ...kit, scheduler, registry: new JoinRegistry(kit.watched) });
  });
}

describe('JoinRegistry (virtual time, testing kit)', () => {
  it('a hold waits for the connection, joins once, and emits when the server answered', () => {
    inVirtualTime(false, ({ scheduler, chat, joins, registry }) => {
      const emitted: number[] = [];
      registry.hold('c1').subscribe(() => emitted.push(scheduler.now()));
      scheduler.schedule(() => {
        expect(joins()).to.deep.equal([]);
        chat.connect().subscribe();
      }, 100);
      scheduler.schedule(() => {
        expect(joins()).to.deep.equal(['JoinConversation c1']);
        expect(emitted).to.have.length(1);
        expect(chat.joinedConversations.has('c1')).to.equal(true);
      }, 500);
    });
  });

  it('holders of one conversation share one join; the last one to go leaves it, once', () => {
    inVirtualTime(true, ({ scheduler, joins, registry }) => {
      let first: Subscription | undefined;
      let second: Subscription | undefined;
      const seen: string[] = [];
      scheduler.schedule(() => {
        first = registry.hold('c1').subscribe(() => seen.push('first'));
        second = registry.hold('c1').subscribe(() => seen.push('second'));
        expect(registry.holderCount('c1')).to.equal(2);
      }, 50);
      scheduler.schedule(() => {
        // The second shared the first one's join under way: one join, both told.
        expect(joins()).to.deep.equal(['JoinConversation c1']);
        expect(seen).to.have.members(['first', 'second']);
        first?.unsubscribe();
        expect(registry.holderCount('c1')).to.equal(1);
      }, 200);
      scheduler.schedule(() => {
        expect(joins()).to.deep.equal(['JoinConversation c1']);
        second?.unsubscribe();
        expect(registry.holderCount('c1')).to.equal(0);
      }, 300);
      scheduler.schedule(() => expect(joins()).to.deep.equal(['JoinConversation c1', 'LeaveConversation c1']), 400);
    });
  });

  it('watches the hub status once for any number of holds, and not at all once they went', () => {
    inVirtualTime(false, ({ scheduler, chat, joins, watchers, registry }) => {
      const holds = [...Array(50).keys()].map((i) => registry.hold(i % 2 === 0 ? 'c1' : 'c2').subscribe());
      expect(watchers()).to.equal(1);
      chat.connect().subscribe();
      scheduler.schedule(() => {
        expect(joins()).to.have.members(['JoinConversation c1', 'JoinConversation c2']);
        for (const hold of holds) hold.unsubscribe();
        expect(watchers()).to.equal(0);
        registry.hold('c1').subscribe();
        expect(watchers()).to.equal(1);
      }, 300);
    });
  });

  it('a later connection that lost the join joins again and emits; one that kept it emits nothing', () => {
    inVirtualTime(true, ({ scheduler, chat, joins, registry }) => {
      const emitted: number[] = [];
      registry.hold('c1').subscribe(() => emitted.push(scheduler.now()));
      scheduler.schedule(() => {
        expect(emitted).to.have.length(1);
        chat.disconnect().subscribe(); // the hub client forgets its joins
      }, 200);
      scheduler.schedule(() => chat.connect().subscribe(), 300);
      scheduler.schedule(() => {
        expect(joins().filter((j) => j === 'JoinConversation c1')).to.have.length(2);
        expect(emitted).to.have.length(2);
        chat.dropConnection(); // a reconnect: the hub client re-joins by itself
        chat.reconnect();
      }, 600);
      scheduler.schedule(() => {
        expect(chat.status.status).to.equal('connected');
        expect(emitted).to.have.length(2);
      }, 5_000);
    });
  });

  it('a refused join errors that hold only; the registry forgets it', () => {
    inVirtualTime(true, ({ scheduler, watchers, registry }) => {
      let refused: unknown;
      const fine: number[] = [];
      scheduler.schedule(() => {
        registry.hold('bobs').subscribe({ error: (error: unknown) => (refused = error) });
        registry.hold('c1').subscribe(() => fine.push(scheduler.now()));
      }, 50);
      scheduler.schedule(() => {
        expect(HubError.is(refused)).to.equal(true);
        expect(String((refused as Error).message)).to.match(/not a participant/);
        expect(registry.holderCount('bobs')).to.equal(0);
        expect(fine).to.have.length(1);
        expect(watchers()).to.equal(1);
      }, 300);
    });
  });

  it('a join the connection cut off is sent again on the next connection', () => {
    inVirtualTime(true, ({ scheduler, chat, joins, registry }) => {
      const emitted: number[] = [];
      let failed: unknown;
      scheduler.schedule(() => {
        registry.hold('c1').subscribe({ next: () => emitted.push(scheduler.now()), error: (error: unknown) => (failed = error) });
        chat.disconnect().subscribe(); // the join is under way (10 ms): cut off
      }, 50);
      scheduler.schedule(() => {
        expect(emitted).to.deep.equal([]);
        chat.connect().subscribe();
      }, 100);
      scheduler.schedule(() => {
        expect(failed).to.equal(undefined);
        expect(emitted).to.have.length(1);
        expect(chat.joinedConversations.has('c1')).to.equal(true);
        // The one cut off, then the one the next connection sent.
        expect(joins().filter((j) => j === 'JoinConversation c1')).to.have.length(2);
      }, 400);
    });
  });

  it('a holder that goes while its join is under way still has it left (the server ran it)', () => {
    inVirtualTime(true, ({ scheduler, joins, registry }) => {
      scheduler.schedule(() => {
        const hold = registry.hold('c1').subscribe();
        scheduler.schedule(() => hold.unsubscribe(), 2);
      }, 50);
      scheduler.schedule(() => expect(joins()).to.deep.equal(['JoinConversation c1', 'LeaveConversation c1']), 300);
    });
  });
});
