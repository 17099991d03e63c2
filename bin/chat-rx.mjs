#!/usr/bin/env node
// The chat-rx command line. In a clone of the repository (sources present) it runs the
// TypeScript sources through tsx, so `npm run demo` and `npx chat-rx` need no build and never run
// a stale one; an installed package (no sources) runs its build.
import { existsSync } from 'node:fs';

const sources = new URL('../src/node/cli.ts', import.meta.url);
let main;
if (existsSync(sources)) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import(sources.href));
} else {
  ({ main } = await import(new URL('../dist/esm/node/cli.js', import.meta.url).href));
}
process.exitCode = await main(process.argv.slice(2));
