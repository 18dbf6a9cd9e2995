/**
 * Privacy end to end (issue 19), over real HTTP and sockets on SQLite and PostgreSQL, and on a
 * two-node PostgreSQL + Redis cluster: user search shows non-admins names and avatars only and
 * finds emails only when typed in full; presence is answered and pushed only between users who
 * share a conversation; a block closes direct conversations both ways and keeps the blocked user
 * from adding the blocker to groups, on every node, until it is lifted.
 */
import { randomUUID } from 'node:crypto';
import type { AuthResponse, Presence, ServerFrame } from '@herald/protocol';
import {
  ApiClient,
  PG_URL,
  postgresAvailable,
  REDIS_URL,
  redisAvailable,
  startTestServer,
  type TestServer,
  TestSocket,
} from '@herald/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const hasPostgres = await postgresAvailable();
const clusterReady = hasPostgres && (await redisAvailable());
const GRACE_MS = 300;

type ErrorBody = { error: { code: string } };

const isPresence = (userId: string, online: boolean) => (f: ServerFrame) =>
  f.action === 'presence_update' && f.data.userId === userId && f.data.online === online;

/** A name no other test user has, so a search for it finds one person. */
const uniqueName = (prefix: string) => `${prefix}${randomUUID().slice(0, 8)}`;

const sendFrame = (conversationId: string, text: string) => ({
  action: 'send_message' as const,
  type: 'text' as const,
  data: { conversationId, text },
});

/** Everything the server queued for this socket before now has arrived. */
async function flush(socket: TestSocket): Promise<void> {
  const id = socket.sendFrame({ action: 'heartbeat', type: 'heartbeat', data: {} });
  await socket.waitFor((f) => f.action === 'heartbeat' && f.data.ref === id);
}

for (const database of ['sqlite', 'postgres'] as const) {
  describe.skipIf(database === 'postgres' && !hasPostgres)(`privacy on ${database}`, () => {
    let server: TestServer;
    let api: ApiClient;
    let admin: AuthResponse;
    const sockets: TestSocket[] = [];

    const connect = async (auth: AuthResponse) => {
      const socket = await TestSocket.connect(server.wsUrl, auth.accessToken);
      sockets.push(socket);
      return socket;
    };
    const search = (token: string, query: string) =>
      api.request<{ users: Record<string, unknown>[] }>('GET', `/api/v1/users?query=${encodeURIComponent(query)}`, { token });
    const restSend = (token: string, conversationId: string, text: string) =>
      api.request<ErrorBody>('POST', `/api/v1/conversations/${conversationId}/messages`, { body: { text }, token });
    const createConversation = (token: string, body: unknown) =>
      api.request<ErrorBody & { conversation: { id: string } }>('POST', '/api/v1/conversations', { body, token });
    const addMembers = (token: string, conversationId: string, userIds: string[]) =>
      api.request<ErrorBody>('POST', `/api/v1/conversations/${conversationId}/members`, { body: { userIds }, token });
    const block = (token: string, userId: string) => api.request<ErrorBody>('PUT', `/api/v1/users/${userId}/block`, { token });
    const unblock = (token: string, userId: string) => api.request<ErrorBody>('DELETE', `/api/v1/users/${userId}/block`, { token });
    const blockedBy = async (token: string) =>
      (await api.request<{ users: unknown[] }>('GET', '/api/v1/users/blocked', { token })).body.users;
    const presenceOver = (token: string, userIds: string[]) =>
      api.request<{ presence: Presence[] }>('GET', `/api/v1/presence?userIds=${userIds.join(',')}`, { token });
    const presenceQuery = async (socket: TestSocket, userIds: string[]) =>
      ((await socket.request({ action: 'presence_query', type: 'control', data: { userIds } })) as { presence: Presence[] }).presence;

    beforeAll(async () => {
      server = await startTestServer({
        database,
        env: { HERALD_RATE_PER_SECOND: '1000', HERALD_RATE_BURST: '1000', HERALD_PRESENCE_GRACE_MS: String(GRACE_MS) },
      });
      api = new ApiClient(server.url);
      admin = await api.register('Admin'); // the first account is the admin
      expect(admin.user.role).toBe('admin');
    });

    afterAll(async () => {
      for (const s of sockets) s.ws.terminate();
      await server.destroy();
    });

    describe('user search', () => {
      it('shows a non-admin only id, name and avatar, and finds an email only when typed in full', async () => {
        const name = uniqueName('Zelda');
        const [zelda, bob] = [await api.register(name), await api.register('Bob')];
        const summary = { id: zelda.user.id, name, avatar: null };

        const byName = await search(bob.accessToken, name.slice(2).toUpperCase());
        expect(byName.status).toBe(200);
        expect(byName.body.users).toEqual([summary]); // exactly these keys: no email, no role, no createdAt
        expect(JSON.stringify(byName.body)).not.toContain('@');

        // Parts of an email find nobody: no enumeration of addresses.
        const email = zelda.user.email;
        for (const part of [email.slice(0, -2), email.split('@')[0] ?? '', `@${email.split('@')[1]}`, email.slice(1)]) {
          expect((await search(bob.accessToken, part)).body.users, part).toEqual([]);
        }
        // The whole email (any case) finds its owner, as a summary.
        expect((await search(bob.accessToken, email.toUpperCase())).body.users).toEqual([summary]);
        expect((await search(bob.accessToken, ` ${email} `)).body.users).toEqual([summary]);
      });

      it('shows an admin emails and roles, and matches part of an email', async () => {
        const name = uniqueName('Yusuf');
        const yusuf = await api.register(name);
        const byEmailPart = await search(admin.accessToken, yusuf.user.email.slice(0, -3));
        expect(byEmailPart.body.users).toEqual([
          {
            id: yusuf.user.id,
            name,
            avatar: null,
            email: yusuf.user.email,
            role: 'user',
            createdAt: yusuf.user.createdAt,
            disabled: false,
          },
        ]);
      });

      it('tells an admin, and only an admin, that an account is disabled', async () => {
        const name = uniqueName('Xena');
        const [xena, bob] = [await api.register(name), await api.register('Bob')];
        const adminSees = async () => (await search(admin.accessToken, name)).body.users;
        expect(await adminSees()).toEqual([expect.objectContaining({ id: xena.user.id, disabled: false })]);

        const disabled = await api.request('POST', `/api/v1/admin/users/${xena.user.id}/disable`, { token: admin.accessToken });
        expect(disabled.status).toBe(200);
        expect(await adminSees()).toEqual([expect.objectContaining({ id: xena.user.id, disabled: true })]);
        // Anyone else sees the same summary as before: no `disabled` key at all.
        const summary = { id: xena.user.id, name, avatar: null };
        expect((await search(bob.accessToken, name)).body.users).toEqual([summary]);
        expect((await search(bob.accessToken, xena.user.email)).body.users).toEqual([summary]);

        const enabled = await api.request('POST', `/api/v1/admin/users/${xena.user.id}/enable`, { token: admin.accessToken });
        expect(enabled.status).toBe(200);
        expect(await adminSees()).toEqual([expect.objectContaining({ id: xena.user.id, disabled: false })]);
      });
    });

    describe('presence', () => {
      it('answers only for the asker and users who share a conversation, over REST and the socket', async () => {
        const [alice, bob, stranger] = [await api.register('Alice'), await api.register('Bob'), await api.register('Stranger')];
        await api.conversation(alice.accessToken, { kind: 'direct', userId: bob.user.id });
        const [a, b, s] = [await connect(alice), await connect(bob), await connect(stranger)];
        const asked = [alice.user.id, bob.user.id, stranger.user.id];

        // The stranger is online but left out of the answer altogether (not reported offline).
        const ids = (presence: Presence[]) => presence.map((p) => [p.userId, p.online]);
        expect(ids(await presenceQuery(a, asked))).toEqual([
          [alice.user.id, true],
          [bob.user.id, true],
        ]);
        expect(ids((await presenceOver(alice.accessToken, asked)).body.presence)).toEqual([
          [alice.user.id, true],
          [bob.user.id, true],
        ]);
        expect(await presenceQuery(s, [alice.user.id, bob.user.id])).toEqual([]);
        const rest = await presenceOver(stranger.accessToken, [alice.user.id, bob.user.id]);
        expect([rest.status, rest.body.presence]).toEqual([200, []]);
        expect(ids(await presenceQuery(s, [stranger.user.id]))).toEqual([[stranger.user.id, true]]);

        // Once they share a conversation, the stranger is a contact.
        await api.conversation(stranger.accessToken, { kind: 'group', title: 'met', memberIds: [alice.user.id] });
        expect(ids(await presenceQuery(s, [alice.user.id, bob.user.id]))).toEqual([[alice.user.id, true]]);
        await b.close();
      });

      it('pushes presence changes to contacts only', async () => {
        const [alice, bob, stranger] = [await api.register('Alice'), await api.register('Bob'), await api.register('Stranger')];
        await api.conversation(alice.accessToken, { kind: 'direct', userId: bob.user.id });
        const [b, s] = [await connect(bob), await connect(stranger)];

        const a = await connect(alice);
        await b.waitFor(isPresence(alice.user.id, true));
        await a.close();
        await b.waitFor(isPresence(alice.user.id, false), GRACE_MS + 5000);
        // The fan-out that reached Bob reached every socket it was going to: the stranger got neither.
        await flush(s);
        expect(s.frames.filter((f) => f.action === 'presence_update')).toEqual([]);
      });
    });

    describe('blocking', () => {
      it('closes the direct conversation both ways, over the socket, REST and the publish API, until unblocked', async () => {
        const { alice, bob, conversationId } = await api.directPair();
        const [a, b] = [await connect(alice), await connect(bob)];
        await b.request(sendFrame(conversationId, 'before'));

        expect((await block(alice.accessToken, bob.user.id)).status).toBe(204);
        expect((await block(alice.accessToken, bob.user.id)).status).toBe(204); // idempotent
        expect(await blockedBy(alice.accessToken)).toEqual([{ id: bob.user.id, name: 'Bob', avatar: null }]);
        expect(await blockedBy(bob.accessToken)).toEqual([]);

        // The blocked user cannot write, nor can the blocker (blocking is symmetric in a direct conversation).
        await expect(b.request(sendFrame(conversationId, 'over the socket'))).rejects.toMatchObject({ data: { code: 'forbidden' } });
        await expect(a.request(sendFrame(conversationId, 'from the blocker'))).rejects.toMatchObject({ data: { code: 'forbidden' } });
        const overRest = await restSend(bob.accessToken, conversationId, 'over REST');
        expect([overRest.status, overRest.body.error.code]).toEqual([403, 'forbidden']);

        // The publish API goes through the same send path.
        const created = await api.request<{ key: string }>('POST', '/api/v1/admin/api-keys', {
          body: { name: 'privacy', scopes: ['messages'], senderIds: ['*'] },
          token: admin.accessToken,
        });
        expect(created.status).toBe(201);
        const published = await api.request<ErrorBody>('POST', '/api/v1/publish', {
          body: { kind: 'message', senderId: bob.user.id, conversationId, text: 'as a service', clientId: randomUUID() },
          headers: { authorization: `Bearer ${created.body.key}` },
        });
        expect([published.status, published.body.error?.code]).toEqual([403, 'forbidden']);

        // Neither can open (or reopen) the direct conversation.
        const reopened = await createConversation(bob.accessToken, { kind: 'direct', userId: alice.user.id });
        expect([reopened.status, reopened.body.error.code]).toEqual([403, 'forbidden']);
        expect((await createConversation(alice.accessToken, { kind: 'direct', userId: bob.user.id })).status).toBe(403);

        // No "typing…" into the closed conversation, and reading it tells the other person nothing.
        const typingId = b.sendFrame({ action: 'typing_status', type: 'typing', data: { conversationId, isTyping: true } });
        const typingRefused = await b.waitFor((f) => f.action === 'error' && f.data.ref === typingId);
        expect(typingRefused.data).toMatchObject({ code: 'forbidden' });
        const readsBefore = b.frames.filter((f) => f.action === 'read_status').length;
        await a.request({ action: 'mark_read', type: 'read', data: { conversationId, seq: 1 } });
        await a.waitFor((f) => f.action === 'read_status' && f.data.userId === alice.user.id); // the reader's own devices still sync
        await flush(b);
        expect(b.frames.filter((f) => f.action === 'read_status').length).toBe(readsBefore);
        expect(a.frames.some((f) => f.action === 'typing_status' && f.data.userId === bob.user.id && f.data.isTyping)).toBe(false);

        // The history stays readable, and nothing sent while blocked was stored.
        const history = await api.rest.conversations.history({ params: { id: conversationId }, query: {}, token: alice.accessToken });
        expect(history.messages.map((m) => m.text)).toEqual(['before']);

        expect((await unblock(alice.accessToken, bob.user.id)).status).toBe(204);
        expect((await unblock(alice.accessToken, bob.user.id)).status).toBe(204); // idempotent
        await b.request(sendFrame(conversationId, 'socket again'));
        expect((await restSend(bob.accessToken, conversationId, 'REST again')).status).toBe(201);
        await a.request(sendFrame(conversationId, 'blocker again'));
        expect((await createConversation(bob.accessToken, { kind: 'direct', userId: alice.user.id })).body.conversation.id).toBe(
          conversationId,
        );
        expect(await blockedBy(alice.accessToken)).toEqual([]);
      });

      it('keeps the blocked user from adding the blocker to a group, new or existing; groups are not closed', async () => {
        const [alice, bob, carol] = [await api.register('Alice'), await api.register('Bob'), await api.register('Carol')];
        const pairGroup = await api.conversation(alice.accessToken, { kind: 'group', title: 'two of us', memberIds: [bob.user.id] });
        expect((await block(alice.accessToken, bob.user.id)).status).toBe(204);

        const withBlocker = await createConversation(bob.accessToken, {
          kind: 'group',
          title: 'x',
          memberIds: [carol.user.id, alice.user.id],
        });
        expect([withBlocker.status, withBlocker.body.error.code]).toEqual([403, 'forbidden']);
        const bobsGroup = await api.conversation(bob.accessToken, { kind: 'group', title: 'bob', memberIds: [carol.user.id] });
        const added = await addMembers(bob.accessToken, bobsGroup, [alice.user.id]);
        expect([added.status, added.body.error.code]).toEqual([403, 'forbidden']);

        // A group they already share, even of two, stays open: a block closes direct conversations only.
        expect((await restSend(bob.accessToken, pairGroup, 'still a group')).status).toBe(201);
        // The blocker may still add the person they blocked (their choice).
        expect((await addMembers(alice.accessToken, pairGroup, [carol.user.id])).status).toBe(200);

        expect((await unblock(alice.accessToken, bob.user.id)).status).toBe(204);
        expect((await addMembers(bob.accessToken, bobsGroup, [alice.user.id])).status).toBe(200);
      });

      it('refuses blocking oneself or an unknown user, and anonymous callers', async () => {
        const alice = await api.register('Alice');
        const self = await block(alice.accessToken, alice.user.id);
        expect([self.status, self.body.error.code]).toEqual([400, 'bad_request']);
        const unknown = await block(alice.accessToken, 'no-such-user');
        expect([unknown.status, unknown.body.error.code]).toEqual([404, 'not_found']);
        expect((await unblock(alice.accessToken, 'no-such-user')).status).toBe(204); // nothing to lift: fine
        expect((await api.request('PUT', `/api/v1/users/${alice.user.id}/block`)).status).toBe(401);
        expect((await api.request('GET', '/api/v1/users/blocked')).status).toBe(401);
      });
    });
  });
}

describe.skipIf(!clusterReady)('privacy on a two-node cluster (PostgreSQL + Redis)', () => {
  let one: TestServer;
  let two: TestServer;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    const channel = `herald:test:${randomUUID()}`;
    const shared = { REDIS_URL, HERALD_REDIS_CHANNEL: channel, HERALD_RATE_PER_SECOND: '1000', HERALD_RATE_BURST: '1000' };
    one = await startTestServer({ database: 'postgres', env: { ...shared, HERALD_NODE_ID: 'node-1' } });
    two = await startTestServer({
      env: { ...shared, HERALD_NODE_ID: 'node-2', DATABASE_URL: PG_URL, DATABASE_SCHEMA: one.schema ?? '' },
    });
  });
  afterAll(async () => {
    for (const s of sockets) s.ws.terminate();
    await two?.destroy();
    await one?.destroy();
  });

  it('honours a block, and its lifting, made on the other node', async () => {
    const api1 = new ApiClient(one.url);
    const api2 = new ApiClient(two.url);
    const { alice, bob, conversationId } = await api1.directPair();
    const group = await api1.conversation(alice.accessToken, { kind: 'group', title: 'marker', memberIds: [bob.user.id] });
    const bobOn2 = await TestSocket.connect(two.wsUrl, bob.accessToken);
    sockets.push(bobOn2);
    await bobOn2.request({ action: 'subscribe', type: 'control', data: { conversationId: group, since: 0 } });
    // Node 2 caches the pair's blocks (none) on this send.
    await bobOn2.request(sendFrame(conversationId, 'before'));

    /**
     * Node 1 publishes `blocks_changed` before it answers, and one node's bus messages arrive in
     * order: once Bob's socket on node 2 has a message Alice sent through node 1 after that,
     * node 2 has applied the change.
     */
    const marker = async (text: string) => {
      await api1.sendText(alice.accessToken, group, text);
      await bobOn2.waitFor((f) => f.action === 'new_message' && f.data.text === text);
    };

    expect((await api1.request('PUT', `/api/v1/users/${bob.user.id}/block`, { token: alice.accessToken })).status).toBe(204);
    await marker('blocked');
    await expect(bobOn2.request(sendFrame(conversationId, 'after the block'))).rejects.toMatchObject({ data: { code: 'forbidden' } });
    const overRest = await api2.request<ErrorBody>('POST', `/api/v1/conversations/${conversationId}/messages`, {
      body: { text: 'REST on node 2' },
      token: bob.accessToken,
    });
    expect([overRest.status, overRest.body.error.code]).toEqual([403, 'forbidden']);

    expect((await api1.request('DELETE', `/api/v1/users/${bob.user.id}/block`, { token: alice.accessToken })).status).toBe(204);
    await marker('unblocked');
    await bobOn2.request(sendFrame(conversationId, 'after the unblock'));
  });
});
