import { either } from 'fp-ts';
import type * as t from 'io-ts';
import {
  ChatAddReactionRequest,
  ChatDeleteMessageRequest,
  ChatEditMessageRequest,
  ChatRecoverMessageRequest,
  ChatRemoveReactionRequest,
  ChatSendMessageRequest,
  decodeWith,
  DeleteMessageAck,
  EditMessageAck,
  MarkAsReadAck,
  ReactionAck,
  RecoverMessageAck,
  SendMessageAck,
} from '../codecs/index.js';
import type { ChatService } from './chat-service.js';
import { GatewayError } from './gateway-error.js';
import { HubException, InvalidDataException } from './signalr/index.js';
import { bindingError, stjInputError, writeNulls } from './stj-profile.js';
import type { HubConnectionHandle, HubDefinition, HubMethod } from './signalr/index.js';

/** ASP.NET's text for an argument the hub method's parameter type cannot be read into. */
const BINDING_FAILURE =
  'Error binding arguments. Make sure that the types of the provided values match the types of the hub method being invoked.';

/** A hub argument sits 2 levels deep in the JSON the hub protocol reads: the message, its `arguments`. */
const HUB_ARGUMENT_DEPTH = 2;

/** The SignalR group of a conversation's joined chat connections. */
export const conversationGroup = (conversationId: string): string => `conversation:${conversationId}`;

interface Ack {
  success: boolean;
  errorCode?: string;
  errorMessage?: string;
  [field: string]: unknown;
}

/**
 * The `/hubs/chat` hub: joining conversations, sending, editing, deleting and recovering
 * messages, typing, read receipts and reactions. Methods that return an ack report domain
 * failures as `{ success: false, errorCode, errorMessage }`; `JoinConversation` and the typing
 * methods fail with a hub error (HubException) instead, as they return nothing.
 */
export function chatHubDefinition(
  chat: ChatService,
  addToGroup: (connectionId: string, group: string) => void,
  removeFromGroup: (connectionId: string, group: string) => void,
): HubDefinition {
  // A typed hub parameter (`SendMessage(SendMessageRequest request)`): what System.Text.Json cannot
  // read into the record (nesting over 64, a block's `$type` not first or unknown, a value of the
  // wrong JSON kind) fails binding, as in ASP.NET; what it reads but the rules refuse (a missing
  // member, an empty list) is a VALIDATION_ERROR ack. Acks are records:
  // their unset members are written as null.
  const acked = <C extends t.Any>(
    codec: C,
    ackCodec: t.Mixed,
    run: (conn: HubConnectionHandle, request: t.TypeOf<C>) => Record<string, unknown>,
  ): HubMethod => ({
    arity: 1,
    invoke(conn, args) {
      if (stjInputError(args[0], HUB_ARGUMENT_DEPTH) !== null || bindingError(codec as t.Mixed, args[0]) !== null)
        throw new InvalidDataException(BINDING_FAILURE);
      const decoded = decodeWith(codec)(args[0]);
      if (either.isLeft(decoded))
        return writeNulls(ackCodec, { success: false, errorCode: 'VALIDATION_ERROR', errorMessage: decoded.left.message } satisfies Ack);
      try {
        return writeNulls(ackCodec, { success: true, ...run(conn, decoded.right) } satisfies Ack);
      } catch (error) {
        if (error instanceof GatewayError)
          return writeNulls(ackCodec, { success: false, errorCode: error.code, errorMessage: error.detail } satisfies Ack);
        throw error;
      }
    },
  });
  // As ASP.NET binds a `string` parameter: any JSON string (even '') and null bind, anything else is a
  // binding failure. An empty or null id is then simply not a conversation the caller is in.
  const conversationId = (value: unknown): string => {
    if (value === null) return '';
    if (typeof value !== 'string') throw new InvalidDataException(BINDING_FAILURE);
    return value;
  };
  const requireMember = (conn: HubConnectionHandle, id: string): void => {
    if (!chat.isActiveMember(conn.user.userId, id)) throw new HubException('You are not a participant of this conversation.');
  };

  return {
    methods: {
      JoinConversation: {
        arity: 1,
        invoke(conn, args) {
          const id = conversationId(args[0]);
          requireMember(conn, id);
          addToGroup(conn.connectionId, conversationGroup(id));
        },
      },
      LeaveConversation: {
        arity: 1,
        invoke(conn, args) {
          removeFromGroup(conn.connectionId, conversationGroup(conversationId(args[0])));
        },
      },
      SendMessage: acked(ChatSendMessageRequest, SendMessageAck, (conn, request) => {
        const { conversationId: id, ...rest } = request;
        const { message } = chat.sendMessage(conn.user.userId, id, rest);
        return {
          messageId: message.id,
          createdAt: message.createdAt,
          ...(message.clientMessageId !== null ? { clientMessageId: message.clientMessageId } : {}),
        };
      }),
      EditMessage: acked(ChatEditMessageRequest, EditMessageAck, (conn, request) => {
        const message = chat.editMessage(conn.user.userId, request.messageId, request.newBlocks, request.newMentions);
        return { messageId: message.id, editedAt: message.editedAt };
      }),
      DeleteMessage: acked(ChatDeleteMessageRequest, DeleteMessageAck, (conn, request) =>
        chat.deleteMessage(conn.user.userId, request.messageId),
      ),
      RecoverMessage: acked(ChatRecoverMessageRequest, RecoverMessageAck, (conn, request) => ({
        messageId: chat.recoverMessage(conn.user.userId, request.messageId).id,
      })),
      AddReaction: acked(ChatAddReactionRequest, ReactionAck, (conn, request) => {
        const message = chat.storedMessage(request.messageId);
        if (message && message.conversationId !== request.conversationId)
          throw new GatewayError(400, 'The message is not in that conversation.');
        chat.addReaction(conn.user.userId, request.messageId, request.emoji);
        return { messageId: request.messageId, emoji: request.emoji };
      }),
      RemoveReaction: acked(ChatRemoveReactionRequest, ReactionAck, (conn, request) => {
        chat.removeReaction(conn.user.userId, request.messageId, request.emoji);
        return { messageId: request.messageId, emoji: request.emoji };
      }),
      MarkAsRead: {
        arity: 2,
        invoke(conn, args) {
          const id = conversationId(args[0]);
          const messageId = args[1];
          if (typeof messageId !== 'string' || messageId === '')
            return writeNulls(MarkAsReadAck, {
              success: false,
              errorCode: 'VALIDATION_ERROR',
              errorMessage: 'messageId is required.',
            } satisfies Ack);
          try {
            chat.markAsRead(conn.user.userId, id, messageId);
            return writeNulls(MarkAsReadAck, { success: true, conversationId: id } satisfies Ack);
          } catch (error) {
            if (error instanceof GatewayError)
              return writeNulls(MarkAsReadAck, {
                success: false,
                conversationId: id,
                errorCode: error.code,
                errorMessage: error.detail,
              } satisfies Ack);
            throw error;
          }
        },
      },
      StartTyping: {
        arity: 1,
        invoke(conn, args) {
          const id = conversationId(args[0]);
          requireMember(conn, id);
          chat.typing(conn.user.userId, id, true, conn.connectionId);
        },
      },
      StopTyping: {
        arity: 1,
        invoke(conn, args) {
          const id = conversationId(args[0]);
          requireMember(conn, id);
          chat.typing(conn.user.userId, id, false, conn.connectionId);
        },
      },
    },
  };
}
