/**
 * Shared setup of the facade's integration suites: clients on the test gateway with short
 * reconnect delays, logged in with the dev provider, all disconnected in one `closeAll()`.
 */
import { firstValueFrom, type Observable, type Subscription } from 'rxjs';
import { type ChatClient, type ChatClientOptions, createChatClient } from '../../src/client.js';
import type { ConversationDto } from '../../src/codecs/index.js';
import type { TimelineMessage } from '../../src/streams/timeline-message.js';
import { hubProfileOptions } from '../support/hub-profile.js';
import { type TestGateway, uniqueName } from '../support/test-gateway.js';
import { waitFor } from '../support/wait.js';

export { uniqueName, waitFor };

/** Clients and subscriptions a suite made, torn down together. */
export class ClientKit {
  private readonly clients: ChatClient[] = [];
  private readonly subscriptions: Subscription[] = [];

  constructor(private readonly gateway: () => TestGateway) {}

  /** A client on the gateway (short reconnect delays), not logged in. */
  create(options: Partial<ChatClientOptions> = {}): ChatClient {
    const client = createChatClient({
      baseUrl: this.gateway().url,
      ...options,
      // CHAT_TEST_TRANSPORT / CHAT_TEST_PROTOCOL (npm run test:transports); a test's own choice wins.
      hubs: { ...hubProfileOptions(), ...(options.hubs ?? { reconnectDelays: [50, 100, 200], maxReconnectAttempts: 100 }) },
    });
    this.clients.push(client);
    return client;
  }

  /** A client logged in as a new dev user named after `prefix`; connected unless `connect: false`. */
  async user(
    prefix: string,
    options: Partial<ChatClientOptions> & { connect?: boolean } = {},
  ): Promise<{ client: ChatClient; id: string }> {
    const { connect = true, ...rest } = options;
    const client = this.create(rest);
    const { user } = await firstValueFrom(client.auth.loginWithDev(uniqueName(prefix), 'pw'));
    if (connect) await firstValueFrom(client.connect(), { defaultValue: undefined });
    return { client, id: user.id };
  }

  /** Subscribes for the rest of the suite (torn down by `closeAll`), recording every value. */
  record<T>(source$: Observable<T>): { readonly values: T[]; readonly subscription: Subscription; errors: unknown[] } {
    const values: T[] = [];
    const errors: unknown[] = [];
    const subscription = source$.subscribe({ next: (value) => values.push(value), error: (error: unknown) => errors.push(error) });
    this.subscriptions.push(subscription);
    return { values, subscription, errors };
  }

  /** Unsubscribes everything and disconnects every client. */
  async closeAll(): Promise<void> {
    for (const subscription of this.subscriptions.splice(0)) subscription.unsubscribe();
    await Promise.all(this.clients.splice(0).map((client) => client.disconnect()));
  }
}

/** A group conversation of `owner` with `others`. */
export async function group(owner: ChatClient, others: readonly string[], name = uniqueName('group')): Promise<ConversationDto> {
  return firstValueFrom(owner.groupConversation(others, { name }));
}

/**
 * Sends a text over REST. With `retries`, a request that failed without an HTTP answer (a pooled
 * socket the gateway's restart closed: "socket hang up") is sent again with the same
 * `clientMessageId`, which the server de-duplicates.
 */
export async function sendRest(client: ChatClient, conversationId: string, text: string, retries = 0): Promise<string> {
  const request = {
    blocks: [{ $type: 'text' as const, format: 'Plain' as const, content: text, plainText: text }],
    clientMessageId: uniqueName('rest'),
  };
  for (let attempt = 0; ; attempt++) {
    try {
      const message = await firstValueFrom(client.messages.send(conversationId, request));
      return message.id;
    } catch (error) {
      const status = (error as { status?: unknown }).status;
      if (attempt >= retries || (typeof status === 'number' && status > 0)) throw error;
    }
  }
}

/** Waits until the chat hub of `client` has joined `conversationId`. */
export async function joined(client: ChatClient, conversationId: string, timeoutMs = 5000): Promise<void> {
  await waitFor(
    () => client.realtime.chat.joinedConversations.has(conversationId),
    timeoutMs,
    `conversation ${conversationId} to be joined`,
  );
}

/** The plain texts of `messages`. */
export const textsOf = (messages: readonly TimelineMessage[]): Array<string | null> => messages.map((m) => m.plainText);
