/**
 * What `connect()` and an invocation wait for on a hub's `state$`, shared by the real hub clients
 * (`HubClient`) and the fakes of `chat-client-rx/testing` (`FakeConnection`), so both end and
 * fail the same way. Internal: not exported by any barrel.
 */
import { type BehaviorSubject, filter, map, type Observable, of, type SchedulerLike, take, throwError, timeout } from 'rxjs';
import { HubError } from './hub-error.js';
import type { HubConnectionStatus } from './hub-state.js';

/** A status where a wait ends: connected, failed, or disconnected (`disconnect()` was called meanwhile). */
function settled(s: HubConnectionStatus): boolean {
  return s.status === 'connected' || s.status === 'failed' || s.status === 'disconnected';
}

/**
 * What `connect()` returns once the connection loop runs: waits on `state$` (which replays the
 * current status) for the first settled status, then emits once and completes when it is
 * `connected`, errors with the state's error when it is `failed`, or with a `HubError` of kind
 * `connection` when it is `disconnected` (a `disconnect()` before the connection was made: end,
 * never hang).
 *
 * @example
 * ```ts
 * connect(): Observable<void> {
 *   return defer(() => { this.start(); return whenConnectSettles(this.state, this.hubName); });
 * }
 * ```
 */
export function whenConnectSettles(state$: Observable<HubConnectionStatus>, hubName: string): Observable<void> {
  return state$.pipe(
    filter(settled),
    take(1),
    map((s) => {
      if (s.status === 'failed') throw s.error;
      if (s.status === 'disconnected') {
        throw new HubError('connection', `${hubName} hub: disconnect() was called before the connection was established`, {
          hub: hubName,
        });
      }
    }),
  );
}

/** The hub an invocation waits on (see {@link whenInvocable}). */
export interface InvocableHub {
  readonly hubName: string;
  /** The connection's status now and to come. */
  readonly state: BehaviorSubject<HubConnectionStatus>;
  /** What the user asked for last. */
  readonly intent: BehaviorSubject<'connected' | 'disconnected'>;
  /** How long an invocation waits while connecting or reconnecting, in ms. @default 30000 */
  readonly invocationTimeoutMs?: number | undefined;
  readonly scheduler: SchedulerLike;
}

/**
 * Waits for a connection to invoke `method` on: at once when connected; a `HubError` of kind
 * `not-connected` before `connect()` (`call connect() first`), when the state becomes `failed`
 * (with its error as `cause`) or `disconnected`, or after `invocationTimeoutMs` on the
 * scheduler. Emits the status `connected` once and completes.
 */
export function whenInvocable(hub: InvocableHub, method: string): Observable<HubConnectionStatus> {
  const { hubName, state } = hub;
  const notConnected = (why: string, cause?: unknown): HubError =>
    new HubError('not-connected', `${hubName} hub: ${why}`, { hub: hubName, method, ...(cause !== undefined ? { cause } : {}) });
  if (state.value.status === 'connected') return of(state.value);
  if (hub.intent.value === 'disconnected') return throwError(() => notConnected(`cannot invoke '${method}': call connect() first`));
  const limit = hub.invocationTimeoutMs ?? 30_000;
  return state.pipe(
    filter(settled),
    take(1),
    map((s) => {
      if (s.status !== 'connected') {
        throw notConnected(`cannot invoke '${method}': the connection is ${s.status}`, s.status === 'failed' ? s.error : undefined);
      }
      return s;
    }),
    timeout({
      first: limit,
      scheduler: hub.scheduler,
      with: () => throwError(() => notConnected(`'${method}' waited ${limit} ms for a connection`)),
    }),
  );
}
