import { MessageType, type InvocationMessage } from './hub-protocol.js';
import type { WireData } from './wire-protocol.js';
import type { GroupSendOptions, Hub, HubConnectionHandle, HubDefinition, HubMethod, SignalRLogger } from './hub-types.js';
import type { ServerHubConnection } from './server-hub-connection.js';

/**
 * A hub registered on a {@link SignalRServer}: its method table, its live connections, its
 * groups, and the broadcast operations. Groups are per hub and die with their last member.
 */
export class HubEndpoint implements Hub {
  private readonly methods = new Map<string, HubMethod>();
  private readonly live = new Map<string, ServerHubConnection>();
  private readonly groupMembers = new Map<string, Set<string>>();
  private readonly groupsOf = new Map<string, Set<string>>();

  constructor(
    readonly path: string,
    readonly definition: HubDefinition,
    private readonly log: SignalRLogger,
  ) {
    for (const [name, method] of Object.entries(definition.methods)) {
      const key = name.toLowerCase();
      if (this.methods.has(key)) {
        throw new Error(`Duplicate definitions of '${name}'. Overloading is not supported.`);
      }
      if (!Number.isInteger(method.arity) || method.arity < 0) {
        throw new RangeError(`Hub method '${name}' has an invalid arity: ${method.arity}.`);
      }
      this.methods.set(key, method);
    }
  }

  /** The method called `name`, matched case-insensitively like ASP.NET. */
  findMethod(name: string): HubMethod | undefined {
    return this.methods.get(name.toLowerCase());
  }

  /** Makes a connection visible to the hub (after its handshake). */
  register(connection: ServerHubConnection): void {
    this.live.set(connection.connectionId, connection);
  }

  /** Forgets a connection and its group memberships. */
  unregister(connection: ServerHubConnection): void {
    if (this.live.get(connection.connectionId) !== connection) return;
    this.live.delete(connection.connectionId);
    const groups = this.groupsOf.get(connection.connectionId);
    if (groups === undefined) return;
    this.groupsOf.delete(connection.connectionId);
    for (const group of groups) this.removeMember(group, connection.connectionId);
  }

  /** Number of live connections (including stateful ones waiting to resume). */
  get size(): number {
    return this.live.size;
  }

  /** Live connections, as the server's concrete type. */
  liveConnections(): ServerHubConnection[] {
    return [...this.live.values()];
  }

  /** {@inheritDoc Hub.connections} */
  connections(): Iterable<HubConnectionHandle> {
    return this.liveConnections();
  }

  /** {@inheritDoc Hub.connection} */
  connection(connectionId: string): HubConnectionHandle | undefined {
    return this.live.get(connectionId);
  }

  /** {@inheritDoc Hub.addToGroup} */
  addToGroup(connectionId: string, group: string): void {
    if (!this.live.has(connectionId)) return;
    let members = this.groupMembers.get(group);
    if (members === undefined) {
      members = new Set();
      this.groupMembers.set(group, members);
    }
    members.add(connectionId);
    let groups = this.groupsOf.get(connectionId);
    if (groups === undefined) {
      groups = new Set();
      this.groupsOf.set(connectionId, groups);
    }
    groups.add(group);
  }

  /** {@inheritDoc Hub.removeFromGroup} */
  removeFromGroup(connectionId: string, group: string): void {
    this.removeMember(group, connectionId);
    const groups = this.groupsOf.get(connectionId);
    if (groups === undefined) return;
    groups.delete(group);
    if (groups.size === 0) this.groupsOf.delete(connectionId);
  }

  /** {@inheritDoc Hub.sendToGroup} */
  sendToGroup(group: string, target: string, args: readonly unknown[], options: GroupSendOptions = {}): void {
    const members = this.groupMembers.get(group);
    if (members === undefined) return;
    const except = new Set(options.except ?? []);
    this.broadcast(
      [...members].filter((id) => !except.has(id)),
      target,
      args,
    );
  }

  /** {@inheritDoc Hub.sendToUser} */
  sendToUser(userId: string, target: string, args: readonly unknown[]): void {
    const ids: string[] = [];
    for (const connection of this.live.values()) {
      if (connection.user.userId === userId) ids.push(connection.connectionId);
    }
    this.broadcast(ids, target, args);
  }

  /** {@inheritDoc Hub.sendToAll} */
  sendToAll(target: string, args: readonly unknown[]): void {
    this.broadcast([...this.live.keys()], target, args);
  }

  private removeMember(group: string, connectionId: string): void {
    const members = this.groupMembers.get(group);
    if (members === undefined) return;
    members.delete(connectionId);
    if (members.size === 0) this.groupMembers.delete(group);
  }

  /** Serialises the invocation once per protocol in use and hands it to each connection. */
  private broadcast(connectionIds: readonly string[], target: string, args: readonly unknown[]): void {
    if (connectionIds.length === 0) return;
    const message: InvocationMessage = { type: MessageType.Invocation, target, arguments: args };
    const serialised = new Map<string, WireData | null>();
    for (const id of connectionIds) {
      const connection = this.live.get(id);
      if (connection === undefined) continue;
      const protocol = connection.protocol;
      let data = serialised.get(protocol.name);
      if (data === undefined) {
        try {
          data = protocol.serialize(message);
        } catch (error) {
          this.log('error', 'Could not serialise a broadcast; dropped.', {
            hub: this.path,
            target,
            protocol: protocol.name,
            error: error instanceof Error ? error.message : String(error),
          });
          data = null;
        }
        serialised.set(protocol.name, data);
      }
      if (data !== null) connection.sendSerialized(data, true);
    }
  }
}
