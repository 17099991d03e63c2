/**
 * The README's tour is code users copy: run it, as one script, exactly as the README says to —
 * in a fresh clone, with the commands its tour section lists — so the README stays true as the
 * code changes.
 *
 * "A fresh clone" is a copy of the repository without what `.gitignore` keeps out of one (no
 * `dist/`, whatever an earlier build or test step left in this working tree), with this tree's
 * `node_modules` linked in for `npm ci`. The tour's imports are not rewritten: `chat-client-rx`
 * resolves there as it does for a reader, through the package's `exports` map.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The README's "A tour" section. */
function tourSection(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const start = readme.indexOf('## A tour');
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end);
}

/** The ```ts blocks of the tour, in order. */
function tourSnippets(): string[] {
  return [...tourSection().matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);
}

/** The commands of the tour's ```sh block, comments and blank lines dropped. */
function tourCommands(): string[] {
  const block = /```sh\n([\s\S]*?)```/.exec(tourSection())?.[1] ?? '';
  return block
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/**
 * A predicate for what a clone would not have: `.git` and every path `.gitignore` names. Handles
 * the forms that file uses: `dir/`, `path/to/dir/`, `*.ext`, `name`.
 */
function ignoredByGit(): (relativePath: string) => boolean {
  const patterns = readFileSync(join(root, '.gitignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const matchers = patterns.map((pattern) => {
    const body = pattern.replace(/^\//, '').replace(/\/$/, '');
    const glob = new RegExp(
      `^${body
        .split('*')
        .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]*')}$`,
    );
    // "a/b" is anchored at the root; "name" matches at any depth.
    return body.includes('/') ? (path: string) => glob.test(path) : (path: string) => path.split('/').some((segment) => glob.test(segment));
  });
  return (path) => path === '.git' || matchers.some((matches) => matches(path));
}

/** Runs `command` in `cwd` as a shell would (npm and node from PATH), without the test runner's NODE_OPTIONS. */
function run(command: string, cwd: string, timeout: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      'sh',
      ['-c', command],
      { cwd, timeout, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NODE_OPTIONS: '' } },
      (error, stdout, stderr) => done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('README tour', function () {
  this.timeout(60_000);

  it('has the snippets the tour promises', () => {
    const snippets = tourSnippets();
    expect(snippets.length).to.be.at.least(7);
    const all = snippets.join('\n');
    for (const call of [
      'loginWithDev',
      'conversationList$',
      'timeline(',
      'streams$',
      'presence$',
      'uploadFile',
      'state$',
      'disconnect()',
    ]) {
      expect(all, call).to.include(call);
    }
    // imported as a reader imports them: by package name, not by a path into this repository
    expect(all).to.include("from 'chat-client-rx'");
    expect(all).to.include("from 'chat-client-rx/gateway'");
    expect(all).to.not.match(/from '\.{0,2}\//);
  });

  it('says what to run in a fresh clone: install, build, then the tour', () => {
    const commands = tourCommands();
    expect(commands[0], commands.join(' | ')).to.equal('npm ci');
    expect(commands, 'the build that dist/ comes from').to.include('npm run build');
    expect(commands.at(-1)).to.match(/^node --import tsx [\w-]+\.mts$/);
    expect(commands.indexOf('npm run build')).to.be.lessThan(commands.length - 1);
  });

  describe('in a fresh clone', function () {
    this.timeout(180_000);
    let clone: string;

    before(() => {
      clone = mkdtempSync(join(tmpdir(), 'chat-client-rx-clone-'));
      const ignored = ignoredByGit();
      cpSync(root, clone, {
        recursive: true,
        filter: (source) => {
          const path = relative(root, source).split(sep).join('/');
          return path === '' || !ignored(path);
        },
      });
      // `npm ci` would install what this tree has installed: link it instead of downloading.
      symlinkSync(join(root, 'node_modules'), join(clone, 'node_modules'), 'dir');
    });
    after(() => rmSync(clone, { recursive: true, force: true }));

    it('starts without a build: no dist/ (whatever this working tree has)', () => {
      expect(existsSync(join(clone, 'package.json'))).to.equal(true);
      expect(existsSync(join(clone, 'src', 'index.ts'))).to.equal(true);
      expect(existsSync(join(clone, 'dist'))).to.equal(false);
    });

    it('runs the commands the tour lists, and the tour, as one script, exits 0', async () => {
      const commands = tourCommands();
      const tour = commands.at(-1) ?? '';
      expect(tour, 'the tour section lists the command that runs the tour').to.match(/^node --import tsx \S+\.mts$/);
      const file = /(\S+\.mts)$/.exec(tour)?.[1] ?? 'tour.mts';
      writeFileSync(join(clone, file), tourSnippets().join('\n'));
      for (const command of commands.slice(0, -1)) {
        if (command === 'npm ci') continue; // node_modules is linked in (see before)
        const result = await run(command, clone, 120_000);
        expect(result.code, `${command}\n${result.stdout}\n${result.stderr}`).to.equal(0);
      }
      const { code, stdout, stderr } = await run(tour, clone, 60_000);
      expect(code, stderr).to.equal(0);
      expect(stdout).to.include('signed in as alice');
      expect(stdout).to.match(/completed #\d+: You said: Hello echo-bot/);
      expect(stdout).to.match(/stored as \S+\/hello\.txt/);
      expect(stdout).to.include('chat hub: connected');
    });
  });
});
