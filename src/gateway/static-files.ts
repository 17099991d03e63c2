import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';

/** Content types of the files a static site is made of; anything else is `application/octet-stream`. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** Paths that belong to the gateway itself and are never looked up on disk. */
const GATEWAY_PATHS = /^\/(api|hubs|health|_test)(\/|$)/;

/**
 * A handler that serves the files of `dir` (the playground page) at `/`: `GET /` is
 * `index.html`, `GET /app.js` is `dir/app.js`, with the content type of the extension. Only
 * `GET` and `HEAD`, only regular files inside `dir` (`..`, encoded or not, and backslashes are
 * refused), never the gateway's own paths (`/api`, `/hubs`, `/health`, `/_test`).
 *
 * Resolves `true` when it answered, `false` when the request is not for a file it has (the
 * caller answers, e.g. with its 404).
 *
 * @example
 * ```ts
 * const files = serveStaticFiles('dist/playground');
 * if (!(await files(req, res, url))) notFound(res);
 * ```
 */
export function serveStaticFiles(dir: string): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean> {
  const root = resolve(dir);
  return async (req, res, url) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || GATEWAY_PATHS.test(url.pathname)) return false;
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      return false;
    }
    if (path.endsWith('/')) path += 'index.html';
    if (path.includes('\0') || path.includes('\\') || path.split('/').some((segment) => segment === '..')) return false;
    const file = resolve(root, `.${path}`);
    if (!file.startsWith(root + sep)) return false;
    try {
      if (!(await stat(file)).isFile()) return false;
      const body = await readFile(file);
      res.writeHead(200, {
        'Content-Type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'Content-Length': body.length,
        'Cache-Control': 'no-cache',
        'X-Content-Type-Options': 'nosniff',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
      return true;
    } catch {
      return false;
    }
  };
}
