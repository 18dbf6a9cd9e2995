/**
 * The outbox's default store in a real browser (headless Chromium): with no `outbox.store` given,
 * messages queued offline land in the account's IndexedDB database (`herald-outbox-<userId>`, known
 * from `connected`), survive a reload, and are sent once the next page's client connects; a
 * message refused for good is kept there as `failed`, text and all, after a reload too; another
 * account signing in on the same browser never loads them. Against the real server.
 */
import { type BrowserSession, chromiumAvailable, launchBrowser, type StaticServer, serveStatic } from '@herald/testkit';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleClient } from './bundle.js';
import { type Harness, Inbox, nodeClient, startHarness } from './harness.js';

const hasChromium = await chromiumAvailable();

let h: Harness;
let site: StaticServer;
let browser: BrowserSession;

beforeAll(async () => {
  if (!hasChromium) return;
  h = await startHarness();
  const code = await bundleClient();
  site = await serveStatic({
    '/': {
      type: 'text/html',
      body: `<!doctype html><title>herald</title><script type="module">
        import * as Herald from '/herald-client.js';
        window.herald = { Herald };
      </script>`,
    },
    '/herald-client.js': { type: 'text/javascript', body: code },
  });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await h?.close();
});

interface PageState {
  Herald: typeof import('@herald/client');
  client: import('@herald/client').HeraldClient;
}
// Page globals, declared for the type checker only (the root config has no DOM lib).
declare const herald: PageState | undefined;

/** A page with `herald.client`: the default outbox store (none passed). */
async function pageWithClient(page: Page, url: string, token: string): Promise<void> {
  await page.waitForFunction(() => typeof herald !== 'undefined');
  await page.evaluate(
    (o) => {
      const w = herald as PageState;
      w.client = w.Herald.createClient({ url: o.url, credentials: () => o.token, device: { deviceType: 'desktop', deviceId: 'chromium' } });
    },
    { url, token },
  );
}

/** What the account's default database holds, read through a store of its own. */
const stored = (page: Page, userId: string) =>
  page.evaluate(async (name) => {
    const records = await new (herald as PageState).Herald.IndexedDbOutboxStore({ name }).load();
    return records.map((r) => ({ text: r.frame.data.text, state: r.state, code: r.error?.code }));
  }, `herald-outbox-${userId}`);

/**
 * Waits until the database holds `count` records. Polled from Node: Playwright's waitForFunction
 * does not await an async predicate (a Promise is truthy), so it would return at once.
 */
const storedCount = (page: Page, userId: string, count: number) =>
  expect.poll(async () => (await stored(page, userId)).length, { timeout: 10_000, interval: 50 }).toBe(count);

describe.skipIf(!hasChromium)('the default outbox store in Chromium', () => {
  it('is IndexedDB: messages queued offline survive a reload and are sent once; a refused one stays failed', async () => {
    const { alice, bob, conversationId } = await h.api.directPair();
    const stranger = await h.api.directPair(); // a conversation Alice is not in: refused for good
    const receiver = nodeClient(h.server.wsUrl, bob.accessToken);
    const inbox = new Inbox(receiver.client, conversationId);
    await receiver.client.connect();
    await receiver.client.subscribeConversation(conversationId, { since: 0 });

    const page = await browser.context.newPage();
    await page.goto(site.url);
    await pageWithClient(page, h.proxy.wsUrl(), alice.accessToken);
    await page.evaluate(
      async ({ mine, theirs }) => {
        const { client } = herald as PageState;
        await client.connect(); // the connection names the account, and so the database
        client.disconnect();
        client.sendMessage(mine, { text: 'offline 1' }).catch(() => undefined);
        client.sendMessage(theirs, { text: 'not my conversation' }).catch(() => undefined);
        client.sendMessage(mine, { text: 'offline 2' }).catch(() => undefined);
      },
      { mine: conversationId, theirs: stranger.conversationId },
    );
    await storedCount(page, alice.user.id, 3);
    expect((await stored(page, alice.user.id)).map((r) => r.text)).toEqual(['offline 1', 'not my conversation', 'offline 2']);

    // Another account in the same browser: its client never loads Alice's messages.
    await page.reload();
    await pageWithClient(page, h.proxy.wsUrl(), bob.accessToken);
    await page.evaluate(() => (herald as PageState).client.connect());
    expect(await page.evaluate(() => (herald as PageState).client.pendingMessages().length)).toBe(0);
    await page.evaluate(() => (herald as PageState).client.dispose());

    await page.reload();
    await pageWithClient(page, h.proxy.wsUrl(), alice.accessToken);
    await page.evaluate(() => (herald as PageState).client.connect());
    await inbox.waitForCount(2);
    expect(inbox.texts).toEqual(['offline 1', 'offline 2']);
    await storedCount(page, alice.user.id, 1);
    expect(await stored(page, alice.user.id)).toEqual([{ text: 'not my conversation', state: 'failed', code: 'forbidden' }]);

    // Still there after another reload, listed as failed, until the app discards it.
    await page.reload();
    await pageWithClient(page, h.proxy.wsUrl(), alice.accessToken);
    const listed = await page.evaluate(async () => {
      const { client } = herald as PageState;
      await client.connect();
      await new Promise<void>((resolve) => {
        if (client.pendingMessages().length > 0) return resolve();
        const stop = client.onOutboxChange(() => {
          stop();
          resolve();
        });
      });
      const [record] = client.pendingMessages();
      const discarded = record ? client.discardMessage(record.id) : false;
      return { state: record?.state, code: record?.error?.code, retryable: record?.error?.retryable, discarded };
    });
    expect(listed).toEqual({ state: 'failed', code: 'forbidden', retryable: false, discarded: true });
    await storedCount(page, alice.user.id, 0);
    await page.evaluate(() => (herald as PageState).client.dispose());
    await page.close();
    receiver.client.dispose();
  });
});
