/**
 * Row 2: decoding a realistic `ChatMessageDto` (five blocks of mixed kinds, reactions, mentions,
 * ~2.3 KB of JSON) with `decodeWith(ChatMessageDto)` versus `JSON.parse` of the same text.
 *
 * 1,000 distinct messages (distinct ids) are serialised once; a parse sample parses every text,
 * a decode sample decodes every parsed object (objects fresh from `JSON.parse`, as on the wire).
 * Samples alternate; the row is the ratio of the medians.
 */
import { either } from 'fp-ts';
import { ChatMessageDto, decodeWith } from '../src/codecs/index.js';
import { compare, sink } from './harness.js';
import { chatMessage, IdSequence } from './payload.js';

export interface DecodeResult {
  readonly parseNs: number;
  readonly decodeNs: number;
  readonly bytes: number;
}

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
  return {
    parseNs: result.get('parse') ?? Number.NaN,
    decodeNs: result.get('decode') ?? Number.NaN,
    bytes: Buffer.byteLength(texts[0] ?? ''),
  };
}
