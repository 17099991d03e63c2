/**
 * The transport × hub protocol a suite's clients use. `npm test` runs the suites on SignalR's
 * defaults (WebSockets, JSON); `npm run test:transports` runs the hub, client, state and
 * reconnect suites again with `CHAT_TEST_TRANSPORT` / `CHAT_TEST_PROTOCOL` set, and the kits that
 * create clients (test/client/client-kit.ts, test/hubs/hub-test-kit.ts) take their hub options
 * from {@link hubProfileOptions}.
 */
import { HttpTransportType, type IHubProtocol } from '@microsoft/signalr';
import { MessagePackHubProtocol } from '@microsoft/signalr-protocol-msgpack';

/** A hub protocol by the name SignalR's handshake gives it. */
export type HubProtocolName = 'json' | 'messagepack';

/** One transport × protocol combination. */
export interface HubProfile {
  /** `WebSockets/json`, `LongPolling/messagepack`… */
  readonly name: string;
  readonly transport: HttpTransportType;
  readonly transportName: 'WebSockets' | 'ServerSentEvents' | 'LongPolling';
  readonly protocol: HubProtocolName;
}

const TRANSPORTS = {
  WebSockets: HttpTransportType.WebSockets,
  ServerSentEvents: HttpTransportType.ServerSentEvents,
  LongPolling: HttpTransportType.LongPolling,
} as const;

/** A profile by its parts. */
export function hubProfile(transportName: HubProfile['transportName'], protocol: HubProtocolName): HubProfile {
  return { name: `${transportName}/${protocol}`, transport: TRANSPORTS[transportName], transportName, protocol };
}

/**
 * Every combination a SignalR server can carry: Server-Sent Events are text only, so MessagePack
 * (binary) runs over WebSockets and long polling.
 */
export const HUB_PROFILES: readonly HubProfile[] = [
  hubProfile('WebSockets', 'json'),
  hubProfile('WebSockets', 'messagepack'),
  hubProfile('ServerSentEvents', 'json'),
  hubProfile('LongPolling', 'json'),
  hubProfile('LongPolling', 'messagepack'),
];

/** The hub options (`hubs.transport`, `hubs.protocol`) of `profile`. */
export function hubOptionsOf(profile: HubProfile): { transport: HttpTransportType; protocol?: IHubProtocol } {
  return profile.protocol === 'messagepack'
    ? { transport: profile.transport, protocol: new MessagePackHubProtocol() }
    : { transport: profile.transport };
}

/** The profile `CHAT_TEST_TRANSPORT` / `CHAT_TEST_PROTOCOL` name, or undefined (SignalR's defaults). */
export function profileFromEnv(env: NodeJS.ProcessEnv = process.env): HubProfile | undefined {
  const transport = env.CHAT_TEST_TRANSPORT ?? '';
  const protocol = env.CHAT_TEST_PROTOCOL ?? '';
  if (transport === '' && protocol === '') return undefined;
  const transportName = transport === '' ? 'WebSockets' : transport;
  if (!(transportName in TRANSPORTS)) throw new Error(`CHAT_TEST_TRANSPORT: unknown transport ${JSON.stringify(transport)}`);
  if (protocol !== '' && protocol !== 'json' && protocol !== 'messagepack')
    throw new Error(`CHAT_TEST_PROTOCOL: unknown protocol ${JSON.stringify(protocol)}`);
  return hubProfile(transportName as HubProfile['transportName'], protocol === '' ? 'json' : protocol);
}

/** The hub options of the profile the environment names (none: SignalR's defaults). */
export function hubProfileOptions(): { transport?: HttpTransportType; protocol?: IHubProtocol } {
  const profile = profileFromEnv();
  return profile === undefined ? {} : hubOptionsOf(profile);
}
