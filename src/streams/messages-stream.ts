/**
 * `messages$`: the client-wide projection of the conversation feed — every message the feed
 * gives for the first time, named, in arrival order.
 */
import { EMPTY, from, mergeMap, type Observable, of } from 'rxjs';
import type { ConversationFeed } from './conversation-feed.js';
import { type ParticipantNames, withSenderName } from './participant-names.js';
import { fromChatMessageDto, fromMessageDto, type TimelineMessage } from './timeline-message.js';

/**
 * Every finished message of the covered conversations, each once: live ones (and completed bot
 * replies) as they come, those a recovery found after a reconnect oldest first, named from the
 * participants lookup (history carries no sender names). Runs the feed while subscribed.
 *
 * @example
 * ```ts
 * finishedMessages(feed, names).subscribe((m) => notify(m.conversationId, m.plainText));
 * ```
 */
export function finishedMessages(feed: ConversationFeed, names: ParticipantNames): Observable<TimelineMessage> {
  return feed.events$.pipe(
    mergeMap((event) => {
      if (event.type === 'message') {
        names.learn(event.message.senderId, event.message.senderName);
        return event.fresh ? of(fromChatMessageDto(event.message)) : EMPTY;
      }
      if (event.missed.length === 0) return EMPTY;
      const missed = event.missed;
      return names
        .resolve(missed.map((m) => m.senderId))
        .pipe(mergeMap((byId) => from(missed.map((m) => withSenderName(fromMessageDto(m), byId)))));
    }),
  );
}
