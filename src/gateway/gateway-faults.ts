import type { ChatHubEventName } from '../codecs/index.js';
import { conversationGroup } from './chat-hub-definition.js';
import type { GatewayFaults } from './gateway-types.js';
import type { Hub, SignalRServer } from './signalr/index.js';
import type { TokenIssuer } from './token-issuer.js';

/**
 * How chat hub events leave the gateway: at once, or twice (`duplicateEvents`), or late
 * (`delayEvents`). Owns the delay timers; `dispose()` clears them.
 */
export class EventDelivery {
  /** Send every event twice. */
  duplicate = false;
  /** Send every event this late (0: at once). */
  delayMs = 0;
  private readonly pending = new Set<NodeJS.Timeout>();

  /** Runs `send` as the faults now say: once or twice, now or after `delayMs`. */
  deliver(send: () => void): void {
    const once = (): void => {
      send();
      if (this.duplicate) send();
    };
    if (this.delayMs > 0) {
      const timer = setTimeout(() => {
        this.pending.delete(timer);
        once();
      }, this.delayMs);
      this.pending.add(timer);
    } else once();
  }

  /** Drops every delayed event not sent yet. */
  dispose(): void {
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
  }
}

/** What the faults act on. */
export interface FaultTargets {
  readonly signalr: SignalRServer;
  readonly tokens: TokenIssuer;
  readonly delivery: EventDelivery;
  /** The chat hub (for `emitRaw`). */
  readonly chatHub: () => Hub | undefined;
}

/** The gateway's {@link GatewayFaults}, and `dispose()` to clear the refuse-connections timer. */
export function createFaults({ signalr, tokens, delivery, chatHub }: FaultTargets): { faults: GatewayFaults; dispose(): void } {
  let refuseTimer: NodeJS.Timeout | undefined;
  const faults: GatewayFaults = {
    dropConnections: ({ allowReconnect = false, error } = {}) =>
      signalr.closeAll({ allowReconnect, ...(error !== undefined ? { error } : {}) }),
    killSockets: () => signalr.killAll(),
    expireTokens: () => tokens.expireAll(),
    emitRaw: (conversationId, event, payload) =>
      delivery.deliver(() => chatHub()?.sendToGroup(conversationGroup(conversationId), event as ChatHubEventName, [payload])),
    refuseConnections: (durationMs) => {
      if (refuseTimer) clearTimeout(refuseTimer);
      refuseTimer = undefined;
      signalr.setRefuseConnections(durationMs > 0);
      if (durationMs > 0) {
        refuseTimer = setTimeout(() => {
          refuseTimer = undefined;
          signalr.setRefuseConnections(false);
        }, durationMs);
      }
    },
    duplicateEvents: (on) => {
      delivery.duplicate = on;
    },
    delayEvents: (ms) => {
      delivery.delayMs = Math.max(0, ms);
    },
  };
  return {
    faults,
    dispose: () => {
      if (refuseTimer) clearTimeout(refuseTimer);
    },
  };
}
