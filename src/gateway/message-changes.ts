/**
 * What editing, deleting, recovering and reacting do to a stored message, and the hub event each
 * sends — shared by the gateway's `MessageStore` and the in-memory server of
 * `chat-client-rx/testing` (pure: this module imports nothing Node-specific — keep it so). The
 * checks before each change (who may, what is valid) stay with the callers: their errors differ.
 */
import type { Block, Mention } from '../codecs/index.js';
import type { StoredMessage } from './chat-records.js';
import { plainTextOrNull } from './chat-rules.js';

/** The fields of a stored message these changes write (the gateway's record, or the testing kit's, which has no system event). */
export type ChangeableMessage = Omit<StoredMessage, 'systemEvent'>;

/**
 * Edits a message: new blocks and plain text, the mentions when given (a copy; `null`/`undefined`
 * keeps the old ones), edited at `now`. Returns the `messageUpdated` payload.
 *
 * @example
 * ```ts
 * sink.chat(m.conversationId, 'messageUpdated', applyEdit(m, blocks, null, nowIso()));
 * ```
 */
export function applyEdit(m: ChangeableMessage, blocks: Block[], mentions: readonly Mention[] | null | undefined, now: string) {
  m.blocks = blocks;
  m.plainText = plainTextOrNull(blocks);
  if (mentions != null) m.mentions = [...mentions];
  m.isEdited = true;
  m.editedAt = now;
  m.updatedAt = now;
  return {
    messageId: m.id,
    conversationId: m.conversationId,
    blocks: m.blocks,
    plainTextContent: m.plainText,
    updatedAt: now,
    ...(m.mentions !== null ? { mentions: m.mentions } : {}),
  };
}

/** Soft-deletes a message for everyone (`deletedAt`, and `deletedMs` for the recovery window). Returns the `messageDeleted` payload. */
export function applyDelete(m: ChangeableMessage, deletedBy: string, deletedAt: string, deletedMs: number) {
  m.isDeleted = true;
  m.deletedAt = deletedAt;
  m.deletedMs = deletedMs;
  m.updatedAt = deletedAt;
  return { messageId: m.id, conversationId: m.conversationId, deleteType: 'recall', deletedBy, deletedAt };
}

/** Undoes a deletion, updated at `now` (the caller sends `messageRecovered` with the whole message). */
export function applyRecover(m: ChangeableMessage, now: string): void {
  m.isDeleted = false;
  m.deletedAt = null;
  m.deletedMs = null;
  m.updatedAt = now;
}

/** Adds `participantId`'s `emoji` reaction (after the others'); false, changing nothing, when it is there already. */
export function addReactionTo(m: ChangeableMessage, participantId: string, emoji: string): boolean {
  const who = m.reactions.get(emoji) ?? [];
  if (who.includes(participantId)) return false;
  who.push(participantId);
  m.reactions.set(emoji, who);
  return true;
}

/** Removes `participantId`'s `emoji` reaction (the emoji goes when no one is left); false, changing nothing, when it is not there. */
export function removeReactionFrom(m: ChangeableMessage, participantId: string, emoji: string): boolean {
  const who = m.reactions.get(emoji) ?? [];
  const index = who.indexOf(participantId);
  if (index < 0) return false;
  who.splice(index, 1);
  if (who.length === 0) m.reactions.delete(emoji);
  return true;
}

/** The payload of `reactionAdded` (with `createdAt`) and `reactionRemoved` (with `removedAt`), but for that time. */
export function reactionPayload(m: ChangeableMessage, participantId: string, participantName: string, emoji: string) {
  return { messageId: m.id, conversationId: m.conversationId, participantId, participantName, emoji };
}
