/**
 * Seed README §9 "Bot — BotApi", lines 713–814, run against `chat-client-rx/compat`.
 * The seed's 'bot-id' is a placeholder: the id of a bot made for the test over plain HTTP.
 */
import { expect } from 'chai';
import { ChatApiError, type BotDto, type ChatClient, type CreateBotRequest, type UpdateBotRequest } from '../../src/compat/index.js';
import { GOOGLE_ID_TOKEN, captureConsole, expectSeedFields, seedSuite } from './seed-kit.js';

describe('seed §9 BotApi (compat)', () => {
  const kit = seedSuite();
  const out = captureConsole();
  let client: ChatClient;
  let devToken: string;
  let made = 0;
  before(async () => {
    devToken = (await kit.login('bots-admin')).token;
  });
  beforeEach(async () => {
    client = kit.client();
    await client.auth.loginWithDev('bots-me', 'pw'); // management needs role=dev (loginWithDev)
  });

  /** A bot made over plain HTTP by a dev user: the seed's 'bot-id'. */
  async function fixtureBot(): Promise<BotDto & { apiKey: string }> {
    made++;
    return kit.http(devToken, 'POST', '/api/bots', {
      uniqueName: `fixture-bot-${made}`,
      fullName: `Fixture Bot ${made}`,
      kafkaTopic: `topic-${made}`,
    });
  }

  it('list (lines 723–725): page-based, with totalCount', async () => {
    const a = await fixtureBot();
    const b = await fixtureBot();
    const result = await client.bots.list({ page: 1, pageSize: 20 });
    console.log(result.items); // BotDto[]
    console.log(result.totalCount); // Tổng số bot
    expect(result.items.map((bot) => bot.id)).to.include.members([a.id, b.id]);
    expect(result).to.deep.include({ page: 1, pageSize: 20, totalCount: result.items.length });
    expect(out.lines()).to.deep.equal([[result.items], [result.items.length]]);
    // page starts at 1: page 2 of size 1 is the second bot
    expect((await client.bots.list({ page: 2, pageSize: 1 })).items).to.have.length(1);
  });

  it('getById + participants.getById (lines 731–733): the bot, then its name and avatar from its participant', async () => {
    const botId = (await fixtureBot()).id; // seed: 'bot-id'
    const bot = await client.bots.getById(botId);
    // Lấy thêm thông tin display: name, avatar
    const participant = await client.participants.getById(bot.participantId);
    expect(bot.id).to.equal(botId);
    expect([participant.fullName, participant.isBot]).to.deep.equal([`Fixture Bot ${made}`, true]);
  });

  it('create (lines 739–747): the apiKey comes once, with the bot', async () => {
    const bot = await client.bots.create({
      uniqueName: 'my-bot',
      fullName: 'My Assistant Bot',
      description: 'Trợ lý AI',
      kafkaTopic: 'my-bot-topic', // Không thể thay đổi sau khi tạo
      rateLimitPerSecond: 5,
      listenAllGroupMessages: false,
    });
    const apiKey = bot.apiKey; // Lưu ngay!
    expect(apiKey).to.be.a('string').with.length.greaterThan(16);
    expect(bot).to.deep.include({
      description: 'Trợ lý AI',
      kafkaTopic: 'my-bot-topic',
      rateLimitPerSecond: 5,
      listenAllGroupMessages: false,
      isActive: true,
      createdBy: 'bots-me',
    });
    expect(Object.keys(await client.bots.getById(bot.id))).to.not.include('apiKey'); // the server keeps no key
  });

  it('update (lines 751–755): fullName and rate limit change, kafkaTopic stays', async () => {
    const fixture = await fixtureBot();
    const botId = fixture.id; // seed: 'bot-id'
    await client.bots.update(botId, {
      fullName: 'Updated Bot Name',
      rateLimitPerSecond: 10,
      // kafkaTopic KHÔNG thể cập nhật
    });
    const bot = await client.bots.getById(botId);
    expect([bot.rateLimitPerSecond, bot.kafkaTopic]).to.deep.equal([10, fixture.kafkaTopic]);
    expect((await client.participants.getById(bot.participantId)).fullName).to.equal('Updated Bot Name');
  });

  it('activate / deactivate (lines 759–760)', async () => {
    const botId = (await fixtureBot()).id; // seed: 'bot-id'
    await kit.http(devToken, 'POST', `/api/bots/${botId}/deactivate`); // not in the seed: so that activate changes something
    await client.bots.activate(botId);
    expect((await client.bots.getById(botId)).isActive).to.equal(true); // not in the seed: the state between the two calls
    await client.bots.deactivate(botId);
    expect((await client.bots.getById(botId)).isActive).to.equal(false);
  });

  it('regenerateKey (line 766): a new key', async () => {
    const fixture = await fixtureBot();
    const { apiKey } = await client.bots.regenerateKey(fixture.id); // seed: 'bot-id'
    expect(apiKey).to.be.a('string').and.not.equal(fixture.apiKey);
  });

  it('delete (line 772): a soft delete; the bot is gone from reads', async () => {
    const botId = (await fixtureBot()).id; // seed: 'bot-id'
    await client.bots.delete(botId);
    const failure = await client.bots.getById(botId).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).to.be.an.instanceOf(ChatApiError);
    expect((failure as ChatApiError).status).to.equal(404);
    expect((await client.bots.list({ page: 1, pageSize: 100 })).items.map((b) => b.id)).to.not.include(botId);
  });

  it('management without role=dev answers 404 (prose, line 717); reading is public', async () => {
    const botId = (await fixtureBot()).id;
    const plain = kit.client();
    await plain.auth.loginWithGoogle(GOOGLE_ID_TOKEN); // a user without role=dev
    const failure = await plain.bots.deactivate(botId).then(
      () => null,
      (error: unknown) => error,
    );
    expect((failure as ChatApiError).status).to.equal(404);
    const anonymous = kit.client();
    expect((await anonymous.bots.getById(botId)).id).to.equal(botId);
  });

  it('BotDto / CreateBotRequest / UpdateBotRequest (lines 776–814); BotDto has no uniqueName or fullName (line 790)', async () => {
    const typed: BotDto = {
      id: 'b',
      participantId: 'p',
      description: 'd',
      metadata: { a: 1 },
      kafkaTopic: 't',
      isActive: true,
      rateLimitPerSecond: 5,
      listenAllGroupMessages: false,
      createdBy: 'u',
      createdAt: '2025-01-01T00:00:00Z',
      updatedAt: '2025-01-01T00:00:00Z',
    };
    const create: CreateBotRequest = {
      uniqueName: 'n',
      fullName: 'N',
      avatar: { url: 'https://example.com/b.png' },
      description: 'd',
      metadata: { a: 1 },
      kafkaTopic: 't',
      rateLimitPerSecond: 1,
      listenAllGroupMessages: true,
    };
    const update: UpdateBotRequest = {
      uniqueName: 'n2',
      fullName: 'N2',
      avatar: { storageKey: 'k' },
      description: 'd2',
      metadata: {},
      rateLimitPerSecond: 2,
      listenAllGroupMessages: false,
    };
    expect([typed.kafkaTopic, create.kafkaTopic, update.uniqueName]).to.deep.equal(['t', 't', 'n2']);

    const live: BotDto = await client.bots.getById((await fixtureBot()).id);
    expectSeedFields(
      live,
      [
        'id',
        'participantId',
        'kafkaTopic',
        'isActive',
        'rateLimitPerSecond',
        'listenAllGroupMessages',
        'createdBy',
        'createdAt',
        'updatedAt',
      ],
      ['description', 'metadata'],
      'BotDto',
    );
    expect(live).to.not.have.any.keys('uniqueName', 'fullName');
  });
});
