/**
 * A quick in-process look at what the client adds per hub event, without sockets: a test client
 * (`chat-client-rx/testing`: the real client over fake hubs, payloads decoded as on the wire) is
 * fed `messageReceived` payloads parsed from JSON, and each consumer's CPU time per event is
 * printed next to `JSON.parse` of the same text alone. Not part of `npm run bench`'s table: a tool
 * for profiling and for trying a change quickly —
 * `node --expose-gc [--cpu-prof] --import tsx bench/client-cost.ts [variant] [events]`, with
 * `TIMELINE_MAX=<n>` for the timelines' window.
 */
import { asyncScheduler, firstValueFrom, type Subscription } from 'rxjs';
import { createTestChatClient } from '../src/testing/create-test-chat-client.js';
import { FakeChatServer } from '../src/testing/fake-chat-server.js';
import { sink } from './harness.js';
import { chatMessage, idAt } from './payload.js';

type Variant = 'parse' | 'chatOn' | 'messages' | 'timeline' | 'timeline100' | 'timeline100one';
const VARIANTS: readonly Variant[] = ['parse', 'chatOn', 'messages', 'timeline', 'timeline100', 'timeline100one'];

async function measure(variant: Variant, events: number): Promise<number> {
  const server = new FakeChatServer({ scheduler: asyncScheduler });
  server.addParticipant('alice', 'Alice');
  server.addParticipant('bob', 'Bob');
  const conversations = Array.from({ length: 100 }, (_, i) => `conv-${String(i).padStart(3, '0')}`);
  for (const id of conversations) server.addConversation(id, ['alice', 'bob']);
  const { client, chat } = createTestChatClient({ server, user: 'alice' });
  await firstValueFrom(client.connect());
  const subscriptions: Subscription[] = [];
  let seen = 0;
  const open = variant === 'timeline100' || variant === 'timeline100one' ? conversations : conversations.slice(0, 1);
  const targets = variant === 'timeline100' ? conversations : conversations.slice(0, 1);
  if (variant === 'chatOn') subscriptions.push(chat.on('messageReceived').subscribe(() => (seen += 1)));
  if (variant === 'messages') {
    subscriptions.push(client.messages$.subscribe(() => (seen += 1)));
    subscriptions.push(client.followAllConversations().subscribe());
  }
  if (variant.startsWith('timeline')) {
    const maxMessages = Number(process.env.TIMELINE_MAX ?? 1000);
    for (const id of open) subscriptions.push(client.timeline(id, { maxMessages }).messages$.subscribe(() => (seen += 1)));
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
  const texts = Array.from({ length: 1000 }, (_, i) => JSON.stringify(chatMessage(idAt(i), targets[i % targets.length])));
  const template = texts.map((text) => text.replace(/"id":"[^"]+"/, '"id":"@@"'));
  // 100 events a turn of the event loop, as a socket read brings them (a timeline emits hub
  // changes per turn: docs/state.md).
  const run = async (from: number, count: number): Promise<number> => {
    const start = process.cpuUsage();
    for (let turn = from; turn < from + count; turn += 100) {
      for (let i = turn; i < Math.min(turn + 100, from + count); i++) {
        const text = (template[i % 1000] as string).replace('@@', idAt(i));
        const value: unknown = JSON.parse(text);
        if (variant === 'parse') sink.value = value;
        else chat.emit('messageReceived', value);
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const used = process.cpuUsage(start);
    return (used.user + used.system) / count;
  };
  await run(0, Math.min(20_000, events));
  const before = seen;
  const perEvent = await run(20_000, events);
  const expected = variant.startsWith('timeline') ? Math.ceil(events / 100) : events; // timelines: at least one emission a turn
  if (variant !== 'parse' && seen - before < expected) throw new Error(`${variant}: ${seen - before} emissions for ${events} events`);
  for (const s of subscriptions) s.unsubscribe();
  return perEvent;
}

const only = process.argv[2] as Variant | undefined;
const events = Number(process.argv[3] ?? 100_000);
for (const variant of only ? [only] : VARIANTS) {
  const us = await measure(variant, events);
  console.log(`${variant.padEnd(14)} ${us.toFixed(2)} µs CPU per event (JSON.parse and building the text included)`);
}
process.exit(0);
