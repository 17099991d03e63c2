/**
 * What both compat hub clients share: `state` as SignalR's `HubConnectionState`, `connect()` /
 * `disconnect()` as Promises, and `on(event, handler)` / `off(event, handler)` over the reactive
 * hub's hot events, with the seed SDK's connection lifecycle events.
 */
import { HubConnectionState } from '@microsoft/signalr';
import { lastValueFrom, type Subscription } from 'rxjs';
import { InvalidArgumentError, type Logger } from '../core/index.js';
import type { HubConnectionStatus, HubPort } from '../hubs/index.js';
import { SeedView } from './seed-view.js';
import type { Shape } from './to-seed.js';
import { consoleLogger, type EventHandler, logHandlerError, TypedEventEmitter, type Unsubscribe } from './typed-event-emitter.js';

/**
 * The seed SDK's connection lifecycle events, on both hubs.
 *
 * - `reconnecting` (the error that cut the connection, if any): an established connection was
 *   lost and is being re-established; once per outage, not per attempt.
 * - `reconnected` (the new connection id): it is back.
 * - `disconnected` (the error, or `undefined` after `disconnect()`): an established connection
 *   ended for good — closed on request, or reconnecting gave up (then a `HubError`: kind `auth`
 *   when the token was refused, `connection` when every attempt failed). What a
 *   `ReconnectionManager` takes over from.
 *
 * @example
 * ```ts
 * client.realtime.chat.on('reconnecting', () => showBanner());
 * client.realtime.chat.on('reconnected', () => hideBanner());
 * ```
 */
export interface ConnectionLifecycleEventMap {
  reconnecting: Error | undefined;
  reconnected: string | undefined;
  disconnected: Error | undefined;
}

const LIFECYCLE_EVENTS: ReadonlySet<string> = new Set(['reconnecting', 'reconnected', 'disconnected']);

/**
 * Options of a hub client that wraps a reactive hub.
 *
 * @example
 * ```ts
 * const chat = new ChatHubClient(reactiveClient.realtime.chat, { logger: myLogger });
 * ```
 */
export interface WrapHubOptions {
  /**
   * Receives what a handler threw (level `error`) and what the hub could not deliver — a payload
   * that did not match its DTO, a failed re-join, a block of an unknown `$type` dropped (level `warn`).
   * @default the console
   */
  readonly logger?: Logger;
}

/**
 * Where a throwing handler is reported: `logger` (level `error`), else `console.error`.
 *
 * @example
 * ```ts
 * const onError = handlerErrorReporter(logger);
 * onError(new Error('boom'), 'messageReceived');
 * ```
 */
export function handlerErrorReporter(logger: Logger | undefined): (error: unknown, event: string) => void {
  if (logger === undefined) return logHandlerError;
  return (error, event) => logger('error', `chat-client-rx/compat: a handler of '${event}' threw`, { event, error });
}

/** The payload shape of each server event of a hub: how `toSeed` brings it to the seed's type. */
export type EventShapes<Events> = { readonly [K in keyof Events]: Shape<Events[K]> };

/**
 * The base of the compat `ChatHubClient` and `NotificationHubClient`: a reactive hub seen
 * through the seed SDK's API. `SeedEvents` are the payloads as the seed types them, `RxEvents`
 * as the reactive hub decodes them; every payload goes through `toSeed` (one normalisation per
 * event, shared by the event's handlers) before any handler sees it.
 *
 * Handlers live in a {@link TypedEventEmitter}; each event with handlers has one subscription to
 * the reactive hub's hot event, kept in a registry while this client is connected (from
 * `connect()` to the end of `disconnect()`). `off`, an `Unsubscribe` or `disconnect()` tear the
 * subscriptions down; handlers themselves survive `disconnect()` (as in the seed SDK, whose
 * token recipe is disconnect → setToken → connect) and are subscribed again by the next
 * `connect()`.
 *
 * @example
 * ```ts
 * const unsubscribe = hub.on('error', (err) => console.error(err.code, err.message));
 * await hub.connect();
 * unsubscribe();
 * ```
 */
export abstract class CompatHubBase<SeedEvents extends object, RxEvents extends object, Port extends HubPort<RxEvents>> {
  /** The reactive hub underneath: hot Observables (`on(event)`, `state$`, `errors$`), cold invocations. */
  readonly rx: Port;
  private readonly emitter: TypedEventEmitter<SeedEvents & ConnectionLifecycleEventMap>;
  private readonly logger: Logger;
  /** Brings payloads and acks to the seed's types, reporting dropped blocks to the logger. */
  protected readonly view: SeedView;
  /** Event name → the subscription that forwards the reactive hub's event to the handlers. */
  private readonly bridges = new Map<string, Subscription>();
  private tracker: Subscription | undefined;
  private attached = false;
  private wanted: 'connected' | 'disconnected' = 'disconnected';
  /** True once the connection of the current `connect()` was established (lifecycle events are about it). */
  private established = false;
  private last: HubConnectionStatus | undefined;

  protected constructor(
    rx: Port,
    options: WrapHubOptions,
    private readonly shapes: EventShapes<SeedEvents>,
  ) {
    const port = rx as Partial<HubPort<RxEvents>> | null | undefined;
    if (typeof port?.on !== 'function' || typeof port.connect !== 'function' || port.state$ === undefined)
      throw new InvalidArgumentError(
        'options.hubUrl',
        'expected the options of a hub ({ hubUrl, tokenProvider }) or a reactive hub to wrap',
      );
    this.rx = rx;
    this.logger = options.logger ?? consoleLogger;
    this.view = new SeedView(this.logger);
    this.emitter = new TypedEventEmitter({ onError: handlerErrorReporter(this.logger) });
  }

  /**
   * The connection's state as SignalR names it. A first connection still being attempted is
   * `Connecting` (the reactive client retries it); a lost one being re-established `Reconnecting`;
   * one that gave up `Disconnected`.
   */
  get state(): HubConnectionState {
    const status = this.rx.status;
    switch (status.status) {
      case 'connected':
        return HubConnectionState.Connected;
      case 'connecting':
        return HubConnectionState.Connecting;
      case 'reconnecting':
        return this.established ? HubConnectionState.Reconnecting : HubConnectionState.Connecting;
      default:
        return HubConnectionState.Disconnected;
    }
  }

  /**
   * Connects; resolves once connected (at once when already connected). Rejects with a
   * `HubError` when the reactive hub gives up (every attempt failed, or the token was refused)
   * or `disconnect()` is called first.
   */
  async connect(): Promise<void> {
    this.wanted = 'connected';
    this.attach();
    await lastValueFrom(this.rx.connect(), { defaultValue: undefined });
  }

  /** Disconnects; resolves once closed. Handlers stay registered for the next `connect()`. */
  async disconnect(): Promise<void> {
    this.wanted = 'disconnected';
    try {
      await lastValueFrom(this.rx.disconnect(), { defaultValue: undefined });
    } finally {
      // A connect() called meanwhile owns the subscriptions now.
      if (this.wanted === 'disconnected') this.detach();
    }
  }

  /**
   * Adds a handler; returns the function that removes it.
   *
   * @throws InvalidArgumentError for a name that is not one of the hub's events (the message
   * lists them) or a handler that is not a function.
   */
  on<K extends keyof (SeedEvents & ConnectionLifecycleEventMap) & string>(
    event: K,
    handler: EventHandler<(SeedEvents & ConnectionLifecycleEventMap)[K]>,
  ): Unsubscribe {
    // The reactive hub refuses a name it does not know: a typo fails here, not silently.
    if (!LIFECYCLE_EVENTS.has(event)) this.rx.on(event as unknown as keyof RxEvents & string);
    const remove = this.emitter.on(event, handler);
    this.bridge(event);
    return () => {
      remove();
      this.unbridgeIfUnused(event);
    };
  }

  /** Removes a handler (the very function passed to `on`). */
  off<K extends keyof (SeedEvents & ConnectionLifecycleEventMap) & string>(
    event: K,
    handler: EventHandler<(SeedEvents & ConnectionLifecycleEventMap)[K]>,
  ): void {
    this.emitter.off(event, handler);
    this.unbridgeIfUnused(event);
  }

  private bridge(event: string): void {
    if (!this.attached || LIFECYCLE_EVENTS.has(event) || this.bridges.has(event)) return;
    const name = event as keyof SeedEvents & string;
    const shape = this.shapes[name] as Shape<unknown>;
    const subscription = this.rx
      .on(event as unknown as keyof RxEvents & string)
      .subscribe((payload) => this.emitter.emit(name, this.view.toSeed(shape, payload) as never));
    this.bridges.set(event, subscription);
  }

  private unbridgeIfUnused(event: string): void {
    if (this.emitter.listenerCount(event as keyof (SeedEvents & ConnectionLifecycleEventMap)) > 0) return;
    this.bridges.get(event)?.unsubscribe();
    this.bridges.delete(event);
  }

  private attach(): void {
    if (this.attached) return;
    this.attached = true;
    this.last = undefined;
    this.tracker = this.rx.state$.subscribe((status) => this.track(status));
    // What the hub could not deliver (a payload that failed decoding, a failed re-join) is logged, not lost silently.
    this.tracker.add(this.rx.errors$.subscribe((error) => this.logger('warn', error.message, { kind: error.kind, hub: error.hub })));
    for (const event of this.emitter.eventNames()) this.bridge(String(event));
  }

  private detach(): void {
    if (!this.attached) return;
    this.attached = false;
    this.tracker?.unsubscribe();
    this.tracker = undefined;
    for (const subscription of this.bridges.values()) subscription.unsubscribe();
    this.bridges.clear();
    this.established = false;
  }

  /** Turns the reactive status into the seed's lifecycle events (about an established connection only). */
  private track(status: HubConnectionStatus): void {
    const previous = this.last;
    this.last = status;
    if (previous === undefined) {
      this.established = status.status === 'connected';
      return;
    }
    const emit = <K extends keyof ConnectionLifecycleEventMap>(event: K, payload: ConnectionLifecycleEventMap[K]): void =>
      this.emitter.emit(event, payload as (SeedEvents & ConnectionLifecycleEventMap)[K]);
    switch (status.status) {
      case 'connected':
        if (this.established && previous.status === 'reconnecting') emit('reconnected', status.connectionId ?? undefined);
        this.established = true;
        return;
      case 'reconnecting':
        if (this.established && previous.status !== 'reconnecting') emit('reconnecting', status.reason);
        return;
      case 'connecting':
        this.established = false;
        return;
      default:
        if (this.established) emit('disconnected', status.status === 'failed' ? status.error : undefined);
        this.established = false;
    }
  }
}
