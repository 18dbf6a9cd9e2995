// @vitest-environment happy-dom
// @vitest-environment-options {"settings":{"fetch":{"disableSameOriginPolicy":true}}}
/**
 * useHandler, useSession, useConnectionStatus and useHeraldClient against a real server.
 */
import type { ConnectionState, HeraldClient } from '@herald/client';
import type { ServerFrameOf } from '@herald/protocol';
import { cleanup, render, waitFor } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Session, useConnectionStatus, useHandler, useHeraldClient, usePageConnection, useSession } from '../src/index.js';
import { type Harness, nodeClient, Recorder, renderWithClient, startHarness, waitForState } from './harness.js';

let h: Harness;
const clients: HeraldClient[] = [];

beforeAll(async () => {
  h = await startHarness();
});
afterEach(() => {
  cleanup();
  for (const client of clients.splice(0)) client.dispose();
  vi.restoreAllMocks();
});
afterAll(async () => {
  await h.close();
});

type Frame = ServerFrameOf<'new_message'>;

function Listener({ onMessage }: { onMessage: (frame: Frame) => void }) {
  usePageConnection('/chat', true);
  useHandler('new_message', onMessage);
  return null;
}

function Probe(props: { sessions: Recorder<Session>; states: Recorder<ConnectionState>; clients: Recorder<HeraldClient> }) {
  usePageConnection('/chat', true);
  props.sessions.record(useSession());
  props.states.record(useConnectionStatus());
  props.clients.record(useHeraldClient());
  return null;
}

function Orphan() {
  useHeraldClient();
  return null;
}

describe('useHandler', () => {
  it('registers once across re-renders and always calls the latest callback', async () => {
    const { alice, bob, conversationId } = await h.api.directPair();
    const client = nodeClient(h.server.wsUrl, alice.accessToken);
    clients.push(client);
    const view = renderWithClient(client, null);
    const baseline = client.handlerCount;
    const calls: string[] = [];
    for (let n = 1; n <= 5; n++) {
      view.rerender(<Listener onMessage={(frame) => calls.push(`v${n}:${frame.data.text}`)} />);
      expect(client.handlerCount).toBe(baseline + 1);
    }
    await waitForState(client, (s) => s.status === 'connected');
    await h.api.sendText(bob.accessToken, conversationId, 'ping');
    await waitFor(() => expect(calls).toEqual(['v5:ping']), { timeout: 10_000 });
    view.rerender(null);
    expect(client.handlerCount).toBe(baseline);
  });
});

describe('useSession, useConnectionStatus, useHeraldClient', () => {
  it('follow the connection and who it is for', async () => {
    const alice = await h.api.register('Alice');
    const client = nodeClient(h.server.wsUrl, alice.accessToken);
    clients.push(client);
    const sessions = new Recorder<Session>();
    const states = new Recorder<ConnectionState>();
    const clientsSeen = new Recorder<HeraldClient>();
    renderWithClient(client, <Probe sessions={sessions} states={states} clients={clientsSeen} />);
    await waitFor(() => expect(sessions.latest?.user).toMatchObject({ id: alice.user.id, name: 'Alice' }), { timeout: 10_000 });
    expect(sessions.latest?.connectionId).toEqual(expect.any(String));
    expect(states.latest.status).toBe('connected');
    expect(states.values.map((s) => s.status)).toEqual(expect.arrayContaining(['disconnected', 'connecting', 'connected']));
    expect(clientsSeen.latest).toBe(client);
  });

  it('throws a clear error outside HeraldProvider', () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(() => render(<Orphan />)).toThrow('inside <HeraldProvider>');
  });
});
