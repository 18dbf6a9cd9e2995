/**
 * The conversation list a page at a time in headless Chromium, for a user in 300 groups (written
 * straight into the store): the first page (50) shows, most recent first; scrolling the list to its
 * end loads the next pages until all 300 show, each once; a message into a conversation not loaded
 * yet brings that one conversation to the top at once (no full reload). No console errors.
 */
import { randomUUID } from 'node:crypto';
import { ApiClient, chromiumAvailable, startTestServer, type TestServer } from '@herald/testkit';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, openUser, signIn, type UserPage, waitForStatus } from './helpers/browser';
import { ensureWebBuild } from './helpers/web-build';

const hasChromium = await chromiumAvailable();
const GROUPS = 300;
const PAGE = 50;
const title = (i: number) => `Group ${String(i).padStart(3, '0')}`;

describe.skipIf(!hasChromium)('conversation pages in the browser', () => {
  let server: TestServer;
  let api: ApiClient;
  let browser: Browser;
  let user: UserPage | undefined;

  beforeAll(async () => {
    const dist = await ensureWebBuild();
    server = await startTestServer({ env: { HERALD_WEB_DIR: dist } });
    api = new ApiClient(server.url);
    await api.register('Root');
    browser = await launch();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.destroy();
  }, 90_000);

  it('shows the first page, loads the rest as the list scrolls, and brings up a conversation from a later page on a message', async () => {
    const [owner, member] = [await api.register('Owner'), await api.register('Member')];
    // Group i was last active at base + i: Group 299 is the most recent.
    const base = Date.now() - 10 * 24 * 3600_000;
    const ids = Array.from({ length: GROUPS }, () => randomUUID());
    await server.server.database.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('conversations')
        .values(
          ids.map((id, i) => ({
            id,
            kind: 'group',
            title: title(i),
            owner_id: owner.user.id,
            direct_key: null,
            created_at: base + i,
            updated_at: base + i,
          })),
        )
        .execute();
      await trx
        .insertInto('conversation_members')
        .values(
          ids.flatMap((id, i) => [
            { conversation_id: id, user_id: owner.user.id, role: 'owner' as const, joined_at: base + i },
            { conversation_id: id, user_id: member.user.id, role: 'member' as const, joined_at: base + i },
          ]),
        )
        .execute();
    });

    user = await openUser(browser, server.url);
    const { page } = user;
    await signIn(user, member.user.email);
    await waitForStatus(page, 'connected');
    const items = page.locator('a[data-conversation-id]');
    await page.getByRole('link', { name: new RegExp(title(GROUPS - 1)) }).waitFor();
    await expect.poll(() => items.count()).toBe(PAGE);
    const firstTitles = await items.evaluateAll((links) => links.map((a) => a.textContent ?? ''));
    expect(firstTitles.map((text) => /Group \d{3}/.exec(text)?.[0])).toEqual(Array.from({ length: PAGE }, (_, k) => title(GROUPS - 1 - k)));

    // A message in Group 010 (far past the first page) brings it to the top without loading the list again.
    const listLoads: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'GET' && new URL(request.url()).pathname === '/api/v1/conversations') listLoads.push(request.url());
    });
    await api.sendText(owner.accessToken, ids[10] as string, 'ping from page six');
    await page.getByRole('link', { name: /Group 010/ }).waitFor({ timeout: 5_000 });
    expect(await items.first().textContent()).toContain('Group 010');
    expect(listLoads).toEqual([]);

    // Scroll the list's end into view until everything is there.
    const list = page.getByRole('list', { name: 'Conversations' });
    for (let round = 0; round < 20 && (await items.count()) < GROUPS; round++) {
      const before = await items.count();
      await list.evaluate((element) => element.scrollTo(0, element.scrollHeight));
      await expect.poll(() => items.count(), { timeout: 5_000 }).toBeGreaterThan(before);
    }
    expect(await items.count()).toBe(GROUPS);
    const shown = await items.evaluateAll((links) => links.map((a) => a.getAttribute('data-conversation-id')));
    expect(new Set(shown).size).toBe(GROUPS);
    expect(await page.getByRole('button', { name: /Load more/ }).count()).toBe(0);
    // Pages asked for by cursor, never the whole list again from the start.
    expect(listLoads.length).toBeGreaterThanOrEqual((GROUPS - PAGE) / PAGE - 1);
    expect(listLoads.every((url) => new URL(url).searchParams.has('cursor'))).toBe(true);
    expect(user.errors).toEqual([]);
  }, 120_000);
});
