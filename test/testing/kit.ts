/**
 * Helpers for the `chat-client-rx/testing` specs: a TestScheduler that deep-compares, a small
 * world (alice, bob, mallory; `general` and `random`), drivers scheduled by a marble, and a
 * recorder of `[frame, value]` pairs for streams whose values come several to a frame.
 */
import { expect } from 'chai';
import { type RunHelpers, TestScheduler } from 'rxjs/testing';
import type { Observable } from 'rxjs';
import type { ChatMessageDto } from '../../src/codecs/index.js';
import type { HubConnectionStatus } from '../../src/hubs/hub-state.js';
import { FakeChatServer } from '../../src/testing/index.js';

export function newScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => {
    expect(actual).to.deep.equal(expected);
  });
}

/** alice and bob in `general` and `random`; mallory in neither. */
export function world(scheduler: TestScheduler): FakeChatServer {
  const server = new FakeChatServer({ scheduler });
  server.addParticipant('alice', 'Alice');
  server.addParticipant('bob', 'Bob');
  server.addParticipant('mallory', 'Mallory');
  server.addConversation('general', ['alice', 'bob'], { name: 'General' });
  server.addConversation('random', ['alice', 'bob']);
  return server;
}

/** Runs each action at the frame its letter sits at in `marbles`. */
export function act(cold: RunHelpers['cold'], marbles: string, actions: Record<string, () => void>): void {
  cold(marbles, actions).subscribe((action) => action());
}

/** Collects `[frame, value]` for every value of `source$` from now on. */
export function record<T>(scheduler: TestScheduler, source$: Observable<T>): [number, T][] {
  const seen: [number, T][] = [];
  source$.subscribe((value) => seen.push([scheduler.now(), value]));
  return seen;
}

/** A status as a short string: `connected:fake-conn-1`, `reconnecting:2/5`, `failed:connection`… */
export function statusOf(s: HubConnectionStatus): string {
  switch (s.status) {
    case 'connected':
      return `connected:${s.connectionId}`;
    case 'reconnecting':
      return `reconnecting:${s.attempt}/${s.nextDelayMs}`;
    case 'failed':
      return `failed:${(s.error as { kind?: string }).kind}`;
    case 'connecting':
      return `connecting:${s.attempt}`;
    default:
      return s.status;
  }
}

/** A valid hub message that no server sent (for `emit`). */
export function chatMessage(id: string, text: string): ChatMessageDto {
  return {
    id,
    conversationId: 'general',
    senderId: 'bob',
    senderName: 'Bob',
    senderType: 'User',
    blocks: [{ $type: 'text', format: 'Plain', content: text, plainText: text }],
    plainTextContent: text,
    replyToMessageId: null,
    quickReplies: null,
    isEdited: false,
    reactions: null,
    mentions: null,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: null,
    clientMessageId: null,
    systemEvent: null,
  };
}

/** The request of a plain-text hub send. */
export function hubSend(conversationId: string, text: string, clientMessageId?: string) {
  return {
    conversationId,
    blocks: [{ $type: 'text' as const, format: 'Plain' as const, content: text, plainText: text }],
    ...(clientMessageId !== undefined ? { clientMessageId } : {}),
  };
}
