/** The parent's handle on `gateway-process.ts`: the embedded gateway (behind its gate) in a child process. */
import { type ChildProcess, fork } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

/** What the gateway process sends once it listens. */
export interface Ready {
  readonly type: 'ready';
  /** The gate proxy's URL. */
  readonly url: string;
  readonly token: string;
  /** The conversation the single-conversation rows use. */
  readonly conversationId: string;
  /** 120 more conversations (100 timelines open; heap per timeline). */
  readonly conversations: readonly string[];
  /** The conversation of the timeline churn row (it gets history messages). */
  readonly churnConversationId: string;
}

/** A child process that answers IPC requests, one kind of answer per request, in order. */
export class IpcPeer {
  private readonly waiting: Array<{ type: string; resolve: (message: unknown) => void; reject: (error: Error) => void }> = [];

  constructor(
    readonly child: ChildProcess,
    private readonly name: string,
  ) {
    child.on('message', (message: { type: string }) => {
      const at = this.waiting.findIndex((w) => w.type === message.type);
      if (at < 0) return;
      const [waiter] = this.waiting.splice(at, 1);
      waiter?.resolve(message);
    });
    child.once('exit', (code) => {
      for (const waiter of this.waiting.splice(0)) waiter.reject(new Error(`the ${this.name} process exited (${code})`));
    });
  }

  /** Sends `message` and resolves with the next message of type `answer`. */
  request<T>(message: unknown, answer: string): Promise<T> {
    const reply = this.next<T>(answer);
    this.child.send(message as object);
    return reply;
  }

  /** Resolves with the next message of type `type`. */
  next<T>(type: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ type, resolve: resolve as (message: unknown) => void, reject });
    });
  }

  /** Asks the process to end (`{ type: 'close' }`), killing it after 3 s. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.send({ type: 'close' });
    await Promise.race([exited, sleep(3000)]);
    if (this.child.exitCode === null) this.child.kill();
  }
}

/** Forks a bench module with tsx (`--expose-gc`), IPC on. */
export function forkBench(moduleUrl: URL, args: readonly string[] = [], extraExecArgv: readonly string[] = []): ChildProcess {
  return fork(fileURLToPath(moduleUrl), [...args], {
    execArgv: ['--expose-gc', '--import', 'tsx', ...extraExecArgv],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** A running gateway process; `ready.url` is its gate proxy. */
export class GatewayProcess {
  private constructor(
    private readonly peer: IpcPeer,
    readonly ready: Ready,
  ) {}

  static async start(): Promise<GatewayProcess> {
    const cpuProf = process.env.BENCH_GATEWAY_CPU_PROF;
    const child = forkBench(
      new URL('./gateway-process.ts', import.meta.url),
      [],
      cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${cpuProf}`] : [],
    );
    const peer = new IpcPeer(child, 'gateway');
    const ready = await peer.next<Ready>('ready');
    return new GatewayProcess(peer, ready);
  }

  /**
   * Sends `count` events round robin over `conversationIds`. With `hold`, into the closed gate:
   * resolves with the gateway's emit time once all are held; without, they flow at once.
   */
  async emit(conversationIds: readonly string[], from: number, count: number, batch: number, hold: boolean): Promise<number> {
    const answer = await this.peer.request<{ ms: number }>({ type: 'emit', conversationIds, from, count, batch, hold }, 'emitted');
    return answer.ms;
  }

  /** Sends `count` events, one every `intervalMs`; resolves with each one's wall-clock send time (ms). */
  async paced(conversationId: string, from: number, count: number, intervalMs: number): Promise<number[]> {
    const answer = await this.peer.request<{ sentAt: number[] }>({ type: 'paced', conversationId, from, count, intervalMs }, 'paced');
    return answer.sentAt;
  }

  /** Opens the gate: the held events flow to the client. */
  async release(): Promise<void> {
    await this.peer.request({ type: 'release' }, 'released');
  }

  close(): Promise<void> {
    return this.peer.close();
  }
}
