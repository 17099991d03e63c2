/**
 * The marble example of docs/testing.md, run as written (imports pointed at the sources), and a
 * check that the doc still shows this very code.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { concatWith, map, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { ChatHub } from '../../src/hubs/ports.js';
import { FakeChatServer } from '../../src/testing/index.js';

class LatestLineService {
  readonly lines$: Observable<string>;
  constructor(chat: ChatHub) {
    this.lines$ = chat.on('messageReceived').pipe(map((m) => `${m.senderName}: ${m.plainTextContent}`));
  }
}

describe('docs/testing.md', () => {
  it('shows each message once it arrives, and nothing that was broadcast while the connection was down', () => {
    const scheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
    scheduler.run(({ cold, expectObservable }) => {
      const server = new FakeChatServer({ scheduler });
      server.addParticipant('alice', 'Alice');
      server.addParticipant('bob', 'Bob');
      server.addConversation('general', ['alice', 'bob']);
      const chat = server.chatHub('alice');
      const service = new LatestLineService(chat);

      expectObservable(service.lines$).toBe('--a---c', { a: 'Bob: Hi', c: 'Bob: Back?' });

      // The test drives the world: one action per letter, at that frame.
      const actions: Record<string, () => void> = {
        j: () =>
          chat
            .connect()
            .pipe(concatWith(chat.joinConversation('general')))
            .subscribe(),
        h: () => server.post('general', 'bob', 'Hi'),
        d: () => chat.dropConnection(), // state reconnecting: what the server sends now is lost
        l: () => server.post('general', 'bob', 'lost'),
        r: () => chat.reconnect(), // new connection id: sessions$, re-join of 'general', rejoined$
        b: () => server.post('general', 'bob', 'Back?'),
      };
      cold('-jhdlrb', actions).subscribe((run) => run());
    });
  });

  it('shows the code of the example above', () => {
    const doc = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../docs/testing.md'), 'utf8');
    const source = readFileSync(fileURLToPath(import.meta.url), 'utf8');
    const start = source.indexOf("  it('shows each message");
    const body = source.slice(start, source.indexOf("\n  it('shows the code", start));
    const lines = body
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '');
    const missing = lines.filter((line) => !doc.includes(line));
    expect(missing).to.deep.equal([]);
  });
});
