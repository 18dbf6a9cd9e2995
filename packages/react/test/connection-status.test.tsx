// @vitest-environment happy-dom
// @vitest-environment-options {"settings":{"fetch":{"disableSameOriginPolicy":true}}}
/**
 * <ConnectionStatus/> through every state of a real client: disconnected (Reconnect button),
 * connecting, connected, reconnecting with the attempt count against the client's limit (server
 * stopped), error once the attempts are spent (Reload and Reconnect buttons), and back.
 */
import type { HeraldClient } from '@herald/client';
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConnectionStatus } from '../src/index.js';
import { type Harness, nodeClient, renderWithClient, startHarness, waitForState } from './harness.js';

let h: Harness;
let client: HeraldClient | null = null;
const WAIT = { timeout: 10_000 };

beforeAll(async () => {
  h = await startHarness();
});
afterEach(() => {
  cleanup();
  client?.dispose();
  client = null;
});
afterAll(async () => {
  await h.close();
});

const status = () => screen.getByRole('status');
const buttons = () => screen.queryAllByRole('button').map((b) => b.textContent);

describe('ConnectionStatus', () => {
  it('shows every state with its buttons, driven by a real server going away and coming back', async () => {
    const user = await h.api.register('Status');
    // Attempts spaced widely enough to see each one, and few enough to reach `error`.
    client = nodeClient(h.server.wsUrl, user.accessToken, { reconnect: { baseDelayMs: 150, maxDelayMs: 150, maxAttempts: 3 } });
    const c = client;
    const reload = vi.fn();
    renderWithClient(c, <ConnectionStatus onReload={reload} />);

    expect(status().getAttribute('aria-live')).toBe('polite');
    expect(status().dataset.status).toBe('disconnected');
    expect(status().textContent).toContain('Disconnected');
    expect(buttons()).toEqual(['Reconnect']);

    act(() => fireEvent.click(screen.getByRole('button', { name: 'Reconnect' })));
    expect(status().textContent).toContain('Connecting…');
    expect(buttons()).toEqual([]);
    await waitFor(() => expect(status().textContent).toContain('Connected'), WAIT);
    expect(buttons()).toEqual([]);

    await h.stop();
    const seen = new Set<string>();
    const stop = c.subscribe(() => seen.add(status().textContent ?? ''));
    try {
      await waitFor(() => expect(status().dataset.status).toBe('error'), WAIT);
    } finally {
      stop();
    }
    expect([...seen].filter((t) => t.includes('Reconnecting'))).toEqual(
      expect.arrayContaining([expect.stringContaining('Reconnecting (1/3)…'), expect.stringContaining('Reconnecting (3/3)…')]),
    );
    expect(status().textContent).toContain('Connection failed');
    expect(buttons()).toEqual(['Reconnect', 'Reload']);
    act(() => fireEvent.click(screen.getByRole('button', { name: 'Reload' })));
    expect(reload).toHaveBeenCalledOnce();

    await h.restart();
    act(() => fireEvent.click(screen.getByRole('button', { name: 'Reconnect' })));
    await waitFor(() => expect(status().textContent).toContain('Connected'), WAIT);
    expect(buttons()).toEqual([]);
  });

  it('takes translated labels', async () => {
    const user = await h.api.register('Status');
    client = nodeClient(h.server.wsUrl, user.accessToken);
    renderWithClient(
      client,
      <ConnectionStatus labels={{ disconnected: 'Getrennt', connected: 'Verbunden', reconnect: 'Neu verbinden' }} />,
    );
    expect(status().textContent).toContain('Getrennt');
    act(() => fireEvent.click(screen.getByRole('button', { name: 'Neu verbinden' })));
    await waitFor(() => expect(status().textContent).toContain('Verbunden'), WAIT);
  });

  it("counts against the client's own limit (default 15)", async () => {
    const user = await h.api.register('Status');
    client = nodeClient(h.server.wsUrl, user.accessToken, { reconnect: { baseDelayMs: 5_000, maxDelayMs: 5_000, maxAttempts: 15 } });
    const c = client;
    renderWithClient(c, <ConnectionStatus />);
    await act(() => c.connect());
    await h.stop();
    try {
      await waitForState(c, (s) => s.status === 'reconnecting');
      // Full jitter can make an attempt's wait a few ms, so which attempt is on screen is chance; the limit is not.
      await waitFor(() => expect(status().textContent).toMatch(/Reconnecting \(([1-9]|1[0-5])\/15\)…/), WAIT);
    } finally {
      await h.restart();
    }
  });
});
