/**
 * Realistic chat hub payloads for the benchmarks: a `ChatMessageDto` with five blocks of mixed
 * kinds, reactions, mentions and an avatar (about 1.5 KB of JSON), with increasing ULID-like ids.
 */
import type { ChatMessageDto } from '../src/codecs/index.js';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function base32(value: number, length: number): string {
  let out = '';
  let rest = value;
  for (let i = 0; i < length; i++) {
    out = ALPHABET[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

/**
 * Makes ULID-like ids (26 Crockford base32 characters) that sort in the order they are made:
 * a 10-character millisecond time, then a 16-character counter.
 */
export class IdSequence {
  private counter = 0;
  private readonly time: string;

  constructor(now = Date.now()) {
    this.time = base32(now, 10);
  }

  next(): string {
    this.counter += 1;
    return this.time + base32(this.counter, 16);
  }
}

const EPOCH = base32(Date.UTC(2025, 2, 26, 15, 30), 10);

/** The `n`th id of one deterministic increasing sequence (n ≥ 0), so two processes agree on ids. */
export function idAt(n: number): string {
  return EPOCH + base32(n, 16);
}

/** The conversation of the payloads when none is given. */
export const CONVERSATION_ID = '01JRZ9C0NVGR0UP00000000001';
const ALICE = '01JRZ8M4Q7X9V2K5T3N6P0W1YH';
const BOB = '01JRZ8M5A2B3C4D5E6F7G8H9JK';
const CAROL = '01JRZ8M6RSTVWXYZ0123456789';

/** A realistic `ChatMessageDto` with the given ids, as a real ASP.NET gateway writes it (unset members `null`, `DateTimeOffset` times). */
export function chatMessage(id: string, conversationId: string = CONVERSATION_ID, clientMessageId: string | null = null): ChatMessageDto {
  return {
    id,
    conversationId,
    senderId: ALICE,
    senderName: 'Alice Tran',
    senderType: 'User',
    blocks: [
      {
        $type: 'text',
        format: 'Markdown',
        content: '@Bob Nguyen @Carol Le **Lunch** at _noon_? The harbour place has a new menu, photos below.',
        plainText: '@Bob Nguyen @Carol Le Lunch at noon? The harbour place has a new menu, photos below.',
      },
      {
        $type: 'image',
        source: { storageKey: 'uploads/2025/03/26/01JRZF1LE0000000000000PHOT.jpg', url: null },
        thumbnail: { storageKey: 'uploads/2025/03/26/01JRZF1LE0000000000000PHOT.thumb.jpg', url: null },
        altText: 'The harbour at sunset',
        width: 1024,
        height: 768,
        caption: 'View from the terrace',
        fileSizeBytes: 245_760,
      },
      {
        $type: 'linkPreview',
        url: 'https://harbour.example.com/menu',
        title: 'Harbour Kitchen - Menu',
        description: 'Seasonal seafood by the water.',
        image: { storageKey: null, url: 'https://cdn.example.com/images/harbour-1024.jpg' },
        siteName: 'Harbour Kitchen',
      },
      {
        $type: 'file',
        source: { storageKey: 'uploads/2025/03/26/menu-spring.pdf', url: null },
        fileName: 'Menu (spring).pdf',
        mimeType: 'application/pdf',
        fileSizeBytes: 1_048_576,
      },
      {
        $type: 'card',
        title: 'Harbour Kitchen',
        subtitle: 'Seafood · $$',
        image: { storageKey: null, url: 'https://cdn.example.com/images/harbour-1024.jpg' },
        fields: [
          { label: 'Opening hours', value: '11:00-22:00' },
          { label: 'Rating', value: '4.7' },
        ],
        buttons: [
          { label: 'Book a table', action: 'Url', value: 'https://harbour.example.com/book', style: 'Primary' },
          { label: 'Call', action: 'Call', value: '+842838221234', style: 'Default' },
        ],
      },
    ],
    plainTextContent: '@Bob Nguyen @Carol Le Lunch at noon? The harbour place has a new menu, photos below.',
    replyToMessageId: null,
    quickReplies: null,
    isEdited: false,
    reactions: [
      { emoji: '❤️', count: 2, participantIds: [BOB, CAROL] },
      { emoji: '👍', count: 1, participantIds: [BOB] },
    ],
    mentions: [
      { type: 'User', targetId: BOB, displayName: 'Bob Nguyen', offset: 0, length: 11 },
      { type: 'User', targetId: CAROL, displayName: 'Carol Le', offset: 12, length: 9 },
    ],
    createdAt: '2025-03-26T15:30:00.1234567+00:00',
    updatedAt: null,
    clientMessageId,
    systemEvent: null,
    senderAvatar: { storageKey: 'avatars/01JRZ8M4Q7X9V2K5T3N6P0W1YH.png', url: null },
  };
}

/** `chatMessage(...)` as it arrives from the wire: parsed from its JSON text (flat strings, fresh objects). */
export function wireMessage(id: string, conversationId: string = CONVERSATION_ID): ChatMessageDto {
  return JSON.parse(JSON.stringify(chatMessage(id, conversationId))) as ChatMessageDto;
}
