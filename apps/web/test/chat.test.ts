/**
 * End to end in headless Chromium against a real server serving the built app: two users in two
 * browser contexts sign up, start a direct conversation and chat both ways (Enter sends,
 * Shift+Enter adds a line), see each other typing, get read receipts, and share an image.
 * Screenshots of the chat go to test-output/screenshots/. No console errors are allowed.
 */
import { ApiClient, chromiumAvailable, startTestServer, type TestServer } from '@herald/testkit';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, openUser, screenshot, signUp, type UserPage, waitForStatus } from './helpers/browser';
import { makePng } from './helpers/png';
import { ensureWebBuild } from './helpers/web-build';

const hasChromium = await chromiumAvailable();

describe.skipIf(!hasChromium)('chat in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  const users: UserPage[] = [];

  beforeAll(async () => {
    const dist = await ensureWebBuild();
    server = await startTestServer({ env: { HERALD_WEB_DIR: dist } });
    // The first account becomes admin; the people in these tests are ordinary users.
    await new ApiClient(server.url).register('Root');
    browser = await launch();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.destroy();
  }, 90_000);

  async function user(options?: Parameters<typeof openUser>[2]): Promise<UserPage> {
    const opened = await openUser(browser, server.url, options);
    users.push(opened);
    return opened;
  }

  it('two users sign up, open a direct conversation and chat both ways, with typing and read receipts', async () => {
    const alice = await user();
    const bob = await user();
    await signUp(alice, 'Alice');
    await signUp(bob, 'Bob');

    await alice.page.getByRole('button', { name: 'New conversation' }).click();
    const dialog = alice.page.getByRole('dialog', { name: 'New conversation' });
    await dialog.getByLabel('Search people by name, or type an exact email').fill('Bob');
    await dialog.getByRole('button', { name: /Bob/ }).click();
    await alice.page.waitForURL(/\/chat\/[^/]+$/);
    await waitForStatus(alice.page, 'connected');

    const aliceComposer = alice.page.getByLabel('Message', { exact: true });
    await aliceComposer.fill('Hello Bob');
    await aliceComposer.press('Enter');
    await expect.poll(() => aliceComposer.inputValue()).toBe('');
    await alice.page.getByTestId('message-text').filter({ hasText: 'Hello Bob' }).waitFor();

    // Bob's list shows the new conversation (conversation_added) with Alice's message unread.
    const bobItem = bob.page.getByRole('link', { name: /Alice/ });
    await bobItem.getByTestId('unread-count').waitFor();
    await bobItem.click();
    await bob.page.getByTestId('message-text').filter({ hasText: 'Hello Bob' }).waitFor();

    // Typing shows on Alice's side while Bob types, and goes when he sends.
    const bobComposer = bob.page.getByLabel('Message', { exact: true });
    await bobComposer.pressSequentially('Hi Alice');
    await alice.page.getByTestId('typing-indicator').getByText('Bob is typing…').waitFor();
    // Shift+Enter is a new line, not a send.
    await bobComposer.press('Shift+Enter');
    await bobComposer.pressSequentially('second line');
    expect(await bobComposer.inputValue()).toBe('Hi Alice\nsecond line');
    await bobComposer.press('Enter');
    await alice.page.getByTestId('message-text').filter({ hasText: 'second line' }).waitFor();
    await expect.poll(() => alice.page.getByTestId('typing-indicator').textContent(), { timeout: 10_000 }).toBe('');

    // Bob has the conversation open, so Alice's message shows as read.
    await alice.page.locator('[data-mine] [data-delivery="read"]').first().waitFor();

    await screenshot(alice.page, 'chat-desktop');
    for (const u of [alice, bob]) expect(u.errors).toEqual([]);
  }, 90_000);

  it('shows an uploaded image to the other user', async () => {
    const carol = await user();
    const dave = await user({ width: 390, height: 760 });
    await signUp(carol, 'Carol');
    await signUp(dave, 'Dave');
    await carol.page.getByRole('button', { name: 'New conversation' }).click();
    const dialog = carol.page.getByRole('dialog', { name: 'New conversation' });
    await dialog.getByLabel('Search people by name, or type an exact email').fill('Dave');
    await dialog.getByRole('button', { name: /Dave/ }).click();
    await carol.page.waitForURL(/\/chat\/[^/]+$/);
    await waitForStatus(carol.page, 'connected');

    await carol.page
      .getByTestId('file-input')
      .setInputFiles({ name: 'sunset.png', mimeType: 'image/png', buffer: makePng(320, 200, [240, 120, 40]) });
    const mine = carol.page.locator('[data-mine] img[alt="sunset.png"]');
    await mine.waitFor();

    // On a phone-sized screen the list and the conversation are separate views.
    await dave.page.getByRole('link', { name: /Carol/ }).click();
    const image = dave.page.locator('img[alt="sunset.png"]');
    await image.waitFor();
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 10_000 }).toBe(320);
    await dave.page.getByRole('link', { name: 'Back to conversations' }).waitFor();
    await screenshot(dave.page, 'chat-phone-image');
    for (const u of [carol, dave]) expect(u.errors).toEqual([]);
  }, 90_000);
});
