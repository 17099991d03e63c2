import { MAX_PRESENCE_IDS_PER_CALL, PresenceStateDto } from '../codecs/notification-hub.js';
import type { ChatService } from './chat-service.js';
import { HubException, InvalidDataException } from './signalr/index.js';
import type { HubDefinition } from './signalr/index.js';
import { writeNulls } from './stj-profile.js';

/** The SignalR group of the connections subscribed to one participant's presence. */
export const presenceGroup = (participantId: string): string => `presence:${participantId}`;

function presenceIds(value: unknown): string[] {
  if (!Array.isArray(value) || value.some((id) => typeof id !== 'string')) {
    throw new InvalidDataException(
      'Error binding arguments. Make sure that the types of the provided values match the types of the hub method being invoked.',
    );
  }
  if (value.length > MAX_PRESENCE_IDS_PER_CALL) {
    throw new HubException(`Cannot subscribe to more than ${MAX_PRESENCE_IDS_PER_CALL} participants in one call.`);
  }
  return [...new Set(value as string[])];
}

/**
 * The `/hubs/notifications` hub: a user is online while they have at least one connection here;
 * `SubscribeToPresence` (at most 200 ids a call) answers with `presenceState` at once and then
 * `presenceChanged` as those users come and go.
 */
export function notificationHubDefinition(
  chat: ChatService,
  addToGroup: (connectionId: string, group: string) => void,
  removeFromGroup: (connectionId: string, group: string) => void,
): HubDefinition {
  return {
    methods: {
      SubscribeToPresence: {
        arity: 1,
        invoke(conn, args) {
          const ids = presenceIds(args[0]);
          for (const id of ids) addToGroup(conn.connectionId, presenceGroup(id));
          conn.send('presenceState', writeNulls(PresenceStateDto, chat.presenceOf(ids)));
        },
      },
      UnsubscribeFromPresence: {
        arity: 1,
        invoke(conn, args) {
          for (const id of presenceIds(args[0])) removeFromGroup(conn.connectionId, presenceGroup(id));
        },
      },
    },
    onConnected(conn) {
      chat.connectionOpened(conn.user.userId);
    },
    onDisconnected(conn) {
      chat.connectionClosed(conn.user.userId);
    },
  };
}
