/**
 * The client in headless Chromium with the browser's own WebSocket, online/offline events,
 * visibility events and IndexedDB — against the real server through the real TCP proxy.
 * The bundle is built from the sources with Vite and served from 127.0.0.1 (a real origin).
 */
import { type BrowserSession, chromiumAvailable, launchBrowser, type StaticServer, serveStatic } from '@herald/testkit';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleClient } from './bundle.js';
import { type Harness, Inbox, nodeClient, range, startHarness } from './harness.js';

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
        window.herald = { Herald, log: [], got: [] };
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

/** What the test page keeps in its global `herald` (the callbacks below run in the page, not here). */
interface PageState {
  Herald: typeof import('@herald/client');
  client: import('@herald/client').HeraldClient;
  store: import('@herald/client').IndexedDbOutboxStore;
  got: { seq: number; text: string }[];
  log: string[];
}
// Page globals, declared for the type checker only (the root config has no DOM lib).
declare const herald: PageState | undefined;
declare const navigator: { onLine: boolean };
declare const document: { dispatchEvent(event: unknown): boolean };
declare const Event: new (type: string) => unknown;

async function openPage(): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(site.url);
  await page.waitForFunction(() => typeof herald !== 'undefined');
  return page;
}

interface PageClientOptions {
  url: string;
  token: string;
  conversationId?: string;
  extra?: Record<string, number | Record<string, number>>;
  storeName?: string;
  /** Jitter pinned near the ceiling, so a retry never happens early by chance. */
  slowRetry?: boolean;
}

/** Create `window.client` in the page (browser WebSocket, default online/visibility sources). */
async function createPageClient(page: Page, options: PageClientOptions): Promise<void> {
  await page.evaluate((o) => {
    const w = herald as PageState;
    const store = o.storeName ? new w.Herald.IndexedDbOutboxStore({ name: o.storeName }) : undefined;
    if (store) w.store = store;
    w.client = w.Herald.createClient({
      url: o.url,
      credentials: () => o.token,
      device: { deviceType: 'desktop', deviceId: 'chromium' },
      reconnect: { baseDelayMs: 20, maxDelayMs: 200, maxAttempts: 1000 },
      heartbeatTimeoutMs: 500,
      connectTimeoutMs: 2000,
      ...(store ? { outbox: { store } } : {}),
      ...(o.slowRetry ? { random: () => 0.999 } : {}),
      ...o.extra,
    });
    w.client.subscribe((s) => w.log.push(s.status));
    w.client.on('new_message', (f) => {
      if (!o.conversationId || f.data.conversationId === o.conversationId) w.got.push({ seq: f.data.seq, text: f.data.text });
    });
  }, options);
}

const waitForStatus = (page: Page, status: string, timeout = 10_000) =>
  page.waitForFunction((s) => (herald as PageState).client.getState().status === s, status, { timeout });

const waitForGot = (page: Page, count: number, timeout = 10_000) =>
  page.waitForFunction((n) => (herald as PageState).got.length >= n, count, { timeout });

describe.skipIf(!hasChromium)('in Chromium', () => {
  it("talks through the browser's WebSocket and resumes after a cut with no gap", async () => {
    const { alice, bob, conversationId } = await h.api.directPair();
    const page = await openPage();
    await createPageClient(page, { url: h.proxy.wsUrl(), token: bob.accessToken, conversationId });
    await page.evaluate(async (c) => {
      await (herald as PageState).client.connect();
      await (herald as PageState).client.subscribeConversation(c, { since: 0 });
    }, conversationId);
    await h.api.sendText(alice.accessToken, conversationId, 'hello browser');
    await waitForGot(page, 1);
    const reply = await page.evaluate((c) => (herald as PageState).client.sendMessage(c, { text: 'hello node' }), conversationId);
    expect(reply).toMatchObject({ seq: 2, duplicate: false });

    const before = h.proxy.totalConnections;
    h.proxy.cut();
    for (const n of range(3)) await h.api.sendText(alice.accessToken, conversationId, `while cut ${n}`);
    await waitForGot(page, 5);
    const got = await page.evaluate(() => (herald as PageState).got);
    expect(got.map((m) => m.seq)).toEqual(range(5));
    expect(got.map((m) => m.text)).toEqual(['hello browser', 'hello node', 'while cut 1', 'while cut 2', 'while cut 3']);
    expect(h.proxy.totalConnections).toBeGreaterThan(before);
    expect(await page.evaluate(() => (herald as PageState).log)).toEqual(
      expect.arrayContaining(['connecting', 'connected', 'reconnecting']),
    );
    await page.evaluate(() => (herald as PageState).client.dispose());
    await page.close();
  });

  it('waits while offline and reconnects the moment the browser is online again', async () => {
    const { bob } = await h.api.directPair();
    const page = await openPage();
    // A one-minute backoff: only the `online` event can explain a prompt reconnect.
    await createPageClient(page, {
      url: h.proxy.wsUrl(),
      token: bob.accessToken,
      slowRetry: true,
      extra: { reconnect: { baseDelayMs: 60_000, maxDelayMs: 60_000 } },
    });
    await page.evaluate(() => {
      (herald as PageState).client.connect();
    });
    await waitForStatus(page, 'connected');
    await browser.context.setOffline(true);
    await page.waitForFunction(() => navigator.onLine === false);
    h.proxy.cut();
    await waitForStatus(page, 'reconnecting');
    const paused = await page.evaluate(() => (herald as PageState).client.getState().nextRetryAt);
    expect(paused).toBeNull(); // no timer runs while offline
    const started = Date.now();
    await browser.context.setOffline(false);
    await waitForStatus(page, 'connected', 15_000);
    expect(Date.now() - started).toBeLessThan(15_000);
    await page.evaluate(() => (herald as PageState).client.dispose());
    await page.close();
  });

  it('when the page becomes visible it checks the socket at once and replaces a dead one', async () => {
    const { bob } = await h.api.directPair();
    const page = await openPage();
    // An hour between heartbeats: only the visibility probe can find the stalled socket.
    await createPageClient(page, { url: h.proxy.wsUrl(), token: bob.accessToken, extra: { heartbeatIntervalMs: 3_600_000 } });
    await page.evaluate(() => (herald as PageState).client.connect());
    h.proxy.stall();
    await page.evaluate(() => {
      const setVisibility = (state: string) => {
        Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
        document.dispatchEvent(new Event('visibilitychange'));
      };
      setVisibility('hidden');
      setVisibility('visible');
    });
    await waitForStatus(page, 'reconnecting', 5000);
    expect(await page.evaluate(() => (herald as PageState).client.getState().error?.code)).toBe('timeout');
    h.proxy.restore();
    await waitForStatus(page, 'connected');
    await page.evaluate(() => (herald as PageState).client.dispose());
    await page.close();
  });

  it('keeps messages queued offline in IndexedDB across a reload, then sends them once', async () => {
    const { alice, bob, conversationId } = await h.api.directPair();
    const receiver = nodeClient(h.server.wsUrl, bob.accessToken);
    const inbox = new Inbox(receiver.client, conversationId);
    await receiver.client.connect();
    await receiver.client.subscribeConversation(conversationId, { since: 0 });
    const storeName = `outbox-${conversationId}`;

    const page = await openPage();
    await createPageClient(page, { url: h.proxy.wsUrl(), token: alice.accessToken, storeName });
    const stored = await page.evaluate(async (c) => {
      const w = herald as PageState;
      for (const text of ['queued 1', 'queued 2']) w.client.sendMessage(c, { text }).catch(() => undefined);
      return (await w.store.load()).map((r) => r.frame.data.text);
    }, conversationId);
    expect(stored).toEqual(['queued 1', 'queued 2']);

    await page.reload();
    await page.waitForFunction(() => typeof herald !== 'undefined');
    await createPageClient(page, { url: h.proxy.wsUrl(), token: alice.accessToken, storeName });
    await page.evaluate(() => (herald as PageState).client.connect());
    await inbox.waitForCount(2);
    // Polled from Node: waitForFunction does not await an async predicate (a Promise is truthy).
    await expect
      .poll(() => page.evaluate(async () => (await (herald as PageState).store.load()).length), { timeout: 10_000, interval: 50 })
      .toBe(0);
    const history = await h.api.request<{ messages: { text: string }[] }>('GET', `/api/v1/conversations/${conversationId}/messages`, {
      token: bob.accessToken,
    });
    expect(history.body.messages.map((m) => m.text)).toEqual(['queued 1', 'queued 2']);
    expect(inbox.texts).toEqual(['queued 1', 'queued 2']);
    await page.evaluate(() => (herald as PageState).client.dispose());
    await page.close();
    receiver.client.dispose();
  });
});
