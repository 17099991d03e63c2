/**
 * The playground's open conversation: its timeline, rendered on every change and kept read while
 * it is open (a failed message retried when clicked), and a bot's reply as it streams in.
 */
import {
  catchError,
  combineLatest,
  debounceTime,
  distinctUntilChanged,
  EMPTY,
  filter,
  ignoreElements,
  map,
  merge,
  type Observable,
  of,
  switchMap,
  tap,
} from 'rxjs';
import { isFileBlock, type BotStream, type ChatClient, type FileBlock, type Timeline, type TimelineMessage } from '../index.js';
import { messageOf } from '../core/errors.js';
import { formatBytes, h, logEvent, ui } from './dom.js';
import { safeHref } from './safe-href.js';
import type { SessionContext } from './session-context.js';

/** How many messages the conversation list counts unread in a conversation, on every change. */
function unreadIn(client: ChatClient, conversationId: string): Observable<number> {
  return client.conversationList$.pipe(
    map((list) => list.find((c) => c.id === conversationId)?.unreadCount ?? 0),
    distinctUntilChanged(),
  );
}

/**
 * Marks the open conversation read up to its newest message the server knows (confirmed or
 * sent: a pending or streaming one has no server id yet) whenever the list counts something
 * unread there — on opening it, and whenever a message arrives in it, whoever sent it (a user, a
 * bot's reply stored when its stream ends, a system message). Driven by the gateway's count, so
 * nothing is sent while it is 0; a failed mark is logged and tried again on the next change of
 * the count or of the newest message.
 */
function markRead(client: ChatClient, timeline: Timeline): Observable<never> {
  return combineLatest([
    unreadIn(client, timeline.conversationId),
    timeline.messages$.pipe(
      map((messages) => [...messages].reverse().find((m) => m.status === 'confirmed' || m.status === 'sent')?.id),
      distinctUntilChanged(),
    ),
  ]).pipe(
    // the count and the message come over two hubs: let both settle before asking
    debounceTime(150),
    filter((pair): pair is [number, string] => pair[0] > 0 && pair[1] !== undefined),
    switchMap(([, messageId]) =>
      client.conversations.markAsRead(timeline.conversationId, messageId).pipe(
        catchError((error: unknown) => {
          logEvent(`mark as read: ${messageOf(error)}`);
          return EMPTY;
        }),
      ),
    ),
    ignoreElements(),
  );
}

/** The open conversation: its timeline, rendered on every change, and kept read while it is open. */
export function showTimeline(session: SessionContext): void {
  const { client, subscriptions, open$ } = session;
  subscriptions.add(
    open$
      .pipe(
        distinctUntilChanged(),
        map((id) => (id === null ? null : client.timeline(id))),
        tap((timeline) => opened(session, timeline)),
        switchMap((timeline) =>
          timeline === null
            ? of([] as readonly TimelineMessage[])
            : merge(timeline.messages$, markRead(client, timeline)).pipe(
                catchError((error: unknown) => {
                  logEvent(`timeline: ${messageOf(error)}`);
                  return EMPTY;
                }),
              ),
        ),
      )
      .subscribe((messages) => renderMessages(session, messages)),
  );
}

/** Makes `timeline` the open one (null: none): the composer, the title, no bot's reply shown yet. */
function opened(session: SessionContext, timeline: Timeline | null): void {
  session.current = timeline;
  ui.composerInput.disabled = ui.composerSend.disabled = ui.uploadInput.disabled = timeline === null;
  ui.botStream.hidden = true;
  session.lastStream = null;
  if (timeline !== null) {
    ui.title.textContent = session.names.get(timeline.conversationId) ?? `Conversation ${timeline.conversationId.slice(-6)}`;
    ui.composerInput.focus();
  }
}

/** Renders the open conversation's messages (staying scrolled to the bottom if it was there). */
function renderMessages(session: SessionContext, messages: readonly TimelineMessage[]): void {
  const list = ui.messages;
  const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 40;
  list.replaceChildren(...messages.map((message) => renderMessage(session, message)));
  if (atBottom) list.scrollTop = list.scrollHeight;
  // A stream whose end was missed (the connection dropped meanwhile) is finished once the
  // timeline holds its final message (gap recovery fetched it from history).
  const stream = session.lastStream;
  if (stream?.phase === 'streaming' && messages.some((m) => m.id === stream.messageId && m.status !== 'streaming')) {
    ui.botStream.dataset.phase = 'completed';
    ui.botStream.textContent = `${stream.senderName ?? stream.senderId ?? 'a bot'} finished (its end was missed while reconnecting; the timeline recovered it)`;
  }
}

/** What a message's status line says (nothing for someone else's confirmed message). */
function statusLabel(message: TimelineMessage, mine: boolean): string {
  switch (message.status) {
    case 'pending':
      return 'sending…';
    case 'sent':
      return '✓ sent';
    case 'confirmed':
      return mine ? '✓✓ confirmed' : '';
    case 'failed':
      return `failed (${messageOf(message.error)}) — click to retry`;
    case 'streaming':
      return message.streamStatus !== null ? `streaming: ${message.streamStatus}` : 'streaming';
    case 'aborted':
      return `aborted: ${message.abortReason ?? 'no reason'}`;
  }
}

/** One message: who sent it and when, its status, its text and its files; a failed one is sent again when clicked. */
function renderMessage(session: SessionContext, message: TimelineMessage): HTMLElement {
  const mine = message.senderId === session.me;
  const kind = mine ? 'mine' : message.senderType === 'Bot' ? 'bot' : 'theirs';
  const text = message.isDeleted ? '(deleted)' : message.plainText;
  const item = h(
    'li',
    {
      class: `message ${kind}`,
      'data-testid': 'message',
      'data-id': message.id,
      'data-status': message.status,
      'data-sender': message.senderId,
    },
    h(
      'div',
      { class: 'meta' },
      h('strong', {}, message.senderName ?? message.senderId),
      h('time', { datetime: message.createdAt }, new Date(message.createdAt).toLocaleTimeString()),
      h('span', { 'data-testid': 'message-status' }, statusLabel(message, mine)),
    ),
    text !== null && text !== ''
      ? h('div', { class: 'text', 'data-testid': 'message-text' }, text)
      : message.status === 'streaming'
        ? h('div', { class: 'text', 'data-testid': 'message-text' })
        : null,
    ...message.blocks.filter(isFileBlock).map((block) => renderFile(session.client, block)),
  );
  if (message.status === 'failed' && message.clientMessageId !== null) {
    const clientMessageId = message.clientMessageId;
    item.addEventListener('click', () => {
      if (session.current !== null) session.subscriptions.add(session.current.retry(clientMessageId).subscribe());
    });
  }
  return item;
}

/** A file block: a download link when its URL is http(s), else its name as text. */
function renderFile(client: ChatClient, block: FileBlock): HTMLElement {
  const key = block.source.storageKey;
  const raw = block.source.url ?? (key != null ? client.files.getDownloadUrl(key) : undefined);
  // Only http(s) becomes a link: a sender may write any URL (`javascript:…`) into a file block.
  const href = raw === undefined ? undefined : safeHref(raw, location.href);
  return h(
    href === undefined ? 'span' : 'a',
    {
      class: 'file',
      'data-testid': 'message-file',
      href,
      target: href === undefined ? undefined : '_blank',
      rel: 'noopener',
      download: href === undefined ? undefined : block.fileName,
    },
    h('span', { class: 'file-icon', 'aria-hidden': 'true' }),
    `${block.fileName} · ${formatBytes(block.fileSizeBytes)}`,
  );
}

/** echo-bot's reply as it streams (accumulated by client.streams$), for the open conversation. */
export function showBotStreams(session: SessionContext): void {
  const { client, subscriptions, open$ } = session;
  subscriptions.add(
    client.streams$.pipe(filter((stream) => stream.conversationId === open$.value)).subscribe((stream) => renderStream(session, stream)),
  );
}

/** Shows where a bot's reply is: streaming (chunks and characters so far), finished, or stopped. */
function renderStream(session: SessionContext, stream: BotStream): void {
  session.lastStream = stream;
  const who = stream.senderName ?? stream.senderId ?? 'a bot';
  const what =
    stream.phase === 'streaming'
      ? `${who} is replying${stream.status !== null ? ` (${stream.status})` : ''}: ${stream.chunkCount} chunk(s), ${stream.text.length} chars so far`
      : stream.phase === 'completed'
        ? `${who} finished: ${stream.chunkCount} chunk(s), ${stream.text.length} chars`
        : `${who} stopped: ${stream.reason ?? 'aborted'}`;
  ui.botStream.hidden = false;
  ui.botStream.dataset.phase = stream.phase;
  ui.botStream.textContent = what;
}
