/**
 * The hot, decoded event streams of one hub, by event name: what `on(event)` returns in the real
 * hub clients (`HubClient`) and in the fakes of `chat-client-rx/testing` (`FakeHub`), so both
 * refuse the same names with the same error and report the same decode failures. Internal: not
 * exported by any barrel.
 */
import type * as t from 'io-ts';
import { either } from 'fp-ts';
import { merge, type Observable } from 'rxjs';
import { decodeWith } from '../codecs/decode-with.js';
import { InvalidArgumentError } from '../core/invalid-argument-error.js';
import type { HubEventCodecs, HubEventPayloads } from './hub-client.js';
import { HubError } from './hub-error.js';
import { Multicast, SKIP, shareMapped } from './multicast.js';

/**
 * Connection lifecycle names people hand to `on()` (the seed SDK's `on('reconnecting')`,
 * SignalR's `onclose`…), lower-case, with where that moment is on `state$`.
 */
const LIFECYCLE_NAMES: ReadonlyMap<string, string> = new Map([
  ['connecting', "status 'connecting'"],
  ['connected', "status 'connected'"],
  ['reconnecting', "status 'reconnecting', with attempt, nextDelayMs and reason"],
  ['onreconnecting', "status 'reconnecting', with attempt, nextDelayMs and reason"],
  ['reconnected', "status 'connected' after 'reconnecting'; sessions$ emits when the connection id is new"],
  ['onreconnected', "status 'connected' after 'reconnecting'; sessions$ emits when the connection id is new"],
  ['disconnected', "status 'disconnected', or 'failed' when reconnecting gave up"],
  ['close', "status 'disconnected', or 'failed' when reconnecting gave up"],
  ['closed', "status 'disconnected', or 'failed' when reconnecting gave up"],
  ['onclose', "status 'disconnected', or 'failed' when reconnecting gave up"],
  ['failed', "status 'failed', with error"],
]);

/**
 * What `on(event)` throws for a name that is not one of the hub's events: the known names listed,
 * a connection lifecycle name (any case) pointed to `state$`, a name that differs only in case
 * given its spelling.
 *
 * @example
 * ```ts
 * unknownEventError('chat', ['messageReceived'], 'reconnected').message;
 * // "event: unknown event 'reconnected' on the chat hub: the connection's lifecycle is not a hub event — subscribe to state$ instead (…)"
 * ```
 */
export function unknownEventError(hubName: string, known: readonly string[], event: unknown): InvalidArgumentError {
  const list = `the ${hubName} hub's events are: ${known.join(', ')}`;
  if (typeof event !== 'string') {
    return new InvalidArgumentError('event', `expected the name of a ${hubName} hub event, got ${typeof event}; ${list}`);
  }
  const lower = event.toLowerCase();
  const lifecycle = LIFECYCLE_NAMES.get(lower);
  if (lifecycle !== undefined) {
    return new InvalidArgumentError(
      'event',
      `unknown event '${event}' on the ${hubName} hub: the connection's lifecycle is not a hub event — subscribe to state$ instead (${lifecycle}); ${list}`,
    );
  }
  const spelling = known.find((name) => name.toLowerCase() === lower);
  const hint = spelling === undefined ? '' : ` (did you mean '${spelling}'? on() takes the exact name)`;
  return new InvalidArgumentError('event', `unknown event '${event}' on the ${hubName} hub${hint}; ${list}`);
}

/**
 * One hub's events as long-lived streams: a raw {@link Multicast} per event name (what the connection
 * delivers into; never completes, so subscribers never notice a reconnect) and, per name, one
 * shared decoded Observable. A payload that fails its codec is handed to `report` as a `HubError`
 * of kind `decode` (with `event`, `decodeError` and the raw value) and skipped.
 */
export class HubEventStreams<Events extends HubEventCodecs> {
  private readonly raw = new Map<string, Multicast<unknown>>();
  private readonly decoded = new Map<string, Observable<unknown>>();

  constructor(
    private readonly hubName: string,
    private readonly events: Events,
    private readonly report: (error: HubError) => void,
  ) {}

  /** The hub's event names (own keys of the codec map). */
  get names(): string[] {
    return Object.keys(this.events);
  }

  /**
   * The codec of `event`.
   *
   * @throws InvalidArgumentError ({@link unknownEventError}) for a name that is not one of the
   * hub's own events (`toString`, `constructor`… are not).
   */
  codecOf(event: unknown): t.Mixed {
    if (typeof event === 'string' && Object.hasOwn(this.events, event)) return this.events[event] as t.Mixed;
    throw unknownEventError(this.hubName, this.names, event);
  }

  /** The raw stream of `event` (made on first use): what arrives for it goes in here with `next`. */
  rawSubject(event: string): Multicast<unknown> {
    let subject = this.raw.get(event);
    if (!subject) {
      subject = new Multicast<unknown>();
      this.raw.set(event, subject);
    }
    return subject;
  }

  /** Every raw payload of every event whose Subject exists now, undecoded (e.g. as a sign of life). */
  anyRaw(): Observable<unknown> {
    return merge(...this.raw.values());
  }

  /**
   * The hot Observable of one event's decoded payloads, the same for the same name; never
   * completes. Bad payloads go to `report` (kind `decode`) and the stream goes on.
   *
   * @throws InvalidArgumentError for a name that is not one of the hub's events.
   */
  on<K extends keyof Events & string>(event: K): Observable<HubEventPayloads<Events>[K]> {
    const codec = this.codecOf(event);
    let stream = this.decoded.get(event);
    if (!stream) {
      const decode = decodeWith(codec);
      stream = shareMapped(this.rawSubject(event), (value) => {
        const result = decode(value);
        if (either.isRight(result)) return result.right;
        const decodeError = result.left;
        this.report(
          new HubError('decode', `${this.hubName} hub: '${event}' payload is invalid: ${decodeError.message}`, {
            hub: this.hubName,
            event,
            decodeError,
            raw: decodeError.value,
          }),
        );
        return SKIP;
      });
      this.decoded.set(event, stream);
    }
    return stream as Observable<HubEventPayloads<Events>[K]>;
  }
}
