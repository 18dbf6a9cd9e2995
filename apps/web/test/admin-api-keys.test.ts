/**
 * End to end in Chromium: an admin creates a server API key on /admin (validation first), sees its
 * plaintext once with a working copy button, finds it listed as active, revokes it after a
 * confirmation and sees it revoked; the key works for the publish API until then and is refused
 * after; the audit log panel shows the creation and the revocation.
 */
import type { AuthResponse } from '@herald/protocol';
import { ApiClient, chromiumAvailable, startTestServer, type TestServer } from '@herald/testkit';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, openUser, screenshot, signIn, waitForStatus } from './helpers/browser';
import { ensureWebBuild } from './helpers/web-build';

const hasChromium = await chromiumAvailable();

describe.skipIf(!hasChromium)('server API keys on the admin page', () => {
  let server: TestServer;
  let browser: Browser;
  let api: ApiClient;
  let admin: AuthResponse;

  beforeAll(async () => {
    const dist = await ensureWebBuild();
    server = await startTestServer({ env: { HERALD_WEB_DIR: dist } });
    api = new ApiClient(server.url);
    admin = await api.register('Ada'); // the first account is the admin
    browser = await launch();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.destroy();
  });

  it('creates a key shown once, lists it, revokes it after confirming, and audits both', async () => {
    const boss = await openUser(browser, server.url);
    await boss.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const { page } = boss;
    await signIn(boss, admin.user.email);
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('heading', { name: 'Server API keys' }).waitFor();
    await waitForStatus(page, 'connected');
    await page.getByTestId('api-keys').locator('..').getByText('No API keys yet.').waitFor();

    // What the server would refuse is caught first.
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByRole('alert').getByText('Enter a name for the key.').waitFor();
    await page.getByLabel('Key name').fill('CI bot');
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByRole('alert').getByText('Choose at least one scope.').waitFor();
    await page.getByRole('checkbox', { name: 'Messages' }).check();
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByRole('alert').getByText('The messages scope needs the user ids this key may post as (or *).').waitFor();
    await page.getByRole('checkbox', { name: 'Messages' }).uncheck();
    await page.getByRole('checkbox', { name: 'Events' }).check();
    await page.getByRole('checkbox', { name: 'Notifications' }).check();
    await page.getByRole('button', { name: 'Create key' }).click();

    // Shown once, with a copy button that copies exactly it.
    const shown = page.getByTestId('new-api-key');
    await shown.getByText('Copy this key now: it is shown only once and cannot be recovered.').waitFor();
    const plaintext = await shown.getByRole('textbox').inputValue();
    expect(plaintext).toMatch(/^hk_[A-Za-z0-9_-]{43}$/);
    await shown.getByRole('button', { name: 'Copy key' }).click();
    await shown.getByRole('status').getByText('Key copied.').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(plaintext);

    // Listed, active, with its scopes; the key works.
    const row = page.getByTestId(`api-key-${plaintext.slice(0, 11)}`);
    await row.getByText('CI bot').waitFor();
    expect(await row.getByTestId('api-key-status').textContent()).toBe('active');
    await row.getByText('Notifications, Events').waitFor();
    await row.getByText('any conversation').waitFor();
    const event = { kind: 'event', target: { userId: admin.user.id }, event: 'deploy', payload: null };
    const publish = () => api.request('POST', '/api/v1/publish', { body: event, headers: { authorization: `Bearer ${plaintext}` } });
    expect((await publish()).status).toBe(202);
    await screenshot(page, 'admin-api-key-created');

    // Dismissed: the plaintext is gone from the page for good.
    await shown.getByRole('button', { name: 'I have stored it' }).click();
    await shown.waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(plaintext);

    // Revoke asks first; cancel keeps the key.
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByText('Revoke “CI bot”? Services using it stop working at once.').waitFor();
    await row.getByRole('button', { name: 'Cancel' }).click();
    expect(await row.getByTestId('api-key-status').textContent()).toBe('active');
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByRole('button', { name: 'Revoke key' }).click();
    await expect.poll(() => row.getByTestId('api-key-status').textContent()).toBe('revoked');
    expect(await row.getByRole('button', { name: 'Revoke' }).count()).toBe(0);
    expect((await publish()).status).toBe(401);

    // The audit log panel shows what happened.
    const audit = page.getByTestId('audit-log');
    await audit.locator('..').getByRole('button', { name: 'Refresh' }).click();
    // Actions in words, their codes on hover.
    await audit.getByTitle('api_key.revoked').first().getByText('API key revoked').waitFor();
    await audit.getByTitle('api_key.created').first().getByText('API key created').waitFor();
    await audit.getByTitle('api_key.refused').first().getByText('API key refused').waitFor();
    await screenshot(page, 'admin-api-key-revoked');
    expect(boss.errors).toEqual([]);
  }, 90_000);
});
