/**
 * Seed README §19 "Lưu ý quan trọng" (important notes), lines 1782–1833, run against
 * `chat-client-rx/compat`.
 */
import { HubConnectionState } from '@microsoft/signalr';
import { expect } from 'chai';
import type { ChatClient, ImageBlock } from '../../src/compat/index.js';
import { CURSOR, TIME_SPAN, captureConsole, seedSuite } from './seed-kit.js';

describe('seed §19 important notes (compat)', () => {
  const kit = seedSuite();
  const out = captureConsole();
  let client: ChatClient;
  beforeEach(async () => {
    client = await kit.user('notes-me'); // the seed's `client`, logged in
  });

  it('cursor pagination: pass the cursor as the string it is, never a number (lines 1786–1791)', async () => {
    const { token } = await kit.login('notes-me');
    for (let i = 0; i < 3; i++) await kit.conversation(token, { type: 'Group', name: `n${i}`, participantIds: [] });
    const result = await client.conversations.list({ limit: 2 }); // not in the seed: the `result` the note reads
    {
      // ✅ Đúng
      const cursor: string = result.nextCursor!;
      const next = await client.conversations.list({ cursor }); // seed: await client.conversations.list({ cursor });
      expect(cursor).to.match(CURSOR);
      expect(next.items.map((i) => i.id)).to.not.include.members(result.items.map((i) => i.id));
      expect(next.items).to.have.length(1);
    }
    {
      // ❌ Sai — mất độ chính xác vì vượt Number.MAX_SAFE_INTEGER
      const cursor = Number(result.nextCursor); // BUG!
      expect(Number.isNaN(cursor)).to.equal(true); // "<UnixMs>_<ULID>" is not a number at all
    }
  });

  it('token and SignalR: a hub keeps its token until disconnect() → setToken() → connect() (lines 1795–1797)', async () => {
    const { token: meToken } = await kit.login('notes-me');
    const other = await kit.login('notes-other');
    const convId = (await kit.conversation(meToken, { type: 'Group', name: 'tokens', participantIds: ['notes-other'] })).id;
    const senderOfAHubMessage = async (): Promise<string> => {
      const ack = await client.realtime.chat.sendMessage({
        conversationId: convId,
        blocks: [{ $type: 'text', format: 'Plain', content: 't', plainText: 't' }],
      });
      return (await client.messages.getById(ack.messageId!)).senderId;
    };
    await client.realtime.chat.connect();
    expect(await senderOfAHubMessage()).to.equal('notes-me');

    client.setToken(other.token); // setToken() hoạt động ngay cho HTTP requests …
    expect((await client.conversations.create({ type: 'Self', participantIds: [] })).ownerId).to.equal('notes-other');
    expect(await senderOfAHubMessage()).to.equal('notes-me'); // … SignalR đọc token khi connect(), không phải mid-session

    // Để cập nhật token cho SignalR: disconnect() → setToken() → connect()
    await client.realtime.chat.disconnect();
    client.setToken(other.token);
    await client.realtime.chat.connect();
    expect(client.realtime.chat.state).to.equal(HubConnectionState.Connected);
    expect(await senderOfAHubMessage()).to.equal('notes-other');
  });

  it('file upload: the storageKey goes in the block, getDownloadUrl shows it (lines 1805–1816)', async () => {
    const file = new File([new Uint8Array(2048).fill(7)], 'photo.jpg', { type: 'image/jpeg' }); // the seed's `file` (an <input> in a browser)

    // Sau khi upload, dùng storageKey làm MediaReference
    const { storageKey } = await client.files.uploadFile(file);

    // Trong block:
    const block: ImageBlock = {
      $type: 'image',
      source: { storageKey }, // KHÔNG phải url
      // ...
      thumbnail: null, // the seed's "// ...": the other fields of ImageBlock
      altText: null,
      width: null,
      height: null,
      caption: null,
      fileSizeBytes: file.size,
    };

    // Để hiển thị ảnh:
    const displayUrl = client.files.getDownloadUrl(storageKey);

    expect(displayUrl).to.equal(`${kit.url}/api/files/${storageKey}`);
    const shown = await fetch(displayUrl);
    expect([shown.status, (await shown.arrayBuffer()).byteLength]).to.deep.equal([200, 2048]);
    const { token } = await kit.login('notes-me');
    const selfId = (await kit.conversation(token, { type: 'Self', participantIds: [] })).id;
    const sent = await client.messages.send(selfId, { blocks: [block] }); // not in the seed: the block in a message
    expect(sent.blocks).to.deep.equal([block]);
  });

  it('BotDto has no name: read it from the participant (lines 1822–1824)', async () => {
    await client.auth.loginWithDev('notes-dev', 'pw'); // not in the seed: a dev user makes the bot
    const botId = (await client.bots.create({ uniqueName: 'notes-bot', fullName: 'Notes Bot', kafkaTopic: 'notes' })).id; // seed: 'bot-id'
    const bot = await client.bots.getById(botId);
    const participant = await client.participants.getById(bot.participantId);
    console.log(participant.fullName); // Tên hiển thị của bot
    expect(out.lines()).to.deep.equal([['Notes Bot']]);
  });

  it('HealthStatus durations are TimeSpan strings, not numbers (lines 1828–1833)', async () => {
    const health = await client.health.ready();
    // ✅ Đúng
    console.log(health.totalDuration); // "00:00:00.1234567"

    // ❌ Sai
    const ms = Number(health.totalDuration); // NaN
    expect(out.lines()[0]?.[0]).to.be.a('string').and.match(TIME_SPAN);
    expect(Number.isNaN(ms)).to.equal(true);
  });
});
