// @vitest-environment happy-dom
// @vitest-environment-options {"settings":{"fetch":{"disableSameOriginPolicy":true}}}
/**
 * useTyping, usePresence and useNotifications against a real server, with two users, each with
 * their own client and their own React root.
 */
import type { HeraldClient } from '@herald/client';
import type { AuthResponse } from '@herald/protocol';
import { act, cleanup, waitFor } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type UseNotifications, type UseTyping, useNotifications, usePageConnection, usePresence, useTyping } from '../src/index.js';
import { type Harness, nodeClient, Recorder, renderWithClient, startHarness, waitForState } from './harness.js';

let h: Harness;
let admin: AuthResponse;
const clients: HeraldClient[] = [];
const WAIT = { timeout: 10_000 };
const FAST = { timeout: 2_000 };

beforeAll(async () => {
  h = await startHarness({ HERALD_PRESENCE_GRACE_MS: '100' });
  admin = await h.api.register('Admin'); // the first account is the admin
});
afterEach(() => {
  cleanup();
  for (const client of clients.splice(0)) client.dispose();
});
afterAll(async () => {
  await h.close();
});

function client(token: string): HeraldClient {
  const c = nodeClient(h.server.wsUrl, token);
  clients.push(c);
  return c;
}

function TypingProbe({ id, recorder }: { id: string; recorder: Recorder<UseTyping> }) {
  usePageConnection('/chat', true);
  recorder.record(useTyping(id));
  return null;
}

function PresenceProbe({ ids, recorder }: { ids: string[]; recorder: Recorder<ReturnType<typeof usePresence>> }) {
  usePageConnection('/chat', true);
  recorder.record(usePresence(ids));
  return null;
}

function NotificationsProbe({ recorder }: { recorder: Recorder<UseNotifications> }) {
  usePageConnection('/chat', true);
  recorder.record(useNotifications());
  return null;
}

describe('useTyping', () => {
  it("shows the other user's typing and clears it when they stop", async () => {
    const { alice, bob, conversationId } = await h.api.directPair();
    const aliceView = new Recorder<UseTyping>();
    const bobView = new Recorder<UseTyping>();
    const a = client(alice.accessToken);
    const b = client(bob.accessToken);
    renderWithClient(a, <TypingProbe id={conversationId} recorder={aliceView} />);
    renderWithClient(b, <TypingProbe id={conversationId} recorder={bobView} />);
    await Promise.all([waitForState(a, (s) => s.status === 'connected'), waitForState(b, (s) => s.status === 'connected')]);

    act(() => bobView.latest.notifyTyping());
    await waitFor(() => expect(aliceView.latest.typingUserIds).toEqual([bob.user.id]), WAIT);
    expect(bobView.latest.typingUserIds).toEqual([]); // never told about oneself
    act(() => bobView.latest.notifyTyping()); // within the throttle: nothing new on the wire
    act(() => bobView.latest.stopTyping());
    // Well within every expiry (server 5 s, local 6 s): only the `false` event can clear it this fast.
    await waitFor(() => expect(aliceView.latest.typingUserIds).toEqual([]), FAST);

    act(() => aliceView.latest.notifyTyping());
    await waitFor(() => expect(bobView.latest.typingUserIds).toEqual([alice.user.id]), WAIT);
    // Alice's connection closes: the server ends her indicator at once.
    a.disconnect();
    await waitFor(() => expect(bobView.latest.typingUserIds).toEqual([]), FAST);
  });
});

describe('usePresence', () => {
  it('asks for presence on connect, then follows presence_update both ways', async () => {
    const { alice, bob } = await h.api.directPair();
    const view = new Recorder<ReturnType<typeof usePresence>>();
    const a = client(alice.accessToken);
    renderWithClient(a, <PresenceProbe ids={[bob.user.id]} recorder={view} />);
    await waitFor(() => expect(view.latest[bob.user.id]).toMatchObject({ userId: bob.user.id, online: false }), WAIT);

    const b = client(bob.accessToken);
    await b.connect();
    await waitFor(() => expect(view.latest[bob.user.id]).toMatchObject({ online: true, deviceTypes: ['desktop'] }), WAIT);
    b.disconnect();
    await waitFor(() => expect(view.latest[bob.user.id]).toMatchObject({ online: false }), WAIT);
    expect(view.latest[bob.user.id]?.lastSeenAt).toEqual(expect.any(Number));
    expect(Object.keys(view.latest)).toEqual([bob.user.id]);
  });
});

describe('useNotifications', () => {
  it('shows live notifications once (also when the server replays them on reconnect) and marks them read', async () => {
    const alice = await h.api.register('Alice');
    const view = new Recorder<UseNotifications>();
    const a = client(alice.accessToken);
    renderWithClient(a, <NotificationsProbe recorder={view} />);
    await waitForState(a, (s) => s.status === 'connected');

    const post = async (title: string) => {
      const response = await h.api.request<{ notification: { id: string } }>('POST', '/api/v1/admin/notifications', {
        token: admin.accessToken,
        body: { title, audience: { kind: 'user', userId: alice.user.id } },
      });
      expect(response.status).toBe(201);
      return response.body.notification.id;
    };
    const first = await post('first');
    const second = await post('second');
    await waitFor(() => expect(view.latest.notifications.map((n) => n.title)).toEqual(['second', 'first']), WAIT);
    expect(view.latest.unreadCount).toBe(2);

    // A new connection gets every unread notification again: still two.
    a.disconnect();
    const replayed: string[] = [];
    const stop = a.on('system_notification', (frame) => {
      replayed.push(frame.data.id);
    });
    await a.connect();
    await waitFor(() => expect(replayed.sort()).toEqual([first, second].sort()), WAIT);
    stop();
    expect(view.latest.notifications).toHaveLength(2);

    await act(() => view.latest.markRead([first]));
    expect(view.latest.unreadCount).toBe(1);
    expect(view.latest.notifications.find((n) => n.id === first)?.read).toBe(true);
    await act(() => view.latest.markRead('all'));
    expect(view.latest.unreadCount).toBe(0);
    const unread = await h.api.request<{ notifications: unknown[] }>('GET', '/api/v1/notifications?unreadOnly=true', {
      token: alice.accessToken,
    });
    expect(unread.body.notifications).toEqual([]);
  });
});
