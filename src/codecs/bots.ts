import * as t from 'io-ts';
import { MediaReference } from './common.js';
import { IsoDateTime, JsonObject, optional } from './scalars.js';

/** A bot (its name and avatar live on its participant: `participants.getById(bot.participantId)`). */
export const BotDto = t.intersection(
  [
    t.type({
      id: t.string,
      participantId: t.string,
      kafkaTopic: t.string,
      isActive: t.boolean,
      rateLimitPerSecond: t.number,
      listenAllGroupMessages: t.boolean,
      createdBy: t.string,
      createdAt: IsoDateTime,
      updatedAt: IsoDateTime,
    }),
    optional({ description: t.string, metadata: JsonObject }),
  ],
  'BotDto',
);
/** A bot. */
export type BotDto = t.TypeOf<typeof BotDto>;

/** What `POST /api/bots` returns: the bot and its API key, shown this once. */
export const CreateBotResponse = t.intersection([BotDto, t.type({ apiKey: t.string })], 'CreateBotResponse');
/** What `POST /api/bots` returns. */
export type CreateBotResponse = t.TypeOf<typeof CreateBotResponse>;

/** Body of `POST /api/bots`. */
export const CreateBotRequest = t.intersection(
  [
    t.type({ uniqueName: t.string, fullName: t.string, kafkaTopic: t.string }),
    optional({
      avatar: MediaReference,
      description: t.string,
      metadata: JsonObject,
      rateLimitPerSecond: t.number,
      listenAllGroupMessages: t.boolean,
    }),
  ],
  'CreateBotRequest',
);
/** Body of `POST /api/bots` (`kafkaTopic` cannot change later). */
export type CreateBotRequest = t.TypeOf<typeof CreateBotRequest>;

/** Body of `PUT /api/bots/{id}` (no `kafkaTopic`). */
export const UpdateBotRequest = optional(
  {
    uniqueName: t.string,
    fullName: t.string,
    avatar: MediaReference,
    description: t.string,
    metadata: JsonObject,
    rateLimitPerSecond: t.number,
    listenAllGroupMessages: t.boolean,
  },
  'UpdateBotRequest',
);
/** Body of `PUT /api/bots/{id}`. */
export type UpdateBotRequest = t.TypeOf<typeof UpdateBotRequest>;

/** What `POST /api/bots/{id}/regenerate-key` returns; the old key stops working at once. */
export const RegenerateKeyResponse = t.type({ apiKey: t.string }, 'RegenerateKeyResponse');
/** What `POST /api/bots/{id}/regenerate-key` returns. */
export type RegenerateKeyResponse = t.TypeOf<typeof RegenerateKeyResponse>;
