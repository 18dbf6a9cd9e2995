/**
 * The admin's account controls end to end in Chromium against a real server: the User accounts panel on
 * /admin finds a user by part of their email (with email and role), offers no Disable for the admin
 * themself, and disables a user after a confirmation: their open page leaves for /login with its
 * socket closed, the row shows "Disabled" (also after a fresh search: the server says so), and their
 * sign-in is refused with an "account disabled" message in English and Chinese. Enabled again, they
 * sign in; "Sign out everywhere" then ends their session and sends their page to /login.
 */
import type { AuthResponse } from '@herald/protocol';
import { ApiClient, chromiumAvailable, startTestServer, type TestServer } from '@herald/testkit';
import type { Browser, Page, WebSocket } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, openUser, screenshot, signIn, type UserPage, unexpectedErrors, waitForStatus } from './helpers/browser';
import { ensureWebBuild } from './helpers/web-build';

const hasChromium = await chromiumAvailable();
const PASSWORD = 'correct horse battery';

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

/** Sign in through the login page and wait for the socket; resolves with it. */
async function signInWithSocket(user: UserPage, email: string): Promise<WebSocket> {
  const socket = user.page.waitForEvent('websocket', { predicate: (ws) => ws.url().endsWith('/ws'), timeout: 15_000 });
  await signIn(user, email);
  await waitForStatus(user.page, 'connected');
  return socket;
}

/** Submit the login form and return the alert it shows. */
async function refusedSignIn(page: Page, email: string, button: string): Promise<string> {
  await page.getByRole('textbox', { name: /Email|邮箱/ }).fill(email);
  await page.locator('input[name="password"]').fill(PASSWORD);
  await page.getByRole('button', { name: button, exact: true }).last().click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  return (await alert.textContent()) ?? '';
}

describe.skipIf(!hasChromium)('user accounts on the admin page', () => {
  let server: TestServer;
  let browser: Browser;
  let admin: AuthResponse;
  let vic: AuthResponse;
  const pages: UserPage[] = [];

  beforeAll(async () => {
    const dist = await ensureWebBuild();
    server = await startTestServer({ env: { HERALD_WEB_DIR: dist, HERALD_RATE_PER_SECOND: '1000', HERALD_RATE_BURST: '1000' } });
    const api = new ApiClient(server.url);
    admin = await api.register('Ada'); // the first account is the admin
    vic = await api.register('Vic');
    browser = await launch();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.destroy();
  }, 90_000);

  async function open(): Promise<UserPage> {
    const user = await openUser(browser, server.url);
    pages.push(user);
    return user;
  }

  it('disables a user (signed out at once, sign-in refused), enables them, and signs them out everywhere', async () => {
    const victim = await open();
    const victimSocket = await signInWithSocket(victim, vic.user.email);

    const boss = await open();
    const { page } = boss;
    await signIn(boss, admin.user.email);
    await page.getByRole('link', { name: 'Admin' }).click();
    const panel = page.getByRole('region', { name: 'User accounts' });
    await panel.waitFor();
    const search = async (text: string) => {
      await panel.getByPlaceholder('Search by name or email').fill(text);
      await panel.getByRole('button', { name: 'Search' }).click();
    };

    // The admin's own row: no Disable and no Sign out everywhere (their own sessions are in Settings).
    await search(admin.user.email);
    const own = panel.getByTestId(`user-account-${admin.user.id}`);
    await own.getByText('(you)').waitFor();
    expect(await own.getByRole('button').count()).toBe(0);
    await own.getByRole('link', { name: 'Settings' }).waitFor();

    // Vic, found by part of their email, with email and role.
    await search(vic.user.email.slice(0, 12));
    const row = panel.getByTestId(`user-account-${vic.user.id}`);
    await row.getByText(vic.user.email).waitFor();
    await row.getByText('user', { exact: true }).waitFor();
    expect(await row.getByTestId('user-disabled').count()).toBe(0);

    // Disable, after a confirmation (Cancel first changes nothing).
    await row.getByRole('button', { name: 'Disable' }).click();
    const confirmDisable = row.getByRole('group', {
      name: 'Disable Vic? They are signed out everywhere at once and cannot sign in until enabled.',
    });
    await confirmDisable.getByRole('button', { name: 'Cancel' }).click();
    await confirmDisable.waitFor({ state: 'detached' });
    expect(victim.page.url()).toMatch(/\/chat$/);
    await row.getByRole('button', { name: 'Disable' }).click();
    await confirmDisable.getByRole('button', { name: 'Confirm' }).click();
    // Two sessions: the browser's and the one the registration over the API opened.
    await page.locator('[data-sonner-toast]').getByText('Vic is disabled; 2 sessions ended.').waitFor();
    await row.getByTestId('user-disabled').getByText('Disabled').waitFor();
    await row.getByRole('button', { name: 'Enable' }).waitFor();
    await row.scrollIntoViewIfNeeded();
    await screenshot(page, 'admin-user-disabled');

    // Their open page is signed out by the server (an idle page makes no call of its own).
    await victim.page.waitForURL('**/login', { timeout: 10_000 });
    await closedWithin(victimSocket, 5_000, 'the disabled user');
    // The badge comes from the server, not only from this page's memory.
    await page.reload();
    await search('Vic');
    await panel.getByTestId(`user-account-${vic.user.id}`).getByTestId('user-disabled').waitFor();

    // Sign-in is refused, and says why, in English and in Chinese.
    expect(await refusedSignIn(victim.page, vic.user.email, 'Sign in')).toBe(
      'This account has been disabled. Contact an administrator to have it enabled again.',
    );
    await victim.page.getByLabel('Language').selectOption('zh');
    expect(await refusedSignIn(victim.page, vic.user.email, '登录')).toBe('此账号已被停用，请联系管理员重新启用。');
    expect(new URL(victim.page.url()).pathname).toBe('/login');
    await victim.page.getByLabel('语言').selectOption('en');

    // Enable: they can sign in again.
    const again = panel.getByTestId(`user-account-${vic.user.id}`);
    await again.getByRole('button', { name: 'Enable' }).click();
    await again.getByRole('group', { name: 'Enable Vic? They can sign in again.' }).getByRole('button', { name: 'Confirm' }).click();
    await page.locator('[data-sonner-toast]').getByText('Vic can sign in again.').waitFor();
    await again.getByTestId('user-disabled').waitFor({ state: 'detached' });
    const secondSocket = await signInWithSocket(victim, vic.user.email);

    // Sign out everywhere: the session ends and the page leaves; the account stays enabled.
    await again.getByRole('button', { name: 'Sign out everywhere' }).click();
    await again
      .getByRole('group', { name: 'Sign Vic out on every device? They can sign in again.' })
      .getByRole('button', { name: 'Confirm' })
      .click();
    // One: disabling ended every earlier session.
    await page.locator('[data-sonner-toast]').getByText('Vic was signed out of 1 session.').waitFor();
    await victim.page.waitForURL('**/login', { timeout: 10_000 });
    await closedWithin(secondSocket, 5_000, 'the user signed out everywhere');
    expect(await again.getByTestId('user-disabled').count()).toBe(0);
    await signIn(victim, vic.user.email);

    expect(unexpectedErrors(boss.errors)).toEqual([]);
    // The refused sign-ins are logged by Chromium as failed resources (403); nothing else.
    expect(unexpectedErrors(victim.errors, [/status of 403/])).toEqual([]);
  }, 90_000);
});
