/**
 * The admin page in headless Chromium against a real server: in Chinese it shows no English UI words
 * (user data aside), figures are formatted in the page's language (no raw floats such as
 * 2.002002002, in the cards, the per-minute line or the sparklines' names), online users show a
 * total of users and sessions, and error reports name their user (the id on hover). Screenshots in
 * zh and en, desktop and phone widths.
 */
import type { AuthResponse } from '@herald/protocol';
import { ApiClient, chromiumAvailable, startTestServer, type TestServer, TestSocket } from '@herald/testkit';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { en } from '../src/i18n/en';
import { launch, openUser, screenshot, type UserPage, unexpectedErrors, waitForStatus } from './helpers/browser';
import { ensureWebBuild } from './helpers/web-build';

const hasChromium = await chromiumAvailable();

/** Words the page may show in Chinese too: names (Herald, API, ID, the language picker's own "English"), node ids, units. */
const ALLOWED = /^(API|ID|Herald|URL|English|node|s)$/;

describe.skipIf(!hasChromium)('the admin page in every language', () => {
  let server: TestServer;
  let browser: Browser;
  let admin: AuthResponse;
  let member: AuthResponse;
  const pages: UserPage[] = [];
  const sockets: TestSocket[] = [];
  let conversationId: string;

  beforeAll(async () => {
    const dist = await ensureWebBuild();
    server = await startTestServer({ env: { HERALD_WEB_DIR: dist, HERALD_RATE_PER_SECOND: '1000', HERALD_RATE_BURST: '1000' } });
    const api = new ApiClient(server.url);
    admin = await api.register('管理员'); // the first account is the admin
    member = await api.register('王小明');
    // Data for every panel: an error report by a signed-in user, an online user with two sessions.
    await api.request('POST', '/api/v1/errors', { body: { message: '渲染失败', stack: 'at f (app.js:1:1)' }, token: member.accessToken });
    for (const device of ['desktop', 'mobile'] as const) sockets.push(await TestSocket.connect(server.wsUrl, member.accessToken, device));
    conversationId = await api.conversation(member.accessToken, { kind: 'direct', userId: admin.user.id });
    browser = await launch();
  }, 180_000);

  afterAll(async () => {
    for (const s of sockets) s.ws.terminate();
    await browser?.close();
    await server?.destroy();
  });

  async function adminPage(locale: string, width: number, height: number): Promise<Page> {
    const user = await openUser(browser, server.url, { locale, width, height });
    pages.push(user);
    const { page } = user;
    await page.goto('/login');
    await page.locator('input[type="email"]').fill(admin.user.email ?? '');
    await page.locator('input[type="password"]').fill('correct horse battery');
    await page.locator('input[type="password"]').press('Enter');
    await page.waitForURL('**/chat');
    await page.goto('/admin');
    await waitForStatus(page, 'connected');
    // Live figures: at least two samples (a line), the lists loaded.
    await page.locator('[data-testid="stat-rate"] polyline').waitFor({ state: 'attached', timeout: 10_000 });
    await page.getByTestId('online-users').getByText('王小明').waitFor();
    await page.getByTestId('error-reports').getByText('渲染失败').waitFor();
    return page;
  }

  /** Every decimal number on the page and in the sparklines' names. */
  async function decimals(page: Page): Promise<string[]> {
    const text = (await page.locator('body').textContent()) ?? '';
    const names = await page.locator('svg[role="img"]').evaluateAll((svgs) => svgs.map((svg) => svg.getAttribute('aria-label') ?? ''));
    return [text, ...names].flatMap((s) => s.match(/\d+[.,]\d+/g) ?? []);
  }

  it('shows no English UI word in Chinese, names the error report’s user and formats every figure', async () => {
    const page = await adminPage('zh-CN', 1280, 800);
    await page.getByRole('heading', { name: '管理后台' }).waitFor();
    // Messages while the page watches: a rate that is not a round number, which must not show raw.
    for (let i = 0; i < 7; i++) await sockets[0]?.request({ action: 'send_message', type: 'text', data: { conversationId, text: `${i}` } });
    await expect.poll(() => page.getByTestId('stat-rate').textContent(), { timeout: 10_000 }).toMatch(/近 1 分钟 (?!0\/)/);
    // Error report: the user's name, the id on hover; the stack's toggle in Chinese.
    const who = page.getByTestId('error-report-user').first();
    expect(await who.textContent()).toBe('王小明');
    expect(await who.getAttribute('title')).toContain(member.user.id);
    await page.getByTestId('error-reports').getByText('调用栈').waitFor();
    // Online users: a total, and the member's two sessions.
    expect(await page.getByTestId('online-summary').textContent()).toMatch(/\d+ 位用户 · \d+ 个会话/);
    await page.getByTestId('online-users').getByText('2 个会话').waitFor();
    // Known English UI strings (every value of the en dictionary that is an English word or phrase) are gone.
    // Audit entries' details are the server's data, shown as JSON (e.g. {"reason":"first account"}), not UI text.
    const details = await page.getByTestId('audit-log').locator('code').allTextContents();
    // biome-ignore lint/performance/useDomNodeTextContent: what is shown (innerText), not hidden text such as the select's other options
    const text = (await page.locator('body').evaluate((body) => (body as HTMLElement).innerText))
      .split('\n')
      .filter((line) => !details.includes(line))
      .join('\n');
    const userData = [admin.user.email, member.user.email, member.user.id, admin.user.id, server.url].filter(Boolean) as string[];
    let visible = text;
    for (const data of userData) visible = visible.split(data).join(' ');
    const english = (visible.match(/[A-Za-z][A-Za-z_.-]*/g) ?? []).filter((word) => !ALLOWED.test(word));
    expect(english).toEqual([]);
    const phrases = Object.values(en).filter((value) => /^[A-Z][a-z]+( [a-z]+)+$/.test(value));
    expect(phrases.filter((phrase) => visible.includes(phrase))).toEqual([]);
    // No raw floats: at most one decimal anywhere.
    expect((await decimals(page)).filter((n) => /[.,]\d{2,}$/.test(n))).toEqual([]);
    await screenshot(page, 'admin-desktop-zh');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'admin-phone-zh');
    for (const user of pages) expect(unexpectedErrors(user.errors)).toEqual([]);
  }, 60_000);

  it('formats figures in English too, and shows names with ids on hover', async () => {
    const page = await adminPage('en-US', 390, 844);
    await page.getByRole('heading', { name: 'Administration' }).waitFor();
    expect(await page.getByTestId('error-report-user').first().textContent()).toBe('王小明');
    expect(await page.getByTestId('online-summary').textContent()).toMatch(/\(\d+ users · \d+ sessions\)/);
    const perMinute = (await page.getByTestId('stat-rate').textContent()) ?? '';
    expect(perMinute).toMatch(/\/s over 1 min/);
    expect((await decimals(page)).filter((n) => /[.,]\d{2,}$/.test(n))).toEqual([]);
    await screenshot(page, 'admin-phone-en');
    await page.setViewportSize({ width: 1280, height: 800 });
    await screenshot(page, 'admin-desktop-en');
    for (const user of pages) expect(unexpectedErrors(user.errors)).toEqual([]);
  }, 60_000);
});
