/**
 * The conversations a chat hub has joined and joins again after a new session, shared by
 * `ChatHubClient` and the `FakeChatHub` of `chat-client-rx/testing`. Internal: not exported by any
 * barrel.
 */
import { catchError, concat, defer, EMPTY, endWith, ignoreElements, type Observable, Subject, tap } from 'rxjs';
import { messageOf } from '../core/errors.js';
import { HubError } from './hub-error.js';
import type { HubSession } from './hub-state.js';
import type { RejoinedEvent } from './ports.js';
import { TrackedIds } from './tracked-ids.js';

/** What {@link ConversationJoins} needs from its hub. */
export interface JoiningHub {
  /** `hub` of the errors reported (`chat`). */
  readonly hubName: string;
  /** Invokes `JoinConversation`. */
  join(conversationId: string): Observable<void>;
  /** Invokes `LeaveConversation`. */
  leave(conversationId: string): Observable<void>;
  /** Reports on the hub's `errors$`. */
  report(error: HubError): void;
}

/**
 * A chat hub's joined conversations: tracked after a successful join, untracked when leaving,
 * joined again one after the other after every new session but the first (`rejoined$` then tells
 * which), and forgotten on `disconnect()`.
 */
export class ConversationJoins {
  /** Replays the ids of the conversations joined (and re-joined after reconnects). */
  readonly joinedConversations$: Observable<ReadonlySet<string>>;
  /** Emits after the conversations were joined again following a new session. Hot. */
  readonly rejoined$: Observable<RejoinedEvent>;
  private readonly rejoined = new Subject<RejoinedEvent>();
  private readonly joined = new TrackedIds();

  constructor(private readonly hub: JoiningHub) {
    this.joinedConversations$ = this.joined.ids$;
    this.rejoined$ = this.rejoined.asObservable();
  }

  /** The conversations joined now, synchronously. */
  get joinedConversations(): ReadonlySet<string> {
    return this.joined.ids;
  }

  /** Joins (cold), then tracks the conversation for re-joining. */
  join(conversationId: string): Observable<void> {
    return this.hub.join(conversationId).pipe(tap(() => this.joined.set([conversationId], true)));
  }

  /** On subscribe: stops tracking the conversation, then leaves it. */
  leave(conversationId: string): Observable<void> {
    return defer(() => {
      this.joined.set([conversationId], false);
      return this.hub.leave(conversationId);
    });
  }

  /**
   * Joins every tracked conversation again (cold: one join after the other). Emits once, when
   * every conversation was tried, the set of those joined again, then completes. Never errors: a
   * failed join is reported (kind `rejoin`) and left out of the set; one the server refused (kind
   * `invocation` or `ack`: the user was removed, say) is no longer tracked, any other (the
   * connection went away again) stays tracked for the next re-join.
   */
  rejoin(): Observable<ReadonlySet<string>> {
    return defer(() => {
      const rejoined = new Set<string>();
      return concat(
        ...[...this.joined.ids].map((conversationId) =>
          this.hub.join(conversationId).pipe(
            tap(() => rejoined.add(conversationId)),
            catchError((error: unknown) => {
              const refused = HubError.is(error) && (error.kind === 'invocation' || error.kind === 'ack');
              if (refused) this.joined.set([conversationId], false);
              this.hub.report(
                new HubError(
                  'rejoin',
                  `chat hub: could not re-join conversation ${conversationId}${refused ? '' : ' (will retry after the next reconnect)'}: ${messageOf(error)}`,
                  { hub: this.hub.hubName, method: 'JoinConversation', conversationId, cause: error },
                ),
              );
              return EMPTY;
            }),
          ),
        ),
      ).pipe(ignoreElements(), endWith(rejoined));
    });
  }

  /**
   * The hub's work after a new session: none for the first, else {@link rejoin}, then
   * `rejoined$` with the conversations joined again now (one cut off stays tracked but is not in it).
   */
  afterSession(session: HubSession): Observable<never> {
    if (session.number === 1) return EMPTY;
    return this.rejoin().pipe(
      tap((conversationIds) => this.rejoined.next({ session, conversationIds })),
      ignoreElements(),
    );
  }

  /** Forgets every joined conversation (on `disconnect()`, as the seed SDK does). */
  forget(): void {
    this.joined.clear();
  }
}
