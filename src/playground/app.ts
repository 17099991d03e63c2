/**
 * The playground: a small browser app built on the library's browser bundle, served by
 * `chat-rx gateway` at `/`. Log in as a dev user, see the conversation list (unread counts,
 * presence dots), open a timeline, send optimistically, start a chat with `echo-bot` and watch
 * its reply stream in, drop the hub connections and watch them recover (the badge counts down to
 * each retry), upload a file. The open conversation is kept read. The layout fits a phone.
 *
 * Plain DOM, no framework: the page's skeleton is `index.html`; this file logs in and out and
 * wires each session to the modules beside it, which subscribe to the client's streams and render
 * them: `connection.ts` (the hub badges and logs), `conversation-list.ts`, `timeline.ts` (the open
 * conversation, a bot's reply streaming in) and `composer.ts` (sending, uploading), on the DOM
 * helpers of `dom.ts`. Every subscription belongs to the logged-in session and ends with it (log
 * out, or leaving the page). Elements carry `data-testid` for the browser test.
 *
 * Query parameters: `?gateway=URL` talks to another gateway (default: the page's origin),
 * `?user=NAME` logs in at once.
 */
import { BehaviorSubject, Subscription } from 'rxjs';
import { fromFetch } from 'rxjs/fetch';
import { createChatClient, type ChatClient } from '../index.js';
import { messageOf } from '../core/errors.js';
import { wireComposer, wireUpload } from './composer.js';
import { showConnection } from './connection.js';
import { participantsOf, showConversations, watchPresence, wireNewBotChat } from './conversation-list.js';
import { logEvent, ui } from './dom.js';
import type { SessionContext } from './session-context.js';
import { showBotStreams, showTimeline } from './timeline.js';

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
  const context: SessionContext = {
    client,
    me,
    subscriptions: new Subscription(),
    open$: new BehaviorSubject<string | null>(null),
    names: new Map<string, string>(),
    current: null,
    lastStream: null,
  };
  showSignedIn(me);
  showConnection(context);
  const participants$ = participantsOf(client);
  watchPresence(context, participants$);
  showConversations(context, participants$);
  showTimeline(context);
  showBotStreams(context);
  wireComposer(context);
  wireNewBotChat(context);
  wireUpload(context);
  return { client, subscriptions: context.subscriptions };
}

/** Swaps the login form for the chat, signed in as `me`, with empty logs. */
function showSignedIn(me: string): void {
  ui.login.hidden = true;
  ui.chat.hidden = false;
  ui.logout.hidden = false;
  ui.drop.disabled = false;
  ui.whoami.textContent = `signed in as ${me}`;
  ui.stateLog.replaceChildren();
  ui.eventLog.replaceChildren();
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

/** Ends the session, if any: its subscriptions, its client's connections; back to the login form. */
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

/** Ends any session and logs `username` in with a fresh client, starting a session (or showing why not). */
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
