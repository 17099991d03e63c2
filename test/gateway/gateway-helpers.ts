/**
 * Shared helpers of the embedded gateway's integration specs: plain HTTP calls, RFC 7807
 * assertions, JWT decoding, small fixtures (users, conversations, messages) and a recorder
 * around the official `@microsoft/signalr` client that decodes every event it receives.
 *
 * Everything talks to the gateway over the wire (HTTP, WebSocket), so the specs also run
 * against an external gateway (`CHAT_GATEWAY_URL`).
 */
import { request as httpRequest } from 'node:http';
import { HubConnectionBuilder, LogLevel, type HubConnection, type IHttpConnectionOptions } from '@microsoft/signalr';
import { expect } from 'chai';
import { either } from 'fp-ts';
import type * as t from 'io-ts';
import {
  ChatHubEvents,
  ConversationDto,
  MessageDto,
  NotificationHubEvents,
  ProblemDetails,
  decodeWith,
  type ChatHubEventMap,
  type Mention,
  type NotificationHubEventMap,
  type TextBlock,
} from '../../src/codecs/index.js';
import type { TestGateway } from '../support/test-gateway.js';
import { uniqueName } from '../support/test-gateway.js';
import { waitFor } from '../support/wait.js';

/** `"<UnixMs>_<ULID>"`. */
export const CURSOR_FORMAT = /^\d{13}_[0-9A-HJKMNP-TV-Z]{26}$/;
/** A ULID. */
export const ULID_FORMAT = /^[0-9A-HJKMNP-TV-Z]{26}$/;
/** An ISO 8601 date-time as System.Text.Json writes one: 0–7 fractional digits, `Z` (DateTime) or an offset such as `+00:00` (DateTimeOffset). */
export const ISO_FORMAT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|[+-]\d{2}:\d{2})$/;
/** A .NET TimeSpan string. */
export const TIMESPAN_FORMAT = /^(\d+\.)?\d{2}:\d{2}:\d{2}(\.\d{1,7})?$/;

// ------------------------------------------------------------------ HTTP

/** One HTTP answer, body read as text and (when it parses) as JSON. */
export interface HttpResult {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: unknown;
}

/** Options of {@link api}. */
export interface ApiOptions {
  /** Sent as `Authorization: Bearer …`. */
  readonly token?: string;
  /** Serialised as JSON (content type `application/json`). */
  readonly body?: unknown;
  /** Sent as is (content type `application/json` unless `headers` says otherwise). */
  readonly rawBody?: string | Uint8Array;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A `fetch` to the gateway: `api(gw, 'GET', '/api/conversations', { token })`. */
export async function api(gw: { readonly url: string }, method: string, path: string, options: ApiOptions = {}): Promise<HttpResult> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  let body: string | Uint8Array<ArrayBuffer> | undefined;
  if (options.body !== undefined) body = JSON.stringify(options.body);
  else if (typeof options.rawBody === 'string') body = options.rawBody;
  else if (options.rawBody !== undefined) body = new Uint8Array(options.rawBody);
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
    headers['content-type'] = 'application/json';
  const target = path.startsWith('http') ? path : `${gw.url}${path}`;
  const response = await fetch(target, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/**
 * A request through `node:http`, which sends the path exactly as given (no URL normalisation of
 * `..` or `%2e%2e`, unlike `fetch`).
 */
export function rawRequest(
  gw: { readonly url: string },
  method: string,
  path: string,
  headers: Readonly<Record<string, string>> = {},
): Promise<{ status: number; text: string }> {
  const base = new URL(gw.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: base.hostname, port: base.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Asserts `value` decodes with `codec` (Right) and returns it typed. */
export function decoded<C extends t.Any>(codec: C, value: unknown): t.TypeOf<C> {
  const result = decodeWith(codec)(value);
  if (either.isLeft(result)) expect.fail(`expected a ${codec.name}: ${result.left.message}\n${JSON.stringify(value)}`);
  return result.right;
}

/** Asserts the status and returns the JSON body decoded with `codec`. */
export function expectOk<C extends t.Any>(res: HttpResult, status: number, codec: C): t.TypeOf<C> {
  expect(res.status, `status (body: ${res.text.slice(0, 300)})`).to.equal(status);
  return decoded(codec, res.json);
}

/**
 * Asserts an RFC 7807 answer: the status, `application/problem+json`, a body with the same
 * `status`, a `title` and a `detail`; for 400 the `errors` object naming at least `fields` — as a
 * rule fails (`blocks`) or as System.Text.Json names a value it could not bind (`$.blocks`).
 */
export function expectProblem(res: HttpResult, status: number, fields: readonly string[] = []): ProblemDetails {
  expect(res.status, `status (body: ${res.text.slice(0, 300)})`).to.equal(status);
  expect(res.headers.get('content-type') ?? '').to.match(/^application\/problem\+json/);
  const problem = decoded(ProblemDetails, res.json);
  expect(problem.status).to.equal(status);
  expect(problem.title).to.be.a('string').and.not.equal('');
  expect(problem.detail).to.be.a('string').and.not.equal('');
  if (status === 400) {
    expect(problem.errors, 'a 400 names the invalid fields in `errors`').to.be.an('object');
    const named = Object.keys(problem.errors ?? {}).map((key) => key.replace(/^\$\./, ''));
    for (const field of fields) expect(named, `errors of ${res.text}`).to.include(field);
  }
  return problem;
}

/** The header and payload of a JWT, unverified. */
export function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header, payload] = token.split('.');
  const parse = (part: string | undefined): Record<string, unknown> =>
    JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  return { header: parse(header), payload: parse(payload) };
}

// ------------------------------------------------------------------ fixtures

/** A plain text block. */
export function text(content: string): TextBlock {
  return { $type: 'text', format: 'Plain', content, plainText: content };
}

/** A mention of one user. */
export function mentionOf(targetId: string, displayName: string): Mention {
  return { type: 'User', targetId, displayName, offset: 0, length: displayName.length + 1 };
}

/** A logged-in dev user. */
export interface TestUser {
  readonly id: string;
  readonly token: string;
}

/** Logs in a new dev user named `<prefix>-<unique>`. */
export async function newUser(gw: TestGateway, prefix: string): Promise<TestUser> {
  const auth = await gw.login(uniqueName(prefix));
  return { id: auth.user.id, token: auth.token };
}

/** Several new dev users, one per prefix, in order. */
export function newUsers<const P extends readonly string[]>(
  gw: TestGateway,
  ...prefixes: P
): Promise<{ -readonly [K in keyof P]: TestUser }> {
  return Promise.all(prefixes.map((prefix) => newUser(gw, prefix))) as Promise<{ -readonly [K in keyof P]: TestUser }>;
}

/**
 * A token without the `dev` role for `userId`: the embedded gateway issues it directly; an
 * external one through its test endpoint.
 */
export async function plainToken(gw: TestGateway, userId: string): Promise<string> {
  if (gw.embedded) return gw.embedded.issueToken(userId);
  const res = await api(gw, 'POST', '/_test/token', { body: { userId } });
  return (res.json as { token: string }).token;
}

/** Creates a conversation over REST (201 expected) and returns it. */
export async function createConversation(
  gw: TestGateway,
  owner: TestUser,
  type: 'Group' | 'OneToOne' | 'Self',
  participantIds: readonly string[],
  name?: string,
): Promise<ConversationDto> {
  const res = await api(gw, 'POST', '/api/conversations', {
    token: owner.token,
    body: { type, participantIds, ...(name !== undefined ? { name } : {}) },
  });
  return expectOk(res, 201, ConversationDto);
}

/** Sends a text message over REST (201 expected) and returns it. */
export async function sendText(
  gw: TestGateway,
  sender: TestUser,
  conversationId: string,
  content: string,
  extra: Record<string, unknown> = {},
): Promise<MessageDto> {
  const res = await api(gw, 'POST', `/api/conversations/${conversationId}/messages`, {
    token: sender.token,
    body: { blocks: [text(content)], ...extra },
  });
  return expectOk(res, 201, MessageDto);
}

// ------------------------------------------------------------------ hubs

/** One event a hub client received, with the result of decoding it with its codec. */
export interface ReceivedEvent {
  readonly name: string;
  readonly payload: unknown;
  /** The decode failure, when the payload did not match the event's codec. */
  readonly invalid?: string;
}

type Codecs<M> = { readonly [K in keyof M]: t.Any };

/**
 * An official `@microsoft/signalr` HubConnection with a handler on every event of its hub that
 * records the payload and decodes it with the event's codec.
 */
export class HubRecorder<M extends object> {
  readonly received: ReceivedEvent[] = [];
  private readonly codecs: Codecs<M>;

  constructor(
    readonly connection: HubConnection,
    codecs: Codecs<M>,
    private readonly barrier: readonly [method: string, argument: unknown],
  ) {
    this.codecs = codecs;
    for (const name of Object.keys(codecs) as Array<keyof M & string>) {
      connection.on(name, (...args: unknown[]) => {
        const payload = args[0];
        const result = decodeWith(this.codecs[name])(payload);
        this.received.push(either.isLeft(result) ? { name, payload, invalid: result.left.message } : { name, payload });
      });
    }
  }

  /** The connection id (null before start). */
  get connectionId(): string | null {
    return this.connection.connectionId;
  }

  /** Every valid payload of `name` received so far, oldest first. */
  events<K extends keyof M & string>(name: K): M[K][] {
    return this.received.filter((e) => e.name === name && e.invalid === undefined).map((e) => e.payload as M[K]);
  }

  /** The names of every event received so far, in order. */
  names(): string[] {
    return this.received.map((e) => e.name);
  }

  /** Resolves with the first valid `name` payload (received before or after the call) that matches `predicate`. */
  waitFor<K extends keyof M & string>(name: K, predicate: (payload: M[K]) => boolean = () => true, timeoutMs = 10_000): Promise<M[K]> {
    return waitFor(() => this.events(name).find(predicate), timeoutMs, `'${name}' on ${this.describe()}`);
  }

  /** Resolves once `count` valid `name` payloads matching `predicate` were received. */
  waitForCount<K extends keyof M & string>(
    name: K,
    count: number,
    predicate: (payload: M[K]) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<M[K][]> {
    return waitFor(
      () => {
        const found = this.events(name).filter(predicate);
        return found.length >= count ? found : undefined;
      },
      timeoutMs,
      `${count} × '${name}' on ${this.describe()}`,
    );
  }

  /** Payloads that failed to decode, removed from the record (for tests that send malformed ones on purpose). */
  takeInvalid(): ReceivedEvent[] {
    const invalid = this.received.filter((e) => e.invalid !== undefined);
    for (const e of invalid) this.received.splice(this.received.indexOf(e), 1);
    return invalid;
  }

  /** Payloads that failed to decode. */
  invalid(): ReceivedEvent[] {
    return this.received.filter((e) => e.invalid !== undefined);
  }

  /**
   * A round trip to the server: resolves once every event the server sent to this connection
   * before it answered has been dispatched (SignalR delivers a connection's messages in order).
   */
  async roundTrip(): Promise<void> {
    await this.connection.invoke(this.barrier[0], this.barrier[1]);
  }

  async stop(): Promise<void> {
    await this.connection.stop();
  }

  private describe(): string {
    return `connection ${this.connectionId ?? '(not started)'} (received: ${this.names().join(', ') || 'nothing'})`;
  }
}

/** A chat hub recorder. */
export type ChatRecorder = HubRecorder<ChatHubEventMap>;
/** A notification hub recorder. */
export type NotificationRecorder = HubRecorder<NotificationHubEventMap>;

/** Options of {@link HubClients.chat} / {@link HubClients.notifications}. */
export interface HubClientOptions {
  /** `withAutomaticReconnect()` with these delays (true: the defaults). @default undefined (none) */
  readonly reconnect?: boolean | readonly number[];
  /** Start the connection. @default true */
  readonly start?: boolean;
  /** Extra `withUrl` options. */
  readonly http?: Omit<IHttpConnectionOptions, 'accessTokenFactory'>;
  /**
   * The WebSocket constructor the client uses (its untyped `WebSocket` option, e.g. a subclass of
   * `ws` that records the URLs it opens). @default the `ws` package
   */
  readonly webSocket?: unknown;
}

/**
 * Builds official SignalR clients for a suite and tears them all down: call {@link stopAll}
 * in `afterEach` (it also fails the test if any payload did not decode with its codec).
 */
export class HubClients {
  private readonly all: Array<HubRecorder<object>> = [];

  constructor(private readonly gateway: () => { readonly url: string }) {}

  /** A `/hubs/chat` client for `token` (a string or a factory). */
  chat(token: string | (() => string), options: HubClientOptions = {}): Promise<ChatRecorder> {
    // Leaving a conversation one never joined is a no-op that answers: a harmless round trip.
    return this.build(
      '/hubs/chat',
      token,
      ChatHubEvents as unknown as Codecs<ChatHubEventMap>,
      ['LeaveConversation', '__barrier__'],
      options,
    );
  }

  /** A `/hubs/notifications` client for `token`. */
  notifications(token: string | (() => string), options: HubClientOptions = {}): Promise<NotificationRecorder> {
    return this.build(
      '/hubs/notifications',
      token,
      NotificationHubEvents as unknown as Codecs<NotificationHubEventMap>,
      ['UnsubscribeFromPresence', []],
      options,
    );
  }

  /** Builds the connection without starting it (for tests that expect `start()` to fail). */
  connection(path: string, token: string | (() => string), options: HubClientOptions = {}): HubConnection {
    const connection = this.builder(path, token, options).build();
    this.all.push({ stop: () => connection.stop(), invalid: () => [] } as unknown as HubRecorder<object>);
    return connection;
  }

  private builder(path: string, token: string | (() => string), options: HubClientOptions): HubConnectionBuilder {
    const factory = typeof token === 'string' ? () => token : token;
    let builder = new HubConnectionBuilder()
      .withUrl(`${this.gateway().url}${path}`, {
        ...(options.http ?? {}),
        ...(options.webSocket !== undefined ? ({ WebSocket: options.webSocket } as object) : {}),
        accessTokenFactory: factory,
      })
      .configureLogging(LogLevel.None);
    if (options.reconnect === true) builder = builder.withAutomaticReconnect();
    else if (Array.isArray(options.reconnect)) builder = builder.withAutomaticReconnect([...options.reconnect]);
    return builder;
  }

  /** Stops every connection built here; then fails when any received payload did not decode. */
  async stopAll(): Promise<void> {
    const clients = this.all.splice(0);
    await Promise.all(clients.map((c) => c.stop().catch(() => undefined)));
    const invalid = clients.flatMap((c) => c.invalid());
    if (invalid.length > 0)
      expect.fail(`payloads that did not decode with their codec:\n${invalid.map((e) => `${e.name}: ${e.invalid ?? ''}`).join('\n')}`);
  }

  private async build<M extends object>(
    path: string,
    token: string | (() => string),
    codecs: Codecs<M>,
    barrier: readonly [string, unknown],
    options: HubClientOptions,
  ): Promise<HubRecorder<M>> {
    const recorder = new HubRecorder<M>(this.builder(path, token, options).build(), codecs, barrier);
    this.all.push(recorder as unknown as HubRecorder<object>);
    if (options.start !== false) await recorder.connection.start();
    return recorder;
  }
}
