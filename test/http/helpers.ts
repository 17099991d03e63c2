import { firstValueFrom, lastValueFrom, toArray, type Observable } from 'rxjs';
import { createRestApi, type RestApi, type RestApiOptions } from '../../src/http/create-rest-api.js';
import { startTestGateway, type TestGateway } from './fake-gateway.js';

/** Starts a gateway before each test and closes it after; `ctx.gateway` is the current one. */
export function useGateway(): { readonly gateway: TestGateway } {
  const ctx: { gateway: TestGateway } = { gateway: undefined as unknown as TestGateway };
  beforeEach(async () => {
    ctx.gateway = await startTestGateway();
  });
  afterEach(async () => {
    await ctx.gateway.close();
  });
  return ctx;
}

/** Every REST group against `gateway`, logged in with a token the gateway accepts unless `token` says otherwise. */
export function restFor(gateway: TestGateway, options: Partial<RestApiOptions> = {}): RestApi {
  return createRestApi({ baseUrl: gateway.url, token: 'good-token', timeoutMs: 5000, ...options });
}

/** The single value of a one-shot Observable. */
export const single = <T>(source: Observable<T>): Promise<T> => firstValueFrom(source);
/** Every value until completion. */
export const all = <T>(source: Observable<T>): Promise<T[]> => lastValueFrom(source.pipe(toArray()));

/** Resolves after `ms` real milliseconds (test code only; library code uses schedulers): the one in test/support/wait.ts. */
export { sleep } from '../support/wait.js';

/** The error an Observable fails with (fails the test if it completes instead). */
export async function errorOf(source: Observable<unknown>): Promise<unknown> {
  try {
    await lastValueFrom(source);
  } catch (error) {
    return error;
  }
  throw new Error('expected the Observable to error, but it completed');
}

/** What a REST call must send. */
export interface ExpectedRequest {
  readonly method: string;
  /** The raw (encoded) path. */
  readonly path: string;
  readonly query?: Record<string, string>;
  readonly body?: unknown;
  /** Whether the token is sent. @default true */
  readonly auth?: boolean;
}

/**
 * Subscribes to `call$`, collects everything it emits until completion, and asserts the one
 * request the gateway received.
 */
export async function expectCall<T>(
  gateway: import('./fake-gateway.js').TestGateway,
  call$: Observable<T>,
  expected: ExpectedRequest,
): Promise<T[]> {
  const before = gateway.requests.length;
  const values = await all(call$);
  const sent = gateway.requests.slice(before);
  const { expect } = await import('chai');
  expect(sent, 'requests sent').to.have.length(1);
  const request = sent[0]!;
  expect(`${request.method} ${request.rawPath}`).to.equal(`${expected.method} ${expected.path}`);
  expect(Object.fromEntries(request.query)).to.deep.equal(expected.query ?? {});
  expect(request.json()).to.deep.equal(expected.body);
  expect(request.headers.authorization).to.equal(expected.auth === false ? undefined : 'Bearer good-token');
  return values;
}
