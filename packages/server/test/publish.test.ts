/**
 * The server publish API end to end, on SQLite and PostgreSQL: API key lifecycle (create, list,
 * revoke), and `POST /api/v1/publish` for a message (the same path as a user's send: membership,
 * idempotency, seq, fan-out), a notification, and custom events; refused keys get 401. The key
 * used here has every scope and may post as any user; api-key-scopes.test.ts narrows them.
 */

import type { ApiKey, AuthResponse, Message, Notification, ServerFrame } from '@herald/protocol';
import { ApiClient, postgresAvailable, startTestServer, type TestServer, TestSocket } from '@herald/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const hasPostgres = await postgresAvailable();

for (const database of ['sqlite', 'postgres'] as const) {
  describe.skipIf(database === 'postgres' && !hasPostgres)(`publish API on ${database}`, () => {
    let server: TestServer;
    let api: ApiClient;
    let admin: AuthResponse;
    let key: string;
    const sockets: TestSocket[] = [];

    async function connect(auth: AuthResponse, deviceType: 'desktop' | 'mobile' | 'tablet' = 'desktop'): Promise<TestSocket> {
      const socket = await TestSocket.connect(server.wsUrl, auth.accessToken, deviceType);
      sockets.push(socket);
      return socket;
    }

    async function createKey(name: string): Promise<{ key: string; apiKey: ApiKey }> {
      const created = await api.request<{ key: string; apiKey: ApiKey }>('POST', '/api/v1/admin/api-keys', {
        body: { name, scopes: ['messages', 'notifications', 'events'], senderIds: ['*'] },
        token: admin.accessToken,
      });
      expect(created.status).toBe(201);
      return created.body;
    }

    const publish = <T = Record<string, unknown>>(body: unknown, headers: Record<string, string> = { authorization: `Bearer ${key}` }) =>
      api.request<T>('POST', '/api/v1/publish', { body, headers });

    beforeAll(async () => {
      server = await startTestServer({ database });
      api = new ApiClient(server.url);
      admin = await api.register('Admin');
      key = (await createKey('backend')).key;
    });

    afterAll(async () => {
      for (const s of sockets) s.ws.terminate();
      await server.destroy();
    });

    it('admins create, list and revoke keys; the plaintext is shown once and only a prefix is kept', async () => {
      const { key: plaintext, apiKey } = await createKey('billing');
      expect(plaintext).toMatch(/^hk_[A-Za-z0-9_-]{43}$/);
      expect(apiKey).toEqual({
        id: expect.any(String),
        name: 'billing',
        prefix: plaintext.slice(0, 11),
        scopes: ['messages', 'notifications', 'events'],
        conversationIds: null,
        senderIds: ['*'],
        expiresAt: null,
        createdBy: admin.user.id,
        createdAt: expect.any(Number),
        revokedAt: null,
        lastUsedAt: null,
      });
      const listed = await api.request<{ apiKeys: ApiKey[] }>('GET', '/api/v1/admin/api-keys', { token: admin.accessToken });
      expect(listed.status).toBe(200);
      expect(listed.body.apiKeys.find((k) => k.id === apiKey.id)).toMatchObject({ name: 'billing', prefix: apiKey.prefix });
      expect(JSON.stringify(listed.body)).not.toContain(plaintext);

      expect((await api.request('DELETE', `/api/v1/admin/api-keys/${apiKey.id}`, { token: admin.accessToken })).status).toBe(204);
      expect((await api.request('DELETE', `/api/v1/admin/api-keys/${apiKey.id}`, { token: admin.accessToken })).status).toBe(404);
      const after = await api.request<{ apiKeys: ApiKey[] }>('GET', '/api/v1/admin/api-keys', { token: admin.accessToken });
      expect(after.body.apiKeys.find((k) => k.id === apiKey.id)?.revokedAt).toEqual(expect.any(Number));
    });

    it('non-admins get 403 from the API key routes', async () => {
      const user = await api.register('User');
      for (const [method, path] of [
        ['POST', '/api/v1/admin/api-keys'],
        ['GET', '/api/v1/admin/api-keys'],
        ['DELETE', '/api/v1/admin/api-keys/whatever'],
      ] as const) {
        const response = await api.request(method, path, {
          token: user.accessToken,
          ...(method === 'POST' ? { body: { name: 'x', scopes: ['events'] } } : {}),
        });
        expect(response).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
      }
    });

    it('a message is sent as a member: right sender and seq, delivered to members, idempotent on clientId', async () => {
      const [alice, bob, carol] = [await api.register('Alice'), await api.register('Bob'), await api.register('Carol')];
      const conversationId = await api.conversation(alice.accessToken, { kind: 'direct', userId: bob.user.id });
      const a = await connect(alice);
      const b = await connect(bob);
      await a.request({ action: 'send_message', type: 'text', data: { conversationId, text: 'first, by hand' } });

      const body = { kind: 'message', senderId: alice.user.id, conversationId, clientId: 'order-42', text: 'Your order shipped' };
      const sent = await publish<{ message: Message; duplicate: boolean }>(body);
      expect(sent).toMatchObject({
        status: 201,
        body: { duplicate: false, message: { senderId: alice.user.id, seq: 2, text: 'Your order shipped' } },
      });
      for (const socket of [a, b]) {
        const frame = await socket.waitFor((f) => f.action === 'new_message' && f.data.id === sent.body.message.id);
        expect(frame).toMatchObject({ data: { seq: 2, senderId: alice.user.id }, sender: { id: alice.user.id, name: 'Alice' } });
      }

      // The same clientId through the other header form: the original, and nothing new on the wire.
      const again = await publish<{ message: Message; duplicate: boolean }>(body, { 'x-herald-key': key });
      expect(again).toMatchObject({ status: 200, body: { duplicate: true, message: { id: sent.body.message.id, seq: 2 } } });
      await b.request({ action: 'send_message', type: 'text', data: { conversationId, text: 'marker' } });
      await a.waitFor((f) => f.action === 'new_message' && f.data.seq === 3);
      expect(a.messages(conversationId).map((f) => f.data.seq)).toEqual([1, 2, 3]);

      const outsider = await publish({ ...body, senderId: carol.user.id, clientId: 'order-43' });
      expect(outsider).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
      expect((await publish({ kind: 'message', senderId: alice.user.id, conversationId, text: '  ' })).status).toBe(400);
    });

    it('a notification goes through the notification service: delivered live and listed', async () => {
      const dana = await api.register('Dana');
      const d = await connect(dana);
      const sent = await publish<{ notification: Notification }>({
        kind: 'notification',
        level: 'error',
        title: 'Payment failed',
        message: 'card declined',
        audience: { kind: 'user', userId: dana.user.id },
      });
      expect(sent).toMatchObject({ status: 201, body: { notification: { level: 'error', title: 'Payment failed', read: false } } });
      const frame = await d.waitFor((f) => f.action === 'system_notification' && f.data.id === sent.body.notification.id);
      expect(frame.data).toMatchObject({ message: 'card declined', audience: { kind: 'user', userId: dana.user.id } });
      const list = await api.request<{ notifications: Notification[] }>('GET', '/api/v1/notifications', { token: dana.accessToken });
      expect(list.body.notifications.map((n) => n.id)).toContain(sent.body.notification.id);
    });

    it("an event reaches a conversation's members, or one direct target", async () => {
      const [eve, finn, gil] = [await api.register('Eve'), await api.register('Finn'), await api.register('Gil')];
      const conversationId = await api.conversation(eve.accessToken, { kind: 'group', title: 'ops', memberIds: [finn.user.id] });
      const [e, f, g] = [await connect(eve), await connect(finn), await connect(gil, 'mobile')];
      const isEvent = (name: string) => (fr: ServerFrame) => fr.action === 'conversation_event' && fr.data.event === name;

      const toConversation = await publish({ kind: 'event', conversationId, event: 'build.finished', payload: { ok: true } });
      expect(toConversation).toMatchObject({ status: 202, body: { delivered: 'queued' } });
      for (const socket of [e, f]) {
        const frame = await socket.waitFor(isEvent('build.finished'));
        expect(frame).toMatchObject({ type: 'event', data: { conversationId, event: 'build.finished', payload: { ok: true } } });
      }

      const direct = await publish({ kind: 'event', target: { userId: gil.user.id, deviceType: 'mobile' }, event: 'ping', payload: 1 });
      expect(direct.status).toBe(202);
      await g.waitFor((fr) => fr.action === 'direct_message' && fr.data.event === 'ping' && fr.data.payload === 1);
      // Gil is not a member: the conversation event, published before the ping, never reached him.
      expect(g.frames.some(isEvent('build.finished'))).toBe(false);

      const both = await publish({ kind: 'event', conversationId, target: { userId: gil.user.id }, event: 'x' });
      expect(both).toMatchObject({ status: 400, body: { error: { code: 'bad_request' } } });
      expect((await publish({ kind: 'event', conversationId: 'no-such-conversation', event: 'x' })).status).toBe(404);
    });

    it('a missing, unknown or revoked key, or a user token, gets 401', async () => {
      const event = { kind: 'event', target: { userId: admin.user.id }, event: 'x' };
      const expect401 = async (headers: Record<string, string>) =>
        expect(await publish(event, headers)).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
      await expect401({});
      await expect401({ authorization: 'Bearer hk_not-a-real-key' });
      await expect401({ 'x-herald-key': 'hk_not-a-real-key' });
      await expect401({ authorization: `Bearer ${admin.accessToken}` });

      const { key: doomed, apiKey } = await createKey('doomed');
      expect((await publish(event, { authorization: `Bearer ${doomed}` })).status).toBe(202);
      expect((await api.request('DELETE', `/api/v1/admin/api-keys/${apiKey.id}`, { token: admin.accessToken })).status).toBe(204);
      await expect401({ authorization: `Bearer ${doomed}` });
      await expect401({ 'x-herald-key': doomed });
    });
  });
}
