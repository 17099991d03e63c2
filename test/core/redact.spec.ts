import { expect } from 'chai';
import { redactData, redactingLogger, redactText } from '../../src/core/redact.js';
import type { Logger } from '../../src/core/logger.js';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXBhcnQ';

describe('core: redactText', () => {
  it('removes a bare JWT, an access_token query value and a Bearer credential', () => {
    expect(redactText(`token ${JWT} expired`)).to.equal('token [redacted] expired');
    expect(redactText('GET /hubs/chat?id=1&access_token=abc.def&x=2')).to.equal('GET /hubs/chat?id=1&access_token=[redacted]&x=2');
    expect(redactText('POST /oauth?refresh_token=r-123&y=1')).to.equal('POST /oauth?refresh_token=[redacted]&y=1');
    expect(redactText('Authorization: Bearer abc.def')).to.equal('Authorization: Bearer [redacted]');
  });

  it('removes all of a Bearer credential, not only its JWT characters (the hubs once kept "+/=" and what follows)', () => {
    expect(redactText('Bearer ab+c/d=e rest')).to.equal('Bearer [redacted] rest');
    expect(redactText('bearer  opaque~token')).to.equal('bearer  [redacted]');
  });

  it('leaves text without a token as it is', () => {
    expect(redactText('connected to https://chat.example.com/hubs/chat')).to.equal('connected to https://chat.example.com/hubs/chat');
  });
});

describe('core: redactData', () => {
  it('redacts secret-looking keys entirely and strings everywhere, without changing the input', () => {
    const input = {
      url: `https://x/?access_token=${JWT}`,
      accessToken: 'opaque',
      headers: { Authorization: 'Basic x' },
      list: [`Bearer ${JWT}`],
      n: 1,
    };
    expect(redactData(input)).to.deep.equal({
      url: 'https://x/?access_token=[redacted]',
      accessToken: '[redacted]',
      headers: { Authorization: '[redacted]' },
      list: ['Bearer [redacted]'],
      n: 1,
    });
    expect(input.accessToken).to.equal('opaque');
  });
});

describe('core: redactingLogger', () => {
  it('passes redacted messages and data on, and keeps no logger as none', () => {
    const lines: Parameters<Logger>[] = [];
    const logger = redactingLogger((...line) => lines.push(line));
    logger?.('warn', `refused ${JWT}`, { password: 'pw' });
    logger?.('info', 'plain');
    expect(lines).to.deep.equal([
      ['warn', 'refused [redacted]', { password: '[redacted]' }],
      ['info', 'plain', undefined],
    ]);
    expect(redactingLogger(undefined)).to.equal(undefined);
  });
});
