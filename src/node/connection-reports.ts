import { filter, map, type OperatorFunction, scan } from 'rxjs';
import { HubError } from '../hubs/hub-error.js';
import type { HubConnectionStatus } from '../hubs/hub-state.js';
import { ExitCode, exitCodeOf } from './cli-error.js';

/** What happened to a hub connection, as one line for a person reading stderr. */
export interface ConnectionReport {
  /**
   * - `lost`: a connection that was up went away (a retry follows);
   * - `retrying`: an attempt failed (a first connect, or a reconnect); another follows;
   * - `refreshing`: the server refused the token (HTTP 401); a new one is being fetched;
   * - `recovered`: connected again after losing the connection;
   * - `gave-up`: no more attempts (`exitCode` says why: 4 connection, 5 authentication).
   */
  readonly event: 'lost' | 'retrying' | 'refreshing' | 'recovered' | 'gave-up';
  /** The line, without the `chat-rx: ` prefix. */
  readonly text: string;
  /** For `gave-up`: the exit code to end with. */
  readonly exitCode?: ExitCode;
}

/** Options of {@link connectionReports}. */
export interface ConnectionReportsOptions {
  /** The hub's `maxReconnectAttempts`, shown as "attempt n of max". @default 20 */
  readonly maxAttempts?: number;
  /** The hub's name in the lines (`chat hub`). @default 'connection' */
  readonly label?: string;
}

/**
 * Turns a hub client's `state$` into the lines a command-line tool owes its user on stderr: the
 * connection was lost, the next attempt comes in N s, the token was refused and is being renewed,
 * the connection recovered, or it gave up (with the exit code for that). The first connect and a
 * requested `disconnect()` report nothing. Emits as `state$` does; completes with it.
 *
 * @example
 * ```ts
 * client.realtime.chat.state$.pipe(connectionReports({ maxAttempts: 20 }))
 *   .subscribe((report) => process.stderr.write(`chat-rx: ${report.text}\n`));
 * ```
 */
export function connectionReports(options: ConnectionReportsOptions = {}): OperatorFunction<HubConnectionStatus, ConnectionReport> {
  const maxAttempts = options.maxAttempts ?? 20;
  const label = options.label ?? 'connection';
  return (state$) =>
    state$.pipe(
      scan<HubConnectionStatus, { readonly previous: HubConnectionStatus | undefined; readonly current: HubConnectionStatus | undefined }>(
        (pair, current) => ({ previous: pair.current, current }),
        { previous: undefined, current: undefined },
      ),
      map(({ previous, current }) => (current === undefined ? undefined : reportOf(previous, current, maxAttempts, label))),
      filter((report): report is ConnectionReport => report !== undefined),
    );
}

function reportOf(
  previous: HubConnectionStatus | undefined,
  current: HubConnectionStatus,
  maxAttempts: number,
  label: string,
): ConnectionReport | undefined {
  switch (current.status) {
    case 'reconnecting': {
      const reason = reasonOf(current.reason);
      if (HubError.is(current.reason) && current.reason.kind === 'auth' && current.nextDelayMs === 0) {
        return {
          event: 'refreshing',
          text: `${label}: the gateway refused the token (HTTP ${current.reason.status ?? 401}); getting a new one`,
        };
      }
      const next = `retrying in ${seconds(current.nextDelayMs)} (attempt ${current.attempt} of ${maxAttempts})`;
      if (previous?.status === 'connected') return { event: 'lost', text: `${label} lost (${reason}); ${next}` };
      if (previous?.status === 'connecting') return { event: 'retrying', text: `${label}: could not connect (${reason}); ${next}` };
      return { event: 'retrying', text: `${label}: reconnect failed (${reason}); ${next}` };
    }
    case 'connected':
      return previous?.status === 'reconnecting' ? { event: 'recovered', text: `${label} recovered` } : undefined;
    case 'failed': {
      const code = exitCodeOf(current.error);
      return {
        event: 'gave-up',
        text: `${label}: gave up: ${firstLine(current.error.message)}`,
        exitCode: code === ExitCode.auth ? ExitCode.auth : ExitCode.connection,
      };
    }
    default:
      return undefined;
  }
}

function reasonOf(error: Error | undefined): string {
  return error === undefined ? 'closed' : firstLine(error.message);
}

function firstLine(text: string): string {
  const line = text.split('\n')[0]?.trim() ?? '';
  return line === '' ? 'no reason given' : line;
}

/** `200` → `0.2 s`, `2000` → `2 s`. */
function seconds(ms: number): string {
  return `${Math.round(ms) / 1000} s`;
}
