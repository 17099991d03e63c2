/**
 * The compat ReconnectionManager in virtual time: the seed's 3 attempts 2 s → 5 s → 10 s apart,
 * the token refresh on a refused token, start/stop. The hubs are stubs whose `connect()` the test
 * decides; the waits run on a TestScheduler (the manager's `scheduler` option).
 */
import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import { HubError, InvalidArgumentError, ReconnectionManager } from '../../src/compat/index.js';
import type { ReconnectableHub, Unsubscribe } from '../../src/compat/index.js';

/** A hub whose `disconnected` the test raises and whose `connect()` answers from a script. */
class StubHub implements ReconnectableHub {
  /** When (virtual ms) each connect() was called. */
  readonly attempts: number[] = [];
  /** What connect() does, one entry per call (then the last one again). */
  outcomes: Array<'ok' | Error> = [new Error('still down')];
  private readonly handlers = new Set<(error: Error | undefined) => void>();

  constructor(private readonly clock: TestScheduler) {}

  get listeners(): number {
    return this.handlers.size;
  }

  on(_event: 'disconnected', handler: (error: Error | undefined) => void): Unsubscribe {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  connect(): Promise<void> {
    this.attempts.push(this.clock.now());
    const outcome = this.outcomes[Math.min(this.attempts.length - 1, this.outcomes.length - 1)];
    return outcome === 'ok' ? Promise.resolve() : Promise.reject(outcome);
  }

  /** The hub's own reconnecting gave up (or, with undefined, disconnect() was asked). */
  drop(error: Error | undefined): void {
    for (const handler of [...this.handlers]) handler(error);
  }
}

const refused = (): HubError => new HubError('auth', 'chat hub: the server refused the token (HTTP 401)', { hub: 'chat', status: 401 });
const lost = (): HubError => new HubError('connection', 'chat hub: could not connect after 20 attempt(s)', { hub: 'chat' });

describe('compat ReconnectionManager (virtual time)', () => {
  let clock: TestScheduler;

  beforeEach(() => {
    clock = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
    clock.maxFrames = Number.POSITIVE_INFINITY;
  });

  /** Runs every due wait and lets the connect() Promises settle, until nothing is left. */
  async function settle(): Promise<void> {
    for (let i = 0; i < 20; i++) {
      clock.flush();
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  it("makes the seed's 3 attempts, 2 s, 5 s and 10 s apart, then stops", async () => {
    const hub = new StubHub(clock);
    const manager = new ReconnectionManager({ chatHub: hub, scheduler: clock });
    manager.start();
    hub.drop(lost());
    await settle();
    expect(hub.attempts).to.deep.equal([2000, 7000, 17000]);
  });

  it('stops at the first attempt that connects', async () => {
    const hub = new StubHub(clock);
    hub.outcomes = [new Error('down'), 'ok'];
    new ReconnectionManager({ chatHub: hub, scheduler: clock }).start();
    hub.drop(lost());
    await settle();
    expect(hub.attempts).to.deep.equal([2000, 7000]);
  });

  it('a later loss starts the attempts over', async () => {
    const hub = new StubHub(clock);
    hub.outcomes = ['ok'];
    new ReconnectionManager({ chatHub: hub, scheduler: clock }).start();
    hub.drop(lost());
    await settle();
    hub.drop(lost());
    await settle();
    expect(hub.attempts).to.deep.equal([2000, 4000]);
  });

  it('leaves a disconnect() that was asked for alone (disconnected without an error)', async () => {
    const hub = new StubHub(clock);
    new ReconnectionManager({ chatHub: hub, scheduler: clock }).start();
    hub.drop(undefined);
    await settle();
    expect(hub.attempts).to.deep.equal([]);
  });

  it('a refused token: onTokenExpired at once, then the attempt at once with the new token', async () => {
    const hub = new StubHub(clock);
    hub.outcomes = ['ok'];
    const asked: number[] = [];
    new ReconnectionManager({
      chatHub: hub,
      scheduler: clock,
      onTokenExpired: async () => {
        asked.push(clock.now());
        return 'new-token';
      },
    }).start();
    hub.drop(refused());
    await settle();
    expect(asked).to.deep.equal([0]);
    expect(hub.attempts).to.deep.equal([0]);
  });

  it('onTokenExpired answering null stops reconnecting', async () => {
    const hub = new StubHub(clock);
    new ReconnectionManager({ chatHub: hub, scheduler: clock, onTokenExpired: async () => null }).start();
    hub.drop(refused());
    await settle();
    expect(hub.attempts).to.deep.equal([]);
  });

  it('without onTokenExpired a refused token stops reconnecting (the same token would be refused again)', async () => {
    const hub = new StubHub(clock);
    new ReconnectionManager({ chatHub: hub, scheduler: clock }).start();
    hub.drop(refused());
    await settle();
    expect(hub.attempts).to.deep.equal([]);
  });

  it('decides "token refused" by the HTTP status, never by a message that mentions 401', async () => {
    const hub = new StubHub(clock);
    let asked = 0;
    new ReconnectionManager({
      chatHub: hub,
      scheduler: clock,
      onTokenExpired: async () => {
        asked++;
        return 'token';
      },
    }).start();
    hub.drop(new Error('Server returned an error on close: Quota of 401 messages reached (unauthorized burst)'));
    await settle();
    expect(asked).to.equal(0);
    expect(hub.attempts).to.deep.equal([2000, 7000, 17000]);
  });

  it('both hubs refused together share one onTokenExpired call', async () => {
    const chatHub = new StubHub(clock);
    const notificationHub = new StubHub(clock);
    chatHub.outcomes = ['ok'];
    notificationHub.outcomes = ['ok'];
    let asked = 0;
    new ReconnectionManager({
      chatHub,
      notificationHub,
      scheduler: clock,
      onTokenExpired: async () => {
        asked++;
        return 'token';
      },
    }).start();
    chatHub.drop(refused());
    notificationHub.drop(refused());
    await settle();
    expect(asked).to.equal(1);
    expect([chatHub.attempts, notificationHub.attempts]).to.deep.equal([[0], [0]]);
  });

  it('a refreshed token refused again: the next refresh after the normal wait', async () => {
    const hub = new StubHub(clock);
    hub.outcomes = [refused(), 'ok'];
    const asked: number[] = [];
    new ReconnectionManager({
      chatHub: hub,
      scheduler: clock,
      onTokenExpired: async () => {
        asked.push(clock.now());
        return `token-${asked.length}`;
      },
    }).start();
    hub.drop(refused());
    await settle();
    expect(asked).to.deep.equal([0, 5000]);
    expect(hub.attempts).to.deep.equal([0, 5000]);
  });

  it('start() is idempotent; stop() removes its handlers and cancels the attempts to come', async () => {
    const hub = new StubHub(clock);
    const manager = new ReconnectionManager({ chatHub: hub, scheduler: clock });
    manager.start();
    manager.start();
    expect(hub.listeners).to.equal(1);
    hub.drop(lost());
    clock.flush(); // attempt 1 at 2 s
    await new Promise((resolve) => setImmediate(resolve));
    manager.stop();
    await settle();
    expect(hub.attempts).to.deep.equal([2000]);
    expect(hub.listeners).to.equal(0);
    expect(manager.started).to.equal(false);
  });

  it('a second loss while a recovery is under way starts no second one', async () => {
    const hub = new StubHub(clock);
    new ReconnectionManager({ chatHub: hub, scheduler: clock }).start();
    hub.drop(lost());
    hub.drop(lost());
    await settle();
    expect(hub.attempts).to.deep.equal([2000, 7000, 17000]);
  });

  it('takes other delays (their number is the number of attempts) and refuses unusable ones', async () => {
    const hub = new StubHub(clock);
    new ReconnectionManager({ chatHub: hub, scheduler: clock, delays: [100, 100] }).start();
    hub.drop(lost());
    await settle();
    expect(hub.attempts).to.deep.equal([100, 200]);
    expect(() => new ReconnectionManager({ delays: [] })).to.throw(InvalidArgumentError);
    expect(() => new ReconnectionManager({ delays: [-1] })).to.throw(InvalidArgumentError);
    expect(() => new ReconnectionManager({ onTokenExpired: 'x' as never })).to.throw(InvalidArgumentError);
  });
});
