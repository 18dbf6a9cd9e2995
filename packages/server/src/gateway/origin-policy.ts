/**
 * Which browser origins may open a socket. Non-browser clients send no Origin and are allowed
 * (they authenticate with a token like everyone else; Origin only guards against other sites' pages).
 */
import type { IncomingMessage } from 'node:http';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export interface OriginPolicyOptions {
  /** Extra origins like `https://chat.example.com`, besides the server's own. */
  allowed: string[] | undefined;
  /** Outside production, any localhost origin is allowed too (Vite dev server, tests). */
  allowLocalhost: boolean;
}

export function originAllowed(request: IncomingMessage, options: OriginPolicyOptions): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  // The server's own origin (the page it served) is always allowed.
  if (url.host === request.headers.host) return true;
  if (options.allowed?.includes(url.origin)) return true;
  return options.allowLocalhost && LOCAL_HOSTS.has(url.hostname);
}
