/**
 * /login's first load as headless Chromium really fetches it, against a real server serving the
 * built app: in English and in Chinese (by the browser's language) the page paints in that language
 * having fetched exactly the files the size budget counts (first-load-size.test.ts): the entry, the
 * vendor chunk, the stylesheet and that language's dictionary, so no zod, no contract, no lazy page
 * and no other dictionary. Switching language on /login fetches the other dictionary before showing
 * it (saved for the next visit); signing in works without zod, which arrives with the signed-in shell.
 * Screenshots of /login, desktop and phone, each language: test-output/screenshots/first-load-*.png.
 */
import { ApiClient, chromiumAvailable, startTestServer, type TestServer } from '@herald/testkit';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { en } from '../src/i18n/en';
import { zh } from '../src/i18n/zh';
import { launch, openUser, screenshot, signIn, type UserPage } from './helpers/browser';
import { filesWith, LAZY_PAGES, MARKERS, staticLoad } from './helpers/first-load';
import { ensureWebBuild } from './helpers/web-build';

const hasChromium = await chromiumAvailable();
const BUDGET = 120 * 1024;

/** Every `/assets/…` file the page requests, as `assets/…`, with the bytes each response carried. */
function recordAssets(page: Page): { files: string[]; bytes(): Promise<number> } {
  const files: string[] = [];
  const sizes: Promise<number>[] = [];
  page.on('requestfinished', (request) => {
    const path = new URL(request.url()).pathname;
    if (!path.startsWith('/assets/')) return;
    files.push(path.slice(1));
    sizes.push(request.sizes().then((sizes) => sizes.responseBodySize));
  });
  return { files, bytes: async () => (await Promise.all(sizes)).reduce((sum, size) => sum + size, 0) };
}

describe.skipIf(!hasChromium)('/login first load in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let dist: string;
  let email: string;
  const pages: UserPage[] = [];

  beforeAll(async () => {
    dist = await ensureWebBuild();
    server = await startTestServer({ env: { HERALD_WEB_DIR: dist } });
    email = (await new ApiClient(server.url).register('Ann')).user.email;
    browser = await launch();
  }, 180_000);

  afterAll(async () => {
    for (const user of pages) await user.context.close();
    await browser?.close();
    await server?.destroy();
  });

  async function open(locale: string, width = 1280, height = 800): Promise<UserPage> {
    const user = await openUser(browser, server.url, { locale, width, height });
    pages.push(user);
    return user;
  }

  for (const [language, locale, dictionary] of [
    ['en', 'en-US', en],
    ['zh', 'zh-CN', zh],
  ] as const) {
    it(`paints in ${language} having fetched the entry, the vendor chunk, the stylesheet and the ${language} dictionary only`, async () => {
      const user = await open(locale);
      const { page } = user;
      const assets = recordAssets(page);
      await page.goto('/login');
      await page.getByRole('heading', { name: dictionary['login.title'] }).waitFor();
      await page.waitForLoadState('networkidle');

      const own = filesWith(dist, MARKERS[language]);
      const other = filesWith(dist, MARKERS[language === 'en' ? 'zh' : 'en']);
      expect([...assets.files].sort()).toEqual([...staticLoad(dist), ...own].sort());
      for (const kept of [...other, ...filesWith(dist, MARKERS.zod), ...filesWith(dist, MARKERS.contract)]) {
        expect(assets.files).not.toContain(kept);
      }
      expect(assets.files.filter((file) => LAZY_PAGES.some((lazy) => file.includes(`/${lazy}-`)))).toEqual([]);
      const bytes = await assets.bytes();
      console.info(`/login in ${language}: ${assets.files.length} files, ${bytes} B over the wire`);
      expect(bytes).toBeLessThan(BUDGET);
      expect(await page.evaluate(() => document.documentElement.lang)).toBe(language === 'zh' ? 'zh-CN' : 'en');

      await screenshot(page, `first-load-login-${language}-desktop`);
      await page.setViewportSize({ width: 390, height: 844 });
      await screenshot(page, `first-load-login-${language}-phone`);
      expect(user.errors).toEqual([]);
    });
  }

  it('switches language on /login by fetching the other dictionary first, keeps the choice, and signs in without zod', async () => {
    const user = await open('en-US');
    const { page } = user;
    const assets = recordAssets(page);
    await page.goto('/login');
    await page.getByRole('heading', { name: en['login.title'] }).waitFor();
    const [zhFile] = filesWith(dist, MARKERS.zh);
    expect(assets.files).not.toContain(zhFile);

    // Every title the heading shows from here on: English until Chinese is here, never a key.
    await page.evaluate(() => {
      const titles: string[] = [];
      Object.assign(window, { titles });
      new MutationObserver(() => titles.push(document.querySelector('h1')?.textContent ?? '')).observe(document.body, {
        subtree: true,
        childList: true,
        characterData: true,
      });
    });
    await page.getByLabel(en['nav.language']).selectOption('zh');
    await page.getByRole('heading', { name: zh['login.title'] }).waitFor();
    expect(assets.files).toContain(zhFile);
    const titles = await page.evaluate(() => (window as unknown as { titles: string[] }).titles);
    expect(new Set(titles.filter((title) => title !== en['login.title']))).toEqual(new Set([zh['login.title']]));
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');

    // The choice outlives a reload, which then fetches Chinese only.
    const afterReload = recordAssets(page);
    await page.reload();
    await page.getByRole('heading', { name: zh['login.title'] }).waitFor();
    expect(afterReload.files).toContain(zhFile);
    expect(afterReload.files).not.toContain(filesWith(dist, MARKERS.en)[0]);

    // Back to English, then sign in: the shell brings zod (and the REST client) only now.
    await page.getByLabel(zh['nav.language']).selectOption('en');
    await page.getByRole('heading', { name: en['login.title'] }).waitFor();
    const [zodFile] = filesWith(dist, MARKERS.zod);
    expect(afterReload.files).not.toContain(zodFile);
    await signIn(user, email);
    await page.getByRole('heading', { name: en['chat.conversations'] }).waitFor();
    expect(afterReload.files).toContain(zodFile);
    expect(user.errors).toEqual([]);
  });
});
