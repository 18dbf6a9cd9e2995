/**
 * Message interactions end to end in headless Chromium against a real server serving the built
 * app: two users in a direct conversation. Alice reacts to Bob's message (Bob sees the chip, not
 * his), takes it back; replies (Bob sees the quote, which jumps to the quoted message); edits her
 * last message with the Up arrow (Bob sees the new text and "(edited)"); deletes one after a
 * confirmation (Bob sees the tombstone); copies a message link; formatting renders safely (strong,
 * code, pre; a javascript: link stays text; an https link opens with noopener noreferrer); an
 * @mention chosen from the autocomplete is highlighted on Bob's side; a 300-character word does not
 * overflow a 390 px page. Screenshots in English and Chinese, desktop and phone, go to
 * test-output/screenshots/. No console errors are allowed.
 */
import { ApiClient, chromiumAvailable, startTestServer, type TestServer } from '@herald/testkit';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, openUser, screenshot, signIn, signUp, type UserPage, waitForStatus } from './helpers/browser';
import { ensureWebBuild } from './helpers/web-build';

const hasChromium = await chromiumAvailable();

describe.skipIf(!hasChromium)('message actions in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  const users: UserPage[] = [];

  beforeAll(async () => {
    const dist = await ensureWebBuild(300_000);
    server = await startTestServer({ env: { HERALD_WEB_DIR: dist } });
    // The first account becomes admin; the people in these tests are ordinary users.
    await new ApiClient(server.url).register('Root');
    browser = await launch();
  }, 360_000);

  afterAll(async () => {
    await browser?.close();
    await server?.destroy();
  }, 90_000);

  async function user(options?: Parameters<typeof openUser>[2]): Promise<UserPage> {
    const opened = await openUser(browser, server.url, options);
    users.push(opened);
    return opened;
  }

  /** A message's row, by a piece of its text. */
  const row = (page: Page, text: string): Locator =>
    page
      .locator('.message-row')
      .filter({ has: page.getByTestId('message-text').filter({ hasText: text }) })
      .last();
  const composer = (page: Page) => page.getByLabel('Message', { exact: true });
  /** Send and wait until it is sent; `shown` is a piece of its text as rendered (default: its first line). */
  async function send(page: Page, text: string, shown = text.split('\n')[0] ?? text): Promise<void> {
    const box = composer(page);
    await box.fill(text);
    await box.press('Enter');
    await expect.poll(() => box.inputValue()).toBe('');
    await row(page, shown).locator('[data-delivery="sent"], [data-delivery="delivered"], [data-delivery="read"]').waitFor();
  }
  /** Open a message's "⋯" menu and choose an item. */
  async function menu(page: Page, target: Locator, item: string): Promise<void> {
    await target.hover();
    await target.getByTestId('message-more').click();
    await page.getByRole('menu').getByRole('menuitem', { name: item }).click();
  }

  it('reactions, replies, edits, deletions, formatting, mentions and no overflow on a phone', async () => {
    const alice = await user();
    const bob = await user();
    await signUp(alice, 'Alice');
    const bobEmail = await signUp(bob, 'Bob');
    await alice.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });

    await alice.page.getByRole('button', { name: 'New conversation' }).click();
    const dialog = alice.page.getByRole('dialog', { name: 'New conversation' });
    await dialog.getByLabel('Search people by name, or type an exact email').fill('Bob');
    await dialog.getByRole('button', { name: /Bob/ }).click();
    await alice.page.waitForURL(/\/chat\/[^/]+$/);
    const conversationUrl = alice.page.url();
    const conversationId = conversationUrl.split('/').at(-1) ?? '';
    await waitForStatus(alice.page, 'connected');
    await send(alice.page, 'Hi Bob');
    await bob.page.getByRole('link', { name: /Alice/ }).click();
    await waitForStatus(bob.page, 'connected');
    await send(bob.page, 'Hello from Bob');

    // --- React: Alice puts 👍 on Bob's message; Bob sees a count of 1 that is not his; Alice takes it back.
    const bobsOnAlice = row(alice.page, 'Hello from Bob');
    await bobsOnAlice.hover();
    await bobsOnAlice.getByRole('button', { name: 'Add reaction' }).click();
    await alice.page.getByTestId('emoji-picker').getByRole('button', { name: '👍' }).click();
    const aliceChip = bobsOnAlice.locator('[data-testid="reactions"] button[data-emoji="👍"]');
    await expect.poll(() => aliceChip.getAttribute('aria-pressed')).toBe('true');
    const bobChip = row(bob.page, 'Hello from Bob').locator('[data-testid="reactions"] button[data-emoji="👍"]');
    await expect.poll(() => bobChip.getAttribute('data-count')).toBe('1');
    expect(await bobChip.getAttribute('aria-pressed')).toBe('false');
    expect(await bobChip.getAttribute('data-mine')).toBeNull();
    expect(await bobChip.getAttribute('title')).toBe('Alice');
    await aliceChip.click();
    await expect.poll(() => bobChip.count()).toBe(0);

    // --- Reply: Alice replies to Bob's message; Bob sees the quote, and it takes him to the quoted message.
    await bobsOnAlice.hover();
    await bobsOnAlice.getByRole('button', { name: 'Reply' }).click();
    await alice.page.getByTestId('reply-bar').getByText('Hello from Bob').waitFor();
    // The composer has the focus, to write the reply.
    await expect.poll(() => composer(alice.page).evaluate((element) => element === document.activeElement)).toBe(true);
    await send(alice.page, 'Replying here');
    expect(await alice.page.getByTestId('reply-bar').count()).toBe(0);
    const quote = row(bob.page, 'Replying here').getByTestId('reply-quote');
    await quote.waitFor();
    expect(await quote.textContent()).toContain('Hello from Bob');
    expect(await quote.textContent()).toContain('Bob');
    const quotedSeq = await quote.getAttribute('data-reply-seq');
    expect(await row(bob.page, 'Hello from Bob').getAttribute('data-seq')).toBe(quotedSeq);
    await quote.click();
    // The jump (ConversationView's useMessageJump) highlights the quoted message's row.
    await bob.page.locator(`[data-highlighted] #msg-${quotedSeq}`).waitFor();

    // --- Escape cancels a reply.
    await bobsOnAlice.hover();
    await bobsOnAlice.getByRole('button', { name: 'Reply' }).click();
    await alice.page.getByTestId('reply-bar').waitFor();
    await composer(alice.page).press('Escape');
    await expect.poll(() => alice.page.getByTestId('reply-bar').count()).toBe(0);

    // --- Edit: Up arrow in the empty composer edits Alice's last message in place.
    await composer(alice.page).click();
    await composer(alice.page).press('ArrowUp');
    const editor = alice.page.getByLabel('Edit message');
    await expect.poll(() => editor.inputValue()).toBe('Replying here');
    await editor.fill('Replying here, corrected');
    await editor.press('Enter');
    const bobEdited = row(bob.page, 'Replying here, corrected');
    await bobEdited.getByTestId('message-edited').waitFor();
    expect(await bobEdited.getByTestId('message-edited').textContent()).toBe('(edited)');
    expect(await bobEdited.getByTestId('message-edited').getAttribute('title')).toBeTruthy();
    // The reply's quote survives the edit.
    expect(await bobEdited.getByTestId('reply-quote').count()).toBe(1);

    // --- Formatting, rendered safely.
    await send(
      alice.page,
      'Format **bold** and `code`\n```\nconst block = 1;\n```\n[bad](javascript:alert(1)) and https://example.com/docs.',
      'Format bold',
    );
    const formatted = row(bob.page, 'Format');
    await formatted.locator('strong', { hasText: 'bold' }).waitFor();
    expect(await formatted.locator('code', { hasText: 'code' }).count()).toBe(1);
    expect(await formatted.locator('pre code').textContent()).toBe('const block = 1;');
    expect(await formatted.locator('a[href^="javascript"]').count()).toBe(0);
    expect(await formatted.textContent()).toContain('[bad](javascript:alert(1))');
    const link = formatted.locator('a[href="https://example.com/docs"]');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.textContent()).toBe('https://example.com/docs');

    // --- Mention: "@Bo" offers Bob; Enter inserts "@Bob "; Bob's copy is highlighted as mentioning him.
    const box = composer(alice.page);
    await box.click();
    await box.pressSequentially('ping @Bo');
    const mentionMenu = alice.page.getByTestId('mention-menu');
    await mentionMenu.getByRole('option', { name: /Bob/ }).waitFor();
    await box.press('Enter');
    await expect.poll(() => box.inputValue()).toBe('ping @Bob ');
    expect(await mentionMenu.count()).toBe(0);
    await box.pressSequentially('have a look');
    await box.press('Enter');
    const mentioned = row(bob.page, 'have a look');
    await expect.poll(() => mentioned.getAttribute('data-mentions-me')).toBe('true');
    expect(await mentioned.locator('.mention-chip').textContent()).toBe('@Bob');
    expect(await mentioned.evaluate((element) => getComputedStyle(element).boxShadow)).not.toBe('none');
    // Not highlighted for the sender.
    expect(await row(alice.page, 'have a look').getAttribute('data-mentions-me')).toBeNull();

    // --- Delete, after a confirmation: Bob sees the tombstone; the list shows it too.
    await send(alice.page, 'A message to delete');
    await row(bob.page, 'A message to delete').waitFor();
    await menu(alice.page, row(alice.page, 'A message to delete'), 'Delete');
    const confirm = alice.page.getByRole('dialog', { name: 'Delete this message?' });
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => bob.page.getByText('A message to delete').count()).toBe(0);
    const tombstones = bob.page.getByTestId('message-deleted');
    await expect.poll(() => tombstones.count()).toBe(1);
    expect(await tombstones.textContent()).toBe('This message was deleted');
    expect(await bob.page.locator('[data-deleted] [data-testid="message-more"]').count()).toBe(0);
    await alice.page.getByRole('link', { name: /Bob/ }).getByText('Message deleted').waitFor();

    // --- Copy link.
    const target = row(alice.page, 'Hello from Bob');
    const seq = await target.getAttribute('data-seq');
    await menu(alice.page, target, 'Copy link');
    await alice.page.getByText('Link copied.').waitFor();
    expect(await alice.page.evaluate(() => navigator.clipboard.readText())).toBe(`${server.url}/chat/${conversationId}?m=${seq}`);

    // --- Reactions for the screenshots: Bob puts ❤️ and 🎉 on Alice's reply, Alice adds ❤️ too.
    const reply = row(bob.page, 'Replying here, corrected');
    for (const emoji of ['❤️', '🎉']) {
      await reply.hover();
      await reply.getByRole('button', { name: 'Add reaction' }).click();
      await bob.page.getByTestId('emoji-picker').getByRole('button', { name: emoji }).click();
      await reply.locator(`button[data-emoji="${emoji}"][aria-pressed="true"]`).waitFor();
    }
    const replyOnAlice = row(alice.page, 'Replying here, corrected');
    await replyOnAlice.locator('button[data-emoji="❤️"]').click();
    await reply.locator('button[data-emoji="❤️"][data-count="2"]').waitFor();
    expect(await reply.locator('button[data-emoji="❤️"]').getAttribute('title')).toBe('You, Alice');

    // --- A phone-sized page with a 300-character word: nothing overflows sideways.
    const longWord = `x${'abcdefghij'.repeat(30)}`;
    await send(alice.page, longWord);
    await send(alice.page, `see https://example.com/${'path'.repeat(40)}`);
    const phone = await user({ width: 390, height: 760 });
    await signIn(phone, bobEmail);
    await phone.page.goto(conversationUrl);
    await row(phone.page, longWord).waitFor();
    await row(phone.page, 'have a look').scrollIntoViewIfNeeded();
    const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const list = phone.page.getByTestId('message-list');
    expect(await list.evaluate((element) => element.scrollWidth - element.clientWidth)).toBeLessThanOrEqual(0);
    const bubble = row(phone.page, longWord).getByTestId('message-bubble');
    const box390 = await bubble.boundingBox();
    expect(box390 && box390.x + box390.width).toBeLessThanOrEqual(390);

    // --- Screenshots, English and Chinese, desktop and phone; and the hover toolbar with the emoji picker open.
    const hovered = row(alice.page, 'Hello from Bob');
    await hovered.evaluate((element) => element.scrollIntoView({ block: 'center' }));
    await hovered.hover();
    await hovered.getByRole('button', { name: 'Add reaction' }).click();
    await alice.page.getByTestId('emoji-picker').waitFor();
    await screenshot(alice.page, 'message-actions-en-picker');
    await alice.page.keyboard.press('Escape');
    await expect.poll(() => alice.page.getByTestId('emoji-picker').count()).toBe(0);
    await settle(bob.page, 'have a look');
    await screenshot(bob.page, 'message-actions-en-desktop');
    await settle(phone.page, 'have a look');
    await screenshot(phone.page, 'message-actions-en-phone');
    for (const [width, name] of [
      [1280, 'message-actions-zh-desktop'],
      [390, 'message-actions-zh-phone'],
    ] as const) {
      const zh = await user({ width, height: width > 400 ? 800 : 760, locale: 'zh-CN' });
      // Sign in through the English page (the helper's labels), then choose Chinese as a user would (saved).
      await zh.page.addInitScript(() => {
        if (!sessionStorage.getItem('signed-in')) localStorage.setItem('herald.language', 'en');
      });
      await signIn(zh, bobEmail);
      await zh.page.evaluate(() => {
        sessionStorage.setItem('signed-in', '1');
        localStorage.setItem('herald.language', 'zh');
      });
      await zh.page.goto(conversationUrl);
      await row(zh.page, 'have a look').waitFor();
      await zh.page.getByText('此消息已删除').first().waitFor();
      await settle(zh.page, 'have a look');
      await screenshot(zh.page, name);
    }

    for (const u of users) expect(u.errors).toEqual([]);
  }, 240_000);

  /** Show the messages of interest: scroll so the mention and the messages above it are in view, pointer away. */
  async function settle(page: Page, text: string): Promise<void> {
    await page.mouse.move(1, 1);
    await row(page, text).evaluate((element) => element.scrollIntoView({ block: 'center' }));
    await page.evaluate(() => document.fonts.ready);
  }
});
