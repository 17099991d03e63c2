/**
 * The README's tour is code users copy: run it, as one script, against the embedded gateway, so
 * the README stays true as the code changes.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The ```ts blocks of the README's "A tour" section, in order. */
function tourSnippets(): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const start = readme.indexOf('## A tour');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end);
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);
}

describe('README tour', function () {
  this.timeout(60_000);

  it('has the snippets the tour promises', () => {
    const snippets = tourSnippets();
    expect(snippets.length).to.be.at.least(7);
    const all = snippets.join('\n');
    for (const call of ['loginWithDev', 'conversationList$', 'timeline(', 'streams$', 'presence$', 'uploadFile', 'state$', 'disconnect()']) {
      expect(all, call).to.include(call);
    }
  });

  it('runs as one script against the embedded gateway and exits 0', async () => {
    const script = tourSnippets()
      .join('\n')
      .replaceAll("from 'chat-client-rx/gateway'", `from '${join(root, 'src/gateway/index.ts')}'`)
      .replaceAll("from 'chat-client-rx'", `from '${join(root, 'src/index.ts')}'`);
    const dir = join(root, '.tmp', `readme-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'tour.ts');
    writeFileSync(file, script);
    try {
      const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
        execFile(process.execPath, ['--import', 'tsx', file], { cwd: root, timeout: 45_000 }, (error, out, err) =>
          done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout: out, stderr: err }),
        );
      });
      expect(code, stderr).to.equal(0);
      expect(stdout).to.include('signed in as alice');
      expect(stdout).to.match(/completed #\d+: You said: Hello echo-bot/);
      expect(stdout).to.match(/stored as \S+\/hello\.txt/);
      expect(stdout).to.include('chat hub: connected');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
