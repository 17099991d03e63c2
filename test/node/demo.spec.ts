import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import { runDemo } from '../../src/node/demo.js';
import { startTestGateway, uniqueName, type TestGateway } from '../support/test-gateway.js';
import { killAllClis, repoRoot, startCli } from './cli-kit.js';

/** Without ANSI colour codes (the in-process demo colours its lines when mocha's stdout is a TTY). */
const plain = (text: string): string => text.replace(/\u001b\[\d+m/g, '');

/** A Writable that keeps what is written to it. */
function textSink(): { out: Writable; text: () => string } {
  let text = '';
  const out = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      text += chunk.toString();
      callback();
    },
  });
  return { out, text: () => text };
}

describe('the demo', function () {
  this.timeout(60_000);
  afterEach(killAllClis);

  it('`npm run demo` runs `node bin/chat-rx.mjs demo`', () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(manifest.scripts['demo']).to.equal('node bin/chat-rx.mjs demo');
  });

  it('`node bin/chat-rx.mjs demo` exits 0 within 60 s, every check passed', async function () {
    this.timeout(90_000);
    const cli = startCli(['demo']);
    const exit = await cli.exit(60_000);
    const output = plain(cli.stdout() + cli.stderr());
    expect(exit, output).to.deep.equal({ code: 0, signal: null });
    expect(output, 'a failed check').to.not.include('✘');

    const expected: readonly RegExp[] = [
      /^▶ chat-client-rx demo — embedded Chat Gateway at http:\/\/127\.0\.0\.1:\d+$/m,
      /^✔ logged in alice and bob \(dev logins/m,
      /^✔ conversation \S+ "Demo" with alice, bob and echo-bot$/m,
      /^✔ both clients connected/m,
      /^💬 bob: Hi alice!/m,
      /^✔ sent optimistically: confirmed → /m,
      /^✔ echo-bot's reply grew in \d+ chunks and completed as "You said: Hello echo-bot, what do you make of reactive streams\?"$/m,
      /^◆ presence: bob is online$/m,
      /^◆ presence: bob went offline \(last seen /m,
      /^⚡ the gateway kills every socket/m,
      /^⚡ alice: reconnecting \(attempt 1/m,
      /^✔ alice: connected again/m,
      /^✔ alice re-joined 1 conversation\(s\) after the reconnect$/m,
      /^✔ timeline: all 5 missed messages recovered, \d+ messages, no duplicates, in server order$/m,
      /^✔ messages\$: each missed message delivered exactly once$/m,
      /^✔ presence followed bob: \d+ changes$/m,
      /^done in \d+\.\d s$/m,
    ];
    for (const pattern of expected) expect(output).to.match(pattern);

    const chunks = Number(/reply grew in (\d+) chunks/.exec(output)?.[1]);
    expect(chunks, 'the reply grew in more than one chunk').to.be.above(1);
    const chunkLines = output.split('\n').filter((line) => /^🤖 \[chunk \d+\] /.test(line));
    expect(chunkLines).to.have.length(chunks);
    const presenceChanges = Number(/presence followed bob: (\d+) changes/.exec(output)?.[1]);
    expect(presenceChanges).to.be.at.least(3);
    for (let i = 1; i <= 5; i++) expect(output).to.include(`bob: message ${i} sent while alice was away`);
  });

  describe('runDemo() in-process against a gateway started here', () => {
    let gw: TestGateway | undefined;
    after(async () => {
      await gw?.close();
    });

    it('resolves 0 and writes its lines to `out` (no reconnect part: the gateway is not its own)', async () => {
      gw = await startTestGateway();
      const sink = textSink();
      const notes = textSink();
      const alice = uniqueName('alice');
      const bob = uniqueName('bob');
      const problems = await runDemo({ url: gw.url, out: sink.out, err: notes.out, users: [alice, bob] });
      expect(notes.text(), 'what is skipped goes to `err`').to.include('skipping the reconnect-and-recover part');
      const output = plain(sink.text());
      expect(problems, output).to.equal(0);
      expect(output).to.not.include('✘');
      expect(output).to.include(`▶ chat-client-rx demo — gateway at ${gw.url}`);
      expect(output).to.include(`✔ logged in ${alice} and ${bob}`);
      expect(output).to.match(/✔ echo-bot's reply grew in \d+ chunks/);
      expect(output).to.include(`◆ presence: ${bob} went offline`);
      expect(output).to.match(new RegExp(`✔ presence followed ${bob}: \\d+ changes`));
      expect(output, 'the reconnect part needs the embedded gateway it started').to.not.include('kills every socket');
      expect(output).to.match(/^done in \d+\.\d s$/m);
    });
  });

  describe('`chat-rx demo --url` against a gateway of its own (issue 17)', () => {
    let gw: TestGateway | undefined;
    afterEach(async () => {
      killAllClis();
      await gw?.close();
      gw = undefined;
    });

    it('without test endpoints: says on stderr that the reconnect part is skipped and why, and exits 0', async function () {
      this.timeout(90_000);
      gw = await startTestGateway({ testEndpoints: false });
      if (gw.external) this.skip(); // the test decides which endpoints the gateway has
      const cli = startCli(['demo', '--url', gw.url, '--user', uniqueName('alice'), '--user2', uniqueName('bob')]);
      const exit = await cli.exit(60_000);
      expect(exit, plain(cli.stdout() + cli.stderr())).to.deep.equal({ code: 0, signal: null });
      const stderr = plain(cli.stderr());
      expect(stderr).to.match(
        /^chat-rx demo: skipping the reconnect-and-recover part: .*test endpoints \(\/_test\/faults\/\*\), and http:\/\/127\.0\.0\.1:\d+ has none \(GET \/_test\/requests answered 404\)/m,
      );
      expect(stderr).to.include('chat-rx gateway --test-endpoints');
      expect(plain(cli.stdout())).to.not.include('kills every socket');
    });

    it('with test endpoints (`chat-rx gateway --test-endpoints`): runs the reconnect-and-recover part through them', async function () {
      this.timeout(90_000);
      gw = await startTestGateway({ testEndpoints: true });
      const alice = uniqueName('alice');
      const bob = uniqueName('bob');
      const cli = startCli(['demo', '--url', gw.url, '--user', alice, '--user2', bob]);
      const exit = await cli.exit(60_000);
      const output = plain(cli.stdout() + cli.stderr());
      expect(exit, output).to.deep.equal({ code: 0, signal: null });
      expect(output, 'a failed check').to.not.include('✘');
      expect(output).to.not.include('skipping');
      expect(output).to.match(/^⚡ the gateway kills every socket/m);
      expect(output).to.match(/^✔ timeline: all 5 missed messages recovered, \d+ messages, no duplicates, in server order$/m);
      expect(output).to.match(/^✔ messages\$: each missed message delivered exactly once$/m);
      expect(output).to.match(new RegExp(`^⚡ ${alice}: reconnecting \\(attempt 1`, 'm'));
      for (let i = 1; i <= 5; i++) expect(output).to.include(`${bob}: message ${i} sent while ${alice} was away`);
    });
  });
});
