/**
 * Admin figures end to end: live `stats` frames every second to subscribed admin sockets (with a
 * message rate once messages flow), the same Stats over REST, who is online with which devices,
 * and every admin route and frame refused to ordinary users; on SQLite and PostgreSQL.
 */

import type { AuthResponse, OnlineUser, ServerFrame, ServerFrameOf, SessionInfo, Stats } from '@herald/protocol';
import { StatsSchema } from '@herald/protocol';
import { ApiClient, postgresAvailable, startTestServer, type TestServer, TestSocket } from '@herald/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const hasPostgres = await postgresAvailable();

const isStats = (f: ServerFrame): f is ServerFrameOf<'stats'> => f.action === 'stats';

for (const database of ['sqlite', 'postgres'] as const) {
  describe.skipIf(database === 'postgres' && !hasPostgres)(`admin stats on ${database}`, () => {
    let server: TestServer;
    let api: ApiClient;
    let admin: AuthResponse;
    let user: AuthResponse;
    const sockets: TestSocket[] = [];

    async function connect(auth: AuthResponse, deviceType: 'desktop' | 'mobile' | 'tablet' = 'desktop'): Promise<TestSocket> {
      const socket = await TestSocket.connect(server.wsUrl, auth.accessToken, deviceType);
      sockets.push(socket);
      return socket;
    }

    const subscribe = (socket: TestSocket) => socket.request({ action: 'stats_subscribe', type: 'control', data: {} });

    beforeAll(async () => {
      server = await startTestServer({ database, env: { HERALD_RATE_PER_SECOND: '1000', HERALD_RATE_BURST: '1000' } });
      api = new ApiClient(server.url);
      admin = await api.register('Admin'); // the first account on a server is its admin
      user = await api.register('User');
    });

    afterAll(async () => {
      for (const s of sockets) s.ws.terminate();
      await server.destroy();
    });

    it('pushes stats to a subscribed admin every second, with a message rate once messages flow', async () => {
      const watcher = await connect(admin);
      expect(await subscribe(watcher)).toEqual({ intervalMs: 1000 });
      const [first, second] = (await watcher.waitForCount(isStats, 2, 5000)) as ServerFrameOf<'stats'>[];
      expect(StatsSchema.parse(first!.data)).toEqual(first!.data);
      const gap = second!.data.at - first!.data.at;
      expect(gap).toBeGreaterThanOrEqual(700);
      expect(gap).toBeLessThanOrEqual(2000);
      const node = second!.data.nodes.find((n) => n.nodeId === server.server.config.nodeId);
      expect(node).toMatchObject({ connections: expect.any(Number), onlineUsers: expect.any(Number) });
      expect(node!.connections).toBeGreaterThanOrEqual(1);
      expect(node!.uptimeSeconds).toBeGreaterThan(0);
      expect(node!.rssBytes).toBeGreaterThan(0);
      expect(node!.heapUsedBytes).toBeGreaterThan(0);
      expect(second!.data.onlineUsers).toBeGreaterThanOrEqual(1);

      const conversationId = await api.conversation(admin.accessToken, { kind: 'direct', userId: user.user.id });
      const sender = await connect(admin);
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          sender.request({ action: 'send_message', type: 'text', data: { conversationId, text: `m${i}` } }),
        ),
      );
      const busy = (await watcher.waitForNext(
        (f) => isStats(f) && f.data.messagesPerSecond1s > 0 && f.data.messagesPerSecond1m > 0,
        5000,
      )) as ServerFrameOf<'stats'>;
      expect(busy.data.nodes[0]!.messagesPerSecond1m).toBe(busy.data.messagesPerSecond1m);
    });

    it('stops pushing after stats_unsubscribe', async () => {
      const [leaving, staying] = [await connect(admin), await connect(admin)];
      await Promise.all([subscribe(leaving), subscribe(staying)]);
      await leaving.waitFor(isStats, 5000);
      expect(await leaving.request({ action: 'stats_unsubscribe', type: 'control', data: {} })).toEqual({});
      const after = leaving.frames.length;
      // Two more ticks reach the socket that stayed; none reaches the one that left.
      const seen = staying.frames.filter(isStats).length;
      await staying.waitForCount(isStats, seen + 2, 5000);
      expect(leaving.frames.slice(after).filter(isStats)).toEqual([]);
    });

    it('serves the same figures, who is online and their devices over REST', async () => {
      const [desk, phone] = [await connect(user, 'desktop'), await connect(user, 'mobile')];
      const stats = await api.request<Stats>('GET', '/api/v1/admin/stats', { token: admin.accessToken });
      expect(stats.status).toBe(200);
      expect(StatsSchema.parse(stats.body)).toEqual(stats.body);
      expect(stats.body.nodes.map((n) => n.nodeId)).toEqual([server.server.config.nodeId]);
      expect(stats.body.connections).toBeGreaterThanOrEqual(2);

      const online = await api.request<{ users: OnlineUser[] }>('GET', '/api/v1/admin/users/online', { token: admin.accessToken });
      expect(online.status).toBe(200);
      const entry = online.body.users.find((u) => u.userId === user.user.id);
      expect(entry).toMatchObject({ name: 'User', role: 'user' });
      expect(entry!.sessions.map((s) => s.deviceType).sort()).toEqual(['desktop', 'mobile']);

      const sessions = await api.request<{ userId: string; sessions: SessionInfo[] }>(
        'GET',
        `/api/v1/admin/users/${user.user.id}/sessions`,
        {
          token: admin.accessToken,
        },
      );
      expect(sessions.status).toBe(200);
      const connected = [desk, phone].map((s) => s.frames.find((f) => f.action === 'connected') as ServerFrameOf<'connected'>);
      expect(sessions.body.sessions.map((s) => s.connectionId).sort()).toEqual(connected.map((c) => c.data.connectionId).sort());
      expect(sessions.body.sessions[0]).toMatchObject({
        nodeId: server.server.config.nodeId,
        deviceId: expect.any(String),
        deviceName: null,
        connectedAt: expect.any(Number),
      });

      await phone.close();
      // The server drops the closed session a moment after the client sees the close.
      for (let tries = 0; ; tries++) {
        const now = await api.request<{ sessions: SessionInfo[] }>('GET', `/api/v1/admin/users/${user.user.id}/sessions`, {
          token: admin.accessToken,
        });
        if (now.body.sessions.length === 1) {
          expect(now.body.sessions[0]!.deviceType).toBe('desktop');
          break;
        }
        if (tries > 100) throw new Error(`closed session still listed: ${JSON.stringify(now.body)}`);
      }
      const missing = await api.request<{ error: { code: string } }>('GET', '/api/v1/admin/users/no-such-user/sessions', {
        token: admin.accessToken,
      });
      expect([missing.status, missing.body.error.code]).toEqual([404, 'not_found']);
    });

    it('refuses every admin route and stats frame to ordinary users', async () => {
      for (const path of ['/api/v1/admin/stats', '/api/v1/admin/users/online', `/api/v1/admin/users/${admin.user.id}/sessions`]) {
        const refused = await api.request<{ error: { code: string } }>('GET', path, { token: user.accessToken });
        expect([path, refused.status, refused.body.error.code]).toEqual([path, 403, 'forbidden']);
        expect((await api.request('GET', path)).status).toBe(401);
      }
      const socket = await connect(user);
      await expect(subscribe(socket)).rejects.toMatchObject({ data: { code: 'forbidden' } });
      await expect(socket.request({ action: 'stats_unsubscribe', type: 'control', data: {} })).rejects.toMatchObject({
        data: { code: 'forbidden' },
      });
      // Refused means refused: no stats arrive while an admin's subscription shows ticks going by.
      const watcher = await connect(admin);
      await subscribe(watcher);
      await watcher.waitForCount(isStats, 2, 5000);
      expect(socket.frames.filter(isStats)).toEqual([]);
    });
  });
}
