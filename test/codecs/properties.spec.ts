import { expect } from 'chai';
import fc from 'fast-check';
import { either } from 'fp-ts';
import type * as t from 'io-ts';
import * as C from '../../src/codecs/index.js';
import {
  applyMutation,
  blockArb,
  blockFieldKinds,
  chatMessageDtoArb,
  chatMessageDtoFieldKinds,
  fieldMutationArb,
  jsonObjectArb,
  knownBlockArbs,
  knownBlockTypes,
  messageDtoArb,
  messageDtoFieldKinds,
  unknownBlockArb,
  type FieldMutation,
} from './arbitraries.js';
import { chatMessageDto, clone, messageDto, samples, textBlock } from './samples.js';

const runs = (numRuns: number): fc.Parameters<unknown> => ({ numRuns });

/** The codecs thrown arbitrary input: blocks, both message shapes, every hub event payload. */
const hostileTargets: ReadonlyArray<readonly [string, t.Any]> = [
  ['Block', C.Block],
  ['KnownBlock', C.KnownBlock],
  ['UnknownBlock', C.UnknownBlock],
  ['ChatMessageDto', C.ChatMessageDto],
  ['MessageDto', C.MessageDto],
  ['CursorPaginatedResult<MessageDto>', C.CursorPaginatedResult(C.MessageDto)],
  ['HealthStatus', C.HealthStatus],
  ['Cursor', C.Cursor],
  ['TimeSpan', C.TimeSpan],
  ...Object.entries(C.ChatHubEvents).map(([event, codec]) => [`chat hub "${event}"`, codec] as const),
  ...Object.entries(C.NotificationHubEvents).map(([event, codec]) => [`notification hub "${event}"`, codec] as const),
];

/**
 * Decodes and checks the result is a well-formed Either; returns it. With `consistency`, also
 * checks that `codec.is` and the full `codec.decode` agree (not for sparse arrays: io-ts's
 * `t.array(...).is` skips holes that `decode` rejects, see codecs.spec.ts).
 */
function decodeChecked(codec: t.Any, input: unknown, consistency = true): C.DecodeResult<unknown> {
  const result = C.decodeWith(codec)(input);
  expect(result._tag === 'Left' || result._tag === 'Right').to.equal(true);
  if (either.isLeft(result)) {
    expect(result.left).to.be.instanceOf(C.DecodeError);
    expect(result.left.codec).to.equal(codec.name);
    expect(result.left.issues).to.be.an('array').that.is.not.empty;
    for (const issue of result.left.issues) {
      expect(issue.path).to.be.a('string');
      expect(issue.expected).to.be.a('string').that.is.not.empty;
    }
    expect(result.left.message)
      .to.be.a('string')
      .and.match(new RegExp(`^Invalid ${escapeRegExp(codec.name)}: `));
  } else {
    expect(codec.is(result.right)).to.equal(true);
  }
  if (!consistency) return result;
  // `is` and the full decode agree (decodeWith trusts `is` for valid values)
  const direct = codec.decode(input);
  expect(either.isRight(direct), `${codec.name}: is() and decode() disagree`).to.equal(codec.is(input));
  if (either.isRight(direct) && either.isRight(result)) expect(direct.right).to.deep.equal(result.right);
  return result;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Objects that look like blocks or messages, with any field values: they reach deeper code paths than random JSON. */
const blockLikeArb = fc
  .tuple(
    fc.constantFrom<unknown>(...knownBlockTypes, '__proto__', 'constructor', 'poll', 1, null, undefined),
    fc.dictionary(
      fc.constantFrom('format', 'content', 'plainText', 'source', 'url', 'cards', 'options', 'data', 'type', 'latitude', '__proto__'),
      fc.jsonValue({ maxDepth: 2 }),
      { maxKeys: 5 },
    ),
  )
  .map(([$type, fields]) => ({ ...fields, $type }));

const messageLikeArb = fc
  .tuple(
    fc.constantFrom<object>(messageDto, chatMessageDto),
    fc.array(fc.oneof(blockLikeArb, fc.jsonValue({ maxDepth: 1 })), { maxLength: 4 }),
  )
  .map(([base, blocks]) => ({ ...clone(base), blocks }));

describe('codec properties', () => {
  describe('(a) arbitrary input never makes decodeWith throw, and always gives an Either', () => {
    for (const [label, codec] of hostileTargets) {
      it(label, () => {
        fc.assert(
          fc.property(fc.jsonValue({ maxDepth: 3 }), (input) => {
            decodeChecked(codec, input);
          }),
          runs(60),
        );
        const anything = {
          maxDepth: 2,
          withBoxedValues: true,
          withMap: true,
          withSet: true,
          withNullPrototype: true,
          withBigInt: true,
          withDate: true,
          withTypedArray: true,
          withObjectString: true,
        } as const;
        fc.assert(
          fc.property(fc.anything(anything), (input) => {
            decodeChecked(codec, input);
          }),
          runs(60),
        );
        fc.assert(
          fc.property(fc.anything({ ...anything, withSparseArray: true }), (input) => {
            decodeChecked(codec, input, false);
          }),
          runs(30),
        );
      });
    }

    it('block-like objects (known, hostile and missing $type, random fields)', () => {
      fc.assert(
        fc.property(blockLikeArb, (input) => {
          decodeChecked(C.Block, input);
          decodeChecked(C.KnownBlock, input);
        }),
        runs(300),
      );
    });

    it('message-like objects with random blocks', () => {
      fc.assert(
        fc.property(messageLikeArb, (input) => {
          decodeChecked(C.ChatMessageDto, input);
          decodeChecked(C.MessageDto, input);
          decodeChecked(C.ChatHubEvents.streamCompleted, { ...clone(samples.StreamCompletedDto), message: input });
        }),
        runs(150),
      );
    });
  });

  describe('(b) valid values round-trip', () => {
    function roundTrips<A>(codec: t.Type<A, unknown, unknown>, value: A): void {
      expect(codec.is(value), 'codec.is').to.equal(true);
      const expected = JSON.parse(JSON.stringify(value)) as unknown;
      const direct = codec.decode(codec.encode(value));
      expect(either.isRight(direct), 'codec.decode').to.equal(true);
      if (either.isRight(direct)) expect(direct.right).to.deep.equal(expected);
      const boundary = C.decodeWith(codec)(codec.encode(value));
      expect(either.isRight(boundary), either.isLeft(boundary) ? boundary.left.message : '').to.equal(true);
      if (either.isRight(boundary)) expect(boundary.right).to.deep.equal(expected);
      // as on the wire: through JSON text
      const wire = C.decodeWith(codec)(JSON.parse(JSON.stringify(codec.encode(value))));
      expect(either.isRight(wire), either.isLeft(wire) ? wire.left.message : '').to.equal(true);
      if (either.isRight(wire)) expect(wire.right).to.deep.equal(value);
    }

    for (const type of knownBlockTypes) {
      it(`"${type}" blocks`, () => {
        const arb = knownBlockArbs[type] as fc.Arbitrary<C.Block>;
        fc.assert(
          fc.property(arb, (block) => {
            expect(block.$type).to.equal(type);
            roundTrips(C.Block, block);
            roundTrips(C.KnownBlock, block as C.KnownBlock);
            expect(C.isUnknownBlock(block)).to.equal(false);
          }),
          runs(40),
        );
      });
    }

    it('unknown blocks keep every field and are recognised as unknown', () => {
      fc.assert(
        fc.property(unknownBlockArb, (block) => {
          roundTrips(C.Block, block);
          roundTrips(C.UnknownBlock, block);
          expect(C.isUnknownBlock(block)).to.equal(true);
          expect(C.KnownBlock.is(block)).to.equal(false);
        }),
        runs(100),
      );
    });

    it('hub ChatMessageDto values', () => {
      fc.assert(
        fc.property(chatMessageDtoArb, (message) => {
          roundTrips(C.ChatMessageDto, message);
          roundTrips(C.ChatHubEvents.messageReceived, message);
        }),
        runs(80),
      );
    });

    it('REST MessageDto values', () => {
      fc.assert(
        fc.property(messageDtoArb, (message) => {
          roundTrips(C.MessageDto, message);
        }),
        runs(80),
      );
    });

    it('pages of REST messages with string cursors', () => {
      fc.assert(
        fc.property(
          fc.array(messageDtoArb, { maxLength: 3 }),
          fc.option(fc.string(), { nil: null }),
          fc.boolean(),
          (items, nextCursor, hasMore) => {
            roundTrips(C.CursorPaginatedResult(C.MessageDto), { items, nextCursor, hasMore });
          },
        ),
        runs(30),
      );
    });

    it('a message is never both a REST MessageDto and a hub ChatMessageDto', () => {
      fc.assert(
        fc.property(chatMessageDtoArb, messageDtoArb, (hub, rest) => {
          expect(C.MessageDto.is(hub)).to.equal(false);
          expect(C.ChatMessageDto.is(rest)).to.equal(false);
        }),
        runs(50),
      );
    });

    it('TimeSpan: milliseconds -> string -> milliseconds keeps every tick', () => {
      fc.assert(
        fc.property(fc.integer({ min: -1e15, max: 1e15 }), (ticks) => {
          const text = C.millisecondsToTimeSpan(ticks / 10_000);
          expect(C.TimeSpan.is(text), text).to.equal(true);
          expect(Math.round(C.timeSpanToMilliseconds(text) * 10_000)).to.equal(ticks === 0 ? 0 : ticks);
        }),
        runs(200),
      );
    });

    it('TimeSpan: canonical string -> milliseconds -> the same string', () => {
      const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
      const canonical = fc
        .tuple(fc.boolean(), fc.integer({ min: 0, max: 999 }), two(23), two(59), two(59), fc.integer({ min: 0, max: 9_999_999 }))
        .filter(([negative, days, h, m, s, f]) => !negative || days + Number(h) + Number(m) + Number(s) + f > 0)
        .map(
          ([negative, days, h, m, s, f]) =>
            `${negative ? '-' : ''}${days > 0 ? `${days}.` : ''}${h}:${m}:${s}.${String(f).padStart(7, '0')}`,
        );
      fc.assert(
        fc.property(canonical, (text) => {
          expect(C.millisecondsToTimeSpan(C.timeSpanToMilliseconds(text))).to.equal(text);
        }),
        runs(200),
      );
    });
  });

  describe('(c) breaking a required field always fails, naming that field', () => {
    function expectIssueAt(codec: t.Any, input: unknown, path: string, mutation: FieldMutation): void {
      const result = C.decodeWith(codec)(input);
      if (either.isRight(result)) {
        throw new Error(`${codec.name} accepted ${JSON.stringify(mutation)}`);
      }
      const paths = result.left.issues.map((i) => i.path);
      expect(paths, JSON.stringify(mutation)).to.include(path);
      const issue = result.left.issues.find((i) => i.path === path);
      expect(issue?.actual).to.deep.equal(mutation.kind === 'delete' ? undefined : mutation.value);
    }

    for (const type of knownBlockTypes.filter((k) => Object.keys(blockFieldKinds[k]).length > 0)) {
      it(`"${type}" blocks`, () => {
        fc.assert(
          fc.property(knownBlockArbs[type] as fc.Arbitrary<C.Block>, fieldMutationArb(blockFieldKinds[type]), (block, mutation) => {
            const broken = applyMutation(block, mutation);
            expectIssueAt(C.Block, broken, mutation.field, mutation);
            expectIssueAt(C.KnownBlock, broken, mutation.field, mutation);
          }),
          runs(40),
        );
      });
    }

    it('hub ChatMessageDto', () => {
      fc.assert(
        fc.property(chatMessageDtoArb, fieldMutationArb(chatMessageDtoFieldKinds), (message, mutation) => {
          expectIssueAt(C.ChatMessageDto, applyMutation(message, mutation), mutation.field, mutation);
        }),
        runs(150),
      );
    });

    it('REST MessageDto', () => {
      fc.assert(
        fc.property(messageDtoArb, fieldMutationArb(messageDtoFieldKinds), (message, mutation) => {
          expectIssueAt(C.MessageDto, applyMutation(message, mutation), mutation.field, mutation);
        }),
        runs(150),
      );
    });

    it('a block inside a message: the path is blocks.<index>.<field>', () => {
      const mutatedBlockArb = fc
        .constantFrom(...knownBlockTypes.filter((k) => Object.keys(blockFieldKinds[k]).length > 0))
        .chain((type) => fc.tuple(knownBlockArbs[type] as fc.Arbitrary<C.Block>, fieldMutationArb(blockFieldKinds[type])));
      fc.assert(
        fc.property(chatMessageDtoArb, mutatedBlockArb, fc.nat(), (message, [block, mutation], at) => {
          const index = at % (message.blocks.length + 1);
          const blocks: unknown[] = [...message.blocks];
          blocks.splice(index, 0, applyMutation(block, mutation));
          expectIssueAt(C.ChatMessageDto, { ...message, blocks }, `blocks.${index}.${mutation.field}`, mutation);
          expectIssueAt(
            C.ChatHubEvents.streamCompleted,
            { ...clone(samples.StreamCompletedDto), message: { ...message, blocks } },
            `message.blocks.${index}.${mutation.field}`,
            mutation,
          );
        }),
        runs(150),
      );
    });
  });

  describe('(d) hostile keys never pollute prototypes', () => {
    afterEach(() => {
      for (const key of ['polluted', 'isAdmin']) {
        delete (Object.prototype as Record<string, unknown>)[key];
      }
    });

    function expectUnpolluted(): void {
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
      expect(([] as unknown as Record<string, unknown>).polluted).to.equal(undefined);
      expect(Object.hasOwn(Object.prototype, 'polluted')).to.equal(false);
      expect((Object as unknown as Record<string, unknown>).polluted).to.equal(undefined);
      expect(({} as Record<string, unknown>).isAdmin).to.equal(undefined);
    }

    /** `value` with hostile own keys, as `JSON.parse` produces them from a payload. */
    const hostile = (value: object): unknown => {
      const withKeys = { ...value };
      Object.defineProperty(withKeys, '__proto__', {
        value: { polluted: true, isAdmin: true },
        enumerable: true,
        configurable: true,
        writable: true,
      });
      Object.defineProperty(withKeys, 'constructor', {
        value: { prototype: { polluted: true } },
        enumerable: true,
        configurable: true,
        writable: true,
      });
      Object.defineProperty(withKeys, 'prototype', { value: { polluted: true }, enumerable: true, configurable: true, writable: true });
      return JSON.parse(JSON.stringify(withKeys));
    };

    it('the hostile payloads really carry own "__proto__" keys (the test is meaningful)', () => {
      const parsed = hostile({ a: 1 }) as object;
      expect(Object.hasOwn(parsed, '__proto__')).to.equal(true);
      expect(Object.getPrototypeOf(parsed)).to.equal(Object.prototype);
    });

    it('fixed payloads: blocks, messages, metadata, custom data, hub errors', () => {
      const payloads: ReadonlyArray<readonly [t.Any, string]> = [
        [C.Block, '{"$type":"__proto__","__proto__":{"polluted":true}}'],
        [C.Block, '{"$type":"constructor","constructor":{"prototype":{"polluted":true}}}'],
        [C.Block, '{"$type":"text","format":"Plain","content":"hi","plainText":null,"__proto__":{"polluted":true}}'],
        [C.Block, '{"$type":"custom","type":"x","data":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}}'],
        [C.HubErrorDto, '{"code":"E","message":"m","details":{"__proto__":{"polluted":true}}}'],
        [C.ProblemDetails, '{"status":400,"title":"t","errors":{"__proto__":["polluted"]}}'],
        [
          C.HealthStatus,
          '{"status":"Healthy","totalDuration":"00:00:00","results":{"__proto__":{"status":"x","description":null,"duration":"00:00:00","error":null}}}',
        ],
        [C.JsonObject, '{"__proto__":{"polluted":true},"prototype":{"polluted":true}}'],
      ];
      for (const [codec, json] of payloads) {
        const result = C.decodeWith(codec)(JSON.parse(json));
        expect(either.isRight(result), `${codec.name}: ${json}`).to.equal(true);
        expectUnpolluted();
        expect(either.isRight(codec.decode(JSON.parse(json))), `${codec.name}: ${json}`).to.equal(true);
        expectUnpolluted();
      }
    });

    it('hostile keys anywhere in generated valid messages', () => {
      fc.assert(
        fc.property(chatMessageDtoArb, messageDtoArb, blockArb, jsonObjectArb, (hub, rest, block, metadata) => {
          const hubWire = hostile({ ...hub, blocks: [...hub.blocks.map((b) => hostile(b)), hostile(block)], senderAvatar: hostile({}) });
          const restWire = hostile({ ...rest, systemEvent: { type: 'Custom', actorId: null, metadata: hostile(metadata) } });
          for (const [codec, input] of [
            [C.ChatMessageDto, hubWire],
            [C.MessageDto, restWire],
            [C.Block, hostile(block)],
            [C.ChatHubEvents.streamCompleted, hostile({ ...samples.StreamCompletedDto, message: hubWire })],
          ] as const) {
            const result = C.decodeWith(codec)(input);
            expect(either.isRight(result), either.isLeft(result) ? result.left.message : '').to.equal(true);
            if (either.isRight(result)) {
              expect(Object.getPrototypeOf(result.right)).to.equal(Object.prototype);
              expect(result.right).to.deep.equal(input);
            }
            expectUnpolluted();
            const direct = (codec as t.Any).decode(input);
            expect(either.isRight(direct)).to.equal(true);
            if (either.isRight(direct)) expect(direct.right).to.deep.equal(input);
            expectUnpolluted();
          }
        }),
        runs(60),
      );
    });

    it('hostile keys in invalid payloads (the error path)', () => {
      fc.assert(
        fc.property(fc.jsonValue({ maxDepth: 2 }), (value) => {
          const input = hostile({ $type: 'text', format: 'Plain', content: value, plainText: 1 });
          const result = C.decodeWith(C.Block)(input);
          expect(either.isLeft(result)).to.equal(true);
          if (either.isLeft(result)) void result.left.message;
          expectUnpolluted();
          decodeChecked(C.ChatMessageDto, hostile({ ...chatMessageDto, blocks: [input, hostile(textBlock)] }));
          expectUnpolluted();
        }),
        runs(60),
      );
    });
  });
});
