/**
 * Everyday comforts, end to end in headless Chromium (fake microphone) against a real server: the
 * unread total in the tab title and favicon, drafts kept across switches and reloads, the Ctrl+K
 * quick switcher, paste and drop into the attachment tray (caption, remove, cancel all), the image
 * lightbox (arrows, Escape, focus back), Up to edit my last message, and voice notes (timer,
 * cancel, send; the other user gets an <audio>; a browser without MediaRecorder is told so).
 * Screenshots of the switcher, the lightbox and the recorder in English and Chinese, desktop and
 * phone, go to test-output/screenshots/. No console errors are allowed.
 */
import { ApiClient, chromiumAvailable, makePng, startTestServer, type TestServer } from '@herald/testkit';

type AuthResponse = Awaited<ReturnType<ApiClient['register']>>;

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, openUser, screenshot, signIn, type UserPage } from './helpers/browser';
import { ensureWebBuild } from './helpers/web-build';

const hasChromium = await chromiumAvailable();

interface FilePayload {
  name: string;
  type: string;
  base64: string;
}

const png = (name: string, colour: [number, number, number]): FilePayload => ({
  name,
  type: 'image/png',
  base64: makePng(320, 200, colour).toString('base64'),
});

/** Paste files into the composer, as Ctrl+V of a copied screenshot or file does. */
async function pasteFiles(page: Page, files: FilePayload[]): Promise<void> {
  await composer(page).evaluate((element, payload) => {
    const data = new DataTransfer();
    for (const file of payload) {
      const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
      data.items.add(new File([bytes], file.name, { type: file.type }));
    }
    element.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, files);
}

/** Drag files from outside the page and drop them on the conversation. */
async function dropFiles(page: Page, files: FilePayload[]): Promise<void> {
  await page.getByTestId('conversation-title').evaluate((element, payload) => {
    const data = new DataTransfer();
    for (const file of payload) {
      const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
      data.items.add(new File([bytes], file.name, { type: file.type }));
    }
    for (const type of ['dragenter', 'dragover']) {
      element.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
    }
  }, files);
  await page.getByTestId('drop-zone').waitFor();
  await page.getByTestId('conversation-title').evaluate((element, payload) => {
    const data = new DataTransfer();
    for (const file of payload) {
      const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
      data.items.add(new File([bytes], file.name, { type: file.type }));
    }
    element.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  }, files);
}

function composer(page: Page) {
  return page.locator('textarea[aria-describedby]').first();
}

const favicon = (page: Page) => page.evaluate(() => document.querySelector('link[rel~="icon"]')?.getAttribute('href') ?? '');

/** Open the quick switcher, type `query` and open the first match with Enter. */
async function switchTo(page: Page, query: string): Promise<void> {
  await page.keyboard.press('Control+k');
  const box = page.getByTestId('quick-switcher').getByRole('combobox');
  await box.fill(query);
  await page.getByTestId('switcher-option').first().waitFor();
  await box.press('Enter');
  await page.getByTestId('quick-switcher').waitFor({ state: 'detached' });
}

describe.skipIf(!hasChromium)('everyday comforts in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let api: ApiClient;
  let alice: AuthResponse;
  let bob: AuthResponse;
  let directId: string;
  let groupId: string;
  const users: UserPage[] = [];

  beforeAll(async () => {
    const dist = await ensureWebBuild();
    server = await startTestServer({ env: { HERALD_WEB_DIR: dist } });
    api = new ApiClient(server.url);
    await api.register('Root');
    ({ alice, bob, conversationId: directId } = await api.directPair());
    groupId = await api.conversation(alice.accessToken, { kind: 'group', title: 'Design crew', memberIds: [bob.user.id] });
    browser = await launch({ fakeMedia: true });
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

  it('unread badge, drafts, quick switcher, paste/drop tray, lightbox and Up to edit', async () => {
    for (const text of ['one', 'two', 'three']) await api.sendText(bob.accessToken, directId, `unread ${text}`);
    const a = await user();
    const { page } = a;
    await signIn(a, alice.user.email);

    // Three unread: in the tab title and drawn on the favicon.
    await expect.poll(() => page.title(), { timeout: 10_000 }).toBe('(3) Herald');
    expect(await favicon(page)).toMatch(/^data:image\/png;base64,/);

    // The quick switcher opens the conversation by its member's name; reading it clears the badge.
    await switchTo(page, 'bo');
    await page.waitForURL(`**/chat/${directId}`);
    await page.getByTestId('message-text').filter({ hasText: 'unread three' }).waitFor({ state: 'attached' });
    await page.getByTestId('message-text').filter({ hasText: 'unread three' }).waitFor();
    await expect.poll(() => page.title(), { timeout: 10_000 }).toBe('Herald');
    expect(await favicon(page)).toBe('/favicon.svg');

    // Escape closes the switcher and gives the focus back; no match says so.
    await composer(page).focus();
    await page.keyboard.press('Control+k');
    const switcherBox = page.getByTestId('quick-switcher').getByRole('combobox');
    await expect.poll(() => switcherBox.evaluate((element) => element === document.activeElement)).toBe(true);
    await page.keyboard.type('zzz');
    await page.getByTestId('switcher-empty').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('quick-switcher').waitFor({ state: 'detached' });
    expect(await composer(page).evaluate((element) => element === document.activeElement)).toBe(true);

    // Drafts stay with their conversation across switches and a reload.
    await composer(page).fill('half a thought');
    await switchTo(page, 'design');
    await page.waitForURL(`**/chat/${groupId}`);
    await expect.poll(() => composer(page).inputValue()).toBe('');
    await switchTo(page, 'bob');
    await page.waitForURL(`**/chat/${directId}`);
    await expect.poll(() => composer(page).inputValue()).toBe('half a thought');
    await page.reload();
    await expect.poll(() => composer(page).inputValue(), { timeout: 10_000 }).toBe('half a thought');
    await composer(page).fill('');

    // Paste one image, drop another and a text file; remove the text file; cancel-all empties the tray.
    await pasteFiles(page, [png('a.png', [220, 60, 60])]);
    await page.getByTestId('pending-attachment').first().waitFor();
    await dropFiles(page, [
      png('b.png', [60, 90, 220]),
      { name: 'notes.txt', type: 'text/plain', base64: Buffer.from('hi').toString('base64') },
    ]);
    await expect.poll(() => page.getByTestId('pending-attachment').count()).toBe(3);
    await page.getByTestId('drop-zone').waitFor({ state: 'detached' });
    expect(await page.getByTestId('attachment-tray').locator('img[alt="a.png"]').getAttribute('src')).toMatch(/^blob:/);
    await page.getByRole('button', { name: 'Remove notes.txt' }).click();
    await expect.poll(() => page.getByTestId('pending-attachment').count()).toBe(2);
    await composer(page).fill('two sunsets');
    await composer(page).press('Enter');
    await page.getByTestId('attachment-tray').waitFor({ state: 'detached' });
    await page.locator('[data-mine] img[alt="a.png"]').waitFor();
    await page.locator('[data-mine] img[alt="b.png"]').waitFor();
    await page.getByTestId('message-text').filter({ hasText: 'two sunsets' }).waitFor();
    expect(await composer(page).inputValue()).toBe('');

    await pasteFiles(page, [png('c.png', [40, 160, 80])]);
    await page.getByTestId('pending-attachment').waitFor();
    await page.getByRole('button', { name: 'Cancel all' }).click();
    await page.getByTestId('attachment-tray').waitFor({ state: 'detached' });
    await composer(page).fill('after cancel');
    await composer(page).press('Enter');
    await page.getByTestId('message-text').filter({ hasText: 'after cancel' }).waitFor();
    expect(await page.locator('img[alt="c.png"]').count()).toBe(0);

    // The other user gets both images and the caption.
    const b = await user();
    await signIn(b, bob.user.email);
    await b.page.goto(`/chat/${directId}`);
    await b.page.locator('img[alt="a.png"]').waitFor();
    await b.page.locator('img[alt="b.png"]').waitFor();
    await b.page.getByTestId('message-text').filter({ hasText: 'two sunsets' }).waitFor();

    // The lightbox: open on b.png, step back with ←, Escape closes and the focus returns to the image.
    const opener = page.locator('a:has(img[alt="b.png"])');
    await opener.click();
    const box = page.getByTestId('lightbox');
    await box.waitFor();
    const images = await box.getByTestId('lightbox-position').textContent();
    expect(images).toMatch(/^2 of 2$/);
    await expect
      .poll(() => box.getByTestId('lightbox-image').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
      .toBe(320);
    await page.keyboard.press('ArrowRight'); // already the last: stays
    expect(await box.getByTestId('lightbox-title').textContent()).toBe('b.png');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => box.getByTestId('lightbox-title').textContent()).toBe('a.png');
    expect(await box.getByTestId('lightbox-position').textContent()).toBe('1 of 2');
    expect(await box.getByTestId('lightbox-download').getAttribute('download')).toBe('a.png');
    expect(await box.getByTestId('lightbox-download').getAttribute('href')).toMatch(/^\/|^http/);
    await box.getByRole('button', { name: 'Actual size' }).click();
    expect(await box.getByTestId('lightbox-image').getAttribute('data-fit')).toBe('actual');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => box.getByTestId('lightbox-title').textContent()).toBe('b.png');
    await page.keyboard.press('Escape');
    await box.waitFor({ state: 'detached' });
    expect(await opener.evaluate((element) => element === document.activeElement)).toBe(true);

    // Up in the empty composer edits my last message.
    await composer(page).focus();
    await composer(page).press('ArrowUp');
    await page.getByTestId('message-editor').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('message-editor').waitFor({ state: 'detached' });

    for (const u of [a, b]) expect(u.errors).toEqual([]);
  }, 150_000);

  it('records a voice note with a running timer, cancels one, and the other user receives the audio', async () => {
    const a = await user();
    const b = await user({ width: 390, height: 844 });
    await signIn(a, alice.user.email);
    await signIn(b, bob.user.email);
    await a.page.goto(`/chat/${groupId}`);
    await b.page.goto(`/chat/${groupId}`);
    const { page } = a;
    await composer(page).waitFor();

    // Cancel: nothing is sent and the box comes back with the focus.
    await page.getByTestId('voice-record').click();
    const recorder = page.getByTestId('voice-recorder');
    await page.locator('[data-testid="voice-recorder"][data-state="recording"]').waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await recorder.waitFor({ state: 'detached' });
    await expect.poll(() => composer(page).evaluate((element) => element === document.activeElement)).toBe(true);

    // Record for over a second (the timer runs), then send.
    await page.getByTestId('voice-record').click();
    await page.locator('[data-testid="voice-recorder"][data-state="recording"]').waitFor();
    await expect.poll(() => page.getByTestId('voice-timer').textContent(), { timeout: 10_000 }).toMatch(/^0:0[1-9] \/ 5:00$/);
    await page.getByRole('button', { name: 'Send voice note' }).click();
    await recorder.waitFor({ state: 'detached' });
    const mine = page.locator('[data-mine] audio');
    await mine.waitFor({ timeout: 15_000 });
    expect(await mine.count()).toBe(1);

    const theirs = b.page.locator('audio');
    await theirs.waitFor({ timeout: 15_000 });
    expect(await theirs.getAttribute('src')).toMatch(/\/files\//);
    // The file is real audio the browser can decode.
    await expect
      .poll(() => theirs.evaluate((audio: HTMLAudioElement) => audio.readyState >= 1 && audio.error === null), { timeout: 15_000 })
      .toBe(true);
    expect(await theirs.getAttribute('aria-label')).toMatch(/^voice-note-.*\.webm$/);

    for (const u of [a, b]) expect(u.errors).toEqual([]);
  }, 120_000);

  it('says plainly when the browser cannot record', async () => {
    const a = await user();
    await a.context.addInitScript(() => {
      // @ts-expect-error: an older browser, without MediaRecorder
      delete window.MediaRecorder;
    });
    await signIn(a, alice.user.email);
    await a.page.goto(`/chat/${groupId}`);
    await a.page.getByTestId('voice-record').click();
    await a.page.getByTestId('voice-error').getByText('This browser cannot record audio here', { exact: false }).waitFor();
    await a.page.getByRole('button', { name: 'Back to typing' }).click();
    await a.page.getByTestId('voice-recorder').waitFor({ state: 'detached' });
    await composer(a.page).waitFor();
    expect(a.errors).toEqual([]);
  }, 60_000);

  it('screenshots the switcher, the lightbox and the recorder in English and Chinese, desktop and phone', async () => {
    for (const language of ['en', 'zh'] as const) {
      for (const [device, width, height] of [
        ['desktop', 1280, 800],
        ['phone', 390, 844],
      ] as const) {
        const a = await user({ width, height });
        const { page } = a;
        await signIn(a, alice.user.email);
        await page.evaluate((lang) => localStorage.setItem('herald.language', lang), language);
        await page.goto(`/chat/${directId}`);
        await page.locator('img[alt="b.png"]').waitFor();
        await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(language === 'zh' ? 'zh-CN' : 'en');

        await page.keyboard.press('Control+k');
        await page.getByTestId('switcher-option').nth(1).waitFor();
        await screenshot(page, `comforts-switcher-${language}-${device}`);
        await page.keyboard.press('Escape');
        await page.getByTestId('quick-switcher').waitFor({ state: 'detached' });

        await page.locator('a:has(img[alt="a.png"])').click();
        await expect
          .poll(() => page.getByTestId('lightbox-image').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
          .toBe(320);
        await screenshot(page, `comforts-lightbox-${language}-${device}`);
        await page.keyboard.press('Escape');
        await page.getByTestId('lightbox').waitFor({ state: 'detached' });

        await page.getByTestId('voice-record').click();
        await expect.poll(() => page.getByTestId('voice-timer').textContent(), { timeout: 10_000 }).toMatch(/^0:0[1-9]/);
        await screenshot(page, `comforts-recorder-${language}-${device}`);
        await page.keyboard.press('Escape');
        await page.getByTestId('voice-recorder').waitFor({ state: 'detached' });
        expect(a.errors).toEqual([]);
        await a.context.close();
      }
    }
  }, 180_000);
});
