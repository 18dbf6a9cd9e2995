/**
 * Profiles over real HTTP and sockets (SQLite and PostgreSQL): `PATCH /users/me` changes the
 * caller's display name and avatar; everyone sharing a conversation with them (and their own other
 * sessions) gets `user_changed`, strangers do not; an avatar is an image the caller uploaded, read
 * with the files' authz (any signed-in user while it is an avatar, nobody without a token), and it
 * is never swept as an unattached upload. Bad input gets a clear code and changes nothing.
 */
import { randomBytes } from 'node:crypto';
import { type AuthResponse, AVATAR_MAX_BYTES, type FileInfo, type ServerFrame, type User } from '@herald/protocol';
import { ApiClient, makePdf, makePng, postgresAvailable, startTestServer, type TestServer, TestSocket } from '@herald/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const hasPostgres = await postgresAvailable();

for (const database of ['sqlite', 'postgres'] as const) {
  describe.skipIf(database === 'postgres' && !hasPostgres)(`profile on ${database}`, () => {
    let server: TestServer;
    let api: ApiClient;
    const sockets: TestSocket[] = [];
    const connect = async (auth: AuthResponse) => {
      const socket = await TestSocket.connect(server.wsUrl, auth.accessToken);
      sockets.push(socket);
      return socket;
    };
    const patch = (body: unknown, as: AuthResponse) =>
      api.request<{ user: User; error: { code: string; details?: Record<string, unknown> } }>('PATCH', '/api/v1/users/me', {
        body,
        token: as.accessToken,
      });
    async function upload(token: string, bytes: Uint8Array, name: string, type: string): Promise<FileInfo> {
      const form = new FormData();
      form.append('file', new Blob([bytes], { type }), name);
      const response = await fetch(`${server.url}/api/v1/files/upload`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: form,
      });
      expect(response.status).toBe(201);
      return ((await response.json()) as { file: FileInfo }).file;
    }
    const me = async (as: AuthResponse) => (await api.rest.auth.me({ token: as.accessToken })).user;

    beforeAll(async () => {
      // A four-second unattached TTL (swept each second): the sweep would remove an avatar quickly if it counted as unattached.
      server = await startTestServer({ database, env: { HERALD_UPLOAD_UNATTACHED_TTL: '4' } });
      api = new ApiClient(server.url);
      await api.register('Root');
    });
    afterAll(async () => {
      for (const socket of sockets) socket.ws.terminate();
      await server?.destroy();
    });

    it('a new name reaches the user, their contacts and their other sessions live, and not strangers', async () => {
      const [alice, bob, stranger] = [await api.register('Alice'), await api.register('Bob'), await api.register('Stranger')];
      await api.conversation(alice.accessToken, { kind: 'direct', userId: bob.user.id });
      const [aliceOther, bobSocket, strangerSocket] = [await connect(alice), await connect(bob), await connect(stranger)];
      const answer = await patch({ name: '  Alice Liddell  ' }, alice);
      expect(answer.status).toBe(200);
      expect(answer.body.user).toMatchObject({ id: alice.user.id, name: 'Alice Liddell', email: alice.user.email });
      const changed = (f: ServerFrame) => f.action === 'user_changed' && f.data.user.id === alice.user.id;
      for (const socket of [aliceOther, bobSocket]) {
        const frame = await socket.waitFor(changed, 3_000);
        expect(frame.action === 'user_changed' && frame.data.user).toEqual({ id: alice.user.id, name: 'Alice Liddell', avatar: null });
      }
      expect((await me(alice)).name).toBe('Alice Liddell');
      // Member lists (what clients name senders by) read the new name.
      const { conversations } = await api.rest.conversations.list({ query: {}, token: bob.accessToken });
      expect(conversations[0]?.members.find((m) => m.userId === alice.user.id)?.name).toBe('Alice Liddell');
      // The stranger shares no conversation. Their own change comes over the same bus after Alice's,
      // so once it is here, Alice's would have been too.
      await patch({ name: 'Still A Stranger' }, stranger);
      await strangerSocket.waitFor((f) => f.action === 'user_changed' && f.data.user.id === stranger.user.id, 3_000);
      expect(strangerSocket.frames.some(changed)).toBe(false);
    });

    it('sets an uploaded image as the avatar, readable by any signed-in user and never swept; null clears it', async () => {
      const [alice, bob] = [await api.register('Alice'), await api.register('Bob')];
      const image = await upload(alice.accessToken, makePng(256, 256, [200, 40, 40]), 'me.png', 'image/png');
      const answer = await patch({ avatar: image.id }, alice);
      expect(answer.status).toBe(200);
      expect(answer.body.user.avatar).toBe(image.id);
      // Bob shares no conversation with Alice, yet sees avatars wherever he sees users (search).
      const found = await api.rest.users.search({ query: { query: 'Alice' }, token: bob.accessToken });
      expect(found.users.find((u) => u.id === alice.user.id)?.avatar).toBe(image.id);
      const download = await fetch(`${server.url}/api/v1/files/${image.id}`, { headers: { authorization: `Bearer ${bob.accessToken}` } });
      expect(download.status).toBe(200);
      expect(download.headers.get('content-type')).toBe('image/png');
      expect((await fetch(`${server.url}/api/v1/files/${image.id}`)).status).toBe(401);
      // Past the unattached TTL, a sweep (every ttl/4) would have removed a plain upload; the avatar stays.
      const plain = await upload(alice.accessToken, makePng(2, 2), 'plain.png', 'image/png');
      await expect
        .poll(async () => (await api.request('GET', `/api/v1/files/${plain.id}/info`, { token: alice.accessToken })).status, {
          timeout: 15_000,
          interval: 250,
        })
        .toBe(404);
      expect((await api.request('GET', `/api/v1/files/${image.id}/info`, { token: alice.accessToken })).status).toBe(200);
      // Its uploader cannot delete it while it is their avatar.
      expect((await api.request('DELETE', `/api/v1/files/${image.id}`, { token: alice.accessToken })).status).toBe(409);

      const cleared = await patch({ avatar: null }, alice);
      expect(cleared.body.user.avatar).toBeNull();
      // No longer an avatar: back to the files' ordinary rule (uploader and conversations only).
      expect((await api.request('GET', `/api/v1/files/${image.id}/info`, { token: bob.accessToken })).status).toBe(403);
    });

    it('refuses bad names and avatars with clear codes, changing nothing', async () => {
      const [alice, bob] = [await api.register('Alice'), await api.register('Bob')];
      const pdf = await upload(alice.accessToken, makePdf('not a face'), 'cv.pdf', 'application/pdf');
      const bobs = await upload(bob.accessToken, makePng(8, 8), 'bob.png', 'image/png');
      // A PDF renamed .png is typed by its bytes, not its name: still not an image.
      const disguised = await upload(alice.accessToken, makePdf('disguised'), 'face.png', 'image/png');
      const cases: [unknown, number, string][] = [
        [{}, 400, 'bad_request'],
        [{ name: '' }, 400, 'bad_request'],
        [{ name: '   ' }, 400, 'bad_request'],
        [{ name: 'x'.repeat(81) }, 400, 'bad_request'],
        [{ name: 'two\nlines' }, 400, 'bad_request'],
        [{ name: 'bell\u0007' }, 400, 'bad_request'],
        [{ name: 'nul\u0000' }, 400, 'bad_request'],
        [{ name: 42 }, 400, 'bad_request'],
        [{ name: 'Ok', role: 'admin' }, 400, 'bad_request'],
        [{ avatar: pdf.id }, 400, 'bad_request'],
        [{ avatar: disguised.id }, 400, 'bad_request'],
        [{ avatar: bobs.id }, 404, 'not_found'],
        [{ avatar: 'no-such-file' }, 404, 'not_found'],
      ];
      for (const [body, status, code] of cases) {
        const answer = await patch(body, alice);
        expect({ body, status: answer.status, code: answer.body.error?.code }).toEqual({ body, status, code });
      }
      expect(await me(alice)).toMatchObject({ name: 'Alice', avatar: null, role: 'user' });
      expect((await api.request('PATCH', '/api/v1/users/me', { body: { name: 'X' } })).status).toBe(401);
      // A name of exactly 80 characters, in any script, is fine.
      const long = '张'.repeat(80);
      expect((await patch({ name: long }, alice)).body.user.name).toBe(long);
    });

    it('refuses an image larger than the avatar limit as too_big', async () => {
      const alice = await api.register('Alice');
      // A real PNG followed by random bytes (as some editors leave): typed as a PNG, over 1 MiB.
      const bytes = Buffer.concat([makePng(16, 16), randomBytes(AVATAR_MAX_BYTES)]);
      const image = await upload(alice.accessToken, bytes, 'big.png', 'image/png');
      if (image.size <= AVATAR_MAX_BYTES) return expect.fail(`test image of ${image.size} bytes is not over the limit`);
      const answer = await patch({ avatar: image.id }, alice);
      expect(answer.status).toBe(413);
      expect(answer.body.error.code).toBe('too_big');
    });
  });
}
