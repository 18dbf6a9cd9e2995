/**
 * Web Push in Chromium against a real server and a local push service (testkit's LocalPushService,
 * which decrypts what the server sends). Chromium cannot reach a real push service here, so
 * `PushManager.subscribe` is stubbed (an init script) to return a subscription on the local service
 * with keys it generated; everything else is real: the app registers its service worker on load,
 * asks for permission only when "Enable push notifications on this device" is clicked, stores the
 * subscription on the server, and lists it; the member goes offline; another user's message reaches
 * the local service as one encrypted push; its decrypted payload is delivered to the service worker
 * over CDP (`ServiceWorker.deliverPushMessage`), and the worker shows the notification (title, body,
 * tag); a click's behaviour (called in the worker: no browser API clicks a notification) takes the
 * open tab to the conversation. English with previews, Chinese with private previews ("新消息").
 * Also: mute through the bell is the server's (another tab shows it live, a reload keeps it, a mute
 * kept in this browser from before is moved to the server), and desktop notifications can be turned
 * off again. Screenshots: the settings section and the payload as shown, en and zh, desktop and phone.
 */
import type { AuthResponse, PushPayload } from '@herald/protocol';
import {
  ApiClient,
  chromiumAvailable,
  LocalPushService,
  startTestServer,
  type TestPushSubscription,
  type TestServer,
} from '@herald/testkit';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, openUser, screenshot, signIn, type UserPage, unexpectedErrors, waitForStatus } from './helpers/browser';
import { ensureWebBuild } from './helpers/web-build';

const hasChromium = await chromiumAvailable();

/**
 * Init script: PushManager's subscribe/getSubscription give a subscription on the local push
 * service (remembered in localStorage, as a browser keeps its own), and permission prompts are counted.
 */
function stubPush(sub: TestPushSubscription): void {
  if (location.protocol === 'about:') return; // about:blank has no storage
  const w = window as unknown as { __permissionAsks: number };
  w.__permissionAsks = 0;
  const ask = Notification.requestPermission.bind(Notification);
  Notification.requestPermission = (...args: Parameters<typeof Notification.requestPermission>) => {
    w.__permissionAsks += 1;
    return ask(...args);
  };
  const fake = {
    endpoint: sub.endpoint,
    expirationTime: null,
    options: { userVisibleOnly: true, applicationServerKey: null },
    toJSON: () => ({ endpoint: sub.endpoint, expirationTime: null, keys: sub.keys }),
    unsubscribe: async () => {
      localStorage.removeItem('test.subscribed');
      return true;
    },
    getKey: () => null,
  };
  PushManager.prototype.subscribe = async () => {
    localStorage.setItem('test.subscribed', '1');
    return fake as unknown as PushSubscription;
  };
  PushManager.prototype.getSubscription = async () =>
    localStorage.getItem('test.subscribed') ? (fake as unknown as PushSubscription) : null;
}

describe.skipIf(!hasChromium)('web push in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let api: ApiClient;
  let pushService: LocalPushService;
  const users: UserPage[] = [];

  beforeAll(async () => {
    const dist = await ensureWebBuild();
    pushService = await LocalPushService.start();
    server = await startTestServer({
      env: {
        HERALD_WEB_DIR: dist,
        HERALD_RATE_PER_SECOND: '1000',
        HERALD_RATE_BURST: '1000',
        HERALD_PUSH_ALLOW_INSECURE_ENDPOINTS: 'true',
        HERALD_PUSH_COLLAPSE_MS: '300',
        HERALD_PRESENCE_GRACE_MS: '300',
      },
    });
    api = new ApiClient(server.url);
    await api.register('Admin');
    browser = await launch();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.destroy();
    await pushService?.close();
  }, 90_000);

  async function waitOffline(asker: AuthResponse, userId: string): Promise<void> {
    await expect
      .poll(async () => (await api.rest.presence.get({ query: { userIds: userId }, token: asker.accessToken })).presence[0]?.online, {
        timeout: 10_000,
      })
      .toBe(false);
  }

  /** The app's service worker registration id and origin, from CDP. */
  async function deliverToServiceWorker(page: Page, data: string): Promise<void> {
    const cdp = await page.context().newCDPSession(page);
    const registrations = new Promise<string>((resolve) => {
      cdp.on(
        'ServiceWorker.workerRegistrationUpdated',
        (event: { registrations: { registrationId: string; scopeURL: string; isDeleted: boolean }[] }) => {
          const ours = event.registrations.find((r) => r.scopeURL === `${server.url}/` && !r.isDeleted);
          if (ours) resolve(ours.registrationId);
        },
      );
    });
    await cdp.send('ServiceWorker.enable');
    const registrationId = await registrations;
    await cdp.send('ServiceWorker.deliverPushMessage', { origin: server.url, registrationId, data });
  }

  async function pushFlow(locale: 'en' | 'zh') {
    const device = pushService.subscribe();
    const bob = await openUser(browser, server.url, { locale: locale === 'zh' ? 'zh-CN' : 'en-US' });
    users.push(bob);
    await bob.context.grantPermissions(['notifications'], { origin: server.url });
    await bob.context.addInitScript(stubPush, device);
    const { page } = bob;
    // Signed in through the English UI (the helpers' labels); then the app in the test's language.
    await bob.context.addInitScript((language) => {
      if (location.protocol !== 'about:' && !localStorage.getItem('herald.language')) localStorage.setItem('herald.language', language);
    }, 'en');
    const me = await api.register(locale === 'zh' ? '小明' : 'Bob');
    await signIn(bob, me.user.email);
    await page.evaluate((language) => localStorage.setItem('herald.language', language), locale);
    await page.reload();
    await waitForStatus(page, 'connected');

    // The app registered its service worker on load, and asked for no permission.
    await expect.poll(() => page.evaluate(async () => Boolean((await navigator.serviceWorker.getRegistration('/'))?.active))).toBe(true);
    await page.goto('/settings');
    const section = page.getByTestId('notification-settings');
    await section.waitFor();
    await expect.poll(() => page.getByTestId('push-state').getAttribute('data-state')).toBe('off');
    expect(await page.evaluate(() => (window as unknown as { __permissionAsks: number }).__permissionAsks)).toBe(0);

    if (locale === 'zh') await page.getByTestId('push-private').check();
    await page.getByTestId('push-enable').click();
    await expect.poll(() => page.getByTestId('push-state').getAttribute('data-state')).toBe('on');
    expect(await page.evaluate(() => (window as unknown as { __permissionAsks: number }).__permissionAsks)).toBe(1);
    await page
      .getByTestId('push-devices')
      .getByText(locale === 'zh' ? '此设备' : 'this device')
      .waitFor();

    // Stored on the server for this user, with this device's preview choice.
    const listed = await api.rest.push.list({ token: me.accessToken });
    expect(listed.subscriptions).toEqual([
      expect.objectContaining({ endpoint: device.endpoint, preview: locale !== 'zh', label: 'Chrome on Linux' }),
    ]);
    for (const [width, height, kind] of [
      [1280, 800, 'desktop'],
      [390, 844, 'phone'],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.getByTestId('push-devices').scrollIntoViewIfNeeded();
      await screenshot(page, `push-settings-${locale}-${kind}`);
    }
    await page.setViewportSize({ width: 1280, height: 800 });

    // Bob leaves (every page closed); Alice writes to him twice.
    const alice = await api.register(locale === 'zh' ? '张伟' : 'Alice');
    const conversationId = await api.conversation(alice.accessToken, { kind: 'direct', userId: me.user.id });
    await page.goto('about:blank');
    await waitOffline(alice, me.user.id);
    await api.sendText(alice.accessToken, conversationId, locale === 'zh' ? '你好！' : 'Hi Bob!');
    await api.sendText(alice.accessToken, conversationId, locale === 'zh' ? '今晚一起吃饭吗？' : 'Dinner tonight?');
    const [push] = await pushService.waitFor((p) => p.subscriptionId === device.id);
    const payload = push?.payload as PushPayload;
    expect(payload).toMatchObject({ conversationId, count: 2, tag: `herald:${conversationId}`, url: `/chat/${conversationId}` });
    if (locale === 'en') expect(payload).toMatchObject({ title: 'Alice', body: 'Dinner tonight?', preview: true });
    else expect(payload).toMatchObject({ title: 'Herald', body: '', preview: false });

    // The browser would now hand the decrypted payload to the service worker: do it over CDP.
    await page.goto('/settings');
    const shown = async () =>
      page.evaluate(async () => {
        const registration = await navigator.serviceWorker.ready;
        return (await registration.getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data as unknown }));
      });
    // CDP's deliverPushMessage was once seen to reach no worker in CI (the notification never came).
    // That is the instrument, not the app: hand the same push over again (same tag: still one).
    for (let attempt = 1; ; attempt++) {
      await deliverToServiceWorker(page, push?.text ?? '');
      const appeared = await expect
        .poll(async () => (await shown()).length, { timeout: 4_000 })
        .toBe(1)
        .then(() => true)
        .catch(() => false);
      if (appeared) break;
      console.info(`push (${locale}): no notification after delivery ${attempt}; delivering again`);
      if (attempt === 3) throw new Error('the service worker showed no notification after 3 deliveries');
    }
    expect(await shown()).toHaveLength(1);
    const [notification] = await shown();
    expect(notification).toMatchObject({
      title: locale === 'en' ? 'Alice' : 'Herald',
      body: locale === 'en' ? 'Dinner tonight? (+1)' : '2 条新消息',
      tag: `herald:${conversationId}`,
      data: { url: `/chat/${conversationId}`, conversationId },
    });

    // A later push for the same conversation replaces it (same tag): still one.
    await deliverToServiceWorker(
      page,
      JSON.stringify({ ...payload, seq: payload.seq + 1, count: 1, body: locale === 'en' ? 'See you' : '' }),
    );
    await expect.poll(async () => (await shown()).map((n) => n.body)).toEqual([locale === 'en' ? 'See you' : '新消息']);

    // A click on it takes the open tab (here on /settings) to the conversation. Browsers have no API
    // to click a notification, so the worker's click behaviour is called in the worker itself.
    const worker = bob.context.serviceWorkers().find((w) => w.url().endsWith('/sw.js'));
    expect(worker).toBeDefined();
    await worker?.evaluate(
      (url) => (self as unknown as { heraldOpenConversation(u: string): Promise<unknown> }).heraldOpenConversation(url),
      payload.url,
    );
    await page.waitForURL(`**/chat/${conversationId}`);
    await page.getByTestId('mute-toggle').waitFor();
    expect(bob.context.pages().filter((p) => p.url().includes(`/chat/${conversationId}`))).toHaveLength(1);

    // The payload as the service worker showed it, and the decrypted JSON, for people to look at.
    const card = await browser.newPage();
    for (const [width, height, kind] of [
      [1280, 800, 'desktop'],
      [390, 844, 'phone'],
    ] as const) {
      await card.setViewportSize({ width, height });
      await card.setContent(payloadCard(notification as { title: string; body: string; tag: string }, push?.text ?? '', locale));
      await screenshot(card, `push-payload-${locale}-${kind}`);
    }
    await card.close();
    expect(unexpectedErrors(bob.errors, [/status of 401/])).toEqual([]);
  }

  it('registers the service worker, subscribes only on the button, and shows the push an offline member gets (en, previews)', async () => {
    await pushFlow('en');
  }, 90_000);

  it('the same in Chinese with private previews: the notification says only 新消息', async () => {
    await pushFlow('zh');
  }, 90_000);

  it('mute is a server setting: another tab shows it at once, a reload keeps it; desktop notifications can be turned off again', async () => {
    const me = await api.register('Carol');
    const alice = await api.register('Alice');
    const conversationId = await api.conversation(alice.accessToken, { kind: 'direct', userId: me.user.id });
    const carol = await openUser(browser, server.url);
    users.push(carol);
    await carol.context.grantPermissions(['notifications'], { origin: server.url });
    // A mute this browser kept locally before mute was the server's: moved to the server on sign-in.
    const legacyId = await api.conversation(alice.accessToken, { kind: 'group', title: 'Old mute', memberIds: [me.user.id] });
    await carol.context.addInitScript(
      ([key, ids]) => {
        if (location.protocol === 'about:' || localStorage.getItem('test.legacy')) return;
        localStorage.setItem(key as string, ids as string);
        localStorage.setItem('test.legacy', '1');
      },
      [`herald.muted.${me.user.id}`, JSON.stringify([legacyId])],
    );
    await signIn(carol, me.user.email);
    const legacyMuted = async () =>
      (await api.rest.conversations.get({ params: { id: legacyId }, token: me.accessToken })).conversation.muted;
    await expect.poll(legacyMuted, { timeout: 10_000 }).toBe(true);
    await expect.poll(() => carol.page.evaluate((key) => localStorage.getItem(key), `herald.muted.${me.user.id}`)).toBe('[]');
    const other = await carol.context.newPage();
    await other.goto('/chat');
    await waitForStatus(other, 'connected');
    const mark = other.locator(`[data-conversation-id="${conversationId}"] [data-testid="muted-mark"]`);
    expect(await mark.count()).toBe(0);

    await carol.page.goto(`/chat/${conversationId}`);
    await waitForStatus(carol.page, 'connected');
    const toggle = carol.page.getByTestId('mute-toggle');
    await toggle.click();
    await expect.poll(() => toggle.getAttribute('aria-pressed')).toBe('true');
    await mark.waitFor(); // the other tab heard `conversation_muted`
    expect((await api.rest.conversations.get({ params: { id: conversationId }, token: me.accessToken })).conversation.muted).toBe(true);
    await other.reload();
    await mark.waitFor(); // from the server's list, not from this browser's storage
    await toggle.click();
    await expect.poll(() => toggle.getAttribute('aria-pressed')).toBe('false');
    await mark.waitFor({ state: 'detached' });
    expect((await api.rest.conversations.get({ params: { id: conversationId }, token: me.accessToken })).conversation.muted).toBe(false);

    await carol.page.goto('/settings');
    const desktop = carol.page.getByTestId('desktop-switch');
    await expect.poll(() => desktop.isChecked()).toBe(true);
    await desktop.uncheck();
    expect(await carol.page.evaluate(() => localStorage.getItem('herald.desktop'))).toBe('off');
    await carol.page.reload();
    await expect.poll(() => carol.page.getByTestId('desktop-switch').isChecked()).toBe(false);
    expect(unexpectedErrors(carol.errors, [/status of 401/])).toEqual([]);
  }, 90_000);
});

function payloadCard(shown: { title: string; body: string; tag: string }, json: string, locale: 'en' | 'zh'): string {
  const html = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const pretty = html(JSON.stringify(JSON.parse(json), null, 2));
  const heading = locale === 'zh' ? '推送通知（服务工作线程显示的内容）' : 'Push notification (as the service worker shows it)';
  const raw = locale === 'zh' ? '解密后的负载' : 'Decrypted payload';
  return `<!doctype html><meta charset="utf-8"><body style="font-family: system-ui, 'Noto Sans CJK SC', sans-serif; background:#f1f5f9; margin:0; padding:24px">
  <h1 style="font-size:18px">${heading}</h1>
  <div style="max-width:360px; background:white; border-radius:12px; box-shadow:0 4px 16px #0002; padding:12px 16px; display:flex; gap:12px">
    <div style="width:40px; height:40px; border-radius:8px; background:#2563eb; color:white; display:grid; place-items:center; font-weight:700">H</div>
    <div style="min-width:0"><div style="font-weight:600">${html(shown.title)}</div><div style="color:#334155">${html(shown.body)}</div>
    <div style="color:#94a3b8; font-size:12px">tag: ${html(shown.tag)}</div></div>
  </div>
  <h2 style="font-size:15px; margin-top:24px">${raw}</h2>
  <pre style="background:#0f172a; color:#e2e8f0; padding:12px; border-radius:8px; white-space:pre-wrap; word-break:break-all; font-size:12px">${pretty}</pre>
  </body>`;
}
