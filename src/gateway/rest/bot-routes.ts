import { BotDto, CreateBotRequest, CreateBotResponse, PagedResult, UpdateBotRequest } from '../../codecs/index.js';
import { sendEmpty, sendJson } from '../http-util.js';
import type { RestApiDeps } from '../rest-api.js';
import { writeNulls } from '../stj-profile.js';
import { body, devOnly, intQuery, param, type RouteRegistrar } from './router.js';

const BotPage = PagedResult(BotDto);

/** The `bots.*` routes: reading is public; managing needs `role=dev` (others get 404). */
export function addBotRoutes(r: RouteRegistrar, { bots, chat }: RestApiDeps): void {
  r.add('bots.list', false, (ctx) =>
    sendJson(ctx.res, 200, writeNulls(BotPage, bots.list(intQuery(ctx.url, 'page') ?? 1, intQuery(ctx.url, 'pageSize') ?? 20))),
  );
  r.add('bots.getById', false, (ctx) => sendJson(ctx.res, 200, writeNulls(BotDto, bots.get(param(ctx, 'id')))));
  r.add(
    'bots.create',
    true,
    devOnly(async (ctx) =>
      sendJson(ctx.res, 201, writeNulls(CreateBotResponse, bots.create(ctx.user.userId, await body(ctx, CreateBotRequest), chat.newId()))),
    ),
  );
  r.add(
    'bots.update',
    true,
    devOnly(async (ctx) => sendJson(ctx.res, 200, writeNulls(BotDto, bots.update(param(ctx, 'id'), await body(ctx, UpdateBotRequest))))),
  );
  r.add(
    'bots.delete',
    true,
    devOnly((ctx) => {
      bots.delete(param(ctx, 'id'));
      sendEmpty(ctx.res, 204);
    }),
  );
  r.add(
    'bots.activate',
    true,
    devOnly((ctx) => {
      bots.setActive(param(ctx, 'id'), true);
      sendEmpty(ctx.res, 204);
    }),
  );
  r.add(
    'bots.deactivate',
    true,
    devOnly((ctx) => {
      bots.setActive(param(ctx, 'id'), false);
      sendEmpty(ctx.res, 204);
    }),
  );
  r.add(
    'bots.regenerateKey',
    true,
    devOnly((ctx) => sendJson(ctx.res, 200, bots.regenerateKey(param(ctx, 'id')))),
  );
}
