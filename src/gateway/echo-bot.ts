import {
  isAudioBlock,
  isCardBlock,
  isCarouselBlock,
  isChoiceBlock,
  isContactBlock,
  isCustomBlock,
  isDividerBlock,
  isEmbedBlock,
  isFileBlock,
  isImageBlock,
  isLinkPreviewBlock,
  isLocationBlock,
  isTextBlock,
  isVideoBlock,
  type Block,
} from '../codecs/blocks.js';
import type { ChatService, GatewayEventSink, StoredMessage } from './chat-service.js';
import { formatDateTimeOffset } from './stj-profile.js';

/** Timing and behaviour of the embedded `echo-bot`. */
export interface EchoBotOptions {
  /** The bot's participant id. @default 'echo-bot' */
  readonly id?: string;
  /** Delay before `streamStarted`. @default 20 */
  readonly startDelayMs?: number;
  /** Delay between `streamStarted` and the "thinking" status. @default 20 */
  readonly statusDelayMs?: number;
  /** Delay between chunks. @default 25 */
  readonly chunkDelayMs?: number;
  /** How many chunks the reply is cut into (fewer for short texts). @default 5 */
  readonly chunks?: number;
  /** A message containing this word (case-insensitive) makes the bot abort after two chunks; an empty word never matches. @default 'abort' */
  readonly abortWord?: string;
  /**
   * A message containing this word (case-insensitive) makes the bot fail on the server after two
   * chunks: its stream ends in `streamAborted` and the message's author gets the hub's `error`
   * event (`code: 'BOT_STREAM_FAILED'`). It wins over the abort word. An empty word never matches.
   * @default 'fail'
   */
  readonly failWord?: string;
}

/** `HubErrorDto.code` of the `error` a user gets when the bot's reply to their message failed on the server. */
export const BOT_STREAM_FAILED = 'BOT_STREAM_FAILED';
/** `StreamAbortedDto.reason` of a bot stream that failed on the server. */
export const BOT_FAILED_REASON = 'The bot failed while replying.';
/** `HubErrorDto.message` of {@link BOT_STREAM_FAILED}. */
export const BOT_FAILED_MESSAGE = 'The bot failed while replying to your message.';

/**
 * The embedded gateway's bot: in any conversation that includes it, every user message gets a
 * streamed reply — `streamStarted` → `streamStatusUpdated("thinking")` → several
 * `streamChunkReceived` → `streamCompleted`, whose message text is {@link echoReply}'s (`You said:
 * <text>`, or for a message without plain text what it sent: `You sent a file: report.pdf`),
 * stored in history. A message with the abort word ends in `streamAborted` instead.
 *
 * A reply that fails on the server (any step throwing; the fail word makes one throw after at most
 * two chunks) ends, once started, in `streamAborted` to the conversation (reason
 * {@link BOT_FAILED_REASON}, nothing stored), then the hub's `error` event goes to every chat
 * connection of the message's author: `{ code: 'BOT_STREAM_FAILED', message, details:
 * { conversationId, messageId, streamId?, botId } }` — there is no invocation left to fail, the
 * message itself was accepted.
 */
export class EchoBot {
  readonly id: string;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly options: Required<EchoBotOptions>;

  constructor(
    private readonly chat: ChatService,
    private readonly sink: GatewayEventSink,
    options: EchoBotOptions = {},
  ) {
    this.options = {
      id: 'echo-bot',
      startDelayMs: 20,
      statusDelayMs: 20,
      chunkDelayMs: 25,
      chunks: 5,
      abortWord: 'abort',
      failWord: 'fail',
      ...options,
    };
    this.id = this.options.id;
  }

  /** Registers the bot's participant. */
  seed(): void {
    if (!this.chat.findParticipant(this.id)) this.chat.upsertParticipant({ id: this.id, uniqueName: this.id, fullName: 'Echo Bot' }, true);
  }

  /** Replies to `message` when the bot is a member of its conversation. */
  onUserMessage(message: StoredMessage): void {
    if (message.senderId === this.id || !this.chat.isActiveMember(this.id, message.conversationId)) return;
    const text = echoReply(message);
    const pieces = split(text, this.options.chunks);
    const fail = hasWord(message.plainText, this.options.failWord);
    const abort = !fail && hasWord(message.plainText, this.options.abortWord);
    const streamId = `stream_${this.chat.newId()}`;
    const messageId = this.chat.newId();
    const conversationId = message.conversationId;
    const base = { streamId, messageId, conversationId };
    let started = false;
    const steps: Array<() => void> = [
      () => {
        this.sink.chat(conversationId, 'streamStarted', {
          ...base,
          senderId: this.id,
          senderName: this.chat.findParticipant(this.id)?.fullName ?? this.id,
          replyToMessageId: message.id,
          startedAt: formatDateTimeOffset(Date.now()),
        });
        started = true;
      },
      () =>
        this.sink.chat(conversationId, 'streamStatusUpdated', { ...base, status: 'thinking', updatedAt: formatDateTimeOffset(Date.now()) }),
    ];
    const sent = abort || fail ? pieces.slice(0, Math.min(2, pieces.length)) : pieces;
    sent.forEach((piece, chunkIndex) =>
      steps.push(() => this.sink.chat(conversationId, 'streamChunkReceived', { ...base, text: piece, chunkIndex })),
    );
    if (fail) {
      steps.push(() => {
        throw new Error(`The message contained the word '${this.options.failWord}'.`);
      });
    } else if (abort) {
      steps.push(() =>
        this.sink.chat(conversationId, 'streamAborted', {
          ...base,
          reason: `The message contained the word '${this.options.abortWord}'.`,
          abortedAt: formatDateTimeOffset(Date.now()),
        }),
      );
    } else {
      steps.push(() => {
        const stored = this.chat.storeStreamedMessage(this.id, conversationId, messageId, text, message.id);
        this.sink.chat(conversationId, 'streamCompleted', {
          ...base,
          messageId: stored.id,
          message: this.chat.toChatMessageDto(stored),
          completedAt: formatDateTimeOffset(Date.now()),
        });
      });
    }
    // The reply failed on the server: the stream (once announced) ends in streamAborted for every
    // viewer, and the author's chat connections get `error` — the message's own ack was a success.
    const failed = (): void => {
      if (started)
        this.sink.chat(conversationId, 'streamAborted', {
          ...base,
          reason: BOT_FAILED_REASON,
          abortedAt: formatDateTimeOffset(Date.now()),
        });
      this.sink.chatUser(message.senderId, 'error', {
        code: BOT_STREAM_FAILED,
        message: BOT_FAILED_MESSAGE,
        details: { conversationId, messageId: message.id, ...(started ? { streamId } : {}), botId: this.id },
      });
    };
    this.run(steps, 0, this.options.startDelayMs, failed);
  }

  /** Cancels every pending step (gateway shutdown). */
  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private run(steps: Array<() => void>, index: number, delay: number, failed: () => void): void {
    const step = steps[index];
    if (!step) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      try {
        step();
      } catch {
        failed();
        return;
      }
      this.run(steps, index + 1, index === 0 ? this.options.statusDelayMs : this.options.chunkDelayMs, failed);
    }, delay);
    this.timers.add(timer);
  }
}

/**
 * Whether `text` contains `word` as a whole word, case-insensitively (ASCII word boundaries, as
 * JavaScript's `\b`; the ASP.NET gateway's `EchoBot.HasWord` uses `RegexOptions.ECMAScript` for the
 * same rule). An empty word never matches.
 */
function hasWord(text: string | null, word: string): boolean {
  return word !== '' && new RegExp(`\\b${escape(word)}\\b`, 'i').test(text ?? '');
}

/**
 * What echo-bot answers to `message`: `You said: <plain text>` when it has plain text; otherwise
 * a description of its blocks in order — `You sent a file: report.pdf`, `You sent an image: a cat
 * and a location: Berlin` — so a file, an image or a card is never answered with an empty echo.
 *
 * @example
 * ```ts
 * echoReply({ plainText: 'hi', blocks });                        // "You said: hi"
 * echoReply({ plainText: null, blocks: [fileBlock('a.pdf')] });  // "You sent a file: a.pdf"
 * ```
 */
export function echoReply(message: Pick<StoredMessage, 'plainText' | 'blocks'>): string {
  if (message.plainText !== null && message.plainText !== '') return `You said: ${message.plainText}`;
  const parts = message.blocks.map(describeBlock);
  if (parts.length === 0) return 'You sent an empty message';
  const list = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
  return `You sent ${list}`;
}

/** One block, as "a file: report.pdf" (a thing with a name or a caption gets it). */
function describeBlock(block: Block): string {
  const named = (what: string, name: string | null | undefined): string =>
    name !== null && name !== undefined && name.trim() !== '' ? `${what}: ${name.trim()}` : what;
  if (isTextBlock(block)) return block.content.trim() === '' ? 'an empty text' : `a ${block.format} text`;
  if (isFileBlock(block)) return named('a file', block.fileName);
  if (isImageBlock(block)) return named('an image', block.caption ?? block.altText);
  if (isVideoBlock(block)) return named('a video', block.caption);
  if (isAudioBlock(block)) return 'an audio clip';
  if (isLinkPreviewBlock(block)) return named('a link', block.url);
  if (isEmbedBlock(block)) return named('an embed', block.url);
  if (isLocationBlock(block)) return named('a location', block.name ?? block.address ?? `${block.latitude}, ${block.longitude}`);
  if (isContactBlock(block)) return named('a contact', block.displayName);
  if (isChoiceBlock(block)) return named('a question', block.prompt);
  if (isCardBlock(block)) return named('a card', block.title);
  if (isCarouselBlock(block)) return `a carousel of ${block.cards.length} card${block.cards.length === 1 ? '' : 's'}`;
  if (isDividerBlock(block)) return 'a divider';
  if (isCustomBlock(block)) return named('a custom block', block.type);
  return `a "${block.$type}" block`;
}

/** Cuts `text` into at most `count` pieces of about equal length, at spaces where possible. */
function split(text: string, count: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / Math.max(1, count)));
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > 0) {
    if (rest.length <= size) {
      pieces.push(rest);
      break;
    }
    let cut = rest.lastIndexOf(' ', size);
    if (cut <= 0) cut = size;
    pieces.push(rest.slice(0, cut + (rest[cut] === ' ' ? 1 : 0)));
    rest = rest.slice(cut + (rest[cut] === ' ' ? 1 : 0));
  }
  return pieces;
}

// biome-ignore lint/suspicious/noShadowRestrictedNames: module-local helper; the deprecated global `escape` is never used here.
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
