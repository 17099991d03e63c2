import { catchError, concat, concatMap, defer, EMPTY, filter, ignoreElements, NEVER, Observable, of, tap, throwError } from 'rxjs';
import { HubError } from '../hubs/hub-error.js';
import type { ChatHubPort } from '../hubs/ports.js';

/** Work a {@link JoinRegistry} does around each join it sends (the conversation feed's baseline and recovery). */
export interface JoinHooks {
  /** Runs before `JoinConversation` is sent; the join waits for it to complete. */
  readonly beforeJoin?: (conversationId: string) => Observable<unknown>;
  /** Runs once the server answered the join. */
  readonly afterJoin?: (conversationId: string) => void;
  /** Runs when the last holder of a conversation went. */
  readonly released?: (conversationId: string) => void;
}

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
    private readonly chat: ChatHubPort,
    /** Leave the conversation when its last holder goes. @default true */
    private readonly leaveOnRelease = true,
    private readonly hooks: JoinHooks = {},
  ) {}

  /**
   * Holds a join while subscribed. Emits when the conversation is joined (waiting for the hub to
   * connect, however long), and again whenever a later connection had to join it anew (after
   * `disconnect()` + `connect()`); never completes; errors if a join is refused.
   */
  hold(conversationId: string): Observable<void> {
    return new Observable<void>((subscriber) => {
      this.holders.set(conversationId, (this.holders.get(conversationId) ?? 0) + 1);
      // Joined on the first connection, and again on any later connection that lost the join
      // (after an explicit `disconnect()` + `connect()`, the hub client forgot it); reconnects that
      // kept it (the hub client re-joins those itself) emit nothing.
      const joining = this.chat.state$
        .pipe(
          filter((s) => s.status === 'connected'),
          concatMap((_, index) =>
            this.chat.joinedConversations.has(conversationId)
              ? index === 0
                ? of(undefined)
                : EMPTY
              : concat(
                  this.hooks.beforeJoin?.(conversationId).pipe(ignoreElements()) ?? EMPTY,
                  defer(() => {
                    // Counted as ours from the moment it is sent: the server runs it even if this
                    // holder goes before the answer, and then it must be left.
                    this.joinedHere.add(conversationId);
                    return this.chat.joinConversation(conversationId);
                  }).pipe(tap(() => this.hooks.afterJoin?.(conversationId))),
                ).pipe(
                  // A join cut off by the connection closing is tried again on the next
                  // connection; only a refusal (not a participant) ends the hold.
                  catchError((error: unknown) => (HubError.is(error) && error.kind === 'not-connected' ? EMPTY : throwError(() => error))),
                ),
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
        this.hooks.released?.(conversationId);
        if (this.joinedHere.delete(conversationId) && this.leaveOnRelease) {
          // Leaving is the one piece of work this teardown starts. It stops tracking the
          // conversation at once (no re-join after a reconnect), then tells the server when
          // connected — after a join still under way, as invocations keep their order — or
          // fails quietly when the client is disconnected (the server forgot the join anyway).
          this.chat
            .leaveConversation(conversationId)
            .pipe(catchError(() => EMPTY))
            .subscribe();
        }
      };
    });
  }

  /** How many holders a conversation has (0 when none). */
  holderCount(conversationId: string): number {
    return this.holders.get(conversationId) ?? 0;
  }
}
