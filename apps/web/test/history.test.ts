/**
 * End to end with a long history (1,200 messages): the view opens at the unread divider, keeps
 * only the visible rows in the DOM (virtualised), loads older pages as the user scrolls up without
 * jumping, and shows a "new messages" pill instead of scrolling away from what the user reads.
 */
import { ApiClient, chromiumAvailable, startTestServer, type TestServer } from '@herald/testkit';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, openUser, screenshot, signIn } from './helpers/browser';
import { ensureWebBuild } from './helpers/web-build';

const hasChromium = await chromiumAvailable();
const COUNT = 1_200;

describe.skipIf(!hasChromium)('long conversations in the browser', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    const dist = await ensureWebBuild();
    server = await startTestServer({ env: { HERALD_WEB_DIR: dist } });
    browser = await launch();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.destroy();
  });

  const rowsInDom = (page: Page) => page.locator('[data-message-id]').count();

  it('virtualises, pages older history on scroll, and pills new messages while scrolled up', async () => {
    const api = new ApiClient(server.url);
    await api.register('Root');
    const zoe = await api.register('Zoe');
    const yan = await api.register('Yan');
    const id = await api.conversation(zoe.accessToken, { kind: 'direct', userId: yan.user.id });
    let next = 1;
    const post = (token: string, text: string, clientId: string) =>
      api.request('POST', `/api/v1/conversations/${id}/messages`, { token, body: { text, clientId } });
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        while (next <= COUNT) {
          const n = next++;
          const response = await post(zoe.accessToken, `message ${n}`, `seed-${n}`);
          expect(response.status).toBe(201);
        }
      }),
    );
    await api.request('POST', `/api/v1/conversations/${id}/read`, { token: yan.accessToken, body: { seq: COUNT - 10 } });

    const yanPage = await openUser(browser, server.url, { height: 700 });
    const { page } = yanPage;
    await signIn(yanPage, yan.user.email);
    await page.getByRole('link', { name: /Zoe/ }).getByTestId('unread-count').getByText('10', { exact: true }).waitFor();
    await page.goto(`/chat/${id}`);

    // Opens at the first unread message, under the divider.
    await page.getByTestId('unread-divider').waitFor();
    await page
      .getByTestId('message-text')
      .getByText(`message ${COUNT - 9}`, { exact: true })
      .waitFor();
    expect(await rowsInDom(page)).toBeLessThan(60);
    await screenshot(page, 'chat-unread-divider');

    // Scroll up: older pages load (50 at a time) and the DOM stays small.
    const list = page.getByTestId('message-list');
    const oldestShown = () =>
      page.evaluate(() =>
        Math.min(
          ...[...document.querySelectorAll('[data-testid="message-text"]')].map((element) =>
            Number(/^message (\d+)$/.exec(element.textContent ?? '')?.[1] ?? Infinity),
          ),
        ),
      );
    await expect
      .poll(
        async () => {
          await list.evaluate((element) => element.scrollTo({ top: 0 }));
          return oldestShown();
        },
        { timeout: 30_000, interval: 250 },
      )
      .toBeLessThanOrEqual(COUNT - 250);
    expect(await rowsInDom(page)).toBeLessThan(60);
    expect(await page.getByTestId('message-text').getByText(`message ${COUNT}`, { exact: true }).count()).toBe(0);
    // A prepend keeps the view where it was instead of jumping to the top of the new page.
    const scrollTop = await list.evaluate((element) => element.scrollTop);
    await list.evaluate((element) => element.scrollBy({ top: 400 }));
    await expect.poll(() => list.evaluate((element) => element.scrollTop)).toBeGreaterThan(scrollTop);

    // A message arriving while scrolled up shows a pill rather than moving the view.
    const before = await list.evaluate((element) => element.scrollTop);
    await post(zoe.accessToken, 'fresh news', 'fresh-1');
    const pill = page.getByTestId('new-messages-pill');
    await pill.waitFor();
    expect(await list.evaluate((element) => element.scrollTop)).toBe(before);
    await pill.click();
    await page.getByTestId('message-text').getByText('fresh news', { exact: true }).waitFor();
    await pill.waitFor({ state: 'detached' });
    expect(yanPage.errors).toEqual([]);
  }, 120_000);
});
