/**
 * End to end: one WebSocket per browser. Three tabs (pages of one browser context) of one user share
 * the leader tab's socket: the server counts one session; a message reaches every tab exactly once;
 * closing the leader hands over within 2 s, a burst sent meanwhile shows once, in order, in the other
 * tabs, and a message written in a follower during the handover is sent on the wire exactly once.
 * With `herald.shareConnection = off` every tab has its own socket again.
 */
import type { AuthResponse } from '@herald/protocol';
import { ApiClient, chromiumAvailable, startTestServer, type TestServer } from '@herald/testkit';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, openUser, signIn, unexpectedErrors, waitForStatus } from './helpers/browser';
import { ensureWebBuild } from './helpers/web-build';

const hasChromium = await chromiumAvailable();

interface Tab {
  page: Page;
  sockets: string[];
  /** Sockets open now. */
  open: number;
  /** Text of every frame the tab sent on a real socket. */
  sent: string[];
  errors: string[];
}

function track(page: Page): Tab {
  const tab: Tab = { page, sockets: [], open: 0, sent: [], errors: [] };
  page.on('websocket', (socket) => {
    tab.sockets.push(socket.url());
    tab.open++;
    if (process.env.HERALD_DEBUG_TABS) console.log(`[tab] socket opened ${Date.now()}`);
    socket.on('close', () => {
      tab.open--;
      if (process.env.HERALD_DEBUG_TABS) console.log(`[tab] socket closed ${Date.now()}`);
    });
    socket.on('framesent', (frame) => tab.sent.push(String(frame.payload)));
  });
  page.on('console', (message) => {
    if (process.env.HERALD_DEBUG_TABS) console.log(`[tab ${page.url()}] ${message.type()}: ${message.text()}`);
    if (message.type() === 'error' && !/status of 401/.test(message.text())) tab.errors.push(message.text());
  });
  page.on('pageerror', (error) => tab.errors.push(`pageerror: ${error.message}`));
  return tab;
}

async function openTabs(context: BrowserContext, first: Page, count: number, path: string): Promise<Tab[]> {
  // The sign-in page's own socket is up before tracking starts, so it never counts (the reload ends it).
  await waitForStatus(first, 'connected');
  const tabs = [track(first)];
  for (let i = 1; i < count; i++) tabs.push(track(await context.newPage()));
  for (const tab of tabs) await tab.page.goto(path);
  for (const tab of tabs) {
    await waitForStatus(tab.page, 'connected').catch(async (error) => {
      const states = await Promise.all(tabs.map((t) => t.page.locator('[role="status"]').first().getAttribute('data-status')));
      throw new Error(`tabs' status: ${states.join(', ')}: ${error}`);
    });
  }
  return tabs;
}

const texts = (page: Page, text: string) => page.getByTestId('message-text').filter({ hasText: text });

describe.skipIf(!hasChromium)('one socket per browser, shared by its tabs', () => {
  let server: TestServer;
  let browser: Browser;
  let api: ApiClient;
  let root: AuthResponse;

  beforeAll(async () => {
    const dist = await ensureWebBuild();
    server = await startTestServer({ env: { HERALD_WEB_DIR: dist, HERALD_PRESENCE_GRACE_MS: '0' } });
    browser = await launch();
    api = new ApiClient(server.url);
    root = await api.register('Root');
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.destroy();
  });

  async function sessionsOf(userId: string): Promise<number> {
    const { status, body } = await api.request<{ sessions: unknown[] }>('GET', `/api/v1/admin/users/${userId}/sessions`, {
      token: root.accessToken,
    });
    expect(status).toBe(200);
    return body.sessions.length;
  }

  it('three tabs hold one session; messages reach each tab once; the leader hands over in time, losing and repeating nothing', async () => {
    const ann = await api.register('Ann');
    const ben = await api.register('Ben');
    const conversationId = await api.conversation(ann.accessToken, { kind: 'direct', userId: ben.user.id });

    const user = await openUser(browser, server.url);
    await signIn(user, ann.user.email);
    const tabs = await openTabs(user.context, user.page, 3, `/chat/${conversationId}`);

    // One socket in the browser, one session at the server.
    await expect.poll(() => sessionsOf(ann.user.id)).toBe(1);
    await expect.poll(() => tabs.reduce((sum, tab) => sum + tab.open, 0)).toBe(1);

    await api.sendText(ben.accessToken, conversationId, 'hello all tabs');
    for (const tab of tabs) await texts(tab.page, 'hello all tabs').waitFor();
    for (const tab of tabs) expect(await texts(tab.page, 'hello all tabs').count()).toBe(1);

    // Close the leader; a burst arrives during the handover.
    const leader = tabs.find((tab) => tab.open > 0) as Tab;
    const rest = tabs.filter((tab) => tab !== leader);
    const socketsBefore = rest.map((tab) => tab.sockets.length);
    const closedAt = Date.now();
    await leader.page.close();
    const burst = Array.from({ length: 6 }, (_, i) => `burst ${i + 1}`);
    const sending = (async () => {
      for (const text of burst) await api.sendText(ben.accessToken, conversationId, text);
    })();
    // A message written in a follower tab while the connection changes hands.
    const composer = (rest[0] as Tab).page.getByLabel('Message', { exact: true });
    await composer.fill('written during the handover');
    await composer.press('Enter');

    await expect
      .poll(() => rest.reduce((sum, tab, i) => sum + tab.sockets.length - (socketsBefore[i] ?? 0), 0), { timeout: 5_000, interval: 50 })
      .toBe(1);
    for (const tab of rest) await waitForStatus(tab.page, 'connected', 5_000);
    const handoverMs = Date.now() - closedAt;
    console.info(`handover: a new leader connected ${handoverMs} ms after the old one closed`);
    expect(handoverMs).toBeLessThan(2_000);
    await sending;

    for (const tab of rest) {
      await texts(tab.page, 'burst 6').waitFor({ timeout: 10_000 });
      await texts(tab.page, 'written during the handover').waitFor();
      for (const text of [...burst, 'hello all tabs', 'written during the handover']) expect(await texts(tab.page, text).count()).toBe(1);
      const shown = (await tab.page.getByTestId('message-text').allTextContents()).filter((text) => text.startsWith('burst'));
      expect(shown).toEqual(burst);
    }
    await expect.poll(() => sessionsOf(ann.user.id)).toBe(1);
    // The outbox entry went over a real socket exactly once, and the server stored it once.
    const frames = rest.flatMap((tab) => tab.sent).filter((text) => text.includes('written during the handover'));
    expect(frames).toHaveLength(1);
    await expect
      .poll(() => (user.page.isClosed() ? rest[1] : rest[0])?.page.locator('[data-mine] [data-delivery="pending"]').count())
      .toBe(0);

    for (const tab of rest) expect(unexpectedErrors(tab.errors)).toEqual([]);
    await user.context.close();
  }, 120_000);

  it('a message written in the leader tab as it closes is not lost: the next leader takes it from the outbox, and it is stored once', async () => {
    const ann = await api.register('Ann');
    const ben = await api.register('Ben');
    const conversationId = await api.conversation(ann.accessToken, { kind: 'direct', userId: ben.user.id });
    const user = await openUser(browser, server.url);
    await signIn(user, ann.user.email);
    const tabs = await openTabs(user.context, user.page, 3, `/chat/${conversationId}`);
    await expect.poll(() => tabs.reduce((sum, tab) => sum + tab.open, 0)).toBe(1);
    const leader = tabs.find((tab) => tab.open > 0) as Tab;
    const rest = tabs.filter((tab) => tab !== leader);

    // Enter, then the tab is gone at once: the send may or may not have left it, the ack cannot have come back.
    const text = 'written as the leader closes';
    const composer = leader.page.getByLabel('Message', { exact: true });
    await composer.fill(text);
    await composer.press('Enter');
    await leader.page.close();

    for (const tab of rest) {
      await texts(tab.page, text).waitFor({ timeout: 10_000 });
      expect(await texts(tab.page, text).count()).toBe(1);
    }
    const history = await api.request<{ messages: { text: string }[] }>(
      'GET',
      `/api/v1/conversations/${conversationId}/messages?limit=50`,
      {
        token: ben.accessToken,
      },
    );
    expect(history.status).toBe(200);
    expect(history.body.messages.filter((message) => message.text === text)).toHaveLength(1);
    // Nothing is left owed in the outbox (IndexedDB): the new leader's send was acked and removed.
    await expect.poll(() => (rest[0] as Tab).page.locator('[data-mine] [data-delivery="pending"]').count(), { timeout: 10_000 }).toBe(0);
    for (const tab of rest) expect(unexpectedErrors(tab.errors)).toEqual([]);
    await user.context.close();
  }, 120_000);

  it('with sharing off, every tab has its own socket', async () => {
    const ann = await api.register('Ann');
    const ben = await api.register('Ben');
    const conversationId = await api.conversation(ann.accessToken, { kind: 'direct', userId: ben.user.id });
    const user = await openUser(browser, server.url);
    await user.context.addInitScript(() => localStorage.setItem('herald.shareConnection', 'off'));
    await signIn(user, ann.user.email);
    const tabs = await openTabs(user.context, user.page, 3, `/chat/${conversationId}`);
    await expect.poll(() => sessionsOf(ann.user.id)).toBe(3);
    for (const tab of tabs) expect(tab.sockets.length).toBeGreaterThanOrEqual(1);
    await api.sendText(ben.accessToken, conversationId, 'one socket each');
    for (const tab of tabs) await texts(tab.page, 'one socket each').waitFor();
    for (const tab of tabs) expect(await texts(tab.page, 'one socket each').count()).toBe(1);
    await user.context.close();
  }, 120_000);
});
