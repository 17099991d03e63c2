/**
 * The embedded `echo-bot`'s answer to messages without plain text (issue 17, item 11): a file
 * message is answered "You sent a file: <name>", not "You said: " and nothing — and any other
 * block is described. `echoReply` is the rule; the gateway tests prove the bot streams and stores
 * it. (The text replies and the stream's shape are in hubs-bot.spec.ts.)
 *
 * Embedded gateway only: the ASP.NET reference gateway's EchoBot.cs still answers "You said: ".
 */
import { expect } from 'chai';
import { CursorPaginatedResult, MessageDto, type Block } from '../../src/codecs/index.js';
import { echoReply } from '../../src/gateway/echo-bot.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { HubClients, api, createConversation, expectOk, newUsers, text } from './gateway-helpers.js';

const MessagePage = CursorPaginatedResult(MessageDto);
const BOT = 'echo-bot';

const file = (fileName: string): Block => ({
  $type: 'file',
  source: { storageKey: `k/${fileName}` },
  fileName,
  mimeType: 'application/pdf',
  fileSizeBytes: 1234,
});
const reply = (...blocks: Block[]): string => echoReply({ plainText: null, blocks });

describe('echo-bot: echoReply', () => {
  it('echoes plain text as "You said: <text>", also when files come with it', () => {
    expect(echoReply({ plainText: 'hello', blocks: [text('hello')] })).to.equal('You said: hello');
    expect(echoReply({ plainText: 'see attached', blocks: [text('see attached'), file('a.pdf')] })).to.equal('You said: see attached');
  });

  it('answers a file message with "You sent a file: <name>"', () => {
    expect(reply(file('report.pdf'))).to.equal('You sent a file: report.pdf');
  });

  it('lists several blocks in order: "a, b and c"', () => {
    expect(reply(file('a.pdf'), file('b.pdf'))).to.equal('You sent a file: a.pdf and a file: b.pdf');
    expect(reply(file('a.pdf'), { $type: 'divider' }, file('b.pdf'))).to.equal('You sent a file: a.pdf, a divider and a file: b.pdf');
  });

  it('describes every block kind, by name or caption when it has one', () => {
    const media = { storageKey: 'k' };
    const cases: Array<[Block, string]> = [
      [{ $type: 'text', format: 'Markdown', content: '**hi**', plainText: null }, 'a Markdown text'],
      [{ $type: 'text', format: 'Plain', content: ' ', plainText: null }, 'an empty text'],
      [
        { $type: 'image', source: media, thumbnail: null, altText: 'a cat', width: null, height: null, caption: null, fileSizeBytes: null },
        'an image: a cat',
      ],
      [
        {
          $type: 'image',
          source: media,
          thumbnail: null,
          altText: 'a cat',
          width: null,
          height: null,
          caption: 'Tom',
          fileSizeBytes: null,
        },
        'an image: Tom',
      ],
      [
        { $type: 'image', source: media, thumbnail: null, altText: null, width: null, height: null, caption: null, fileSizeBytes: null },
        'an image',
      ],
      [
        { $type: 'video', source: media, thumbnail: null, caption: 'demo', durationSeconds: 3, mimeType: null, fileSizeBytes: null },
        'a video: demo',
      ],
      [{ $type: 'audio', source: media, durationSeconds: 3, mimeType: null, transcript: null, fileSizeBytes: null }, 'an audio clip'],
      [
        { $type: 'linkPreview', url: 'https://example.com/', title: null, description: null, image: null, siteName: null },
        'a link: https://example.com/',
      ],
      [{ $type: 'embed', url: 'https://example.com/e', html: null, width: null, height: null }, 'an embed: https://example.com/e'],
      [{ $type: 'location', latitude: 52.5, longitude: 13.4, name: 'Berlin', address: null }, 'a location: Berlin'],
      [{ $type: 'location', latitude: 52.5, longitude: 13.4, name: null, address: null }, 'a location: 52.5, 13.4'],
      [{ $type: 'contact', displayName: 'Ada', phone: null, email: null, organization: null }, 'a contact: Ada'],
      [{ $type: 'choice', prompt: 'Tea or coffee?', options: [], mode: 'Single', submitted: false }, 'a question: Tea or coffee?'],
      [{ $type: 'card', title: 'Order 42', subtitle: null, image: null, fields: null, buttons: null }, 'a card: Order 42'],
      [{ $type: 'carousel', cards: [] }, 'a carousel of 0 cards'],
      [{ $type: 'divider' }, 'a divider'],
      [{ $type: 'custom', type: 'poll', data: null }, 'a custom block: poll'],
      [{ $type: 'hologram', depth: 3 }, 'a "hologram" block'],
    ];
    for (const [block, described] of cases) expect(reply(block), JSON.stringify(block)).to.equal(`You sent ${described}`);
  });

  it('never answers with an empty echo', () => {
    expect(reply()).to.equal('You sent an empty message');
    expect(reply(file('   '))).to.equal('You sent a file');
  });
});

describe('echo-bot: a file message over the gateway', () => {
  let gw: TestGateway;
  const hubs = new HubClients(() => gw);
  before(async function () {
    gw = await startTestGateway({ bot: { startDelayMs: 5, statusDelayMs: 5, chunkDelayMs: 5 } });
    if (gw.external) this.skip(); // the reference gateway's bot is not this one
  });
  afterEach(async () => hubs.stopAll());
  after(async () => gw.close());

  it('streams and stores "You sent a file: <name>" in reply to a file message', async () => {
    const [alice] = await newUsers(gw, 'alice');
    const conversationId = (await createConversation(gw, alice, 'Group', [BOT], 'Files')).id;
    const a = await hubs.chat(alice.token);
    await a.connection.invoke('JoinConversation', conversationId);

    const sent = expectOk(
      await api(gw, 'POST', `/api/conversations/${conversationId}/messages`, {
        token: alice.token,
        body: { blocks: [file('report.pdf')] },
      }),
      201,
      MessageDto,
    );
    const completed = await a.waitFor('streamCompleted');
    expect(
      a
        .events('streamChunkReceived')
        .map((c) => c.text)
        .join(''),
    ).to.equal('You sent a file: report.pdf');
    expect(completed.message).to.deep.include({
      senderId: BOT,
      plainTextContent: 'You sent a file: report.pdf',
      replyToMessageId: sent.id,
    });

    const history = expectOk(
      await api(gw, 'GET', `/api/conversations/${conversationId}/messages?limit=10`, { token: alice.token }),
      200,
      MessagePage,
    ).items;
    expect(history.map((m) => [m.senderId, m.plainTextIndex])).to.deep.equal([
      [BOT, 'You sent a file: report.pdf'],
      [alice.id, null],
    ]);
  });
});
