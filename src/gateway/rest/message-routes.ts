import * as t from 'io-ts';
import { CursorPaginatedResult, EditMessageRequest, MessageDto, SendMessageRequest } from '../../codecs/index.js';
import { badRequest } from '../gateway-error.js';
import { sendEmpty, sendJson } from '../http-util.js';
import type { RestApiDeps } from '../rest-api.js';
import { writeNulls } from '../stj-profile.js';
import { body, intQuery, param, type RouteRegistrar } from './router.js';

const MessagePage = CursorPaginatedResult(MessageDto);
const MessageList = t.array(MessageDto);

/** The `messages.*` routes: send, history both ways, search, get, edit, delete, recover, reactions. */
export function addMessageRoutes(r: RouteRegistrar, { chat }: RestApiDeps): void {
  r.add('messages.send', true, async (ctx) => {
    const { message, created } = chat.sendMessage(ctx.user.userId, param(ctx, 'conversationId'), await body(ctx, SendMessageRequest));
    sendJson(ctx.res, created ? 201 : 200, writeNulls(MessageDto, chat.toMessageDto(message)));
  });
  r.add('messages.history', true, (ctx) => {
    const direction = ctx.url.searchParams.get('direction') ?? undefined;
    if (direction !== undefined && direction !== 'older' && direction !== 'newer') {
      throw badRequest(`The value '${direction}' is not valid for direction.`, {
        direction: ["The direction must be 'older' or 'newer'."],
      });
    }
    const cursor = ctx.url.searchParams.get('cursor') ?? undefined;
    const limit = intQuery(ctx.url, 'limit');
    sendJson(
      ctx.res,
      200,
      writeNulls(
        MessagePage,
        chat.getHistory(ctx.user.userId, param(ctx, 'conversationId'), {
          ...(limit !== undefined ? { limit } : {}),
          ...(cursor !== undefined && cursor !== '' ? { cursor } : {}),
          ...(direction !== undefined ? { direction } : {}),
        }),
      ),
    );
  });
  r.add('messages.search', true, (ctx) =>
    sendJson(
      ctx.res,
      200,
      writeNulls(
        MessageList,
        chat.searchMessages(ctx.user.userId, param(ctx, 'conversationId'), ctx.url.searchParams.get('q') ?? '', intQuery(ctx.url, 'limit')),
      ),
    ),
  );
  r.add('messages.getById', true, (ctx) =>
    sendJson(ctx.res, 200, writeNulls(MessageDto, chat.getMessage(ctx.user.userId, param(ctx, 'id')))),
  );
  r.add('messages.edit', true, async (ctx) => {
    const request = await body(ctx, EditMessageRequest);
    sendJson(
      ctx.res,
      200,
      writeNulls(MessageDto, chat.toMessageDto(chat.editMessage(ctx.user.userId, param(ctx, 'id'), request.blocks, request.mentions))),
    );
  });
  r.add('messages.delete', true, (ctx) => sendJson(ctx.res, 200, chat.deleteMessage(ctx.user.userId, param(ctx, 'id'))));
  r.add('messages.recover', true, (ctx) => {
    chat.recoverMessage(ctx.user.userId, param(ctx, 'id'));
    sendEmpty(ctx.res, 204);
  });
  r.add('messages.addReaction', true, (ctx) => {
    chat.addReaction(ctx.user.userId, param(ctx, 'id'), param(ctx, 'emoji'));
    sendEmpty(ctx.res, 204);
  });
  r.add('messages.removeReaction', true, (ctx) => {
    chat.removeReaction(ctx.user.userId, param(ctx, 'id'), param(ctx, 'emoji'));
    sendEmpty(ctx.res, 204);
  });
}
