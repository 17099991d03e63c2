import { catchError, concat, defer, EMPTY, ignoreElements, Observable, type Subscriber, type Subscription, share, tap } from 'rxjs';
import { HubError } from '../hubs/hub-error.js';
import type { HubConnectionStatus } from '../hubs/hub-state.js';
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
  private readonly joins: Joins;
  /** The holds there are, told of every connection: the hub's status is watched once for all of them, while there are any. */
  private readonly holds = new Set<JoinHold>();
  private watching: Subscription | undefined;

  constructor(
    private readonly chat: ChatHubPort,
    /** Leave the conversation when its last holder goes. @default true */
    private readonly leaveOnRelease = true,
    hooks: JoinHooks = {},
  ) {
    this.joins = { chat, hooks, joinedHere: new Set(), underWay: new Map() };
  }

  /**
   * Holds a join while subscribed. Emits when the conversation is joined (waiting for the hub to
   * connect, however long), and again whenever a later connection had to join it anew (after
   * `disconnect()` + `connect()`); never completes; errors if a join is refused.
   */
  hold(conversationId: string): Observable<void> {
    return new Observable<void>((subscriber) => {
      this.holders.set(conversationId, (this.holders.get(conversationId) ?? 0) + 1);
      const hold = new JoinHold(this.joins, conversationId, subscriber);
      this.holds.add(hold);
      // The first hold starts watching (the status replayed tells it, as every hold there is);
      // a later one reads the status there is now.
      if (this.watching === undefined) this.watch();
      else if (this.chat.status.status === 'connected') hold.connected();
      return () => this.release(hold);
    });
  }

  /** How many holders a conversation has (0 when none). */
  holderCount(conversationId: string): number {
    return this.holders.get(conversationId) ?? 0;
  }

  /** Watches the hub's status for every hold (one subscription, whatever their number). */
  private watch(): void {
    const watching: Subscription = this.chat.state$.subscribe({
      next: (status: HubConnectionStatus) => {
        if (status.status !== 'connected') return;
        for (const hold of [...this.holds]) hold.connected();
      },
      error: (error: unknown) => {
        this.watching = undefined;
        for (const hold of [...this.holds]) hold.fail(error);
      },
    });
    // Every hold went while the status was replayed (a refused join): not watching after all.
    if (this.holds.size === 0) watching.unsubscribe();
    else if (!watching.closed) this.watching = watching;
  }

  private release(hold: JoinHold): void {
    hold.close();
    this.holds.delete(hold);
    if (this.holds.size === 0 && this.watching !== undefined) {
      this.watching.unsubscribe();
      this.watching = undefined;
    }
    const conversationId = hold.conversationId;
    const left = (this.holders.get(conversationId) ?? 1) - 1;
    if (left > 0) {
      this.holders.set(conversationId, left);
      return;
    }
    this.holders.delete(conversationId);
    this.joins.hooks.released?.(conversationId);
    if (this.joins.joinedHere.delete(conversationId) && this.leaveOnRelease) {
      // Leaving is the one piece of work this teardown starts. It stops tracking the
      // conversation at once (no re-join after a reconnect), then tells the server when
      // connected — after a join still under way, as invocations keep their order — or
      // fails quietly when the client is disconnected (the server forgot the join anyway).
      this.chat
        .leaveConversation(conversationId)
        .pipe(catchError(() => EMPTY))
        .subscribe();
    }
  }
}

/** What every hold of one registry shares. */
interface Joins {
  readonly chat: ChatHubPort;
  readonly hooks: JoinHooks;
  /** Conversations this registry joined (and so leaves when their last holder goes). */
  readonly joinedHere: Set<string>;
  /** The joins under way, by conversation: a hold that needs one while another is under way waits for that one. */
  readonly underWay: Map<string, Observable<unknown>>;
}

/**
 * One holder's join, told of each connection in turn. On a connection, a conversation the hub
 * client has joined already is news only the first time (the holder's first connection); one it
 * has not is joined (after `beforeJoin`; or the join another holder of it has under way is waited
 * for), the holder told when the server answered. Connections
 * are taken one after the other: one that comes while a join is under way waits for it (and then
 * finds the conversation joined, most likely). A join the connection's end cut off waits for the
 * next connection; a refusal ends the hold with the error.
 */
class JoinHold {
  /** Connections told and not yet taken. */
  private waiting = 0;
  /** Connections taken. */
  private taken = 0;
  /** The join under way. */
  private joining: Subscription | undefined;
  private busy = false;
  private closed = false;

  constructor(
    private readonly joins: Joins,
    readonly conversationId: string,
    private readonly subscriber: Subscriber<void>,
  ) {}

  /** The hub is connected (again). */
  connected(): void {
    this.waiting += 1;
    this.takeNext();
  }

  /** The hub's status failed: so does the hold. */
  fail(error: unknown): void {
    if (!this.closed) this.subscriber.error(error);
  }

  /** The holder went: a join under way is no longer waited for (the server runs it anyway). */
  close(): void {
    this.closed = true;
    this.waiting = 0;
    this.joining?.unsubscribe();
    this.joining = undefined;
  }

  private takeNext(): void {
    while (!this.busy && !this.closed && this.waiting > 0) {
      this.waiting -= 1;
      const first = this.taken === 0;
      this.taken += 1;
      const { chat } = this.joins;
      if (chat.joinedConversations.has(this.conversationId)) {
        if (first) this.subscriber.next();
        continue;
      }
      this.busy = true;
      let sync = true;
      const joining = this.join().subscribe({
        next: () => this.subscriber.next(),
        error: (error: unknown) => {
          this.busy = false;
          // A join cut off by the connection closing is tried again on the next connection;
          // only a refusal (not a participant) ends the hold.
          if (HubError.is(error) && error.kind === 'not-connected') this.joined(sync);
          else this.subscriber.error(error);
        },
        complete: () => {
          this.busy = false;
          this.joined(sync);
        },
      });
      sync = false;
      if (this.closed) joining.unsubscribe();
      else if (this.busy) this.joining = joining;
    }
  }

  /** The join ended: the next connection's turn (the loop above takes it when the join ended at once). */
  private joined(sync: boolean): void {
    this.joining = undefined;
    if (!sync) this.takeNext();
  }

  /** The join of the conversation under way, or a new one (shared by the holds that need it meanwhile). */
  private join(): Observable<unknown> {
    const { chat, hooks, joinedHere, underWay } = this.joins;
    const id = this.conversationId;
    const sharing = underWay.get(id);
    if (sharing !== undefined) return sharing;
    // Forgotten before its end reaches a hold, which may need a new join right away (on a connection).
    const ended = (): void => {
      if (underWay.get(id) === join) underWay.delete(id);
    };
    const join: Observable<unknown> = concat(
      hooks.beforeJoin?.(id).pipe(ignoreElements()) ?? EMPTY,
      defer(() => {
        // Counted as ours from the moment it is sent: the server runs it even if this holder
        // goes before the answer, and then it must be left.
        joinedHere.add(id);
        return chat.joinConversation(id);
      }).pipe(tap(() => hooks.afterJoin?.(id))),
    ).pipe(tap({ complete: ended, error: ended, unsubscribe: ended }), share());
    underWay.set(id, join);
    return join;
  }
}
