/**
 * `url` when it is safe to put in an `<a href>`: an absolute `http:` or `https:` URL (a relative
 * one is resolved against `base`). Anything else — `javascript:`, `data:`, `vbscript:`, a URL
 * that does not parse — gives `undefined`, and the caller renders no link. A file block's
 * `source.url` is whatever its sender wrote: neither the gateway nor the codecs restrict it.
 *
 * @example
 * ```ts
 * safeHref('https://cdn.example.com/a.pdf', location.href); // "https://cdn.example.com/a.pdf"
 * safeHref('javascript:alert(1)', location.href);           // undefined
 * ```
 */
export function safeHref(url: string, base: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url, base);
  } catch {
    return undefined;
  }
  return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined;
}
