/**
 * The consumers the hub rows compare, each set up (connected, joined) in a fresh consumer
 * process (`consumer-process.ts`). Each calls `arrived(id)` once per `messageReceived` event it
 * delivers (`id` is the message's id where the consumer sees it, else `undefined`).
 *
 * - `bare` (the baseline): a `@microsoft/signalr` `HubConnection` (stateful reconnect, as the
 *   library's default) with one handler;
 * - `bareWindow`: the bare handler keeping the last 1,000 payloads in a ring buffer (no copies, no
 *   decoding): what holding a timeline's window costs by itself (the garbage collector copies and
 *   promotes what is held), the floor of any consumer that keeps 1,000 messages;
 * - `bareWindowCopy`: the same, and a new array of the 1,000 (`slice()`) per event, as `messages$`
 *   emits: the floor of the timeline's semantics, measured without the library;
 * - `ssv`: `@ssv/signalr-client`'s `HubConnection.on('messageReceived')` (its own connection
 *   management; no stateful reconnect, which it does not configure);
 * - `fromEventPattern`: the bare connection wrapped by hand, `fromEventPattern(on, off)` + `share()`;
 * - `chatOn`: `createChatClient(…).realtime.chat.on('messageReceived')`, decoded;
 * - `messages`: `client.messages$` (the conversation joined on the hub: covered by the feed);
 * - `timeline`: `client.timeline(id).messages$`, default window (1,000);
 * - `timelineWindow50`: the same with `maxMessages: 50` (what the window's size costs);
 * - `timeline100`: 100 timelines, one per conversation, events round robin over the 100 (so by
 *   the end every window is full: 100,000 messages held);
 * - `timeline100one`: the same 100 timelines, every event to the first conversation (what 99 idle
 *   open timelines cost each event);
 * - `timelineSubs10` / `timelineSubs50`: one timeline, 10 or 50 subscribers to `messages$`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type HubConnection, HubConnectionBuilder, LogLevel } from '@microsoft/signalr';
import { HubConnection as SsvHubConnection } from '@ssv/signalr-client';
import { filter, firstValueFrom, fromEventPattern, type Observable, share, type Subscription, take } from 'rxjs';
import { type ChatClient, createChatClient } from '../src/client.js';
import type { Ready } from './gateway-handle.js';

/** The consumers, in table order. */
export const HUB_VARIANTS = [
  'bare',
  'bareWindow',
  'bareWindowCopy',
  'bareWindow100',
  'ssv',
  'fromEventPattern',
  'chatOn',
  'messages',
  'timeline',
  'timelineWindow50',
  'timeline100',
  'timeline100one',
  'timelineSubs10',
  'timelineSubs50',
] as const;
/** One consumer. */
export type HubVariant = (typeof HUB_VARIANTS)[number];

/** A consumer set up and delivering: `close` ends it (and throws if the client reported errors). */
export interface Consumer {
  /** The conversations it listens to (events go round robin over them). */
  readonly conversationIds: readonly string[];
  close(): Promise<void>;
}

/** Called once per delivered event. */
export type Arrived = (id: string | undefined) => void;

function bareConnection(ready: Ready): HubConnection {
  return new HubConnectionBuilder()
    .withUrl(`${ready.url}/hubs/chat`, { accessTokenFactory: () => ready.token })
    .withStatefulReconnect()
    .configureLogging(LogLevel.Warning)
    .build();
}

async function bare(ready: Ready, arrived: Arrived): Promise<Consumer> {
  const connection = bareConnection(ready);
  connection.on('messageReceived', () => arrived(undefined));
  await connection.start();
  await connection.invoke('JoinConversation', ready.conversationId);
  return { conversationIds: [ready.conversationId], close: () => connection.stop() };
}

/** Where `bareWindowCopy` puts each copy (so the optimiser keeps it). */
export const copySink: { value: unknown } = { value: undefined };

async function bareWindow(ready: Ready, arrived: Arrived, copy: boolean): Promise<Consumer> {
  const connection = bareConnection(ready);
  const ring = new Array<unknown>(1000);
  let next = 0;
  const window: unknown[] = [];
  connection.on(
    'messageReceived',
    copy
      ? (message: unknown) => {
          // The window oldest first, and a new array of it per event: what `messages$` emits.
          window.push(message);
          if (window.length > 1000) window.shift();
          copySink.value = window.slice();
          arrived(undefined);
        }
      : (message: unknown) => {
          ring[next] = message;
          next = (next + 1) % ring.length;
          arrived(undefined);
        },
  );
  await connection.start();
  await connection.invoke('JoinConversation', ready.conversationId);
  return { conversationIds: [ready.conversationId], close: () => connection.stop() };
}

/** The bare handler keeping the last 1,000 payloads of each of 100 conversations (rings by conversation id). */
async function bareWindows(ready: Ready, arrived: Arrived): Promise<Consumer> {
  const connection = bareConnection(ready);
  const rings = new Map<string, { items: unknown[]; next: number }>();
  connection.on('messageReceived', (message: { conversationId: string }) => {
    let ring = rings.get(message.conversationId);
    if (ring === undefined) rings.set(message.conversationId, (ring = { items: new Array<unknown>(1000), next: 0 }));
    ring.items[ring.next] = message;
    ring.next = (ring.next + 1) % 1000;
    arrived(undefined);
  });
  await connection.start();
  const conversationIds = ready.conversations.slice(0, 100);
  for (const id of conversationIds) await connection.invoke('JoinConversation', id);
  return { conversationIds, close: () => connection.stop() };
}

async function ssv(ready: Ready, arrived: Arrived): Promise<Consumer> {
  const hub = new SsvHubConnection<{ messageReceived: unknown; JoinConversation: unknown }>({
    key: 'chat',
    endpointUri: `${ready.url}/hubs/chat`,
    options: { accessTokenFactory: () => ready.token, logger: LogLevel.Warning },
  });
  const subscription = hub.on('messageReceived').subscribe(() => arrived(undefined));
  await firstValueFrom(hub.connect());
  await firstValueFrom(hub.invoke('JoinConversation', ready.conversationId));
  return {
    conversationIds: [ready.conversationId],
    async close() {
      subscription.unsubscribe();
      await firstValueFrom(hub.disconnect(), { defaultValue: undefined });
      hub.dispose();
    },
  };
}

async function fromPattern(ready: Ready, arrived: Arrived): Promise<Consumer> {
  const connection = bareConnection(ready);
  const received$: Observable<unknown> = fromEventPattern(
    (handler) => connection.on('messageReceived', handler),
    (handler) => connection.off('messageReceived', handler),
  ).pipe(share());
  const subscription = received$.subscribe(() => arrived(undefined));
  await connection.start();
  await connection.invoke('JoinConversation', ready.conversationId);
  return {
    conversationIds: [ready.conversationId],
    async close() {
      subscription.unsubscribe();
      await connection.stop();
    },
  };
}

/** A connected chat client whose errors are counted; `close` throws if there were any. */
async function connectedClient(ready: Ready): Promise<{ client: ChatClient; subscription: Subscription; close(): Promise<void> }> {
  const client = createChatClient({ baseUrl: ready.url, token: ready.token });
  let errors = 0;
  const subscription = client.errors$.subscribe(() => (errors += 1));
  await firstValueFrom(client.connect());
  return {
    client,
    subscription,
    async close() {
      subscription.unsubscribe();
      await client.disconnect();
      if (errors > 0) throw new Error(`the chat client reported ${errors} errors`);
    },
  };
}

async function joined(client: ChatClient, conversationIds: readonly string[]): Promise<void> {
  await firstValueFrom(
    client.realtime.chat.joinedConversations$.pipe(
      filter((ids) => conversationIds.every((id) => ids.has(id))),
      take(1),
    ),
  );
  await sleep(200); // the first history pages, baselines and the recoveries after the joins
}

async function chatOn(ready: Ready, arrived: Arrived): Promise<Consumer> {
  const c = await connectedClient(ready);
  c.subscription.add(c.client.realtime.chat.on('messageReceived').subscribe((m) => arrived(m.id)));
  await firstValueFrom(c.client.realtime.chat.joinConversation(ready.conversationId), { defaultValue: undefined });
  return { conversationIds: [ready.conversationId], close: () => c.close() };
}

async function messages(ready: Ready, arrived: Arrived): Promise<Consumer> {
  const c = await connectedClient(ready);
  c.subscription.add(c.client.messages$.subscribe((m) => arrived(m.id)));
  await firstValueFrom(c.client.realtime.chat.joinConversation(ready.conversationId), { defaultValue: undefined });
  await joined(c.client, [ready.conversationId]);
  return { conversationIds: [ready.conversationId], close: () => c.close() };
}

/** `timelines` timelines (one per conversation) with `subscribers` subscribers each; the first subscriber of each reports. */
async function timelines(
  ready: Ready,
  arrived: Arrived,
  conversationIds: readonly string[],
  subscribers: number,
  maxMessages = 1000,
): Promise<Consumer> {
  const c = await connectedClient(ready);
  for (const id of conversationIds) {
    const timeline = c.client.timeline(id, { maxMessages });
    let last = '';
    c.subscription.add(
      timeline.messages$.subscribe((list) => {
        const newest = list[list.length - 1]?.id;
        if (newest !== undefined && newest !== last) {
          last = newest;
          arrived(newest);
        }
      }),
    );
    for (let i = 1; i < subscribers; i++) c.subscription.add(timeline.messages$.subscribe(() => undefined));
  }
  await joined(c.client, conversationIds);
  return { conversationIds, close: () => c.close() };
}

/**
 * Opens a timeline per id with one subscriber each (kept in `subscriptions`: the timeline runs —
 * first page, join, baseline — while it is there), ten at a time so the HTTP client's connection
 * pool stays as a warm-up left it (a hundred first pages at once would open a hundred more
 * keep-alive sockets), each batch waiting for its joins and then for its first pages, baselines
 * and recoveries. What the heap rows measure an open timeline by.
 */
export async function holdTimelines(client: ChatClient, ids: readonly string[], subscriptions: Subscription[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 10) {
    const batch = ids.slice(i, i + 10);
    for (const id of batch) subscriptions.push(client.timeline(id).messages$.subscribe());
    await firstValueFrom(client.realtime.chat.joinedConversations$.pipe(filter((joined) => batch.every((id) => joined.has(id)))));
    await sleep(100);
  }
  await sleep(200);
}

/** Sets up `variant`, delivering into `arrived`. */
export function startConsumer(variant: HubVariant, ready: Ready, arrived: Arrived): Promise<Consumer> {
  switch (variant) {
    case 'bare':
      return bare(ready, arrived);
    case 'bareWindow':
      return bareWindow(ready, arrived, false);
    case 'bareWindowCopy':
      return bareWindow(ready, arrived, true);
    case 'bareWindow100':
      return bareWindows(ready, arrived);
    case 'ssv':
      return ssv(ready, arrived);
    case 'fromEventPattern':
      return fromPattern(ready, arrived);
    case 'chatOn':
      return chatOn(ready, arrived);
    case 'messages':
      return messages(ready, arrived);
    case 'timeline':
      return timelines(ready, arrived, [ready.conversationId], 1);
    case 'timelineWindow50':
      return timelines(ready, arrived, [ready.conversationId], 1, 50);
    case 'timeline100':
      return timelines(ready, arrived, ready.conversations.slice(0, 100), 1);
    case 'timeline100one':
      return timelines(ready, arrived, ready.conversations.slice(0, 100), 1).then((c) => ({
        ...c,
        conversationIds: c.conversationIds.slice(0, 1),
      }));
    case 'timelineSubs10':
      return timelines(ready, arrived, [ready.conversationId], 10);
    case 'timelineSubs50':
      return timelines(ready, arrived, [ready.conversationId], 50);
  }
}
