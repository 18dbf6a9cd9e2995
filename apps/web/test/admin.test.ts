/**
 * End to end: the login page (validation messages, and no WebSocket until signed in), the admin
 * page (live stats, online users, a broadcast that reaches a signed-in user as a toast which closes
 * by itself) and a non-admin kept out of /admin. Screenshots go to test-output/screenshots/.
 */

import type { AuthResponse } from '@herald/protocol';
import { ApiClient, chromiumAvailable, startTestServer, type TestServer } from '@herald/testkit';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, openUser, screenshot, signIn, type UserPage, waitForStatus } from './helpers/browser';
import { ensureWebBuild } from './helpers/web-build';

const hasChromium = await chromiumAvailable();

describe.skipIf(!hasChromium)('login and admin in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let admin: AuthResponse;
  let member: AuthResponse;
  const pages: UserPage[] = [];

  beforeAll(async () => {
    const dist = await ensureWebBuild();
    server = await startTestServer({ env: { HERALD_WEB_DIR: dist } });
    const api = new ApiClient(server.url);
    admin = await api.register('Ada'); // the first account is the admin
    member = await api.register('Max');
    browser = await launch();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.destroy();
  });

  async function open(): Promise<UserPage> {
    const page = await openUser(browser, server.url);
    pages.push(page);
    return page;
  }

  it('validates the login form and opens no socket until signed in', async () => {
    const visitor = await open();
    const { page } = visitor;
    await page.goto('/login');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText('Enter your email address.').waitFor();
    await page.getByText('Enter your password.').waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('email');

    await page.getByLabel('Email').fill('not-an-email');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText('Enter a valid email address, like name@example.com.').waitFor();

    await page.getByLabel('Email').fill(member.user.email);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').getByText('Wrong email or password.').waitFor();

    await page.getByRole('tab', { name: 'Sign up' }).click();
    await page.getByLabel('Display name').fill('Someone');
    await page.getByLabel('Email').fill(member.user.email);
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('The password needs at least 8 characters.').waitFor();
    await page.getByLabel('Password').fill('long enough password');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('An account with this email already exists. Sign in instead.').waitFor();

    expect(visitor.sockets).toEqual([]);
    await screenshot(page, 'login');

    // The same page does open one once signed in (so the check above can fail).
    await page.getByRole('tab', { name: 'Sign in' }).click();
    await page.getByLabel('Email').fill(member.user.email);
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await waitForStatus(page, 'connected');
    expect(visitor.sockets).toHaveLength(1);
    // Only the browser's own log lines for the two refusals this test provoked (wrong password, taken email).
    expect(visitor.errors).toEqual([
      expect.stringMatching(/Failed to load resource: .*status of 401/),
      expect.stringMatching(/Failed to load resource: .*status of 409/),
    ]);
  });

  it('follows a Chinese browser language, and switches language', async () => {
    const visitor = await openUser(browser, server.url, { locale: 'zh-CN' });
    pages.push(visitor);
    const { page } = visitor;
    await page.goto('/login');
    await page.getByRole('heading', { name: '欢迎使用 Herald' }).waitFor();
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.getByText('请输入邮箱地址。').waitFor();
    await screenshot(page, 'login-zh');
    await page.getByLabel('语言').selectOption('en');
    await page.getByRole('heading', { name: 'Welcome to Herald' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(visitor.sockets).toEqual([]);
    expect(visitor.errors).toEqual([]);
  });

  it('keeps a non-admin out of /admin', async () => {
    const user = await open();
    await signIn(user, member.user.email);
    expect(await user.page.getByRole('link', { name: 'Admin' }).count()).toBe(0);
    await user.page.goto('/admin');
    await user.page.waitForURL('**/chat');
    await user.page.getByRole('heading', { name: 'Conversations' }).waitFor();
    expect(await user.page.getByRole('heading', { name: 'Administration' }).count()).toBe(0);
    expect(user.errors).toEqual([]);
  });

  it('shows live stats and online users, and a broadcast reaches a signed-in user as a toast', async () => {
    const user = await open();
    await signIn(user, member.user.email);
    await waitForStatus(user.page, 'connected');

    const boss = await open();
    await signIn(boss, admin.user.email);
    await boss.page.getByRole('link', { name: 'Admin' }).click();
    await boss.page.getByRole('heading', { name: 'Administration' }).waitFor();
    await waitForStatus(boss.page, 'connected');
    // Live figures arrive every second: wait for the chart to have a line (at least two samples).
    await boss.page.locator('[data-testid="stat-connections"] polyline').waitFor({ state: 'attached', timeout: 10_000 });
    await boss.page.getByTestId('online-users').getByText('Max').waitFor({ timeout: 10_000 });

    await boss.page.getByLabel('Level').selectOption('warning');
    await boss.page.getByLabel('Title').fill('Maintenance tonight');
    await boss.page.getByLabel('Message', { exact: true }).fill('Down 22:00–22:15 UTC');
    await boss.page.getByRole('button', { name: 'Send notification' }).click();
    await boss.page.getByRole('status').getByText('Notification sent.').waitFor();

    const toast = user.page.locator('[data-sonner-toast]').filter({ hasText: 'Maintenance tonight' });
    await toast.waitFor();
    expect(await toast.getByText('Down 22:00–22:15 UTC').count()).toBe(1);
    await screenshot(user.page, 'broadcast-toast');
    await screenshot(boss.page, 'admin');
    // It closes by itself after 5 s.
    await toast.waitFor({ state: 'detached', timeout: 12_000 });

    // Error reports from the app's error boundary show up on the admin page.
    const api = new ApiClient(server.url);
    await api.request('POST', '/api/v1/errors', { body: { message: 'TypeError: boom in test', url: `${server.url}/chat` } });
    await boss.page.getByTestId('error-reports').locator('..').getByRole('button', { name: 'Refresh' }).click();
    await boss.page.getByTestId('error-reports').getByText('TypeError: boom in test').waitFor();
    for (const page of [user, boss]) expect(page.errors).toEqual([]);
  }, 60_000);
});
