/**
 * The fast guards (`fastGuard`: code generated from the codecs) agree with the
 * codecs they are built from — on valid values, on values broken in one place at any depth, and
 * on arbitrary input — and the decode boundary still reports what the guard rejects.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { either } from 'fp-ts';
import * as t from 'io-ts';
import * as C from '../../src/codecs/index.js';
import { fastGuard } from '../../src/codecs/fast-guard.js';
import { generateGuard } from '../../src/codecs/guard-source.js';
import { blockArb, chatMessageDtoArb, messageDtoArb } from './arbitraries.js';
import { samples } from './samples.js';

/** Every codec value the codecs entry exports (constructors such as `CursorPaginatedResult` applied to `MessageDto`). */
const codecs: ReadonlyArray<readonly [string, t.Any]> = [
  ...Object.entries(C).filter((entry): entry is [string, t.Any] => entry[1] instanceof t.Type),
  ['CursorPaginatedResult<MessageDto>', C.CursorPaginatedResult(C.MessageDto)],
  ...Object.entries(C.ChatHubEvents).map(([event, codec]) => [`chat hub "${event}"`, codec] as const),
  ...Object.entries(C.NotificationHubEvents).map(([event, codec]) => [`notification hub "${event}"`, codec] as const),
];

/** `value` with the member at a path (picked by `choices`) deleted or replaced by `replacement`. */
function breakAt(value: unknown, choices: readonly number[], replacement: unknown, remove: boolean): unknown {
  if (value === null || typeof value !== 'object' || choices.length === 0) return replacement;
  const keys = Object.keys(value);
  if (keys.length === 0) return replacement;
  const key = keys[(choices[0] as number) % keys.length] as string;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [...value] : { ...(value as Record<string, unknown>) };
  const target = copy as Record<string, unknown>;
  const last = choices.length === 1;
  if (last && remove && !Array.isArray(copy)) delete target[key];
  else target[key] = last ? replacement : breakAt(target[key], choices.slice(1), replacement, remove);
  return copy;
}

const oddValues = fc.oneof(
  fc.constantFrom(null, undefined, 0, -1, 1.5, Number.NaN, '', 'Plain', 'text', true, false, [], {}, [undefined], { $type: 'text' }),
  fc.anything(),
);

function agree(codec: t.Any, value: unknown): void {
  const expected = codec.is(value);
  expect(fastGuard(codec)(value), 'fastGuard').to.equal(expected);
}

describe('fastGuard', () => {
  it('is generated code for every codec of the library (not the fallback to codec.is)', () => {
    for (const [name, codec] of codecs) expect(generateGuard(codec), name).to.be.a('function');
  });

  it('agrees with codec.is on every sample of every codec', () => {
    let checked = 0;
    for (const [name, codec] of codecs) {
      if (!Object.hasOwn(samples, name)) continue;
      const value: unknown = (samples as Record<string, unknown>)[name];
      expect(fastGuard(codec)(value), name).to.equal(true);
      agree(codec, value);
      checked += 1;
    }
    expect(checked).to.equal(Object.keys(samples).length);
  });

  it('agrees with codec.is on arbitrary input, for every codec', () => {
    for (const [, codec] of codecs)
      fc.assert(
        fc.property(oddValues, (value) => agree(codec, value)),
        { numRuns: 60 },
      );
  });

  for (const [name, codec, arb] of [
    ['ChatMessageDto', C.ChatMessageDto, chatMessageDtoArb],
    ['MessageDto', C.MessageDto, messageDtoArb],
    ['Block', C.Block, blockArb],
  ] as const) {
    it(`agrees with ${name}.is on valid values and on values broken at any depth`, () => {
      fc.assert(
        fc.property(
          arb as fc.Arbitrary<unknown>,
          fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
          oddValues,
          fc.boolean(),
          (valid, path, replacement, remove) => {
            expect(fastGuard(codec)(valid)).to.equal(true);
            agree(codec, breakAt(valid, path, replacement, remove));
          },
        ),
        { numRuns: 400 },
      );
    });
  }

  it('writes member names and literals as data, not code', () => {
    const odd = t.type({ 'a"); throw new Error("x"); ("': t.literal('"); throw 1; ("'), 'with space': t.number, __proto__x: t.null });
    const good = { 'a"); throw new Error("x"); ("': '"); throw 1; ("', 'with space': 1, __proto__x: null };
    expect(fastGuard(odd)(good)).to.equal(true);
    expect(fastGuard(odd)({ ...good, 'with space': '1' })).to.equal(false);
    agree(odd, good);
  });

  it('tells an absent member from an own undefined one where the member accepts undefined, as io-ts does', () => {
    const codec = t.type({ a: t.union([t.string, t.undefined]), b: t.string });
    agree(codec, { b: 'x' });
    agree(codec, { a: undefined, b: 'x' });
    expect(fastGuard(codec)({ b: 'x' })).to.equal(false);
    expect(fastGuard(codec)({ a: undefined, b: 'x' })).to.equal(true);
  });

  it("is stricter than io-ts's own t.array on holes (the library's arrays reject them too)", () => {
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point.
    const sparse = ['a', , 'b'];
    expect(t.array(t.string).is(sparse)).to.equal(true);
    expect(fastGuard(t.array(t.string))(sparse)).to.equal(false);
  });

  it('keeps refinements, records and hand-written types to their own checks', () => {
    const Positive = t.refinement(t.number, (n) => n > 0, 'Positive');
    const codec = t.type({ n: Positive, r: t.record(t.string, t.number), c: C.Cursor });
    agree(codec, { n: 1, r: { a: 1 }, c: 'x' });
    agree(codec, { n: -1, r: { a: 1 }, c: 'x' });
    agree(codec, { n: 1, r: { a: '1' }, c: 'x' });
    agree(codec, { n: 1, r: {}, c: 5 });
  });

  it('leaves the full decode to explain what it rejects', () => {
    const broken = { ...samples.ChatMessageDto, senderType: 'Robot' };
    expect(fastGuard(C.ChatMessageDto)(broken)).to.equal(false);
    const result = C.decodeWith(C.ChatMessageDto)(broken);
    expect(either.isLeft(result) && result.left.issues.map((issue) => issue.path)).to.deep.equal(['senderType']);
  });
});
