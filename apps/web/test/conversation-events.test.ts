/**
 * The conversation list stays live in headless Chromium, with no reload and no refetch: a group Bob
 * creates (over the API) appears in Alice's open list, his rename shows, and when he removes her
 * the conversation leaves her list and, being open, closes. All of it from the server's
 * `conversation_added` / `conversation_updated` / `member_removed` frames: the page never asks for
 * the list again after its first load. No console errors are allowed.
 */
import { ApiClient, chromiumAvailable, startTestServer, type TestServer } from '@herald/testkit';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, openUser, signIn, type UserPage, waitForStatus } from './helpers/browser';
import { ensureWebBuild } from './helpers/web-build';

const hasChromium = await chromiumAvailable();

describe.skipIf(!hasChromium)('conversation list events in the browser', () => {
  let server: TestServer;
  let api: ApiClient;
  let browser: Browser;
  let alice: UserPage | undefined;

  beforeAll(async () => {
    const dist = await ensureWebBuild();
    server = await startTestServer({ env: { HERALD_WEB_DIR: dist } });
    api = new ApiClient(server.url);
    await api.register('Root'); // the first account is an admin; Alice and Bob are not
    browser = await launch();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.destroy();
  }, 90_000);

  it("a group created by Bob appears in Alice's open list without a reload; a rename shows; a removal drops and closes it", async () => {
    const [aliceAuth, bob] = [await api.register('Alice'), await api.register('Bob')];
    alice = await openUser(browser, server.url);
    const { page } = alice;
    await signIn(alice, aliceAuth.user.email);
    await waitForStatus(page, 'connected');
    await page.getByText('No conversations yet').waitFor();
    // Every request for the list from now on (there should be none) and every page load.
    const listLoads: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'GET' && new URL(request.url()).pathname === '/api/v1/conversations') listLoads.push(request.url());
    });
    let loads = 0;
    page.on('load', () => void loads++);

    const { conversation } = await api.rest.conversations.create({
      body: { kind: 'group', title: 'Launch plans', memberIds: [aliceAuth.user.id] },
      token: bob.accessToken,
    });
    const item = page.getByRole('link', { name: /Launch plans/ });
    await item.waitFor({ timeout: 5_000 });

    await item.click();
    await page.waitForURL(`**/chat/${conversation.id}`);
    await api.rest.conversations.rename({ params: { id: conversation.id }, body: { title: 'Launch day' }, token: bob.accessToken });
    await page.getByRole('link', { name: /Launch day/ }).waitFor({ timeout: 5_000 });
    expect(await page.getByRole('link', { name: /Launch plans/ }).count()).toBe(0);

    await api.rest.conversations.removeMember({ params: { id: conversation.id, userId: aliceAuth.user.id }, token: bob.accessToken });
    await page.waitForURL(/\/chat$/, { timeout: 5_000 });
    await page.getByText('No conversations yet').waitFor({ timeout: 5_000 });

    expect(listLoads).toEqual([]);
    expect(loads).toBe(0);
    expect(alice.errors).toEqual([]);
  });
});
