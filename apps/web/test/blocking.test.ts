/**
 * Privacy in the browser (headless Chromium, real server, built app): a person is found by their
 * exact email with no email shown for anyone (only an admin's search carries emails); blocking from
 * the conversation header makes the other person's send fail with a clear toast; unblocking lets
 * the retry through. No console errors are allowed.
 */
import { ApiClient, chromiumAvailable, startTestServer, type TestServer } from '@herald/testkit';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, openUser, signUp, type UserPage, waitForStatus } from './helpers/browser';
import { ensureWebBuild } from './helpers/web-build';

const hasChromium = await chromiumAvailable();

describe.skipIf(!hasChromium)('blocking in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  const users: UserPage[] = [];

  beforeAll(async () => {
    const dist = await ensureWebBuild();
    server = await startTestServer({ env: { HERALD_WEB_DIR: dist } });
    await new ApiClient(server.url).register('Root'); // the first account is the admin; the people here are not
    browser = await launch();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.destroy();
  }, 90_000);

  async function user(): Promise<UserPage> {
    const opened = await openUser(browser, server.url);
    users.push(opened);
    return opened;
  }

  it('finds a person by exact email without showing it, blocks them (their send is refused with a toast), and unblocks', async () => {
    const alice = await user();
    const bob = await user();
    await signUp(alice, 'Alice');
    const bobEmail = await signUp(bob, 'Bob');

    await alice.page.getByRole('button', { name: 'New conversation' }).click();
    const dialog = alice.page.getByRole('dialog', { name: 'New conversation' });
    const search = dialog.getByLabel('Search people by name, or type an exact email');
    // Part of an email finds nobody; the whole email finds Bob, and his email is not shown.
    await search.fill(bobEmail.slice(0, -3));
    await dialog.getByText('Nobody found.').waitFor();
    await search.fill(bobEmail);
    const bobButton = dialog.getByRole('button', { name: /Bob/ });
    await bobButton.waitFor();
    expect(await dialog.getByText(bobEmail).count()).toBe(0);
    await bobButton.click();
    await alice.page.waitForURL(/\/chat\/[^/]+$/);
    await waitForStatus(alice.page, 'connected');

    const aliceComposer = alice.page.getByLabel('Message', { exact: true });
    await aliceComposer.fill('Hello Bob');
    await aliceComposer.press('Enter');
    await alice.page.getByTestId('message-text').filter({ hasText: 'Hello Bob' }).waitFor();

    await bob.page.getByRole('link', { name: /Alice/ }).click();
    await bob.page.getByTestId('message-text').filter({ hasText: 'Hello Bob' }).waitFor();
    await waitForStatus(bob.page, 'connected');

    // Alice blocks Bob from the header.
    await alice.page.getByRole('button', { name: 'Block', exact: true }).click();
    await alice.page
      .getByTestId('blocked-notice')
      .getByText('You blocked Bob: neither of you can send messages here. Unblock them to write again.')
      .waitFor();
    await alice.page.getByRole('button', { name: 'Unblock', exact: true }).waitFor();

    // Bob's send is refused: a toast, and the message stays "Not sent".
    const bobComposer = bob.page.getByLabel('Message', { exact: true });
    await bobComposer.fill('Are you there?');
    await bobComposer.press('Enter');
    await bob.page
      .getByText(/^Not sent: you cannot message this conversation/)
      .first()
      .waitFor();
    await bob.page.locator('[data-delivery="failed"]').waitFor();

    // Unblocked, Bob's retry goes through and reaches Alice.
    await alice.page.getByRole('button', { name: 'Unblock', exact: true }).click();
    await alice.page.getByRole('button', { name: 'Block', exact: true }).waitFor();
    expect(await alice.page.getByTestId('blocked-notice').count()).toBe(0);
    await bob.page.getByRole('button', { name: 'Retry' }).click();
    await alice.page.getByTestId('message-text').filter({ hasText: 'Are you there?' }).waitFor();

    for (const u of [alice, bob]) expect(u.errors).toEqual([]);
  }, 90_000);
});
