/**
 * Web Push end to end: a real server (SQLite and PostgreSQL) pushes to a local push service on
 * 127.0.0.1 (testkit's LocalPushService), which decrypts every payload with the subscription keys
 * it generated. Covers: the routes and their input checks (SSRF: only push-service hosts, loopback
 * http only because this server allows it), one push per burst for an offline member and none for
 * an online one (nor one who is only reloading), mute (nothing unless mentioned), 410 deleting the
 * subscription, 500 retried, and message delivery carrying on while the push service hangs.
 * "No push" is always proven by a later push that carries its own seq and count: had the earlier
 * one been pushed, the service would have received it first, or it would be counted in this one.
 */

import type { AuthResponse, PushPayload, ServerFrame } from '@herald/protocol';
import {
  ApiClient,
  LocalPushService,
  postgresAvailable,
  type ReceivedPush,
  startTestServer,
  type TestPushSubscription,
  type TestServer,
  TestSocket,
} from '@herald/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const hasPostgres = await postgresAvailable();
const GRACE_MS = 600;
const COLLAPSE_MS = 300;

const payloadOf = (push: ReceivedPush) => push.payload as PushPayload;

for (const database of ['sqlite', 'postgres'] as const) {
  describe.skipIf(database === 'postgres' && !hasPostgres)(`web push on ${database}`, () => {
    let server: TestServer;
    let api: ApiClient;
    let pushService: LocalPushService;
    const sockets: TestSocket[] = [];

    beforeAll(async () => {
      pushService = await LocalPushService.start();
      server = await startTestServer({
        database,
        env: {
          HERALD_PUSH_ALLOW_INSECURE_ENDPOINTS: 'true',
          HERALD_PUSH_COLLAPSE_MS: String(COLLAPSE_MS),
          HERALD_PUSH_TIMEOUT_MS: '400',
          HERALD_PRESENCE_GRACE_MS: String(GRACE_MS),
          HERALD_RATE_PER_SECOND: '1000',
          HERALD_RATE_BURST: '1000',
        },
        configure: (config) => ({ ...config, push: { ...config.push, retryBaseMs: 50, retryMaxMs: 200 } }),
      });
      api = new ApiClient(server.url);
    });

    afterAll(async () => {
      for (const s of sockets) s.ws.terminate();
      await server?.destroy();
      await pushService?.close();
    });

    async function connect(auth: AuthResponse): Promise<TestSocket> {
      const socket = await TestSocket.connect(server.wsUrl, auth.accessToken);
      sockets.push(socket);
      return socket;
    }

    async function subscribe(
      auth: AuthResponse,
      options: { preview?: boolean } = {},
    ): Promise<TestPushSubscription & { serverId: string }> {
      const device = pushService.subscribe();
      const response = await api.request<{ subscription: { id: string } }>('POST', '/api/v1/push/subscriptions', {
        token: auth.accessToken,
        body: { endpoint: device.endpoint, keys: device.keys, ...options },
        headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36' },
      });
      expect(response.status).toBe(201);
      return { ...device, serverId: response.body.subscription.id };
    }

    /** Send texts one after another over REST; returns their seqs. */
    async function send(auth: AuthResponse, conversationId: string, ...texts: string[]): Promise<number[]> {
      const seqs: number[] = [];
      for (const text of texts) {
        const { message } = await api.rest.conversations.send({ params: { id: conversationId }, body: { text }, token: auth.accessToken });
        seqs.push(message.seq);
      }
      return seqs;
    }

    /** Wait until `asker` sees `userId` offline (the presence grace has passed). */
    async function waitOffline(asker: AuthResponse, userId: string): Promise<void> {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const { presence } = await api.rest.presence.get({ query: { userIds: userId }, token: asker.accessToken });
        if (presence[0]?.online === false) return;
        if (Date.now() > deadline) throw new Error('still online');
        await new Promise((resolve) => setTimeout(resolve, 50)); // polling a condition, not a fixed wait
      }
    }

    it('serves the VAPID key; stores, updates, lists and removes a device subscription; refuses endpoints it must not POST to', async () => {
      const [alice, bob] = [await api.register('Alice'), await api.register('Bob')];
      const key = await api.request<{ publicKey: string }>('GET', '/api/v1/push/vapid-key', { token: alice.accessToken });
      expect(key.status).toBe(200);
      expect(Buffer.from(key.body.publicKey, 'base64url')).toHaveLength(65); // an uncompressed P-256 point
      expect((await api.request('GET', '/api/v1/push/vapid-key')).status).toBe(401);

      const device = await subscribe(alice);
      const again = await api.request<{ subscription: { id: string; preview: boolean; label: string } }>(
        'POST',
        '/api/v1/push/subscriptions',
        {
          token: alice.accessToken,
          body: { endpoint: device.endpoint, keys: device.keys, preview: false, label: 'Work laptop' },
        },
      );
      expect(again).toMatchObject({ status: 200, body: { subscription: { id: device.serverId, preview: false, label: 'Work laptop' } } });
      const listed = await api.request<{ subscriptions: Record<string, unknown>[] }>('GET', '/api/v1/push/subscriptions', {
        token: alice.accessToken,
      });
      expect(listed.body.subscriptions).toHaveLength(1);
      expect(listed.body.subscriptions[0]).not.toHaveProperty('keys'); // never sent back
      expect((await api.request('GET', '/api/v1/push/subscriptions', { token: bob.accessToken })).body).toEqual({ subscriptions: [] });

      const refuse = async (endpoint: string, keys = device.keys) => {
        const response = await api.request<{ error: { code: string } }>('POST', '/api/v1/push/subscriptions', {
          token: bob.accessToken,
          body: { endpoint, keys },
        });
        expect(response.status, endpoint).toBe(400);
        expect(response.body.error.code).toBe('bad_request');
      };
      await refuse('https://evil.example/push'); // not a push service
      await refuse('https://fcm.googleapis.com.evil.example/x'); // a suffix trick
      await refuse('http://10.0.0.1/push'); // internal, and http
      await refuse('http://169.254.169.254/latest/meta-data'); // cloud metadata
      await refuse('https://fcm.googleapis.com:8443/x'); // another port
      await refuse('https://user:pw@fcm.googleapis.com/x');
      await refuse('file:///etc/passwd');
      await refuse('not a url');
      await refuse(device.endpoint, { p256dh: 'short', auth: device.keys.auth });
      await refuse(device.endpoint, { p256dh: device.keys.p256dh, auth: 'bad key!' });
      const ok = await api.request('POST', '/api/v1/push/subscriptions', {
        token: bob.accessToken,
        body: { endpoint: 'https://fcm.googleapis.com/fcm/send/abc', keys: device.keys },
      });
      expect(ok.status).toBe(201);

      // Only the owner removes one.
      expect((await api.request('DELETE', `/api/v1/push/subscriptions/${device.serverId}`, { token: bob.accessToken })).status).toBe(404);
      expect((await api.request('DELETE', `/api/v1/push/subscriptions/${device.serverId}`, { token: alice.accessToken })).status).toBe(204);
      expect((await api.request('DELETE', `/api/v1/push/subscriptions/${device.serverId}`, { token: alice.accessToken })).status).toBe(404);
      expect((await api.request('GET', '/api/v1/push/subscriptions', { token: alice.accessToken })).body).toEqual({ subscriptions: [] });
    });

    it('an offline member gets exactly one decryptable push per burst (with Topic and tag), carrying the newest message', async () => {
      const { alice, bob, conversationId } = await api.directPair();
      const device = await subscribe(bob);
      const seqs = await send(alice, conversationId, 'one', 'two', 'three', 'four', 'the newest of five');
      const [push] = await pushService.waitFor((p) => p.subscriptionId === device.id);
      expect(push?.status).toBe(201);
      expect(payloadOf(push as ReceivedPush)).toEqual({
        conversationId,
        title: 'Alice',
        body: 'the newest of five',
        seq: seqs[4],
        count: 5, // all five in this one push: no other push can have carried any of them
        url: `/chat/${conversationId}`,
        tag: `herald:${conversationId}`,
        preview: true,
      });
      expect(push?.headers.topic).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
      expect(push?.headers['content-encoding']).toBe('aes128gcm');
      expect(push?.headers.authorization).toMatch(/^vapid t=[\w-]+\.[\w-]+\.[\w-]+, k=[\w-]+$/);

      // The next burst: one more push, the same topic (it replaces the first at the push service).
      const [later] = await send(alice, conversationId, 'a later one');
      const pushes = await pushService.waitFor((p) => p.subscriptionId === device.id, 2);
      expect(pushes).toHaveLength(2);
      expect(payloadOf(pushes[1] as ReceivedPush)).toMatchObject({ seq: later, count: 1, body: 'a later one' });
      expect(pushes[1]?.headers.topic).toBe(push?.headers.topic);
    });

    it('private previews: the payload names neither sender nor content', async () => {
      const { alice, bob, conversationId } = await api.directPair();
      const device = await subscribe(bob, { preview: false });
      await send(alice, conversationId, 'secret plans');
      const [push] = await pushService.waitFor((p) => p.subscriptionId === device.id);
      expect(payloadOf(push as ReceivedPush)).toMatchObject({ title: 'Herald', body: '', preview: false, conversationId });
      expect(push?.text).not.toContain('secret');
      expect(push?.text).not.toContain('Alice');
    });

    it('no push for an online member, nor for one who is reloading (within the presence grace); one once they are really gone', async () => {
      const { alice, bob, conversationId } = await api.directPair();
      const device = await subscribe(bob);
      const bobSocket = await connect(bob);
      await send(alice, conversationId, 'while online');
      await bobSocket.waitFor((f: ServerFrame) => f.action === 'new_message' && f.data.text === 'while online');

      // A reload: the socket closes and a new one opens within the grace period.
      bobSocket.ws.close();
      await send(alice, conversationId, 'during the reload');
      const reloaded = await connect(bob);
      reloaded.ws.close();
      await waitOffline(alice, bob.user.id);

      const [gone] = await send(alice, conversationId, 'now really offline');
      const [push] = await pushService.waitFor((p) => p.subscriptionId === device.id);
      expect(payloadOf(push as ReceivedPush)).toMatchObject({ seq: gone, count: 1 });
      expect(pushService.pushesFor(device.id)).toHaveLength(1);
    });

    it('mute is per member and server side: listed, announced to their sessions, and no push unless mentioned', async () => {
      const [alice, bob, dave] = [await api.register('Alice'), await api.register('Bob'), await api.register('Dave')];
      const groupId = await api.conversation(alice.accessToken, { kind: 'group', title: 'Team', memberIds: [bob.user.id, dave.user.id] });
      const device = await subscribe(dave);
      const bobSocket = await connect(bob);

      const muted = await api.request('PUT', `/api/v1/conversations/${groupId}/mute`, { token: bob.accessToken, body: { muted: true } });
      expect(muted).toEqual({ status: 200, body: { conversationId: groupId, muted: true } });
      await bobSocket.waitFor((f) => f.action === 'conversation_muted' && f.data.conversationId === groupId && f.data.muted);
      const viewOf = async (auth: AuthResponse) =>
        (await api.rest.conversations.get({ params: { id: groupId }, token: auth.accessToken })).conversation;
      expect((await viewOf(bob)).muted).toBe(true);
      expect((await viewOf(alice)).muted).toBe(false); // someone else's mute is theirs alone
      const { conversations } = await api.rest.conversations.list({ query: {}, token: bob.accessToken });
      expect(conversations.find((c) => c.id === groupId)?.muted).toBe(true);

      const stranger = await api.register('Stranger');
      const refused = await api.request<{ error: { code: string } }>('PUT', `/api/v1/conversations/${groupId}/mute`, {
        token: stranger.accessToken,
        body: { muted: true },
      });
      expect(refused.status).toBe(403);
      expect(
        (await api.request('PUT', `/api/v1/conversations/${groupId}/mute`, { token: bob.accessToken, body: { muted: 'yes' } })).status,
      ).toBe(400);

      // Dave mutes (he is offline): a plain message brings nothing, a mention of him does. Erin (not
      // muted) is the marker: her push for the plain message means its window has closed for Dave too.
      const erin = await api.register('Erin');
      await api.rest.conversations.addMembers({ params: { id: groupId }, body: { userIds: [erin.user.id] }, token: alice.accessToken });
      const erinDevice = await subscribe(erin);
      await api.request('PUT', `/api/v1/conversations/${groupId}/mute`, { token: dave.accessToken, body: { muted: true } });
      const [chatter] = await send(alice, groupId, 'plain chatter');
      await pushService.waitFor((p) => p.subscriptionId === erinDevice.id && payloadOf(p).seq === chatter);
      const [mention] = await send(alice, groupId, 'hey @Dave look');
      const [push] = await pushService.waitFor((p) => p.subscriptionId === device.id);
      expect(payloadOf(push as ReceivedPush)).toMatchObject({ seq: mention, count: 1, title: 'Alice · Team', body: 'hey @Dave look' });
      expect(pushService.pushesFor(device.id)).toHaveLength(1);

      // Unmuted again: plain messages push again.
      await api.request('PUT', `/api/v1/conversations/${groupId}/mute`, { token: dave.accessToken, body: { muted: false } });
      const [plain] = await send(alice, groupId, 'plain again');
      const pushes = await pushService.waitFor((p) => p.subscriptionId === device.id, 2);
      expect(payloadOf(pushes[1] as ReceivedPush)).toMatchObject({ seq: plain, count: 1 });
    });

    it('a subscription the push service answers 410 for is deleted; one answered 500 is retried and delivered once', async () => {
      const { alice, bob, conversationId } = await api.directPair();
      const expired = await subscribe(bob);
      const flaky = await subscribe(bob);
      pushService.answer(expired.id, 410);
      pushService.answer(flaky.id, 500);
      const [seq] = await send(alice, conversationId, 'hello');

      await pushService.waitFor((p) => p.subscriptionId === expired.id && p.status === 410);
      const delivered = await pushService.waitFor((p) => p.subscriptionId === flaky.id, 2);
      expect(delivered.map((p) => p.status)).toEqual([500, 201]);
      expect(payloadOf(delivered[1] as ReceivedPush)).toMatchObject({ seq, body: 'hello' });
      const deadline = Date.now() + 5000;
      for (;;) {
        const { body } = await api.request<{ subscriptions: { id: string }[] }>('GET', '/api/v1/push/subscriptions', {
          token: bob.accessToken,
        });
        if (body.subscriptions.every((s) => s.id !== expired.serverId)) {
          expect(body.subscriptions.map((s) => s.id)).toEqual([flaky.serverId]);
          break;
        }
        if (Date.now() > deadline) throw new Error('the expired subscription is still listed');
        await new Promise((resolve) => setTimeout(resolve, 50)); // polling a condition
      }

      // The next burst reaches only the live one.
      const [next] = await send(alice, conversationId, 'next');
      await pushService.waitFor((p) => p.subscriptionId === flaky.id && payloadOf(p).seq === next);
      expect(pushService.pushesFor(expired.id)).toHaveLength(1);
      expect(pushService.pushesFor(flaky.id)).toHaveLength(3);
    });

    it('message delivery carries on while the push service hangs; the hung push times out and is retried', async () => {
      const [alice, bob, carol] = [await api.register('Alice'), await api.register('Bob'), await api.register('Carol')];
      const groupId = await api.conversation(alice.accessToken, { kind: 'group', title: 'Hang', memberIds: [bob.user.id, carol.user.id] });
      const device = await subscribe(bob);
      pushService.answer(device.id, 'hang');
      const carolSocket = await connect(carol);
      const [first] = await send(alice, groupId, 'first');
      await pushService.waitFor((p) => p.subscriptionId === device.id); // now hanging

      const started = Date.now();
      const seqs = await send(alice, groupId, 'second', 'third');
      await carolSocket.waitFor((f) => f.action === 'new_message' && f.data.seq === seqs[1]);
      expect(Date.now() - started).toBeLessThan(2000);

      // The hung request timed out (400 ms) and was retried; the later burst came through too.
      const pushes = await pushService.waitFor((p) => p.subscriptionId === device.id && p.status === 201, 2);
      expect(pushes.map((p) => payloadOf(p).seq).sort((a, b) => a - b)).toEqual([first, seqs[1]]);
    });
  });
}
