/**
 * The playground's DOM helpers: `ui`, the elements of the page's skeleton (`index.html`) found by
 * their `data-testid`; `h`, which builds an element; and the two logs at the foot of the page.
 */

/** The element with `data-testid="id"` (the skeleton in index.html has them all). */
function byTestId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.querySelector<T>(`[data-testid="${id}"]`);
  if (element === null) throw new Error(`index.html has no [data-testid="${id}"]`);
  return element;
}

/** What {@link h} accepts as a child: nodes and text; null, undefined and false are left out. */
export type Child = Node | string | null | undefined | false;
/** What {@link h} sets as attributes: true sets an empty one; null, undefined and false none. */
export type Attributes = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** `h('li', { class: 'x' }, 'text', child)`: an element with attributes and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) element.append(child);
  return element;
}

/** The page's elements the app reads and writes (looked up once, when the bundle loads). */
export const ui = {
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
export function log(list: HTMLElement, text: string, attributes: Attributes = {}, max = 40): void {
  list.prepend(h('li', attributes, h('time', {}, new Date().toLocaleTimeString()), text));
  while (list.children.length > max) list.lastElementChild?.remove();
}

/** Adds a line at the top of the event log. */
export const logEvent = (text: string): void => log(ui.eventLog, text, { 'data-testid': 'event' });

/** A size for people: `512 B`, `1.5 KB`, `2.0 MB`; `? B` when unknown (null). */
export function formatBytes(bytes: number | null): string {
  if (bytes === null) return '? B';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
