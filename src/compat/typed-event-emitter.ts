/**
 * The seed SDK's `TypedEventEmitter`: named events, each with its payload type, handlers added
 * with `on` (which returns an {@link Unsubscribe}) and removed with `off` or that function.
 */
import { InvalidArgumentError } from '../core/invalid-argument-error.js';
import type { Logger } from '../core/logger.js';

/**
 * Removes the handler `on()` added. Calling it again does nothing.
 *
 * @example
 * ```ts
 * const unsubscribe: Unsubscribe = hub.on('messageReceived', render);
 * unsubscribe();
 * ```
 */
export type Unsubscribe = () => void;

/**
 * A handler of one event: receives its payload.
 *
 * @example
 * ```ts
 * const handler: EventHandler<ChatMessageDto> = (message) => render(message);
 * ```
 */
export type EventHandler<T> = (payload: T) => void;

/**
 * Options of a {@link TypedEventEmitter}.
 *
 * @example
 * ```ts
 * const emitter = new TypedEventEmitter<Events>({ onError: (error, event) => log(event, error) });
 * ```
 */
export interface TypedEventEmitterOptions {
  /**
   * Receives what a handler threw; the other handlers of the event still run. @default
   * `console.error` (as SignalR logs a throwing handler)
   */
  readonly onError?: (error: unknown, event: string) => void;
}

const CONSOLE_LEVELS = {
  debug: ['Debug', 'log'],
  info: ['Information', 'info'],
  warn: ['Warning', 'warn'],
  error: ['Error', 'error'],
} as const;

/**
 * The default logger of `chat-client-rx/compat`: the console, in the format of SignalR's own
 * console logger (`[ISO time] Warning: message`), as the seed SDK logged (SignalR at `Warning` and
 * above unless `signalrOptions.logLevel` says otherwise).
 *
 * @example
 * ```ts
 * consoleLogger('warn', 'signalr: connection lost'); // console.warn('[2025-01-01T00:00:00.000Z] Warning: signalr: connection lost')
 * ```
 */
export const consoleLogger: Logger = (level, message, data) => {
  const console = globalThis.console;
  if (console === undefined) return;
  const [name, method] = CONSOLE_LEVELS[level];
  const line = `[${new Date().toISOString()}] ${name}: ${message}`;
  if (data === undefined) console[method](line);
  else console[method](line, data);
};

/**
 * The default `onError`: `console.error`, where there is a console.
 *
 * @example
 * ```ts
 * logHandlerError(new Error('boom'), 'messageReceived');
 * ```
 */
export function logHandlerError(error: unknown, event: string): void {
  globalThis.console?.error(`chat-client-rx/compat: a handler of '${event}' threw`, error);
}

/**
 * Named events with typed payloads: the seed SDK's `TypedEventEmitter<TEventMap>`, usable on its
 * own or extended. Both hub clients of `chat-client-rx/compat` expose its `on` and `off`.
 *
 * - `on(event, handler)` adds a handler and returns an {@link Unsubscribe}; adding the same
 *   function twice for one event keeps it once (the first unsubscribe removes it).
 * - `off(event, handler)` removes it (pass the very function that was added).
 * - `emit(event, payload)` calls the event's handlers in the order they were added, on a copy
 *   of the list: a handler that adds or removes handlers changes the next emit, not this one. A
 *   handler that throws does not stop the others; what it threw goes to `onError`.
 *
 * @example
 * ```ts
 * interface Events { ready: void; message: string }
 * const emitter = new TypedEventEmitter<Events>();
 * const unsubscribe = emitter.on('message', (text) => console.log(text));
 * emitter.emit('message', 'hello');
 * unsubscribe();
 * ```
 */
export class TypedEventEmitter<TEventMap extends object> {
  private readonly handlers = new Map<keyof TEventMap, Set<EventHandler<never>>>();
  private readonly onError: (error: unknown, event: string) => void;

  constructor(options: TypedEventEmitterOptions = {}) {
    this.onError = options.onError ?? logHandlerError;
  }

  /**
   * Adds `handler` for `event`.
   *
   * @throws InvalidArgumentError when `handler` is not a function.
   * @example
   * ```ts
   * const unsubscribe = emitter.on('message', (text) => console.log(text));
   * ```
   */
  on<K extends keyof TEventMap>(event: K, handler: EventHandler<TEventMap[K]>): Unsubscribe {
    if (typeof handler !== 'function') throw new InvalidArgumentError('handler', `expected a function, got ${typeof handler}`);
    let set = this.handlers.get(event);
    if (set === undefined) {
      set = new Set();
      this.handlers.set(event, set);
    }
    set.add(handler as EventHandler<never>);
    return () => this.off(event, handler);
  }

  /**
   * Removes `handler` from `event` (the same function that was added); anything else does nothing.
   *
   * @example
   * ```ts
   * emitter.off('message', handler);
   * ```
   */
  off<K extends keyof TEventMap>(event: K, handler: EventHandler<TEventMap[K]>): void {
    const set = this.handlers.get(event);
    if (set === undefined) return;
    set.delete(handler as EventHandler<never>);
    if (set.size === 0) this.handlers.delete(event);
  }

  /**
   * Calls every handler of `event` with `payload`.
   *
   * @example
   * ```ts
   * emitter.emit('message', 'hello');
   * ```
   */
  emit<K extends keyof TEventMap>(event: K, payload: TEventMap[K]): void {
    const set = this.handlers.get(event);
    if (set === undefined) return;
    for (const handler of [...set] as EventHandler<TEventMap[K]>[]) {
      try {
        handler(payload);
      } catch (error) {
        this.onError(error, String(event));
      }
    }
  }

  /**
   * Removes every handler of `event`, or of every event without one.
   *
   * @example
   * ```ts
   * emitter.removeAllListeners();
   * ```
   */
  removeAllListeners<K extends keyof TEventMap>(event?: K): void {
    if (event === undefined) this.handlers.clear();
    else this.handlers.delete(event);
  }

  /**
   * How many handlers `event` has.
   *
   * @example
   * ```ts
   * if (emitter.listenerCount('message') === 0) stopListening();
   * ```
   */
  listenerCount<K extends keyof TEventMap>(event: K): number {
    return this.handlers.get(event)?.size ?? 0;
  }

  /**
   * The events that have at least one handler.
   *
   * @example
   * ```ts
   * emitter.eventNames(); // ['message']
   * ```
   */
  eventNames(): Array<keyof TEventMap> {
    return [...this.handlers.keys()];
  }
}
