/**
 * Who may put whom into a group, and the group caps, over real HTTP on SQLite and PostgreSQL:
 * only people who share a conversation with the adder (HERALD_GROUP_ADD=contacts, the default);
 * a block either way stops adds for good; groups per owner per hour (HERALD_GROUPS_PER_HOUR) is a
 * 429 with Retry-After that leaves other users alone and recovers once the oldest group leaves the
 * hour; members per group (HERALD_GROUP_MAX_MEMBERS) is a 413 that adds nobody. Each rejection
 * is counted in `herald_limit_rejections_total{limit}`.
 */
import type { AuthResponse } from '@herald/protocol';
import { ApiClient, postgresAvailable, startTestServer, type TestServer } from '@herald/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const hasPostgres = await postgresAvailable();
const ENV = { HERALD_GROUP_ADD: 'contacts', HERALD_GROUPS_PER_HOUR: '3', HERALD_GROUP_MAX_MEMBERS: '4' };

type ErrorAnswer = { error: { code: string; message: string; details?: Record<string, unknown> } };

for (const database of ['sqlite', 'postgres'] as const) {
  describe.skipIf(database === 'postgres' && !hasPostgres)(`group limits on ${database}`, () => {
    let server: TestServer;
    let api: ApiClient;
    let admin: AuthResponse;

    beforeAll(async () => {
      server = await startTestServer({ database, env: ENV });
      api = new ApiClient(server.url);
      admin = await api.register('Root'); // the first account is an admin
    });
    afterAll(async () => {
      await server?.destroy();
    });

    const createGroup = (token: string, memberIds: string[], title = 'g') =>
      api.request<ErrorAnswer & { conversation: { id: string } }>('POST', '/api/v1/conversations', {
        token,
        body: { kind: 'group', title, memberIds },
      });
    const addMembers = (token: string, id: string, userIds: string[]) =>
      api.request<ErrorAnswer>('POST', `/api/v1/conversations/${id}/members`, { token, body: { userIds } });
    const rejections = async (limit: string): Promise<number> => {
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      const line = metrics.split('\n').find((l) => l.startsWith(`herald_limit_rejections_total{limit="${limit}"}`));
      return Number(line?.split(' ')[1] ?? 0);
    };

    it('lets a user add only people they share a conversation with; strangers first get a direct message', async () => {
      const [ann, ben, cat, dan] = [
        await api.register('Ann'),
        await api.register('Ben'),
        await api.register('Cat'),
        await api.register('Dan'),
      ];
      const refused = await createGroup(ann.accessToken, [ben.user.id, cat.user.id]);
      expect(refused.status).toBe(403);
      expect(refused.body.error).toMatchObject({ code: 'forbidden', details: { reason: 'not_a_contact' } });
      expect(((refused.body.error.details?.userIds as string[] | undefined) ?? []).sort()).toEqual([ben.user.id, cat.user.id].sort());
      // Nothing was created: Ben's list is still empty.
      expect((await api.rest.conversations.list({ token: ben.accessToken })).conversations).toEqual([]);

      await api.conversation(ann.accessToken, { kind: 'direct', userId: ben.user.id });
      const group = await createGroup(ann.accessToken, [ben.user.id]);
      expect(group.status).toBe(201);
      // Ben shares the group with Ann now, but Cat shares nothing with her: refused, and nobody added.
      const mixed = await addMembers(ann.accessToken, group.body.conversation.id, [cat.user.id]);
      expect(mixed.status).toBe(403);
      expect(mixed.body.error.details).toMatchObject({ reason: 'not_a_contact', userIds: [cat.user.id] });
      // Contacts of contacts are not contacts: Ben may not add Dan, whom only Cat knows.
      await api.conversation(cat.accessToken, { kind: 'direct', userId: dan.user.id });
      expect((await addMembers(ben.accessToken, group.body.conversation.id, [dan.user.id])).status).toBe(403);
      // An admin manages members for the organisation: the contact rule does not bind them.
      expect((await addMembers(admin.accessToken, group.body.conversation.id, [cat.user.id])).status).toBe(200);
    });

    it('never lets a blocked pair add each other, whoever blocked', async () => {
      const [eve, fay] = [await api.register('Eve'), await api.register('Fay')];
      await api.conversation(eve.accessToken, { kind: 'direct', userId: fay.user.id });
      await api.rest.users.block({ params: { id: fay.user.id }, token: eve.accessToken });
      const byBlocked = await createGroup(fay.accessToken, [eve.user.id]);
      expect(byBlocked.status).toBe(403);
      expect(byBlocked.body.error.code).toBe('forbidden');
      const byBlocker = await createGroup(eve.accessToken, [fay.user.id]);
      expect(byBlocker.status).toBe(403);
      expect(byBlocker.body.error.details).toMatchObject({ reason: 'blocked', userIds: [fay.user.id] });
      await api.rest.users.unblock({ params: { id: fay.user.id }, token: eve.accessToken });
      expect((await createGroup(eve.accessToken, [fay.user.id])).status).toBe(201);
    });

    it('caps groups per owner per hour with 429 and Retry-After, leaves others alone, and recovers', async () => {
      const [gus, hal] = [await api.register('Gus'), await api.register('Hal')];
      const before = await rejections('groups_per_hour');
      for (let i = 0; i < 3; i++) expect((await createGroup(gus.accessToken, [], `mine ${i}`)).status).toBe(201);
      const response = await fetch(`${server.url}/api/v1/conversations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${gus.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'group', title: 'one too many', memberIds: [] }),
      });
      expect(response.status).toBe(429);
      const retryAfter = Number(response.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(3_000);
      expect(retryAfter).toBeLessThanOrEqual(3_600);
      const body = (await response.json()) as ErrorAnswer;
      expect(body.error).toMatchObject({ code: 'rate_limited', details: { limit: 'groups_per_hour' } });
      expect(await rejections('groups_per_hour')).toBe(before + 1);
      // Another user is unaffected; a direct conversation is not a group.
      expect((await createGroup(hal.accessToken, [])).status).toBe(201);
      expect(
        (await api.request('POST', '/api/v1/conversations', { token: gus.accessToken, body: { kind: 'direct', userId: hal.user.id } }))
          .status,
      ).toBe(201);
      // An hour passes for the oldest group (its creation time moves back past the window): room for one more.
      const { db } = server.server.database;
      const oldest = await db
        .selectFrom('conversations')
        .select('id')
        .where('owner_id', '=', gus.user.id)
        .orderBy('created_at')
        .executeTakeFirstOrThrow();
      await db
        .updateTable('conversations')
        .set({ created_at: Date.now() - 3_600_001 })
        .where('id', '=', oldest.id)
        .execute();
      expect((await createGroup(gus.accessToken, [])).status).toBe(201);
      expect((await createGroup(gus.accessToken, [])).status).toBe(429);
    });

    it('caps members per group with 413, adding nobody, at creation and when adding', async () => {
      const owner = await api.register('Ivy');
      const others = [];
      for (const name of ['J1', 'J2', 'J3', 'J4', 'J5']) {
        const user = await api.register(name);
        await api.conversation(owner.accessToken, { kind: 'direct', userId: user.user.id });
        others.push(user.user.id);
      }
      const before = await rejections('group_members');
      const tooBig = await createGroup(owner.accessToken, others.slice(0, 4)); // 5 with the owner
      expect(tooBig.status).toBe(413);
      expect(tooBig.body.error).toMatchObject({ code: 'too_big', details: { limit: 'group_members' } });
      const group = await createGroup(owner.accessToken, others.slice(0, 2));
      expect(group.status).toBe(201);
      const id = group.body.conversation.id;
      const over = await addMembers(owner.accessToken, id, others.slice(2, 4));
      expect(over.status).toBe(413);
      expect(over.body.error.details).toMatchObject({ limit: 'group_members' });
      expect((await api.rest.conversations.get({ params: { id }, token: owner.accessToken })).conversation.members).toHaveLength(3);
      expect(await rejections('group_members')).toBe(before + 2);
      // Up to the cap is fine; a member who leaves makes room again.
      expect((await addMembers(owner.accessToken, id, [others[2] as string])).status).toBe(200);
      await api.rest.conversations.removeMember({ params: { id, userId: others[0] as string }, token: owner.accessToken });
      expect((await addMembers(owner.accessToken, id, [others[3] as string])).status).toBe(200);
    });
  });
}
