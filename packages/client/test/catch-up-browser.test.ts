/**
 * The 10,000-message catch-up in headless Chromium, with the browser's own WebSocket and timers
 * (setTimeout clamping included): 4 conversations × 2,500 missed messages reach the handlers in
 * order, exactly once, with no `history` frame sent and no `onError` report. Prints the time from
 * `connected` to the last missed message's handler call.
 */
import { type BrowserSession, chromiumAvailable, launchBrowser, type StaticServer, serveStatic } from '@herald/testkit';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleClient } from './bundle.js';
import { type Harness, range, startHarness } from './harness.js';
import { seedMessages } from './seed-messages.js';

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

/** What the page keeps in its global `herald`. */
interface PageState {
  Herald: typeof import('@herald/client');
  client: import('@herald/client').HeraldClient;
  seqs: Record<string, number[]>;
  missed: number;
  sent: Record<string, number>;
  errors: string[];
  connectedAt: number;
  lastMissedAt: number;
}
// Page globals, declared for the type checker only (the root config has no DOM lib).
declare const herald: PageState;
declare const WebSocket: new (url: string) => { send(data: string): void };
declare const performance: { now(): number };

async function openPage(): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(site.url);
  await page.waitForFunction(() => typeof herald !== 'undefined' && 'Herald' in herald);
  return page;
}

describe.skipIf(!hasChromium)('catch-up in Chromium', () => {
  it('delivers 10,000 missed messages across 4 conversations in order, exactly once, with no history and no onError', async () => {
    const alice = await h.api.register('Alice');
    const bob = await h.api.register('Bob');
    const conversations = await Promise.all(
      range(4).map((n) =>
        h.api.conversation(alice.accessToken, { kind: 'group', title: `browser catch-up ${n}`, memberIds: [bob.user.id] }),
      ),
    );
    const page = await openPage();
    await page.evaluate(
      async ({ url, token, conversations }) => {
        const w = herald;
        Object.assign(w, { seqs: {}, missed: 0, sent: {}, errors: [], connectedAt: 0, lastMissedAt: 0 });
        class CountingWebSocket extends WebSocket {
          override send(data: string): void {
            const action = (JSON.parse(data) as { action: string }).action;
            w.sent[action] = (w.sent[action] ?? 0) + 1;
            super.send(data);
          }
        }
        w.client = w.Herald.createClient({
          url,
          credentials: () => token,
          device: { deviceType: 'desktop', deviceId: 'chromium' },
          WebSocket: CountingWebSocket as unknown as import('@herald/client').WebSocketConstructor,
          onError: (error) => void w.errors.push(`${error.code}: ${error.message}`),
        });
        w.client.subscribe((state, previous) => {
          if (state.status === 'connected' && previous.status !== 'connected') w.connectedAt = performance.now();
        });
        w.client.on('new_message', (f) => {
          const seqs = w.seqs[f.data.conversationId] ?? [];
          w.seqs[f.data.conversationId] = seqs;
          seqs.push(f.data.seq);
          if (++w.missed === 10_000) w.lastMissedAt = performance.now();
        });
        await w.client.connect();
        for (const c of conversations) await w.client.subscribeConversation(c, { since: 0 });
        w.client.disconnect();
      },
      { url: h.server.wsUrl, token: bob.accessToken, conversations },
    );
    await seedMessages(h.server.wsUrl, alice.accessToken, conversations, 2_500);
    await page.evaluate(() => {
      herald.sent = {};
      return herald.client.connect();
    });
    await page.waitForFunction(() => herald.missed >= 10_000, undefined, { timeout: 30_000 });
    const result = await page.evaluate(() => ({
      seqs: herald.seqs,
      sent: herald.sent,
      errors: herald.errors,
      ms: herald.lastMissedAt - herald.connectedAt,
    }));
    console.log(`catch-up (Chromium): 10,000 messages (4 x 2,500) from connected to the last handler call in ${Math.round(result.ms)} ms`);
    for (const c of conversations) expect(result.seqs[c]).toEqual(range(2_500));
    expect(result.sent.history ?? 0).toBe(0);
    expect(result.sent.subscribe).toBe(4);
    expect(result.errors).toEqual([]);
    await page.evaluate(() => herald.client.dispose());
    await page.close();
  }, 120_000);
});
