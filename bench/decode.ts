/**
 * Row 2: decoding a realistic `ChatMessageDto` (five blocks of mixed kinds, reactions, mentions,
 * ~2.3 KB of JSON) with `decodeWith(ChatMessageDto)` versus `JSON.parse` of the same text.
 *
 * 1,000 distinct messages (distinct ids) are serialised once. Three cases, samples alternating:
 * `parse` parses every text; `parse+decode` parses every text and decodes the value at once, as
 * the client does with a frame it just read (the value still in the CPU caches); `decode` decodes
 * values parsed long before (1,000 of them, ~7 MB: mostly out of the caches). The row is what
 * decoding adds to a parse, `median(parse+decode) − median(parse)`, against `median(parse)`; the
 * cold decode is printed beside it. All values are valid, so the guard-first path decides (the
 * full io-ts `decode` runs only for a value the guard rejects, to say why).
 */
import { either } from 'fp-ts';
import { ChatMessageDto, decodeWith } from '../src/codecs/index.js';
import { compare, sink } from './harness.js';
import { chatMessage, IdSequence } from './payload.js';

/** Row 2: nanoseconds per message of each, and the size of one message's JSON. */
export interface DecodeResult {
  readonly parseNs: number;
  /** What decoding adds to the parse of the same text, decoding the value just parsed. */
  readonly decodeNs: number;
  /** Decoding values parsed long before (out of the CPU caches). */
  readonly coldDecodeNs: number;
  readonly bytes: number;
}

/** Row 2: `decodeWith(ChatMessageDto)` (guard-first, valid values) against `JSON.parse` of the same texts. */
export function measureDecode(samples = 40): DecodeResult {
  const ids = new IdSequence();
  const texts = Array.from({ length: 1000 }, () => JSON.stringify(chatMessage(ids.next())));
  const values: unknown[] = texts.map((text) => JSON.parse(text));
  const decode = decodeWith(ChatMessageDto);
  for (const value of values) if (!either.isRight(decode(value))) throw new Error('the bench payload does not decode');
  const result = compare(
    [
      {
        name: 'parse',
        opsPerSample: texts.length,
        run: () => {
          let last: unknown;
          for (const text of texts) last = JSON.parse(text);
          sink.value = last;
        },
      },
      {
        name: 'parse+decode',
        opsPerSample: texts.length,
        run: () => {
          let right = 0;
          for (const text of texts) if (decode(JSON.parse(text))._tag === 'Right') right += 1;
          sink.value = right;
        },
      },
      {
        name: 'decode',
        opsPerSample: values.length,
        run: () => {
          let right = 0;
          for (const value of values) if (decode(value)._tag === 'Right') right += 1;
          sink.value = right;
        },
      },
    ],
    samples,
    5,
  );
  const parseNs = result.get('parse') ?? Number.NaN;
  return {
    parseNs,
    decodeNs: (result.get('parse+decode') ?? Number.NaN) - parseNs,
    coldDecodeNs: result.get('decode') ?? Number.NaN,
    bytes: Buffer.byteLength(texts[0] ?? ''),
  };
}
