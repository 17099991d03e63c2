/**
 * Fixtures of the REST integration specs under `test/http/gateway/`: clients built with
 * `createChatClient({ baseUrl: gw.url })` and logged in through the client's own
 * `auth.loginWithDev`, a text block, an assertion that a call fails with a given
 * `ChatApiError` status, and the REST requests the gateway recorded since a mark.
 */
import { expect } from 'chai';
import { firstValueFrom, type Observable } from 'rxjs';
import { createChatClient, type ChatClient, type ChatClientOptions } from '../../../src/client.js';
import type { AuthUserInfo, TextBlock } from '../../../src/codecs/index.js';
import type { RecordedRequest } from '../../../src/gateway/index.js';
import { ChatApiError } from '../../../src/http/chat-api-error.js';
import { uniqueName, type TestGateway } from '../../support/test-gateway.js';

/** `"<UnixMs>_<ULID>"`. */
export const CURSOR_FORMAT = /^\d{13}_[0-9A-HJKMNP-TV-Z]{26}$/;
/** A ULID. */
export const ULID_FORMAT = /^[0-9A-HJKMNP-TV-Z]{26}$/;
/** An ISO 8601 date-time as System.Text.Json writes one: 0–7 fractional digits, `Z` (DateTime) or an offset such as `+00:00` (DateTimeOffset). */
export const ISO_FORMAT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|[+-]\d{2}:\d{2})$/;
/** A .NET TimeSpan string. */
export const TIMESPAN_FORMAT = /^(\d+\.)?\d{2}:\d{2}:\d{2}(\.\d{1,7})?$/;

/** A logged-in client and the user it is. */
export interface LoggedIn {
  readonly client: ChatClient;
  readonly user: AuthUserInfo;
  readonly token: string;
}

/** Creates clients for one suite and disconnects them all in `closeAll()` (an `after` hook). */
export class ClientPool {
  private readonly clients: ChatClient[] = [];

  constructor(private readonly gateway: () => TestGateway) {}

  /** A new client on the gateway (not logged in). */
  create(options: Omit<ChatClientOptions, 'baseUrl'> = {}): ChatClient {
    const client = createChatClient({ baseUrl: this.gateway().url, ...options });
    this.clients.push(client);
    return client;
  }

  /** A new client logged in as a new dev user `<prefix>-<unique>` through `auth.loginWithDev`. */
  async login(prefix: string, options: Omit<ChatClientOptions, 'baseUrl'> = {}): Promise<LoggedIn> {
    const client = this.create(options);
    const response = await firstValueFrom(client.auth.loginWithDev(uniqueName(prefix), 'dev'));
    return { client, user: response.user, token: response.token };
  }

  /** Disconnects every client created so far. */
  async closeAll(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((client) => client.disconnect()));
  }
}

/** A plain text block whose `plainText` is its content. */
export function text(content: string): TextBlock {
  return { $type: 'text', format: 'Plain', content, plainText: content };
}

/**
 * Subscribes to `call$` and expects it to fail with an HTTP `ChatApiError` of `status`; returns
 * the error for further checks. Fails when the call succeeds or fails otherwise.
 */
export async function expectApiError(call$: Observable<unknown>, status: number): Promise<ChatApiError> {
  let value: unknown;
  try {
    value = await firstValueFrom(call$);
  } catch (error) {
    expect(ChatApiError.is(error), `a ChatApiError, got ${String(error)}`).to.equal(true);
    const apiError = error as ChatApiError;
    expect(apiError).to.be.instanceOf(ChatApiError);
    expect({ kind: apiError.kind, status: apiError.status }).to.deep.equal({ kind: 'http', status });
    return apiError;
  }
  expect.fail(`expected a ChatApiError ${status}, but the call emitted ${JSON.stringify(value)}`);
}

export { requestMark } from '../../support/test-gateway.js';

/** Matches recorded requests by method and path (the path without its query, or a RegExp on the full path). */
export function requestTo(method: string, path: string | RegExp): (r: RecordedRequest) => boolean {
  return (r) => r.method === method && (typeof path === 'string' ? r.path.split('?')[0] === path : path.test(r.path));
}
