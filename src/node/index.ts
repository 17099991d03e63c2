/**
 * `chat-client-rx/node`: Node helpers — Observable → `Readable` and async iterable bridges with a
 * bounded buffer, the `chat-rx` command line and the demo. Node only.
 *
 * Importing this entry loads only the stream bridges: the command line and the demo start the
 * embedded gateway (and with it the `ws` server), so `main` and `runDemo` load their modules on
 * first call (`test/package/node-entry.spec.ts` checks that importing the entry loads no
 * `src/gateway` module and no `ws`).
 *
 * @packageDocumentation
 */
import type { DemoOptions } from './demo.js';

export { BufferOverflowError, toAsyncIterable, toReadable } from './to-readable.js';
export type { BufferOptions, OverflowPolicy } from './to-readable.js';
export type { DemoOptions } from './demo.js';

/**
 * The module itself: from the ES build, the namespace `import()` gives; from the CommonJS build
 * (where `import()` of a CommonJS file may expose only `default`), its `module.exports`.
 */
function interop<M extends object>(namespace: M, name: keyof M): M {
  return name in namespace ? namespace : (namespace as unknown as { default: M }).default;
}

/**
 * Runs the `chat-rx` command line with `argv` (without node and the script). Resolves with the
 * exit code (see `ExitCode`: 0 done, 1 failed, 2 usage, 3 not found / not a member, 4 connection
 * given up, 5 authentication failed). Loads the command line (and the embedded gateway) on first
 * call.
 *
 * @example
 * process.exitCode = await main(process.argv.slice(2));
 */
export async function main(argv: readonly string[]): Promise<number> {
  const cli = interop(await import('./cli.js'), 'main');
  return cli.main(argv);
}

/**
 * The scripted tour of `chat-rx demo`: starts the embedded gateway (or uses `options.url`), logs
 * two users in and shows messages, a bot's streamed reply, presence and a reconnect with
 * recovery. Resolves with the number of problems found (0 = all good). Loads the demo (and the
 * embedded gateway) on first call.
 *
 * @example
 * ```ts
 * const problems = await runDemo({ users: ['alice', 'bob'] });
 * ```
 */
export async function runDemo(options: DemoOptions = {}): Promise<number> {
  const demo = interop(await import('./demo.js'), 'runDemo');
  return demo.runDemo(options);
}
