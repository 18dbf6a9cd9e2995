/**
 * Security headers on every HTTP response (HTML, assets, API JSON, file downloads, 404s, errors),
 * set with @fastify/helmet from one policy spelled out here. What each part defends:
 *
 * Content-Security-Policy (the web app is one bundle of its own scripts and one stylesheet):
 * - `default-src 'self'`: anything not named below (fonts, manifests, workers) only from our origin.
 * - `script-src 'self'`: no inline script, no eval, no third-party script: an injected `<script>`
 *   or `onerror=` attribute (stored XSS in a message, a file name) does not run.
 * - `style-src 'self' 'unsafe-inline'`: our stylesheet, plus the `<style>` element sonner (the toast
 *   library) injects at run time. Inline style cannot run script; the cost is CSS-only tricks.
 * - `img-src 'self' data: blob:` / `media-src 'self' blob:`: attachments come from our signed
 *   links; `blob:` is the local preview of a file being uploaded or recorded, `data:` small inline
 *   images. No tracking pixels or hot-linked media from elsewhere.
 * - `connect-src 'self'`: fetch and the socket only to our origin, so injected code cannot ship
 *   tokens or messages elsewhere. CSP3 `'self'` also matches ws:/wss: of our own host and port
 *   (checked in Chromium by apps/web/test/security.test.ts), which is the socket at `/ws`.
 * - `frame-ancestors 'none'` (and `X-Frame-Options: DENY` for old browsers): no clickjacking.
 * - `object-src 'none'`: no plugins. `base-uri 'self'`: an injected `<base>` cannot re-point our
 *   relative script URLs. `form-action 'self'`: an injected form cannot post to another site.
 *   No `upgrade-insecure-requests`: it would turn the socket of a plain-http localhost into wss.
 *
 * `X-Content-Type-Options: nosniff`: a download is rendered as its declared type, never sniffed
 * into HTML or script. `Referrer-Policy: same-origin`: page URLs (conversation ids) and signed
 * file-link queries never leave in a Referer to another site, while same-origin requests keep a
 * real `Origin` header: under `no-referrer` the Fetch standard has a same-origin POST carry
 * `Origin: null` (Chromium sends the origin anyway), which the cookie-flow auth routes refuse.
 * `Strict-Transport-Security` only on requests that came over TLS (`request.protocol`): sent on
 * plain-http localhost it would pin the developer's browser to https for a year.
 * Cross-Origin-Opener-Policy and Cross-Origin-Resource-Policy `same-origin` (helmet's defaults)
 * keep other sites from holding a window reference to the app or embedding its files.
 */
import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/** The Content-Security-Policy directives, in the order they are sent. */
export const CSP_DIRECTIVES = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'media-src': ["'self'", 'blob:'],
  'connect-src': ["'self'"],
  'frame-ancestors': ["'none'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
} as const satisfies Record<string, readonly string[]>;

/** HSTS value for TLS requests: a year, subdomains included; no `preload` (an operator's choice). */
export const HSTS_VALUE = 'max-age=31536000; includeSubDomains';

/** Register the headers on `app` (root scope: every route registered after this gets them). */
export async function installSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(fastifyHelmet, {
    global: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: Object.fromEntries(Object.entries(CSP_DIRECTIVES).map(([name, values]) => [name, [...values]])),
    },
    referrerPolicy: { policy: 'same-origin' },
    xFrameOptions: { action: 'deny' },
    // Set below, per request: only when the request came over TLS.
    strictTransportSecurity: false,
  });
  app.addHook('onRequest', (request, reply, done) => {
    if (request.protocol === 'https') reply.header('strict-transport-security', HSTS_VALUE);
    done();
  });
}
