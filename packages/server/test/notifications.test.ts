/**
 * System notifications, direct pushes and offline delivery end to end, over real sockets and
 * HTTP, on SQLite and PostgreSQL: broadcast to everyone / a role / a conversation / a user,
 * replay of unread notifications on connect, read state, device and connection targeting, admin
 * checks, and which users the offline notifier is called for.
 * "X did not get it" is always proven with a marker: a later frame on the same socket, published
 * after X on the same bus, which X would have preceded.
 */

import type { AuthResponse, Notification, ServerFrame, ServerFrameOf } from '@herald/protocol';
import { ApiClient, postgresAvailable, startTestServer, type TestServer, TestSocket } from '@herald/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OfflineItem, OfflineNotifier } from '../src/notifications/offline-notifier.js';

const hasPostgres = await postgresAvailable();

interface OfflineCall {
  userId: string;
  item: OfflineItem;
}

/** An OfflineNotifier that records its calls and lets a test wait for them. */
class RecordingNotifier implements OfflineNotifier {
  readonly calls: OfflineCall[] = [];
  private readonly waiters = new Set<() => void>();

  notify(userId: string, item: OfflineItem): void {
    this.calls.push({ userId, item });
    for (const wake of this.waiters) wake();
  }

  /** Resolves with the matching calls once there are at least `count` of them. */
  async waitForCount(test: (call: OfflineCall) => boolean, count: number, timeoutMs = 10_000): Promise<OfflineCall[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const matching = this.calls.filter(test);
      if (matching.length >= count) return matching;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out: ${matching.length}/${count} offline notifier calls`);
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.waiters.add(wake);
      });
    }
  }
}

const itemId = (item: OfflineItem) => (item.kind === 'message' ? item.message.id : item.notification.id);

for (const database of ['sqlite', 'postgres'] as const) {
  describe.skipIf(database === 'postgres' && !hasPostgres)(`notifications on ${database}`, () => {
    let server: TestServer;
    let api: ApiClient;
    let admin: AuthResponse;
    const notifier = new RecordingNotifier();
    /** Every account on this server, and the ones with a session (sockets stay open until the end). */
    const everyone = new Set<string>();
    const withSession = new Set<string>();
    const sockets: TestSocket[] = [];

    async function register(name: string): Promise<AuthResponse> {
      const auth = await api.register(name);
      everyone.add(auth.user.id);
      return auth;
    }

    async function connect(auth: AuthResponse, deviceType: 'desktop' | 'mobile' | 'tablet' = 'desktop'): Promise<TestSocket> {
      const socket = await TestSocket.connect(server.wsUrl, auth.accessToken, deviceType);
      sockets.push(socket);
      withSession.add(auth.user.id);
      return socket;
    }

    async function broadcast(body: Record<string, unknown>, token = admin.accessToken): Promise<Notification> {
      const response = await api.request<{ notification: Notification }>('POST', '/api/v1/admin/notifications', { body, token });
      expect(response.status).toBe(201);
      return response.body.notification;
    }

    const notificationFrame = (id: string) => (f: ServerFrame) => f.action === 'system_notification' && f.data.id === id;

    /** Broadcast a marker to one user and wait for it on `socket`: every earlier frame for that socket has arrived. */
    async function settle(socket: TestSocket, userId: string): Promise<void> {
      const marker = await broadcast({ title: 'marker', audience: { kind: 'user', userId } });
      await socket.waitFor(notificationFrame(marker.id));
    }

    beforeAll(async () => {
      server = await startTestServer({ database, offlineNotifier: notifier });
      api = new ApiClient(server.url);
      admin = await register('Admin');
    });

    afterAll(async () => {
      for (const s of sockets) s.ws.terminate();
      await server.destroy();
    });

    it('a broadcast reaches every connected user; an offline user gets it on next connect, lists it, marks it read, and it is not replayed again', async () => {
      const [alice, bob, carol] = [await register('Alice'), await register('Bob'), await register('Carol')];
      const a = await connect(alice);
      const b = await connect(bob, 'mobile');

      const first = await broadcast({ level: 'warning', title: 'Maintenance', message: 'at 22:00' });
      expect(first).toMatchObject({ level: 'warning', title: 'Maintenance', message: 'at 22:00', audience: { kind: 'all' }, read: false });
      const second = await broadcast({ title: 'Back' });
      for (const socket of [a, b]) {
        const frame = await socket.waitFor(notificationFrame(first.id));
        expect(frame).toMatchObject({ type: 'system', data: first });
        await socket.waitFor(notificationFrame(second.id));
      }

      // Carol was offline: both arrive when she connects, oldest first.
      const c1 = await connect(carol);
      const replayed = (await c1.waitForCount((f) => f.action === 'system_notification', 2)) as ServerFrameOf<'system_notification'>[];
      expect(replayed.map((f) => f.data.id).sort()).toEqual([first.id, second.id].sort());
      const times = replayed.map((f) => f.data.createdAt);
      expect(times).toEqual([...times].sort((x, y) => x - y));

      const listed = await api.request<{ notifications: Notification[] }>('GET', '/api/v1/notifications?unreadOnly=true', {
        token: carol.accessToken,
      });
      expect(listed.status).toBe(200);
      expect(listed.body.notifications.map((n) => n.id).sort()).toEqual([first.id, second.id].sort());
      const listedTimes = listed.body.notifications.map((n) => n.createdAt);
      expect(listedTimes).toEqual([...listedTimes].sort((x, y) => y - x)); // newest first

      const byRest = await api.request('POST', '/api/v1/notifications/read', { body: { ids: [first.id] }, token: carol.accessToken });
      expect(byRest).toMatchObject({ status: 200, body: { updated: 1 } });
      expect(await c1.request({ action: 'notifications_read', type: 'control', data: { all: true } })).toEqual({ updated: 1 });
      expect(await c1.request({ action: 'notifications_read', type: 'control', data: { all: true } })).toEqual({ updated: 0 });

      const unread = await api.request<{ notifications: Notification[] }>('GET', '/api/v1/notifications?unreadOnly=true', {
        token: carol.accessToken,
      });
      expect(unread.body.notifications).toEqual([]);
      const all = await api.request<{ notifications: Notification[] }>('GET', '/api/v1/notifications?limit=10', {
        token: carol.accessToken,
      });
      expect(all.body.notifications.map((n) => [n.id, n.read]).sort()).toEqual(
        [
          [first.id, true],
          [second.id, true],
        ].sort(),
      );
      // Read state is per user: Bob's are still unread.
      const bobs = await api.request<{ notifications: Notification[] }>('GET', '/api/v1/notifications?unreadOnly=1', {
        token: bob.accessToken,
      });
      expect(bobs.body.notifications.map((n) => n.id).sort()).toEqual([first.id, second.id].sort());

      // Her next connect replays nothing already read.
      const c2 = await connect(carol);
      await settle(c2, carol.user.id);
      expect(c2.frames.filter((f) => f.action === 'system_notification' && f.data.title !== 'marker')).toEqual([]);

      // Caught up (the marker read too), a session of hers finds nothing to replay, and the node
      // remembers that; she goes offline, and what is published meanwhile is still replayed on her
      // next connect (that memory is forgotten at every broadcast).
      expect(await c2.request({ action: 'notifications_read', type: 'control', data: { all: true } })).toEqual({ updated: 1 });
      await Promise.all([c1.close(), c2.close()]);
      const c3 = await connect(carol);
      expect(await c3.request({ action: 'notifications_read', type: 'control', data: { all: true } })).toEqual({ updated: 0 });
      await c3.close();
      const third = await broadcast({ title: 'While you were away' });
      const c4 = await connect(carol);
      expect(await c4.waitFor(notificationFrame(third.id))).toMatchObject({ data: { id: third.id, read: false } });
    });

    it('a role audience reaches only users with that role', async () => {
      const [dave, erin] = [await register('Dave'), await register('Erin')];
      const promoted = await api.request('PUT', `/api/v1/users/${dave.user.id}/role`, { body: { role: 'ops' }, token: admin.accessToken });
      expect(promoted.status).toBe(200);
      const d = await connect(dave);
      const e = await connect(erin);
      const forOps = await broadcast({ level: 'error', title: 'Disk full', audience: { kind: 'role', role: 'ops' } });
      await d.waitFor(notificationFrame(forOps.id));
      await settle(e, erin.user.id);
      expect(e.frames.some(notificationFrame(forOps.id))).toBe(false);
      // Nor does it appear in Erin's list.
      const list = await api.request<{ notifications: Notification[] }>('GET', '/api/v1/notifications', { token: erin.accessToken });
      expect(list.body.notifications.map((n) => n.id)).not.toContain(forOps.id);
    });

    it("a conversation audience reaches only the conversation's members", async () => {
      const [fay, gus, hal] = [await register('Fay'), await register('Gus'), await register('Hal')];
      const conversationId = await api.conversation(fay.accessToken, { kind: 'group', title: 'team', memberIds: [gus.user.id] });
      const [f, g, h] = [await connect(fay), await connect(gus), await connect(hal)];
      const note = await broadcast({ title: 'Team news', audience: { kind: 'conversation', conversationId } });
      await f.waitFor(notificationFrame(note.id));
      await g.waitFor(notificationFrame(note.id));
      await settle(h, hal.user.id);
      expect(h.frames.some(notificationFrame(note.id))).toBe(false);

      const unknown = await api.request('POST', '/api/v1/admin/notifications', {
        body: { title: 'x', audience: { kind: 'conversation', conversationId: 'no-such-conversation' } },
        token: admin.accessToken,
      });
      expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    });

    it('a direct push reaches only the targeted device type, or only the targeted connection', async () => {
      const ivy = await register('Ivy');
      const desk = await connect(ivy, 'desktop');
      const phone = await connect(ivy, 'mobile');
      const push = (target: Record<string, unknown>, event: string, payload: unknown) =>
        api.request('POST', '/api/v1/admin/direct', {
          body: { target: { userId: ivy.user.id, ...target }, event, payload },
          token: admin.accessToken,
        });
      const directFrame = (event: string) => (f: ServerFrame) => f.action === 'direct_message' && f.data.event === event;

      expect(await push({ deviceType: 'mobile' }, 'order.shipped', { orderId: 7 })).toMatchObject({
        status: 202,
        body: { delivered: 'queued' },
      });
      const atPhone = await phone.waitFor(directFrame('order.shipped'));
      expect(atPhone).toMatchObject({ type: 'event', data: { event: 'order.shipped', payload: { orderId: 7 } } });
      await push({}, 'marker.one', null);
      await desk.waitFor(directFrame('marker.one'));
      expect(desk.frames.some(directFrame('order.shipped'))).toBe(false);

      const deskId = (desk.frames.find((fr) => fr.action === 'connected') as ServerFrameOf<'connected'>).data.connectionId;
      expect((await push({ connectionId: deskId }, 'tab.focus', 'x')).status).toBe(202);
      await desk.waitFor(directFrame('tab.focus'));
      await push({}, 'marker.two', null);
      await phone.waitFor(directFrame('marker.two'));
      expect(phone.frames.some(directFrame('tab.focus'))).toBe(false);

      const nobody = await api.request('POST', '/api/v1/admin/direct', {
        body: { target: { userId: 'no-such-user' }, event: 'x', payload: null },
        token: admin.accessToken,
      });
      expect(nobody.status).toBe(404);
    });

    it('admin routes refuse non-admins (403) and anonymous callers (401)', async () => {
      const jo = await register('Jo');
      const routes: Array<[string, string, unknown]> = [
        ['POST', '/api/v1/admin/notifications', { title: 'hi' }],
        ['POST', '/api/v1/admin/direct', { target: { userId: jo.user.id }, event: 'x' }],
      ];
      for (const [method, path, body] of routes) {
        expect(await api.request(method, path, { body, token: jo.accessToken })).toMatchObject({
          status: 403,
          body: { error: { code: 'forbidden' } },
        });
        expect((await api.request(method, path, { body })).status).toBe(401);
      }
      expect((await api.request('GET', '/api/v1/notifications')).status).toBe(401);
    });

    it('the offline notifier gets a message for exactly the members with no session, never its sender', async () => {
      // Kim sends over REST with no session of her own; Lou is online; Max is offline.
      const [kim, lou, max] = [await register('Kim'), await register('Lou'), await register('Max')];
      const conversationId = await api.conversation(kim.accessToken, {
        kind: 'group',
        title: 'trio',
        memberIds: [lou.user.id, max.user.id],
      });
      await connect(lou);
      const sent = await api.request<{ message: { id: string } }>('POST', `/api/v1/conversations/${conversationId}/messages`, {
        body: { text: 'are you there?' },
        token: kim.accessToken,
      });
      expect(sent.status).toBe(201);
      const id = sent.body.message.id;
      const [call] = await notifier.waitForCount((c) => itemId(c.item) === id, 1);
      expect(call).toMatchObject({ userId: max.user.id, item: { kind: 'message', message: { id, text: 'are you there?' } } });
      // Every call for one message is made in the same pass, so none can still be coming.
      expect(notifier.calls.filter((c) => itemId(c.item) === id).map((c) => c.userId)).toEqual([max.user.id]);
    });

    it('the offline notifier gets a notification to everyone for exactly the users with no session', async () => {
      await register('Ned'); // never connects
      const note = await broadcast({ title: 'Everyone' });
      const expected = [...everyone].filter((id) => !withSession.has(id)).sort();
      expect(expected.length).toBeGreaterThan(1);
      const calls = await notifier.waitForCount((c) => itemId(c.item) === note.id, expected.length);
      expect(calls.map((c) => c.userId).sort()).toEqual(expected);
      expect(calls.every((c) => c.item.kind === 'notification')).toBe(true);
    });
  });
}
