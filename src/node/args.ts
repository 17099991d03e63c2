/** Parsed command-line arguments: positionals and `--name value` / `--flag` options. */
export interface ParsedArgs {
  readonly positionals: readonly string[];
  readonly options: ReadonlyMap<string, string | true>;
}

/** Parses `argv` (without node and the script): `--name value`, `--name=value`, `--flag`. */
export function parseArgs(argv: readonly string[], flags: ReadonlySet<string> = new Set()): ParsedArgs {
  const positionals: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      if (eq > 2) {
        options.set(arg.slice(2, eq), arg.slice(eq + 1));
        continue;
      }
      const name = arg.slice(2);
      const next = argv[i + 1];
      if (flags.has(name) || next === undefined || next.startsWith('--')) options.set(name, true);
      else {
        options.set(name, next);
        i += 1;
      }
      continue;
    }
    positionals.push(arg);
  }
  return { positionals, options };
}

/** A string option, or undefined. */
export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.options.get(name);
  return typeof value === 'string' ? value : undefined;
}

/** What a command accepts besides its positionals: options that take a value, and flags. */
export interface OptionSpec {
  /** Options that take a value (`--url URL`, `--url=URL`). */
  readonly values: readonly string[];
  /** Options that take none (`--test-endpoints`). @default none */
  readonly flags?: readonly string[];
}

/**
 * What is wrong with the options of `args` for a command that accepts `spec`, one sentence per
 * problem (empty when nothing is): an unknown option (named, with the known one it most likely
 * stands for), an option that needs a value given none (`--user` at the end, or followed by
 * another option), a flag given a value (`--test-endpoints=no`).
 *
 * @example
 * ```ts
 * optionProblems(parseArgs(['--usr', 'bob']), { values: ['user', 'url'] });
 * // ["unknown option --usr (did you mean --user?)"]
 * ```
 */
export function optionProblems(args: ParsedArgs, spec: OptionSpec): string[] {
  const values = new Set(spec.values);
  const flags = new Set(spec.flags ?? []);
  const problems: string[] = [];
  for (const [name, value] of args.options) {
    if (values.has(name)) {
      if (value === true) problems.push(`--${name} needs a value`);
    } else if (flags.has(name)) {
      if (value !== true) problems.push(`--${name} takes no value (got '${value}')`);
    } else {
      const guess = closest(name, [...values, ...flags]);
      problems.push(`unknown option --${name}${guess !== undefined ? ` (did you mean --${guess}?)` : ''}`);
    }
  }
  return problems;
}

/** The candidate within edit distance 2 of `name` (the nearest), if any. */
function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const distance = editDistance(name, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/**
 * Checks a gateway URL given by the user (`source` names where it came from, e.g. `--url`):
 * `http(s)://host[:port]`, optionally with a path prefix, no credentials, query or fragment.
 * Returns it without trailing slashes, or throws a `RangeError` whose message says what is
 * expected (and, for `localhost:5080`, what was probably meant).
 *
 * @example
 * ```ts
 * gatewayUrl('http://127.0.0.1:5080/', '--url'); // "http://127.0.0.1:5080"
 * gatewayUrl('localhost:5080', '--url');         // throws: … did you mean http://localhost:5080?
 * ```
 */
export function gatewayUrl(text: string, source: string): string {
  const expected = 'expected http(s)://host[:port], e.g. http://127.0.0.1:5080';
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    const hint = /^[a-z0-9.-]+(:\d+)?(\/.*)?$/i.test(text) ? ` (did you mean http://${text}?)` : '';
    throw new RangeError(`${source}: '${text}' is not an http(s) URL: ${expected}${hint}`);
  }
  if (url.username !== '' || url.password !== '')
    throw new RangeError(`${source}: '${url.protocol}//${url.host}' must not carry credentials: give --token or --user instead`);
  if (url.search !== '' || url.hash !== '') throw new RangeError(`${source}: '${text}' must not have a query or fragment: ${expected}`);
  return text.replace(/\/+$/, '');
}
