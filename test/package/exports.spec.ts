/**
 * The built package as consumers see it: builds once (`node build.mjs`), then loads it through
 * its `exports` map (self-reference from the repo root) in separate Node processes, as ESM and
 * as CommonJS, and checks the files and the import graph behind the map.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Ids and a message as the chat hub sends it, for the child processes to decode. */
const hubMessage = {
  id: '01JRZABC1234567890ABCDEFGH',
  conversationId: '01JRZ9C0NVGR0UP00000000001',
  senderId: '01JRZ8M4Q7X9V2K5T3N6P0W1YH',
  senderName: 'Alice Tran',
  senderType: 'User',
  blocks: [
    { $type: 'text', format: 'Plain', content: 'Lunch at noon?', plainText: null },
    { $type: 'poll', question: 'Pizza or pho?', options: ['Pizza', 'Pho'] },
  ],
  plainTextContent: 'Lunch at noon?',
  replyToMessageId: null,
  quickReplies: null,
  isEdited: false,
  reactions: [{ emoji: '👍', count: 1, participantIds: ['01JRZ8M5A2B3C4D5E6F7G8H9JK'] }],
  mentions: null,
  createdAt: '2025-03-26T15:30:00Z',
  updatedAt: null,
  clientMessageId: 'c7a1e2f0-6b1d-4a8e-9f3c-2d5b8e7a9c10',
  systemEvent: null,
};

/** Runs `script` in a fresh Node process at the repo root, without this test run's loaders; returns its JSON output. */
function runChild(args: readonly string[], script: string): Record<string, unknown> {
  const env: NodeJS.ProcessEnv = { ...process.env, SAMPLE_JSON: JSON.stringify(hubMessage) };
  delete env.NODE_OPTIONS;
  let stdout: string;
  try {
    stdout = execFileSync(process.execPath, [...args, '-e', script], { cwd: root, env, encoding: 'utf8', timeout: 30_000 });
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(`child process failed: ${e.message}\n${e.stderr ?? ''}\n${e.stdout ?? ''}`);
  }
  const lastLine = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(lastLine) as Record<string, unknown>;
}

/** The same checks in ESM and CJS: `load` is an expression giving `{ codecs, main, rxjs, resolved }`. */
const childChecks = (load: string): string => `
(async () => {
  const { codecs, main, rxjs, resolved } = ${load};
  const sample = JSON.parse(process.env.SAMPLE_JSON);
  const good = main.decodeWith(codecs.ChatMessageDto)(sample);
  const bad = codecs.decodeWith(codecs.ChatMessageDto)({ ...sample, blocks: [{ $type: 'text', format: 'Plain' }] });
  const reported = [];
  const passed = await rxjs.lastValueFrom(
    rxjs.from([sample, { nope: true }]).pipe(codecs.decodeEach(codecs.ChatMessageDto, (e) => reported.push(e.codec)), rxjs.toArray()),
  );
  let thrown = null;
  try { codecs.decodeOrThrow(codecs.Cursor, 1743004200000); } catch (e) { thrown = { isDecodeError: main.DecodeError.is(e), message: e.message }; }
  console.log(JSON.stringify({
    resolved,
    goodTag: good._tag,
    decoded: good.right,
    unknownBlock: main.isUnknownBlock(good.right.blocks[1]),
    plainText: main.plainTextOf(good.right.blocks),
    badTag: bad._tag,
    badIssues: bad.left.issues,
    badIsDecodeError: main.DecodeError.is(bad.left),
    badInstanceOfMain: bad.left instanceof main.DecodeError,
    sameDecodeError: main.DecodeError === codecs.DecodeError,
    passedCount: passed.length,
    reported,
    thrown,
    timeSpanMs: main.timeSpanToMilliseconds('00:00:01.5000000'),
    mainExports: Object.keys(main).sort(),
    codecsExportCount: Object.keys(codecs).length,
  }));
})().catch((error) => { console.error(error); process.exit(1); });
`;

/** Every string leaf of an `exports` map, with the condition path that leads to it. */
function exportTargets(node: unknown, path: string[] = []): Array<{ conditions: string[]; target: string }> {
  if (typeof node === 'string') return [{ conditions: path, target: node }];
  if (typeof node === 'object' && node !== null) {
    return Object.entries(node).flatMap(([key, value]) => exportTargets(value, [...path, key]));
  }
  return [];
}

/** Walks the relative imports of built ES modules from `entry`; returns the files seen and every bare specifier. */
function esmImportGraph(entry: string): { files: string[]; bare: Set<string> } {
  const specifier =
    /(?:^|[\s;])(?:import|export)\s*(?:[\w*$\s{},]*?\s*from\s*)?["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']\s*\)|\brequire\s*\(\s*["']([^"']+)["']\s*\)/g;
  const seen = new Set<string>();
  const bare = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    for (const match of code.matchAll(specifier)) {
      const spec = match[1] ?? match[2] ?? match[3];
      if (spec === undefined) continue;
      if (spec.startsWith('.')) {
        const next = resolve(dirname(file), spec);
        if (!existsSync(next)) throw new Error(`${relative(root, file)} imports missing ${spec}`);
        queue.push(next);
      } else {
        bare.add(spec);
      }
    }
  }
  return { files: [...seen].map((f) => relative(root, f)).sort(), bare };
}

const packageRoot = (spec: string): string => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? spec));

describe('package exports (built dist/)', function () {
  this.timeout(60_000);

  before(function () {
    this.timeout(180_000);
    try {
      execFileSync(process.execPath, ['build.mjs'], { cwd: root, encoding: 'utf8', stdio: 'pipe', timeout: 170_000 });
    } catch (error) {
      const e = error as { stderr?: string; stdout?: string; message: string };
      throw new Error(`node build.mjs failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
    }
  });

  const expectedMainExports = [
    'DecodeError',
    'MAX_PRESENCE_IDS_PER_CALL',
    'MAX_UPLOAD_BYTES',
    'decodeEach',
    'decodeOrThrow',
    'decodeWith',
    'isAudioBlock',
    'isCardBlock',
    'isCarouselBlock',
    'isChoiceBlock',
    'isContactBlock',
    'isCustomBlock',
    'isDividerBlock',
    'isEmbedBlock',
    'isFileBlock',
    'isImageBlock',
    'isLinkPreviewBlock',
    'isLocationBlock',
    'isTextBlock',
    'isUnknownBlock',
    'isVideoBlock',
    'millisecondsToTimeSpan',
    'plainTextOf',
    'timeSpanToMilliseconds',
  ];

  function expectWorkingPackage(output: Record<string, unknown>, format: 'esm' | 'cjs'): void {
    expect(output.resolved).to.equal(format === 'esm' ? 'dist/esm/codecs/index.js' : 'dist/cjs/codecs/index.js');
    expect(output.goodTag).to.equal('Right');
    expect(output.decoded).to.deep.equal(hubMessage);
    expect(output.unknownBlock).to.equal(true);
    expect(output.plainText).to.equal('Lunch at noon?');
    expect(output.badTag).to.equal('Left');
    expect(output.badIssues).to.deep.equal([
      { path: 'blocks.0.content', expected: 'string' },
      { path: 'blocks.0.plainText', expected: 'string | null' },
    ]);
    expect(output.badIsDecodeError).to.equal(true);
    expect(output.badInstanceOfMain).to.equal(true);
    expect(output.sameDecodeError).to.equal(true);
    expect(output.passedCount).to.equal(1);
    expect(output.reported).to.deep.equal(['ChatMessageDto']);
    expect(output.thrown).to.deep.equal({
      isDecodeError: true,
      message:
        'Invalid Cursor: <root>: expected Cursor, got 1743004200000 (cursors are opaque strings like "<UnixMs>_<ULID>"; a number is not a cursor (never convert a cursor to a number))',
    });
    expect(output.timeSpanMs).to.equal(1500);
    expect(output.mainExports).to.include.members(expectedMainExports);
    expect(output.codecsExportCount).to.be.greaterThan(140);
  }

  it("ESM: import('chat-client-rx/codecs') and import('chat-client-rx') load dist/esm and decode", () => {
    const output = runChild(
      ['--input-type=module'],
      childChecks(`{
        codecs: await import('chat-client-rx/codecs'),
        main: await import('chat-client-rx'),
        rxjs: await import('rxjs'),
        resolved: (await import('node:path')).relative(process.cwd(), (await import('node:url')).fileURLToPath(import.meta.resolve('chat-client-rx/codecs'))),
      }`),
    );
    expectWorkingPackage(output, 'esm');
  });

  it("CommonJS: require('chat-client-rx/codecs') and require('chat-client-rx') load dist/cjs and decode", () => {
    const output = runChild(
      ['--input-type=commonjs'],
      childChecks(`{
        codecs: require('chat-client-rx/codecs'),
        main: require('chat-client-rx'),
        rxjs: require('rxjs'),
        resolved: require('node:path').relative(process.cwd(), require.resolve('chat-client-rx/codecs')),
      }`),
    );
    expectWorkingPackage(output, 'cjs');
  });

  it('CommonJS really is CommonJS: the loaded file is not an ES module', () => {
    const output = runChild(
      ['--input-type=commonjs'],
      `const file = require.resolve('chat-client-rx');
       require('chat-client-rx');
       console.log(JSON.stringify({ file: require('node:path').relative(process.cwd(), file), cached: file in require.cache }));`,
    );
    expect(output).to.deep.equal({ file: 'dist/cjs/index.js', cached: true });
  });

  describe('the exports map', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      name: string;
      exports: Record<string, unknown>;
      main: string;
      module: string;
      types: string;
    };

    it('has the entry points ".", "./codecs" and "./package.json"', () => {
      expect(pkg.name).to.equal('chat-client-rx');
      expect(Object.keys(pkg.exports)).to.include.members(['.', './codecs', './package.json']);
    });

    it('every target (import, require, types) exists on disk', () => {
      const targets = exportTargets(pkg.exports);
      expect(targets.length).to.be.greaterThanOrEqual(9);
      const missing = targets.filter(({ target }) => !existsSync(join(root, target)));
      expect(missing).to.deep.equal([]);
      for (const field of [pkg.main, pkg.module, pkg.types]) expect(existsSync(join(root, field)), field).to.equal(true);
    });

    it('every condition has types first, import types in dist/esm and require types in dist/cjs', () => {
      for (const [entry, conditions] of Object.entries(pkg.exports)) {
        if (typeof conditions === 'string') continue;
        for (const [condition, targets] of Object.entries(conditions as Record<string, unknown>)) {
          const keys = Object.keys(targets as Record<string, string>);
          expect(keys[0], `${entry} ${condition}`).to.equal('types');
          const { types, default: main } = targets as { types: string; default: string };
          const dir = condition === 'import' ? './dist/esm/' : './dist/cjs/';
          expect(types.startsWith(dir), `${entry} ${condition} types`).to.equal(true);
          expect(main.startsWith(dir), `${entry} ${condition} default`).to.equal(true);
          expect(types.replace(/\.d\.ts$/, '')).to.equal(main.replace(/\.js$/, ''));
        }
      }
    });

    it('dist/cjs/package.json marks the CommonJS build as commonjs', () => {
      expect(JSON.parse(readFileSync(join(root, 'dist', 'cjs', 'package.json'), 'utf8'))).to.deep.equal({ type: 'commonjs' });
    });
  });

  describe('chat-client-rx/codecs pulls in neither SignalR nor axios', () => {
    it('ESM: the import graph of dist/esm/codecs/index.js', () => {
      const { files, bare } = esmImportGraph(join(root, 'dist', 'esm', 'codecs', 'index.js'));
      expect(files).to.include.members([
        'dist/esm/codecs/index.js',
        'dist/esm/codecs/blocks.js',
        'dist/esm/codecs/chat-hub.js',
        'dist/esm/codecs/notification-hub.js',
        'dist/esm/codecs/decode-each.js',
      ]);
      expect(
        files.every((f) => f.startsWith('dist/esm/codecs/')),
        files.join(', '),
      ).to.equal(true);
      const packages = [...new Set([...bare].map(packageRoot))].sort();
      expect(packages).to.include('io-ts'); // the walk does see bare imports
      expect(packages).to.not.include('@microsoft/signalr');
      expect(packages).to.not.include('axios');
      expect(packages.filter((p) => !['fp-ts', 'io-ts', 'rxjs'].includes(p))).to.deep.equal([]);
    });

    it('CommonJS: the require graph of dist/cjs/codecs/index.js', () => {
      const { files, bare } = esmImportGraph(join(root, 'dist', 'cjs', 'codecs', 'index.js'));
      expect(files.length).to.be.greaterThanOrEqual(15);
      const packages = [...new Set([...bare].map(packageRoot))].sort();
      expect(packages).to.include('io-ts');
      expect(packages).to.not.include('@microsoft/signalr');
      expect(packages).to.not.include('axios');
    });

    it('at run time: loading chat-client-rx/codecs loads no SignalR or axios module', () => {
      const output = runChild(
        ['--input-type=commonjs'],
        `require('chat-client-rx/codecs');
         const loaded = Object.keys(require.cache).map((f) => require('node:path').relative(process.cwd(), f));
         console.log(JSON.stringify({
           signalr: loaded.filter((f) => f.includes('@microsoft/signalr')),
           axios: loaded.filter((f) => f.includes('node_modules/axios')),
           codecsLoaded: loaded.includes('dist/cjs/codecs/blocks.js'),
         }));`,
      );
      expect(output).to.deep.equal({ signalr: [], axios: [], codecsLoaded: true });
    });
  });
});
