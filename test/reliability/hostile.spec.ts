/**
 * Hostile payloads on every chat hub event: fast-check generates batches of payloads — valid
 * ones, valid ones with a field deleted or of the wrong type, random JSON, 200 KB strings,
 * 500-level nesting, own `__proto__` / `constructor` / `prototype` keys — and the embedded
 * gateway sends them with `faults.emitRaw` to a client subscribed to every event and to a
 * timeline. Each bad payload must appear on `errors$` exactly once (kind `decode`, the event
 * name, the raw value), each valid one must arrive once on its event, no stream may die (a
 * valid payload after everything still arrives on each event), the timeline keeps working, and
 * `Object.prototype` stays clean.
 *
 * Which payloads are "bad" is decided by the event's codec (`decodeWith`) on the value as it
 * crosses the wire (a JSON round trip): this suite is about delivery and robustness; the codecs'
 * own verdicts are tested in test/codecs.
 */
import { expect } from 'chai';
import { either } from 'fp-ts';
import fc from 'fast-check';
import { firstValueFrom, type Subscription } from 'rxjs';
import { type ChatClient, createChatClient } from '../../src/client.js';
import { ChatHubEvents, type ChatHubEventName } from '../../src/codecs/index.js';
import { decodeWith } from '../../src/codecs/decode-with.js';
import { HubError } from '../../src/hubs/hub-error.js';
import type { TimelineMessage } from '../../src/streams/timeline-message.js';
import { applyMutation, chatMessageDtoArb, chatMessageDtoFieldKinds, fieldMutationArb } from '../codecs/arbitraries.js';
import * as S from '../codecs/samples.js';
import { startTestGateway, type TestGateway, uniqueName } from '../support/test-gateway.js';
import { waitFor } from '../support/wait.js';

const EVENTS = Object.keys(ChatHubEvents) as ChatHubEventName[];

/** One valid sample per chat hub event. */
const SAMPLES: { readonly [K in ChatHubEventName]: unknown } = {
  messageReceived: S.chatMessageDto,
  messageUpdated: S.messageUpdatedDto,
  messageDeleted: S.messageDeletedDto,
  messageRecovered: S.chatMessageDto,
  reactionAdded: S.reactionAddedDto,
  reactionRemoved: S.reactionRemovedDto,
  typingStarted: S.typingDto,
  typingStopped: S.typingDto,
  readReceiptUpdated: S.readReceiptUpdatedDto,
  streamStarted: S.streamStartedDto,
  streamStatusUpdated: S.streamStatusUpdatedDto,
  streamChunkReceived: S.streamChunkReceivedDto,
  streamCompleted: S.streamCompletedDto,
  streamAborted: S.streamAbortedDto,
  error: S.hubErrorDto,
};

const roundTrip = (value: unknown): unknown => (value === undefined ? null : JSON.parse(JSON.stringify(value)));
const isMessageEvent = (event: ChatHubEventName): boolean => event === 'messageReceived' || event === 'messageRecovered';

function deeplyNested(levels: number, leaf: unknown = 'bottom'): unknown {
  let value: unknown = leaf;
  for (let i = 0; i < levels; i++) value = i % 2 === 0 ? { nested: value } : [value];
  return value;
}

/** `__proto__`, `constructor` and `prototype` as OWN keys (JSON.parse makes them so). */
function withPollutingKeys(base: unknown): unknown {
  const text = JSON.stringify(base);
  const polluting = '"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"prototype":{"polluted":"yes"}';
  if (text.startsWith('{')) return JSON.parse(`{${polluting}${text === '{}' ? '' : `,${text.slice(1, -1)}`}}`) as unknown;
  return JSON.parse(`{${polluting},"value":${text}}`) as unknown;
}

/** A hostile (or valid) payload for one event, with the kind that produced it. */
function payloadArb(conversationId: string): fc.Arbitrary<{ event: ChatHubEventName; kind: string; payload: unknown }> {
  return fc.constantFrom(...EVENTS).chain((event) => {
    const sample = { ...(SAMPLES[event] as Record<string, unknown>), conversationId };
    const valid: fc.Arbitrary<unknown> = isMessageEvent(event)
      ? fc.tuple(chatMessageDtoArb, fc.boolean()).map(([m, ours]) => (ours ? { ...m, conversationId } : m))
      : fc.constant(sample);
    const keys = Object.keys(sample);
    const mutated: fc.Arbitrary<unknown> = isMessageEvent(event)
      ? fc.tuple(valid, fieldMutationArb(chatMessageDtoFieldKinds)).map(([m, mutation]) => applyMutation(m as object, mutation))
      : fc
          .tuple(fc.constantFrom(...keys), fc.option(fc.constantFrom<unknown>(42, 'x', true, {}, [], null, -1.5), { nil: undefined }))
          .map(([key, value]) => {
            const copy: Record<string, unknown> = { ...sample };
            if (value === undefined) delete copy[key];
            else copy[key] = value;
            return copy;
          });
    const huge = 'h'.repeat(200 * 1024);
    const hugeString: fc.Arbitrary<unknown> = fc.constantFrom<unknown>(
      huge,
      { ...sample, conversationId: huge },
      isMessageEvent(event) ? { ...(S.chatMessageDto as object), conversationId, senderName: huge } : { ...sample, hugeExtra: huge },
    );
    const deep: fc.Arbitrary<unknown> = fc.constantFrom<unknown>(
      deeplyNested(500),
      { ...sample, conversationId: deeplyNested(500) },
      { ...sample, deepExtra: deeplyNested(500) },
    );
    const polluting: fc.Arbitrary<unknown> = fc.oneof(
      valid.map(withPollutingKeys),
      mutated.map(withPollutingKeys),
      fc.jsonValue({ maxDepth: 2 }).map(withPollutingKeys),
    );
    return fc
      .oneof(
        valid.map((payload) => ({ kind: 'valid', payload })),
        mutated.map((payload) => ({ kind: 'mutated', payload })),
        fc.jsonValue({ maxDepth: 4 }).map((payload) => ({ kind: 'random JSON', payload })),
        hugeString.map((payload) => ({ kind: '200 KB string', payload })),
        deep.map((payload) => ({ kind: '500 levels', payload })),
        polluting.map((payload) => ({ kind: 'polluting keys', payload })),
      )
      .map(({ kind, payload }) => ({ event, kind, payload }));
  });
}

describe('reliability: hostile hub payloads', function () {
  this.timeout(60_000);
  let gateway: TestGateway;
  let alice: ChatClient;
  let bob: ChatClient;
  let conversationId: string;
  const subscriptions: Subscription[] = [];
  const delivered = new Map<ChatHubEventName, unknown[]>();
  const decodeErrors: HubError[] = [];
  const otherErrors: unknown[] = [];
  const deaths: string[] = [];
  let timeline: readonly TimelineMessage[] = [];
  let prototypeKeys: string[];

  before(async () => {
    prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
    gateway = await startTestGateway({ bot: false });
    alice = createChatClient({ baseUrl: gateway.url, hubs: { reconnectDelays: [50, 100, 200] } });
    bob = createChatClient({ baseUrl: gateway.url });
    const aliceId = (await firstValueFrom(alice.auth.loginWithDev(uniqueName('hostile-alice'), 'pw'))).user.id;
    await firstValueFrom(bob.auth.loginWithDev(uniqueName('hostile-bob'), 'pw'));
    conversationId = (await firstValueFrom(bob.groupConversation([aliceId], { name: 'hostile' }))).id;
    for (const event of EVENTS) {
      const values: unknown[] = [];
      delivered.set(event, values);
      subscriptions.push(
        alice.realtime.chat.on(event).subscribe({
          next: (value) => values.push(value),
          error: (error: unknown) => deaths.push(`${event} errored: ${String(error)}`),
          complete: () => deaths.push(`${event} completed`),
        }),
      );
    }
    subscriptions.push(
      alice.realtime.chat.errors$.subscribe((error) =>
        HubError.is(error) && error.kind === 'decode' ? decodeErrors.push(error) : otherErrors.push(error),
      ),
      alice.timeline(conversationId).messages$.subscribe({
        next: (list) => (timeline = list),
        error: (error: unknown) => deaths.push(`timeline errored: ${String(error)}`),
        complete: () => deaths.push('timeline completed'),
      }),
      alice.messages$.subscribe({
        error: (error: unknown) => deaths.push(`messages$ errored: ${String(error)}`),
        complete: () => deaths.push('messages$ completed'),
      }),
      alice.streams$.subscribe({
        error: (error: unknown) => deaths.push(`streams$ errored: ${String(error)}`),
        complete: () => deaths.push('streams$ completed'),
      }),
    );
    await firstValueFrom(alice.connect(), { defaultValue: undefined });
    await waitFor(() => alice.realtime.chat.joinedConversations.has(conversationId), 5000, 'alice to join');
  });

  after(async () => {
    for (const s of subscriptions.splice(0)) s.unsubscribe();
    await Promise.all([alice?.disconnect(), bob?.disconnect()]);
    await gateway?.close();
  });

  it('reports every bad payload once on errors$ (kind decode, event, raw), delivers every valid one once, and no stream dies', async () => {
    let valid = 0;
    let bad = 0;
    const kinds = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(payloadArb(conversationId), { minLength: 1, maxLength: 6 }), async (batch) => {
        const deliveredBefore = new Map([...delivered].map(([event, values]) => [event, values.length]));
        const errorsBefore = decodeErrors.length;
        const expectedValid = new Map<ChatHubEventName, unknown[]>();
        const expectedBad: Array<{ event: ChatHubEventName; raw: unknown }> = [];
        for (const { event, kind, payload } of batch) {
          const wire = roundTrip(payload);
          const ok = either.isRight(decodeWith(ChatHubEvents[event])(wire));
          kinds.set(`${kind}/${ok ? 'valid' : 'bad'}`, (kinds.get(`${kind}/${ok ? 'valid' : 'bad'}`) ?? 0) + 1);
          if (ok) {
            valid += 1;
            expectedValid.set(event, [...(expectedValid.get(event) ?? []), wire]);
          } else {
            bad += 1;
            expectedBad.push({ event, raw: wire });
          }
          await gateway.faults.emitRaw(conversationId, event, payload);
        }
        const arrived = (event: ChatHubEventName): unknown[] => (delivered.get(event) ?? []).slice(deliveredBefore.get(event) ?? 0);
        await waitFor(
          () =>
            decodeErrors.length - errorsBefore >= expectedBad.length &&
            EVENTS.every((e) => arrived(e).length >= (expectedValid.get(e)?.length ?? 0)),
          5000,
          `the batch to arrive: ${batch.map((b) => `${b.event}/${b.kind}`).join(', ')}`,
        );
        // Nothing more than expected (a late extra would show in the next batch's counts too).
        const reported = decodeErrors.slice(errorsBefore);
        expect(
          reported.map((e) => e.event),
          'decode errors: one per bad payload, in order',
        ).to.deep.equal(expectedBad.map((b) => b.event));
        reported.forEach((error, i) => {
          expect(error.kind).to.equal('decode');
          expect(error.hub).to.equal('chat');
          expect(JSON.stringify(error.raw), `raw value of bad payload #${i} (${error.event})`).to.equal(
            JSON.stringify(expectedBad[i]?.raw),
          );
          expect(error.decodeError, 'the decode error with its paths').to.not.equal(undefined);
        });
        for (const event of EVENTS) {
          expect(
            arrived(event).map((v) => JSON.stringify(v)),
            `valid ${event} payloads delivered once each`,
          ).to.deep.equal((expectedValid.get(event) ?? []).map((v) => JSON.stringify(v)));
        }
        expect(({} as Record<string, unknown>).polluted, 'Object.prototype polluted').to.equal(undefined);
      }),
      { numRuns: 40, endOnFailure: true },
    );
    if (process.env.HOSTILE_VERBOSE) console.log(Object.fromEntries(kinds));
    expect(valid, 'generated some valid payloads').to.be.greaterThan(5);
    expect(bad, 'generated some bad payloads').to.be.greaterThan(20);
    expect(deaths).to.deep.equal([]);
    expect(otherErrors, 'no other error on errors$').to.deep.equal([]);

    // Nothing late: no error or delivery arrives after the property's last batch.
    const errorsAtEnd = decodeErrors.length;
    // Every stream still alive: one valid payload on each event arrives.
    for (const event of EVENTS) {
      const before = delivered.get(event)?.length ?? 0;
      await gateway.faults.emitRaw(conversationId, event, { ...(SAMPLES[event] as object), conversationId });
      await waitFor(() => (delivered.get(event)?.length ?? 0) === before + 1, 3000, `a valid ${event} after the hostile batches`);
    }
    expect(decodeErrors.length, 'no late decode errors').to.equal(errorsAtEnd);
  });

  it('keeps the timeline working after the hostile batches', async () => {
    const text = uniqueName('after-hostile');
    const sent = await firstValueFrom(
      bob.messages.send(conversationId, {
        blocks: [{ $type: 'text', format: 'Plain', content: text, plainText: text }],
        clientMessageId: uniqueName('c'),
      }),
    );
    await waitFor(() => timeline.some((m) => m.id === sent.id && m.plainText === text), 5000, 'the real message in the timeline');
    expect(timeline.filter((m) => m.id === sent.id)).to.have.length(1);
    expect(deaths).to.deep.equal([]);
    expect(alice.realtime.chat.status.status).to.equal('connected');
  });

  it('leaves Object.prototype clean', () => {
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).to.deep.equal(prototypeKeys);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    expect(Object.hasOwn(Object.prototype, 'polluted')).to.equal(false);
    expect((Object as unknown as Record<string, unknown>).polluted).to.equal(undefined);
  });
});
