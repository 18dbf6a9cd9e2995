/**
 * Group ownership and leaving over real HTTP and sockets, on SQLite and PostgreSQL: the owner (or an
 * admin) hands a group to another member; when the owner leaves or is removed, the longest-standing
 * remaining member becomes the owner and every remaining member's sessions are told
 * (`conversation_updated`); the last member leaving leaves an ownerless, memberless group that
 * nobody sees. Refusals carry clear codes and change nothing.
 */
import type { AuthResponse, ServerFrame, ServerFrameOf } from '@herald/protocol';
import { ApiClient, postgresAvailable, startTestServer, type TestServer, TestSocket } from '@herald/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const hasPostgres = await postgresAvailable();

const updatedFor =
  (conversationId: string, ownerId: string | null) =>
  (f: ServerFrame): f is ServerFrameOf<'conversation_updated'> =>
    f.action === 'conversation_updated' && f.data.conversationId === conversationId && f.data.ownerId === ownerId;

for (const database of ['sqlite', 'postgres'] as const) {
  describe.skipIf(database === 'postgres' && !hasPostgres)(`group ownership on ${database}`, () => {
    let server: TestServer;
    let api: ApiClient;
    let admin: AuthResponse;
    const sockets: TestSocket[] = [];
    const connect = async (auth: AuthResponse) => {
      const socket = await TestSocket.connect(server.wsUrl, auth.accessToken);
      sockets.push(socket);
      return socket;
    };
    const group = async (owner: AuthResponse, members: AuthResponse[]) =>
      api.conversation(owner.accessToken, { kind: 'group', title: 'Crew', memberIds: members.map((m) => m.user.id) });
    const fetchGroup = async (id: string, as: AuthResponse) =>
      (await api.rest.conversations.get({ params: { id }, token: as.accessToken })).conversation;

    beforeAll(async () => {
      server = await startTestServer({ database });
      api = new ApiClient(server.url);
      admin = await api.register('Root'); // the first account is an admin
    });
    afterAll(async () => {
      for (const socket of sockets) socket.ws.terminate();
      await server?.destroy();
    });

    it('when the owner leaves, the longest-standing remaining member owns the group and everyone is told', async () => {
      const [olga, bob, carol, dan] = [
        await api.register('Olga'),
        await api.register('Bob'),
        await api.register('Carol'),
        await api.register('Dan'),
      ];
      const id = await group(olga, [bob, carol]);
      // Dan joins later: Bob and Carol have stood longer, so one of them (the first to join) inherits.
      await api.rest.conversations.addMembers({ params: { id }, body: { userIds: [dan.user.id] }, token: olga.accessToken });
      const [bobSocket, carolSocket, danSocket, olgaSocket] = [
        await connect(bob),
        await connect(carol),
        await connect(dan),
        await connect(olga),
      ];
      await api.rest.conversations.removeMember({ params: { id, userId: olga.user.id }, token: olga.accessToken });

      const heir = (await fetchGroup(id, bob)).ownerId;
      expect([bob.user.id, carol.user.id]).toContain(heir);
      for (const socket of [bobSocket, carolSocket, danSocket]) {
        const frame = (await socket.waitFor(updatedFor(id, heir as string), 3_000)) as ServerFrameOf<'conversation_updated'>;
        expect(frame.data.by).toBe(olga.user.id);
        expect(frame.data.members.map((m) => m.userId)).not.toContain(olga.user.id);
        expect(frame.data.members.find((m) => m.userId === heir)?.role).toBe('owner');
        expect(frame.data.members.filter((m) => m.role === 'owner')).toHaveLength(1);
      }
      await olgaSocket.waitFor((f) => f.action === 'member_removed' && f.data.conversationId === id, 3_000);
      // Olga is gone: she hears nothing more of it, so no `conversation_updated` about the new owner.
      expect(olgaSocket.frames.some((f) => f.action === 'conversation_updated' && f.data.conversationId === id)).toBe(false);

      // The new owner has the owner's powers: rename works for them, and not for a plain member.
      const heirAuth = heir === bob.user.id ? bob : carol;
      const plain = heir === bob.user.id ? carol : bob;
      await api.rest.conversations.rename({ params: { id }, body: { title: 'Renamed' }, token: heirAuth.accessToken });
      const refused = await api.request('PUT', `/api/v1/conversations/${id}/title`, { body: { title: 'No' }, token: plain.accessToken });
      expect(refused.status).toBe(403);
    });

    it('an owner removed by an admin also passes the group on', async () => {
      const [olga, bob] = [await api.register('Olga'), await api.register('Bob')];
      const id = await group(olga, [bob]);
      await api.rest.conversations.removeMember({ params: { id, userId: olga.user.id }, token: admin.accessToken });
      const conversation = await fetchGroup(id, bob);
      expect(conversation.ownerId).toBe(bob.user.id);
      expect(conversation.members).toEqual([expect.objectContaining({ userId: bob.user.id, role: 'owner' })]);
    });

    it('the last member leaving leaves an ownerless group nobody sees, and the server keeps serving', async () => {
      const [olga, bob] = [await api.register('Olga'), await api.register('Bob')];
      const id = await group(olga, [bob]);
      await api.rest.conversations.removeMember({ params: { id, userId: olga.user.id }, token: olga.accessToken });
      await api.rest.conversations.removeMember({ params: { id, userId: bob.user.id }, token: bob.accessToken });
      for (const who of [olga, bob]) {
        const { conversations } = await api.rest.conversations.list({ query: {}, token: who.accessToken });
        expect(conversations.map((c) => c.id)).not.toContain(id);
        expect((await api.request('GET', `/api/v1/conversations/${id}`, { token: who.accessToken })).status).toBe(403);
      }
      // Leaving again is a clear not_found-or-forbidden, never a 500.
      const again = await api.request('DELETE', `/api/v1/conversations/${id}/members/${bob.user.id}`, { token: bob.accessToken });
      expect(again.status).toBe(403);
      expect((await api.request('GET', '/api/v1/conversations', { token: bob.accessToken })).status).toBe(200);
    });

    it('the owner transfers ownership to a member; everyone is told and the old owner stays a member', async () => {
      const [olga, bob, carol] = [await api.register('Olga'), await api.register('Bob'), await api.register('Carol')];
      const id = await group(olga, [bob, carol]);
      const [olgaSocket, carolSocket] = [await connect(olga), await connect(carol)];
      const answer = await api.request('PUT', `/api/v1/conversations/${id}/owner`, {
        body: { userId: carol.user.id },
        token: olga.accessToken,
      });
      expect(answer.status).toBe(204);
      for (const socket of [olgaSocket, carolSocket]) {
        const frame = (await socket.waitFor(updatedFor(id, carol.user.id), 3_000)) as ServerFrameOf<'conversation_updated'>;
        const roles = Object.fromEntries(frame.data.members.map((m) => [m.userId, m.role]));
        expect(roles).toEqual({ [olga.user.id]: 'member', [bob.user.id]: 'member', [carol.user.id]: 'owner' });
      }
      // Olga is a plain member now: she can no longer transfer, rename or remove.
      const back = await api.request('PUT', `/api/v1/conversations/${id}/owner`, {
        body: { userId: olga.user.id },
        token: olga.accessToken,
      });
      expect(back.status).toBe(403);
      expect(back.body).toMatchObject({ error: { code: 'forbidden' } });
      expect((await fetchGroup(id, bob)).ownerId).toBe(carol.user.id);
    });

    it('refuses a non-owner, a non-member target, a direct conversation and bad bodies with clear codes', async () => {
      const [olga, bob, stranger] = [await api.register('Olga'), await api.register('Bob'), await api.register('Stranger')];
      const id = await group(olga, [bob]);
      const put = (body: unknown, as: AuthResponse, conversationId = id) =>
        api.request<{ error: { code: string } }>('PUT', `/api/v1/conversations/${conversationId}/owner`, { body, token: as.accessToken });

      expect(await put({ userId: olga.user.id }, bob)).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
      expect(await put({ userId: bob.user.id }, stranger)).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
      expect(await put({ userId: stranger.user.id }, olga)).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
      expect(await put({ userId: olga.user.id }, olga)).toMatchObject({ status: 400, body: { error: { code: 'bad_request' } } });
      expect(await put({}, olga)).toMatchObject({ status: 400, body: { error: { code: 'bad_request' } } });
      expect(await put({ userId: 42 }, olga)).toMatchObject({ status: 400, body: { error: { code: 'bad_request' } } });
      const direct = await api.conversation(olga.accessToken, { kind: 'direct', userId: bob.user.id });
      expect(await put({ userId: bob.user.id }, olga, direct)).toMatchObject({ status: 400, body: { error: { code: 'bad_request' } } });
      expect(await put({ userId: bob.user.id }, admin, direct)).toMatchObject({ status: 400, body: { error: { code: 'bad_request' } } });
      expect(await put({ userId: bob.user.id }, olga, 'no-such-group')).toMatchObject({ status: 403 });
      // Nothing changed.
      const conversation = await fetchGroup(id, olga);
      expect(conversation.ownerId).toBe(olga.user.id);
      expect(conversation.members.map((m) => m.role).sort()).toEqual(['member', 'owner']);
      // An admin (not a member) may hand it over, as they may manage members.
      expect((await put({ userId: bob.user.id }, admin)).status).toBe(204);
      expect((await fetchGroup(id, olga)).ownerId).toBe(bob.user.id);
    });
  });
}
