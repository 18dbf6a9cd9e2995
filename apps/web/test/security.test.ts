/**
 * Browser credentials and headers, end to end in headless Chromium against a real server serving
 * the built app: the security headers on every kind of response, the app working under its CSP
 * (sign up, chat, admin, a toast) with no violation reported, the refresh token only in an httpOnly
 * SameSite=Strict cookie (no token in localStorage or sessionStorage, a reload stays signed in), and
 * a sign-out in one tab sending every tab of the browser to /login with its socket closed.
 */
import type { AuthResponse, FileInfo } from '@herald/protocol';
import { ApiClient, chromiumAvailable, startTestServer, type TestServer } from '@herald/testkit';
import type { Browser, Page, WebSocket } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailFor, launch, openUser, signIn, signUp, type UserPage, waitForStatus } from './helpers/browser';
import { makePng } from './helpers/png';
import { ensureWebBuild } from './helpers/web-build';

const hasChromium = await chromiumAvailable();

/** What every response must carry (over plain http: no HSTS). */
function expectSecurityHeaders(headers: Headers, what: string): void {
  const csp = headers.get('content-security-policy') ?? '';
  expect(csp, `${what}: CSP`).toContain("default-src 'self'");
  expect(csp, `${what}: CSP`).toContain("script-src 'self';");
  expect(csp, `${what}: CSP`).toContain("frame-ancestors 'none'");
  expect(csp, `${what}: CSP`).toContain("connect-src 'self'");
  expect(csp, `${what}: CSP`).toContain("object-src 'none'");
  expect(headers.get('x-content-type-options'), `${what}: nosniff`).toBe('nosniff');
  expect(headers.get('referrer-policy'), `${what}: Referrer-Policy`).toBe('same-origin');
  expect(headers.get('strict-transport-security'), `${what}: no HSTS over http`).toBeNull();
}

interface WatchedPage extends UserPage {
  /** Console lines of any level that mention the Content Security Policy. */
  cspConsole: string[];
  /** `securitypolicyviolation` events seen by the page (read with `violations()`). */
  violations(): Promise<string[]>;
  /** Access tokens the page received from the auth routes. */
  accessTokens: string[];
  /** Refresh tokens the page received in a JSON body (the cookie flow sends none). */
  bodyRefreshTokens: string[];
  /** The page's WebSockets, as Playwright sees them. */
  webSockets: WebSocket[];
}

describe.skipIf(!hasChromium)('browser credentials and security headers', () => {
  let server: TestServer;
  let browser: Browser;
  let bea: AuthResponse;
  let adminEmail: string;

  beforeAll(async () => {
    const dist = await ensureWebBuild();
    server = await startTestServer({ env: { HERALD_WEB_DIR: dist } });
    // The first account is the admin the CSP test signs in as; Bea is someone to talk to.
    const api = new ApiClient(server.url);
    adminEmail = emailFor('Ada');
    await api.rest.auth.register({ body: { email: adminEmail, password: 'correct horse battery', name: 'Ada' } });
    bea = await api.register('Bea');
    browser = await launch();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.destroy();
  }, 90_000);

  async function watch(user: UserPage, page: Page = user.page): Promise<WatchedPage> {
    const watched: WatchedPage = {
      ...user,
      page,
      cspConsole: [],
      accessTokens: [],
      bodyRefreshTokens: [],
      webSockets: [],
      violations: () => page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations ?? []),
    };
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (event) => {
        seen.push(
          `${event.violatedDirective} blocked ${event.blockedURI || 'inline'} at ${event.sourceFile}:${event.lineNumber}:${event.columnNumber} ${event.sample}`,
        );
      });
    });
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) watched.cspConsole.push(message.text());
    });
    page.on('response', async (response) => {
      if (!response.url().includes('/api/v1/auth/') || response.status() >= 300 || response.request().method() !== 'POST') return;
      const body = (await response.json().catch(() => null)) as { accessToken?: string; refreshToken?: string } | null;
      if (body?.accessToken) watched.accessTokens.push(body.accessToken);
      if (body?.refreshToken) watched.bodyRefreshTokens.push(body.refreshToken);
    });
    page.on('websocket', (socket) => watched.webSockets.push(socket));
    return watched;
  }

  /** Every value in the page's localStorage and sessionStorage, as `area key=value`. */
  function storedValues(page: Page): Promise<string[]> {
    return page.evaluate(() =>
      (['localStorage', 'sessionStorage'] as const).flatMap((area) => {
        const storage = window[area];
        return Array.from({ length: storage.length }, (_, i) => storage.key(i) ?? '').map(
          (key) => `${area} ${key}=${storage.getItem(key)}`,
        );
      }),
    );
  }

  it('sends the CSP, nosniff and Referrer-Policy on the HTML, a script, API JSON and a file download', async () => {
    const html = await fetch(`${server.url}/chat`);
    const page = await html.text();
    expectSecurityHeaders(html.headers, 'HTML');
    const script = page.match(/src="(\/assets\/[^"]+\.js)"/)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${server.url}${script}`);
    expect(asset.status).toBe(200);
    expectSecurityHeaders(asset.headers, 'script');
    // The bundle names no source map (they are built hidden).
    expect(await asset.text()).not.toContain('sourceMappingURL');

    const health = await fetch(`${server.url}/api/v1/health`);
    expect(health.headers.get('content-type')).toMatch(/application\/json/);
    expectSecurityHeaders(health.headers, 'API JSON');

    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(makePng(4, 4))], { type: 'image/png' }), 'dot.png');
    const uploaded = await fetch(`${server.url}/api/v1/files/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bea.accessToken}` },
      body: form,
    });
    const { file } = (await uploaded.json()) as { file: FileInfo };
    const download = await fetch(`${server.url}/api/v1/files/${file.id}`, { headers: { authorization: `Bearer ${bea.accessToken}` } });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toMatch(/^inline/);
    expectSecurityHeaders(download.headers, 'file download');
  });

  it('runs the app under the CSP: sign in, chat, admin and a toast, with no violation', async () => {
    const ada = await watch(await openUser(browser, server.url));
    await signIn(ada, adminEmail);
    await waitForStatus(ada.page, 'connected');

    await ada.page.getByRole('button', { name: 'New conversation' }).click();
    const dialog = ada.page.getByRole('dialog', { name: 'New conversation' });
    await dialog.getByLabel('Search people by name, or type an exact email').fill('Bea');
    await dialog.getByRole('button', { name: /Bea/ }).click();
    await ada.page.waitForURL(/\/chat\/[^/]+$/);
    const composer = ada.page.getByLabel('Message', { exact: true });
    await composer.fill('Hello under a strict CSP');
    await composer.press('Enter');
    await ada.page.getByTestId('message-text').filter({ hasText: 'Hello under a strict CSP' }).waitFor();

    await ada.page.getByRole('link', { name: 'Admin' }).click();
    await ada.page.getByRole('heading', { name: 'Administration' }).waitFor();
    await ada.page.locator('[data-testid="stat-connections"] polyline').waitFor({ state: 'attached', timeout: 10_000 });
    // A toast: sonner injects its stylesheet at run time, which the CSP must let through.
    await ada.page.getByLabel('Title').fill('CSP check');
    await ada.page.getByLabel('Message', { exact: true }).fill('Toasts are styled');
    await ada.page.getByRole('button', { name: 'Send notification' }).click();
    const toast = ada.page.locator('[data-sonner-toast]').first();
    await toast.waitFor();
    expect(await toast.evaluate((element) => getComputedStyle(element).position)).toBe('absolute');

    expect(await ada.violations()).toEqual([]);
    expect(ada.cspConsole).toEqual([]);
    expect(ada.errors).toEqual([]);

    // The watch does catch a violation (so the checks above can fail): an injected inline script is refused.
    await ada.page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__injected = true';
      document.body.append(script);
    });
    await expect.poll(() => ada.violations()).toEqual([expect.stringMatching(/^script-src(-elem)? blocked inline /)]);
    expect(await ada.page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected)).toBeUndefined();
    await ada.context.close();
  }, 60_000);

  it('keeps the refresh token in an httpOnly SameSite=Strict cookie and no token in web storage; a reload stays signed in', async () => {
    const cleo = await watch(await openUser(browser, server.url));
    // A token a previous version left in localStorage is deleted on start.
    await cleo.page.addInitScript(() => {
      if (!sessionStorage.getItem('seeded')) localStorage.setItem('herald.refreshToken', 'legacy-token');
      sessionStorage.setItem('seeded', '1');
    });
    await signUp(cleo, 'Cleo');
    await waitForStatus(cleo.page, 'connected');

    const cookies = (await cleo.context.cookies()).filter((cookie) => cookie.name === 'herald_refresh');
    expect(cookies).toHaveLength(1);
    const [cookie] = cookies;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/v1/auth', secure: false });
    expect(cookie?.value.length).toBeGreaterThan(20);
    // Script cannot read it.
    expect(await cleo.page.evaluate(() => document.cookie)).not.toContain('herald_refresh');
    expect(cleo.bodyRefreshTokens).toEqual([]);
    expect(cleo.accessTokens.length).toBeGreaterThan(0);

    const stored = (await storedValues(cleo.page)).join('\n');
    expect(stored).not.toContain(cookie?.value);
    for (const token of cleo.accessTokens) expect(stored).not.toContain(token);
    expect(stored).not.toMatch(/token/i);

    // A reload signs in again from the cookie (which rotates), never through /login.
    const navigations: string[] = [];
    cleo.page.on('framenavigated', (frame) => {
      if (frame === cleo.page.mainFrame()) navigations.push(new URL(frame.url()).pathname);
    });
    await cleo.page.reload();
    await waitForStatus(cleo.page, 'connected');
    await cleo.page.getByRole('heading', { name: 'Conversations' }).waitFor();
    expect(navigations).not.toContain('/login');
    const rotated = (await cleo.context.cookies()).find((c) => c.name === 'herald_refresh');
    expect(rotated?.value).not.toBe(cookie?.value);
    const afterReload = (await storedValues(cleo.page)).join('\n');
    for (const token of [...cleo.accessTokens, rotated?.value ?? '']) expect(afterReload).not.toContain(token);
    expect(afterReload).not.toMatch(/token/i);
    expect(await cleo.violations()).toEqual([]);
    await cleo.context.close();
  }, 60_000);

  it('signing out in one tab sends the other tabs to /login and closes the socket they share', async () => {
    const first = await watch(await openUser(browser, server.url));
    await signUp(first, 'Dora');
    await waitForStatus(first.page, 'connected');
    const second = await watch(first, await first.context.newPage());
    await second.page.goto('/chat');
    await waitForStatus(second.page, 'connected');
    // The tabs share one socket (the leader tab's): whichever tab holds it, it must close.
    const open = [...first.webSockets, ...second.webSockets].filter((ws) => ws.url().endsWith('/ws') && !ws.isClosed());
    expect(open).toHaveLength(1);
    const closed = Promise.all(open.map((ws) => new Promise<void>((resolve) => ws.on('close', () => resolve()))));

    await first.page.getByRole('button', { name: 'Sign out' }).click();
    await first.page.waitForURL('**/login');
    await second.page.waitForURL('**/login', { timeout: 5_000 });
    await Promise.race([closed, new Promise((_, reject) => setTimeout(() => reject(new Error('the shared socket stayed open')), 5_000))]);
    // The cookie is gone and the session ended: a reload of either tab stays signed out.
    expect((await first.context.cookies()).filter((cookie) => cookie.name === 'herald_refresh')).toEqual([]);
    await second.page.reload();
    await second.page.getByRole('button', { name: 'Sign in', exact: true }).last().waitFor();
    expect(new URL(second.page.url()).pathname).toBe('/login');
    await first.context.close();
  }, 60_000);
});
