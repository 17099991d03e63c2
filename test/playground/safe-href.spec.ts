import { expect } from 'chai';
import { safeHref } from '../../src/playground/safe-href.js';

describe('playground: safeHref', () => {
  const base = 'http://127.0.0.1:5080/';
  it('keeps http(s) URLs and resolves relative ones against the page', () => {
    expect(safeHref('https://cdn.example.com/a.pdf', base)).to.equal('https://cdn.example.com/a.pdf');
    expect(safeHref('http://cdn.example.com/a.pdf', base)).to.equal('http://cdn.example.com/a.pdf');
    expect(safeHref('/api/files/01X/a.pdf', base)).to.equal('http://127.0.0.1:5080/api/files/01X/a.pdf');
  });

  it('refuses every other scheme, however it is spelled', () => {
    for (const url of [
      'javascript:alert(1)',
      ' JavaScript:alert(1)',
      'java\tscript:alert(1)',
      'data:text/html,<script>x</script>',
      'vbscript:msgbox(1)',
      'file:///etc/passwd',
    ]) {
      expect(safeHref(url, base), url).to.equal(undefined);
    }
  });
});
