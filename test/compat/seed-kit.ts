/**
 * Shared setup of the seed-README suites (`test/compat/NN-*.spec.ts`): each spec file runs the
 * code examples of one section of the seed SDK's README (`@manonero/chat-client-sdk`) against
 * `chat-client-rx/compat`, on one embedded gateway per file.
 *
 * Fixtures (users, conversations, messages the examples act on) are made over plain HTTP, not
 * through the compat API, so a fixture never hides or causes a failure of the example under test.
 * The examples' own `console.log` lines stay as the seed wrote them: {@link captureConsole}
 * records them so the tests can assert what an example prints.
 */
import { filter, firstValueFrom, type Observable, skipWhile, type Subscription, take } from 'rxjs';
import { createChatClient, type ChatClient as RxChatClient } from '../../src/client.js';
import { ChatClient, type ChatClientOptions, type ReconnectableHub } from '../../src/compat/index.js';
import type { HubConnectionStatus } from '../../src/hubs/index.js';
import type { GatewayOptions } from '../../src/gateway/index.js';
import { startTestGateway, type TestGateway, uniqueName } from '../support/test-gateway.js';
import { waitFor } from '../support/wait.js';

export { uniqueName, waitFor };

/** The Google ID token the gateways of these suites accept (the seed's `googleIdToken` placeholder), and who it logs in. */
export const GOOGLE_ID_TOKEN = 'google-id-token-of-alice';
export const GOOGLE_USER = { id: 'google-alice', fullName: 'Alice Nguyen', uniqueName: 'alice' } as const;
/** The DS Account token the gateways of these suites accept (the seed's `dsToken` placeholder), and who it logs in. */
export const DS_ACCOUNT_TOKEN = 'ds-account-token-of-bao';
export const DS_ACCOUNT_USER = { id: 'ds-bao', fullName: 'Bao Tran', uniqueName: 'bao' } as const;

/** A login as the embedded gateway answers it. */
export interface Login {
  readonly token: string;
  readonly expiresAt: string;
  readonly user: { readonly id: string; readonly uniqueName: string; readonly fullName: string };
}

/** What one spec file shares: its gateway, the clients its tests made, raw-HTTP fixtures. */
export class SeedKit {
  private gateway: TestGateway | undefined;
  private readonly clients: ChatClient[] = [];
  private readonly cleanups: Array<() => unknown> = [];

  /** The gateway of this spec file (started in `before`). */
  get gw(): TestGateway {
    if (!this.gateway) throw new Error('SeedKit: the gateway is not started (seedSuite() registers the hook)');
    return this.gateway;
  }

  /** The gateway's base URL: what the seed writes as `'https://chat-api.example.com'`. */
  get url(): string {
    return this.gw.url;
  }

  async start(options: GatewayOptions = {}): Promise<void> {
    this.gateway = await startTestGateway({
      googleTokens: { [GOOGLE_ID_TOKEN]: GOOGLE_USER },
      dsAccountTokens: { [DS_ACCOUNT_TOKEN]: DS_ACCOUNT_USER },
      ...options,
    });
  }

  /** Remembers a client so the test's teardown disconnects it. */
  track<C extends ChatClient>(client: C): C {
    this.clients.push(client);
    return client;
  }

  /** Runs `fn` at the end of the current test (before clients disconnect). */
  defer(fn: () => unknown): void {
    this.cleanups.push(fn);
  }

  /** A compat client on this gateway, tracked. */
  client(options: Omit<ChatClientOptions, 'baseUrl'> = {}): ChatClient {
    return this.track(new ChatClient({ baseUrl: this.url, ...options }));
  }

  /** A compat client logged in (dev provider) as `username`, tracked. */
  async user(username: string, options: Omit<ChatClientOptions, 'baseUrl'> = {}): Promise<ChatClient> {
    const client = this.client(options);
    await client.auth.loginWithDev(username, 'pw');
    return client;
  }

  /** A dev login over plain HTTP (creates the participant on first login, id = username). */
  login(username: string): Promise<Login> {
    return this.gw.login(username);
  }

  /** A plain HTTP call to the gateway for fixtures: JSON in, JSON (or nothing) out; throws on a status >= 400. */
  async http<T = unknown>(token: string | null, method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        ...(token !== null ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`fixture ${method} ${path} answered ${response.status}: ${text}`);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  /** A conversation made over plain HTTP by the owner of `token`. */
  conversation(
    token: string,
    request: { type: 'Group' | 'OneToOne' | 'Self'; participantIds: string[]; name?: string },
  ): Promise<{ id: string; participants: Array<{ participantId: string }> }> {
    return this.http(token, 'POST', '/api/conversations', request);
  }

  /** A text message sent over plain HTTP by the owner of `token`; its id. */
  async send(token: string, conversationId: string, text: string): Promise<{ id: string }> {
    return this.http(token, 'POST', `/api/conversations/${encodeURIComponent(conversationId)}/messages`, {
      blocks: [{ $type: 'text', format: 'Plain', content: text, plainText: text }],
    });
  }

  /** Teardown of one test: deferred work, then every client disconnected. */
  async afterEach(): Promise<void> {
    for (const fn of this.cleanups.splice(0).reverse()) await fn();
    await Promise.all(this.clients.splice(0).map((c) => c.disconnect().catch(() => undefined)));
  }

  async close(): Promise<void> {
    await this.afterEach();
    await this.gateway?.close();
  }
}

/** Registers the hooks of a seed suite (one gateway per spec file) and returns its kit. */
export function seedSuite(options: GatewayOptions | (() => GatewayOptions | Promise<GatewayOptions>) = {}): SeedKit {
  const kit = new SeedKit();
  before(async () => kit.start(typeof options === 'function' ? await options() : options));
  afterEach(async () => kit.afterEach());
  after(async () => kit.close());
  return kit;
}

/** One line an example printed: the console method and its arguments. */
export interface Printed {
  readonly level: 'log' | 'error' | 'warn' | 'info' | 'debug';
  readonly args: readonly unknown[];
}

/**
 * Records what the examples print with `console.log` / `error` / `warn` / `info` / `debug`
 * instead of printing it, from `beforeEach` to `afterEach`. `printed` is the record of the
 * current test; `lines(level)` the arguments of each line at that level.
 */
export function captureConsole(): { readonly printed: Printed[]; lines(level?: Printed['level']): Array<readonly unknown[]> } {
  const printed: Printed[] = [];
  const levels = ['log', 'error', 'warn', 'info', 'debug'] as const;
  const originals = new Map<Printed['level'], (...args: unknown[]) => void>();
  beforeEach(() => {
    printed.length = 0;
    for (const level of levels) {
      originals.set(level, console[level]);
      console[level] = (...args: unknown[]) => {
        printed.push({ level, args });
      };
    }
  });
  afterEach(() => {
    for (const level of levels) console[level] = originals.get(level) as (...args: unknown[]) => void;
  });
  return {
    printed,
    lines: (level = 'log') => printed.filter((p) => p.level === level).map((p) => p.args),
  };
}

/** Records the calls of a function the seed leaves to the application (`updateBadge`, `appendMessageToUI`, …). */
export function appFunction<A extends unknown[]>(): ((...args: A) => void) & { readonly calls: A[] } {
  const calls: A[] = [];
  const fn = (...args: A): void => {
    calls.push(args);
  };
  return Object.assign(fn, { calls });
}

/** An ISO 8601 date-time with an offset, as the gateway writes them. */
export const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
/** A cursor: `"<UnixMs>_<ULID>"`. */
export const CURSOR = /^\d+_[0-9A-HJKMNP-TV-Z]{26}$/;
/** A .NET TimeSpan string, `"00:00:00.0123456"`. */
export const TIME_SPAN = /^(\d+\.)?\d{2}:\d{2}:\d{2}(\.\d{1,7})?$/;

/**
 * Asserts that `value` has the fields a seed interface lists: every required one, and none
 * that the interface does not list (`optional` are the `?:` fields).
 */
export function expectSeedFields(value: unknown, required: readonly string[], optional: readonly string[] = [], what = 'value'): void {
  if (typeof value !== 'object' || value === null) throw new Error(`${what}: expected an object, got ${JSON.stringify(value)}`);
  const keys = Object.keys(value);
  const missing = required.filter((k) => !keys.includes(k));
  const unknown = keys.filter((k) => !required.includes(k) && !optional.includes(k));
  if (missing.length > 0 || unknown.length > 0)
    throw new Error(`${what}: fields missing ${JSON.stringify(missing)}, not in the seed's interface ${JSON.stringify(unknown)}`);
}

/**
 * Another user who watches what the examples do, on the project's own reactive client (not the
 * compat API under test): it records every payload of the hub events it is asked to watch.
 */
export class Witness {
  private readonly subscriptions: Subscription[] = [];
  private readonly seen = new Map<string, unknown[]>();

  private constructor(
    readonly client: RxChatClient,
    readonly id: string,
    readonly token: string,
  ) {}

  /** Logs `username` in (dev) with both hubs connected. */
  static async create(kit: SeedKit, username: string): Promise<Witness> {
    const client = createChatClient({ baseUrl: kit.url, hubs: { reconnectDelays: [50, 100, 200], maxReconnectAttempts: 100 } });
    const auth = await firstValueFrom(client.auth.loginWithDev(username, 'pw'));
    await firstValueFrom(client.connect(), { defaultValue: undefined });
    return new Witness(client, auth.user.id, auth.token);
  }

  /** The payloads of `event` on the `hub` so far (recording starts at the first call). */
  events<T = Record<string, unknown>>(hub: 'chat' | 'notifications', event: string): T[] {
    const key = `${hub}:${event}`;
    let values = this.seen.get(key);
    if (!values) {
      const list: unknown[] = [];
      values = list;
      this.seen.set(key, list);
      const on = this.client.realtime[hub].on as unknown as (name: string) => Observable<unknown>;
      this.subscriptions.push(on.call(this.client.realtime[hub], event).subscribe((v) => list.push(v)));
    }
    return values as T[];
  }

  /** Joins a conversation on the chat hub. */
  async join(conversationId: string): Promise<void> {
    await firstValueFrom(this.client.realtime.chat.joinConversation(conversationId), { defaultValue: undefined });
  }

  async close(): Promise<void> {
    for (const s of this.subscriptions.splice(0)) s.unsubscribe();
    await this.client.disconnect();
  }
}

/** What happened to one compat hub from the moment {@link watchHub} was called. */
export interface WatchedHub {
  /** Its reactive statuses in order (a status repeated in a row kept once), from the one it had when watched. */
  readonly statuses: string[];
  /** The errors of its `disconnected` events (the seed's event: the connection ended for good). */
  readonly disconnects: Array<Error | undefined>;
  /** Resolves at its first `disconnected` event. */
  readonly disconnected: Promise<Error | undefined>;
  /** Resolves when it is connected again after having lost its connection. */
  readonly reconnected: Promise<void>;
}

/**
 * Starts recording what `hub` goes through — call it before any fault, so that nothing is missed —
 * for tests that must wait on events certain to happen (a `disconnected` event, a connection
 * back after a loss), never on a transient state being seen when polled. The recording ends with
 * the current test.
 */
export function watchHub(
  kit: SeedKit,
  hub: ReconnectableHub & { readonly rx: { readonly state$: Observable<HubConnectionStatus> } },
): WatchedHub {
  const statuses: string[] = [];
  const disconnects: Array<Error | undefined> = [];
  const recording = hub.rx.state$.subscribe(({ status }) => {
    if (statuses.at(-1) !== status) statuses.push(status);
  });
  kit.defer(() => recording.unsubscribe());
  const disconnected = new Promise<Error | undefined>((resolve) => {
    kit.defer(
      hub.on('disconnected', (error) => {
        disconnects.push(error);
        resolve(error);
      }),
    );
  });
  const reconnected = new Promise<void>((resolve) => {
    const back = hub.rx.state$
      .pipe(
        skipWhile((s) => s.status === 'connected'),
        filter((s) => s.status === 'connected'),
        take(1),
      )
      .subscribe(() => resolve());
    kit.defer(() => back.unsubscribe());
  });
  return { statuses, disconnects, disconnected, reconnected };
}
