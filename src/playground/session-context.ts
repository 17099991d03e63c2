/** What the parts of a logged-in playground session share (see `startSession` in `app.ts`). */
import type { BehaviorSubject, Subscription } from 'rxjs';
import type { BotStream, ChatClient, Timeline } from '../index.js';

/**
 * The state of one logged-in session, handed to each part of the page that it wires up. Lives as
 * long as the session: every subscription goes into `subscriptions`, which ends with it.
 */
export interface SessionContext {
  /** The logged-in client. */
  readonly client: ChatClient;
  /** The logged-in user's id. */
  readonly me: string;
  /** Everything subscribed for the session (unsubscribed when it ends). */
  readonly subscriptions: Subscription;
  /** The id of the open conversation; null while none is open. */
  readonly open$: BehaviorSubject<string | null>;
  /** Each listed conversation's name, by id, as the conversation list last rendered it. */
  readonly names: Map<string, string>;
  /** The timeline of the open conversation; null while none is open. */
  current: Timeline | null;
  /** The last state of a bot's reply shown for the open conversation; null since it was opened. */
  lastStream: BotStream | null;
}
