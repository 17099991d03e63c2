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

/**
 * Waits until the tail is live (connected and joined): a round trip — `sender` sends a warm-up
 * message every half second until one shows up on the tail's stdout.
 */
async function untilTailingOn(gw: TestGateway, sender: TestUser, cli: CliRun, conversationId: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (let attempt = 1; ; attempt++) {
    await sendText(gw, sender, conversationId, `warm-up ${attempt}`);
    try {
      await cli.waitForLine((line) => line.includes('"warm-up '), 500, 'a warm-up message on the tail');
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
  }
}

/** The stdout lines of a tail, each parsed (a line that is not JSON fails the test). */
function tailLinesOf(cli: CliRun): TailLine[] {
  return cli.lines().map((line, i) => {
    try {
      return JSON.parse(line) as TailLine;
    } catch {
      throw new Error(`stdout line ${i + 1} is not JSON: ${line}`);
    }
  });
}

/** A conversation line of `chat-rx conversations` / `open` / `group`. */
interface ConversationLine {
  readonly id: string;
  readonly type: string;
  readonly name: string | null;
  readonly participantCount: number;
  readonly lastMessageAt: string | null;
  readonly unreadCount: number;
  readonly isPinned: boolean;
  readonly participantIds?: readonly string[];
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

    const tailLines = tailLinesOf;

    /** Waits until the tail is live (see `untilTailingOn`). */
    const untilTailing = (cli: CliRun, conversationId: string): Promise<void> => untilTailingOn(gw, alice, cli, conversationId);

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

    describe('chat-rx tail that cannot start (issue 17)', () => {
      it('a conversation that does not exist: exit 3 within seconds, saying so on stderr, nothing on stdout', async () => {
        const started = Date.now();
        const cli = startCli(['tail', 'no-such-conversation', '--url', gw.url, '--user', bobName]);
        const exit = await cli.exit(20_000);
        expect(exit, cli.stderr()).to.deep.equal({ code: 3, signal: null });
        expect(Date.now() - started, 'ms to report').to.be.below(20_000);
        expect(cli.stderr()).to.match(/conversation 'no-such-conversation' was not found/);
        expect(cli.stdout()).to.equal('');
      });

      it('a user who is not a member: exit 3 naming the user and the conversation', async () => {
        const conversationId = await newConversation();
        const carolName = uniqueName('carol');
        await gw.login(carolName);
        const cli = startCli(['tail', conversationId, '--url', gw.url, '--user', carolName]);
        const exit = await cli.exit(20_000);
        expect(exit, cli.stderr()).to.deep.equal({ code: 3, signal: null });
        expect(cli.stderr()).to.include(`${carolName} is not a member of conversation '${conversationId}'`);
        expect(cli.stdout()).to.equal('');
      });
    });

    describe('chat-rx conversations / open / group (issue 17)', () => {
      it('conversations: my conversations as NDJSON, one line each with id, type, name, participantCount, lastMessageAt, unreadCount', async () => {
        const name = uniqueName('listed');
        const listed = (await createConversation(gw, alice, 'Group', [bob.id], name)).id;
        await sendText(gw, alice, listed, 'unread for bob');
        const cli = startCli(['conversations', '--url', gw.url, '--user', bobName]);
        expect(await cli.exit(20_000), cli.stderr()).to.deep.equal(cleanExit);
        const lines = cli.lines().map((line) => JSON.parse(line) as ConversationLine);
        const line = lines.find((l) => l.id === listed);
        expect(line, `stdout:\n${cli.stdout()}`).to.not.equal(undefined);
        expect(Object.keys(line as object)).to.include.members(['id', 'type', 'name', 'participantCount', 'lastMessageAt', 'unreadCount']);
        expect(line).to.include({ type: 'Group', name, participantCount: 2, unreadCount: 1 });
        expect(line?.lastMessageAt).to.be.a('string');
        expect(new Set(lines.map((l) => l.id)).size, 'a conversation listed twice').to.equal(lines.length);
      });

      it('open <participant>: the direct conversation as one NDJSON line with its id, the same one each time; tail accepts that id', async () => {
        const first = startCli(['open', bobName, '--url', gw.url, '--user', aliceName]);
        expect(await first.exit(20_000), first.stderr()).to.deep.equal(cleanExit);
        const second = startCli(['open', aliceName, '--url', gw.url, '--user', bobName]);
        expect(await second.exit(20_000), second.stderr()).to.deep.equal(cleanExit);
        const [a, b] = [first, second].map((cli) => {
          expect(cli.lines()).to.have.length(1);
          return JSON.parse(cli.lines()[0] as string) as ConversationLine;
        });
        expect(a?.type).to.equal('OneToOne');
        expect(a?.id).to.be.a('string').and.not.equal('');
        expect(b?.id, 'both ends open the same conversation').to.equal(a?.id);
        expect([...(a?.participantIds ?? [])].sort()).to.deep.equal([alice.id, bob.id].sort());

        const tail = startCli(['tail', a?.id as string, '--url', gw.url, '--user', bobName]);
        await untilTailing(tail, a?.id as string);
      });

      it('group <participant…> --name N: a new group with them, as one NDJSON line', async () => {
        const carolName = uniqueName('carol');
        await gw.login(carolName);
        const name = uniqueName('team');
        const cli = startCli(['group', bobName, carolName, '--name', name, '--url', gw.url, '--user', aliceName]);
        expect(await cli.exit(20_000), cli.stderr()).to.deep.equal(cleanExit);
        expect(cli.lines()).to.have.length(1);
        const line = JSON.parse(cli.lines()[0] as string) as ConversationLine;
        expect(line).to.include({ type: 'Group', name, participantCount: 3 });
        expect([...(line.participantIds ?? [])].sort()).to.deep.equal([aliceName, bobName, carolName].sort());
      });

      it('open / group with a user who never logged in: exit 3, naming them, with the hint to log in once', async () => {
        const ghost = uniqueName('ghost');
        const open = startCli(['open', ghost, '--url', gw.url, '--user', aliceName]);
        const group = startCli(['group', bobName, ghost, '--url', gw.url, '--user', aliceName]);
        const [openExit, groupExit] = await Promise.all([open.exit(20_000), group.exit(20_000)]);
        for (const [cli, exit] of [
          [open, openExit],
          [group, groupExit],
        ] as const) {
          expect(exit, cli.stderr()).to.deep.equal({ code: 3, signal: null });
          expect(cli.stderr()).to.include(`participant '${ghost}' was not found`);
          expect(cli.stderr()).to.match(/only after logging in once/);
          expect(cli.stderr()).to.include(`--user ${ghost}`);
          expect(cli.stdout()).to.equal('');
        }
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
        expect(acks.map((a) => [a.ok, a.success, a.via ?? 'hub'])).to.deep.equal([
          [true, true, 'hub'],
          [true, true, 'rest'],
          [true, true, 'hub'],
        ]);
        const history = await api(gw, 'GET', `/api/conversations/${conversationId}/messages?limit=50`, { token: bob.token });
        const lengths = (history.json as { items: { blocks: { content?: string }[] }[] }).items
          .map((m) => m.blocks[0]?.content?.length)
          .reverse();
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

  describe('chat-rx tail when the connection fails (issue 17; a gateway per test)', () => {
    let gw: TestGateway | undefined;
    afterEach(async () => {
      killAllClis();
      await gw?.close();
      gw = undefined;
    });

    /** A gateway of this test, alice and bob logged in, and a conversation of theirs. */
    async function setUp(): Promise<{
      gw: TestGateway;
      alice: TestUser;
      bob: TestUser;
      aliceName: string;
      bobName: string;
      conversationId: string;
    }> {
      const started = await startTestGateway({ bot: false });
      gw = started;
      const aliceName = uniqueName('alice');
      const bobName = uniqueName('bob');
      const [a, b] = await Promise.all([started.login(aliceName), started.login(bobName)]);
      const alice = { id: a.user.id, token: a.token };
      const bob = { id: b.user.id, token: b.token };
      const conversationId = (await createConversation(started, alice, 'Group', [bob.id], uniqueName('faults'))).id;
      return { gw: started, alice, bob, aliceName, bobName, conversationId };
    }

    it('the gateway goes away: stderr says connection lost, retrying in N s, gave up; exit 4 within seconds', async function () {
      const { gw: g, alice, bobName, conversationId } = await setUp();
      if (g.external) this.skip(); // the test closes the gateway
      const cli = startCli([
        'tail',
        conversationId,
        '--url',
        g.url,
        '--user',
        bobName,
        '--max-reconnect-attempts',
        '2',
        '--reconnect-delays',
        '200',
      ]);
      await untilTailingOn(g, alice, cli, conversationId);
      const closedAt = Date.now();
      await g.close();
      const exit = await cli.exit(20_000);
      expect(exit, cli.stderr()).to.deep.equal({ code: 4, signal: null });
      expect(Date.now() - closedAt, 'ms from the gateway going away to the exit').to.be.below(10_000);
      const stderr = cli.stderr();
      expect(stderr).to.match(/^chat-rx: connection lost \(.+\); retrying in 0\.2 s \(attempt \d of 2\)$/m);
      expect(stderr).to.match(/^chat-rx: connection: reconnect failed \(.+\); retrying in 0\.2 s \(attempt 2 of 2\)$/m);
      expect(stderr).to.match(/^chat-rx: connection: gave up: .+$/m);
      expect(stderr.indexOf('connection lost'), 'lost, then gave up').to.be.below(stderr.indexOf('gave up'));
    });

    it('sockets killed: stderr says connection lost, then recovered; what was sent meanwhile comes out once', async () => {
      const { gw: g, alice, bobName, conversationId } = await setUp();
      const cli = startCli(['tail', conversationId, '--url', g.url, '--user', bobName, '--reconnect-delays', '200']);
      await untilTailingOn(g, alice, cli, conversationId);
      await g.faults.killSockets();
      const lost = await cli.waitForStderr(/connection lost/, 10_000, 'the loss reported on stderr');
      expect(lost).to.match(/^chat-rx: connection lost \(.+\); retrying in 0\.2 s/m);
      const sent: string[] = [];
      for (let i = 1; i <= 3; i++) sent.push((await sendText(g, alice, conversationId, `while away ${i}`)).id);
      await cli.waitForStderr(/^chat-rx: connection recovered$/m, 10_000, 'the recovery reported on stderr');
      await sendText(g, alice, conversationId, 'sentinel');
      await cli.waitForLine((line) => line.includes('"plainText":"sentinel"'), 10_000, 'the sentinel message');
      const lines = tailLinesOf(cli);
      for (const id of sent)
        expect(
          lines.filter((m) => m.id === id),
          `message ${id}`,
        ).to.have.length(1);
      expect(new Set(lines.map((m) => m.id)).size, 'a message printed twice').to.equal(lines.length);
      cli.child.kill('SIGINT');
      expect(await cli.exit(5_000)).to.deep.equal(cleanExit);
    });

    it('the token expires (dev login): it logs in again, says so on stderr, and keeps delivering', async () => {
      const { gw: g, aliceName, bobName, alice, conversationId } = await setUp();
      const cli = startCli(['tail', conversationId, '--url', g.url, '--user', bobName, '--reconnect-delays', '200']);
      await untilTailingOn(g, alice, cli, conversationId);
      await g.faults.expireTokens();
      // The open connection outlives its token; the next connection needs a new one.
      await g.faults.killSockets();
      await cli.waitForStderr(/^chat-rx: logged in again as .+$/m, 10_000, 'the new login reported on stderr');
      await cli.waitForStderr(/^chat-rx: connection recovered$/m, 10_000, 'the recovery reported on stderr');
      const aliceAgain = { id: alice.id, token: (await g.login(aliceName)).token };
      const after = await sendText(g, aliceAgain, conversationId, 'after the token expired');
      await cli.waitForLine((line) => line.includes(after.id), 10_000, 'a message sent after the token expired');
      expect(cli.stderr()).to.include(`logging in again as ${bobName}`);
      expect(cli.stderr()).to.match(/refused the token/);
      cli.child.kill('SIGINT');
      expect(await cli.exit(5_000)).to.deep.equal(cleanExit);
    });

    it('the token expires (--token, no way to a new one): exit 5 within seconds, saying the token was refused', async () => {
      const { gw: g, alice, bob, conversationId } = await setUp();
      const cli = startCli(['tail', conversationId, '--url', g.url, '--token', bob.token, '--reconnect-delays', '200']);
      await untilTailingOn(g, alice, cli, conversationId);
      await g.faults.expireTokens();
      const failedAt = Date.now();
      await g.faults.killSockets();
      const exit = await cli.exit(20_000);
      expect(exit, cli.stderr()).to.deep.equal({ code: 5, signal: null });
      expect(Date.now() - failedAt, 'ms from the refusal to the exit').to.be.below(10_000);
      expect(cli.stderr()).to.match(/^chat-rx: connection lost/m);
      expect(cli.stderr()).to.match(/^chat-rx: connection: gave up: .*refused the token/m);
      expect(cli.stderr(), 'the token is never printed').to.not.include(bob.token);
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

    it('an unknown option is named (with the likely one) and exits 2 (issue 17)', async () => {
      const cli = startCli(['tail', 'some-conversation', '--url', 'http://127.0.0.1:9', '--usr', 'bob']);
      expect(await cli.exit(20_000)).to.deep.equal({ code: 2, signal: null });
      expect(cli.stderr()).to.include('unknown option --usr (did you mean --user?)');
      expect(cli.stdout()).to.equal('');
    });

    it('an option that needs a value given none exits 2 naming it (issue 17)', async () => {
      const cli = startCli(['tail', 'some-conversation', '--url', 'http://127.0.0.1:9', '--user']);
      expect(await cli.exit(20_000)).to.deep.equal({ code: 2, signal: null });
      expect(cli.stderr()).to.include('--user needs a value');
    });

    it('--url without http(s):// exits 2 saying what a URL must look like (issue 17)', async () => {
      const cli = startCli(['tail', 'some-conversation', '--url', 'localhost:5080', '--user', 'bob']);
      expect(await cli.exit(20_000)).to.deep.equal({ code: 2, signal: null });
      expect(cli.stderr()).to.include("--url: 'localhost:5080' is not an http(s) URL");
      expect(cli.stderr()).to.include('http(s)://host[:port]');
      expect(cli.stderr()).to.include('did you mean http://localhost:5080?');
    });

    it('a gateway that cannot be reached: exit 4, naming it (issue 17)', async () => {
      const cli = startCli(['tail', 'some-conversation', '--url', 'http://127.0.0.1:9', '--user', 'bob']);
      expect(await cli.exit(20_000)).to.deep.equal({ code: 4, signal: null });
      expect(cli.stderr()).to.include('cannot reach the gateway at http://127.0.0.1:9');
    });

    it('--help lists every command and documents every exit code (issue 17)', async () => {
      const cli = startCli(['--help']);
      expect(await cli.exit(20_000)).to.deep.equal(cleanExit);
      const help = cli.stdout();
      for (const command of [
        'gateway',
        'conversations',
        'open <participantId>',
        'group <participantId>',
        'tail <conversationId>',
        'send <conversationId>',
        'demo',
      ]) {
        expect(help).to.include(`chat-rx ${command}`);
      }
      for (const option of ['--max-reconnect-attempts', '--reconnect-delays']) expect(help).to.include(option);
      for (const code of [0, 1, 2, 3, 4, 5]) expect(help).to.match(new RegExp(`^  ${code}  \\S`, 'm'));
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
