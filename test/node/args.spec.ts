import { expect } from 'chai';
import { parseArgs, stringOption } from '../../src/node/args.js';

interface Case {
  readonly name: string;
  readonly argv: readonly string[];
  readonly flags?: readonly string[];
  readonly positionals: readonly string[];
  readonly options: Readonly<Record<string, string | true>>;
}

const cases: readonly Case[] = [
  { name: 'nothing', argv: [], positionals: [], options: {} },
  { name: 'positionals only, in order', argv: ['tail', 'conv-1'], positionals: ['tail', 'conv-1'], options: {} },
  { name: '--name value', argv: ['--url', 'http://127.0.0.1:5080'], positionals: [], options: { url: 'http://127.0.0.1:5080' } },
  { name: '--name=value', argv: ['--url=http://h:1'], positionals: [], options: { url: 'http://h:1' } },
  { name: '--name=value splits on the first = only', argv: ['--token=a=b=='], positionals: [], options: { token: 'a=b==' } },
  { name: '--name= is an empty value', argv: ['--password=', 'x'], positionals: ['x'], options: { password: '' } },
  { name: 'options between positionals', argv: ['tail', '--url', 'u', 'conv-1', '--user', 'bob'], positionals: ['tail', 'conv-1'], options: { url: 'u', user: 'bob' } },
  { name: 'a known flag never takes the next word', argv: ['gateway', '--test-endpoints', 'extra'], flags: ['test-endpoints'], positionals: ['gateway', 'extra'], options: { 'test-endpoints': true } },
  { name: 'an unknown option takes the next word as its value', argv: ['--verbose', 'gateway'], positionals: [], options: { verbose: 'gateway' } },
  { name: 'an option at the end is a flag', argv: ['gateway', '--help'], positionals: ['gateway'], options: { help: true } },
  { name: 'an option followed by another option is a flag', argv: ['--a', '--b', 'v'], positionals: [], options: { a: true, b: 'v' } },
  { name: 'a value may start with a single dash', argv: ['--offset', '-1'], positionals: [], options: { offset: '-1' } },
  { name: 'a single-dash word is a positional', argv: ['-', '-x'], positionals: ['-', '-x'], options: {} },
  { name: 'the last of a repeated option wins', argv: ['--user', 'alice', '--user=bob'], positionals: [], options: { user: 'bob' } },
  { name: '-- ends the options', argv: ['send', '--', '--not-an-option', 'x'], positionals: ['send', '--not-an-option', 'x'], options: {} },
  { name: 'options before -- still count', argv: ['--url', 'u', '--', '--url', 'v'], positionals: ['--url', 'v'], options: { url: 'u' } },
  { name: '-- at the end', argv: ['tail', '--'], positionals: ['tail'], options: {} },
  { name: 'a flag given a value with = keeps it', argv: ['--test-endpoints=no'], flags: ['test-endpoints'], positionals: [], options: { 'test-endpoints': 'no' } },
];

describe('parseArgs', () => {
  for (const c of cases) {
    it(`${c.name}: ${JSON.stringify(c.argv)}`, () => {
      const parsed = parseArgs(c.argv, new Set(c.flags ?? []));
      expect(parsed.positionals).to.deep.equal(c.positionals);
      expect(Object.fromEntries(parsed.options)).to.deep.equal(c.options);
    });
  }

  it('does not modify argv', () => {
    const argv = ['tail', '--url', 'u', '--', 'x'];
    parseArgs(argv);
    expect(argv).to.deep.equal(['tail', '--url', 'u', '--', 'x']);
  });
});

describe('stringOption', () => {
  const parsed = parseArgs(['--url', 'u', '--help', '--empty='], new Set(['help']));
  it('is the value of a --name value option', () => expect(stringOption(parsed, 'url')).to.equal('u'));
  it('is an empty string for --name=', () => expect(stringOption(parsed, 'empty')).to.equal(''));
  it('is undefined for a flag', () => expect(stringOption(parsed, 'help')).to.equal(undefined));
  it('is undefined for a missing option', () => expect(stringOption(parsed, 'token')).to.equal(undefined));
});
