/**
 * Browser side of the E2E tests: one headless Debian Chromium (testkit's path and flags) with a
 * separate context per user, pages that record console errors and WebSocket opens, and helpers
 * to sign up through the UI.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '@herald/testkit';
import type { Browser, BrowserContext, ConsoleMessage, Page } from 'playwright-core';

export const SCREENSHOTS = fileURLToPath(new URL('../../../../test-output/screenshots/', import.meta.url));

/**
 * Launch Chromium. `fakeMedia`: a fake microphone and camera (a beeping tone) with permission
 * prompts auto-accepted, for recording tests; other suites keep the defaults.
 */
export async function launch(options: { fakeMedia?: boolean } = {}): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  const args = options.fakeMedia
    ? [...CHROMIUM_ARGS, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream']
    : CHROMIUM_ARGS;
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args });
}

export interface UserPage {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught page errors seen so far. */
  errors: string[];
  /** URLs of every WebSocket the page opened. */
  sockets: string[];
}

/** A fresh context (its own storage: a separate user) and page, with error and socket recording. */
export async function openUser(
  browser: Browser,
  baseUrl: string,
  options: { width?: number; height?: number; locale?: string; userAgent?: string } = {},
): Promise<UserPage> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
    locale: options.locale ?? 'en-US',
    ...(options.userAgent ? { userAgent: options.userAgent } : {}),
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const errors: string[] = [];
  const sockets: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !isSignedOutProbe(message)) errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('websocket', (socket) => sockets.push(socket.url()));
  return { context, page, errors, sockets };
}

/**
 * The app starts by trying the httpOnly refresh cookie (script cannot see whether there is one), so a
 * visitor who is not signed in gets a 401 from /api/v1/auth/refresh, which Chromium logs as an error.
 */
function isSignedOutProbe(message: ConsoleMessage): boolean {
  return /status of 401/.test(message.text()) && message.location().url.endsWith('/api/v1/auth/refresh');
}

/** Console errors that are expected while the test itself breaks things (e.g. a server restart). */
export function unexpectedErrors(errors: readonly string[], allowed: readonly RegExp[] = []): string[] {
  return errors.filter((error) => !allowed.some((pattern) => pattern.test(error)));
}

let counter = 0;

/** A unique email for a display name. */
export function emailFor(name: string): string {
  counter += 1;
  return `${name.toLowerCase()}-${Date.now().toString(36)}-${counter}@example.test`;
}

/** Sign up through the login page; resolves when the chat page shows. */
export async function signUp(user: UserPage, name: string, email = emailFor(name), password = 'correct horse battery'): Promise<string> {
  const { page } = user;
  await page.goto('/login');
  await page.getByRole('tab', { name: 'Sign up' }).click();
  await page.getByLabel('Display name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL('**/chat');
  await page.getByRole('heading', { name: 'Conversations' }).waitFor();
  return email;
}

/** Sign in through the login page. */
export async function signIn(user: UserPage, email: string, password = 'correct horse battery'): Promise<void> {
  const { page } = user;
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).last().click();
  await page.waitForURL('**/chat');
}

/** Wait until the header's connection status is `status`. */
export async function waitForStatus(page: Page, status: string, timeout = 20_000): Promise<void> {
  await page.locator(`[role="status"][data-status="${status}"]`).waitFor({ timeout });
}

/** Save a screenshot once running animations and transitions (e.g. a toast sliding in) have finished. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((animation) => animation.effect?.getComputedTiming().iterations !== Number.POSITIVE_INFINITY)
        .map((animation) => animation.finished.catch(() => undefined)),
    ),
  );
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}
