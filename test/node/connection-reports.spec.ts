import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import { HubError } from '../../src/hubs/hub-error.js';
import type { HubConnectionStatus } from '../../src/hubs/hub-state.js';
import { connectionReports, type ConnectionReport } from '../../src/node/connection-reports.js';

function newScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => {
    expect(actual).to.deep.equal(expected);
  });
}

const disconnected: HubConnectionStatus = { status: 'disconnected' };
const connecting: HubConnectionStatus = { status: 'connecting', attempt: 1 };
const connected: HubConnectionStatus = { status: 'connected', connectionId: 'c1' };
const closed = new Error('WebSocket closed with status code: 1006 ().');
const reconnecting = (attempt: number, nextDelayMs: number, reason: Error | undefined = closed): HubConnectionStatus => ({
  status: 'reconnecting',
  attempt,
  nextDelayMs,
  reason,
});
const refused = new HubError('auth', 'chat hub: the server refused the token (HTTP 401 at the negotiate)', { hub: 'chat', status: 401 });

describe('connectionReports', () => {
  it('reports nothing for the first connect and a requested disconnect', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const state$ = cold<HubConnectionStatus>('a-b-c-d|', { a: disconnected, b: connecting, c: connected, d: disconnected });
      expectObservable(state$.pipe(connectionReports())).toBe('-------|');
    });
  });

  it('lost, retrying in N s (attempt n of max), recovered — one line each, as the state changes', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const state$ = cold<HubConnectionStatus>('a-b-c-d|', {
        a: connected,
        b: reconnecting(1, 2000),
        c: reconnecting(2, 5000, new Error('fetch failed')),
        d: connected,
      });
      const reports: Record<string, ConnectionReport> = {
        b: { event: 'lost', text: 'connection lost (WebSocket closed with status code: 1006 ().); retrying in 2 s (attempt 1 of 3)' },
        c: { event: 'retrying', text: 'connection: reconnect failed (fetch failed); retrying in 5 s (attempt 2 of 3)' },
        d: { event: 'recovered', text: 'connection recovered' },
      };
      expectObservable(state$.pipe(connectionReports({ maxAttempts: 3 }))).toBe('--b-c-d|', reports);
    });
  });

  it('a first connect that fails says so (not "lost"); fractions of a second are shown as such', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const state$ = cold<HubConnectionStatus>('a-b|', { a: connecting, b: reconnecting(1, 200, new Error('connect ECONNREFUSED')) });
      expectObservable(state$.pipe(connectionReports({ maxAttempts: 20, label: 'chat hub' }))).toBe('--b|', {
        b: { event: 'retrying', text: 'chat hub: could not connect (connect ECONNREFUSED); retrying in 0.2 s (attempt 1 of 20)' },
      });
    });
  });

  it('a refused token with an immediate retry is "getting a new one"', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const state$ = cold<HubConnectionStatus>('a-b|', { a: reconnecting(1, 2000), b: reconnecting(2, 0, refused) });
      expectObservable(state$.pipe(connectionReports())).toBe('a-b|', {
        a: {
          event: 'retrying',
          text: 'connection: reconnect failed (WebSocket closed with status code: 1006 ().); retrying in 2 s (attempt 1 of 20)',
        },
        b: { event: 'refreshing', text: 'connection: the gateway refused the token (HTTP 401); getting a new one' },
      });
    });
  });

  it('gave up: exit code 4 for the connection, 5 for a refused token', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const noConnection = new HubError('connection', 'chat hub: could not connect after 3 attempt(s): fetch failed', { hub: 'chat' });
      const noToken = new HubError(
        'auth',
        'chat hub: the server refused the token (HTTP 401) and there is no refreshToken to get another',
        { hub: 'chat', status: 401 },
      );
      expectObservable(cold<HubConnectionStatus>('a|', { a: { status: 'failed', error: noConnection } }).pipe(connectionReports())).toBe(
        'a|',
        {
          a: { event: 'gave-up', text: 'connection: gave up: chat hub: could not connect after 3 attempt(s): fetch failed', exitCode: 4 },
        },
      );
      expectObservable(cold<HubConnectionStatus>('a|', { a: { status: 'failed', error: noToken } }).pipe(connectionReports())).toBe('a|', {
        a: {
          event: 'gave-up',
          text: 'connection: gave up: chat hub: the server refused the token (HTTP 401) and there is no refreshToken to get another',
          exitCode: 5,
        },
      });
    });
  });
});
