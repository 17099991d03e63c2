/**
 * Routing tables for the timelines: the values of hot sources (the chat hub's events, the bot
 * streams, the conversation feed) go to the listeners of their conversation only. Each source is
 * subscribed once while any listener is there, whatever the number of open timelines, so an event
 * costs one map look-up instead of one filter per timeline, and an open timeline costs one entry.
 * Internal.
 */
import type { Observable, Subscription } from 'rxjs';

/** A listener of one key; `active` goes false when it is removed (a dispatch under way skips it). */
interface Listener<L> {
  readonly target: L;
  active: boolean;
}

/** One source of a router: its values, the key of a value, and how a value reaches a listener. */
export interface Route<L, T> {
  readonly source: Observable<T>;
  readonly keyOf: (value: T) => string;
  readonly deliver: (listener: L, value: T) => void;
}

/**
 * Values of several sources routed by key to the listeners added for that key, in the order they
 * were added; a value whose key has no listener is dropped. Subscribes to every source when the
 * first listener is added and unsubscribes from all when the last one is removed. A source that
 * errors is handed to `failed` for every listener there is then (the next listener added
 * subscribes again); a completion is not routed (the sources it is used with never complete).
 */
export class KeyedRouter<L> {
  /** Listeners by key, as arrays replaced (never changed) on add and remove: a dispatch iterates a stable copy. */
  private readonly listeners = new Map<string, ReadonlyArray<Listener<L>>>();
  private count = 0;
  private subscriptions: Subscription[] | undefined;

  constructor(
    private readonly routes: ReadonlyArray<Route<L, never>>,
    private readonly failed: (listener: L, error: unknown) => void = () => undefined,
  ) {}

  /** Adds `target` for `key`; returns the function that removes it (idempotent). */
  add(key: string, target: L): () => void {
    const listener: Listener<L> = { target, active: true };
    this.listeners.set(key, [...(this.listeners.get(key) ?? []), listener]);
    this.count += 1;
    if (this.subscriptions === undefined) this.subscribe();
    return () => {
      if (!listener.active) return;
      listener.active = false;
      const rest = (this.listeners.get(key) ?? []).filter((l) => l !== listener);
      if (rest.length === 0) this.listeners.delete(key);
      else this.listeners.set(key, rest);
      this.count -= 1;
      if (this.count === 0) this.unsubscribe();
    };
  }

  private subscribe(): void {
    const subscriptions: Subscription[] = [];
    this.subscriptions = subscriptions;
    for (const route of this.routes as unknown as ReadonlyArray<Route<L, unknown>>) {
      const subscription = route.source.subscribe({
        next: (value) => this.dispatch(route, value),
        error: (error: unknown) => this.fail(error),
      });
      // Removed again while subscribing (a synchronous source): do not keep the subscriptions.
      if (this.subscriptions !== subscriptions) subscription.unsubscribe();
      else subscriptions.push(subscription);
    }
  }

  private unsubscribe(): void {
    const subscriptions = this.subscriptions;
    this.subscriptions = undefined;
    for (const subscription of subscriptions ?? []) subscription.unsubscribe();
  }

  private fail(error: unknown): void {
    this.unsubscribe();
    const listeners = [...this.listeners.values()].flat();
    for (const listener of listeners) if (listener.active) this.failed(listener.target, error);
  }

  private dispatch<T>(route: Route<L, T>, value: T): void {
    const listeners = this.listeners.get(route.keyOf(value));
    if (listeners === undefined) return;
    if (listeners.length === 1) {
      const only = listeners[0] as Listener<L>;
      if (only.active) route.deliver(only.target, value);
      return;
    }
    for (const listener of listeners) if (listener.active) route.deliver(listener.target, value);
  }
}

/** A route, typed (a `Route<L, T>` of any `T` goes into one router). */
export function route<L, T>(source: Observable<T>, keyOf: (value: T) => string, deliver: (listener: L, value: T) => void): Route<L, never> {
  return { source, keyOf, deliver } as unknown as Route<L, never>;
}

/** Routers by their owners (nested: the first owner, then the second within it, …). */
interface RouterTree {
  router?: KeyedRouter<never>;
  readonly next: WeakMap<object, RouterTree>;
}
const routerTree: RouterTree = { next: new WeakMap() };

/**
 * The router `make` makes for these `owners` (the objects its sources come from), the same for the
 * same owners as long as they live: every timeline on one hub, feed and bot stream shares one
 * router, so one subscription per source.
 */
export function sharedRouter<L>(owners: readonly object[], make: () => KeyedRouter<L>): KeyedRouter<L> {
  let node = routerTree;
  for (const owner of owners) {
    let child = node.next.get(owner);
    if (child === undefined) node.next.set(owner, (child = { next: new WeakMap() }));
    node = child;
  }
  node.router ??= make() as unknown as KeyedRouter<never>;
  return node.router as unknown as KeyedRouter<L>;
}

/** The conversation of a hub payload. */
export const byConversation = (value: { readonly conversationId: string }): string => value.conversationId;
