import { expect } from 'chai';
import { typeFirst } from '../../src/codecs/index.js';

describe('typeFirst', () => {
  it('moves $type to the front of a block built in another order, keeping the other members in order', () => {
    const block = { format: 'Plain', content: 'hi', plainText: null, $type: 'text' };
    expect(JSON.stringify(typeFirst(block))).to.equal('{"$type":"text","format":"Plain","content":"hi","plainText":null}');
  });

  it('reorders at any depth: blocks in a request, cards in a carousel, inside arrays', () => {
    const request = {
      conversationId: 'c1',
      blocks: [
        { content: 'a', format: 'Plain', plainText: null, $type: 'text' },
        { cards: [{ title: 'x', subtitle: null, image: null, fields: null, buttons: null, $type: 'card' }], $type: 'carousel' },
      ],
    };
    const text = JSON.stringify(typeFirst(request));
    expect(text).to.equal(
      '{"conversationId":"c1","blocks":[{"$type":"text","content":"a","format":"Plain","plainText":null},' +
        '{"$type":"carousel","cards":[{"$type":"card","title":"x","subtitle":null,"image":null,"fields":null,"buttons":null}]}]}',
    );
  });

  it('returns the very same objects when everything is already in order (no copy)', () => {
    const block = { $type: 'text', format: 'Plain', content: 'hi', plainText: null };
    const request = { blocks: [block], mentions: [] };
    expect(typeFirst(request)).to.equal(request);
    expect(typeFirst([request])[0]).to.equal(request);
  });

  it("does not change the caller's objects", () => {
    const block = { content: 'hi', $type: 'text' };
    const request = { blocks: [block] };
    const out = typeFirst(request);
    expect(out).not.to.equal(request);
    expect(Object.keys(block)).to.deep.equal(['content', '$type']);
    expect(Object.keys(out.blocks[0] as object)).to.deep.equal(['$type', 'content']);
  });

  it('leaves scalars, null, class instances and objects without $type alone', () => {
    const date = new Date(0);
    expect(typeFirst(null)).to.equal(null);
    expect(typeFirst('x')).to.equal('x');
    expect(typeFirst(3)).to.equal(3);
    expect(typeFirst(date)).to.equal(date);
    const plain = { a: 1, b: { c: 2 } };
    expect(typeFirst(plain)).to.equal(plain);
  });
});
