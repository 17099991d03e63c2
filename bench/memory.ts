/**
 * Row 5: memory.
 *
 * (a) Timelines: a client connected to the embedded gateway (its own process, so its heap is not
 *     counted), one conversation of its own with 20 messages. 10,000 timelines are opened and closed, 100 at
 *     a time: each batch subscribes 100 `timeline(id).messages$`, waits until every one has its
 *     first page (a REST call each; the conversation is joined once, shared), then unsubscribes
 *     all. Heap after a full GC once 1,000 timelines have come and gone (everything warm) versus
 *     after all 10,000.
 * (b) Events: one timeline on a stub `TimelineDeps` (a fake chat hub whose `on()` returns
 *     Subjects, REST answering an empty page) with the default window of 1,000; 1,000,000
 *     `messageReceived` payloads with unique increasing ids are pushed through the fake hub, 100 a
 *     turn of the event loop, and `messages$` is read on every emission (the last of each turn
 *     must end with the turn's last message). Heap after a full GC once the window is full (20,000
 *     events) versus after all 1,000,000; the largest array `messages$` emitted must not exceed
 *     `maxMessages`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { EMPTY, filter, firstValueFrom, NEVER, of, Subject, type Observable, type Subscription } from 'rxjs';
import { createChatClient } from '../src/client.js';
import type { ChatMessageDto, CursorPaginatedResult, MessageDto } from '../src/codecs/index.js';
import type { ChatHubClient } from '../src/hubs/chat-hub-client.js';
import { Timeline, type TimelineDeps } from '../src/streams/timeline.js';
import type { GatewayProcess } from './gateway-handle.js';
import { collectGarbage } from './harness.js';
import { chatMessage, idAt } from './payload.js';

/** Heap (after two full GCs) at the start and the end of a memory row, and how long it took. */
export interface HeapResult {
  readonly startBytes: number;
  readonly endBytes: number;
  readonly ms: number;
}

/** Row 5b/5c: the heap, and the largest array `messages$` emitted against the window. */
export interface EventsHeapResult extends HeapResult {
  readonly maxLength: number;
  readonly maxMessages: number;
  readonly events: number;
}

function heapUsed(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

/** (a) Opens and closes `count` timelines against the gateway, `batch` at a time. */
export async function measureTimelineChurn(gateway: GatewayProcess, count = 10_000, batch = 100): Promise<HeapResult> {
  const { url, token, churnConversationId: conversationId } = gateway.ready;
  for (let i = 0; i < 20; i++) {
    const response = await fetch(`${url}/api/conversations/${conversationId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ blocks: [{ $type: 'text', format: 'Plain', content: `history ${i}`, plainText: `history ${i}` }] }),
    });
    if (!response.ok) throw new Error(`could not post a history message: ${response.status}`);
  }
  const client = createChatClient({ baseUrl: url, token });
  let errors = 0;
  const errorWatch = client.errors$.subscribe(() => (errors += 1));
  await firstValueFrom(client.connect());
  const started = performance.now();
  let startBytes = 0;
  const warmBatches = Math.max(1, Math.round(1_000 / batch));
  for (let b = 0; b < count / batch; b++) {
    if (b === warmBatches) startBytes = heapUsed();
    const subscriptions: Subscription[] = [];
    const firstPages: Array<Promise<unknown>> = [];
    for (let i = 0; i < batch; i++) {
      const timeline = client.timeline(conversationId);
      const page = new Subject<void>();
      firstPages.push(firstValueFrom(page, { defaultValue: undefined }));
      subscriptions.push(
        timeline.messages$.pipe(filter((messages) => messages.length > 0)).subscribe(() => {
          page.next();
          page.complete();
        }),
      );
    }
    await Promise.all(firstPages);
    for (const subscription of subscriptions) subscription.unsubscribe();
  }
  await sleep(50); // let the last leave (or abort) settle
  const endBytes = heapUsed();
  const ms = performance.now() - started;
  errorWatch.unsubscribe();
  await client.disconnect();
  if (errors > 0) throw new Error(`the client reported ${errors} errors during the timeline churn`);
  return { startBytes, endBytes, ms };
}

/** A chat hub stand-in: every `on(event)` is a Subject the bench pushes into. */
function fakeChat(): { chat: ChatHubClient; emit(event: string, payload: unknown): void } {
  const subjects = new Map<string, Subject<unknown>>();
  const subject = (event: string): Subject<unknown> => {
    let s = subjects.get(event);
    if (!s) subjects.set(event, (s = new Subject<unknown>()));
    return s;
  };
  const known: Record<string, unknown> = {
    on: (event: string): Observable<unknown> => subject(event).asObservable(),
    state$: of({ status: 'disconnected' }),
    status: { status: 'disconnected' },
    joinedConversations: new Set<string>(),
    startTyping: () => EMPTY,
    stopTyping: () => EMPTY,
  };
  // Any other Observable property (`rejoined$`, `sessions$`, …) never emits: no reconnects here.
  const chat = new Proxy(known, {
    get: (target, property) =>
      typeof property === 'string' && !(property in target) && property.endsWith('$') ? NEVER : target[property as string],
  }) as unknown as ChatHubClient;
  return { chat, emit: (event, payload) => subject(event).next(payload) };
}

/** (b) Pushes `events` messages through one timeline's `messages$` on a stub `TimelineDeps`. */
export async function measureEventFlood(events = 1_000_000, maxMessages = 1_000): Promise<EventsHeapResult> {
  const hub = fakeChat();
  const emptyPage: CursorPaginatedResult<MessageDto> = { items: [], nextCursor: null, hasMore: false };
  const deps: TimelineDeps = {
    chat: hub.chat,
    messages: { getHistory: () => of(emptyPage), send: () => EMPTY },
    streams$: NEVER,
    currentUser: () => null,
    report: (error) => {
      throw error;
    },
    newClientMessageId: () => 'bench',
  };
  const template = chatMessage(idAt(0));
  const timeline = new Timeline(template.conversationId, deps, { join: false, maxMessages });
  let maxLength = 0;
  let lastId = '';
  const subscription = timeline.messages$.subscribe((messages) => {
    if (messages.length > maxLength) maxLength = messages.length;
    lastId = messages[messages.length - 1]?.id ?? '';
  });
  const warm = 20_000;
  let startBytes = 0;
  const started = performance.now();
  // Hub events are emitted per turn of the event loop (docs/state.md): 100 a turn, as a socket read
  // brings them; after each turn the last emission must end with the turn's last message.
  const perTurn = 100;
  for (let i = 0; i < events; i += perTurn) {
    if (i === warm) startBytes = heapUsed();
    let id = '';
    for (let k = i; k < Math.min(i + perTurn, events); k++) {
      id = idAt(k);
      const message: ChatMessageDto = { ...template, id };
      hub.emit('messageReceived', message);
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (lastId !== id) throw new Error(`event ${id} did not reach messages$ by the end of its turn`);
  }
  const endBytes = heapUsed();
  const ms = performance.now() - started;
  subscription.unsubscribe();
  return { startBytes, endBytes, ms, maxLength, maxMessages, events };
}
