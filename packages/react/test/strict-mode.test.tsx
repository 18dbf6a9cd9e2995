// @vitest-environment happy-dom
// @vitest-environment-options {"settings":{"fetch":{"disableSameOriginPolicy":true}}}
/**
 * Strict Mode mounts every component twice; the SDK owns the connection, so a page that connects
 * still opens exactly one socket.
 */
import type { HeraldClient } from '@herald/client';
import { cleanup, screen, waitFor } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionStatus, usePageConnection } from '../src/index.js';
import { eventually, type Harness, nodeClient, renderWithClient, socketCount, startHarness, waitForState } from './harness.js';

let h: Harness;
let client: HeraldClient | null = null;

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

function ChatPage() {
  usePageConnection('/chat', true);
  return <ConnectionStatus />;
}

describe('StrictMode', () => {
  it('a connecting page under StrictMode opens exactly one socket', async () => {
    const user = await h.api.register('Strict');
    client = nodeClient(h.server.wsUrl, user.accessToken);
    renderWithClient(client, <ChatPage />);
    await waitForState(client, (s) => s.status === 'connected');
    await waitFor(() => expect(screen.getByRole('status').textContent).toContain('Connected'));
    expect(
      await eventually(async () => {
        const n = await socketCount(h.server);
        if (n !== 1) throw new Error(`sockets: ${n}`);
        return n;
      }),
    ).toBe(1);
    expect(h.server.server).toBeDefined();
  });
});
