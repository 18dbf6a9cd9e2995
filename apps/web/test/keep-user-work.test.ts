/**
 * The web app keeps user work (issue 20), end to end in headless Chromium against a real server
 * serving the built app, with signed file links that live 10 s (HERALD_FILE_LINK_TTL, its minimum):
 * - a 16,500-character paste is refused with a clear message and kept, survives a reload as a
 *   draft, and sends once trimmed under the limit (the draft then goes);
 * - a download link older than its TTL still downloads (renewed on the click; the background
 *   renewal blocked meanwhile), and a link on screen is renewed in the background before it dies;
 * - a 300-character word and a long URL wrap inside their bubbles on desktop and phone widths;
 * - a peer shown online becomes "status unknown · last seen …" while our connection is down, and
 *   live again after it is back.
 */
import { readFileSync } from 'node:fs';
import { ApiClient, chromiumAvailable, startTestServer, type TestServer } from '@herald/testkit';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, openUser, screenshot, signIn, unexpectedErrors, waitForStatus } from './helpers/browser';
import { ensureWebBuild } from './helpers/web-build';

const hasChromium = await chromiumAvailable();
const LINK_TTL_S = 10;
const OUTAGE_NOISE = [/WebSocket connection to .* failed/, /Failed to load resource: net::ERR_CONNECTION_REFUSED/];
/** The browser logs the link requests the test itself aborts. */
const ABORTED = [/Failed to load resource: net::ERR_FAILED/];

describe.skipIf(!hasChromium)('the web app keeps user work', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    const dist = await ensureWebBuild();
    server = await startTestServer({
      env: { HERALD_WEB_DIR: dist, HERALD_FILE_LINK_TTL: String(LINK_TTL_S), HERALD_PRESENCE_GRACE_MS: '0' },
    });
    await new ApiClient(server.url).register('Root');
    browser = await launch();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.destroy();
  }, 90_000);

  /** Two signed-in users with a direct conversation open in their own pages. */
  async function pair(options: Parameters<typeof openUser>[2] = {}) {
    const api = new ApiClient(server.url);
    const ann = await api.register('Ann');
    const ben = await api.register('Ben');
    const conversationId = await api.conversation(ann.accessToken, { kind: 'direct', userId: ben.user.id });
    const annPage = await openUser(browser, server.url, options);
    const benPage = await openUser(browser, server.url);
    await signIn(annPage, ann.user.email);
    await signIn(benPage, ben.user.email);
    for (const { page } of [annPage, benPage]) {
      await page.goto(`/chat/${conversationId}`);
      await waitForStatus(page, 'connected');
    }
    return { api, ann, ben, conversationId, annPage, benPage };
  }

  const composerOf = (page: Page) => page.getByLabel('Message', { exact: true });

  it('a 16,500-character paste cannot be lost: refused with a message, kept across a reload, sent once trimmed', async () => {
    const { annPage, benPage } = await pair();
    const { page } = annPage;
    const composer = composerOf(page);
    const long = Array.from({ length: 16_500 }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');
    await composer.focus();
    await page.keyboard.insertText(long);

    const alert = page.getByTestId('composer-too-long');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('16,500 of 16,000');
    expect(await page.getByTestId('composer-count').textContent()).toBe('16,500 / 16,000 characters');
    await composer.press('Enter');
    await page.getByRole('button', { name: 'Send' }).click({ force: true });
    expect((await composer.inputValue()).length).toBe(16_500);
    expect(await page.getByTestId('message-text').count()).toBe(0);
    await screenshot(page, 'composer-too-long');

    await page.reload();
    await waitForStatus(page, 'connected');
    await expect.poll(async () => (await composerOf(page).inputValue()).length).toBe(16_500);
    await page.getByTestId('composer-too-long').waitFor();

    const fitting = long.slice(0, 16_000);
    await composerOf(page).fill(fitting);
    expect(await page.getByTestId('composer-too-long').count()).toBe(0);
    await composerOf(page).press('Enter');
    await expect.poll(() => composerOf(page).inputValue()).toBe('');
    const received = benPage.page.getByTestId('message-text').first();
    await received.waitFor({ timeout: 20_000 });
    expect(await received.textContent()).toBe(fitting);
    await page
      .locator('[data-mine] [data-delivery="sent"], [data-mine] [data-delivery="delivered"], [data-mine] [data-delivery="read"]')
      .first()
      .waitFor();

    // Sent: the draft is gone.
    await page.reload();
    await waitForStatus(page, 'connected');
    await page.getByTestId('message-text').first().waitFor();
    expect(await composerOf(page).inputValue()).toBe('');
    for (const user of [annPage, benPage]) expect(user.errors).toEqual([]);
  }, 90_000);

  it('a download link older than its TTL still downloads, and a link on screen is renewed before it dies', async () => {
    const { annPage, benPage } = await pair();
    const { page } = benPage;
    const bytes = Buffer.from(`minutes of the meeting\n${'line of notes\n'.repeat(200)}`);
    await annPage.page.getByTestId('file-input').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: bytes });
    const link = page.getByTestId('file-download');
    await link.waitFor({ timeout: 20_000 });
    await expect.poll(() => link.getAttribute('href')).toMatch(/exp=\d+/);
    const shown = (await link.getAttribute('href')) ?? '';
    const expiresAt = Number(new URL(shown, server.url).searchParams.get('exp'));

    // Renewal requests fail (a faulty network) until the link on screen is past its expiry.
    const renewals = '**/api/v1/files/*/link';
    await page.route(renewals, (route) => route.abort());
    await expect.poll(() => Date.now(), { timeout: (LINK_TTL_S + 5) * 1000, interval: 250 }).toBeGreaterThan(expiresAt + 250);
    expect(await link.getAttribute('href')).toBe(shown);
    const dead = await fetch(new URL(shown, server.url));
    expect(dead.status).toBe(401);
    expect(((await dead.json()) as { error: { code: string } }).error.code).toBe('token_expired');
    await page.unroute(renewals);

    // The click notices the link is stale and follows a new one: the file's bytes arrive.
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), link.click()]);
    expect(await download.failure()).toBeNull();
    expect(readFileSync(await download.path())).toEqual(bytes);
    expect(download.suggestedFilename()).toBe('notes.txt');
    const renewed = (await link.getAttribute('href')) ?? '';
    expect(renewed).not.toBe(shown);

    // Left alone, the link on screen is replaced before it expires (the last fifth of its 10 s).
    const renewedExp = Number(new URL(renewed, server.url).searchParams.get('exp'));
    await expect.poll(() => link.getAttribute('href'), { timeout: (LINK_TTL_S + 5) * 1000, interval: 200 }).not.toBe(renewed);
    expect(Date.now()).toBeLessThan(renewedExp);
    const current = (await link.getAttribute('href')) ?? '';
    const fresh = await fetch(new URL(current, server.url));
    expect(fresh.status).toBe(200);
    expect(Buffer.from(await fresh.arrayBuffer())).toEqual(bytes);
    for (const user of [annPage, benPage]) expect(unexpectedErrors(user.errors, ABORTED)).toEqual([]);
  }, 90_000);

  for (const viewport of [
    { name: 'desktop', width: 1280, height: 800 },
    { name: 'phone', width: 390, height: 760 },
  ]) {
    it(`a 300-character word and a long URL wrap inside their bubbles (${viewport.name})`, async () => {
      const { annPage, benPage } = await pair({ width: viewport.width, height: viewport.height });
      const word = 'W'.repeat(300);
      const url = `https://example.test/${'path-segment/'.repeat(20)}?query=${'q'.repeat(120)}`;
      for (const text of [word, url]) {
        await composerOf(benPage.page).fill(text);
        await composerOf(benPage.page).press('Enter');
        await composerOf(annPage.page).fill(text);
        await composerOf(annPage.page).press('Enter');
      }
      const { page } = annPage;
      await expect.poll(() => page.getByTestId('message-text').count(), { timeout: 20_000 }).toBe(4);
      const sizes = await page.getByTestId('message-text').evaluateAll((texts) =>
        texts.map((text) => {
          const bubble = text.parentElement as HTMLElement;
          const list = document.querySelector('[data-testid="message-list"]') as HTMLElement;
          return {
            scroll: bubble.scrollWidth,
            client: bubble.clientWidth,
            right: bubble.getBoundingClientRect().right,
            left: bubble.getBoundingClientRect().left,
            listRight: list.getBoundingClientRect().right,
            listLeft: list.getBoundingClientRect().left,
          };
        }),
      );
      for (const size of sizes) {
        expect(size.scroll).toBeLessThanOrEqual(size.client);
        expect(size.right).toBeLessThanOrEqual(size.listRight);
        expect(size.left).toBeGreaterThanOrEqual(size.listLeft);
      }
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await screenshot(page, `long-words-${viewport.name}`);
      for (const user of [annPage, benPage]) expect(user.errors).toEqual([]);
    }, 90_000);
  }

  it('a refused message keeps its text across a reload; Edit puts it back in the composer, Discard drops it', async () => {
    const { annPage, benPage } = await pair();
    const { page } = annPage;
    await benPage.page.getByRole('button', { name: 'Block', exact: true }).click();
    await benPage.page.getByRole('button', { name: 'Unblock', exact: true }).waitFor();
    for (const text of ['first refused words', 'second refused words']) {
      await composerOf(page).fill(text);
      await composerOf(page).press('Enter');
    }
    await expect.poll(() => page.locator('[data-mine] [data-delivery="failed"]').count(), { timeout: 15_000 }).toBe(2);
    expect(await composerOf(page).inputValue()).toBe('');

    // Reloaded: the outbox kept both, text and all, and the page shows them as failed.
    await page.reload();
    await waitForStatus(page, 'connected');
    const failed = page.locator('[data-mine]').filter({ has: page.locator('[data-delivery="failed"]') });
    await expect.poll(() => failed.count(), { timeout: 15_000 }).toBe(2);
    expect(await failed.getByTestId('message-text').allTextContents()).toEqual(['first refused words', 'second refused words']);
    // A block can be lifted, so Retry is offered next to Edit and Discard.
    const first = failed.filter({ hasText: 'first refused words' });
    expect(await first.getByRole('button').allTextContents()).toEqual(['Retry', 'Edit', 'Discard']);

    await first.getByRole('button', { name: 'Edit' }).click();
    await expect.poll(() => composerOf(page).inputValue()).toBe('first refused words');
    await expect.poll(() => failed.count()).toBe(1);
    await failed.getByRole('button', { name: 'Discard' }).click();
    await expect.poll(() => failed.count()).toBe(0);

    // Unblocked, the edited text sends; the discarded one never arrives, not even after a reload.
    await benPage.page.getByRole('button', { name: 'Unblock', exact: true }).click();
    await benPage.page.getByRole('button', { name: 'Block', exact: true }).waitFor();
    await composerOf(page).press('Enter');
    await benPage.page.getByTestId('message-text').filter({ hasText: 'first refused words' }).waitFor({ timeout: 15_000 });
    await page.reload();
    await waitForStatus(page, 'connected');
    await page.getByTestId('message-text').filter({ hasText: 'first refused words' }).waitFor();
    expect(await page.getByTestId('message-text').allTextContents()).toEqual(['first refused words']);
    expect(await benPage.page.getByTestId('message-text').allTextContents()).toEqual(['first refused words']);
    expect(unexpectedErrors(annPage.errors)).toEqual([]);
  }, 90_000);

  // Last: it stops the server.
  it('a peer shown online is "status unknown · last seen" while our connection is down, live again after', async () => {
    const { annPage, benPage } = await pair();
    const { page } = annPage;
    const presence = page.getByTestId('peer-presence');
    await page.locator('[data-testid="peer-presence"][data-presence="online"]').waitFor();
    expect(await presence.textContent()).toBe('online');

    await server.stop();
    await waitForStatus(page, 'reconnecting');
    await page.locator('[data-testid="peer-presence"][data-presence="unknown"]').waitFor({ timeout: 5_000 });
    expect(await presence.textContent()).toMatch(/^status unknown · last seen \d{1,2}:\d{2}/);
    expect(await page.locator('[data-presence="online"]').count()).toBe(0);
    await screenshot(page, 'presence-unknown');

    server = await server.restart();
    await waitForStatus(page, 'connected', 45_000);
    await waitForStatus(benPage.page, 'connected', 45_000);
    await page.locator('[data-testid="peer-presence"][data-presence="online"]').waitFor({ timeout: 20_000 });
    for (const user of [annPage, benPage]) expect(unexpectedErrors(user.errors, OUTAGE_NOISE)).toEqual([]);
  }, 120_000);
});
