/**
 * `messages$`: the client-wide projection of the conversation feed — every message the feed
 * gives for the first time, named, in arrival order.
 */
import { Observable, Subscription } from 'rxjs';
import type { ConversationFeed } from './conversation-feed.js';
import { type ParticipantNames, withSenderName } from './participant-names.js';
import { fromChatMessageDto, fromMessageDto, type TimelineMessage } from './timeline-message.js';

/**
 * Every finished message of the covered conversations, each once: live ones (and completed bot
 * replies) as they come, those a recovery found after a reconnect oldest first, named from the
 * participants lookup (history carries no sender names). Runs the feed while subscribed.
 *
 * A live message is emitted synchronously, while the feed hands it over (no inner subscription
 * per message); a recovery's messages once their senders' names are resolved. Completes after the
 * feed completes and the last name lookup is answered; errors when the feed errors.
 *
 * @example
 * ```ts
 * finishedMessages(feed, names).subscribe((m) => notify(m.conversationId, m.plainText));
 * ```
 */
export function finishedMessages(feed: ConversationFeed, names: ParticipantNames): Observable<TimelineMessage> {
  return new Observable<TimelineMessage>((subscriber) => {
    const lookups = new Subscription();
    let pending = 0;
    let sourceDone = false;
    const settle = (): void => {
      if (sourceDone && pending === 0) subscriber.complete();
    };
    const fail = (error: unknown): void => subscriber.error(error);
    const source = feed.events$.subscribe({
      next(event) {
        try {
          if (event.type === 'message') {
            names.learn(event.message.senderId, event.message.senderName);
            if (event.fresh) subscriber.next(fromChatMessageDto(event.message));
            return;
          }
          const missed = event.missed;
          if (missed.length === 0) return;
          pending += 1;
          lookups.add(
            names.resolve(missed.map((m) => m.senderId)).subscribe({
              next: (byId) => {
                for (const m of missed) subscriber.next(withSenderName(fromMessageDto(m), byId));
              },
              error: fail,
              complete: () => {
                pending -= 1;
                settle();
              },
            }),
          );
        } catch (error) {
          fail(error);
        }
      },
      error: fail,
      complete: () => {
        sourceDone = true;
        settle();
      },
    });
    return () => {
      source.unsubscribe();
      lookups.unsubscribe();
    };
  });
}
