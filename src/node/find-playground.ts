import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The root of the chat-client-rx package the running script (`bin/chat-rx.mjs`) belongs to. */
function packageRoot(script: string | undefined): string | undefined {
  if (script === undefined) return undefined;
  let dir: string;
  try {
    dir = dirname(realpathSync(script));
  } catch {
    return undefined;
  }
  for (let depth = 0; depth < 5; depth += 1) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'chat-client-rx') return dir;
      } catch {
        // not ours; keep looking
      }
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

/**
 * Where the playground page is for `chat-rx gateway`: in a clone (sources present) it is built
 * afresh into `dist/playground` (under a second, with esbuild; the sources run through tsx there,
 * so the page is never stale); an installed package ships `dist/playground`. Resolves
 * `undefined` when there is none (and `warn` says why when a build failed).
 *
 * @param script the running script, to find the package root from. @default process.argv[1]
 */
export async function findPlayground(
  script: string | undefined = process.argv[1],
  warn: (message: string) => void = () => undefined,
): Promise<string | undefined> {
  const root = packageRoot(script);
  if (root === undefined) return undefined;
  const dir = join(root, 'dist', 'playground');
  const builder = join(root, 'src', 'playground', 'build-playground.ts');
  if (existsSync(builder)) {
    try {
      const { buildPlayground } = (await import(pathToFileURL(builder).href)) as typeof import('../playground/build-playground.js');
      await buildPlayground({ root, outDir: dir });
    } catch (error) {
      warn(`could not build the playground page: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return existsSync(join(dir, 'index.html')) ? dir : undefined;
}
