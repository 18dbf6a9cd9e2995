/**
 * The header's connection status past the client's attempt limit (issue 20), in headless Chromium
 * against a real server serving the built app: with the server down the client counts its 15
 * attempts ("Reconnecting (n/15)…"), then says "Offline — retrying every N s" with Retry now (in
 * English and in Chinese) instead of giving up; after the server is back, Retry now reconnects.
 * The page's clock is Playwright's, so the test runs the client's reconnect waits forward instead
 * of waiting ~30 s of real time for 15 attempts; every attempt is still a real refused socket.
 */
import { ApiClient, chromiumAvailable, startTestServer, type TestServer } from '@herald/testkit';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, openUser, screenshot, signIn, unexpectedErrors, waitForStatus } from './helpers/browser';
import { ensureWebBuild } from './helpers/web-build';

const hasChromium = await chromiumAvailable();
const OUTAGE_NOISE = [/WebSocket connection to .* failed/, /Failed to load resource: net::ERR_CONNECTION_REFUSED/];

describe.skipIf(!hasChromium)('connection status in the browser', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    const dist = await ensureWebBuild();
    server = await startTestServer({ env: { HERALD_WEB_DIR: dist } });
    await new ApiClient(server.url).register('Root');
    browser = await launch();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.destroy();
  });

  it('past the attempt limit says "Offline — retrying every N s" with Retry now, in every language, and Retry now reconnects', async () => {
    const ann = await new ApiClient(server.url).register('Ann');
    const user = await openUser(browser, server.url);
    const { page } = user;
    await page.clock.install();
    await signIn(user, ann.user.email);
    await waitForStatus(page, 'connected');
    const status = page.locator('header [role="status"]');

    // Every text the status line shows from here on, recorded in the page as the DOM changes (the
    // first attempts may come and go before the test could read them).
    await page.evaluate(() => {
      const element = document.querySelector('header [role="status"]');
      const texts: string[] = [];
      Object.assign(window, { statusTexts: texts });
      new MutationObserver(() => texts.push(element?.textContent ?? '')).observe(element as Node, {
        subtree: true,
        childList: true,
        characterData: true,
      });
    });
    await server.stop();
    await waitForStatus(page, 'reconnecting');
    // Each round fires the waiting attempt (every wait is under 3 s while the server refuses at once)
    // and waits for its refusal to show; past the limit the text stays, so the attribute ends the loop.
    for (let round = 0; round < 40 && (await status.getAttribute('data-limit-passed')) === null; round++) {
      const before = (await status.textContent()) ?? '';
      await page.clock.fastForward(3_000);
      await page.waitForFunction(
        (previous) => {
          const element = document.querySelector('header [role="status"]');
          return element?.getAttribute('data-limit-passed') === 'true' || element?.textContent !== previous;
        },
        before,
        { timeout: 10_000 },
      );
    }
    const seen = await page.evaluate(() => (window as unknown as { statusTexts: string[] }).statusTexts);
    expect(seen).toEqual(
      expect.arrayContaining([expect.stringContaining('Reconnecting (1/15)…'), expect.stringContaining('Reconnecting (15/15)…')]),
    );
    expect(await status.getAttribute('data-status')).toBe('reconnecting');
    expect(await status.textContent()).toMatch(/Offline — retrying every \d+ s/);
    expect(await status.getByRole('button').allTextContents()).toEqual(['Retry now']);
    // For people to look at (desktop and phone width): the line and its button fit the header.
    await screenshot(page, 'connection-offline-en-desktop');
    const desktop = page.viewportSize();
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => status.isVisible()).toBe(true);
    await screenshot(page, 'connection-offline-en-phone');
    // The header wraps rather than pushing Sign out off a phone's screen (it did before).
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(await overflow()).toBeLessThanOrEqual(0);
    const signOut = await page.getByRole('button', { name: 'Sign out' }).boundingBox();
    expect(signOut && signOut.x + signOut.width).toBeLessThanOrEqual(390);

    await page.getByLabel('Language').selectOption('zh');
    await expect.poll(() => status.textContent()).toMatch(/离线 — 每 \d+ 秒重试一次/);
    expect(await status.getByRole('button').allTextContents()).toEqual(['立即重试']);
    await screenshot(page, 'connection-offline-zh-phone');
    expect(await overflow()).toBeLessThanOrEqual(0);
    if (desktop) await page.setViewportSize(desktop);
    await screenshot(page, 'connection-offline-zh-desktop');

    // Time stands still in the page from here: only the click can start an attempt.
    await pauseNow(page);
    server = await server.restart();
    await status.getByRole('button', { name: '立即重试' }).click();
    await waitForStatus(page, 'connected');
    expect(await status.textContent()).toContain('已连接');

    expect(unexpectedErrors(user.errors, OUTAGE_NOISE)).toEqual([]);
  }, 120_000);
});

/**
 * Pause the page's clock a moment from now. `pauseAt` refuses a time already past, and on a loaded
 * machine the page's clock can pass any fixed margin between reading it and pausing; so read it again.
 */
async function pauseNow(page: Page): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 50);
      return;
    } catch (error) {
      if (attempt >= 20 || !/fast-forward to the past/.test(String(error))) throw error;
    }
  }
}
