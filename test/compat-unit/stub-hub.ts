/**
 * A hand-driven reactive chat hub for the compat unit tests: the test sets its status and emits
 * its events, and it counts the subscriptions each event has — so the compat event registry can
 * be checked without SignalR or the fakes of `chat-client-rx/testing`.
 */
import { BehaviorSubject, EMPTY, NEVER, Observable, of, Subject, throwError } from 'rxjs';
import type { ChatHubEventMap, SendMessageAck } from '../../src/codecs/index.js';
import { InvalidArgumentError } from '../../src/core/index.js';
import { type ChatHub, type HubConnectionStatus, HubError } from '../../src/hubs/index.js';

const EVENTS: ReadonlySet<string> = new Set([
  'messageReceived',
  'messageUpdated',
  'messageDeleted',
  'messageRecovered',
  'reactionAdded',
  'reactionRemoved',
  'typingStarted',
  'typingStopped',
  'readReceiptUpdated',
  'streamStarted',
  'streamStatusUpdated',
  'streamChunkReceived',
  'streamCompleted',
  'streamAborted',
  'error',
]);

/** A `ChatHub` whose status and events the test drives. */
export class StubChatHub implements ChatHub {
  readonly status$ = new BehaviorSubject<HubConnectionStatus>({ status: 'disconnected' });
  readonly state$: Observable<HubConnectionStatus> = this.status$.asObservable();
  readonly intent$ = new BehaviorSubject<'connected' | 'disconnected'>('disconnected');
  readonly sessions$ = NEVER;
  readonly errorsSubject = new Subject<HubError>();
  readonly errors$ = this.errorsSubject.asObservable();
  readonly joinedConversations$ = of(new Set<string>());
  readonly joinedConversations: ReadonlySet<string> = new Set(['c1']);
  readonly rejoined$ = NEVER;
  readonly maxMessageBytes = Number.POSITIVE_INFINITY;
  /** Live subscriptions per event. */
  readonly subscriptions = new Map<string, number>();
  /** What the next `sendMessage` answers. */
  nextAck: SendMessageAck = { success: true, messageId: 'm1' };
  /** What `connect()` does: connect at once (default) or stay connecting. */
  connectMode: 'now' | 'pending' = 'now';
  private readonly subjects = new Map<string, Subject<unknown>>();

  get status(): HubConnectionStatus {
    return this.status$.value;
  }

  /** Moves the status. */
  set(status: HubConnectionStatus): void {
    this.status$.next(status);
  }

  /** Emits a server event to whoever listens. */
  emit<K extends keyof ChatHubEventMap & string>(event: K, payload: ChatHubEventMap[K]): void {
    this.subjects.get(event)?.next(payload);
  }

  on<K extends keyof ChatHubEventMap & string>(event: K): Observable<ChatHubEventMap[K]> {
    if (!EVENTS.has(event)) throw new InvalidArgumentError('event', `unknown event '${event}'`);
    let subject = this.subjects.get(event);
    if (subject === undefined) {
      subject = new Subject();
      this.subjects.set(event, subject);
    }
    const source = subject as Subject<ChatHubEventMap[K]>;
    return new Observable<ChatHubEventMap[K]>((subscriber) => {
      this.subscriptions.set(event, (this.subscriptions.get(event) ?? 0) + 1);
      const inner = source.subscribe(subscriber);
      return () => {
        inner.unsubscribe();
        this.subscriptions.set(event, (this.subscriptions.get(event) ?? 1) - 1);
      };
    });
  }

  connect(): Observable<void> {
    this.intent$.next('connected');
    if (this.connectMode === 'now') {
      this.set({ status: 'connected', connectionId: 'conn-1' });
      return of(undefined);
    }
    this.set({ status: 'connecting', attempt: 1 });
    return NEVER;
  }

  disconnect(): Observable<void> {
    this.intent$.next('disconnected');
    this.set({ status: 'disconnected' });
    return of(undefined);
  }

  invocationBytes(): number {
    return 0;
  }
  joinConversation(): Observable<void> {
    return of(undefined);
  }
  leaveConversation(): Observable<void> {
    return of(undefined);
  }
  rejoinConversations(): Observable<ReadonlySet<string>> {
    return of(new Set(['c1']));
  }
  sendMessage(): Observable<SendMessageAck> {
    const ack = this.nextAck;
    if (ack.success) return of(ack);
    return throwError(
      () =>
        new HubError('ack', ack.errorMessage ?? 'failed', {
          hub: 'chat',
          method: 'SendMessage',
          raw: ack,
          ...(ack.errorCode != null ? { errorCode: ack.errorCode } : {}),
        }),
    );
  }
  startTyping(): Observable<void> {
    return throwError(() => new HubError('invocation', 'boom', { hub: 'chat', method: 'StartTyping' }));
  }
  stopTyping(): Observable<void> {
    return EMPTY;
  }
  editMessage(): Observable<never> {
    return NEVER;
  }
  deleteMessage(): Observable<never> {
    return NEVER;
  }
  recoverMessage(): Observable<never> {
    return NEVER;
  }
  markAsRead(): Observable<never> {
    return NEVER;
  }
  addReaction(): Observable<never> {
    return NEVER;
  }
  removeReaction(): Observable<never> {
    return NEVER;
  }
}
