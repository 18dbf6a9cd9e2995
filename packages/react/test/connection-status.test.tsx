// @vitest-environment happy-dom
// @vitest-environment-options {"settings":{"fetch":{"disableSameOriginPolicy":true}}}
/**
 * <ConnectionStatus/> through every state of a real client whose server really goes away:
 * disconnected (Reconnect), connecting, connected, reconnecting counted against the client's limit
 * (Retry now), past the limit "Offline — retrying every N s" (Retry now reconnects at once; without
 * it the client still comes back by itself), and with `reconnect.giveUp` the failed state (Reconnect,
 * Reload). Every wait is on the DOM or the client's state, with a timeout.
 */
import type { HeraldClient } from '@herald/client';
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConnectionStatus } from '../src/index.js';
import { type Harness, nodeClient, renderWithClient, startHarness, waitForState } from './harness.js';

let h: Harness;
let client: HeraldClient | null = null;
let stopped = false;
const WAIT = { timeout: 10_000 };

beforeAll(async () => {
  h = await startHarness();
});
afterEach(async () => {
  cleanup();
  client?.dispose();
  client = null;
  // A test that failed with the server down must not take the next tests with it.
  if (stopped) await restart();
});
afterAll(async () => {
  await h.close();
});

async function stop(): Promise<void> {
  stopped = true;
  await h.stop();
}
async function restart(): Promise<void> {
  await h.restart();
  stopped = false;
}

const status = () => screen.getByRole('status');
const buttons = () => screen.queryAllByRole('button').map((b) => b.textContent);

/** Every text the status line showed, in order, as the DOM changed (not as the client notified: React renders later). */
function recordTexts(): { texts: string[]; stop: () => void } {
  const texts: string[] = [];
  const note = () => {
    const text = status().textContent ?? '';
    if (texts.at(-1) !== text) texts.push(text);
  };
  note();
  const observer = new MutationObserver(note);
  observer.observe(document.body, { subtree: true, childList: true, characterData: true });
  return { texts, stop: () => observer.disconnect() };
}

describe('ConnectionStatus', () => {
  it('shows every state with its buttons, and past its attempt limit keeps retrying until the server is back', async () => {
    const user = await h.api.register('Status');
    // Short waits of every kind, and a budget of 2 so that the limit is passed within a second.
    client = nodeClient(h.server.wsUrl, user.accessToken, {
      reconnect: {
        baseDelayMs: 100,
        maxDelayMs: 100,
        maxAttempts: 2,
        fastRetryMinMs: 100,
        fastRetryMaxMs: 150,
        goingAwayMinMs: 50,
        goingAwayMaxMs: 100,
      },
    });
    const c = client;
    renderWithClient(c, <ConnectionStatus />);

    expect(status().getAttribute('aria-live')).toBe('polite');
    expect(status().dataset.status).toBe('disconnected');
    expect(status().textContent).toContain('Disconnected');
    expect(buttons()).toEqual(['Reconnect']);

    act(() => fireEvent.click(screen.getByRole('button', { name: 'Reconnect' })));
    expect(status().textContent).toContain('Connecting…');
    expect(buttons()).toEqual([]);
    await waitFor(() => expect(status().textContent).toContain('Connected'), WAIT);
    expect(buttons()).toEqual([]);

    const seen = recordTexts();
    await stop();
    try {
      await waitFor(() => expect(status().dataset.limitPassed).toBe('true'), WAIT);
    } finally {
      seen.stop();
    }
    expect(seen.texts).toEqual(
      expect.arrayContaining([expect.stringContaining('Reconnecting (1/2)…'), expect.stringContaining('Reconnecting (2/2)…')]),
    );
    expect(seen.texts.some((t) => t.includes('Connection failed'))).toBe(false);
    expect(status().dataset.status).toBe('reconnecting');
    // Every wait is at most 150 ms under these options: "every 1 s" (rounded up, never "0 s").
    expect(status().textContent).toContain('Offline — retrying every 1 s');
    expect(buttons()).toEqual(['Retry now']);

    // No click: the client was still trying, so it comes back by itself.
    await restart();
    await waitFor(() => expect(status().textContent).toContain('Connected'), WAIT);
    expect(status().dataset.limitPassed).toBeUndefined();
    expect(buttons()).toEqual([]);
  });

  it('takes translated labels', async () => {
    const user = await h.api.register('Status');
    client = nodeClient(h.server.wsUrl, user.accessToken, {
      reconnect: {
        baseDelayMs: 50,
        maxDelayMs: 50,
        maxAttempts: 0,
        fastRetryMinMs: 50,
        fastRetryMaxMs: 50,
        goingAwayMinMs: 50,
        goingAwayMaxMs: 50,
      },
    });
    const c = client;
    renderWithClient(
      c,
      <ConnectionStatus
        labels={{
          disconnected: 'Getrennt',
          connected: 'Verbunden',
          reconnect: 'Neu verbinden',
          retryingEvery: (seconds) => `Offline – neuer Versuch alle ${seconds} s`,
          retryNow: 'Jetzt versuchen',
        }}
      />,
    );
    expect(status().textContent).toContain('Getrennt');
    act(() => fireEvent.click(screen.getByRole('button', { name: 'Neu verbinden' })));
    await waitFor(() => expect(status().textContent).toContain('Verbunden'), WAIT);
    // A budget of 0: the first wait is already past the limit.
    await stop();
    await waitFor(() => expect(status().textContent).toContain('Offline – neuer Versuch alle 1 s'), WAIT);
    expect(buttons()).toEqual(['Jetzt versuchen']);
    await restart();
    await waitFor(() => expect(status().textContent).toContain('Verbunden'), WAIT);
  });

  it("counts against the client's own limit (default 15) and offers Retry now meanwhile", async () => {
    const user = await h.api.register('Status');
    // `reconnect: {}` replaces the harness's fast options: the client's own defaults.
    client = nodeClient(h.server.wsUrl, user.accessToken, { reconnect: {} });
    const c = client;
    renderWithClient(c, <ConnectionStatus />);
    await act(() => c.connect());
    await stop();
    await waitForState(c, (s) => s.status === 'reconnecting');
    // Which attempt is on screen depends on timing; the limit and the button do not.
    await waitFor(() => expect(status().textContent).toMatch(/Reconnecting \(([1-9]|1[0-5])\/15\)…/), WAIT);
    expect(buttons()).toEqual(['Retry now']);
  });

  it('past the limit says "retrying every N s", and Retry now reconnects at once', async () => {
    const user = await h.api.register('Status');
    // A budget of 1, reached within ~50 ms (going-away close, then one refused attempt); after that
    // every wait is 60 s (random 0.999 keeps even a backoff wait near its ceiling), so a connection
    // within the 10 s timeout can only come from the click.
    client = nodeClient(h.server.wsUrl, user.accessToken, {
      random: () => 0.999,
      reconnect: {
        maxAttempts: 1,
        goingAwayMinMs: 20,
        goingAwayMaxMs: 50,
        baseDelayMs: 60_000,
        maxDelayMs: 60_000,
        fastRetryMinMs: 60_000,
        fastRetryMaxMs: 60_000,
      },
    });
    const c = client;
    renderWithClient(c, <ConnectionStatus />);
    await act(() => c.connect());
    await stop();
    await waitFor(() => expect(status().textContent).toContain('Offline — retrying every 60 s'), WAIT);
    expect(status().dataset.status).toBe('reconnecting');
    expect(buttons()).toEqual(['Retry now']);
    const state = c.getState();
    expect(state.attemptLimitPassed).toBe(true);
    expect((state.nextRetryAt ?? 0) - Date.now()).toBeGreaterThan(30_000);

    await restart();
    act(() => fireEvent.click(screen.getByRole('button', { name: 'Retry now' })));
    await waitFor(() => expect(status().textContent).toContain('Connected'), WAIT);
    expect(buttons()).toEqual([]);
  });

  it('with reconnect.giveUp ends in the failed state (Reconnect and Reload), and Reconnect starts over', async () => {
    const user = await h.api.register('Status');
    client = nodeClient(h.server.wsUrl, user.accessToken, {
      reconnect: {
        giveUp: true,
        maxAttempts: 2,
        baseDelayMs: 50,
        maxDelayMs: 50,
        fastRetryMinMs: 50,
        fastRetryMaxMs: 100,
        goingAwayMinMs: 20,
        goingAwayMaxMs: 50,
      },
    });
    const c = client;
    const reload = vi.fn();
    renderWithClient(c, <ConnectionStatus onReload={reload} />);
    await act(() => c.connect());
    const seen = recordTexts();
    await stop();
    try {
      await waitFor(() => expect(status().dataset.status).toBe('error'), WAIT);
    } finally {
      seen.stop();
    }
    expect(seen.texts).toEqual(expect.arrayContaining([expect.stringContaining('Reconnecting (2/2)…')]));
    expect(seen.texts.some((t) => t.includes('retrying every'))).toBe(false);
    expect(status().textContent).toContain('Connection failed');
    expect(buttons()).toEqual(['Reconnect', 'Reload']);
    act(() => fireEvent.click(screen.getByRole('button', { name: 'Reload' })));
    expect(reload).toHaveBeenCalledOnce();

    // Stopped for good: the server's return alone changes nothing; Reconnect does.
    await restart();
    expect(status().dataset.status).toBe('error');
    act(() => fireEvent.click(screen.getByRole('button', { name: 'Reconnect' })));
    await waitFor(() => expect(status().textContent).toContain('Connected'), WAIT);
    expect(buttons()).toEqual([]);
  });
});
