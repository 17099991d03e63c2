// The public API, as API Extractor sees it in the built declarations (dist/esm), one report per
// entry point of package.json "exports" (every key but ./package.json), checked in as
// api/<entry>.api.md:
//
//   node scripts/api-report.mjs report   rewrite api/*.api.md (npm run api:report)
//   node scripts/api-report.mjs check    fail if api/*.api.md differ from the build (npm run api:check, CI)
//   node scripts/api-report.mjs docs     markdown reference into docs/api/ (npm run docs)
//   --verbose                            also list the TSDoc findings and API Extractor's own log
//
// API Extractor bundles its own TypeScript (6.x), so it reads the .d.ts that tsc 7 wrote; run
// `npm run build` first. Settings: api/api-extractor.json and api/tsdoc.json.
import { CompilerState, Extractor, ExtractorConfig, ExtractorLogLevel, ExtractorMessageCategory } from '@microsoft/api-extractor';
import { TSDocConfigFile } from '@microsoft/tsdoc-config';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const apiDir = join(root, 'api');
const tmpDir = join(root, '.tmp', 'api');
const docsDir = join(root, 'docs', 'api');
const REPORT_SUFFIX = '.api.md';

const args = process.argv.slice(2);
const mode = args.find((arg) => !arg.startsWith('-')) ?? 'check';
const verbose = args.includes('--verbose');
if (!['report', 'check', 'docs'].includes(mode)) {
  console.error(`api-report: unknown mode "${mode}" (report | check | docs)`);
  process.exit(2);
}

const started = performance.now();
const packageJsonPath = join(root, 'package.json');
const packageJson = JSON.parse(readFileSync(packageJsonPath, 'utf8'));
const entries = entryPoints(packageJson);
assertBuilt(entries);

/**
 * The entry points of package.json "exports": every key but ./package.json, with the declaration
 * file of its ESM `import` condition. `id` names the report (`root` for ".", `codecs` for
 * "./codecs", `a-b` for "./a/b"); `modelName` is the package name of the entry in the doc model,
 * which must be a valid, distinct npm name per entry.
 */
function entryPoints(pkg) {
  const exportsMap = pkg.exports;
  if (exportsMap === null || typeof exportsMap !== 'object' || Array.isArray(exportsMap)) {
    fail('package.json "exports" is not a map of subpaths');
  }
  return Object.keys(exportsMap)
    .filter((key) => key !== './package.json')
    .map((key) => {
      const types = typesOf(exportsMap[key]);
      if (types === undefined) fail(`package.json "exports" entry "${key}" has no .d.ts (an "import" → "types" condition)`);
      const subpath = key.replace(/^\.\/?/, '');
      const id = subpath === '' ? 'root' : subpath.replaceAll('/', '-');
      return {
        key,
        id,
        specifier: subpath === '' ? pkg.name : `${pkg.name}/${subpath}`,
        modelName: subpath === '' ? pkg.name : `${pkg.name}.${subpath.replaceAll('/', '.')}`,
        dts: join(root, types),
      };
    })
    .sort((a, b) => (a.id === 'root' ? -1 : b.id === 'root' ? 1 : a.id.localeCompare(b.id, 'en')));
}

/** The declaration file of one "exports" value: `import.types`, else `types`, else a string ending in .d.ts. */
function typesOf(value) {
  if (typeof value === 'string') return value.endsWith('.d.ts') ? value : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  if (typeof value.import === 'object' && value.import !== null && typeof value.import.types === 'string') return value.import.types;
  if (typeof value.types === 'string') return value.types;
  return typeof value.import === 'string' ? typesOf(value.import) : undefined;
}

/** Every entry's .d.ts exists, and no source file under src/ is newer than the build. */
function assertBuilt(list) {
  const missing = list.filter((entry) => !existsSync(entry.dts));
  if (missing.length > 0) {
    const what = missing.map((entry) => `  ${rel(entry.dts)} (exports "${entry.key}")`).join('\n');
    fail(`the declarations of these entry points are missing:\n${what}\nRun \`npm run build\` first.`);
  }
  const builtAt = Math.min(...list.map((entry) => statSync(entry.dts).mtimeMs));
  const newer = newestSource(join(root, 'src'));
  if (newer !== undefined && newer.mtimeMs > builtAt) {
    fail(`${rel(newer.path)} is newer than dist/: run \`npm run build\` first, so the report describes the current source.`);
  }
}

/** The most recently modified .ts file under `dir` (the playground app is not part of the package). */
function newestSource(dir) {
  let newest;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (path === join(root, 'src', 'playground')) continue;
    const stat = statSync(path);
    const candidate = stat.isDirectory() ? newestSource(path) : name.endsWith('.ts') ? { path, mtimeMs: stat.mtimeMs } : undefined;
    if (candidate !== undefined && (newest === undefined || candidate.mtimeMs > newest.mtimeMs)) newest = candidate;
  }
  return newest;
}

function rel(path) {
  return relative(root, path).replaceAll('\\', '/');
}

function fail(message) {
  console.error(`api-report: ${message}`);
  process.exit(1);
}

// ---- analysis: one API Extractor run per entry, all on one TypeScript program ----

const configPath = join(apiDir, 'api-extractor.json');
const baseConfig = ExtractorConfig.loadFile(configPath);
const tsdocConfigFile = TSDocConfigFile.loadFile(join(apiDir, 'tsdoc.json'));
if (tsdocConfigFile.hasErrors) fail(`api/tsdoc.json: ${tsdocConfigFile.getErrorSummary()}`);

rmSync(tmpDir, { recursive: true, force: true });
const reportTmp = join(tmpDir, 'report');
const modelTmp = join(tmpDir, 'model');

const prepared = entries.map((entry) => {
  const configObject = structuredClone(baseConfig);
  configObject.mainEntryPointFilePath = entry.dts;
  configObject.apiReport = { ...configObject.apiReport, enabled: mode !== 'docs', reportFileName: entry.id };
  configObject.docModel = { ...configObject.docModel, apiJsonFilePath: join(modelTmp, `${entry.id}.api.json`) };
  const config = ExtractorConfig.prepare({
    configObject,
    configObjectFullPath: configPath,
    packageJsonFullPath: packageJsonPath,
    packageJson: { ...packageJson, name: entry.modelName },
    tsdocConfigFile,
  });
  return { entry, config };
});

const compilerState = CompilerState.create(prepared[0].config, { additionalEntryPoints: entries.map((entry) => entry.dts) });

/** Messages about doc comments rather than the API: counted, listed with --verbose, never in a report. */
const DOC_REFERENCE_MESSAGES = new Set([
  'ae-unresolved-link',
  'ae-unresolved-inheritdoc-reference',
  'ae-unresolved-inheritdoc-base',
  'ae-cyclic-inherit-doc',
]);
/** Doc-comment findings, once per comment position (the root entry re-exports what the barrels declare). */
const docFindings = new Map();
let errorCount = 0;
let warningCount = 0;

for (const { entry, config } of prepared) {
  const result = Extractor.invoke(config, {
    localBuild: true,
    compilerState,
    showVerboseMessages: verbose,
    messageCallback: (message) => {
      if (message.category === ExtractorMessageCategory.TSDoc || DOC_REFERENCE_MESSAGES.has(message.messageId)) {
        const where = `${rel(resolve(root, message.sourceFilePath ?? ''))}:${message.sourceFileLine}:${message.sourceFileColumn}`;
        docFindings.set(`${where} ${message.messageId}`, { where, id: message.messageId, text: message.text });
        message.handled = true;
        return;
      }
      if (message.category === ExtractorMessageCategory.Console && !verbose) {
        // The preamble, "newer TypeScript" notice and file-writing log: not useful on every run.
        if (message.logLevel === ExtractorLogLevel.Info || message.logLevel === ExtractorLogLevel.Verbose) message.handled = true;
        // The report folder is the temp folder; this script compares and copies (below).
        if (String(message.messageId).startsWith('console-api-report-')) message.handled = true;
      }
      if (!message.handled && (message.logLevel === ExtractorLogLevel.Error || message.logLevel === ExtractorLogLevel.Warning)) {
        message.text = `[${entry.specifier}] ${message.text}`;
      }
    },
  });
  errorCount += result.errorCount;
  warningCount += result.warningCount;
}

if (errorCount > 0) fail(`API Extractor reported ${errorCount} error(s) (above).`);

// ---- the reports: compare with, or copy to, api/<entry>.api.md ----

/**
 * One report as checked in: the header names the entry (`chat-client-rx/codecs`) rather than the
 * doc model's package name, and the closing "Warnings were encountered during analysis" list
 * names the file without line and column, so editing a doc comment does not change the report.
 */
function reportText(entry) {
  const text = readFileSync(join(reportTmp, `${entry.id}${REPORT_SUFFIX}`), 'utf8').replaceAll('\r\n', '\n');
  return text
    .replace(/^## API Report File for ".*"$/m, `## API Report File for "${entry.specifier}"`)
    .replace(/^(\/\/ \S+\.d\.ts):\d+:\d+ - /gm, '$1 - ');
}

/** The names of the ae-forgotten-export warnings in one report, once each. */
function forgottenExports(text) {
  return [...new Set([...text.matchAll(/\(ae-forgotten-export\) The symbol "([^"]+)"/g)].map((match) => match[1]))];
}

/** The names each entry exports, read from its report (`export … Name`). */
function exportedNames(text) {
  return new Set(
    [...text.matchAll(/^export (?:declare )?(?:abstract )?(?:const|let|var|function|class|interface|type|enum|namespace) (\w+)/gm)].map(
      (m) => m[1],
    ),
  );
}

/** A short line diff: removed and added lines, in the order they appear. */
function lineDiff(before, after, limit = 40) {
  const beforeLines = before.split('\n');
  const afterLines = after.split('\n');
  const beforeSet = new Set(beforeLines);
  const afterSet = new Set(afterLines);
  const lines = [
    ...beforeLines.filter((line) => !afterSet.has(line)).map((line) => `    - ${line}`),
    ...afterLines.filter((line) => !beforeSet.has(line)).map((line) => `    + ${line}`),
  ];
  if (lines.length === 0) lines.push('    (the same lines in another order)');
  return lines.length > limit ? [...lines.slice(0, limit), `    … ${lines.length - limit} more lines`].join('\n') : lines.join('\n');
}

/** Forgotten exports: `elsewhere` names the entry that does export the name (the type is public, from another path). */
const forgotten = [];
let reportsChanged = false;
if (mode !== 'docs') {
  const changed = [];
  const expectedFiles = new Set(entries.map((entry) => `${entry.id}${REPORT_SUFFIX}`));
  const reports = new Map(entries.map((entry) => [entry, reportText(entry)]));
  const exported = new Map(entries.map((entry) => [entry, exportedNames(reports.get(entry))]));
  for (const entry of entries) {
    const actual = reports.get(entry);
    for (const name of forgottenExports(actual)) {
      const elsewhere = entries.find((other) => other !== entry && exported.get(other).has(name));
      forgotten.push({ entry, name, elsewhere });
    }
    const file = join(apiDir, `${entry.id}${REPORT_SUFFIX}`);
    const expected = existsSync(file) ? readFileSync(file, 'utf8').replaceAll('\r\n', '\n') : undefined;
    if (expected === actual) continue;
    changed.push({ entry, file, expected, actual });
    if (mode === 'report') writeFileSync(file, actual);
  }
  const stale = readdirSync(apiDir).filter((name) => name.endsWith(REPORT_SUFFIX) && !expectedFiles.has(name));
  if (mode === 'report') for (const name of stale) rmSync(join(apiDir, name));
  reportsChanged = changed.length > 0 || stale.length > 0;

  if (mode === 'report') {
    for (const { entry, file, expected } of changed)
      console.log(`api-report: ${expected === undefined ? 'created' : 'updated'} ${rel(file)} (${entry.specifier})`);
    for (const name of stale) console.log(`api-report: removed api/${name} (no such entry in package.json "exports")`);
  } else if (changed.length > 0 || stale.length > 0) {
    for (const { entry, file, expected, actual } of changed) {
      if (expected === undefined)
        console.error(`api:check: ${rel(file)} is missing: the entry "${entry.key}" (${entry.specifier}) has no checked-in report.`);
      else
        console.error(
          `api:check: the public API of ${entry.specifier} (exports "${entry.key}") differs from ${rel(file)} (- checked in, + built):\n${lineDiff(expected, actual)}`,
        );
    }
    for (const name of stale) console.error(`api:check: api/${name} describes an entry that package.json "exports" no longer has.`);
    console.error(
      '\napi:check: the public API changed. If the change is intended, run `npm run build && npm run api:report` and commit api/*.api.md ' +
        '(and say so in CHANGELOG.md); if not, undo the change in src/.',
    );
    process.exit(1);
  }
}

// ---- docs: api-documenter's markdown from the doc models ----

if (mode === 'docs') {
  const documenter = join(root, 'node_modules', '@microsoft', 'api-documenter', 'bin', 'api-documenter');
  defaultValueTags();
  rmSync(docsDir, { recursive: true, force: true });
  mkdirSync(docsDir, { recursive: true });
  try {
    const out = execFileSync(process.execPath, [documenter, 'markdown', '--input-folder', modelTmp, '--output-folder', docsDir], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (verbose) process.stdout.write(out);
  } catch (error) {
    process.stderr.write(`${error.stdout ?? ''}${error.stderr ?? ''}`);
    fail('api-documenter failed (above).');
  }
  renameModelPackages();
  // package.json "files" publishes docs/: a .npmignore inside the generated folder keeps it out of the package.
  writeFileSync(join(docsDir, '.npmignore'), '# Generated by `npm run docs` (scripts/api-report.mjs); not published.\n*\n');
  console.log(
    `api-report: wrote the API reference to ${rel(docsDir)}/index.md (${readdirSync(docsDir).filter((name) => name.endsWith('.md')).length} pages)`,
  );
}

/**
 * The doc comments say `@default value` (JSDoc, the house style); TSDoc and api-documenter call it
 * `@defaultValue` and render it as "Default Value". Rewritten in the doc models only.
 */
function defaultValueTags() {
  for (const name of readdirSync(modelTmp)) {
    const path = join(modelTmp, name);
    const model = JSON.parse(readFileSync(path, 'utf8'));
    const visit = (item) => {
      if (typeof item.docComment === 'string') item.docComment = item.docComment.replace(/@default(?![\w-])/g, '@defaultValue');
      for (const member of item.members ?? []) visit(member);
    };
    visit(model);
    writeFileSync(path, JSON.stringify(model, null, 2));
  }
}

/** The doc model names a subpath entry `chat-client-rx.codecs` (npm names have no "/"); readers see `chat-client-rx/codecs`. */
function renameModelPackages() {
  const renames = entries.filter((entry) => entry.modelName !== entry.specifier);
  for (const name of readdirSync(docsDir)) {
    const path = join(docsDir, name);
    const before = readFileSync(path, 'utf8');
    let text = before;
    for (const entry of renames) {
      // Link targets (`./chat-client-rx.codecs.decodeerror.md`) keep the file name; the visible text gets the specifier.
      const modelName = new RegExp(`(?<!\\./)${entry.modelName.replaceAll('.', '\\.')}(?![\\w.-])`, 'g');
      text = text.replace(modelName, entry.specifier);
    }
    if (text !== before) writeFileSync(path, text);
  }
}

// ---- summary ----

const seconds = ((performance.now() - started) / 1000).toFixed(1);
const byId = new Map();
const findings = [...docFindings.values()].sort((a, b) => a.where.localeCompare(b.where, 'en', { numeric: true }));
for (const finding of findings) byId.set(finding.id, (byId.get(finding.id) ?? 0) + 1);
const findingSummary = [...byId].map(([id, count]) => `${id} ×${count}`).join(', ');
console.log(`api-report: ${mode}: ${entries.length} entries (${entries.map((entry) => entry.id).join(', ')}) in ${seconds} s`);
if (forgotten.length > 0) {
  const own = forgotten.filter((item) => item.elsewhere === undefined);
  console.log(
    `api-report: ${forgotten.length} forgotten export(s) (types in a public signature that the entry does not export; ` +
      `marked in api/*.api.md), ${own.length} of them exported by no entry${mode === 'report' || verbose ? ':' : ''}`,
  );
  // CI's log (check) gets the count; `npm run api:report` and --verbose list them.
  if (mode === 'report' || verbose) {
    for (const { entry, name, elsewhere } of forgotten) {
      console.log(`  ${entry.specifier}: ${name}${elsewhere === undefined ? '' : ` (exported by ${elsewhere.specifier})`}`);
    }
  }
}
if (findings.length > 0) {
  console.log(
    `api-report: ${findings.length} doc-comment finding(s), not part of the reports (${findingSummary})${verbose ? ':' : '; --verbose lists them'}`,
  );
  if (verbose) for (const finding of findings) console.log(`  ${finding.where} (${finding.id}) ${finding.text}`);
}
if (warningCount > 0) console.log(`api-report: ${warningCount} API Extractor warning(s) (above)`);
if (mode === 'report' && !reportsChanged) console.log('api-report: api/*.api.md were already up to date.');
if (mode === 'check') console.log('api:check: every report in api/ matches the build.');
