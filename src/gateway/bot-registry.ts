import { createHash, randomBytes } from 'node:crypto';
import type { BotDto, CreateBotRequest, CreateBotResponse, PagedResult, UpdateBotRequest } from '../codecs/index.js';
import type { ChatService } from './chat-service.js';
import { badRequest, conflict, notFound } from './gateway-error.js';
import { formatDateTimeOffset } from './stj-profile.js';

interface StoredBot {
  dto: BotDto;
  keyHash: string;
  deleted: boolean;
}

/**
 * The bots the gateway knows. Reading is public; managing needs a `role=dev` token (the REST
 * layer answers 404 otherwise). The API key is returned once, at creation or regeneration; only
 * its hash is kept.
 */
export class BotRegistry {
  private readonly bots = new Map<string, StoredBot>();

  constructor(
    private readonly chat: ChatService,
    private readonly now: () => number = Date.now,
  ) {}

  /** A page of the active (not deleted) bots, `page` from 1. */
  list(page = 1, pageSize = 20): PagedResult<BotDto> {
    if (!Number.isInteger(page) || page < 1)
      throw badRequest('The page must be 1 or more.', { page: ['The field page must be 1 or more.'] });
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100)
      throw badRequest('The pageSize must be between 1 and 100.', { pageSize: ['The field pageSize must be between 1 and 100.'] });
    const all = [...this.bots.values()].filter((b) => !b.deleted).map((b) => b.dto);
    return { items: all.slice((page - 1) * pageSize, page * pageSize), page, pageSize, totalCount: all.length };
  }

  /** The bot or a 404. */
  get(id: string): BotDto {
    const bot = this.bots.get(id);
    if (!bot || bot.deleted) throw notFound(`Bot '${id}' was not found.`);
    return bot.dto;
  }

  /** Registers a bot and its participant; the key is in the answer only. */
  create(createdBy: string, request: CreateBotRequest, id: string): CreateBotResponse {
    for (const field of ['uniqueName', 'fullName', 'kafkaTopic'] as const) {
      if (request[field].trim() === '')
        throw badRequest(`The ${field} field is required.`, { [field]: [`The ${field} field is required.`] });
    }
    if (this.chat.findParticipant(request.uniqueName)) throw conflict(`The unique name '${request.uniqueName}' is already taken.`);
    this.chat.upsertParticipant(
      {
        id: request.uniqueName,
        uniqueName: request.uniqueName,
        fullName: request.fullName,
        ...(request.avatar ? { avatar: request.avatar } : {}),
      },
      true,
    );
    const at = formatDateTimeOffset(this.now());
    const apiKey = newKey();
    const dto: BotDto = {
      id,
      participantId: request.uniqueName,
      kafkaTopic: request.kafkaTopic,
      isActive: true,
      rateLimitPerSecond: request.rateLimitPerSecond ?? 5,
      listenAllGroupMessages: request.listenAllGroupMessages ?? false,
      createdBy,
      createdAt: at,
      updatedAt: at,
      ...(request.description != null ? { description: request.description } : {}),
      ...(request.metadata != null ? { metadata: request.metadata } : {}),
    };
    this.bots.set(id, { dto, keyHash: hash(apiKey), deleted: false });
    return { ...dto, apiKey };
  }

  /** Updates what may change (never `kafkaTopic`). */
  update(id: string, request: UpdateBotRequest): BotDto {
    const bot = this.stored(id);
    const participant = this.chat.getParticipant(bot.dto.participantId);
    if (request.fullName != null || request.avatar != null || request.uniqueName != null) {
      this.chat.upsertParticipant(
        {
          id: participant.id,
          uniqueName: request.uniqueName ?? participant.uniqueName,
          fullName: request.fullName ?? participant.fullName,
          ...(request.avatar ? { avatar: request.avatar } : {}),
        },
        true,
      );
    }
    bot.dto = {
      ...bot.dto,
      updatedAt: formatDateTimeOffset(this.now()),
      ...(request.description != null ? { description: request.description } : {}),
      ...(request.metadata != null ? { metadata: request.metadata } : {}),
      ...(request.rateLimitPerSecond != null ? { rateLimitPerSecond: request.rateLimitPerSecond } : {}),
      ...(request.listenAllGroupMessages != null ? { listenAllGroupMessages: request.listenAllGroupMessages } : {}),
    };
    return bot.dto;
  }

  /** Activates or deactivates a bot. */
  setActive(id: string, active: boolean): void {
    const bot = this.stored(id);
    bot.dto = { ...bot.dto, isActive: active, updatedAt: formatDateTimeOffset(this.now()) };
  }

  /** A new key; the old one stops working at once. */
  regenerateKey(id: string): { apiKey: string } {
    const bot = this.stored(id);
    const apiKey = newKey();
    bot.keyHash = hash(apiKey);
    return { apiKey };
  }

  /** True when `apiKey` is the bot's current key. */
  checkKey(id: string, apiKey: string): boolean {
    const bot = this.bots.get(id);
    return bot !== undefined && !bot.deleted && bot.keyHash === hash(apiKey);
  }

  /** Soft delete. */
  delete(id: string): void {
    this.stored(id).deleted = true;
  }

  private stored(id: string): StoredBot {
    const bot = this.bots.get(id);
    if (!bot || bot.deleted) throw notFound(`Bot '${id}' was not found.`);
    return bot;
  }
}

function newKey(): string {
  return `bot_${randomBytes(24).toString('base64url')}`;
}

function hash(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
