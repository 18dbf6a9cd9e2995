// @vitest-environment happy-dom
// @vitest-environment-options {"settings":{"fetch":{"disableSameOriginPolicy":true}}}
/**
 * usePageConnection with the default policies, against a real server behind a TCP proxy (which
 * counts every socket ever opened): the login page opens none, the chat page opens one when signed
 * in, a route change between connected pages keeps that one, and leaving for the login page closes
 * it after the grace period.
 */
import type { ConnectionStatus, HeraldClient } from '@herald/client';
import { startTcpProxy, type TcpProxy } from '@herald/testkit';
import { cleanup } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type PageConnection, usePageConnection } from '../src/index.js';
import { type Harness, nodeClient, Recorder, renderWithClient, socketCount, startHarness, waitForState } from './harness.js';

const GRACE_MS = 300;
let h: Harness;
let proxy: TcpProxy;
let client: HeraldClient | null = null;

beforeAll(async () => {
  h = await startHarness();
  proxy = await startTcpProxy({ port: h.server.port });
});
afterEach(async () => {
  cleanup();
  client?.dispose();
  client = null;
  await proxy.waitUntilIdle();
});
afterAll(async () => {
  await proxy.close();
  await h.close();
});

const recorder = new Recorder<PageConnection>();
function Page({ path, signedIn }: { path: string; signedIn: boolean }) {
  recorder.record(usePageConnection(path, signedIn));
  return null;
}
/** One component per route, as a router mounts them: a route change unmounts one and mounts the next. */
function Route({ path, signedIn = true }: { path: string; signedIn?: boolean }) {
  return <Page key={path} path={path} signedIn={signedIn} />;
}

async function signedInClient(): Promise<HeraldClient> {
  const user = await h.api.register('Pager');
  client = nodeClient(proxy.wsUrl(), user.accessToken, { releaseGraceMs: GRACE_MS });
  return client;
}

/** Every status the client goes through from now on. */
function statusLog(c: HeraldClient): ConnectionStatus[] {
  const log: ConnectionStatus[] = [];
  c.subscribe((state, previous) => {
    if (state.status !== previous.status) log.push(state.status);
  });
  return log;
}

describe('usePageConnection', () => {
  it('the login page opens no socket, even signed in', async () => {
    const c = await signedInClient();
    const before = proxy.totalConnections;
    renderWithClient(c, <Route path="/login" />);
    // Effects have run (render flushes them): an acquire would already have moved the status.
    expect(recorder.latest).toMatchObject({ active: false, policy: { enabled: false } });
    expect(c.getState().status).toBe('disconnected');
    expect(proxy.totalConnections).toBe(before);
  });

  it('a page not in the table is disabled; the chat page signed out opens nothing', async () => {
    const c = await signedInClient();
    const view = renderWithClient(c, <Route path="/settings" />);
    expect(recorder.latest).toMatchObject({ active: false, policy: { enabled: false, connectionType: 'none' } });
    view.rerender(<Route path="/chat" signedIn={false} />);
    expect(recorder.latest).toMatchObject({ active: false, policy: { enabled: true, requireAuth: true } });
    expect(c.getState().status).toBe('disconnected');
  });

  it('the chat page connects when signed in (one socket, also for sub-paths)', async () => {
    const c = await signedInClient();
    const before = proxy.totalConnections;
    renderWithClient(c, <Route path="/chat/42" />);
    expect(recorder.latest).toMatchObject({
      active: true,
      policy: { connectionType: 'chat', features: ['messaging', 'typing', 'upload'] },
    });
    await waitForState(c, (s) => s.status === 'connected');
    expect(proxy.totalConnections - before).toBe(1);
    expect(await socketCount(h.server)).toBe(1);
  });

  it('chat → admin keeps the one socket through the route change (even with a lazy route in between)', async () => {
    const c = await signedInClient();
    const before = proxy.totalConnections;
    const view = renderWithClient(c, <Route path="/chat" />);
    await waitForState(c, (s) => s.status === 'connected');
    const log = statusLog(c);
    // The next route loads lazily: for a moment no page holds the connection (shorter than the grace).
    view.rerender(null);
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS / 3));
    view.rerender(<Route path="/admin" />);
    expect(recorder.latest).toMatchObject({ active: true, policy: { connectionType: 'admin' } });
    // Proving that nothing happens needs a wait: twice the grace, then the socket must be the same.
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS * 2));
    expect(log).toEqual([]);
    expect(c.getState().status).toBe('connected');
    expect(proxy.totalConnections - before).toBe(1);
  });

  it('chat → login disconnects, after the grace period', async () => {
    const c = await signedInClient();
    const view = renderWithClient(c, <Route path="/chat" />);
    await waitForState(c, (s) => s.status === 'connected');
    const left = Date.now();
    view.rerender(<Route path="/login" />);
    expect(c.getState().status).toBe('connected'); // still within the grace
    await waitForState(c, (s) => s.status === 'disconnected');
    expect(Date.now() - left).toBeGreaterThanOrEqual(GRACE_MS - 20);
    await proxy.waitUntilIdle();
    expect(await socketCount(h.server)).toBe(0);
  });

  it('signing out on the chat page releases the connection', async () => {
    const c = await signedInClient();
    const view = renderWithClient(c, <Route path="/chat" />);
    await waitForState(c, (s) => s.status === 'connected');
    view.rerender(<Route path="/chat" signedIn={false} />);
    expect(recorder.latest.active).toBe(false);
    await waitForState(c, (s) => s.status === 'disconnected');
  });
});
