/**
 * chat-client-rx for Angular (`chat-client-rx/angular`): one {@link ChatClient} per environment
 * injector (your application), created on first use and disconnected when that injector is
 * destroyed. The only module of the package that imports `@angular/core` (a peer you already
 * have in an Angular app); everything else works without Angular.
 *
 * The client's streams are plain RxJS Observables, so they work with zone.js (the `async` pipe,
 * or `subscribe` in a component: hub events arrive through patched WebSocket callbacks, so
 * change detection runs by itself) and zoneless (`toSignal` from `@angular/core/rxjs-interop`,
 * which needs no zone at all). See `docs/angular.md`.
 *
 * @example
 * ```ts
 * // app.config.ts
 * export const appConfig: ApplicationConfig = {
 *   providers: [provideZonelessChangeDetection(), provideChatClient({ baseUrl: 'https://chat.example.com' })],
 * };
 *
 * // a component (zoneless): messages as a signal
 * readonly messages = toSignal(injectChatClient().timeline(this.conversationId).messages$, { initialValue: [] });
 * ```
 *
 * @packageDocumentation
 */
import { DestroyRef, type EnvironmentProviders, inject, InjectionToken, makeEnvironmentProviders } from '@angular/core';
import { createChatClient, type ChatClient, type ChatClientOptions } from '../client.js';

/**
 * The application's `ChatClient`. Provided by {@link provideChatClient}; inject it with
 * `inject(CHAT_CLIENT)` or {@link injectChatClient}.
 *
 * @example
 * ```ts
 * @Injectable({ providedIn: 'root' })
 * export class ChatService {
 *   private readonly client = inject(CHAT_CLIENT);
 *   readonly conversations$ = this.client.conversationList$;
 * }
 * ```
 */
export const CHAT_CLIENT = new InjectionToken<ChatClient>('chat-client-rx: ChatClient');

/**
 * The options the client of {@link CHAT_CLIENT} is created with (what was given to
 * {@link provideChatClient}, resolved). Override it in a child injector to point a feature at
 * another gateway together with a new `provideChatClient`.
 */
export const CHAT_CLIENT_OPTIONS = new InjectionToken<ChatClientOptions>('chat-client-rx: ChatClientOptions');

/**
 * Provides {@link CHAT_CLIENT} for an environment injector (`bootstrapApplication`'s providers,
 * a route's `providers`, an `NgModule`, or `createEnvironmentInjector`).
 *
 * - `options`: the options of `createChatClient`, or a function returning them. The function
 *   runs in an injection context the first time the client is injected, so it may `inject()`
 *   configuration (e.g. `() => ({ baseUrl: inject(API_URL), tokenProvider: () => inject(AuthStore).token() })`
 *   — keep `inject` calls outside the callbacks, see the docs).
 * - The client is created lazily (the first `inject(CHAT_CLIENT)`), starts no work by itself
 *   (nothing is sent until something is subscribed), and is disconnected
 *   (`client.disconnect()`: both hubs closed, every retry and timer cancelled) when the injector
 *   is destroyed (`appRef.destroy()`, `injector.destroy()`, leaving a lazy route's injector).
 *
 * @returns `EnvironmentProviders`: not usable in a component's `providers` (one client per
 * application or feature, not per component).
 * @example
 * ```ts
 * bootstrapApplication(AppComponent, {
 *   providers: [provideChatClient(() => ({ baseUrl: inject(ENVIRONMENT).chatUrl }))],
 * });
 * ```
 */
export function provideChatClient(options: ChatClientOptions | (() => ChatClientOptions)): EnvironmentProviders {
  return makeEnvironmentProviders([
    { provide: CHAT_CLIENT_OPTIONS, useFactory: typeof options === 'function' ? options : () => options },
    {
      provide: CHAT_CLIENT,
      useFactory: (): ChatClient => {
        const client = createChatClient(inject(CHAT_CLIENT_OPTIONS));
        // The injector owns the client: its end is the client's end.
        inject(DestroyRef).onDestroy(() => {
          client.disconnect();
        });
        return client;
      },
    },
  ]);
}

/**
 * `inject(CHAT_CLIENT)`: the application's client. Call it in an injection context (a field
 * initializer, a constructor, a provider factory, `runInInjectionContext`).
 *
 * @throws Angular's `NG0203` outside an injection context, `NG0201` (no provider) without
 * {@link provideChatClient}.
 * @example
 * ```ts
 * export class InboxComponent {
 *   private readonly client = injectChatClient();
 *   readonly conversations = toSignal(this.client.conversationList$, { initialValue: [] });
 * }
 * ```
 */
export function injectChatClient(): ChatClient {
  return inject(CHAT_CLIENT);
}
