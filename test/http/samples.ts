/** Sample DTOs the fake gateway answers with (shapes from the contract, values made up). */
export const T0 = '2025-03-26T15:30:00Z';

export function participant(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    uniqueName: id,
    fullName: `User ${id}`,
    isBot: false,
    isOnline: true,
    createdAt: T0,
    updatedAt: T0,
    lastSeenAt: null,
    ...extra,
  };
}

export function member(participantId: string): Record<string, unknown> {
  return { participantId, joinedAt: T0, isActive: true, isPinned: false, unreadCount: 0, leftAt: null };
}

export function conversation(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    type: 'Group',
    name: `Conversation ${id}`,
    ownerId: 'alice',
    createdAt: T0,
    updatedAt: T0,
    lastMessageAt: null,
    lastMessageId: null,
    participants: [member('alice'), member('bob')],
    ...extra,
  };
}

export function listItem(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    type: 'Group',
    name: `Conversation ${id}`,
    isPinned: false,
    unreadCount: 0,
    participantCount: 2,
    lastMessage: null,
    ...extra,
  };
}

export function message(id: string, conversationId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    conversationId,
    senderId: 'alice',
    senderType: 'User',
    timestamp: T0,
    blocks: [{ $type: 'text', format: 'Plain', content: `message ${id}`, plainText: `message ${id}` }],
    plainTextIndex: `message ${id}`,
    replyToMessageId: null,
    quickReplies: null,
    isEdited: false,
    editedAt: null,
    isDeleted: false,
    deletedAt: null,
    reactionSummary: null,
    mentions: null,
    createdAt: T0,
    updatedAt: T0,
    clientMessageId: null,
    systemEvent: null,
    ...extra,
  };
}

export function bot(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    participantId: `p-${id}`,
    kafkaTopic: `topic-${id}`,
    isActive: true,
    rateLimitPerSecond: 5,
    listenAllGroupMessages: false,
    createdBy: 'dev',
    createdAt: T0,
    updatedAt: T0,
    ...extra,
  };
}

export const healthStatus = {
  status: 'Healthy',
  totalDuration: '00:00:00.0123456',
  results: { database: { status: 'Healthy', description: null, duration: '00:00:00.0010000', error: null } },
};

export const textBlock = { $type: 'text', format: 'Plain', content: 'Hi', plainText: 'Hi' } as const;

/** A JWT (unsigned) whose `exp` claim is `expSeconds`. */
export function jwtWithExp(expSeconds: number, sub = 'alice'): string {
  const enc = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ sub, exp: expSeconds })}.sig`;
}
