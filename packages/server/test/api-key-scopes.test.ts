/**
 * Scoped server API keys end to end, on SQLite and PostgreSQL, through a real server: a key
 * publishes only what its scopes, senders and conversations allow (403 naming what is missing);
 * a revoked, expired, unscoped (pre-scope) key, or one whose creator is no longer an active admin
 * (demoted, disabled), authenticates nothing (401, the same message for revoked, expired and
 * unknown); creation validates its limits; and every creation, use, revocation and refusal is in
 * the audit log (GET /api/v1/admin/audit).
 */
import { createHash } from 'node:crypto';
import type { ApiKey, AuditEntry, AuthResponse, CreateApiKeyBody } from '@herald/protocol';
import { ApiClient, postgresAvailable, startTestServer, type TestServer } from '@herald/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const hasPostgres = await postgresAvailable();

/** Poll `check` until it returns a value (not undefined), or fail after `timeoutMs`. */
async function until<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

for (const database of ['sqlite', 'postgres'] as const) {
  describe.skipIf(database === 'postgres' && !hasPostgres)(`scoped API keys on ${database}`, () => {
    let server: TestServer;
    let api: ApiClient;
    let admin: AuthResponse;
    let alice: AuthResponse;
    let bot: AuthResponse;
    /** Alice, the bot and the admin are members of both. */
    let allowed: string;
    let other: string;

    async function createKey(body: CreateApiKeyBody, as: AuthResponse = admin): Promise<{ key: string; apiKey: ApiKey }> {
      return api.rest.admin.createApiKey({ body, token: as.accessToken });
    }

    const publish = (key: string, body: unknown) =>
      api.request<{ error?: { code: string; message: string } }>('POST', '/api/v1/publish', {
        body,
        headers: { authorization: `Bearer ${key}` },
      });

    const audit = async (): Promise<AuditEntry[]> =>
      (await api.rest.admin.auditLog({ query: { limit: 500 }, token: admin.accessToken })).entries;

    /** The newest audit entry matching, once it is there. */
    const audited = (match: (entry: AuditEntry) => boolean, what: string) => until(async () => (await audit()).find(match), what);

    const event = (conversationId: string) => ({ kind: 'event', conversationId, event: 'build.finished', payload: null });
    const userEvent = () => ({ kind: 'event', target: { userId: alice.user.id }, event: 'ping', payload: null });
    const message = (senderId: string, conversationId: string, text = 'hello') => ({ kind: 'message', senderId, conversationId, text });
    const notification = { kind: 'notification', title: 'Maintenance', audience: { kind: 'all' } };

    beforeAll(async () => {
      server = await startTestServer({ database });
      api = new ApiClient(server.url);
      admin = await api.register('Admin');
      alice = await api.register('Alice');
      bot = await api.register('Bot');
      const members = [alice.user.id, bot.user.id];
      allowed = await api.conversation(admin.accessToken, { kind: 'group', title: 'allowed', memberIds: members });
      other = await api.conversation(admin.accessToken, { kind: 'group', title: 'other', memberIds: members });
    });

    afterAll(() => server.destroy());

    it('creation validates scopes, senders, conversations and expiry', async () => {
      const bad = async (body: unknown, field: RegExp) => {
        const response = await api.request<{ error: { code: string; message: string } }>('POST', '/api/v1/admin/api-keys', {
          body,
          token: admin.accessToken,
        });
        expect(response).toMatchObject({ status: 400, body: { error: { code: 'bad_request' } } });
        expect(JSON.stringify(response.body)).toMatch(field);
      };
      await bad({ name: 'none' }, /scopes/);
      await bad({ name: 'empty', scopes: [] }, /scopes/);
      await bad({ name: 'twice', scopes: ['events', 'events'] }, /unique/);
      await bad({ name: 'unknown', scopes: ['admin'] }, /scopes/);
      await bad({ name: 'as anyone?', scopes: ['messages'] }, /senderIds/);
      await bad({ name: 'star+', scopes: ['messages'], senderIds: ['*', bot.user.id] }, /stands alone/);
      await bad({ name: 'past', scopes: ['events'], expiresAt: Date.now() - 1000 }, /expiresAt/);
      await bad({ name: 'many', scopes: ['events'], conversationIds: Array.from({ length: 101 }, (_, i) => `c${i}`) }, /conversationIds/);

      const expiresAt = Date.now() + 3_600_000;
      const { apiKey } = await createKey({
        name: 'bot',
        scopes: ['messages', 'events'],
        senderIds: [bot.user.id],
        conversationIds: [allowed],
        expiresAt,
      });
      expect(apiKey).toMatchObject({
        scopes: ['messages', 'events'],
        senderIds: [bot.user.id],
        conversationIds: [allowed],
        expiresAt,
        createdBy: admin.user.id,
      });
      const listed = (await api.rest.admin.listApiKeys({ token: admin.accessToken })).apiKeys.find((k) => k.id === apiKey.id);
      expect(listed).toEqual(apiKey);
    });

    it('refuses each kind without its scope, naming the scope', async () => {
      const { key: eventsOnly } = await createKey({ name: 'events only', scopes: ['events'] });
      const { key: notificationsOnly } = await createKey({ name: 'notifications only', scopes: ['notifications'] });
      const { key: messagesOnly } = await createKey({ name: 'messages only', scopes: ['messages'], senderIds: ['*'] });

      for (const [key, body, scope] of [
        [eventsOnly, message(bot.user.id, allowed), 'messages'],
        [eventsOnly, notification, 'notifications'],
        [notificationsOnly, event(allowed), 'events'],
        [messagesOnly, userEvent(), 'events'],
      ] as const) {
        const response = await publish(key, body);
        expect(response).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
        expect(response.body.error?.message).toContain(`"${scope}" scope`);
      }
      // And each works with it.
      expect((await publish(eventsOnly, event(allowed))).status).toBe(202);
      expect((await publish(notificationsOnly, notification)).status).toBe(201);
      expect((await publish(messagesOnly, message(alice.user.id, allowed))).status).toBe(201);
    });

    it('posts only as the senders the key names, only into its conversations', async () => {
      const { key, apiKey } = await createKey({
        name: 'bot',
        scopes: ['messages', 'events'],
        senderIds: [bot.user.id],
        conversationIds: [allowed],
      });
      const sent = await publish(key, message(bot.user.id, allowed, 'in scope'));
      expect(sent).toMatchObject({ status: 201, body: { message: { senderId: bot.user.id, conversationId: allowed, text: 'in scope' } } });

      const asAlice = await publish(key, message(alice.user.id, allowed));
      expect(asAlice).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
      expect(asAlice.body.error?.message).toContain(`may not post as user ${alice.user.id}`);

      const elsewhere = await publish(key, message(bot.user.id, other));
      expect(elsewhere).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
      expect(elsewhere.body.error?.message).toContain(`conversation ${other}`);
      expect((await publish(key, event(other))).status).toBe(403);
      expect((await publish(key, event(allowed))).status).toBe(202);
      const toUser = await publish(key, userEvent());
      expect(toUser).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
      expect(toUser.body.error?.message).toContain('may not push events to a user');

      // Nothing refused reached the conversation: the history holds only the one message.
      const history = await api.rest.conversations.history({ params: { id: allowed }, query: {}, token: alice.accessToken });
      expect(history.messages.filter((m) => m.senderId !== alice.user.id).map((m) => m.text)).toEqual(['in scope']);
      expect((await api.rest.admin.listApiKeys({ token: admin.accessToken })).apiKeys.find((k) => k.id === apiKey.id)?.lastUsedAt).toEqual(
        expect.any(Number),
      );
    });

    it('a revoked key, an expired key and an unknown key get the same 401', async () => {
      const unknown = await publish('hk_no-such-key-at-all', event(allowed));
      expect(unknown).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });

      const { key: revoked, apiKey } = await createKey({ name: 'to revoke', scopes: ['events'] });
      expect((await publish(revoked, event(allowed))).status).toBe(202);
      await api.rest.admin.revokeApiKey({ params: { id: apiKey.id }, token: admin.accessToken });
      expect(await publish(revoked, event(allowed))).toEqual(unknown);

      const { key: expiring } = await createKey({ name: 'short-lived', scopes: ['events'], expiresAt: Date.now() + 1500 });
      expect((await publish(expiring, event(allowed))).status).toBe(202);
      const expired = await until(async () => {
        const response = await publish(expiring, event(allowed));
        return response.status === 401 ? response : undefined;
      }, 'the key to expire');
      expect(expired).toEqual(unknown);
    });

    it('a key stops working when its creator is demoted or disabled, and works again when they are an admin again', async () => {
      const second = await api.register('Second');
      await api.rest.users.setRole({ params: { id: second.user.id }, body: { role: 'admin' }, token: admin.accessToken });
      const { key, apiKey } = await createKey({ name: "second's", scopes: ['events'] }, second);
      expect(apiKey.createdBy).toBe(second.user.id);
      expect((await publish(key, event(allowed))).status).toBe(202);

      await api.rest.users.setRole({ params: { id: second.user.id }, body: { role: 'user' }, token: admin.accessToken });
      const demoted = await publish(key, event(allowed));
      expect(demoted).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
      expect(demoted.body.error?.message).toContain('no longer an active admin');
      await audited(
        (e) => e.action === 'api_key.refused' && e.actor.id === apiKey.id && e.details?.reason === 'creator_not_admin',
        'the refusal',
      );

      await api.rest.users.setRole({ params: { id: second.user.id }, body: { role: 'admin' }, token: admin.accessToken });
      expect((await publish(key, event(allowed))).status).toBe(202);

      await api.rest.admin.disableUser({ params: { id: second.user.id }, token: admin.accessToken });
      const disabled = await publish(key, event(allowed));
      expect(disabled).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
      expect(disabled.body.error?.message).toContain('no longer an active admin');
    });

    it('a key from before scopes (no scopes, no creator) is refused with a message saying to create a scoped key', async () => {
      const plaintext = 'hk_legacy-key-made-before-scopes-existed-0000000';
      await server.server.repositories.apiKeys.insertApiKey({
        name: 'legacy',
        keyHash: createHash('sha256').update(plaintext).digest('hex'),
        prefix: plaintext.slice(0, 11),
        createdBy: null,
        scopes: [],
        conversationIds: null,
        senderIds: null,
        expiresAt: null,
      });
      const response = await publish(plaintext, event(allowed));
      expect(response).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
      expect(response.body.error?.message).toContain('create a scoped key');
    });

    it('creation, use, refusal and revocation are in the audit log, which only admins read', async () => {
      const { key, apiKey } = await createKey({
        name: 'audited',
        scopes: ['messages'],
        senderIds: [bot.user.id],
        conversationIds: [allowed],
      });
      const created = await audited((e) => e.action === 'api_key.created' && e.targetId === apiKey.id, 'api_key.created');
      expect(created).toMatchObject({
        actor: { kind: 'user', id: admin.user.id },
        details: {
          name: 'audited',
          prefix: apiKey.prefix,
          scopes: ['messages'],
          senderIds: [bot.user.id],
          conversationIds: [allowed],
          expiresAt: null,
        },
      });
      expect(JSON.stringify(created)).not.toContain(key);

      expect((await publish(key, message(bot.user.id, allowed))).status).toBe(201);
      const used = await audited((e) => e.action === 'api_key.used' && e.actor.id === apiKey.id, 'api_key.used');
      expect(used).toMatchObject({
        actor: { kind: 'api_key', id: apiKey.id },
        targetId: allowed,
        details: { kind: 'message', conversationId: allowed, senderId: bot.user.id },
      });

      expect((await publish(key, message(alice.user.id, allowed))).status).toBe(403);
      const refused = await audited((e) => e.action === 'api_key.refused' && e.actor.id === apiKey.id, 'api_key.refused');
      expect(refused).toMatchObject({ targetId: allowed, details: { reason: 'scope', kind: 'message', senderId: alice.user.id } });
      expect(String(refused.details?.missing)).toContain('may not post as user');

      await api.rest.admin.revokeApiKey({ params: { id: apiKey.id }, token: admin.accessToken });
      const revoked = await audited((e) => e.action === 'api_key.revoked' && e.targetId === apiKey.id, 'api_key.revoked');
      expect(revoked.actor).toEqual({ kind: 'user', id: admin.user.id });

      expect((await publish(key, message(bot.user.id, allowed))).status).toBe(401);
      await audited(
        (e) => e.action === 'api_key.refused' && e.actor.id === apiKey.id && e.details?.reason === 'revoked',
        'the refused revoked key',
      );

      // Newest first: created < used < refused < revoked.
      const ours = (await audit())
        .filter((e) => e.targetId === apiKey.id || e.actor.id === apiKey.id)
        .map((e) => `${e.action}:${String(e.details?.reason ?? '')}`);
      expect(ours).toEqual(['api_key.refused:revoked', 'api_key.revoked:', 'api_key.refused:scope', 'api_key.used:', 'api_key.created:']);

      // Paging: `before` takes the next older entries.
      const [first, second] = (await api.rest.admin.auditLog({ query: { limit: 2 }, token: admin.accessToken })).entries;
      const next = (await api.rest.admin.auditLog({ query: { limit: 1, before: second?.at ?? 0 }, token: admin.accessToken })).entries;
      expect(next[0]?.at).toBeLessThan(second?.at ?? 0);
      expect(first?.at).toBeGreaterThan(second?.at ?? 0);

      const asUser = await api.request('GET', '/api/v1/admin/audit', { token: alice.accessToken });
      expect(asUser).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
      expect((await api.request('GET', '/api/v1/admin/audit')).status).toBe(401);
    });
  });
}
