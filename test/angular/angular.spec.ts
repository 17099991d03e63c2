/**
 * `chat-client-rx/angular` with the real `@angular/core` (JIT, no DOM, no zone.js): an
 * environment injector provides the client, an `@Injectable` service injects it and exposes a
 * timeline, and destroying the injector disconnects the client.
 */
import '@angular/compiler'; // JIT: compiles the @Injectable below at run time
import {
  createEnvironmentInjector,
  type EnvironmentInjector,
  inject,
  Injectable,
  InjectionToken,
  Injector,
  runInInjectionContext,
  type Signal,
} from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { expect } from 'chai';
import { firstValueFrom, type Observable, filter, switchMap } from 'rxjs';
import { CHAT_CLIENT, CHAT_CLIENT_OPTIONS, injectChatClient, provideChatClient } from '../../src/angular/index.js';
import { createChatClient, type ChatClient, type HubConnectionStatus, type TimelineMessage } from '../../src/index.js';
import { startTestGateway, uniqueName, type TestGateway } from '../support/test-gateway.js';
import { waitFor } from '../support/wait.js';

/** Where the app's configuration would come from. */
const CHAT_URL = new InjectionToken<string>('CHAT_URL');

/** An app service as users write it: injects the client, exposes streams. */
@Injectable()
class ConversationService {
  private readonly client = inject(CHAT_CLIENT);

  login(username: string): Observable<void> {
    return this.client.auth.loginWithDev(username, 'dev').pipe(switchMap(() => this.client.connect()));
  }

  startChatWith(participantId: string): Observable<string> {
    return this.client.groupConversation([participantId]).pipe(switchMap((conversation) => [conversation.id]));
  }

  messages$(conversationId: string): Observable<readonly TimelineMessage[]> {
    return this.client.timeline(conversationId).messages$;
  }
}

/** The root of an application's injector tree, as `bootstrapApplication` would make it (minus the platform). */
function rootInjector(): EnvironmentInjector {
  return Injector.create({ providers: [] }) as EnvironmentInjector;
}

function stateOf(client: ChatClient): Promise<HubConnectionStatus> {
  return firstValueFrom(client.realtime.chat.state$);
}

describe('chat-client-rx/angular', function () {
  this.timeout(20_000);
  let gateway: TestGateway;

  before(async () => {
    gateway = await startTestGateway();
  });
  after(async () => {
    await gateway.close();
  });

  it('an @Injectable service sees a message sent by another client; destroying the injector disconnects', async () => {
    const alice = uniqueName('alice');
    const bob = uniqueName('bob');
    await gateway.login(bob);
    const injector = createEnvironmentInjector(
      [{ provide: CHAT_URL, useValue: gateway.url }, provideChatClient(() => ({ baseUrl: inject(CHAT_URL) })), ConversationService],
      rootInjector(),
      'app',
    );
    let destroyed = false;
    try {
      const service = injector.get(ConversationService);
      const client = injector.get(CHAT_CLIENT);
      expect(injector.get(CHAT_CLIENT_OPTIONS)).to.deep.equal({ baseUrl: gateway.url });
      expect(runInInjectionContext(injector, injectChatClient)).to.equal(client);

      await firstValueFrom(service.login(alice));
      expect((await stateOf(client)).status).to.equal('connected');
      const conversationId = await firstValueFrom(service.startChatWith(bob));

      // zone-less use: the service's stream as a signal, owned by the injector
      const messages: Signal<readonly TimelineMessage[]> = runInInjectionContext(injector, () =>
        toSignal(service.messages$(conversationId), { initialValue: [] }),
      );
      // the signal's subscription holds the timeline, which joins the conversation on the hub:
      // from then on bob's message arrives live
      await firstValueFrom(client.realtime.chat.joinedConversations$.pipe(filter((ids) => ids.has(conversationId))));

      const other = createChatClient({ baseUrl: gateway.url });
      await firstValueFrom(other.auth.loginWithDev(bob, 'dev'));
      await firstValueFrom(
        other.messages.send(conversationId, {
          blocks: [{ $type: 'text', format: 'Plain', content: 'hi from bob', plainText: 'hi from bob' }],
        }),
      );

      const seen = await firstValueFrom(
        service.messages$(conversationId).pipe(filter((list) => list.some((m) => m.plainText === 'hi from bob' && m.senderId === bob))),
      );
      expect(seen.map((m) => m.plainText)).to.deep.equal(['hi from bob']);
      await waitFor(() => messages().some((m) => m.plainText === 'hi from bob'), 5000, 'the signal to hold the message');

      injector.destroy();
      destroyed = true;
      await waitFor(async () => (await stateOf(client)).status === 'disconnected', 5000, 'the client to disconnect');
      expect((await firstValueFrom(client.realtime.notifications.state$)).status).to.equal('disconnected');
      if (gateway.embedded) await waitFor(() => gateway.embedded?.connectionCount === 0, 5000, 'the gateway to see no hub connection');
    } finally {
      if (!destroyed) injector.destroy();
    }
  });

  it('creates the client lazily, once per injector, each with its own lifetime', async () => {
    const root = rootInjector();
    let created = 0;
    const options = (): { baseUrl: string } => {
      created += 1;
      return { baseUrl: gateway.url };
    };
    const first = createEnvironmentInjector([provideChatClient(options)], root);
    const second = createEnvironmentInjector([provideChatClient({ baseUrl: gateway.url })], root);
    expect(created, 'before the first inject').to.equal(0);
    const a = first.get(CHAT_CLIENT);
    expect(first.get(CHAT_CLIENT)).to.equal(a);
    expect(created).to.equal(1);
    const b = second.get(CHAT_CLIENT);
    expect(b).to.not.equal(a);

    const user = uniqueName('carol');
    await firstValueFrom(a.auth.loginWithDev(user, 'dev'));
    await firstValueFrom(b.auth.loginWithDev(user, 'dev'));
    await firstValueFrom(a.connect());
    await firstValueFrom(b.connect());
    first.destroy();
    await waitFor(async () => (await stateOf(a)).status === 'disconnected', 5000, 'the first client to disconnect');
    expect((await stateOf(b)).status, 'the other injector’s client').to.equal('connected');
    second.destroy();
    await waitFor(async () => (await stateOf(b)).status === 'disconnected', 5000, 'the second client to disconnect');
  });

  it('fails like Angular does without provideChatClient', () => {
    const injector = createEnvironmentInjector([], rootInjector());
    try {
      expect(() => injector.get(CHAT_CLIENT)).to.throw(/NG0201|No provider/);
    } finally {
      injector.destroy();
    }
  });
});
