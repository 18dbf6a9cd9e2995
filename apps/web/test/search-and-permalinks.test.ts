/**
 * Message search, permalinks and jumps end to end in headless Chromium against a real server
 * serving the built app. A group of three has ~300 messages (the latest page is 50), one of them
 * Chinese ("我们明天去北京开会") and one "quarterly report draft", both far older than the first
 * page; the newest is a reply quoting the Chinese one. Yan opens the search panel (Ctrl+Shift+F), finds
 * "北京" and "report" with the words marked, opens a hit: the conversation shows that old message
 * in view, highlighted; "Jump to latest" goes back to the newest; the reply's quote jumps to the
 * quoted message; the arrow keys and Enter open a hit, Esc closes the panel. A permalink opened in a
 * fresh page does the same; a bad one, and a conversation Yan is not in, are toasts, not blank
 * pages. Screenshots (en and zh, 1280 and 390 px) go to test-output/screenshots/.
 */
import { ApiClient, chromiumAvailable, startTestServer, type TestServer } from '@herald/testkit';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, openUser, screenshot, signIn, type UserPage } from './helpers/browser';
import { ensureWebBuild } from './helpers/web-build';

const hasChromium = await chromiumAvailable();
const COUNT = 300;
const CHINESE = '我们明天去北京开会';
const REPORT = 'Here is the quarterly report draft for Monday';

describe.skipIf(!hasChromium)('search, permalinks and jumps in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  const users: UserPage[] = [];
  let yanEmail = '';
  let groupId = '';
  let strangersId = '';
  let chineseSeq = 0;
  let reportSeq = 0;
  let lastSeq = 0;
  let postAsZoe: (text: string) => Promise<unknown> = async () => undefined;

  beforeAll(async () => {
    const dist = await ensureWebBuild(300_000);
    server = await startTestServer({ env: { HERALD_WEB_DIR: dist } });
    browser = await launch();

    const api = new ApiClient(server.url);
    await api.register('Root'); // the first account is the admin; these are ordinary users
    const zoe = await api.register('Zoe');
    const yan = await api.register('Yan');
    const kai = await api.register('Kai');
    yanEmail = yan.user.email;
    // Contacts first: a group may only take people its creator shares a conversation with.
    const direct = await api.conversation(zoe.accessToken, { kind: 'direct', userId: yan.user.id });
    await api.conversation(zoe.accessToken, { kind: 'direct', userId: kai.user.id });
    strangersId = await api.conversation(kai.accessToken, { kind: 'direct', userId: zoe.user.id });
    groupId = await api.conversation(zoe.accessToken, { kind: 'group', title: 'Project Atlas', memberIds: [yan.user.id, kai.user.id] });
    const post = async (token: string, conversationId: string, text: string, replyTo?: string) => {
      const { message } = await api.rest.conversations.send({
        params: { id: conversationId },
        body: replyTo ? { text, replyTo } : { text },
        token,
      });
      return message;
    };
    const senders = [zoe.accessToken, kai.accessToken, yan.accessToken];
    // The first 60 in order (the two to find among them), the rest six at a time.
    let chineseId = '';
    for (let n = 1; n <= 60; n++) {
      const token = senders[n % 3] ?? zoe.accessToken;
      if (n === 20) {
        const message = await post(zoe.accessToken, groupId, CHINESE);
        chineseSeq = message.seq;
        chineseId = message.id;
      } else if (n === 40) reportSeq = (await post(kai.accessToken, groupId, REPORT)).seq;
      else await post(token, groupId, `message ${n}`);
    }
    let next = 61;
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        while (next < COUNT) {
          const n = next++;
          await post(senders[n % 3] ?? zoe.accessToken, groupId, `message ${n}`);
        }
      }),
    );
    lastSeq = (await post(zoe.accessToken, groupId, 'See you there — reply to the plan', chineseId)).seq;
    // Two more hits for "report", in another conversation and another day's words.
    await post(zoe.accessToken, direct, 'Did you read the report I sent?');
    await post(kai.accessToken, strangersId, 'A private report Yan cannot see');
    postAsZoe = (text) => post(zoe.accessToken, groupId, text);
  }, 360_000);

  afterAll(async () => {
    for (const u of users) if (u.errors.length > 0) console.log('console errors', u.errors);
    await browser?.close();
    await server?.destroy();
  }, 90_000);

  async function user(options?: Parameters<typeof openUser>[2]): Promise<UserPage> {
    const opened = await openUser(browser, server.url, options);
    users.push(opened);
    // The highlight without its pulse, so a screenshot shows it as it stays.
    await opened.page.emulateMedia({ reducedMotion: 'reduce' });
    return opened;
  }

  const message = (page: Page, seq: number) => page.locator(`#msg-${seq}`);
  const highlighted = (page: Page, seq: number) => page.locator(`[data-highlighted] #msg-${seq}`);
  const hit = (page: Page, seq: number) => page.locator(`[data-testid="search-hit"][data-seq="${seq}"]`);
  const searchBox = (page: Page) => page.getByTestId('search-panel').locator('input[type="search"]');

  /** The message is inside the visible part of the message list, not just in the DOM. */
  async function expectInView(page: Page, seq: number): Promise<void> {
    await expect
      .poll(() =>
        page.evaluate((target) => {
          const element = document.getElementById(`msg-${target}`);
          const list = document.querySelector('[data-testid="message-list"]');
          if (!element || !list) return false;
          const box = element.getBoundingClientRect();
          const view = list.getBoundingClientRect();
          return box.top >= view.top - 1 && box.bottom <= view.bottom + 1;
        }, seq),
      )
      .toBe(true);
  }

  /** Jumped: the message is shown, in view, and highlighted. */
  async function expectJumped(page: Page, seq: number): Promise<void> {
    await highlighted(page, seq).waitFor();
    await expectInView(page, seq);
  }

  it('finds messages, opens them where they are, jumps back to the latest and to a quoted message', async () => {
    const yan = await user({ height: 800 });
    const { page } = yan;
    await signIn(yan, yanEmail);
    await page.goto(`/chat/${groupId}`);
    await page.getByTestId('conversation-title').getByText('Project Atlas').waitFor();
    await message(page, lastSeq).waitFor();
    // The old messages are not loaded: only the latest page is.
    expect(await message(page, chineseSeq).count()).toBe(0);
    expect(await message(page, reportSeq).count()).toBe(0);

    // Ctrl+Shift+F opens the panel with the focus in its box; Chinese needs no spaces.
    await page.keyboard.press('Control+Shift+F');
    await expect.poll(() => searchBox(page).evaluate((element) => element === document.activeElement)).toBe(true);
    await searchBox(page).fill('北京');
    await hit(page, chineseSeq).waitFor();
    expect(await hit(page, chineseSeq).locator('mark').allTextContents()).toEqual(['北京']);
    expect(await hit(page, chineseSeq).textContent()).toContain('Zoe');
    expect(await hit(page, chineseSeq).textContent()).toContain('Project Atlas');

    await searchBox(page).fill('report');
    await hit(page, reportSeq).waitFor();
    expect(await hit(page, reportSeq).locator('mark').allTextContents()).toEqual(['report']);
    // Newest first; the direct conversation's hit too, never the one Yan is not in.
    const hits = page.getByTestId('search-hit');
    await expect.poll(() => hits.count()).toBe(2);
    expect(await hits.first().textContent()).toContain('Did you read the report');
    await page.mouse.move(1, 1);
    await screenshot(page, 'search-panel-en-desktop');

    // A hit opens the conversation at the old message, in view and highlighted; the panel stays open beside it.
    await hit(page, reportSeq).click();
    await page.waitForURL(`**/chat/${groupId}?m=${reportSeq}`);
    await expectJumped(page, reportSeq);
    await page.getByTestId('search-panel').waitFor();
    const jumpToLatest = page.getByTestId('jump-to-latest');
    await jumpToLatest.waitFor();
    await screenshot(page, 'search-jumped-en-desktop');

    // Jump to latest: the newest message, at the bottom, and no more button.
    await jumpToLatest.click();
    await message(page, lastSeq).waitFor();
    await expectInView(page, lastSeq);
    await jumpToLatest.waitFor({ state: 'detached' });
    await expect
      .poll(() => page.getByTestId('message-list').evaluate((list) => list.scrollHeight - list.scrollTop - list.clientHeight))
      .toBeLessThan(60);

    // The reply's quote jumps to the quoted (old, unloaded again) message.
    expect(await message(page, chineseSeq).count()).toBe(0);
    await message(page, lastSeq).getByTestId('reply-quote').click();
    await expectJumped(page, chineseSeq);

    // Sending from the older stretch goes back to the live end, where the message shows at the bottom.
    const composer = page.getByLabel('Message', { exact: true });
    await composer.fill('back to the present');
    await composer.press('Enter');
    await page.getByTestId('message-text').getByText('back to the present').waitFor();
    await jumpToLatest.waitFor({ state: 'detached' });
    await expect
      .poll(() => page.getByTestId('message-list').evaluate((list) => list.scrollHeight - list.scrollTop - list.clientHeight))
      .toBeLessThan(60);

    // Keyboard: ↓ ↓ Enter opens the second hit; Esc closes the panel.
    await searchBox(page).click();
    await searchBox(page).fill('report');
    await hit(page, reportSeq).waitFor();
    await expect.poll(() => hits.count()).toBe(2);
    await searchBox(page).press('ArrowDown');
    await searchBox(page).press('ArrowDown');
    await expect(hits.nth(1).getAttribute('aria-selected')).resolves.toBe('true');
    await searchBox(page).press('Enter');
    await page.waitForURL(`**/chat/${groupId}?m=${reportSeq}`);
    await expectJumped(page, reportSeq);
    await searchBox(page).press('Escape');
    await page.getByTestId('search-panel').waitFor({ state: 'detached' });

    expect(yan.errors).toEqual([]);
  }, 180_000);

  it('opens a permalink in a fresh page, and says so when the message or the conversation is not there', async () => {
    const yan = await user({ height: 800 });
    const { page } = yan;
    await signIn(yan, yanEmail);
    await page.goto(`/chat/${groupId}?m=${chineseSeq}`);
    await expectJumped(page, chineseSeq);
    await page.getByTestId('jump-to-latest').waitFor();
    expect(await message(page, lastSeq).count()).toBe(0);

    // Scrolling down the older stretch loads newer pages until the live end, where a message that
    // arrived meanwhile (held while away) joins, and the button goes.
    await postAsZoe('fresh while you were away');
    const list = page.getByTestId('message-list');
    const box = await list.boundingBox();
    if (!box) throw new Error('no message list');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const fresh = page.getByTestId('message-text').getByText('fresh while you were away');
    await expect
      .poll(
        async () => {
          await page.mouse.wheel(0, 4_000);
          return fresh.count();
        },
        { timeout: 45_000, interval: 300 },
      )
      .toBe(1);
    await page.getByTestId('jump-to-latest').waitFor({ state: 'detached' });
    await message(page, lastSeq).waitFor();

    await page.goto(`/chat/${groupId}?m=${lastSeq + 500}`);
    await page.getByText('That message is not available').waitFor();
    await message(page, lastSeq).waitFor();

    await page.goto(`/chat/${strangersId}?m=1`);
    await page.getByTestId('conversation-unavailable').waitFor();
    await page.getByText('This conversation is not available').first().waitFor();

    // Fetching a conversation one is not in is a 404 (or 403) the browser logs; nothing else may be.
    expect(yan.errors.filter((error) => !/status of 40[34]/.test(error))).toEqual([]);
  }, 120_000);

  it('looks right in English and Chinese, on a desktop and a phone', async () => {
    for (const [locale, width] of [
      ['en-US', 390],
      ['zh-CN', 1280],
      ['zh-CN', 390],
    ] as const) {
      const tag = `${locale.slice(0, 2)}-${width > 400 ? 'desktop' : 'phone'}`;
      const viewer = await user({ width, height: width > 400 ? 800 : 760 });
      const { page } = viewer;
      await signIn(viewer, yanEmail);
      if (locale === 'zh-CN') await page.getByLabel('Language').selectOption('zh');
      if (tag === 'en-phone') {
        // The list, with the search bar above it.
        await page.getByTestId('search-open').waitFor();
        await screenshot(page, 'search-bar-en-phone');
      }
      await page.goto(`/chat/${groupId}`);
      await message(page, lastSeq).waitFor();
      await page.getByTestId('search-open-here').click();
      await searchBox(page).fill(locale === 'zh-CN' ? '北京' : 'report');
      const target = locale === 'zh-CN' ? chineseSeq : reportSeq;
      await hit(page, target).waitFor();
      await page.mouse.move(1, 1);
      await page.evaluate(() => document.fonts.ready);
      await screenshot(page, `search-panel-${tag}`);
      if (width < 400) {
        // Full screen on a phone, with nothing wider than the page.
        const box = await page.getByTestId('search-panel').boundingBox();
        expect(box && Math.round(box.width)).toBe(390);
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      }
      await hit(page, target).click();
      await expectJumped(page, target);
      if (width < 400) await page.getByTestId('search-panel').waitFor({ state: 'detached' });
      await page.mouse.move(1, 1);
      await screenshot(page, `search-jumped-${tag}`);
      expect(viewer.errors).toEqual([]);
    }
  }, 240_000);
});

describe.skipIf(!hasChromium)('search past its rate limit in the browser', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    const dist = await ensureWebBuild(300_000);
    server = await startTestServer({ env: { HERALD_WEB_DIR: dist, HERALD_SEARCH_PER_MINUTE: '1' } });
    browser = await launch();
  }, 360_000);

  afterAll(async () => {
    await browser?.close();
    await server?.destroy();
  }, 90_000);

  it('says to wait a moment instead of failing silently', async () => {
    const api = new ApiClient(server.url);
    await api.register('Root');
    const { alice, conversationId } = await api.directPair();
    await api.sendText(alice.accessToken, conversationId, 'the quarterly report draft');
    const viewer = await openUser(browser, server.url);
    const { page } = viewer;
    await signIn(viewer, alice.user.email);
    await page.getByTestId('search-open').waitFor();
    await page.keyboard.press('Control+Shift+F');
    const box = page.getByTestId('search-panel').locator('input[type="search"]');
    await box.fill('report');
    await page.getByTestId('search-hit').waitFor();
    // The second search in the minute is refused: the panel says why, and offers to try again.
    await box.fill('quarterly');
    const refusal = page.getByTestId('search-error');
    await refusal.getByText('Too many searches, wait a moment.').waitFor();
    await refusal.getByRole('button', { name: 'Try again' }).waitFor();
    expect(await page.getByTestId('search-hit').count()).toBe(0);
    await box.press('Escape');
    await page.getByTestId('search-panel').waitFor({ state: 'detached' });
    expect(viewer.errors).toEqual([]);
  }, 120_000);
});
