import { buildErrorMessage, errorMessages } from './error-messages.js';
import { HubException } from './hub-exception.js';
import {
  MessageType,
  RecordReader,
  isSequencedMessage,
  parseHandshakeRequest,
  serializeHandshakeResponse,
  type CloseMessage,
  type CompletionMessage,
  type HubMessage,
  type InvocationMessage,
  type StreamInvocationMessage,
} from './hub-protocol.js';
import type { CloseOptions, HubConnectionHandle, HubUser } from './hub-types.js';
import { InvalidDataException } from './invalid-data-exception.js';
import { MessageBuffer } from './message-buffer.js';
import type { ResolvedServerOptions } from './server-options.js';
import type { HubEndpoint } from './hub-endpoint.js';
import { TRANSPORT_LOST, type HubTransport, type TransportKind } from './transport.js';
import { jsonWireProtocol, wireProtocols, type WireData, type WireProtocol, type WireReader } from './wire-protocol.js';

/**
 * Lifecycle of a connection:
 * `pending` (negotiated, no socket yet) → `handshaking` (socket open) → `connected`
 * ⇄ `detached` (stateful only: socket gone, waiting for the client to resume) → `ended`.
 */
export type ConnectionState = 'pending' | 'handshaking' | 'connected' | 'detached' | 'ended';

/** Whether a new socket may be attached to a connection (see {@link ServerHubConnection.attachability}). */
export type Attachability = 'ok' | 'conflict' | 'gone';

/** Everything a connection needs from its server. */
export interface ServerHubConnectionInit {
  readonly connectionId: string;
  readonly connectionToken: string;
  readonly user: HubUser;
  readonly hub: HubEndpoint;
  readonly options: ResolvedServerOptions;
  /** The client negotiated stateful reconnect (it still has to confirm with handshake version 2). */
  readonly statefulNegotiated: boolean;
  /** Start the negotiate expiry timer (false for `skipNegotiation` connections, which get their socket at once). */
  readonly awaitSocket: boolean;
  /** Called once when the connection ends, so the server forgets its token. */
  readonly onEnded: (connection: ServerHubConnection) => void;
}

/** How {@link ServerHubConnection} ends. */
interface EndOptions {
  /** Close message to send first, when a transport is open. */
  readonly closeMessage?: CloseMessage;
  /** Destroy the transport (socket) instead of closing it gracefully. */
  readonly destroySocket?: boolean;
}

/**
 * WebSocket close codes after which a stateful connection is not kept for a resume: a normal
 * closure, or the peer broke the WebSocket protocol (1002, 1003, 1007, 1008, 1009 frame too big).
 */
const FINAL_CLOSE_CODES: ReadonlySet<number> = new Set([1000, 1002, 1003, 1007, 1008, 1009]);

/** Delay before an Ack for received numbered messages (the clients use the same second). */
const ACK_DELAY_MS = 1000;

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * One SignalR connection: handshake, message dispatch to the hub, keep-alive, client timeout,
 * and stateful reconnect (buffering, acks, resume on a new socket). What carries the bytes is a
 * {@link HubTransport} (WebSockets, Server-Sent Events or long polling); nothing here depends on which.
 */
export class ServerHubConnection implements HubConnectionHandle {
  readonly connectionId: string;
  readonly connectionToken: string;
  readonly user: HubUser;
  readonly hubPath: string;
  readonly items = new Map<string, unknown>();

  private readonly hub: HubEndpoint;
  private readonly options: ResolvedServerOptions;
  private readonly statefulNegotiated: boolean;
  private readonly onEnded: (connection: ServerHubConnection) => void;

  private currentState: ConnectionState = 'pending';
  private socket: HubTransport | undefined;
  private kind: TransportKind | undefined;
  /** Reads the handshake record; after it, {@link messageReader} reads in the chosen protocol. */
  private reader: RecordReader;
  private messageReader: WireReader | undefined;
  private wire: WireProtocol = jsonWireProtocol;
  private buffer: MessageBuffer | undefined;
  /** Invocations of this connection run one after the other, after onConnected. */
  private invocationChain: Promise<void> = Promise.resolve();
  /** Settles with whether onConnected succeeded. */
  private connected: Promise<boolean> = Promise.resolve(false);

  private negotiateTimer: NodeJS.Timeout | undefined;
  private handshakeTimer: NodeJS.Timeout | undefined;
  private keepAliveTimer: NodeJS.Timeout | undefined;
  private clientTimeoutTimer: NodeJS.Timeout | undefined;
  private ackTimer: NodeJS.Timeout | undefined;
  private graceTimer: NodeJS.Timeout | undefined;

  constructor(init: ServerHubConnectionInit) {
    this.connectionId = init.connectionId;
    this.connectionToken = init.connectionToken;
    this.user = init.user;
    this.hub = init.hub;
    this.hubPath = init.hub.path;
    this.options = init.options;
    this.statefulNegotiated = init.statefulNegotiated;
    this.onEnded = init.onEnded;
    this.reader = new RecordReader(this.options.maximumReceiveMessageSize);
    if (init.awaitSocket) {
      this.negotiateTimer = this.timer(this.options.negotiateTimeoutMs, () => {
        this.log('debug', 'Negotiated connection was never opened; forgetting it.');
        this.end(undefined);
      });
    }
  }

  /** Current lifecycle state. */
  get state(): ConnectionState {
    return this.currentState;
  }

  /** True once the handshake succeeded and until the connection ends (including while detached). */
  get isLive(): boolean {
    return this.currentState === 'connected' || this.currentState === 'detached';
  }

  /** The transport the connection was opened with (undefined before the first one). */
  get transportKind(): TransportKind | undefined {
    return this.kind;
  }

  /** True when stateful reconnect is active (negotiated and confirmed by handshake version 2). */
  get isStateful(): boolean {
    return this.buffer !== undefined;
  }

  /**
   * Whether a new socket may be attached: a pending connection takes its first socket, a detached
   * stateful one resumes, a connected stateful one swaps its (presumably dead) socket for the new
   * one; a live non-stateful socket is a conflict (409).
   */
  attachability(): Attachability {
    switch (this.currentState) {
      case 'pending':
      case 'detached':
        return 'ok';
      case 'connected':
        return this.buffer !== undefined ? 'ok' : 'conflict';
      case 'handshaking':
        return 'conflict';
      case 'ended':
        return 'gone';
    }
  }

  /** Takes a freshly opened transport (call only when {@link attachability} said 'ok'). */
  attach(socket: HubTransport): void {
    switch (this.attachability()) {
      case 'ok':
        break;
      case 'conflict':
      case 'gone':
        socket.destroy();
        return;
    }
    if (this.currentState === 'pending') {
      this.clearTimer('negotiateTimer');
      this.kind = socket.kind;
      this.currentState = 'handshaking';
      this.bindSocket(socket);
      this.handshakeTimer = this.timer(this.options.handshakeTimeoutMs, () => {
        this.log('info', 'Handshake timed out.');
        this.rejectHandshake(errorMessages.handshakeCanceled);
      });
      return;
    }
    this.resume(socket);
  }

  /** The hub protocol chosen by the handshake (`json` until then). */
  get protocol(): WireProtocol {
    return this.wire;
  }

  /** {@inheritDoc HubConnectionHandle.send} */
  send(target: string, ...args: unknown[]): void {
    this.sendMessage({ type: MessageType.Invocation, target, arguments: args });
  }

  /** {@inheritDoc HubConnectionHandle.close} */
  close(options: CloseOptions = {}): void {
    const closeMessage: { type: typeof MessageType.Close; error?: string; allowReconnect?: boolean } = { type: MessageType.Close };
    if (options.error !== undefined) closeMessage.error = options.error;
    if (options.allowReconnect === true) closeMessage.allowReconnect = true;
    this.end(options.error === undefined ? undefined : new HubException(options.error), { closeMessage });
  }

  /** {@inheritDoc HubConnectionHandle.abort} */
  abort(): void {
    const socket = this.socket;
    if (socket === undefined) return;
    this.log('debug', 'Connection aborted by the server.');
    this.onSocketClosed(socket, TRANSPORT_LOST);
    socket.destroy();
  }

  /** Ends the connection at once: socket destroyed, no Close message, no resume possible. */
  kill(error: Error): void {
    this.end(error, { destroySocket: true });
  }

  /**
   * Sends an already serialised message. `sequenced` marks types 1–5, which a stateful connection
   * buffers until acked (and replays after a resume).
   */
  sendSerialized(data: WireData, sequenced: boolean): void {
    if (!this.isLive) return;
    if (sequenced && this.buffer !== undefined) {
      this.buffer.recordOutgoing(data);
      if (this.currentState === 'detached' && this.buffer.bufferedBytes > this.options.statefulReconnectBufferBytes) {
        this.log('warn', 'Stateful reconnect buffer full while waiting for the client; ending the connection.', {
          bufferedBytes: this.buffer.bufferedBytes,
        });
        this.end(new Error('The stateful reconnect buffer overflowed while the client was disconnected.'));
        return;
      }
    }
    if (this.currentState === 'connected') this.write(data);
  }

  private sendMessage(message: HubMessage): void {
    let data: WireData;
    try {
      data = this.wire.serialize(message);
    } catch (error) {
      this.log('error', 'Could not serialise an outgoing message; dropped.', { type: message.type, error: describe(error) });
      return;
    }
    this.sendSerialized(data, isSequencedMessage(message));
  }

  private write(data: WireData): void {
    const socket = this.socket;
    if (socket === undefined) return;
    socket.send(data);
    this.keepAliveTimer?.refresh();
  }

  private bindSocket(socket: HubTransport): void {
    this.socket = socket;
    socket.bind({
      data: (chunk) => {
        if (this.socket !== socket) return;
        try {
          this.onData(chunk);
        } catch (error) {
          // Defensive: nothing below should throw, but a bug must cost one connection, not the process.
          this.log('error', 'Unexpected failure while processing input.', { error: describe(error) });
          this.fail(error);
        }
      },
      closed: (code) => {
        if (this.socket === socket) this.onSocketClosed(socket, code);
      },
    });
  }

  private onData(chunk: Buffer): void {
    this.clientTimeoutTimer?.refresh();
    if (this.currentState === 'handshaking') {
      const { records, error, rest } = this.reader.pushFirst(chunk);
      const record = records[0];
      if (record !== undefined) this.handleHandshake(record);
      else if (error !== undefined) {
        this.log('info', 'Handshake exceeded the maximum message size.');
        this.rejectHandshake(errorMessages.handshakeCanceled);
      }
      if (rest.length > 0 && (this.currentState as ConnectionState) === 'connected') this.onMessages(rest);
      return;
    }
    this.onMessages(chunk);
  }

  /** Bytes after the handshake, in the chosen protocol. */
  private onMessages(chunk: Buffer): void {
    const reader = this.messageReader;
    if (reader === undefined || this.currentState !== 'connected') return;
    const { units, error } = reader.push(chunk);
    for (const unit of units) {
      if (this.currentState !== 'connected') return;
      let message: HubMessage;
      try {
        message = this.wire.parse(unit);
      } catch (parseError) {
        this.fail(parseError);
        return;
      }
      this.handleMessage(message);
    }
    if (error !== undefined && this.currentState === 'connected') this.fail(error);
  }

  private handleHandshake(record: string): void {
    let protocol: string;
    let version: number;
    try {
      ({ protocol, version } = parseHandshakeRequest(record));
    } catch (error) {
      this.log('info', 'Invalid handshake.', { error: describe(error) });
      this.rejectHandshake(buildErrorMessage(errorMessages.handshakeUnexpected, error, this.options.enableDetailedErrors));
      return;
    }
    const wire = wireProtocols.get(protocol);
    if (wire === undefined) {
      this.rejectHandshake(errorMessages.protocolNotSupported(protocol));
      return;
    }
    if (version > wire.version) {
      this.rejectHandshake(errorMessages.protocolVersionNotSupported(version, protocol));
      return;
    }
    // Server-Sent Events carry text only: ASP.NET refuses a binary protocol on them.
    if (wire.binary && this.kind === 'ServerSentEvents') {
      this.rejectHandshake(errorMessages.transferFormatNotSupported(protocol));
      return;
    }
    this.clearTimer('handshakeTimer');
    this.wire = wire;
    this.messageReader = wire.createReader(this.options.maximumReceiveMessageSize);
    // Stateful reconnect is WebSockets-only, as in ASP.NET (the client asks for version 2 only there).
    if (this.statefulNegotiated && version >= 2 && this.kind === 'WebSockets') this.buffer = new MessageBuffer();
    this.currentState = 'connected';
    this.write(wire.handshake(serializeHandshakeResponse()));
    this.startLivenessTimers();
    this.hub.register(this);
    this.log('debug', 'Connection established.', { stateful: this.isStateful });
    this.connected = this.runOnConnected();
    this.invocationChain = this.connected.then(() => undefined);
  }

  private async runOnConnected(): Promise<boolean> {
    const onConnected = this.hub.definition.onConnected;
    if (onConnected === undefined) return true;
    try {
      await onConnected.call(this.hub.definition, this);
      return true;
    } catch (error) {
      this.log('error', 'onConnected failed; closing the connection.', { error: describe(error) });
      this.end(error instanceof Error ? error : new Error(String(error)), {
        closeMessage: {
          type: MessageType.Close,
          error: buildErrorMessage(errorMessages.connectionClosedWithError, error, this.options.enableDetailedErrors),
        },
      });
      return false;
    }
  }

  private rejectHandshake(error: string): void {
    if (this.currentState !== 'handshaking') return;
    this.write(serializeHandshakeResponse(error));
    this.end(undefined);
  }

  private handleMessage(message: HubMessage): void {
    if (this.buffer !== undefined) {
      if (!this.buffer.shouldProcess(message)) return;
      if (isSequencedMessage(message)) this.scheduleAck();
    }
    switch (message.type) {
      case MessageType.Invocation:
        this.enqueue(() => this.invoke(message));
        return;
      case MessageType.StreamInvocation:
        this.enqueue(async () => this.rejectStreamInvocation(message));
        return;
      case MessageType.StreamItem:
      case MessageType.Completion:
      case MessageType.CancelInvocation:
        this.log('debug', 'Ignoring a message this server does not use.', { type: message.type });
        return;
      case MessageType.Ping:
        return;
      case MessageType.Close:
        this.log('debug', 'Client sent Close.');
        this.end(message.error === undefined ? undefined : new HubException(message.error));
        return;
      case MessageType.Ack:
        this.buffer?.ack(message.sequenceId);
        return;
      case MessageType.Sequence:
        if (this.buffer === undefined) return;
        try {
          this.buffer.resetSequence(message.sequenceId);
        } catch (error) {
          this.fail(error);
        }
        return;
    }
  }

  private enqueue(task: () => Promise<void>): void {
    this.invocationChain = this.invocationChain.then(task).catch((error: unknown) => {
      this.log('error', 'Invocation pipeline failed.', { error: describe(error) });
    });
  }

  /** Argument checks in ASP.NET's order: unknown method and wrong count are binding failures. */
  private bindingError(target: string, argumentCount: number): string | undefined {
    const method = this.hub.findMethod(target);
    if (method === undefined) {
      return buildErrorMessage(errorMessages.bindingFailed(target), new HubException(errorMessages.methodDoesNotExist), false);
    }
    if (argumentCount !== method.arity) {
      return buildErrorMessage(
        errorMessages.bindingFailed(target),
        new InvalidDataException(errorMessages.argumentCount(argumentCount, method.arity)),
        this.options.enableDetailedErrors,
      );
    }
    return undefined;
  }

  private async invoke(message: InvocationMessage): Promise<void> {
    if (!this.isLive) return;
    const { target, invocationId } = message;
    const bindingError = this.bindingError(target, message.arguments.length);
    if (bindingError !== undefined) {
      this.log('debug', 'Invocation binding failed.', { target });
      this.complete(invocationId, { error: bindingError });
      return;
    }
    const method = this.hub.findMethod(target);
    if (method === undefined) return;
    const streamCount = message.streamIds?.length ?? 0;
    if (streamCount > 0) {
      this.complete(invocationId, {
        error: buildErrorMessage(
          errorMessages.invocationFailed(target),
          new HubException(errorMessages.streamCount(streamCount, 0)),
          this.options.enableDetailedErrors,
        ),
      });
      return;
    }
    let result: unknown;
    try {
      result = await method.invoke(this, [...message.arguments]);
    } catch (error) {
      const binding = error instanceof InvalidDataException;
      this.log(binding ? 'debug' : 'warn', 'Hub method threw.', { target, error: describe(error) });
      const prefix = binding ? errorMessages.bindingFailed(target) : errorMessages.invocationFailed(target);
      this.complete(invocationId, { error: buildErrorMessage(prefix, error, this.options.enableDetailedErrors) });
      return;
    }
    if (invocationId === undefined) return;
    // ASP.NET answers every non-streaming invocation with CompletionMessage.WithResult, so a void
    // method's completion carries `"result": null` and the client's invoke() resolves to null.
    const completion: CompletionMessage = { type: MessageType.Completion, invocationId, result: result ?? null };
    let data: WireData;
    try {
      data = this.wire.serialize(completion);
    } catch (error) {
      this.log('error', 'Hub method result is not serialisable.', { target, error: describe(error) });
      this.complete(invocationId, { error: errorMessages.invocationFailed(target) });
      return;
    }
    this.sendSerialized(data, true);
  }

  private rejectStreamInvocation(message: StreamInvocationMessage): void {
    if (!this.isLive) return;
    const error = this.bindingError(message.target, message.arguments.length) ?? errorMessages.nonStreamingMethodStreamed(message.target);
    this.complete(message.invocationId, { error });
  }

  private complete(invocationId: string | undefined, outcome: { error: string }): void {
    if (invocationId === undefined) return;
    this.sendMessage({ type: MessageType.Completion, invocationId, error: outcome.error });
  }

  /** Protocol violation: Close with ASP.NET's text (allowReconnect, as ASP.NET does), then close the socket. */
  private fail(error: unknown): void {
    this.log('warn', 'Closing the connection after invalid input.', { error: describe(error) });
    this.end(error instanceof Error ? error : new Error(String(error)), {
      closeMessage: {
        type: MessageType.Close,
        error: buildErrorMessage(errorMessages.connectionClosedWithError, error, this.options.enableDetailedErrors),
        allowReconnect: true,
      },
    });
  }

  private scheduleAck(): void {
    if (this.ackTimer !== undefined) return;
    this.ackTimer = this.timer(ACK_DELAY_MS, () => {
      this.ackTimer = undefined;
      this.sendAck();
    });
  }

  private sendAck(): void {
    const buffer = this.buffer;
    if (buffer === undefined || this.currentState !== 'connected') return;
    const sequenceId = buffer.pendingAck();
    if (sequenceId === undefined) return;
    buffer.markAckSent(sequenceId);
    this.write(this.wire.serialize({ type: MessageType.Ack, sequenceId }));
  }

  private startLivenessTimers(): void {
    this.clearTimer('keepAliveTimer');
    this.clearTimer('clientTimeoutTimer');
    const ping = this.wire.serialize({ type: MessageType.Ping });
    this.keepAliveTimer = this.timer(this.options.keepAliveIntervalMs, () => {
      // write() re-arms this timer, so it fires again only after a silent interval.
      this.write(ping);
    });
    this.clientTimeoutTimer = this.timer(this.options.clientTimeoutMs, () => {
      this.log('info', 'Client timeout: nothing received in time; closing the connection.', {
        clientTimeoutMs: this.options.clientTimeoutMs,
      });
      // Like ASP.NET: Close without error, reconnect allowed.
      this.end(new Error(`The client sent nothing for ${this.options.clientTimeoutMs} ms.`), {
        closeMessage: { type: MessageType.Close, allowReconnect: true },
      });
    });
  }

  private stopLivenessTimers(): void {
    this.clearTimer('keepAliveTimer');
    this.clearTimer('clientTimeoutTimer');
    this.clearTimer('ackTimer');
  }

  /** The socket is gone (closed by the peer, failed, or aborted by the server). */
  private onSocketClosed(socket: HubTransport, code: number): void {
    if (this.socket !== socket) return;
    this.socket = undefined;
    this.stopLivenessTimers();
    switch (this.currentState) {
      case 'handshaking':
        this.end(undefined);
        return;
      case 'connected':
        if (this.buffer !== undefined && !FINAL_CLOSE_CODES.has(code)) {
          this.detach(code);
        } else {
          this.end(code === 1000 ? undefined : new Error(`${socket.kind} transport closed with status code: ${code}.`));
        }
        return;
      default:
        return;
    }
  }

  private detach(code: number): void {
    this.currentState = 'detached';
    this.messageReader = this.wire.createReader(this.options.maximumReceiveMessageSize);
    this.log('info', 'Socket lost; waiting for the client to resume.', { code, graceMs: this.options.disconnectGraceMs });
    this.graceTimer = this.timer(this.options.disconnectGraceMs, () => {
      this.log('info', 'The client did not resume in time; ending the connection.');
      this.end(
        new Error(`WebSocket closed with status code: ${code}; the client did not resume within ${this.options.disconnectGraceMs} ms.`),
      );
    });
  }

  /** Stateful resume on a new socket: no handshake; Sequence then replay of everything un-acked. */
  private resume(socket: HubTransport): void {
    const buffer = this.buffer;
    if (buffer === undefined || socket.kind !== this.kind) {
      socket.destroy();
      return;
    }
    const previous = this.socket;
    if (previous !== undefined) {
      this.log('info', 'A new socket replaces the current one (stateful reconnect).');
      this.socket = undefined;
      this.stopLivenessTimers();
      previous.destroy();
    }
    this.clearTimer('graceTimer');
    this.currentState = 'connected';
    this.messageReader = this.wire.createReader(this.options.maximumReceiveMessageSize);
    this.bindSocket(socket);
    const plan = buffer.beginResume();
    this.write(this.wire.serialize({ type: MessageType.Sequence, sequenceId: plan.sequenceId }));
    for (const data of plan.replay) this.write(data);
    this.startLivenessTimers();
    if (buffer.pendingAck() !== undefined) this.scheduleAck();
    this.log('info', 'Connection resumed.', { sequenceId: plan.sequenceId, replayed: plan.replay.length });
  }

  /** Terminal: timers cleared, socket closed, hub and server forget the connection, onDisconnected once. */
  private end(error: Error | undefined, options: EndOptions = {}): void {
    if (this.currentState === 'ended') return;
    const wasLive = this.isLive;
    this.currentState = 'ended';
    for (const name of ['negotiateTimer', 'handshakeTimer', 'keepAliveTimer', 'clientTimeoutTimer', 'ackTimer', 'graceTimer'] as const) {
      this.clearTimer(name);
    }
    const socket = this.socket;
    this.socket = undefined;
    if (socket !== undefined) {
      if (options.destroySocket === true) socket.destroy();
      else socket.close(options.closeMessage === undefined ? undefined : this.wire.serialize(options.closeMessage));
    }
    this.hub.unregister(this);
    this.onEnded(this);
    if (!wasLive) return;
    this.log('debug', 'Connection ended.', error === undefined ? undefined : { error: describe(error) });
    const onDisconnected = this.hub.definition.onDisconnected;
    if (onDisconnected === undefined) return;
    void this.connected.then(async (succeeded) => {
      if (!succeeded) return;
      try {
        await onDisconnected.call(this.hub.definition, this, error);
      } catch (callbackError) {
        this.log('error', 'onDisconnected failed.', { error: describe(callbackError) });
      }
    });
  }

  private timer(ms: number, callback: () => void): NodeJS.Timeout {
    const handle = setTimeout(() => {
      try {
        callback();
      } catch (error) {
        this.log('error', 'Timer callback failed.', { error: describe(error) });
      }
    }, ms);
    handle.unref();
    return handle;
  }

  private clearTimer(
    name: 'negotiateTimer' | 'handshakeTimer' | 'keepAliveTimer' | 'clientTimeoutTimer' | 'ackTimer' | 'graceTimer',
  ): void {
    const handle = this[name];
    if (handle !== undefined) clearTimeout(handle);
    this[name] = undefined;
  }

  private log(level: 'debug' | 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>): void {
    this.options.log(level, message, { hub: this.hubPath, connectionId: this.connectionId, ...data });
  }
}
