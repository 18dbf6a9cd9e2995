/**
 * Delivery ticks end to end in headless Chromium against a real server: Alice's message shows ✓ sent
 * while no device of Bob's confirmed it (a socket the server wrote it to is not proof), ✓✓ delivered
 * (grey) once one of Bob's devices confirms, still delivered after Alice reloads (the list carries
 * it), and ✓✓ read (coloured) when Bob opens the conversation. Bob's browser on the list page
 * confirms on its own through the SDK. Screenshots in en and zh, desktop and phone widths.
 */
import type { ServerFrame } from '@herald/protocol';
import { ApiClient, chromiumAvailable, startTestServer, type TestServer, TestSocket } from '@herald/testkit';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, openUser, screenshot, type UserPage, unexpectedErrors, waitForStatus } from './helpers/browser';
import { ensureWebBuild } from './helpers/web-build';

const hasChromium = await chromiumAvailable();

describe.skipIf(!hasChromium)('delivery ticks in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let api: ApiClient;
  const users: UserPage[] = [];
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    const dist = await ensureWebBuild();
    server = await startTestServer({ env: { HERALD_WEB_DIR: dist } });
    api = new ApiClient(server.url);
    await api.register('Root'); // the first account is the admin; these people are ordinary users
    browser = await launch();
  }, 180_000);

  afterAll(async () => {
    for (const s of sockets) s.ws.terminate();
    await browser?.close();
    await server?.destroy();
  }, 90_000);

  const tick = (page: Page, text: string) =>
    page
      .locator('[data-mine]')
      .filter({ has: page.getByTestId('message-text').filter({ hasText: text }) })
      .locator('[data-delivery]');

  async function open(options: Parameters<typeof openUser>[2], email: string): Promise<UserPage> {
    const user = await openUser(browser, server.url, options);
    users.push(user);
    // Any language: the login form by its fields, not its labels.
    await user.page.goto('/login');
    await user.page.locator('input[type="email"]').fill(email);
    await user.page.locator('input[type="password"]').fill('correct horse battery');
    await user.page.locator('input[type="password"]').press('Enter');
    await user.page.waitForURL('**/chat');
    return user;
  }

  for (const [language, locale, delivered] of [
    ['en', 'en-US', 'Delivered'],
    ['zh', 'zh-CN', '已送达'],
  ] as const) {
    it(`shows sent, then delivered once a device of Bob confirms, then read (${language})`, async () => {
      const alice = await api.register('Alice');
      const bob = await api.register(language === 'zh' ? '王小明' : 'Bob');
      const conversationId = await api.conversation(alice.accessToken, { kind: 'direct', userId: bob.user.id });
      const alicePage = await open({ locale }, alice.user.email);
      await alicePage.page.goto(`/chat/${conversationId}`);
      await waitForStatus(alicePage.page, 'connected');

      // Bob has a socket that receives the message but confirms nothing: Alice sees ✓ sent only.
      const bare = await TestSocket.connect(server.wsUrl, bob.accessToken);
      sockets.push(bare);
      const composer = alicePage.page.locator('textarea').first();
      await composer.fill('first one');
      await composer.press('Enter');
      await bare.waitFor((f: ServerFrame) => f.action === 'new_message' && f.data.conversationId === conversationId);
      await tick(alicePage.page, 'first one').and(alicePage.page.locator('[data-delivery="sent"]')).waitFor();
      // The bare socket confirms: ✓✓ delivered (grey), not read.
      await bare.request({ action: 'mark_delivered', type: 'delivery', data: { conversationId, seq: 1 } });
      await tick(alicePage.page, 'first one').and(alicePage.page.locator('[data-delivery="delivered"]')).waitFor();
      expect(await tick(alicePage.page, 'first one').getAttribute('title')).toBe(delivered);

      // Bob's browser on the list page (the conversation not open): its SDK confirms a live message by itself.
      const bobPage = await open({ locale, width: 390, height: 844 }, bob.user.email);
      await waitForStatus(bobPage.page, 'connected');
      await composer.fill('second one');
      await composer.press('Enter');
      await tick(alicePage.page, 'second one').and(alicePage.page.locator('[data-delivery="delivered"]')).waitFor();
      await screenshot(alicePage.page, `delivery-delivered-desktop-${language}`);

      // Alice comes back (a reload: a reconnecting sender): the ticks come from the list, still delivered.
      await alicePage.page.reload();
      await waitForStatus(alicePage.page, 'connected');
      await tick(alicePage.page, 'second one').and(alicePage.page.locator('[data-delivery="delivered"]')).waitFor();

      // Bob opens the conversation: read (coloured).
      await bobPage.page.goto(`/chat/${conversationId}`);
      await bobPage.page.getByTestId('message-text').filter({ hasText: 'second one' }).waitFor();
      await tick(alicePage.page, 'second one').and(alicePage.page.locator('[data-delivery="read"]')).waitFor();
      await tick(alicePage.page, 'first one').and(alicePage.page.locator('[data-delivery="read"]')).waitFor();

      // Phone width for the sender too.
      await alicePage.page.setViewportSize({ width: 390, height: 844 });
      await screenshot(alicePage.page, `delivery-read-phone-${language}`);
      for (const user of [alicePage, bobPage]) expect(unexpectedErrors(user.errors)).toEqual([]);
    }, 60_000);
  }
});
