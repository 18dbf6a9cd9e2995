/**
 * Revocation and authority changes reach live sockets, on one node, on SQLite and on PostgreSQL:
 * a socket whose session ends (sign-out by refresh token or by Bearer token, revoke one, revoke
 * others, password change, admin disable, admin revoke) gets an `error` frame and a 4001 close
 * naming why within 1 s of the HTTP response, while the sessions that were not ended keep working;
 * a demoted admin is refused on the next admin request and frame, and their stats stream stops; a
 * member removed from a conversation gets none of its messages, typing or read receipts after.
 * The same across two nodes: revocation-cluster.test.ts.
 */
import { type AuthResponse, CloseReason, ErrorCode, type ServerFrame } from '@herald/protocol';
import { ApiClient, postgresAvailable, startTestServer, type TestServer, TestSocket } from '@herald/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeOf,
  expectClosedAfter,
  expectWorking,
  flushed,
  framesOf,
  ownConversation,
  PASSWORD,
  signInAgain,
} from './revocation-helpers.js';

const hasPostgres = await postgresAvailable();
const isStats = (f: ServerFrame) => f.action === 'stats';

for (const database of ['sqlite', 'postgres'] as const) {
  describe.skipIf(database === 'postgres' && !hasPostgres)(`revocation on live sockets (${database})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let admin: AuthResponse;
    const sockets: TestSocket[] = [];

    const connect = async (auth: AuthResponse) => {
      const socket = await TestSocket.connect(server.wsUrl, auth.accessToken);
      sockets.push(socket);
      return socket;
    };

    beforeAll(async () => {
      server = await startTestServer({ database, env: { HERALD_RATE_PER_SECOND: '1000', HERALD_RATE_BURST: '1000' } });
      api = new ApiClient(server.url);
      admin = await api.register('Admin'); // the first account is the admin
    });
    afterAll(async () => {
      for (const socket of sockets) socket.ws.terminate();
      await server?.destroy();
    });

    it('closes the socket of a session signed out with its refresh token (4001 session_revoked, error frame first, within 1 s)', async () => {
      const alice = await api.register('Alice');
      const socket = await connect(alice);
      await expectClosedAfter(
        () => api.rest.auth.logout({ body: { refreshToken: alice.refreshToken } }),
        [closeOf(socket)],
        CloseReason.SessionRevoked,
      );
    });

    it('closes the socket of a session signed out with only its Bearer token', async () => {
      const alice = await api.register('Alice');
      const socket = await connect(alice);
      await expectClosedAfter(
        async () => expect((await api.request('POST', '/api/v1/auth/logout', { token: alice.accessToken, body: {} })).status).toBe(204),
        [closeOf(socket)],
        CloseReason.SessionRevoked,
      );
    });

    it("revoking one session closes its sockets; the other session's socket stays open and working", async () => {
      const first = await api.register('Alice');
      const second = await signInAgain(api, first);
      const conversationId = await ownConversation(api, first);
      const [keep, revoked, revokedTab] = [await connect(first), await connect(second), await connect(second)];
      await expectClosedAfter(
        () => api.rest.auth.revokeSession({ params: { id: second.sessionId }, token: first.accessToken }),
        [closeOf(revoked), closeOf(revokedTab)],
        CloseReason.SessionRevoked,
      );
      await expectWorking(keep, conversationId);
    });

    it("revoke-others closes every other session's socket and keeps the current one", async () => {
      const current = await api.register('Alice');
      const [other, another] = [await signInAgain(api, current), await signInAgain(api, current)];
      const conversationId = await ownConversation(api, current);
      const keep = await connect(current);
      const [a, b] = [await connect(other), await connect(another)];
      await expectClosedAfter(
        async () => expect((await api.rest.auth.revokeOtherSessions({ token: current.accessToken })).revoked).toBe(2),
        [closeOf(a), closeOf(b)],
        CloseReason.SessionRevoked,
      );
      await expectWorking(keep, conversationId);
    });

    it("a password change closes the other sessions' sockets and keeps the current one", async () => {
      const current = await api.register('Alice');
      const other = await signInAgain(api, current);
      const conversationId = await ownConversation(api, current);
      const keep = await connect(current);
      const closing = await connect(other);
      await expectClosedAfter(
        () =>
          api.rest.auth.changePassword({
            body: { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' },
            token: current.accessToken,
          }),
        [closeOf(closing)],
        CloseReason.SessionRevoked,
      );
      await expectWorking(keep, conversationId);
    });

    it('admin disable closes every socket of the account with account_disabled; sign-in is refused until enabled', async () => {
      const bob = await api.register('Bob');
      const second = await signInAgain(api, bob);
      const [one, two] = [await connect(bob), await connect(second)];
      await expectClosedAfter(
        () => api.rest.admin.disableUser({ params: { id: bob.user.id }, token: admin.accessToken }),
        [closeOf(one), closeOf(two)],
        CloseReason.AccountDisabled,
      );
      const refused = await api.request<{ error: { code: string } }>('POST', '/api/v1/auth/login', {
        body: { email: bob.user.email, password: PASSWORD },
      });
      expect(refused.body.error.code).toBe(ErrorCode.AccountDisabled);
      // A socket cannot come back with the old (still unexpired) access token either.
      const retry = await TestSocket.open(server.wsUrl);
      sockets.push(retry);
      await expect(retry.authenticate(bob.accessToken)).rejects.toThrow(/account_disabled|session_revoked/);

      await api.rest.admin.enableUser({ params: { id: bob.user.id }, token: admin.accessToken });
      const back = await signInAgain(api, bob);
      const conversationId = await ownConversation(api, back);
      await expectWorking(await connect(back), conversationId);
    });

    it("admin revoke of a user's sessions closes all of their sockets", async () => {
      const carol = await api.register('Carol');
      const second = await signInAgain(api, carol);
      const [one, two] = [await connect(carol), await connect(second)];
      await expectClosedAfter(
        () => api.rest.admin.revokeUserSessions({ params: { id: carol.user.id }, token: admin.accessToken }),
        [closeOf(one), closeOf(two)],
        CloseReason.SessionRevoked,
      );
    });

    it('a demoted admin is refused on the next admin request and stats_subscribe, and their stats stream stops', async () => {
      const eve = await api.register('Eve');
      await api.rest.users.setRole({ params: { id: eve.user.id }, body: { role: 'admin' }, token: admin.accessToken });
      const promoted = await signInAgain(api, eve); // (the role is read from current state; a fresh token just shows it)
      expect(promoted.user.role).toBe('admin');
      const streaming = await connect(eve);
      await streaming.request({ action: 'stats_subscribe', type: 'control', data: {} });
      await streaming.waitFor(isStats, 5_000);
      // Another admin's stream is the clock: each of its frames means one more interval has passed.
      const clock = await connect(admin);
      await clock.request({ action: 'stats_subscribe', type: 'control', data: {} });

      await api.rest.users.setRole({ params: { id: eve.user.id }, body: { role: 'user' }, token: admin.accessToken });
      const ended = await streaming.waitFor((f) => f.action === 'error' && f.data.code === ErrorCode.Forbidden, 2_000);
      expect(ended.action === 'error' && ended.data.message).toBe('stats stream ended: admins only');
      const seen = streaming.frames.length;
      await clock.waitForCount(isStats, clock.frames.filter(isStats).length + 2, 5_000);
      await flushed(streaming);
      expect(streaming.frames.slice(seen).filter(isStats)).toEqual([]);

      // Her token still says admin; REST and the socket read the role as it is now.
      const rest = await api.request('GET', '/api/v1/admin/stats', { token: eve.accessToken });
      expect(rest.status).toBe(403);
      await expect(streaming.request({ action: 'stats_subscribe', type: 'control', data: {} })).rejects.toMatchObject({
        data: { code: ErrorCode.Forbidden },
      });
      expect(streaming.ws.readyState).toBe(streaming.ws.OPEN); // demoted, not signed out
    });

    it('a removed member stops receiving the conversation: messages, typing and read receipts', async () => {
      const [carol, dave, erin] = [await api.register('Carol'), await api.register('Dave'), await api.register('Erin')];
      const conversationId = await api.conversation(carol.accessToken, {
        kind: 'group',
        title: 'removal',
        memberIds: [dave.user.id, erin.user.id],
      });
      const [c, d, e] = [await connect(carol), await connect(dave), await connect(erin)];
      for (const socket of [c, d, e]) await socket.request({ action: 'subscribe', type: 'control', data: { conversationId, since: 0 } });
      // Before: Erin gets Dave's message and typing (so the checks below can fail).
      await d.request({ action: 'send_message', type: 'text', data: { conversationId, text: 'before' } });
      d.sendFrame({ action: 'typing_status', type: 'typing', data: { conversationId, isTyping: true } });
      await e.waitFor((f) => f.action === 'new_message' && f.data.text === 'before');
      await e.waitFor((f) => f.action === 'typing_status' && f.data.isTyping);

      await api.rest.conversations.removeMember({ params: { id: conversationId, userId: erin.user.id }, token: carol.accessToken });
      const seen = e.frames.length;
      d.sendFrame({ action: 'typing_status', type: 'typing', data: { conversationId, isTyping: false } });
      const { seq } = (await d.request({ action: 'send_message', type: 'text', data: { conversationId, text: 'after' } })) as {
        seq: number;
      };
      await c.request({ action: 'mark_read', type: 'read', data: { conversationId, seq } });
      // Carol (still a member) gets all three; Erin's socket is flushed after they were fanned out.
      await c.waitFor((f) => f.action === 'typing_status' && !f.data.isTyping);
      await c.waitFor((f) => f.action === 'new_message' && f.data.text === 'after');
      await c.waitFor((f) => f.action === 'read_status' && f.data.userId === carol.user.id && f.data.lastReadSeq === seq);
      await flushed(e);
      // `member_removed` (conversation-events.test.ts) is the one frame of it Erin may get after the removal.
      const after = framesOf(e, conversationId).filter((f) => e.frames.indexOf(f) >= seen);
      expect(after.filter((f) => f.action !== 'member_removed')).toEqual([]);
      await expect(e.request({ action: 'subscribe', type: 'control', data: { conversationId, since: 0 } })).rejects.toMatchObject({
        data: { code: ErrorCode.Forbidden },
      });
    });
  });
}
