import { expect } from 'chai';
import { messageOf } from '../../src/core/errors.js';

describe('core: messageOf', () => {
  it("gives an Error's message and anything else as a string", () => {
    expect(messageOf(new TypeError('boom'))).to.equal('boom');
    expect(messageOf('offline')).to.equal('offline');
    expect(messageOf(404)).to.equal('404');
    expect(messageOf(undefined)).to.equal('undefined');
    expect(messageOf({ message: 'not an Error' })).to.equal('[object Object]');
  });
});
