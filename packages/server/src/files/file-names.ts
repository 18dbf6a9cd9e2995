/**
 * File names from clients, made safe to store and to put in a `Content-Disposition` header.
 * Invariant: a stored name has no path, no control characters and at most 255 characters; the
 * header's plain `filename` is ASCII without quotes or backslashes, and `filename*` carries the
 * full name percent-encoded (RFC 6266 / 8187).
 */

/** The last path segment of a client-supplied name, without control characters; never empty. */
export function safeFileName(raw: string | undefined): string {
  const base = (raw ?? '').split(/[/\\]/).pop() ?? '';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  const cleaned = base.replace(/[\u0000-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/g, '').trim();
  const name = cleaned === '' || cleaned === '.' || cleaned === '..' ? 'file' : cleaned;
  return [...name].slice(0, 255).join('');
}

/** `inline` or `attachment`, with an ASCII fallback name and the UTF-8 name. */
export function contentDisposition(disposition: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7E]/g, '_').replace(/["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
