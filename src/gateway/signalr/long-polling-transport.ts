import type { ServerResponse } from 'node:http';
import { TRANSPORT_CLOSED_NORMALLY, TRANSPORT_LOST, type HubTransport, type TransportEvents } from './transport.js';
import type { WireData } from './wire-protocol.js';

/** Timings of a {@link LongPollingTransport}. */
export interface LongPollingTimings {
  /** How long a poll waits for data before answering an empty 200 (ASP.NET's `LongPolling.PollTimeout`, 90 s). */
  readonly pollTimeoutMs: number;
  /** How long the transport waits for the next poll before the connection is lost (ASP.NET's `DisconnectTimeout`, 15 s). */
  readonly idleTimeoutMs: number;
}

interface PendingPoll {
  readonly res: ServerResponse;
  readonly timer: NodeJS.Timeout;
}

function answer(res: ServerResponse, status: number, body?: Buffer): void {
  if (res.writableEnded || res.destroyed) return;
  res.statusCode = status;
  res.setHeader('Cache-Control', 'no-cache');
  if (body === undefined || body.length === 0) {
    res.setHeader('Content-Type', 'text/plain');
    if (status === 200) res.setHeader('Content-Length', '0');
    res.end();
    return;
  }
  const bytes = body;
  res.setHeader('Content-Type', 'application/octet-stream');
  res.setHeader('Content-Length', String(bytes.length));
  res.end(bytes);
}

/**
 * The long polling transport, as ASP.NET's `LongPollingServerTransport` and `HttpConnectionDispatcher`
 * drive it: server→client messages queue until a `GET {hub}?id=…` poll takes them all (200,
 * `application/octet-stream`); an empty queue holds the poll up to the poll timeout (then an empty
 * 200). The first poll answers at once (empty 200: "the transport is started"). A new poll
 * answers a pending one 204; once the connection is closed and the queue drained, the next poll
 * gets 204 and the transport is done (the server then forgets the id: 404). Client→server
 * messages are `POST` bodies ({@link receive}); `DELETE` ends the connection ({@link terminate}).
 */
export class LongPollingTransport implements HubTransport {
  readonly kind = 'LongPolling' as const;
  private events: TransportEvents | undefined;
  private queue: WireData[] = [];
  private poll: PendingPoll | undefined;
  private started = false;
  /** Nothing more will be queued: after the queue is drained, the next poll gets 204. */
  private completed = false;
  private done = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly finishedListeners: (() => void)[] = [];

  constructor(private readonly timings: LongPollingTimings) {}

  /** True once the client got its final 204, the transport was destroyed or went idle: the id is gone. */
  get isDone(): boolean {
    return this.done;
  }

  /** True while a `GET` poll waits for messages (or for the poll timeout). */
  get isPolling(): boolean {
    return this.poll !== undefined;
  }

  /** Calls `listener` once the transport {@link isDone} (at once if it already is). */
  onFinished(listener: () => void): void {
    if (this.done) listener();
    else this.finishedListeners.push(listener);
  }

  /** {@inheritDoc HubTransport.bind} */
  bind(events: TransportEvents): void {
    this.events = events;
  }

  /** Serves one `GET` poll. */
  handlePoll(res: ServerResponse): void {
    if (this.done) {
      answer(res, 404, undefined);
      return;
    }
    this.clearIdle();
    const previous = this.poll;
    if (previous !== undefined) {
      // ASP.NET cancels the earlier poll of the same connection and answers it 204.
      this.poll = undefined;
      clearTimeout(previous.timer);
      answer(previous.res, 204);
    }
    if (!this.started) {
      this.started = true;
      answer(res, 200);
      this.armIdle();
      return;
    }
    if (this.queue.length > 0) {
      this.flushTo(res);
      return;
    }
    if (this.completed) {
      answer(res, 204);
      this.finish();
      return;
    }
    const timer = setTimeout(() => {
      if (this.poll?.res !== res) return;
      this.poll = undefined;
      answer(res, 200);
      this.armIdle();
    }, this.timings.pollTimeoutMs);
    timer.unref();
    this.poll = { res, timer };
    res.once('close', () => {
      if (this.poll?.res !== res) return;
      // The client went away mid-poll: like ASP.NET, the connection waits for the next poll.
      this.poll = undefined;
      clearTimeout(timer);
      this.armIdle();
    });
  }

  /** A `POST` body from the client. */
  receive(chunk: Buffer): void {
    if (!this.completed && !this.done) this.events?.data(chunk);
  }

  /** `DELETE` from the client: a pending poll gets 204, the connection ends, the id is forgotten. */
  terminate(): void {
    if (this.done) return;
    const wasCompleted = this.completed;
    this.completed = true;
    this.queue = [];
    this.answerPending(204);
    this.finish();
    if (!wasCompleted) this.events?.closed(TRANSPORT_CLOSED_NORMALLY);
  }

  /** {@inheritDoc HubTransport.send} */
  send(data: WireData): void {
    if (this.completed || this.done) return;
    this.queue.push(data);
    const poll = this.poll;
    if (poll !== undefined) {
      this.poll = undefined;
      clearTimeout(poll.timer);
      this.flushTo(poll.res);
    }
  }

  /** {@inheritDoc HubTransport.close} */
  close(last?: WireData): void {
    if (this.completed || this.done) return;
    if (last !== undefined) this.queue.push(last);
    this.completed = true;
    const poll = this.poll;
    if (poll === undefined) return;
    this.poll = undefined;
    clearTimeout(poll.timer);
    if (this.queue.length > 0) {
      this.flushTo(poll.res);
    } else {
      answer(poll.res, 204);
      this.finish();
    }
  }

  /** {@inheritDoc HubTransport.destroy} */
  destroy(): void {
    if (this.done) return;
    this.completed = true;
    this.queue = [];
    const poll = this.poll;
    this.poll = undefined;
    if (poll !== undefined) {
      clearTimeout(poll.timer);
      poll.res.destroy();
    }
    this.finish();
  }

  private flushTo(res: ServerResponse): void {
    const body = Buffer.concat(this.queue.map((data) => (typeof data === 'string' ? Buffer.from(data, 'utf8') : data)));
    this.queue = [];
    answer(res, 200, body);
    this.armIdle();
  }

  private answerPending(status: number): void {
    const poll = this.poll;
    if (poll === undefined) return;
    this.poll = undefined;
    clearTimeout(poll.timer);
    answer(poll.res, status);
  }

  /** No poll in flight: the client must poll again within the idle timeout, or the connection is lost. */
  private armIdle(): void {
    this.clearIdle();
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.done || this.poll !== undefined) return;
      const wasCompleted = this.completed;
      this.completed = true;
      this.queue = [];
      this.finish();
      if (!wasCompleted) this.events?.closed(TRANSPORT_LOST);
    }, this.timings.idleTimeoutMs);
    this.idleTimer.unref();
  }

  private clearIdle(): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.clearIdle();
    for (const listener of this.finishedListeners.splice(0)) listener();
  }
}
