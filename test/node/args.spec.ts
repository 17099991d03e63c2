import { expect } from 'chai';
import { gatewayUrl, optionProblems, parseArgs, stringOption } from '../../src/node/args.js';

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
  {
    name: 'options between positionals',
    argv: ['tail', '--url', 'u', 'conv-1', '--user', 'bob'],
    positionals: ['tail', 'conv-1'],
    options: { url: 'u', user: 'bob' },
  },
  {
    name: 'a known flag never takes the next word',
    argv: ['gateway', '--test-endpoints', 'extra'],
    flags: ['test-endpoints'],
    positionals: ['gateway', 'extra'],
    options: { 'test-endpoints': true },
  },
  {
    name: 'an unknown option takes the next word as its value',
    argv: ['--verbose', 'gateway'],
    positionals: [],
    options: { verbose: 'gateway' },
  },
  { name: 'an option at the end is a flag', argv: ['gateway', '--help'], positionals: ['gateway'], options: { help: true } },
  { name: 'an option followed by another option is a flag', argv: ['--a', '--b', 'v'], positionals: [], options: { a: true, b: 'v' } },
  { name: 'a value may start with a single dash', argv: ['--offset', '-1'], positionals: [], options: { offset: '-1' } },
  { name: 'a single-dash word is a positional', argv: ['-', '-x'], positionals: ['-', '-x'], options: {} },
  { name: 'the last of a repeated option wins', argv: ['--user', 'alice', '--user=bob'], positionals: [], options: { user: 'bob' } },
  { name: '-- ends the options', argv: ['send', '--', '--not-an-option', 'x'], positionals: ['send', '--not-an-option', 'x'], options: {} },
  { name: 'options before -- still count', argv: ['--url', 'u', '--', '--url', 'v'], positionals: ['--url', 'v'], options: { url: 'u' } },
  { name: '-- at the end', argv: ['tail', '--'], positionals: ['tail'], options: {} },
  {
    name: 'a flag given a value with = keeps it',
    argv: ['--test-endpoints=no'],
    flags: ['test-endpoints'],
    positionals: [],
    options: { 'test-endpoints': 'no' },
  },
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

describe('optionProblems', () => {
  const spec = { values: ['url', 'user', 'token', 'password'], flags: ['test-endpoints'] };
  const problems = (argv: readonly string[]): string[] => optionProblems(parseArgs(argv, new Set(spec.flags)), spec);

  it('none for known options with values and known flags', () => {
    expect(problems(['tail', 'c', '--url', 'u', '--user=bob', '--test-endpoints'])).to.deep.equal([]);
  });
  it('names an unknown option and the known one it most likely stands for', () => {
    expect(problems(['--usr', 'bob'])).to.deep.equal(['unknown option --usr (did you mean --user?)']);
  });
  it('names an unknown option without a guess when none is close', () => {
    expect(problems(['--verbose'])).to.deep.equal(['unknown option --verbose']);
  });
  it('an option that needs a value, given none (at the end, or before another option)', () => {
    expect(problems(['--user'])).to.deep.equal(['--user needs a value']);
    expect(problems(['--token', '--url', 'u'])).to.deep.equal(['--token needs a value']);
  });
  it('a flag given a value', () => {
    expect(problems(['--test-endpoints=no'])).to.deep.equal(["--test-endpoints takes no value (got 'no')"]);
  });
  it('every problem, in the order given', () => {
    expect(problems(['--usr', 'x', '--url', '--pasword=p'])).to.deep.equal([
      'unknown option --usr (did you mean --user?)',
      '--url needs a value',
      'unknown option --pasword (did you mean --password?)',
    ]);
  });
});

describe('gatewayUrl', () => {
  const ok: readonly [string, string][] = [
    ['http://127.0.0.1:5080', 'http://127.0.0.1:5080'],
    ['https://chat.example.com', 'https://chat.example.com'],
    ['http://localhost:5080/', 'http://localhost:5080'],
    ['https://example.com/chat/', 'https://example.com/chat'],
  ];
  for (const [input, expected] of ok) it(`accepts ${input}`, () => expect(gatewayUrl(input, '--url')).to.equal(expected));

  const bad: readonly [string, RegExp][] = [
    [
      'localhost:5080',
      /^--url: 'localhost:5080' is not an http\(s\) URL: expected http\(s\):\/\/host\[:port\].*\(did you mean http:\/\/localhost:5080\?\)$/,
    ],
    ['127.0.0.1:5080', /did you mean http:\/\/127\.0\.0\.1:5080\?/],
    ['ftp://host', /^--url: 'ftp:\/\/host' is not an http\(s\) URL/],
    ['', /is not an http\(s\) URL/],
    ['http://host:5080?x=1', /must not have a query or fragment/],
    ['http://host:5080/#top', /must not have a query or fragment/],
  ];
  for (const [input, message] of bad)
    it(`refuses '${input}'`, () => expect(() => gatewayUrl(input, '--url')).to.throw(RangeError, message));

  it('never repeats credentials in its message', () => {
    expect(() => gatewayUrl('http://bob:secret@host:1', 'CHAT_RX_URL')).to.throw(
      RangeError,
      /^CHAT_RX_URL: 'http:\/\/host:1' must not carry credentials/,
    );
    try {
      gatewayUrl('http://bob:secret@host:1', 'CHAT_RX_URL');
    } catch (error) {
      expect((error as Error).message).to.not.include('secret');
    }
  });
});
