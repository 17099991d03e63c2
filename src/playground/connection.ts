/**
 * The playground's view of the hub connections: the header badges (counting down to the next
 * attempt while reconnecting), the log of the chat hub's states, and the client's errors and
 * re-joins in the event log.
 */
import { map, type Observable, of, startWith, type Subscription, switchMap, takeWhile, timer } from 'rxjs';
import type { HubConnectionStatus } from '../index.js';
import { messageOf } from '../core/errors.js';
import { log, logEvent, ui } from './dom.js';
import type { SessionContext } from './session-context.js';

/** One line about a hub's state: `connecting (attempt 2)`, `failed: …`, `connected`, …. */
function describeState(state: HubConnectionStatus): string {
  switch (state.status) {
    case 'connecting':
      return `connecting (attempt ${state.attempt})`;
    case 'reconnecting':
      return `reconnecting (attempt ${state.attempt}, in ${(state.nextDelayMs / 1000).toFixed(1)} s)`;
    case 'failed':
      return `failed: ${state.error.message}`;
    default:
      return state.status;
  }
}

/**
 * What a hub's badge says about `state`, over time: while reconnecting it counts down to the next
 * attempt, once a second ("reconnecting in 5 s", "… 4 s", …, then "reconnecting now" while the
 * attempt runs); any other state is one text. Completes after "now" (or at once).
 */
function badgeText(state: HubConnectionStatus): Observable<string> {
  if (state.status !== 'reconnecting') return of(describeState(state));
  const attempt = `(attempt ${state.attempt})`;
  const seconds = Math.ceil(Math.max(0, state.nextDelayMs) / 1000);
  // The first second to drop is the fraction left over: 2500 ms shows 3 for 500 ms, then 2, 1.
  const firstTick = state.nextDelayMs - (seconds - 1) * 1000;
  return timer(firstTick, 1000).pipe(
    map((tick) => seconds - 1 - tick),
    startWith(seconds),
    takeWhile((left) => left > 0, true),
    map((left) => (left > 0 ? `reconnecting in ${left} s ${attempt}` : `reconnecting now ${attempt}`)),
  );
}

/** Keeps `badge` showing `state$`: its status as `data-status`, its text counting down while reconnecting. */
function showStates(badge: HTMLElement, state$: Observable<HubConnectionStatus>): Subscription {
  return state$
    .pipe(switchMap((state) => badgeText(state).pipe(map((text) => [state.status, text] as const))))
    .subscribe(([status, text]) => {
      badge.dataset.status = status;
      badge.textContent = text;
    });
}

/**
 * Connection state, for the session: the badges of both hubs, a log of every transition of the
 * chat hub, the client's errors and re-joins in the event log; then connects both hubs (logging
 * the outcome).
 */
export function showConnection({ client, subscriptions }: SessionContext): void {
  const { chat, notifications } = client.realtime;
  subscriptions.add(showStates(ui.chatState, chat.state$));
  subscriptions.add(showStates(ui.notificationState, notifications.state$));
  subscriptions.add(
    chat.state$.subscribe((state) => log(ui.stateLog, describeState(state), { 'data-testid': 'state-entry', 'data-status': state.status })),
  );
  subscriptions.add(client.errors$.subscribe((error) => logEvent(`error: ${messageOf(error)}`)));
  subscriptions.add(
    chat.rejoined$.subscribe((event) => logEvent(`re-joined ${event.conversationIds.size} conversation(s) after reconnecting`)),
  );
  subscriptions.add(
    client.connect().subscribe({
      next: () => logEvent('both hubs connected'),
      error: (error: unknown) => logEvent(`connect failed: ${messageOf(error)}`),
    }),
  );
}
