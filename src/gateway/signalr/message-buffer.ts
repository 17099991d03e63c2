import { InvalidDataException } from './invalid-data-exception.js';
import { MessageType, isSequencedMessage, type HubMessage } from './hub-protocol.js';
import { wireBytes, type WireData } from './wire-protocol.js';

interface BufferedMessage {
  readonly sequenceId: number;
  readonly data: WireData;
  readonly bytes: number;
}

/** What to send first on a resumed socket: a Sequence with this id, then `replay` in order. */
export interface ResumePlan {
  readonly sequenceId: number;
  readonly replay: readonly WireData[];
}

/**
 * Server side of stateful reconnect (hub protocol v2), mirroring `MessageBuffer` of the
 * official clients and of ASP.NET:
 *
 * - outgoing messages of types 1–5 are numbered from 1 and kept until the client acks them;
 * - incoming messages of types 1–5 are numbered from 1; ids already seen are dropped as duplicates;
 * - after a resume, incoming messages are ignored until the client's Sequence message, and the
 *   server sends its own Sequence (first un-acked id) followed by every un-acked message.
 */
export class MessageBuffer {
  private messages: BufferedMessage[] = [];
  private totalSent = 0;
  private bytes = 0;
  private nextReceivingId = 1;
  private latestReceivedId = 0;
  private lastAckSentId = 0;
  private waitingForSequence = false;

  /** Bytes of sent messages not yet acked by the client. */
  get bufferedBytes(): number {
    return this.bytes;
  }

  /** Records a serialised numbered message that is being sent (or will be replayed). */
  recordOutgoing(data: WireData): void {
    this.totalSent += 1;
    const bytes = wireBytes(data);
    this.messages.push({ sequenceId: this.totalSent, data, bytes });
    this.bytes += bytes;
  }

  /** Drops every buffered message up to and including `sequenceId`. */
  ack(sequenceId: number): void {
    let index = 0;
    while (index < this.messages.length) {
      const message = this.messages[index];
      if (message === undefined || message.sequenceId > sequenceId) break;
      this.bytes -= message.bytes;
      index += 1;
    }
    if (index > 0) this.messages = this.messages.slice(index);
  }

  /** Numbers an incoming message; false when it must be ignored (duplicate, or before the Sequence after a resume). */
  shouldProcess(message: HubMessage): boolean {
    if (this.waitingForSequence) {
      if (message.type !== MessageType.Sequence) return false;
      this.waitingForSequence = false;
      return true;
    }
    if (!isSequencedMessage(message)) return true;
    const currentId = this.nextReceivingId;
    this.nextReceivingId += 1;
    if (currentId <= this.latestReceivedId) return false;
    this.latestReceivedId = currentId;
    return true;
  }

  /** Applies the client's Sequence message: its next message has id `sequenceId`. */
  resetSequence(sequenceId: number): void {
    if (sequenceId > this.nextReceivingId) {
      throw new InvalidDataException("Sequence ID greater than amount of messages we've received.");
    }
    this.nextReceivingId = sequenceId;
  }

  /** The id to ack when an Ack is due (something received since the last Ack), else undefined. */
  pendingAck(): number | undefined {
    return this.latestReceivedId > this.lastAckSentId ? this.latestReceivedId : undefined;
  }

  /** Notes that an Ack for `sequenceId` was sent. */
  markAckSent(sequenceId: number): void {
    this.lastAckSentId = sequenceId;
  }

  /** Starts a resume: from now on incoming messages wait for the client's Sequence. */
  beginResume(): ResumePlan {
    this.waitingForSequence = true;
    // The last Ack may have been lost with the old socket: ack again on the new one.
    this.lastAckSentId = 0;
    const first = this.messages[0];
    return {
      sequenceId: first === undefined ? this.totalSent + 1 : first.sequenceId,
      replay: this.messages.map((message) => message.data),
    };
  }
}
