import { catchError, concat, EMPTY, filter, NEVER, Observable, of, switchMap, take, tap } from 'rxjs';
import type { ChatHubClient } from '../hubs/chat-hub-client.js';

/**
 * Reference-counted conversation joins, so several timelines of one conversation share one join:
 * `hold(id)` joins the conversation once the chat hub is connected (unless it is joined already)
 * and keeps it joined while any holder is subscribed; when the last holder unsubscribes, a join
 * this registry made is left (`leaveOnRelease`). The hub client re-joins after reconnects.
 */
export class JoinRegistry {
  private readonly holders = new Map<string, number>();
  private readonly joinedHere = new Set<string>();

  constructor(
    private readonly chat: ChatHubClient,
    /** Leave the conversation when its last holder goes. @default true */
    private readonly leaveOnRelease = true,
  ) {}

  /**
   * Holds a join while subscribed. Emits once when the conversation is joined (waiting for the
   * hub to connect, however long) and never completes; errors if the join is refused.
   */
  hold(conversationId: string): Observable<void> {
    return new Observable<void>((subscriber) => {
      this.holders.set(conversationId, (this.holders.get(conversationId) ?? 0) + 1);
      const joining = this.chat.state$
        .pipe(
          filter((s) => s.status === 'connected'),
          take(1),
          switchMap(() =>
            this.chat.joinedConversations.has(conversationId)
              ? of(undefined)
              : this.chat.joinConversation(conversationId).pipe(tap(() => this.joinedHere.add(conversationId))),
          ),
          (joined$) => concat(joined$, NEVER),
        )
        .subscribe(subscriber);
      return () => {
        joining.unsubscribe();
        const left = (this.holders.get(conversationId) ?? 1) - 1;
        if (left > 0) {
          this.holders.set(conversationId, left);
          return;
        }
        this.holders.delete(conversationId);
        if (this.joinedHere.delete(conversationId) && this.leaveOnRelease && this.chat.status.status === 'connected') {
          // Leaving is the one piece of work this teardown starts: the hub forgets the join.
          this.chat.leaveConversation(conversationId).pipe(catchError(() => EMPTY)).subscribe();
        }
      };
    });
  }

  /** How many holders a conversation has (0 when none). */
  holderCount(conversationId: string): number {
    return this.holders.get(conversationId) ?? 0;
  }
}
