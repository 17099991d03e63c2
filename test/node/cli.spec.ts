import { expect } from 'chai';
import { api, createConversation, sendText, type TestUser } from '../gateway/gateway-helpers.js';
import { startTestGateway, uniqueName, type TestGateway } from '../support/test-gateway.js';
import { killAllClis, startCli, type CliExit, type CliRun } from './cli-kit.js';

/** The fields of a message line `chat-rx tail` prints that these tests look at. */
interface TailLine {
  readonly id: string;
  readonly conversationId: string;
  readonly senderId: string;
  readonly plainText?: string;
}

const cleanExit: CliExit = { code: 0, signal: null };

describe('chat-rx (the command line, run as a child process)', function () {
  this.timeout(60_000);
  afterEach(killAllClis);

  describe('chat-rx gateway', () => {
    it('--port 0 prints its URL, answers /health/live, serves the playground at / and exits 0 on SIGINT', async () => {
      const cli = startCli(['gateway', '--port', '0']);
      const url = await cli.waitForLine((line) => /^http:\/\/127\.0\.0\.1:\d+$/.test(line), 30_000, 'the gateway URL on stdout');
      expect(url).to.not.match(/:0$/, 'printed the requested port 0 instead of the one it listens on');

      const live = await fetch(`${url}/health/live`);
      expect(live.status).to.equal(200);
      expect(await live.text()).to.equal('Healthy');

      const page = await fetch(`${url}/`);
      expect(page.status).to.equal(200);
      expect(page.headers.get('content-type')).to.match(/^text\/html/);
      expect((await page.text()).toLowerCase()).to.include('<html');

      cli.child.kill('SIGINT');
      expect(await cli.exit(10_000)).to.deep.equal(cleanExit);
      expect(cli.lines(), 'stdout is the URL only (the rest goes to stderr)').to.deep.equal([url]);
      let refused = false;
      await fetch(`${url}/health/live`).catch(() => (refused = true));
      expect(refused, 'the gateway still answers after the CLI exited').to.equal(true);
    });
  });

  describe('against an embedded gateway', () => {
    let gw: TestGateway;
    let alice: TestUser;
    let bob: TestUser;
    let aliceName: string;
    let bobName: string;

    before(async () => {
      gw = await startTestGateway({ bot: false });
      aliceName = uniqueName('alice');
      bobName = uniqueName('bob');
      const [a, b] = await Promise.all([gw.login(aliceName), gw.login(bobName)]);
      alice = { id: a.user.id, token: a.token };
      bob = { id: b.user.id, token: b.token };
    });

    after(async () => {
      killAllClis();
      await gw?.close();
    });

    /** A new conversation of alice and bob (one per test: no test sees another's messages). */
    async function newConversation(): Promise<string> {
      return (await createConversation(gw, alice, 'Group', [bob.id], uniqueName('cli'))).id;
    }

    /** The stdout lines of a tail, each parsed (a line that is not JSON fails the test). */
    function tailLines(cli: CliRun): TailLine[] {
      return cli.lines().map((line, i) => {
        try {
          return JSON.parse(line) as TailLine;
        } catch {
          throw new Error(`stdout line ${i + 1} is not JSON: ${line}`);
        }
      });
    }

    /**
     * Waits until the tail is live (connected and joined): a round trip — alice sends a warm-up
     * message every half second until one shows up on the tail's stdout.
     */
    async function untilTailing(cli: CliRun, conversationId: string): Promise<void> {
      const deadline = Date.now() + 30_000;
      for (let attempt = 1; ; attempt++) {
        await sendText(gw, alice, conversationId, `warm-up ${attempt}`);
        try {
          await cli.waitForLine((line) => line.includes('"warm-up '), 500, 'a warm-up message on the tail');
          return;
        } catch (error) {
          if (Date.now() > deadline) throw error;
        }
      }
    }

    describe('chat-rx tail', () => {
      it('prints one NDJSON line per new message, each exactly once, in order; SIGINT → exit 0', async () => {
        const conversationId = await newConversation();
        const cli = startCli(['tail', conversationId, '--url', gw.url, '--user', bobName]);
        await untilTailing(cli, conversationId);

        const texts = ['first message', 'second message with "quotes" and a \\ backslash', 'third message ✓'];
        const sent: string[] = [];
        for (const text of texts) sent.push((await sendText(gw, alice, conversationId, text)).id);
        // Messages arrive in order: once the sentinel is there, any duplicate would be too.
        await sendText(gw, alice, conversationId, 'sentinel');
        await cli.waitForLine((line) => line.includes('"plainText":"sentinel"'), 10_000, 'the sentinel message');

        const lines = tailLines(cli);
        const ours = lines.filter((m) => m.plainText !== undefined && texts.includes(m.plainText));
        expect(ours.map((m) => m.plainText)).to.deep.equal(texts);
        expect(ours.map((m) => m.id)).to.deep.equal(sent);
        for (const message of lines) {
          expect(message.conversationId).to.equal(conversationId);
          expect(message.senderId).to.equal(alice.id);
        }
        expect(new Set(lines.map((m) => m.id)).size, 'a message printed twice').to.equal(lines.length);

        const stopping = Date.now();
        cli.child.kill('SIGINT');
        expect(await cli.exit(5_000)).to.deep.equal(cleanExit);
        expect(Date.now() - stopping, 'ms to exit after SIGINT').to.be.below(5_000);
      });

      it('exits 0 by itself when the reader goes away (EPIPE), like `chat-rx tail … | head -n 1`', async () => {
        const conversationId = await newConversation();
        const cli = startCli(['tail', conversationId, '--url', gw.url, '--user', bobName]);
        await untilTailing(cli, conversationId); // the reader read its one line…
        cli.child.stdout.destroy(); // …and went away

        // The CLI learns it on its next write: keep messages coming until it has exited.
        let exit: CliExit | undefined;
        // Up to 16 rounds of a send and 500 ms come first: the deadline leaves room for all of them.
        const exited = cli.exit(30_000).then((e) => (exit = e));
        for (let i = 1; exit === undefined && i <= 16; i++) {
          await sendText(gw, alice, conversationId, `after the reader left ${i}`);
          await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 500))]);
        }
        await exited;
        expect(exit).to.deep.equal(cleanExit);
        expect(cli.stderr(), 'a normal end for a pipe-friendly tail, not an error').to.not.match(/error|EPIPE/i);
      });
    });

    describe('chat-rx send', () => {
      it('sends one message per stdin line, prints one ack per line, exits 0 at EOF', async () => {
        const conversationId = await newConversation();
        const cli = startCli(['send', conversationId, '--url', gw.url, '--user', aliceName]);
        const texts = ['hello from stdin', 'second line', 'third line'];
        // A blank line sends nothing.
        cli.child.stdin.end(`${texts[0]}\n${texts[1]}\n\n${texts[2]}\n`);
        expect(await cli.exit(20_000)).to.deep.equal(cleanExit);

        const acks = cli.lines().map((line) => JSON.parse(line) as { ok: unknown; success: unknown; messageId: unknown });
        expect(acks).to.have.length(3);
        for (const ack of acks) {
          expect(ack.ok).to.equal(true);
          expect(ack.success).to.equal(true);
          expect(ack.messageId).to.be.a('string').and.not.equal('');
        }

        const history = await api(gw, 'GET', `/api/conversations/${conversationId}/messages?limit=50`, { token: bob.token });
        expect(history.status).to.equal(200);
        const items = [...(history.json as { items: { id: string; senderId: string; blocks: { content?: string }[] }[] }).items].reverse(); // oldest first
        expect(items.map((m) => m.blocks.map((b) => b.content).join(''))).to.deep.equal(texts);
        expect(items.map((m) => m.id)).to.deep.equal(acks.map((a) => a.messageId));
        expect(items.every((m) => m.senderId === alice.id)).to.equal(true);
      });

      it('a line too big for one hub message (over 32 KB) is sent over REST, the others over the hub', async () => {
        const conversationId = await newConversation();
        const cli = startCli(['send', conversationId, '--url', gw.url, '--user', aliceName]);
        const big = 'x'.repeat(40 * 1024);
        cli.child.stdin.end(`small before\n${big}\nsmall after\n`);
        expect(await cli.exit(20_000)).to.deep.equal(cleanExit);
        const acks = cli.lines().map((line) => JSON.parse(line) as { ok: unknown; success: unknown; via?: unknown });
        expect(acks.map((a) => [a.ok, a.success, a.via ?? 'hub'])).to.deep.equal([[true, true, 'hub'], [true, true, 'rest'], [true, true, 'hub']]);
        const history = await api(gw, 'GET', `/api/conversations/${conversationId}/messages?limit=50`, { token: bob.token });
        const lengths = (history.json as { items: { blocks: { content?: string }[] }[] }).items.map((m) => m.blocks[0]?.content?.length).reverse();
        expect(lengths).to.deep.equal([12, big.length, 11]);
      });

      it('prints ok: false for each line it could not send and exits 1 (a conversation that does not exist)', async () => {
        const cli = startCli(['send', 'no-such-conversation', '--url', gw.url, '--user', aliceName]);
        cli.child.stdin.end('one\ntwo\n');
        const exit = await cli.exit(20_000);
        const acks = cli.lines().map((line) => JSON.parse(line) as { ok: unknown; error: unknown });
        expect(acks).to.have.length(2);
        for (const ack of acks) {
          expect(ack.ok).to.equal(false);
          expect(ack.error).to.be.a('string').and.not.equal('');
        }
        expect(exit).to.deep.equal({ code: 1, signal: null });
      });
    });
  });

  describe('usage errors', () => {
    it('an unknown command prints the usage and exits 2', async () => {
      const cli = startCli(['frobnicate']);
      expect(await cli.exit(20_000)).to.deep.equal({ code: 2, signal: null });
      const output = cli.stderr() + cli.stdout();
      expect(output).to.include("unknown command 'frobnicate'");
      expect(output).to.include('chat-rx tail <conversationId>');
      expect(output).to.include('chat-rx send <conversationId>');
    });

    it('no command at all prints the usage and exits 2; --help exits 0', async () => {
      const bare = startCli([]);
      const help = startCli(['--help']);
      const [bareExit, helpExit] = await Promise.all([bare.exit(20_000), help.exit(20_000)]);
      expect(bareExit.code).to.equal(2);
      expect(bare.stdout()).to.include('chat-rx gateway');
      expect(helpExit.code).to.equal(0);
      expect(help.stdout()).to.include('chat-rx gateway');
    });

    it('tail without a conversation id exits 2 naming it', async () => {
      const cli = startCli(['tail', '--url', 'http://127.0.0.1:9', '--user', 'bob']);
      expect(await cli.exit(20_000)).to.deep.equal({ code: 2, signal: null });
      expect(cli.stderr()).to.include('conversationId');
      expect(cli.stdout()).to.equal('');
    });

    it('tail without --url (and no CHAT_RX_URL) exits 2 naming --url', async () => {
      const cli = startCli(['tail', 'some-conversation', '--user', 'bob']);
      expect(await cli.exit(20_000)).to.deep.equal({ code: 2, signal: null });
      expect(cli.stderr()).to.include('--url');
      expect(cli.stdout()).to.equal('');
    });
  });
});
