// @vitest-environment happy-dom
// @vitest-environment-options {"settings":{"fetch":{"disableSameOriginPolicy":true}}}
/**
 * Strict Mode mounts every component twice; the SDK owns the connection, so a page that connects
 * (with every hook in use) still opens exactly one socket, counted on the server side of a TCP proxy
 * (every socket ever opened) and by the server's own gauge.
 */
import type { HeraldClient } from '@herald/client';
import { startTcpProxy, type TcpProxy } from '@herald/testkit';
import { cleanup, screen, waitFor } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ConnectionStatus,
  type UseConversation,
  useConversation,
  useNotifications,
  usePageConnection,
  usePresence,
  useTyping,
} from '../src/index.js';
import { type Harness, nodeClient, Recorder, renderWithClient, socketCount, startHarness, waitForState } from './harness.js';

let h: Harness;
let proxy: TcpProxy;
let client: HeraldClient | null = null;

beforeAll(async () => {
  h = await startHarness();
  proxy = await startTcpProxy({ port: h.server.port });
});
afterEach(() => {
  cleanup();
  client?.dispose();
  client = null;
});
afterAll(async () => {
  await proxy.close();
  await h.close();
});

const conversation = new Recorder<UseConversation>();
function ChatPage({ conversationId, peerId }: { conversationId: string; peerId: string }) {
  usePageConnection('/chat', true);
  conversation.record(useConversation(conversationId));
  useTyping(conversationId);
  usePresence([peerId]);
  useNotifications();
  return <ConnectionStatus />;
}

describe('StrictMode', () => {
  it('a connecting page under StrictMode opens exactly one socket, also when it remounts', async () => {
    const { alice, bob, conversationId } = await h.api.directPair();
    client = nodeClient(proxy.wsUrl(), alice.accessToken);
    const before = proxy.totalConnections;
    const page = (key: string) => <ChatPage key={key} conversationId={conversationId} peerId={bob.user.id} />;
    const view = renderWithClient(client, page('first'));
    await waitForState(client, (s) => s.status === 'connected');
    await waitFor(() => expect(screen.getByRole('status').textContent).toContain('Connected'));
    await waitFor(() => expect(conversation.latest.loading).toBe(false));
    // Remounting the page once connected (its effects run again, doubled by StrictMode) keeps the socket.
    view.rerender(page('second'));
    await waitFor(() => expect(conversation.latest.loading).toBe(false));
    expect(client.getState().status).toBe('connected');
    expect(proxy.totalConnections - before).toBe(1);
    expect(await socketCount(h.server)).toBe(1);
  });
});
