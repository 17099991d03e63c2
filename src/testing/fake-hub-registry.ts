/**
 * The server side of the fake hubs: which connections are open, which conversation groups each
 * chat connection joined, which presence each notification connection subscribed to, and who is
 * online. Internal to `chat-client-rx/testing`: a {@link FakeChatServer} owns one, its hubs reach
 * it through {@link registryOf}.
 */
import type { PresenceStateItem } from '../codecs/index.js';

/** One open connection as the server sees it; the fake hub decides what its socket does with a delivery. */
export interface FakeEndpoint {
  /** The participant the connection belongs to. */
  readonly participantId: string;
  /** Hands the connection an event the server sends it (a fresh JSON copy of the payload). */
  deliver(event: string, payload: unknown): void;
}

/** Sends `payload` as the wire would: a fresh JSON copy for every receiver. */
function wireCopy(payload: unknown): unknown {
  return JSON.parse(JSON.stringify(payload)) as unknown;
}

/** Connections, groups, presence subscriptions and presence of one fake server. */
export class FakeHubRegistry {
  /** Chat connection → the conversation groups it joined. */
  private readonly chat = new Map<FakeEndpoint, Set<string>>();
  /** Notification connection → the participant ids whose presence it subscribed to. */
  private readonly notifications = new Map<FakeEndpoint, Set<string>>();
  private readonly presenceOverride = new Map<string, boolean>();
  private readonly lastSeenAt = new Map<string, string>();

  constructor(private readonly nowIso: () => string) {}

  openChat(endpoint: FakeEndpoint): void {
    this.chat.set(endpoint, new Set());
  }

  closeChat(endpoint: FakeEndpoint): void {
    this.chat.delete(endpoint);
  }

  joinGroup(endpoint: FakeEndpoint, conversationId: string): void {
    this.chat.get(endpoint)?.add(conversationId);
  }

  leaveGroup(endpoint: FakeEndpoint, conversationId: string): void {
    this.chat.get(endpoint)?.delete(conversationId);
  }

  /** Takes every chat connection of `participantId` out of the conversation's group (a removed member). */
  removeFromGroup(participantId: string, conversationId: string): void {
    for (const [endpoint, groups] of this.chat) if (endpoint.participantId === participantId) groups.delete(conversationId);
  }

  /** Sends an event to every chat connection that joined the conversation's group (but `except`). */
  toConversation(conversationId: string, event: string, payload: unknown, except?: FakeEndpoint): void {
    const receivers = [...this.chat].filter(([endpoint, groups]) => endpoint !== except && groups.has(conversationId));
    for (const [endpoint] of receivers) endpoint.deliver(event, wireCopy(payload));
  }

  /** Sends an event to every notification connection of the given participants. */
  toParticipants(participantIds: readonly string[], event: string, payload: unknown): void {
    const receivers = [...this.notifications.keys()].filter((endpoint) => participantIds.includes(endpoint.participantId));
    for (const endpoint of receivers) endpoint.deliver(event, wireCopy(payload));
  }

  /** Sends an event to one connection. */
  toConnection(endpoint: FakeEndpoint, event: string, payload: unknown): void {
    endpoint.deliver(event, wireCopy(payload));
  }

  /** Opens a notification connection: its participant may come online. */
  openNotifications(endpoint: FakeEndpoint): void {
    this.changePresence(endpoint.participantId, () => this.notifications.set(endpoint, new Set()));
  }

  /** Closes a notification connection: its participant may go offline. */
  closeNotifications(endpoint: FakeEndpoint): void {
    this.changePresence(endpoint.participantId, () => this.notifications.delete(endpoint));
  }

  /** Subscribes the connection to presence; returns the current presence of those ids (the `presenceState` answer). */
  subscribePresence(endpoint: FakeEndpoint, participantIds: readonly string[]): PresenceStateItem[] {
    const subscribed = this.notifications.get(endpoint);
    for (const id of participantIds) subscribed?.add(id);
    return participantIds.map((id) => this.presenceOf(id));
  }

  unsubscribePresence(endpoint: FakeEndpoint, participantIds: readonly string[]): void {
    const subscribed = this.notifications.get(endpoint);
    for (const id of participantIds) subscribed?.delete(id);
  }

  /** Online: set by {@link setPresence}, else while the participant has an open notification connection. */
  isOnline(participantId: string): boolean {
    const forced = this.presenceOverride.get(participantId);
    if (forced !== undefined) return forced;
    for (const endpoint of this.notifications.keys()) if (endpoint.participantId === participantId) return true;
    return false;
  }

  /** Forces a participant on- or offline (`undefined`: back to "online while connected"). */
  setPresence(participantId: string, isOnline: boolean | undefined): void {
    this.changePresence(participantId, () => {
      if (isOnline === undefined) this.presenceOverride.delete(participantId);
      else this.presenceOverride.set(participantId, isOnline);
    });
  }

  presenceOf(participantId: string): PresenceStateItem {
    const isOnline = this.isOnline(participantId);
    return { participantId, isOnline, lastSeenAt: isOnline ? null : (this.lastSeenAt.get(participantId) ?? null) };
  }

  /** Runs `change`; when it turned the participant on- or offline, tells every subscriber (`presenceChanged`). */
  private changePresence(participantId: string, change: () => void): void {
    const before = this.isOnline(participantId);
    change();
    const after = this.isOnline(participantId);
    if (before === after) return;
    if (!after) this.lastSeenAt.set(participantId, this.nowIso());
    const payload = this.presenceOf(participantId);
    const receivers = [...this.notifications].filter(([, ids]) => ids.has(participantId)).map(([endpoint]) => endpoint);
    for (const endpoint of receivers) endpoint.deliver('presenceChanged', wireCopy(payload));
  }
}

const registries = new WeakMap<object, FakeHubRegistry>();

/** Ties a registry to its server (so the hubs can find it without it being public API). */
export function bindRegistry(server: object, registry: FakeHubRegistry): void {
  registries.set(server, registry);
}

/** The registry of a server made by {@link bindRegistry}. */
export function registryOf(server: object): FakeHubRegistry {
  const registry = registries.get(server);
  if (!registry) throw new TypeError('chat-client-rx/testing: not a FakeChatServer');
  return registry;
}
