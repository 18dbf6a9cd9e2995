/**
 * The Profile section of the settings page in headless Chromium against a real server, with two
 * users who share a conversation: a display name is checked on the field, saved, and shown to the
 * other user live (`user_changed`); an avatar picked from disk is cropped and resized to 256×256 in
 * the browser, uploaded, previewed, and appears in the other user's list live; a file that is not
 * an image is refused; "Remove avatar" clears it everywhere. Screenshots in en and zh.
 */
import type { AuthResponse, FileInfo } from '@herald/protocol';
import { ApiClient, chromiumAvailable, makePdf, makePng, startTestServer, type TestServer } from '@herald/testkit';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, openUser, screenshot, type UserPage, unexpectedErrors, waitForStatus } from './helpers/browser';
import { ensureWebBuild } from './helpers/web-build';

const hasChromium = await chromiumAvailable();

describe.skipIf(!hasChromium)('the profile section', () => {
  let server: TestServer;
  let browser: Browser;
  let api: ApiClient;
  const pages: UserPage[] = [];

  beforeAll(async () => {
    const dist = await ensureWebBuild();
    server = await startTestServer({ env: { HERALD_WEB_DIR: dist, HERALD_RATE_PER_SECOND: '1000', HERALD_RATE_BURST: '1000' } });
    api = new ApiClient(server.url);
    await api.register('Root');
    browser = await launch();
  }, 180_000);

  afterAll(async () => {
    for (const { context } of pages) await context.close().catch(() => undefined);
    await browser?.close();
    await server?.destroy();
  });

  async function signedIn(auth: AuthResponse, options: Parameters<typeof openUser>[2] = {}): Promise<UserPage> {
    const user = await openUser(browser, server.url, options);
    pages.push(user);
    const { page } = user;
    await page.goto('/login');
    await page.locator('input[type="email"]').fill(auth.user.email);
    await page.locator('input[type="password"]').fill('correct horse battery');
    await page.locator('input[type="password"]').press('Enter');
    await page.waitForURL('**/chat');
    await waitForStatus(page, 'connected');
    return user;
  }

  it('changes the name and avatar, and the other user sees both live', async () => {
    const [alice, bob] = [await api.register('Alice Adams'), await api.register('Bob Brown')];
    const id = await api.conversation(bob.accessToken, { kind: 'direct', userId: alice.user.id });
    const [alicePage, bobPage] = [await signedIn(alice), await signedIn(bob)];
    const a = alicePage.page;
    const b = bobPage.page;
    const bobItem = b.locator(`[data-conversation-id="${id}"]`);
    await bobItem.getByText('Alice Adams').waitFor();

    // A second tab of hers, open before the change: it follows live (`user_changed`).
    const otherTab = await alicePage.context.newPage();
    await otherTab.goto('/chat');
    await waitForStatus(otherTab, 'connected');
    await otherTab.locator('header').getByText('Alice Adams').waitFor();
    await a.goto('/settings');
    const profile = a.getByTestId('profile');
    const name = profile.getByLabel('Display name');
    expect(await name.inputValue()).toBe('Alice Adams');
    // Checked on the field before anything is sent.
    await name.fill('   ');
    await profile.getByRole('button', { name: 'Save' }).click();
    expect(await profile.getByTestId('profile-name-error').textContent()).toBe('Enter a display name.');
    await name.fill('x'.repeat(81));
    await profile.getByRole('button', { name: 'Save' }).click();
    expect(await profile.getByTestId('profile-name-error').textContent()).toBe('A display name may be at most 80 characters.');
    const socketsBefore = alicePage.sockets.length;
    await name.fill('  Alice Wonder ');
    await profile.getByRole('button', { name: 'Save' }).click();
    await a.getByText('Profile saved').waitFor();
    expect(await name.inputValue()).toBe('Alice Wonder');
    // The header names her anew, and the change did not cost a reconnect.
    await a.locator('header').getByText('Alice Wonder').waitFor();
    expect(alicePage.sockets.length).toBe(socketsBefore);
    await otherTab.locator('header').getByText('Alice Wonder').waitFor();
    // Bob's list shows the new name without a reload; the server has it too.
    await bobItem.getByText('Alice Wonder').waitFor();
    expect((await api.rest.auth.me({ token: alice.accessToken })).user.name).toBe('Alice Wonder');

    // A file that is not an image is refused before any upload.
    const input = profile.getByTestId('avatar-input');
    await input.setInputFiles({ name: 'cv.pdf', mimeType: 'application/pdf', buffer: makePdf('cv') });
    await profile.getByRole('alert').getByText('Choose a PNG, JPEG, WebP or GIF image.').waitFor();

    // A wide PNG becomes a 256×256 square avatar.
    await input.setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: makePng(400, 200, [30, 120, 200]) });
    await a.getByText('Avatar updated').waitFor();
    const preview = profile.getByTestId('avatar-preview').locator('img[data-avatar]');
    await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(256);
    const avatarId = (await api.rest.auth.me({ token: alice.accessToken })).user.avatar;
    expect(avatarId).toBeTruthy();
    const info = await api.request<{ file: FileInfo }>('GET', `/api/v1/files/${avatarId}/info`, { token: bob.accessToken });
    expect(info.body.file).toMatchObject({ width: 256, height: 256 });
    expect(['image/webp', 'image/png']).toContain(info.body.file.mimeType);
    // Bob's list shows Alice's picture, loaded through a signed link.
    const bobAvatar = bobItem.locator(`img[data-avatar="${avatarId}"]`);
    await expect.poll(() => bobAvatar.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 10_000 }).toBe(256);
    await screenshot(a, 'profile-desktop-en');

    // Remove it: initials again, here and at Bob's.
    await profile.getByRole('button', { name: 'Remove avatar' }).click();
    await a.getByText('Avatar removed').waitFor();
    await preview.waitFor({ state: 'detached' });
    await bobAvatar.waitFor({ state: 'detached' });
    expect((await api.rest.auth.me({ token: alice.accessToken })).user.avatar).toBeNull();

    for (const user of [alicePage, bobPage]) expect(unexpectedErrors(user.errors)).toEqual([]);
  }, 120_000);

  it('shows the profile section in Chinese on a phone', async () => {
    const chen = await api.register('陈静');
    const user = await signedIn(chen, { locale: 'zh-CN', width: 390, height: 844 });
    const { page } = user;
    await page.goto('/settings');
    const profile = page.getByTestId('profile');
    await profile.getByRole('heading', { name: '个人资料' }).waitFor();
    expect(await profile.getByLabel('显示名称').inputValue()).toBe('陈静');
    await profile.getByLabel('显示名称').fill('');
    await profile.getByRole('button', { name: '保存' }).click();
    expect(await profile.getByTestId('profile-name-error').textContent()).toBe('请输入显示名称。');
    const box = await profile.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
    await screenshot(page, 'profile-phone-zh');
    expect(unexpectedErrors(user.errors)).toEqual([]);
  }, 60_000);
});
