import type { PresenceStateItem } from '../codecs/index.js';
import type { ChatContext } from './chat-records.js';
import type { ParticipantStore } from './participant-store.js';

/** Who is online: a participant is online while they have at least one notification hub connection. */
export class PresenceStore {
  private readonly onlineConnections = new Map<string, number>();

  constructor(
    private readonly ctx: ChatContext,
    private readonly participants: ParticipantStore,
  ) {}

  /** True while the participant has at least one notification hub connection. */
  isOnline(participantId: string): boolean {
    return (this.onlineConnections.get(participantId) ?? 0) > 0;
  }

  /** A notification connection opened: the first one marks the user online. */
  connectionOpened(participantId: string): void {
    const count = (this.onlineConnections.get(participantId) ?? 0) + 1;
    this.onlineConnections.set(participantId, count);
    if (count === 1) {
      const record = this.participants.get(participantId);
      if (record) record.lastSeenAt = null;
      this.ctx.sink.presence(participantId, { participantId, isOnline: true, lastSeenAt: null });
    }
  }

  /** A notification connection closed: the last one marks the user offline with `lastSeenAt`. */
  connectionClosed(participantId: string): void {
    const count = (this.onlineConnections.get(participantId) ?? 0) - 1;
    if (count > 0) {
      this.onlineConnections.set(participantId, count);
      return;
    }
    this.onlineConnections.delete(participantId);
    const lastSeenAt = this.ctx.nowIso();
    const record = this.participants.get(participantId);
    if (record) record.lastSeenAt = lastSeenAt;
    this.ctx.sink.presence(participantId, { participantId, isOnline: false, lastSeenAt });
  }

  /** The presence of each id (unknown ids are reported offline with no `lastSeenAt`). */
  presenceOf(ids: readonly string[]): PresenceStateItem[] {
    return ids.map((participantId) => {
      const online = this.isOnline(participantId);
      return { participantId, isOnline: online, lastSeenAt: online ? null : (this.participants.get(participantId)?.lastSeenAt ?? null) };
    });
  }
}
