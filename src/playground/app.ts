/**
 * The playground: a small browser app built on the library's browser bundle, served by
 * `chat-rx gateway` at `/`. Log in as a dev user, see the conversation list (unread counts,
 * presence dots), open a timeline, send optimistically, start a chat with `echo-bot` and watch
 * its reply stream in, drop the hub connections and watch them recover (the badge counts down to
 * each retry), upload a file. The open conversation is kept read. The layout fits a phone.
 *
 * Plain DOM, no framework: the page's skeleton is `index.html`; this file subscribes to the
 * client's streams and renders them. Every subscription belongs to the logged-in session and
 * ends with it (log out, or leaving the page). Elements carry `data-testid` for the browser test.
 *
 * Query parameters: `?gateway=URL` talks to another gateway (default: the page's origin),
 * `?user=NAME` logs in at once.
 */
import {
  BehaviorSubject,
  catchError,
  combineLatest,
  debounceTime,
  defer,
  distinct,
  distinctUntilChanged,
  EMPTY,
  filter,
  from,
  ignoreElements,
  map,
  merge,
  mergeMap,
  type Observable,
  of,
  scan,
  shareReplay,
  startWith,
  Subscription,
  switchMap,
  takeWhile,
  tap,
  timer,
} from 'rxjs';
import { fromFetch } from 'rxjs/fetch';
import {
  createChatClient,
  isFileBlock,
  isUploadDone,
  plainTextOf,
  type BotStream,
  type ChatClient,
  type ConversationListItemDto,
  type FileBlock,
  type HubConnectionStatus,
  type PresenceMap,
  type Timeline,
  type TimelineMessage,
  type UploadResponse,
} from '../index.js';
import { messageOf } from '../core/errors.js';
import { safeHref } from './safe-href.js';

// ---- DOM helpers

/** The element with `data-testid="id"` (the skeleton in index.html has them all). */
function byTestId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.querySelector<T>(`[data-testid="${id}"]`);
  if (element === null) throw new Error(`index.html has no [data-testid="${id}"]`);
  return element;
}

type Child = Node | string | null | undefined | false;
type Attributes = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** `h('li', { class: 'x' }, 'text', child)`: an element with attributes and children. */
function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) element.append(child);
  return element;
}

const ui = {
  whoami: byTestId('whoami'),
  chatState: byTestId('conn-state'),
  notificationState: byTestId('notif-state'),
  drop: byTestId<HTMLButtonElement>('drop'),
  logout: byTestId<HTMLButtonElement>('logout'),
  login: byTestId('login'),
  loginForm: byTestId<HTMLFormElement>('login-form'),
  loginName: byTestId<HTMLInputElement>('login-name'),
  loginPassword: byTestId<HTMLInputElement>('login-password'),
  loginSubmit: byTestId<HTMLButtonElement>('login-submit'),
  loginError: byTestId('login-error'),
  chat: document.getElementById('chat') as HTMLElement,
  newBotChat: byTestId<HTMLButtonElement>('new-bot-chat'),
  conversations: byTestId('conversation-list'),
  title: byTestId('timeline-title'),
  messages: byTestId('messages'),
  botStream: byTestId('bot-stream'),
  composer: byTestId<HTMLFormElement>('composer'),
  composerInput: byTestId<HTMLInputElement>('composer-input'),
  composerSend: byTestId<HTMLButtonElement>('composer-send'),
  uploadInput: byTestId<HTMLInputElement>('upload-input'),
  uploadProgress: byTestId<HTMLProgressElement>('upload-progress'),
  uploadStatus: byTestId('upload-status'),
  stateLog: byTestId('state-log'),
  eventLog: byTestId('event-log'),
};

/** Adds a line at the top of a log list, keeping the newest `max`. */
function log(list: HTMLElement, text: string, attributes: Attributes = {}, max = 40): void {
  list.prepend(h('li', attributes, h('time', {}, new Date().toLocaleTimeString()), text));
  while (list.children.length > max) list.lastElementChild?.remove();
}

const logEvent = (text: string): void => log(ui.eventLog, text, { 'data-testid': 'event' });

function formatBytes(bytes: number | null): string {
  if (bytes === null) return '? B';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

// ---- what each piece of state looks like

function describeState(state: HubConnectionStatus): string {
  switch (state.status) {
    case 'connecting':
      return `connecting (attempt ${state.attempt})`;
    case 'reconnecting':
      return `reconnecting (attempt ${state.attempt}, in ${(state.nextDelayMs / 1000).toFixed(1)} s)`;
    case 'failed':
      return `failed: ${state.error.message}`;
    default:
      return state.status;
  }
}

/**
 * What a hub's badge says about `state`, over time: while reconnecting it counts down to the next
 * attempt, once a second ("reconnecting in 5 s", "… 4 s", …, then "reconnecting now" while the
 * attempt runs); any other state is one text. Completes after "now" (or at once).
 */
function badgeText(state: HubConnectionStatus): Observable<string> {
  if (state.status !== 'reconnecting') return of(describeState(state));
  const attempt = `(attempt ${state.attempt})`;
  const seconds = Math.ceil(Math.max(0, state.nextDelayMs) / 1000);
  // The first second to drop is the fraction left over: 2500 ms shows 3 for 500 ms, then 2, 1.
  const firstTick = state.nextDelayMs - (seconds - 1) * 1000;
  return timer(firstTick, 1000).pipe(
    map((tick) => seconds - 1 - tick),
    startWith(seconds),
    takeWhile((left) => left > 0, true),
    map((left) => (left > 0 ? `reconnecting in ${left} s ${attempt}` : `reconnecting now ${attempt}`)),
  );
}

/** Keeps `badge` showing `state$`: its status as `data-status`, its text counting down while reconnecting. */
function showStates(badge: HTMLElement, state$: Observable<HubConnectionStatus>): Subscription {
  return state$
    .pipe(switchMap((state) => badgeText(state).pipe(map((text) => [state.status, text] as const))))
    .subscribe(([status, text]) => {
      badge.dataset.status = status;
      badge.textContent = text;
    });
}

function conversationName(conversation: ConversationListItemDto, others: readonly string[]): string {
  if (conversation.name != null && conversation.name !== '') return conversation.name;
  if (others.length > 0) return others.join(', ');
  return conversation.type === 'Self' ? 'Notes to self' : `Conversation ${conversation.id.slice(-6)}`;
}

function preview(conversation: ConversationListItemDto): string {
  const last = conversation.lastMessage;
  if (last === null || last === undefined) return 'no messages yet';
  const text = plainTextOf(last.blocks);
  if (text !== '') return `${last.senderId}: ${text}`;
  const file = last.blocks.find(isFileBlock);
  return file !== undefined ? `${last.senderId}: [file] ${file.fileName}` : `${last.senderId}: …`;
}

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

function fileBlockOf(upload: UploadResponse): FileBlock {
  return {
    $type: 'file',
    source: { storageKey: upload.storageKey },
    fileName: upload.fileName,
    mimeType: upload.contentType,
    fileSizeBytes: upload.fileSize,
  };
}

// ---- a logged-in session

interface Session {
  readonly client: ChatClient;
  readonly subscriptions: Subscription;
}

let session: Session | undefined;
const params = new URLSearchParams(location.search);
const baseUrl = params.get('gateway') ?? location.origin;

/** Wires the page to a logged-in client; everything subscribed here ends with the session. */
function startSession(client: ChatClient, me: string): Session {
  const subscriptions = new Subscription();
  const { chat, notifications } = client.realtime;
  const open$ = new BehaviorSubject<string | null>(null);
  let current: Timeline | null = null;
  const names = new Map<string, string>();
  let lastStream: BotStream | null = null;

  ui.login.hidden = true;
  ui.chat.hidden = false;
  ui.logout.hidden = false;
  ui.drop.disabled = false;
  ui.whoami.textContent = `signed in as ${me}`;
  ui.stateLog.replaceChildren();
  ui.eventLog.replaceChildren();

  // Connection state: the badges (counting down to the next attempt while reconnecting) and a log
  // of every transition of the chat hub.
  subscriptions.add(showStates(ui.chatState, chat.state$));
  subscriptions.add(showStates(ui.notificationState, notifications.state$));
  subscriptions.add(
    chat.state$.subscribe((state) => log(ui.stateLog, describeState(state), { 'data-testid': 'state-entry', 'data-status': state.status })),
  );
  subscriptions.add(client.errors$.subscribe((error) => logEvent(`error: ${messageOf(error)}`)));
  subscriptions.add(
    chat.rejoined$.subscribe((event) => logEvent(`re-joined ${event.conversationIds.size} conversation(s) after reconnecting`)),
  );
  subscriptions.add(
    client.connect().subscribe({
      next: () => logEvent('both hubs connected'),
      error: (error: unknown) => logEvent(`connect failed: ${messageOf(error)}`),
    }),
  );

  // Who is in each listed conversation (loaded once per conversation), for the presence dots.
  const participants$ = client.conversationList$.pipe(
    mergeMap((list) => from(list.map((conversation) => conversation.id))),
    distinct(),
    mergeMap(
      (id) =>
        client.conversations.getParticipants(id).pipe(
          map((members) => [id, members.filter((m) => m.isActive).map((m) => m.participantId)] as const),
          catchError((error: unknown) => {
            logEvent(`participants of ${id}: ${messageOf(error)}`);
            return EMPTY;
          }),
        ),
      4,
    ),
    scan((all, [id, ids]) => new Map(all).set(id, ids), new Map<string, readonly string[]>() as ReadonlyMap<string, readonly string[]>),
    startWith(new Map<string, readonly string[]>() as ReadonlyMap<string, readonly string[]>),
    shareReplay({ bufferSize: 1, refCount: true }),
  );

  // Subscribe to the presence of everyone we share a conversation with, each id once.
  subscriptions.add(
    participants$
      .pipe(
        map((all) => [...new Set([...all.values()].flat())].filter((id) => id !== me)),
        scan(
          (acc, ids) => {
            const fresh = ids.filter((id) => !acc.seen.has(id));
            return { seen: new Set([...acc.seen, ...fresh]), fresh };
          },
          { seen: new Set<string>(), fresh: [] as string[] },
        ),
        filter(({ fresh }) => fresh.length > 0),
        mergeMap(({ fresh }) =>
          notifications.subscribeToPresence(fresh).pipe(
            catchError((error: unknown) => {
              logEvent(`presence: ${messageOf(error)}`);
              return EMPTY;
            }),
          ),
        ),
      )
      .subscribe(),
  );

  // The conversation list.
  subscriptions.add(
    combineLatest([client.conversationList$, participants$, notifications.presence$, open$]).subscribe(
      ([list, participants, presence, openId]) => renderConversations(list, participants, presence, openId),
    ),
  );

  function renderConversations(
    list: readonly ConversationListItemDto[],
    participants: ReadonlyMap<string, readonly string[]>,
    presence: PresenceMap,
    openId: string | null,
  ): void {
    ui.conversations.replaceChildren(
      ...list.map((conversation) => {
        const others = (participants.get(conversation.id) ?? []).filter((id) => id !== me);
        const name = conversationName(conversation, others);
        names.set(conversation.id, name);
        if (conversation.id === openId) ui.title.textContent = name;
        const row = h(
          'li',
          {
            class: `conversation${conversation.id === openId ? ' active' : ''}`,
            'data-testid': 'conversation',
            'data-id': conversation.id,
            'data-unread': conversation.unreadCount,
            title: conversation.id,
          },
          h(
            'span',
            { class: 'dots' },
            ...others.map((id) => {
              const online = presence.get(id)?.isOnline ?? false;
              return h('span', {
                class: 'dot',
                'data-testid': 'presence',
                'data-participant': id,
                'data-online': String(online),
                title: `${id}: ${online ? 'online' : 'offline'}`,
              });
            }),
          ),
          h('span', { class: 'name' }, name),
          // The open conversation is being read (and is marked read, below): no badge on it, even
          // for the moment between a message arriving and the gateway counting it read.
          conversation.unreadCount > 0 && conversation.id !== openId
            ? h('span', { class: 'unread', 'data-testid': 'unread' }, String(conversation.unreadCount))
            : h('span'),
          h('span', { class: 'preview' }, preview(conversation)),
        );
        row.addEventListener('click', () => open$.next(conversation.id));
        return row;
      }),
    );
  }

  // The open conversation: its timeline, rendered on every change, and kept read while it is open.
  const unreadIn = (conversationId: string): Observable<number> =>
    client.conversationList$.pipe(
      map((list) => list.find((c) => c.id === conversationId)?.unreadCount ?? 0),
      distinctUntilChanged(),
    );
  /**
   * Marks the open conversation read up to its newest message the server knows (confirmed or
   * sent: a pending or streaming one has no server id yet) whenever the list counts something
   * unread there — on opening it, and whenever a message arrives in it, whoever sent it (a user, a
   * bot's reply stored when its stream ends, a system message). Driven by the gateway's count, so
   * nothing is sent while it is 0; a failed mark is logged and tried again on the next change of
   * the count or of the newest message.
   */
  const markRead = (timeline: Timeline): Observable<never> =>
    combineLatest([
      unreadIn(timeline.conversationId),
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
  subscriptions.add(
    open$
      .pipe(
        distinctUntilChanged(),
        map((id) => (id === null ? null : client.timeline(id))),
        tap((timeline) => {
          current = timeline;
          ui.composerInput.disabled = ui.composerSend.disabled = ui.uploadInput.disabled = timeline === null;
          ui.botStream.hidden = true;
          lastStream = null;
          if (timeline !== null) {
            ui.title.textContent = names.get(timeline.conversationId) ?? `Conversation ${timeline.conversationId.slice(-6)}`;
            ui.composerInput.focus();
          }
        }),
        switchMap((timeline) =>
          timeline === null
            ? of([] as readonly TimelineMessage[])
            : merge(timeline.messages$, markRead(timeline)).pipe(
                catchError((error: unknown) => {
                  logEvent(`timeline: ${messageOf(error)}`);
                  return EMPTY;
                }),
              ),
        ),
      )
      .subscribe((messages) => renderMessages(messages)),
  );

  function renderMessages(messages: readonly TimelineMessage[]): void {
    const list = ui.messages;
    const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 40;
    list.replaceChildren(...messages.map(renderMessage));
    if (atBottom) list.scrollTop = list.scrollHeight;
    // A stream whose end was missed (the connection dropped meanwhile) is finished once the
    // timeline holds its final message (gap recovery fetched it from history).
    const stream = lastStream;
    if (stream?.phase === 'streaming' && messages.some((m) => m.id === stream.messageId && m.status !== 'streaming')) {
      ui.botStream.dataset.phase = 'completed';
      ui.botStream.textContent = `${stream.senderName ?? stream.senderId ?? 'a bot'} finished (its end was missed while reconnecting; the timeline recovered it)`;
    }
  }

  function renderMessage(message: TimelineMessage): HTMLElement {
    const mine = message.senderId === me;
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
      ...message.blocks.filter(isFileBlock).map(renderFile),
    );
    if (message.status === 'failed' && message.clientMessageId !== null) {
      const clientMessageId = message.clientMessageId;
      item.addEventListener('click', () => {
        if (current !== null) subscriptions.add(current.retry(clientMessageId).subscribe());
      });
    }
    return item;
  }

  function renderFile(block: FileBlock): HTMLElement {
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

  // echo-bot's reply as it streams (accumulated by client.streams$), for the open conversation.
  subscriptions.add(
    client.streams$.pipe(filter((stream) => stream.conversationId === open$.value)).subscribe((stream) => renderStream(stream)),
  );

  function renderStream(stream: BotStream): void {
    lastStream = stream;
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

  // Sending: optimistic (pending → sent → confirmed in the timeline).
  ui.composer.onsubmit = (event) => {
    event.preventDefault();
    const text = ui.composerInput.value.trim();
    if (current === null || text === '') return;
    ui.composerInput.value = '';
    subscriptions.add(current.send(text).subscribe({ error: (error: unknown) => logEvent(`send: ${messageOf(error)}`) }));
  };

  ui.newBotChat.onclick = () => {
    subscriptions.add(
      client.groupConversation(['echo-bot'], { name: `${me} & echo-bot` }).subscribe({
        next: (conversation) => {
          logEvent(`created conversation ${conversation.id}`);
          open$.next(conversation.id);
        },
        error: (error: unknown) => logEvent(`new chat: ${messageOf(error)}`),
      }),
    );
  };

  // Upload with progress, then send a file block to the open conversation.
  ui.uploadInput.onchange = () => {
    const file = ui.uploadInput.files?.[0];
    const timeline = current;
    if (file === undefined || timeline === null) return;
    let progressEvents = 0;
    const status = (state: string, text: string): void => {
      ui.uploadStatus.dataset.state = state;
      ui.uploadStatus.textContent = text;
    };
    ui.uploadProgress.value = 0;
    ui.uploadStatus.dataset.progressEvents = '0';
    status('uploading', `uploading ${file.name}…`);
    subscriptions.add(
      defer(() => client.files.uploadFile(file))
        .pipe(
          tap((event) => {
            if (event.type !== 'progress') return;
            progressEvents += 1;
            const total = event.total ?? file.size;
            const fraction = total > 0 ? Math.min(1, event.loaded / total) : 0;
            ui.uploadProgress.value = fraction;
            ui.uploadStatus.dataset.progressEvents = String(progressEvents);
            status(
              'uploading',
              `${Math.round(fraction * 100)}% of ${formatBytes(total)} (${progressEvents} progress event${progressEvents === 1 ? '' : 's'})`,
            );
          }),
          filter(isUploadDone),
          switchMap((done) => timeline.send([fileBlockOf(done.response)]).pipe(map(() => done.response))),
        )
        .subscribe({
          next: (response) =>
            status(
              'done',
              `uploaded ${response.fileName} (${formatBytes(response.fileSize)}) after ${progressEvents} progress event${progressEvents === 1 ? '' : 's'}`,
            ),
          error: (error: unknown) => status('error', `upload failed: ${messageOf(error)}`),
          complete: () => {
            ui.uploadInput.value = '';
          },
        }),
    );
  };

  return { client, subscriptions };
}

// ---- the header buttons and the login form

ui.drop.onclick = () => {
  logEvent('asking the gateway to drop every hub connection');
  fromFetch(`${baseUrl}/_test/faults/drop`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ allowReconnect: true }),
  }).subscribe({
    next: (response) =>
      logEvent(
        response.ok
          ? 'the gateway dropped every hub connection'
          : response.status === 404
            ? 'the gateway has no test endpoints (start it with --test-endpoints)'
            : `drop answered ${response.status}`,
      ),
    error: (error: unknown) => logEvent(`drop failed: ${messageOf(error)}`),
  });
};

function endSession(): void {
  if (session === undefined) return;
  session.subscriptions.unsubscribe();
  session.client.disconnect();
  session = undefined;
  ui.chat.hidden = true;
  ui.login.hidden = false;
  ui.logout.hidden = true;
  ui.drop.disabled = true;
  ui.whoami.textContent = '';
  ui.messages.replaceChildren();
  ui.conversations.replaceChildren();
}

ui.logout.onclick = endSession;
window.addEventListener('pagehide', endSession);

function login(username: string, password: string): void {
  endSession();
  const client = createChatClient({ baseUrl });
  ui.loginError.textContent = '';
  ui.loginSubmit.disabled = true;
  client.auth.loginWithDev(username, password).subscribe({
    next: (auth) => {
      ui.loginSubmit.disabled = false;
      session = startSession(client, auth.user.id);
    },
    error: (error: unknown) => {
      ui.loginSubmit.disabled = false;
      ui.loginError.textContent = `login failed: ${messageOf(error)}`;
    },
  });
}

ui.loginForm.onsubmit = (event) => {
  event.preventDefault();
  const name = ui.loginName.value.trim();
  if (name !== '') login(name, ui.loginPassword.value);
};
for (const pick of document.querySelectorAll<HTMLButtonElement>('[data-user]')) {
  pick.onclick = () => {
    ui.loginName.value = pick.dataset.user ?? '';
    ui.loginForm.requestSubmit();
  };
}

/** For tinkering in the devtools console: `playground.client`. */
Object.assign(globalThis, {
  playground: {
    get client(): ChatClient | undefined {
      return session?.client;
    },
  },
});

const autoUser = params.get('user');
if (autoUser !== null && autoUser !== '') {
  ui.loginName.value = autoUser;
  login(autoUser, ui.loginPassword.value);
}
