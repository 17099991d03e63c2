#!/usr/bin/env node
/**
 * The long chaos run (`npm run test:chaos`): test/reliability/chaos.spec.ts with the long
 * profile (1,000 messages, ~60 s of faults). Options:
 *   --seed N       replay a run (also CHAOS_SEED=N)
 *   --messages N   how many messages B sends (also CHAOS_MESSAGES=N)
 *   --short        the short profile of `npm test` instead
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const args = process.argv.slice(2);
const env = { ...process.env, CHAOS_PROFILE: args.includes('--short') ? 'short' : 'long' };
const value = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
if (value('--seed') !== undefined) env.CHAOS_SEED = value('--seed');
if (value('--messages') !== undefined) env.CHAOS_MESSAGES = value('--messages');

const mocha = createRequire(import.meta.url).resolve('mocha/bin/mocha.js');
const child = spawn(
  process.execPath,
  [
    mocha,
    '--no-config',
    '--node-option',
    'import=tsx',
    '--extension',
    'ts',
    '--timeout',
    '900000',
    '--reporter',
    'spec',
    'test/reliability/chaos.spec.ts',
  ],
  { stdio: 'inherit', env },
);
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
