// @vitest-environment happy-dom
// @vitest-environment-options {"settings":{"fetch":{"disableSameOriginPolicy":true}}}
/**
 * Leak check: a component using every hook is mounted and unmounted 50 times under StrictMode while
 * connected to a real server. Afterwards the client's handler count is back to its baseline, the
 * connection was opened once, and events that would have updated the component (messages, typing,
 * presence, notifications) cause no render and no React warning.
 */
import type { HeraldClient } from '@herald/client';
import { startTcpProxy, type TcpProxy } from '@herald/testkit';
import { act, cleanup, waitFor } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  ConnectionStatus,
  useConnectionStatus,
  useConversation,
  useHandler,
  useNotifications,
  useOnlineCount,
  usePageConnection,
  usePresence,
  useSession,
  useTyping,
} from '../src/index.js';
import { type Harness, nodeClient, renderWithClient, startHarness, waitForState } from './harness.js';

let h: Harness;
let proxy: TcpProxy;
const clients: HeraldClient[] = [];

beforeAll(async () => {
  h = await startHarness({ HERALD_PRESENCE_GRACE_MS: '100' });
  proxy = await startTcpProxy({ port: h.server.port });
});
afterEach(() => {
  cleanup();
  for (const client of clients.splice(0)) client.dispose();
  vi.restoreAllMocks();
});
afterAll(async () => {
  await proxy.close();
  await h.close();
});

let renders = 0;
let handled = 0;

function Everything({ conversationId, peerId }: { conversationId: string; peerId: string }) {
  renders++;
  usePageConnection('/chat', true);
  useConnectionStatus();
  useHandler('new_message', () => {
    handled++;
  });
  useConversation(conversationId);
  useTyping(conversationId);
  usePresence([peerId]);
  useOnlineCount(conversationId);
  useNotifications();
  useSession();
  return <ConnectionStatus />;
}

describe('mount/unmount', () => {
  it('50 StrictMode mount/unmount cycles leave no handler, open one socket and never render after unmount', async () => {
    const admin = await h.api.register('Admin'); // first account: admin
    const alice = await h.api.register('Alice');
    const bob = await h.api.register('Bob');
    const conversationId = await h.api.conversation(alice.accessToken, { kind: 'direct', userId: bob.user.id });
    const errors = vi.spyOn(console, 'error');
    const client = nodeClient(proxy.wsUrl(), alice.accessToken, { releaseGraceMs: 5_000 });
    clients.push(client);
    const sockets = proxy.totalConnections;

    const view = renderWithClient(client, null);
    const baseline = client.handlerCount; // the provider's own (session, notifications)
    const ui = <Everything conversationId={conversationId} peerId={bob.user.id} />;
    for (let cycle = 0; cycle < 50; cycle++) {
      view.rerender(ui);
      if (cycle === 0) await waitForState(client, (s) => s.status === 'connected');
      expect(client.handlerCount).toBeGreaterThan(baseline);
      view.rerender(null);
      if (cycle % 10 === 0) await act(() => Promise.resolve()); // let some stops run between mounts, not all
    }
    await waitFor(() => expect(client.handlerCount).toBe(baseline));
    expect(proxy.totalConnections - sockets).toBe(1); // the grace kept the one socket across all cycles
    expect(client.getState().status).toBe('connected');

    // Everything the hooks listened to happens now: no render, no handler call, no warning.
    const rendersAfter = renders;
    const handledAfter = handled;
    const probe: string[] = [];
    const stopProbe = client.on('new_message', (frame) => {
      probe.push(frame.data.text);
    });
    const bobClient = nodeClient(h.server.wsUrl, bob.accessToken);
    clients.push(bobClient);
    await bobClient.connect(); // presence_update reaches alice
    await h.api.sendText(bob.accessToken, conversationId, 'after unmount');
    const note = await h.api.request('POST', '/api/v1/admin/notifications', { token: admin.accessToken, body: { title: 'after unmount' } });
    expect(note.status).toBe(201);
    await waitFor(() => expect(probe).toEqual(['after unmount']));
    stopProbe();
    expect(renders).toBe(rendersAfter);
    expect(handled).toBe(handledAfter);
    expect(errors).not.toHaveBeenCalled();
    expect(client.handlerCount).toBe(baseline);
  });

  it('unmounting the provider too leaves no handler at all and releases the connection', async () => {
    const alice = await h.api.register('Alice');
    const bob = await h.api.register('Bob');
    const conversationId = await h.api.conversation(alice.accessToken, { kind: 'direct', userId: bob.user.id });
    const client = nodeClient(h.server.wsUrl, alice.accessToken, { releaseGraceMs: 50 });
    clients.push(client);
    expect(client.handlerCount).toBe(0);
    for (let cycle = 0; cycle < 10; cycle++) {
      const view = renderWithClient(client, <Everything conversationId={conversationId} peerId={bob.user.id} />);
      if (cycle === 0) await waitForState(client, (s) => s.status === 'connected');
      view.unmount();
    }
    await waitFor(() => expect(client.handlerCount).toBe(0));
    await waitForState(client, (s) => s.status === 'disconnected');
  });
});
