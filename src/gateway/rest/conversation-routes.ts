import * as t from 'io-ts';
import {
  AddParticipantRequest,
  ConversationDto,
  ConversationListItemDto,
  ConversationParticipantDto,
  CreateConversationRequest,
  CursorPaginatedResult,
  MarkAsReadRequest,
  UpdateConversationRequest,
} from '../../codecs/index.js';
import { sendEmpty, sendJson } from '../http-util.js';
import type { RestApiDeps } from '../rest-api.js';
import { writeNulls } from '../stj-profile.js';
import { body, intQuery, param, type RouteRegistrar } from './router.js';

// What each route answers, to write it as a real server's records serialize (unset members null).
const ConversationPage = CursorPaginatedResult(ConversationListItemDto);
const ConversationList = t.array(ConversationListItemDto);
const MemberList = t.array(ConversationParticipantDto);

/** The `conversations.*` routes: list, create, search, one-to-one lookup, membership, pins, read markers. */
export function addConversationRoutes(r: RouteRegistrar, { chat }: RestApiDeps): void {
  r.add('conversations.list', true, (ctx) =>
    sendJson(
      ctx.res,
      200,
      writeNulls(
        ConversationPage,
        chat.listConversations(ctx.user.userId, intQuery(ctx.url, 'limit'), ctx.url.searchParams.get('cursor') ?? undefined),
      ),
    ),
  );
  r.add('conversations.create', true, async (ctx) => {
    const { conversation, created } = chat.createConversation(ctx.user.userId, await body(ctx, CreateConversationRequest));
    sendJson(ctx.res, created ? 201 : 200, writeNulls(ConversationDto, conversation));
  });
  r.add('conversations.search', true, (ctx) =>
    sendJson(
      ctx.res,
      200,
      writeNulls(
        ConversationList,
        chat.searchConversations(ctx.user.userId, ctx.url.searchParams.get('q') ?? '', intQuery(ctx.url, 'limit')),
      ),
    ),
  );
  r.add('conversations.findOneToOne', true, (ctx) => {
    const found = chat.findOneToOne(ctx.user.userId, param(ctx, 'otherParticipantId'));
    if (found) sendJson(ctx.res, 200, writeNulls(ConversationDto, found));
    else sendEmpty(ctx.res, 204);
  });
  r.add('conversations.getById', true, (ctx) =>
    sendJson(ctx.res, 200, writeNulls(ConversationDto, chat.getConversation(ctx.user.userId, param(ctx, 'id')))),
  );
  r.add('conversations.update', true, async (ctx) =>
    sendJson(
      ctx.res,
      200,
      writeNulls(ConversationDto, chat.updateConversation(ctx.user.userId, param(ctx, 'id'), await body(ctx, UpdateConversationRequest))),
    ),
  );
  r.add('conversations.leave', true, (ctx) => {
    chat.leaveConversation(ctx.user.userId, param(ctx, 'id'));
    sendEmpty(ctx.res, 204);
  });
  r.add('conversations.getParticipants', true, (ctx) =>
    sendJson(ctx.res, 200, writeNulls(MemberList, chat.getConversationParticipants(ctx.user.userId, param(ctx, 'id')))),
  );
  r.add('conversations.addParticipant', true, async (ctx) => {
    const request = await body(ctx, AddParticipantRequest);
    chat.addParticipant(ctx.user.userId, param(ctx, 'id'), request.participantId, request.canViewHistory ?? true);
    sendEmpty(ctx.res, 204);
  });
  r.add('conversations.removeParticipant', true, (ctx) => {
    chat.removeParticipant(ctx.user.userId, param(ctx, 'id'), param(ctx, 'participantId'));
    sendEmpty(ctx.res, 204);
  });
  r.add('conversations.pin', true, (ctx) => {
    chat.setPinned(ctx.user.userId, param(ctx, 'id'), true);
    sendEmpty(ctx.res, 204);
  });
  r.add('conversations.unpin', true, (ctx) => {
    chat.setPinned(ctx.user.userId, param(ctx, 'id'), false);
    sendEmpty(ctx.res, 204);
  });
  r.add('conversations.markAsRead', true, async (ctx) => {
    chat.markAsRead(ctx.user.userId, param(ctx, 'id'), (await body(ctx, MarkAsReadRequest)).messageId);
    sendEmpty(ctx.res, 204);
  });
  r.add('conversations.markAsUnread', true, (ctx) => {
    chat.markAsUnread(ctx.user.userId, param(ctx, 'id'));
    sendEmpty(ctx.res, 204);
  });
}
