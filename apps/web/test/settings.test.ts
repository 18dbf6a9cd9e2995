/**
 * /settings end to end in Chromium against a real server: the signed-in devices of one user (three
 * browser contexts with different User-Agents) listed with "This device" on the asking one, one
 * device signed out from its row and then "all other devices", each leaving for /login with its
 * socket closed; the password change (checked in the form, a wrong current password shown on its
 * field, then a change that signs the other device out, after which only the new password works);
 * and the page at phone width in English and Chinese without horizontal overflow.
 * A page only leaves for /login on its own when the server closes its socket (it makes no other call
 * while idle), so reaching /login within seconds is the server's revocation reaching the browser.
 */
import { mkdirSync } from 'node:fs';
import { ApiClient, chromiumAvailable, startTestServer, type TestServer } from '@herald/testkit';
import type { Browser, Page, WebSocket } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailFor, launch, openUser, screenshot, signIn, signUp, type UserPage, unexpectedErrors, waitForStatus } from './helpers/browser';
import { ensureWebBuild } from './helpers/web-build';

const hasChromium = await chromiumAvailable();
const SHOTS = '/tmp/shots';

const WINDOWS_CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const MAC_FIREFOX = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:131.0) Gecko/20100101 Firefox/131.0';

/** The page's socket to /ws, once it has one. */
async function appSocket(page: Page): Promise<WebSocket> {
  return page.waitForEvent('websocket', { predicate: (ws) => ws.url().endsWith('/ws'), timeout: 15_000 });
}

function closedWithin(socket: WebSocket, ms: number, what: string): Promise<void> {
  if (socket.isClosed()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: the socket stayed open`)), ms);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * A signed-in page whose socket is open: the socket promise is taken before the navigation that
 * opens it, so the event cannot be missed.
 */
async function signedInWithSocket(user: UserPage, sign: () => Promise<unknown>): Promise<WebSocket> {
  const socket = appSocket(user.page);
  await sign();
  await waitForStatus(user.page, 'connected');
  return socket;
}

async function openSettings(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('heading', { name: 'Account and security' }).waitFor();
}

describe.skipIf(!hasChromium)('account settings in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let api: ApiClient;
  const pages: UserPage[] = [];

  beforeAll(async () => {
    const dist = await ensureWebBuild();
    server = await startTestServer({ env: { HERALD_WEB_DIR: dist, HERALD_RATE_PER_SECOND: '1000', HERALD_RATE_BURST: '1000' } });
    api = new ApiClient(server.url);
    await api.register('Admin'); // the first account is the admin; the users below are not
    browser = await launch();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.destroy();
  }, 90_000);

  async function open(options: Parameters<typeof openUser>[2] = {}): Promise<UserPage> {
    const user = await openUser(browser, server.url, options);
    pages.push(user);
    return user;
  }

  it('lists where you are signed in, this device marked, and signs one device and then all others out', async () => {
    const here = await open();
    const email = emailFor('Sam');
    await signUp(here, 'Sam', email);
    const windows = await open({ userAgent: WINDOWS_CHROME });
    const windowsSocket = await signedInWithSocket(windows, () => signIn(windows, email));
    const mac = await open({ userAgent: MAC_FIREFOX });
    const macSocket = await signedInWithSocket(mac, () => signIn(mac, email));

    const { page } = here;
    await openSettings(page);
    const rows = page.getByTestId('session');
    await expect.poll(() => rows.count()).toBe(3);
    // This device first, marked, with the normal sign-out; the others by their browser and system.
    const current = page.locator('[data-testid="session"][data-current]');
    expect(await current.count()).toBe(1);
    expect(await rows.first().getAttribute('data-current')).toBe('true');
    await current.getByText('This device', { exact: true }).waitFor();
    await current.getByTestId('session-device').getByText('Chrome on Linux').waitFor();
    await current.getByRole('button', { name: 'Sign out of this device' }).waitFor();
    await current.getByText(/^Active (now|\d+ minutes? ago)$/).waitFor();
    await current.getByText(/^Signed in /).waitFor();
    const row = (device: string) => rows.filter({ has: page.getByTestId('session-device').getByText(device, { exact: true }) });
    for (const device of ['Chrome on Windows', 'Firefox on macOS']) {
      expect(await row(device).count(), device).toBe(1);
      expect(await row(device).getByText('This device', { exact: true }).count(), device).toBe(0);
      await row(device).getByRole('button', { name: 'Sign out', exact: true }).waitFor();
    }
    // The other devices see themselves as "This device".
    await openSettings(windows.page);
    await windows.page
      .locator('[data-testid="session"][data-current]')
      .getByTestId('session-device')
      .getByText('Chrome on Windows', { exact: true })
      .waitFor();
    await windows.page.getByRole('link', { name: 'Chat' }).click();
    await waitForStatus(windows.page, 'connected');

    // One device, from its row.
    await row('Firefox on macOS').getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.locator('[data-sonner-toast]').getByText('Signed out of Firefox on macOS.').waitFor();
    await mac.page.waitForURL('**/login', { timeout: 10_000 });
    await closedWithin(macSocket, 5_000, 'the device signed out from its row');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await windows.page.getByRole('heading', { name: 'Conversations' }).isVisible()).toBe(true);

    // Every other device, after a confirmation; Cancel first changes nothing.
    await page.getByRole('button', { name: 'Sign out of all other devices' }).click();
    const confirm = page.getByRole('group', { name: 'Sign out of 1 other device? It needs the password to sign in again.' });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect(windows.page.url()).toMatch(/\/chat$/);
    await page.getByRole('button', { name: 'Sign out of all other devices' }).click();
    await confirm.getByRole('button', { name: 'Sign them out' }).click();
    await page.locator('[data-sonner-toast]').getByText('Signed out of 1 other device.').waitFor();
    await windows.page.waitForURL('**/login', { timeout: 10_000 });
    await closedWithin(windowsSocket, 5_000, 'the other device');
    await expect.poll(() => rows.count()).toBe(1);
    await page.getByText('You are signed in on this device only.').waitFor();
    expect(await page.getByRole('button', { name: 'Sign out of all other devices' }).count()).toBe(0);

    // The ended sessions stay ended (a reload finds no session); this device is still signed in.
    await windows.page.reload();
    await windows.page.getByRole('button', { name: 'Sign in', exact: true }).last().waitFor();
    expect(new URL(windows.page.url()).pathname).toBe('/login');
    await waitForStatus(page, 'connected');

    // This device's button is the normal sign-out.
    await page.getByRole('button', { name: 'Sign out of this device' }).click();
    await page.waitForURL('**/login');
    expect(unexpectedErrors(here.errors)).toEqual([]);
  }, 90_000);

  it('changes the password: checks the form, shows a wrong current password, then signs the other device out', async () => {
    const here = await open();
    const email = emailFor('Pat');
    await signUp(here, 'Pat', email);
    const other = await open({ userAgent: WINDOWS_CHROME });
    const otherSocket = await signedInWithSocket(other, () => signIn(other, email));
    const { page } = here;
    await openSettings(page);
    const form = page.getByRole('region', { name: 'Change password' });
    const submit = form.getByRole('button', { name: 'Change password' });

    // Caught before a round trip.
    await submit.click();
    await form.getByTestId('password-error-current').getByText('Enter your current password.').waitFor();
    await form.getByTestId('password-error-next').getByText('The new password needs at least 8 characters.').waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('current');
    await form.getByLabel('Current password').fill('not my password');
    await form.getByLabel('New password', { exact: true }).fill('a brand new secret');
    await form.getByLabel('Confirm new password').fill('a brand new secrex');
    await submit.click();
    await form.getByTestId('password-error-confirm').getByText('The two new passwords do not match.').waitFor();

    // The server's answer to a wrong current password, on its field; nothing else changed.
    await form.getByLabel('Confirm new password').fill('a brand new secret');
    await submit.click();
    await form.getByTestId('password-error-current').getByText('The current password is wrong.').waitFor();
    expect(await form.getByLabel('Current password').getAttribute('aria-invalid')).toBe('true');
    await waitForStatus(other.page, 'connected');

    await form.getByLabel('Current password').fill('correct horse battery');
    await submit.click();
    await page.locator('[data-sonner-toast]').getByText('Password changed. 1 other device was signed out.').waitFor();
    expect(await form.getByLabel('Current password').inputValue()).toBe('');
    await other.page.waitForURL('**/login', { timeout: 10_000 });
    await closedWithin(otherSocket, 5_000, 'the other device after the password change');
    await expect.poll(() => page.getByTestId('session').count()).toBe(1);
    await waitForStatus(page, 'connected');

    // Only the new password signs in, in the browser and over the API.
    await other.page.getByLabel('Email').fill(email);
    await other.page.getByLabel('Password').fill('correct horse battery');
    await other.page.getByRole('button', { name: 'Sign in', exact: true }).last().click();
    await other.page.getByRole('alert').getByText('Wrong email or password.').waitFor();
    await signIn(other, email, 'a brand new secret');
    const login = (password: string) =>
      api.request<{ error?: { code: string } }>('POST', '/api/v1/auth/login', { body: { email, password } });
    expect((await login('correct horse battery')).body.error?.code).toBe('invalid_credentials');
    expect((await login('a brand new secret')).status).toBe(200);
    // Chromium logs the refused attempt (401 invalid_credentials) as a failed resource; nothing else.
    expect(unexpectedErrors(here.errors, [/status of 401/])).toEqual([]);
  }, 90_000);

  it('fits a phone (390 px) in English and Chinese', async () => {
    mkdirSync(SHOTS, { recursive: true });
    const laptop = await open();
    const email = emailFor('Lin');
    await signUp(laptop, 'Lin', email);
    const phone = await open({ width: 390, height: 844, userAgent: WINDOWS_CHROME });
    await signIn(phone, email);
    const { page } = phone;
    await openSettings(page);
    await expect.poll(() => page.getByTestId('session').count()).toBe(2);
    await page.getByRole('button', { name: 'Sign out of all other devices' }).click();
    const overflow = () =>
      page.evaluate(() =>
        [document.documentElement, ...document.querySelectorAll('main, main *')]
          .filter(
            (element) => element.scrollWidth > element.clientWidth + 1 && !['hidden', 'clip'].includes(getComputedStyle(element).overflowX),
          )
          .map((element) => `${element.tagName}.${element.className}`.slice(0, 80)),
      );
    expect(await overflow()).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/settings-en.png`, fullPage: true });
    await screenshot(page, 'settings-phone-en');

    await page.getByLabel('Language').selectOption('zh');
    await page.getByRole('heading', { name: '账号与安全' }).waitFor();
    await page.getByRole('heading', { name: '登录设备' }).waitFor();
    await page.getByText('当前设备', { exact: true }).waitFor();
    await page.getByRole('group', { name: '退出其他 1 台设备？这些设备需要密码才能重新登录。' }).waitFor();
    expect(await overflow()).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/settings-zh.png`, fullPage: true });
    await screenshot(page, 'settings-phone-zh');
    expect(unexpectedErrors(phone.errors)).toEqual([]);
  }, 60_000);
});
