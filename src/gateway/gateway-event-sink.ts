import type * as t from 'io-ts';
import { ChatHubEvents, NotificationHubEvents, PresenceChangedDto } from '../codecs/index.js';
import { conversationGroup } from './chat-hub-definition.js';
import type { GatewayEventSink } from './chat-records.js';
import type { EventDelivery } from './gateway-faults.js';
import { presenceGroup } from './notification-hub-definition.js';
import type { Hub } from './signalr/index.js';
import { writeNulls } from './stj-profile.js';

/** The hubs the sink sends to, read when an event is sent (they are added after the service is made). */
export interface SinkHubs {
  readonly chat: () => Hub | undefined;
  readonly notifications: () => Hub | undefined;
}

/**
 * The {@link GatewayEventSink} over the two hubs: chat events, to a conversation's group or to one
 * user's chat connections, go through `delivery` (so the duplicate/delay faults apply); payloads are written as a real gateway's records serialize
 * (every unset optional member is `null`).
 */
export function createEventSink(hubs: SinkHubs, delivery: EventDelivery): GatewayEventSink {
  return {
    chat(conversationId, event, payload, except) {
      const wire = writeNulls(ChatHubEvents[event] as t.Mixed, payload);
      delivery.deliver(() =>
        hubs.chat()?.sendToGroup(conversationGroup(conversationId), event, [wire], except !== undefined ? { except: [except] } : undefined),
      );
    },
    chatUser(userId, event, payload) {
      const wire = writeNulls(ChatHubEvents[event] as t.Mixed, payload);
      delivery.deliver(() => hubs.chat()?.sendToUser(userId, event, [wire]));
    },
    notify(userIds, event, payload) {
      const wire = writeNulls(NotificationHubEvents[event] as t.Mixed, payload);
      for (const userId of userIds) hubs.notifications()?.sendToUser(userId, event, [wire]);
    },
    presence(participantId, payload) {
      hubs.notifications()?.sendToGroup(presenceGroup(participantId), 'presenceChanged', [writeNulls(PresenceChangedDto, payload)]);
    },
    leaveGroup(userId, conversationId) {
      const chatHub = hubs.chat();
      if (chatHub === undefined) return;
      for (const connection of chatHub.connections()) {
        if (connection.user.userId === userId) chatHub.removeFromGroup(connection.connectionId, conversationGroup(conversationId));
      }
    },
  };
}
