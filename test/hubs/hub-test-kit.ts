/**
 * Shared fixtures of the hub integration specs: the embedded gateway with a fast bot, users and
 * conversations made over REST, hub clients that are always disconnected after each test,
 * recorders of hot streams, waits on connection states, a scheduler that counts the waits still
 * pending, and one whose virtual time is moved by hand.
 */
import {
  asyncScheduler,
  filter,
  firstValueFrom,
  lastValueFrom,
  type Observable,
  type SchedulerAction,
  type SchedulerLike,
  Subscription,
  throwError,
  timeout,
  VirtualAction,
  VirtualTimeScheduler,
} from 'rxjs';
import type { GatewayOptions } from '../../src/gateway/index.js';
import { ChatHubClient } from '../../src/hubs/chat-hub-client.js';
import type { HubClientOptions } from '../../src/hubs/hub-client.js';
import type { HubConnectionStatus } from '../../src/hubs/hub-state.js';
import { NotificationHubClient } from '../../src/hubs/notification-hub-client.js';
import { startTestGateway, uniqueName, type TestGateway } from '../support/test-gateway.js';
import { waitFor } from '../support/wait.js';
import { hubProfileOptions } from '../support/hub-profile.js';

/** The echo bot, fast. */
export const FAST_BOT = { startDelayMs: 5, statusDelayMs: 5, chunkDelayMs: 5 } as const;
/** Reconnect delays small enough for tests. */
export const FAST_RECONNECT: readonly number[] = [50, 100, 200];

/** Starts the gateway for a hub suite (embedded unless `CHAT_GATEWAY_URL` says otherwise). */
export function startHubGateway(options: GatewayOptions = {}): Promise<TestGateway> {
  return startTestGateway({ bot: FAST_BOT, ...options });
}

/** A logged-in dev user. */
export interface TestUser {
  readonly id: string;
  readonly username: string;
  /** The token of the last login. */
  token: string;
}

/** Logs a new, unique dev user in. */
export async function newUser(gw: TestGateway, prefix: string): Promise<TestUser> {
  const username = uniqueName(prefix);
  const response = await gw.login(username);
  return { id: response.user.id, username, token: response.token };
}

/** Logs the user in again (a token of the current generation, e.g. after `expireTokens`). */
export async function relogin(gw: TestGateway, user: TestUser): Promise<string> {
  user.token = (await gw.login(user.username)).token;
  return user.token;
}

/** One REST call; throws on a non-2xx answer. */
export async function rest<T = unknown>(gw: TestGateway, user: TestUser, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${gw.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${user.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

/** A group conversation owned by `owner` with `members`; returns its id. */
export async function createGroup(
  gw: TestGateway,
  owner: TestUser,
  members: readonly TestUser[],
  name = uniqueName('group'),
): Promise<string> {
  const conversation = await rest<{ id: string }>(gw, owner, 'POST', '/api/conversations', {
    type: 'Group',
    name,
    participantIds: members.map((m) => m.id),
  });
  return conversation.id;
}

/** Plain text blocks. */
export function textBlocks(text: string): Array<{ $type: 'text'; format: 'Plain'; content: string; plainText: string }> {
  return [{ $type: 'text', format: 'Plain', content: text, plainText: text }];
}

/** Sends a message over REST; returns its id. */
export async function postMessage(gw: TestGateway, user: TestUser, conversationId: string, text: string): Promise<string> {
  const message = await rest<{ id: string }>(gw, user, 'POST', `/api/conversations/${conversationId}/messages`, {
    blocks: textBlocks(text),
  });
  return message.id;
}

/** The plain texts of the conversation's history (REST), oldest first. */
export async function historyTexts(gw: TestGateway, user: TestUser, conversationId: string): Promise<string[]> {
  const page = await rest<{ items: Array<{ plainTextIndex: string | null }> }>(
    gw,
    user,
    'GET',
    `/api/conversations/${conversationId}/messages?limit=100`,
  );
  return page.items.map((m) => m.plainTextIndex ?? '').reverse();
}

/** The first block's text of a hub message. */
export function textOf(message: { readonly blocks: ReadonlyArray<{ readonly $type: string }> }): string {
  const first = message.blocks[0] as { $type: string; content?: string } | undefined;
  return first?.$type === 'text' ? (first.content ?? '') : '';
}

/**
 * Waits until the client's (replayed) state matches, or fails naming `description` and the
 * state it was left in.
 */
export function waitState(
  client: { readonly state$: Observable<HubConnectionStatus>; readonly status: HubConnectionStatus },
  predicate: (state: HubConnectionStatus) => boolean,
  description: string,
  ms = 5000,
): Promise<HubConnectionStatus> {
  return firstValueFrom(
    client.state$.pipe(
      filter(predicate),
      timeout({
        first: ms,
        with: () =>
          throwError(() => new Error(`timed out after ${ms} ms waiting for ${description}; state: ${JSON.stringify(client.status)}`)),
      }),
    ),
  );
}

/** `connected` (with a connection id other than `not`, when given). */
export function isConnected(not?: string | null): (state: HubConnectionStatus) => boolean {
  return (state) => state.status === 'connected' && (not === undefined || state.connectionId !== not);
}

/** The connection id of a connected client (throws otherwise). */
export function connectionIdOf(client: { readonly status: HubConnectionStatus }): string {
  const state = client.status;
  if (state.status !== 'connected' || state.connectionId === null) throw new Error(`not connected: ${JSON.stringify(state)}`);
  return state.connectionId;
}

/** Resolves when `source` emits a value matching `predicate`, or rejects after `ms`. */
export function next<T>(source: Observable<T>, predicate: (value: T) => boolean, description: string, ms = 5000): Promise<T> {
  return firstValueFrom(
    source.pipe(
      filter(predicate),
      timeout({ first: ms, with: () => throwError(() => new Error(`timed out after ${ms} ms waiting for ${description}`)) }),
    ),
  );
}

/** Resolves with the error `source` fails with; rejects if it completes or times out. */
export async function errorOf(source: Observable<unknown>, ms = 5000): Promise<unknown> {
  try {
    await firstValueFrom(source.pipe(timeout({ first: ms, with: () => throwError(() => new Error(`no error within ${ms} ms`)) })));
  } catch (error) {
    if (error instanceof Error && error.message === `no error within ${ms} ms`) throw error;
    return error;
  }
  throw new Error('expected an error, got a value');
}

/** A short pause, only to prove that something does NOT happen (the one in test/support/wait.ts). */
export { sleep } from '../support/wait.js';

/**
 * The asyncScheduler, counting the scheduled waits that have neither run nor been cancelled:
 * a hub client given this scheduler has left no timer behind when `pending` is 0.
 */
export class TrackingScheduler implements SchedulerLike {
  private readonly open = new Set<object>();

  /** Waits scheduled that have neither run nor been cancelled. */
  get pending(): number {
    return this.open.size;
  }

  now(): number {
    return asyncScheduler.now();
  }

  schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T): Subscription {
    const entry = {};
    this.open.add(entry);
    const open = this.open;
    const subscription = asyncScheduler.schedule<T>(
      function (this: SchedulerAction<T>, value?: T) {
        open.delete(entry);
        work.call(this, value);
      },
      delay,
      state,
    );
    subscription.add(() => open.delete(entry));
    return subscription;
  }
}

/** Hub clients and subscriptions of one test, all torn down by `dispose()`. */
export class HubFixture {
  private readonly clients: Array<{ disconnect(): Observable<void> }> = [];
  private readonly subscriptions = new Subscription();

  constructor(private readonly gw: () => TestGateway) {}

  /** Options for a hub client of `user` (the token read from `user` at each connection attempt). */
  options(user: TestUser, hub: 'chat' | 'notifications', overrides: Partial<HubClientOptions> = {}): HubClientOptions {
    return {
      url: `${this.gw().url}/hubs/${hub}`,
      accessTokenFactory: () => user.token,
      reconnectDelays: FAST_RECONNECT,
      invocationTimeoutMs: 5000,
      // CHAT_TEST_TRANSPORT / CHAT_TEST_PROTOCOL (npm run test:transports); a test's own choice wins.
      ...hubProfileOptions(),
      ...overrides,
    };
  }

  /** A chat hub client (not connected). */
  chat(user: TestUser, overrides: Partial<HubClientOptions> = {}): ChatHubClient {
    const client = new ChatHubClient(this.options(user, 'chat', overrides));
    this.clients.push(client);
    return client;
  }

  /** A notification hub client (not connected). */
  notifications(user: TestUser, overrides: Partial<HubClientOptions> = {}): NotificationHubClient {
    const client = new NotificationHubClient(this.options(user, 'notifications', overrides));
    this.clients.push(client);
    return client;
  }

  /** Subscribes to `source` until the end of the test, collecting what it emits. */
  record<T>(source: Observable<T>): T[] {
    const values: T[] = [];
    this.subscriptions.add(source.subscribe((value) => values.push(value)));
    return values;
  }

  /** Keeps a subscription until the end of the test. */
  keep(subscription: Subscription): void {
    this.subscriptions.add(subscription);
  }

  /** Unsubscribes everything and disconnects every client. */
  async dispose(): Promise<void> {
    this.subscriptions.unsubscribe();
    await Promise.all(this.clients.splice(0).map((client) => lastValueFrom(client.disconnect(), { defaultValue: undefined })));
  }
}

/** Connects (and waits). */
export function connect(client: { connect(): Observable<void> }): Promise<void> {
  return lastValueFrom(client.connect(), { defaultValue: undefined });
}

/** Runs a cold hub call to completion and returns its last value. */
export function run<T>(source: Observable<T>): Promise<T | undefined> {
  return lastValueFrom(source, { defaultValue: undefined });
}

/**
 * A virtual-time scheduler moved by hand: nothing scheduled on it runs until `advanceBy`, while
 * the real I/O (HTTP, WebSockets) goes on in real time. A hub client given this scheduler makes
 * its connection attempts for real but waits (reconnect delays, connect timeouts) only when told.
 */
export class ManualScheduler extends VirtualTimeScheduler {
  constructor() {
    super(VirtualAction, 0);
  }

  /** Runs everything due within the next `ms` (virtual), then sets the clock to exactly that time. */
  advanceBy(ms: number): void {
    const target = this.now() + ms;
    this.maxFrames = target;
    this.flush();
    this.frame = target;
  }
}

/**
 * Resolves with the first state recorded at or after `from` that matches, and the index after it
 * (to look for the next one from there); rejects naming `description` after `ms`.
 */
export async function stateAfter(
  states: readonly HubConnectionStatus[],
  from: number,
  predicate: (state: HubConnectionStatus) => boolean,
  description: string,
  ms = 5000,
): Promise<{ state: HubConnectionStatus; next: number }> {
  const index = await waitFor(
    () => {
      const found = states.findIndex((state, i) => i >= from && predicate(state));
      return found >= 0 ? found + 1 : undefined;
    },
    ms,
    `${description}; states: ${JSON.stringify(states.slice(from).map((s) => s.status))}`,
  );
  return { state: states[index - 1] as HubConnectionStatus, next: index };
}
