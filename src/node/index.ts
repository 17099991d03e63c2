/**
 * `chat-client-rx/node`: Node helpers — Observable → `Readable` and async iterable bridges with a
 * bounded buffer, the `chat-rx` command line and the demo. Node only.
 *
 * @packageDocumentation
 */
export { BufferOverflowError, toAsyncIterable, toReadable } from './to-readable.js';
export type { BufferOptions, OverflowPolicy } from './to-readable.js';
export { main } from './cli.js';
export { runDemo } from './demo.js';
export type { DemoOptions } from './demo.js';
