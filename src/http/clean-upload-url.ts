import { InvalidArgumentError } from '../core/invalid-argument-error.js';

/** `scheme:` at the start of a URL (RFC 3986). */
const SCHEME = /^[a-z][a-z\d+.-]*:/i;

/**
 * The clean URL of a presigned upload URL — what the seed 000 SDK puts into a message after the
 * `PUT`: the URL without its query string (the signature and other temporary credentials) and
 * fragment, `${protocol}//${host}${pathname}`. Pure: nothing is sent.
 *
 * - An absolute `http:`/`https:` URL is parsed (WHATWG URL): the scheme and host are lower-cased,
 *   a default port is dropped, the path's dot-segments are resolved and unsafe characters
 *   percent-encoded, and any `user:password@` is dropped with the query.
 * - A relative URL (`/api/files/upload/…?sig=…`, `//cdn.example.com/a.png?…`) is NOT resolved
 *   against anything: it is returned as given up to its first `?` or `#`. The Chat Gateway's own
 *   upload URLs are relative, and its upload path is not where the file is served: for those,
 *   use the upload's `response.downloadUrl` or `files.getDownloadUrl(storageKey)`.
 * - Whether the storage host serves the file at the clean URL (a public bucket or CDN) is the
 *   storage's business; the Chat Gateway serves every file at `GET /api/files/{storageKey}`.
 *
 * @throws InvalidArgumentError (`presignedUrl`) for an empty or non-string value, an absolute URL
 * with another scheme (`data:`, `blob:`, `ftp:`…), or one that cannot be parsed.
 * @example
 * ```ts
 * cleanUploadUrl('https://cdn.example.com/01HX/a.png?X-Amz-Signature=abc'); // "https://cdn.example.com/01HX/a.png"
 * cleanUploadUrl('/api/files/upload/01HX?expires=1&signature=x');           // "/api/files/upload/01HX"
 * ```
 */
export function cleanUploadUrl(presignedUrl: string): string {
  if (typeof presignedUrl !== 'string' || presignedUrl.trim() === '') {
    throw new InvalidArgumentError('presignedUrl', 'expected a non-empty URL string');
  }
  const scheme = SCHEME.exec(presignedUrl)?.[0].toLowerCase();
  if (scheme === undefined) {
    const end = presignedUrl.search(/[?#]/);
    return end === -1 ? presignedUrl : presignedUrl.slice(0, end);
  }
  if (scheme !== 'http:' && scheme !== 'https:') {
    throw new InvalidArgumentError('presignedUrl', `expected an http(s) URL or a relative one, got a ${scheme} URL`);
  }
  let url: URL;
  try {
    url = new URL(presignedUrl);
  } catch {
    throw new InvalidArgumentError('presignedUrl', 'is not a valid URL');
  }
  return `${url.protocol}//${url.host}${url.pathname}`;
}
