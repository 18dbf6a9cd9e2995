/**
 * Group management in headless Chromium against a real server, with three signed-in users: a group
 * is created with members from the New conversation dialog; from the header's Group info the owner
 * adds a member (user search), renames the group, removes a member and hands ownership over (each
 * after a confirm), and leaves; the other members' open panels, headers and lists follow live. When
 * the new owner leaves, the longest-standing member inherits. Esc closes the dialogs. Screenshots of
 * the panel in en and zh, desktop (1280×800) and phone (390×844).
 */
import type { AuthResponse } from '@herald/protocol';
import { ApiClient, chromiumAvailable, startTestServer, type TestServer } from '@herald/testkit';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, openUser, screenshot, type UserPage, unexpectedErrors, waitForStatus } from './helpers/browser';
import { ensureWebBuild } from './helpers/web-build';

const hasChromium = await chromiumAvailable();

describe.skipIf(!hasChromium)('group management in the web app', () => {
  let server: TestServer;
  let browser: Browser;
  let api: ApiClient;
  const pages: UserPage[] = [];

  beforeAll(async () => {
    const dist = await ensureWebBuild();
    server = await startTestServer({ env: { HERALD_WEB_DIR: dist, HERALD_RATE_PER_SECOND: '1000', HERALD_RATE_BURST: '1000' } });
    api = new ApiClient(server.url);
    await api.register('Root'); // the first account is an admin; everyone below is not
    browser = await launch();
  }, 180_000);

  afterAll(async () => {
    for (const { context } of pages) await context.close();
    await browser?.close();
    await server?.destroy();
  });

  /** A signed-in page for `auth` (any locale: the form is found by its input types). */
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

  async function openGroup(page: Page, title: string): Promise<void> {
    await page.getByRole('link', { name: new RegExp(title) }).click();
    await page.getByTestId('conversation-title').filter({ hasText: title }).waitFor();
  }

  const membersOf = (page: Page) =>
    page
      .getByTestId('group-members')
      .locator('li')
      .evaluateAll((items) => items.map((item) => `${item.getAttribute('data-member')}:${item.getAttribute('data-role')}`).sort());

  it('creates a group with members, then adds, renames, removes, transfers and leaves — others follow live', async () => {
    const [olga, bob, carol, dan] = [
      await api.register('Olga Owner'),
      await api.register('Bob Baker'),
      await api.register('Carol Chen'),
      await api.register('Dan Diaz'),
    ];
    const [olgaPage, bobPage, carolPage] = [await signedIn(olga), await signedIn(bob), await signedIn(carol)];
    const o = olgaPage.page;

    // Create the group with two members from the New conversation dialog.
    await o.getByRole('button', { name: 'New conversation' }).click();
    const create = o.getByRole('dialog', { name: 'New conversation' });
    await create.getByRole('tab', { name: 'Group' }).click();
    await create.getByLabel('Group name').fill('Launch crew');
    for (const name of ['Bob Baker', 'Carol Chen']) {
      await create.getByLabel(/Search people/).fill(name);
      await create.getByRole('button', { name: new RegExp(name) }).click();
    }
    await create.getByRole('button', { name: 'Create group' }).click();
    await o.waitForURL(/\/chat\/[^/]+$/);
    const id = o.url().split('/').pop() as string;
    await o.getByTestId('conversation-title').filter({ hasText: 'Launch crew' }).waitFor();

    // Bob and Carol see it arrive, and Bob keeps its Group info open through what follows.
    await openGroup(bobPage.page, 'Launch crew');
    await openGroup(carolPage.page, 'Launch crew');
    // The header counts who is online (conversation_presence) instead of watching every member.
    await expect.poll(() => carolPage.page.getByTestId('group-headcount').textContent()).toBe('3 members · 3 online');
    const b = bobPage.page;
    await b.getByTestId('group-info-button').click();
    const bobPanel = b.getByRole('dialog', { name: 'Group info' });
    await expect.poll(() => membersOf(b)).toEqual([`${olga.user.id}:owner`, `${bob.user.id}:member`, `${carol.user.id}:member`].sort());
    // A plain member may not rename, add, remove or transfer: none of those controls show.
    expect(await bobPanel.getByLabel('Group name').count()).toBe(0);
    expect(await bobPanel.getByRole('button', { name: /^Remove / }).count()).toBe(0);
    expect(await bobPanel.getByRole('button', { name: /owner$/ }).count()).toBe(0);

    // Olga adds Dan with the user search.
    await o.getByTestId('group-info-button').click();
    const panel = o.getByRole('dialog', { name: 'Group info' });
    await panel.getByLabel('Find people to add').fill('Dan Diaz');
    await panel.getByRole('button', { name: 'Add Dan Diaz' }).click();
    await panel.locator(`[data-member="${dan.user.id}"]`).waitFor();
    await bobPanel.locator(`[data-member="${dan.user.id}"]`).waitFor();
    // Someone who blocked Olga cannot be added: a toast says so and the members stay as they were.
    const eve = await api.register('Eve Evans');
    await api.rest.users.block({ params: { id: olga.user.id }, token: eve.accessToken });
    await panel.getByLabel('Find people to add').fill('Eve Evans');
    await panel.getByRole('button', { name: 'Add Eve Evans' }).click();
    await o.getByText('You are not allowed to do that (a block, or someone you share no conversation with).').waitFor();
    expect(await panel.locator(`[data-member="${eve.user.id}"]`).count()).toBe(0);
    await panel.getByLabel('Find people to add').fill('');

    // Olga renames it: Bob's and Carol's headers follow.
    await panel.getByLabel('Group name').fill('Launch crew 2');
    await panel.getByRole('button', { name: 'Rename' }).click();
    for (const page of [b, carolPage.page]) await page.getByTestId('conversation-title').filter({ hasText: 'Launch crew 2' }).waitFor();

    // Olga removes Carol after a confirm (cancelling first changes nothing); Carol's list drops it.
    await panel.getByRole('button', { name: 'Remove Carol Chen' }).click();
    await o.getByRole('dialog', { name: 'Remove Carol Chen?' }).getByRole('button', { name: 'Cancel' }).click();
    expect(await panel.locator(`[data-member="${carol.user.id}"]`).count()).toBe(1);
    await panel.getByRole('button', { name: 'Remove Carol Chen' }).click();
    await o.getByRole('dialog', { name: 'Remove Carol Chen?' }).getByRole('button', { name: 'Remove' }).click();
    await bobPanel.locator(`[data-member="${carol.user.id}"]`).waitFor({ state: 'detached' });
    await carolPage.page.getByRole('link', { name: /Launch crew/ }).waitFor({ state: 'detached' });
    await screenshot(o, 'group-info-owner-desktop-en');

    // Olga makes Bob the owner; Bob's open panel grows the owner's controls.
    await panel.getByRole('button', { name: 'Make Bob Baker owner' }).click();
    await o.getByRole('dialog', { name: 'Make Bob Baker the owner?' }).getByRole('button', { name: 'Make owner' }).click();
    await expect.poll(() => membersOf(b)).toEqual([`${olga.user.id}:member`, `${bob.user.id}:owner`, `${dan.user.id}:member`].sort());
    await bobPanel.getByLabel('Group name').waitFor();
    await panel.getByLabel('Group name').waitFor({ state: 'detached' });

    // Esc closes the panel; Olga reopens it and leaves (after a confirm): back to the list, the group gone.
    await o.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    await o.getByTestId('group-info-button').click();
    await panel.getByRole('button', { name: 'Leave group' }).click();
    const leave = o.getByRole('dialog', { name: 'Leave this group?' });
    // Esc on the confirm closes only the confirm.
    await o.keyboard.press('Escape');
    await leave.waitFor({ state: 'detached' });
    await panel.getByRole('button', { name: 'Leave group' }).click();
    await leave.getByRole('button', { name: 'Leave' }).click();
    await o.waitForURL(/\/chat$/);
    await o.getByRole('link', { name: /Launch crew/ }).waitFor({ state: 'detached' });
    await bobPanel.locator(`[data-member="${olga.user.id}"]`).waitFor({ state: 'detached' });

    // Bob, the owner, leaves too: Dan — the only one left — inherits the group.
    await bobPanel.getByRole('button', { name: 'Leave group' }).click();
    await b.getByRole('dialog', { name: 'Leave this group?' }).getByRole('button', { name: 'Leave' }).click();
    await b.waitForURL(/\/chat$/);
    const { conversation } = await api.rest.conversations.get({ params: { id }, token: dan.accessToken });
    expect(conversation.ownerId).toBe(dan.user.id);
    expect(conversation.members).toEqual([expect.objectContaining({ userId: dan.user.id, role: 'owner' })]);

    // The refused add is the one error Chromium logs (the 403 of that request).
    expect(unexpectedErrors(olgaPage.errors, [/status of 403/])).toEqual([]);
    for (const user of [bobPage, carolPage]) expect(unexpectedErrors(user.errors)).toEqual([]);
  }, 120_000);

  it('screenshots the group panel in en and zh, desktop and phone', async () => {
    const [owner, ...members] = [
      await api.register('Olga Owner'),
      await api.register('王小明'),
      await api.register('Carol Chen'),
      await api.register('李娜'),
    ];
    const id = await api.conversation(owner.accessToken, {
      kind: 'group',
      title: '发布小组 Launch',
      memberIds: members.map((m) => m.user.id),
    });
    for (const [locale, tag] of [
      ['en-US', 'en'],
      ['zh-CN', 'zh'],
    ] as const) {
      for (const [width, height, form] of [
        [1280, 800, 'desktop'],
        [390, 844, 'phone'],
      ] as const) {
        const user = await signedIn(owner, { locale, width, height });
        const { page } = user;
        await page.goto(`/chat/${id}`);
        await page.getByTestId('conversation-title').waitFor();
        await page.getByTestId('group-info-button').click();
        const panel = page.getByTestId('group-info');
        await panel.locator(`[data-member="${members[2]?.user.id}"]`).waitFor();
        expect(await panel.getByTestId('owner-badge').count()).toBe(1);
        if (tag === 'zh') await panel.getByText('群组信息').waitFor();
        // The panel fits the viewport (no horizontal overflow on a phone).
        const box = await panel.boundingBox();
        expect(box && box.x >= 0 && box.x + box.width <= width).toBe(true);
        await screenshot(page, `group-info-${form}-${tag}`);
        expect(unexpectedErrors(user.errors)).toEqual([]);
        await user.context.close();
      }
    }
  }, 120_000);
});
