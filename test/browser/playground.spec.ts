/**
 * The playground page in a real browser: the embedded gateway serves the freshly built page (and
 * its `/_test/` fault endpoints); Debian's Chromium, driven by playwright-core, logs in, chats with
 * echo-bot, uploads a file, survives a dropped connection (counting down to each retry), keeps the
 * open conversation read, and fits a 390 px wide phone screen.
 *
 * Needs `/usr/bin/chromium` (`apt-get install -y chromium`); without it the suite is skipped and
 * its title says so.
 */
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startGateway, type Gateway } from '../../src/gateway/index.js';
import { buildPlayground } from '../../src/playground/build-playground.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const hasChromium = existsSync(CHROMIUM);
const title = hasChromium
  ? 'playground page in Chromium'
  : 'playground page in Chromium — SKIPPED: /usr/bin/chromium is absent (apt-get install -y chromium)';

/** What the page rendered over time, recorded in the page by a MutationObserver. */
interface Seen {
  /** `status` of every rendered message element, by `data-sender`. */
  readonly statuses: Record<string, string[]>;
  /** Text lengths of every rendered streaming placeholder. */
  readonly streamingLengths: number[];
  /** `data-status` of every state-log entry, oldest first. */
  readonly states: string[];
  /** Every text the chat hub's badge showed, oldest first (one entry per change). */
  readonly chatBadge: string[];
  /** Every conversation row rendered, by `data-id`, oldest first: its count, whether it was the open one, whether it showed a badge. */
  readonly rows: Record<string, Array<{ unread: number; active: boolean; badge: boolean }>>;
}

/**
 * Installs the recorder (idempotent). A string, not a function: tsx compiles this file with
 * esbuild's keepNames, whose `__name` helper does not exist in the page.
 */
const RECORDER = `(() => {
  if (window.seen) return;
  const seen = { statuses: {}, streamingLengths: [], states: [], chatBadge: [], rows: {} };
  window.seen = seen;
  const watch = (testId, onAdded) => {
    const list = document.querySelector('[data-testid="' + testId + '"]');
    if (!list) throw new Error('no ' + testId);
    new MutationObserver((records) => {
      for (const r of records) for (const node of r.addedNodes) if (node instanceof HTMLElement) onAdded(node);
    }).observe(list, { childList: true });
  };
  watch('messages', (element) => {
    const sender = element.dataset.sender || '?';
    const status = element.dataset.status || '?';
    (seen.statuses[sender] = seen.statuses[sender] || []).push(status);
    if (status === 'streaming') {
      const text = element.querySelector('[data-testid="message-text"]');
      seen.streamingLengths.push(text && text.textContent ? text.textContent.length : 0);
    }
  });
  watch('state-log', (element) => { seen.states.push(element.dataset.status || '?'); });
  watch('conversation-list', (element) => {
    const id = element.dataset.id || '?';
    (seen.rows[id] = seen.rows[id] || []).push({
      unread: Number(element.dataset.unread),
      active: element.classList.contains('active'),
      badge: element.querySelector('[data-testid="unread"]') !== null,
    });
  });
  const badge = document.querySelector('[data-testid="conn-state"]');
  const badgeText = () => {
    const text = badge.textContent || '';
    if (seen.chatBadge[seen.chatBadge.length - 1] !== text) seen.chatBadge.push(text);
  };
  badgeText();
  new MutationObserver(badgeText).observe(badge, { childList: true, characterData: true, subtree: true });
})()`;

/** The "N" of every "reconnecting in N s" the chat hub's badge showed, in order. */
const COUNTDOWN = `window.seen.chatBadge.map((text) => /reconnecting in (\\d+) s/.exec(text)).filter(Boolean).map((m) => Number(m[1]))`;

async function record(page: Page): Promise<void> {
  await page.evaluate(RECORDER);
}

async function seen(page: Page): Promise<Seen> {
  return page.evaluate(() => (window as unknown as { seen: Seen }).seen);
}

async function rest<T>(gateway: Gateway, method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  const response = await fetch(`${gateway.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token !== null ? { authorization: `Bearer ${token}` } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
  const text = await response.text();
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

/** `user`'s unread count in `conversationId`, as the gateway keeps it. */
async function unreadOnServer(gateway: Gateway, token: string, conversationId: string): Promise<number | undefined> {
  const page = await rest<{ items: Array<{ id: string; unreadCount: number }> }>(gateway, 'GET', '/api/conversations?limit=100', token);
  return page.items.find((c) => c.id === conversationId)?.unreadCount;
}

/** Polls `check` until it returns true (or fails after `timeoutMs`, naming `what`). */
async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

/** The row of `conversationId` in the page's list: its `data-unread` and whether a badge shows. */
async function row(page: Page, conversationId: string): Promise<{ unread: string | null; badge: boolean; active: boolean }> {
  const element = page.locator(`[data-testid="conversation"][data-id="${conversationId}"]`);
  await element.waitFor();
  return {
    unread: await element.getAttribute('data-unread'),
    badge: (await element.locator('[data-testid="unread"]').count()) > 0,
    active: ((await element.getAttribute('class')) ?? '').split(' ').includes('active'),
  };
}

(hasChromium ? describe : describe.skip)(title, function () {
  this.timeout(60_000);
  let gateway: Gateway | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let profile: string | undefined;
  let outDir: string | undefined;
  let conversationId: string;
  const pageErrors: string[] = [];

  before(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'chat-rx-playground-'));
    await buildPlayground({ root, outDir });
    // Slower chunks than the default so the stream is seen growing, and lasts (over a second) long
    // enough for another message to arrive and be read while it streams.
    gateway = await startGateway({ port: 0, testEndpoints: true, playground: { dir: outDir }, bot: { chunkDelayMs: 200, chunks: 6 } });
    profile = await mkdtemp(join(tmpdir(), 'chat-rx-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1200, height: 760 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  after(async () => {
    await context?.close().catch(() => undefined);
    await gateway?.close();
    if (profile !== undefined) await rm(profile, { recursive: true, force: true });
    if (outDir !== undefined) await rm(outDir, { recursive: true, force: true });
  });

  it('is served at / and logs in against the embedded gateway', async () => {
    const url = (gateway as Gateway).url;
    await page.goto(`${url}/`);
    expect(await page.title()).to.equal('chat-client-rx playground');
    await page.getByTestId('login-name').fill('alice');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('whoami').filter({ hasText: 'signed in as alice' }).waitFor();
    await record(page);
    await page.locator('[data-testid="conn-state"][data-status="connected"]').waitFor();
    await page.locator('[data-testid="notif-state"][data-status="connected"]').waitFor();
    expect(pageErrors).to.deep.equal([]);
  });

  it('opens a chat with echo-bot, sends optimistically and shows the reply streaming in', async () => {
    await page.getByTestId('new-bot-chat').click();
    const row = page.locator('[data-testid="conversation"].active');
    await row.waitFor();
    conversationId = (await row.getAttribute('data-id')) ?? '';
    expect(conversationId).to.not.equal('');
    // the bot's presence dot is there
    await row.locator('[data-testid="presence"][data-participant="echo-bot"]').waitFor();

    await page.getByTestId('composer-input').fill('hello from Chromium');
    await page.getByTestId('composer-send').click();
    const reply = page.locator('[data-testid="message"][data-sender="echo-bot"][data-status="confirmed"] [data-testid="message-text"]');
    await reply.waitFor();
    expect(await reply.innerText()).to.equal('You said: hello from Chromium');
    await page
      .locator('[data-testid="message"][data-sender="alice"][data-status="confirmed"]', { hasText: 'hello from Chromium' })
      .waitFor();
    await page.locator('[data-testid="bot-stream"][data-phase="completed"]').waitFor();

    const recorded = await seen(page);
    expect(recorded.statuses.alice?.[0], 'own message first rendered as').to.equal('pending');
    expect(recorded.statuses.alice).to.include('confirmed');
    expect(recorded.statuses['echo-bot'], 'bot placeholder').to.include('streaming');
    // the placeholder's text grew chunk by chunk
    expect(new Set(recorded.streamingLengths).size, `lengths ${recorded.streamingLengths.join(',')}`).to.be.greaterThan(2);
  });

  it('uploads a file with progress events and sends it as a file message', async () => {
    const bytes = Buffer.alloc(300 * 1024, 7);
    await page.getByTestId('upload-input').setInputFiles({ name: 'report.bin', mimeType: 'application/octet-stream', buffer: bytes });
    await page.locator('[data-testid="upload-status"][data-state="done"]').waitFor();
    const events = Number(await page.getByTestId('upload-status').getAttribute('data-progress-events'));
    expect(events, 'progress events').to.be.greaterThan(0);
    expect(await page.getByTestId('upload-progress').evaluate((bar) => (bar as HTMLProgressElement).value)).to.equal(1);
    const file = page.locator('[data-testid="message"][data-sender="alice"] [data-testid="message-file"]', { hasText: 'report.bin' });
    await file.waitFor();
    expect(await file.innerText()).to.contain('300.0 KB');
    // the link downloads what was uploaded
    const href = (await file.getAttribute('href')) ?? '';
    const downloaded = Buffer.from(await (await fetch(href)).arrayBuffer());
    expect(downloaded.equals(bytes)).to.equal(true);
    // echo-bot answers a message without text by what it sent, not with "You said: " and nothing
    const answer = page.locator('[data-testid="message"][data-sender="echo-bot"][data-status="confirmed"] [data-testid="message-text"]', {
      hasText: 'report.bin',
    });
    await answer.waitFor();
    expect(await answer.innerText()).to.equal('You sent a file: report.bin');
  });

  it('links a file block only to an http(s) URL: a javascript: URL from a sender renders as text', async () => {
    const g = gateway as Gateway;
    const alice = await rest<{ token: string }>(g, 'POST', '/api/auth/login/dev', null, { username: 'alice', password: 'dev' });
    const file = (fileName: string, url: string) => ({ $type: 'file', source: { url }, fileName, mimeType: null, fileSizeBytes: 1 });
    await rest(g, 'POST', `/api/conversations/${conversationId}/messages`, alice.token, {
      blocks: [file('evil.pdf', 'javascript:document.title="pwned"'), file('fine.pdf', 'https://files.example.com/fine.pdf')],
    });
    const evil = page.locator('[data-testid="message-file"]', { hasText: 'evil.pdf' });
    const fine = page.locator('[data-testid="message-file"]', { hasText: 'fine.pdf' });
    await evil.waitFor();
    await fine.waitFor();
    expect(await evil.evaluate((element) => [element.tagName, element.getAttribute('href')])).to.deep.equal(['SPAN', null]);
    expect(await fine.evaluate((element) => [element.tagName, element.getAttribute('href')])).to.deep.equal([
      'A',
      'https://files.example.com/fine.pdf',
    ]);
  });

  it('"drop connection": reconnecting → connected, and a message sent meanwhile shows up', async () => {
    const g = gateway as Gateway;
    // bob joins alice's conversation (alice adds him over REST)
    const alice = await rest<{ token: string }>(g, 'POST', '/api/auth/login/dev', null, { username: 'alice', password: 'dev' });
    const bob = await rest<{ token: string }>(g, 'POST', '/api/auth/login/dev', null, { username: 'bob', password: 'dev' });
    await rest(g, 'POST', `/api/conversations/${conversationId}/participants`, alice.token, { participantId: 'bob', canViewHistory: true });

    const before = (await seen(page)).states.length;
    // The gateway refuses new connections until released below, so the page stays reconnecting
    // for as long as this test needs, however slow the machine.
    g.faults.refuseConnections(60_000);
    try {
      await page.getByTestId('drop').click();
      await page.locator('[data-testid="conn-state"][data-status="reconnecting"]').waitFor();
      // the badge counts down to the next attempt, second by second: "reconnecting in 2 s", "… 1 s"
      await page
        .waitForFunction(`(() => { const n = ${COUNTDOWN}; return n.some((v, i) => i > 0 && n[i - 1] === v + 1); })()`, undefined, {
          timeout: 20_000,
        })
        .catch(async () => {
          expect.fail(`no countdown; the badge showed: ${JSON.stringify((await seen(page)).chatBadge.slice(-5))}`);
        });
      const countdown = (await page.evaluate(COUNTDOWN)) as number[];
      expect(countdown[0], `countdown ${countdown.join(',')}`).to.equal(2); // the first delay after a drop: 2 s
      // while the page is reconnecting, bob writes over REST
      await rest(g, 'POST', `/api/conversations/${conversationId}/messages`, bob.token, {
        blocks: [{ $type: 'text', format: 'Plain', content: 'sent while you were away', plainText: 'sent while you were away' }],
      });
      expect(await page.getByTestId('conn-state').getAttribute('data-status')).to.equal('reconnecting');
    } finally {
      // released even when an assertion above failed, so the tests after this one still connect
      g.faults.refuseConnections(0);
    }
    // the next retry (the default delays: 2 s, 5 s, 10 s) connects
    await page.locator('[data-testid="conn-state"][data-status="connected"]').waitFor({ timeout: 30_000 });
    const states = (await seen(page)).states.slice(before);
    expect(states[0]).to.equal('reconnecting');
    expect(states.at(-1)).to.equal('connected');

    const missed = page.locator('[data-testid="message"][data-sender="bob"] [data-testid="message-text"]');
    await missed.waitFor();
    expect(await missed.innerText()).to.equal('sent while you were away');
    // and the live connection works again: a new message goes through and echo-bot answers
    await page.getByTestId('composer-input').fill('back online');
    await page.getByTestId('composer-send').click();
    await page
      .locator('[data-testid="message"][data-sender="echo-bot"][data-status="confirmed"]', { hasText: 'You said: back online' })
      .waitFor();
    expect(await page.getByTestId('conn-state').innerText()).to.equal('connected');
    expect(pageErrors).to.deep.equal([]);
  });

  it('keeps the open conversation read: messages arriving there leave no unread badge', async () => {
    const g = gateway as Gateway;
    const alice = await rest<{ token: string }>(g, 'POST', '/api/auth/login/dev', null, { username: 'alice', password: 'dev' });
    const bob = await rest<{ token: string }>(g, 'POST', '/api/auth/login/dev', null, { username: 'bob', password: 'dev' });
    expect((await row(page, conversationId)).active, 'the conversation is open').to.equal(true);
    await eventually('alice has read everything so far', async () => (await unreadOnServer(g, alice.token, conversationId)) === 0);
    const renderedBefore = (await seen(page)).rows[conversationId]?.length ?? 0;

    // alice asks echo-bot; while its reply streams, bob writes
    await page.getByTestId('composer-input').fill('tell me slowly');
    await page.getByTestId('composer-send').click();
    await page.locator('[data-testid="message"][data-sender="echo-bot"][data-status="streaming"]').waitFor();
    await rest(g, 'POST', `/api/conversations/${conversationId}/messages`, bob.token, {
      blocks: [{ $type: 'text', format: 'Plain', content: 'are you reading this?', plainText: 'are you reading this?' }],
    });
    await page
      .locator('[data-testid="message"][data-sender="bob"] [data-testid="message-text"]', { hasText: 'are you reading this?' })
      .waitFor();
    // read while viewing: the gateway counts nothing unread
    await eventually("bob's message, on screen, is marked read", async () => (await unreadOnServer(g, alice.token, conversationId)) === 0);
    // the bot's reply, stored when its stream ends (after bob's message was marked read), is
    // counted unread by the gateway: it must be marked read too
    await page
      .locator('[data-testid="message"][data-sender="echo-bot"][data-status="confirmed"]', { hasText: 'You said: tell me slowly' })
      .waitFor();
    await eventually(
      "echo-bot's reply, on screen, is marked read",
      async () => (await unreadOnServer(g, alice.token, conversationId)) === 0,
    );
    await eventually('no unread badge on the open conversation', async () => {
      const r = await row(page, conversationId);
      return r.unread === '0' && !r.badge;
    });
    // and none was shown meanwhile: the list counted each message for a moment, the open row never showed it
    const rendered = ((await seen(page)).rows[conversationId] ?? []).slice(renderedBefore);
    expect(
      rendered.some((r) => r.unread > 0),
      'the list counted the arriving messages',
    ).to.equal(true);
    expect(
      rendered.filter((r) => r.active && r.badge),
      'open rows rendered with a badge',
    ).to.deep.equal([]);
    expect(pageErrors).to.deep.equal([]);
  });

  it('marks a conversation read when it is opened', async () => {
    const g = gateway as Gateway;
    const alice = await rest<{ token: string }>(g, 'POST', '/api/auth/login/dev', null, { username: 'alice', password: 'dev' });
    const bob = await rest<{ token: string }>(g, 'POST', '/api/auth/login/dev', null, { username: 'bob', password: 'dev' });
    const other = await rest<{ id: string }>(g, 'POST', '/api/conversations', bob.token, {
      type: 'Group',
      participantIds: ['alice'],
      name: 'From bob',
    });
    for (const text of ['first unread', 'second unread']) {
      await rest(g, 'POST', `/api/conversations/${other.id}/messages`, bob.token, {
        blocks: [{ $type: 'text', format: 'Plain', content: text, plainText: text }],
      });
    }
    // not open: the badge shows both
    await eventually('a badge of 2 on the conversation alice has not opened', async () => {
      const r = await row(page, other.id);
      return r.unread === '2' && r.badge && !r.active;
    });
    expect(await unreadOnServer(g, alice.token, other.id)).to.equal(2);

    const renderedBefore = (await seen(page)).rows[other.id]?.length ?? 0;
    await page.locator(`[data-testid="conversation"][data-id="${other.id}"]`).click();
    await page.locator('[data-testid="message"][data-sender="bob"] [data-testid="message-text"]', { hasText: 'second unread' }).waitFor();
    await eventually('opening it marks it read on the gateway', async () => (await unreadOnServer(g, alice.token, other.id)) === 0);
    await eventually('and its badge goes', async () => {
      const r = await row(page, other.id);
      return r.unread === '0' && !r.badge && r.active;
    });
    // from the click on, the badge was gone: the conversation open is the one being read
    const rendered = ((await seen(page)).rows[other.id] ?? []).slice(renderedBefore);
    expect(
      rendered.filter((r) => r.active && r.badge),
      'open rows rendered with a badge',
    ).to.deep.equal([]);
    // back to the chat with echo-bot, which stays read
    await page.locator(`[data-testid="conversation"][data-id="${conversationId}"]`).click();
    expect(pageErrors).to.deep.equal([]);
  });

  it('fits a 390×844 phone screen: the timeline and the composer are on screen and usable', async () => {
    const phone = await (context as BrowserContext).newPage();
    const errors: string[] = [];
    phone.on('pageerror', (error) => errors.push(error.message));
    try {
      phone.setDefaultTimeout(15_000);
      await phone.setViewportSize({ width: 390, height: 844 });
      await phone.goto(`${(gateway as Gateway).url}/?user=bob`);
      await phone.locator('[data-testid="conn-state"][data-status="connected"]').waitFor();
      await phone.locator(`[data-testid="conversation"][data-id="${conversationId}"]`).click();
      await phone.locator('[data-testid="message"][data-sender="bob"]', { hasText: 'are you reading this?' }).waitFor();

      const viewport = { width: 390, height: 844 };
      for (const id of ['messages', 'composer', 'composer-input', 'composer-send']) {
        const box = await phone.getByTestId(id).boundingBox();
        expect(box, `${id} is rendered`).to.not.equal(null);
        const { x, y, width, height } = box as { x: number; y: number; width: number; height: number };
        expect(width, `${id} width`).to.be.greaterThan(0);
        expect(height, `${id} height`).to.be.greaterThan(0);
        expect(x, `${id} left edge`).to.be.at.least(0);
        expect(y, `${id} top edge`).to.be.at.least(0);
        expect(x + width, `${id} right edge`).to.be.at.most(viewport.width + 0.5);
        expect(y + height, `${id} bottom edge`).to.be.at.most(viewport.height + 0.5);
      }
      const timeline = (await phone.getByTestId('messages').boundingBox()) as { width: number; height: number };
      expect(timeline.width, 'the timeline takes the screen width').to.be.at.least(300);
      expect(timeline.height, 'room for messages').to.be.at.least(200);
      // nothing wider than the screen: no sideways scrolling
      expect(await phone.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(viewport.width);

      // and it works there: a message typed on the phone goes through
      await phone.getByTestId('composer-input').fill('from a phone');
      await phone.getByTestId('composer-send').click();
      await phone.locator('[data-testid="message"][data-sender="bob"][data-status="confirmed"]', { hasText: 'from a phone' }).waitFor();
      expect(errors).to.deep.equal([]);
    } finally {
      await phone.close();
    }
  });
});

describe('the gateway serving the playground (no browser needed)', function () {
  this.timeout(30_000);
  let gateway: Gateway;
  let outDir: string;

  before(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'chat-rx-playground-'));
    await buildPlayground({ root, outDir });
    gateway = await startGateway({ port: 0, playground: { dir: outDir } });
  });
  after(async () => {
    await gateway.close();
    await rm(outDir, { recursive: true, force: true });
  });

  /** A raw GET, so `..` reaches the server as written. */
  function get(path: string): Promise<{ status: number; type: string | undefined; body: string }> {
    const url = new URL(gateway.url);
    return new Promise((done, fail) => {
      request({ host: url.hostname, port: url.port, path, method: 'GET' }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => done({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
      })
        .on('error', fail)
        .end();
    });
  }

  it('serves index.html at / and the bundle at /app.js with their content types', async () => {
    const page = await get('/');
    expect(page.status).to.equal(200);
    expect(page.type).to.equal('text/html; charset=utf-8');
    expect(page.body).to.contain('<script type="module" src="./app.js">');
    const script = await get('/app.js');
    expect(script.status).to.equal(200);
    expect(script.type).to.equal('text/javascript; charset=utf-8');
    // one self-contained browser module: no imports left, no Node built-ins
    expect(script.body).to.not.match(/\bfrom\s*["'](node:|rxjs|axios|@microsoft\/signalr)/);
  });

  it('refuses to leave its directory and leaves the gateway routes alone', async () => {
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/..%2fpackage.json', '/..%5cpackage.json', '/%00', '/nope.js']) {
      const response = await get(path);
      expect(response.status, path).to.equal(404);
      expect(response.body, path).to.not.contain('"name"');
    }
    expect((await get('/health/live')).status).to.equal(200);
    expect((await get('/api/conversations')).status).to.equal(401);
  });
});
