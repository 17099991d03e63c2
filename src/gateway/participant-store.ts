import type { CreateOrUpdateParticipantRequest } from '../codecs/index.js';
import type { ChatContext, StoredParticipant } from './chat-records.js';
import { requireText } from './chat-rules.js';
import { conflict } from './gateway-error.js';

/** The gateway's participants, in memory: upsert by id, unique names enforced. */
export class ParticipantStore {
  private readonly records = new Map<string, StoredParticipant>();

  constructor(private readonly ctx: ChatContext) {}

  /** Creates or updates a participant (upsert by id); a 409 when the unique name is another's. */
  upsert(request: CreateOrUpdateParticipantRequest, isBot: boolean): StoredParticipant {
    requireText('id', request.id);
    requireText('uniqueName', request.uniqueName);
    requireText('fullName', request.fullName);
    const byName = this.findByUniqueName(request.uniqueName);
    if (byName && byName.id !== request.id) throw conflict(`The unique name '${request.uniqueName}' is already taken.`);
    const now = this.ctx.nowIso();
    const existing = this.records.get(request.id);
    const record: StoredParticipant = {
      id: request.id,
      uniqueName: request.uniqueName,
      fullName: request.fullName,
      isBot: existing?.isBot ?? isBot,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
      lastSeenAt: existing?.lastSeenAt ?? null,
      ...(request.avatar != null ? { avatar: request.avatar } : existing?.avatar ? { avatar: existing.avatar } : {}),
      ...(request.gender != null ? { gender: request.gender } : existing?.gender ? { gender: existing.gender } : {}),
    };
    this.records.set(record.id, record);
    return record;
  }

  /** The participant, or undefined. */
  get(id: string): StoredParticipant | undefined {
    return this.records.get(id);
  }

  /** True when the participant exists. */
  has(id: string): boolean {
    return this.records.has(id);
  }

  /** The participant with that unique name, or undefined. */
  findByUniqueName(uniqueName: string): StoredParticipant | undefined {
    for (const record of this.records.values()) if (record.uniqueName === uniqueName) return record;
    return undefined;
  }

  /** The participant's full name, or the id itself for an unknown one. */
  displayName(id: string): string {
    return this.records.get(id)?.fullName ?? id;
  }
}
