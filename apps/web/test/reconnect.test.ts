/**
 * End to end: the server restarts under two signed-in users. The header shows `reconnecting`
 * while it is down and `connected` after; messages written during the outage wait as pending and
 * arrive exactly once afterwards. The only console errors allowed are the browser's own reports of
 * the refused socket and requests while the server is down.
 */
import { ApiClient, chromiumAvailable, startTestServer, type TestServer } from '@herald/testkit';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, openUser, signIn, unexpectedErrors, waitForStatus } from './helpers/browser';
import { ensureWebBuild } from './helpers/web-build';

const hasChromium = await chromiumAvailable();
const OUTAGE_NOISE = [/WebSocket connection to .* failed/, /Failed to load resource: net::ERR_CONNECTION_REFUSED/];

describe.skipIf(!hasChromium)('reconnect in the browser', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    const dist = await ensureWebBuild();
    server = await startTestServer({ env: { HERALD_WEB_DIR: dist, HERALD_PRESENCE_GRACE_MS: '0' } });
    browser = await launch();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.destroy();
  });

  it('shows reconnecting during a restart and delivers messages sent meanwhile exactly once', async () => {
    const api = new ApiClient(server.url);
    await api.register('Root');
    const ann = await api.register('Ann');
    const ben = await api.register('Ben');
    const conversationId = await api.conversation(ann.accessToken, { kind: 'direct', userId: ben.user.id });

    const annPage = await openUser(browser, server.url);
    const benPage = await openUser(browser, server.url);
    await signIn(annPage, ann.user.email);
    await signIn(benPage, ben.user.email);
    for (const { page } of [annPage, benPage]) {
      await page.goto(`/chat/${conversationId}`);
      await waitForStatus(page, 'connected');
    }
    const annComposer = annPage.page.getByLabel('Message', { exact: true });
    await annComposer.fill('before the restart');
    await annComposer.press('Enter');
    await benPage.page.getByTestId('message-text').filter({ hasText: 'before the restart' }).waitFor();

    await server.stop();
    await waitForStatus(annPage.page, 'reconnecting');
    await waitForStatus(benPage.page, 'reconnecting');

    // The composer keeps working: the messages wait in the outbox, marked pending.
    for (const text of ['sent while down 1', 'sent while down 2']) {
      await annComposer.fill(text);
      await annComposer.press('Enter');
    }
    await expect.poll(() => annPage.page.locator('[data-mine] [data-delivery="pending"]').count()).toBe(2);

    server = await server.restart();
    await waitForStatus(annPage.page, 'connected', 45_000);
    await waitForStatus(benPage.page, 'connected', 45_000);

    const benTexts = benPage.page.getByTestId('message-text');
    await benTexts.filter({ hasText: 'sent while down 2' }).waitFor({ timeout: 20_000 });
    await expect.poll(() => annPage.page.locator('[data-mine] [data-delivery="pending"]').count()).toBe(0);
    for (const text of ['sent while down 1', 'sent while down 2']) {
      expect(await benTexts.filter({ hasText: text }).count()).toBe(1);
      expect(await annPage.page.getByTestId('message-text').filter({ hasText: text }).count()).toBe(1);
    }
    // And in order.
    const order = await benTexts.allTextContents();
    expect(order.slice(-3)).toEqual(['before the restart', 'sent while down 1', 'sent while down 2']);

    // Both ways again after the restart.
    const benComposer = benPage.page.getByLabel('Message', { exact: true });
    await benComposer.fill('back online');
    await benComposer.press('Enter');
    await annPage.page.getByTestId('message-text').filter({ hasText: 'back online' }).waitFor();

    for (const user of [annPage, benPage]) expect(unexpectedErrors(user.errors, OUTAGE_NOISE)).toEqual([]);
  }, 120_000);
});
