import type { SchedulerLike } from 'rxjs';
import type { Logger } from '../core/logger.js';
import type { RestApi } from '../http/create-rest-api.js';
import type { ChatHub, NotificationHub } from '../hubs/ports.js';
import type { AccumulateStreamsOptions } from '../streams/accumulate-stream.js';
import type { TimelineOptions } from '../streams/timeline.js';

/**
 * What a {@link ChatClient} is composed of: the REST groups with their session, and both hubs.
 * `createChatClient` builds them from options over HTTP and SignalR; `chat-client-rx/testing`
 * builds them in memory (fake hubs, a fake history) so a `ChatClient` runs in virtual time.
 */
export interface ChatClientParts {
  /** The REST groups and the session (`rest.messages.getHistory` / `send` are the history the state layer uses). */
  readonly rest: RestApi;
  /** The chat hub. */
  readonly chat: ChatHub;
  /** The notification hub. */
  readonly notifications: NotificationHub;
  /** The scheduler for every timer. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
  /** Diagnostics (already redacting). @default silent */
  readonly logger?: Logger;
  /** Defaults for every `timeline()`. */
  readonly timeline?: Omit<TimelineOptions, 'scheduler'>;
  /** Bounds of `streams$`. */
  readonly streams?: Omit<AccumulateStreamsOptions, 'scheduler' | 'interruptions$'>;
  /** Makes a new `clientMessageId` for a send. @default a random UUID */
  readonly newClientMessageId?: () => string;
}
