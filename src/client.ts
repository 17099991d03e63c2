/**
 * The client facade: `createChatClient` checks its options, builds the parts over HTTP and
 * SignalR (`src/client/client-options.ts`) and composes them (`src/client/compose.ts`).
 */
import type { ChatClient, ChatClientOptions } from './client/chat-client.js';
import { partsFromOptions, validateOptions } from './client/client-options.js';
import { composeChatClient } from './client/compose.js';

export { Completion } from './client/chat-client.js';
export type { ChatClient, ChatClientHubOptions, ChatClientOptions, ChatClientRealtime, ChatLogger } from './client/chat-client.js';
export type { ChatClientParts } from './client/client-parts.js';

/**
 * Creates the client: REST groups (cold Observables), both SignalR hubs (hot events, cold
 * invocations, reconnect with 2 s / 5 s / 10 s backoff and a shared token refresh), and scanned
 * state (`timeline()`, `messages$`, `conversationList$`). Starts no work: nothing is sent until
 * something is subscribed.
 *
 * @throws InvalidArgumentError at once for a missing or malformed `baseUrl`, both `token` and
 * `session`, or an option of the wrong type.
 * @example
 * ```ts
 * const client = createChatClient({ baseUrl: 'https://chat.example.com' });
 * client.auth.loginWithDev('alice', 'pw').pipe(switchMap(() => client.connect())).subscribe();
 * client.timeline(conversationId).messages$.subscribe((messages) => render(messages));
 * ```
 */
export function createChatClient(options: ChatClientOptions): ChatClient {
  validateOptions(options);
  return composeChatClient(partsFromOptions(options));
}
