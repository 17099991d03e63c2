/**
 * Runs the real `chat-rx` command line (`node bin/chat-rx.mjs …`, from the repository root, with
 * `NODE_OPTIONS` and the `CHAT_RX_*` variables cleared) as a child process, collects what it
 * writes, and waits on its output and its exit with deadlines. Every child started here is
 * tracked so an `after`/`afterEach` hook can kill what a failing test left running.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor, within } from '../support/wait.js';

/** The repository root (where `bin/chat-rx.mjs` is). */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** How a child process ended. */
export interface CliExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A running `chat-rx`. */
export interface CliRun {
  readonly child: ChildProcessWithoutNullStreams;
  /** Everything written to stdout so far. */
  stdout(): string;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** The complete stdout lines so far. */
  lines(): string[];
  /** Resolves with the first complete stdout line matching `predicate`. */
  waitForLine(predicate: (line: string) => boolean, timeoutMs: number, description: string): Promise<string>;
  /** Resolves with stderr once it matches `pattern`. */
  waitForStderr(pattern: RegExp, timeoutMs: number, description: string): Promise<string>;
  /** Resolves when the process has exited and its output is closed, or fails after `timeoutMs`. */
  exit(timeoutMs: number): Promise<CliExit>;
}

const running = new Set<ChildProcessWithoutNullStreams>();

/** Options of {@link startCli}. */
export interface StartCliOptions {
  /** Extra environment variables. */
  readonly env?: Readonly<Record<string, string>>;
}

/** Starts `node bin/chat-rx.mjs ...args`. */
export function startCli(args: readonly string[], options: StartCliOptions = {}): CliRun {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...options.env };
  delete env.NODE_OPTIONS;
  delete env.CHAT_RX_URL;
  delete env.CHAT_RX_TOKEN;
  const child = spawn(process.execPath, ['bin/chat-rx.mjs', ...args], { cwd: repoRoot, env, stdio: 'pipe' });
  running.add(child);
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  // A stdout the test destroyed on purpose may report an error: it is not the test's failure.
  child.stdout.on('error', () => undefined);
  child.stdin.on('error', () => undefined);
  const closed = new Promise<CliExit>((resolve) => {
    child.once('close', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  const lines = (): string[] => {
    const parts = out.split('\n');
    parts.pop(); // the unfinished last line (or '' after a final newline)
    return parts;
  };
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    lines,
    waitForLine: async (predicate, timeoutMs, description) => {
      try {
        return await waitFor(() => lines().find(predicate), timeoutMs, { description, intervalMs: 10 });
      } catch (error) {
        throw new Error(`${(error as Error).message}; stdout so far:\n${out}\nstderr:\n${err}`);
      }
    },
    waitForStderr: async (pattern, timeoutMs, description) => {
      try {
        return await waitFor(() => (pattern.test(err) ? err : undefined), timeoutMs, { description, intervalMs: 10 });
      } catch (error) {
        throw new Error(`${(error as Error).message}; stdout so far:\n${out}\nstderr:\n${err}`);
      }
    },
    exit: async (timeoutMs) => {
      try {
        return await within(closed, timeoutMs, 'the CLI to exit');
      } catch (error) {
        throw new Error(`${(error as Error).message}; stdout:\n${out}\nstderr:\n${err}`);
      }
    },
  };
}

/** Kills (SIGKILL) every child started by {@link startCli} that is still running. */
export function killAllClis(): void {
  for (const child of running) {
    child.kill('SIGKILL');
    running.delete(child);
  }
}
