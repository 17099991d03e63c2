/** The parent's handle on `gateway-process.ts`: the embedded gateway (behind its gate) in a child process. */
import { fork, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

/** What the gateway process sends once it listens. */
export interface Ready {
  readonly type: 'ready';
  readonly url: string;
  readonly token: string;
  readonly conversationId: string;
}

/** A running gateway process; `ready.url` is its gate proxy. */
export class GatewayProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly ready: Ready,
  ) {}

  static async start(): Promise<GatewayProcess> {
    const child = fork(fileURLToPath(new URL('./gateway-process.ts', import.meta.url)), [], {
      execArgv: [
        '--import',
        'tsx',
        ...(process.env.BENCH_GATEWAY_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_GATEWAY_CPU_PROF}`] : []),
      ],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ready = await new Promise<Ready>((resolve, reject) => {
      child.once('message', (message) => resolve(message as Ready));
      child.once('exit', (code) => reject(new Error(`the gateway process exited (${code})`)));
    });
    return new GatewayProcess(child, ready);
  }

  /** Has the gateway send `count` events into the closed gate; resolves with its emit time once all are held. */
  emit(from: number, count: number, batch: number): Promise<number> {
    return new Promise((resolve) => {
      this.child.once('message', (message) => resolve((message as { ms: number }).ms));
      this.child.send({ type: 'emit', conversationId: this.ready.conversationId, from, count, batch });
    });
  }

  /** Opens the gate: the held events flow to the client. */
  release(): void {
    this.child.send({ type: 'release' });
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.send({ type: 'close' });
    await Promise.race([exited, sleep(3000)]);
    if (this.child.exitCode === null) this.child.kill();
  }
}
