/**
 * The SignalR hubs as Observables: the chat and notification hub clients, their shared base,
 * connection state, errors, and the reconnect operator — usable standalone (from a hub URL and a
 * token factory) or through `createChatClient`.
 */
export { HubClient, isUnauthorized } from './hub-client.js';
export type { HubClientOptions, HubEventCodecs, HubEventPayloads, HubLogger } from './hub-client.js';
export { HubError } from './hub-error.js';
export type { HubErrorDetails, HubErrorKind } from './hub-error.js';
export type { HubConnectionStatus, HubSession } from './hub-state.js';
export { DEFAULT_RECONNECT_DELAYS, reconnectWithBackoff } from './reconnect-with-backoff.js';
export type { ReconnectAttempt, ReconnectWithBackoffOptions } from './reconnect-with-backoff.js';
export { ChatHubClient, createChatHubClient } from './chat-hub-client.js';
export type { ChatHubClientOptions } from './chat-hub-client.js';
export type { ChatHub, ChatHubPort, HubPort, NotificationHub, RejoinedEvent } from './ports.js';
export { NotificationHubClient, createNotificationHubClient } from './notification-hub-client.js';
export type { NotificationHubClientOptions } from './notification-hub-client.js';
export { chunkIds, reducePresence } from './presence.js';
export type { Presence, PresenceAction, PresenceMap } from './presence.js';
