/**
 * Revocation across nodes: two servers on one PostgreSQL schema and one Redis channel (as in
 * cluster.test.ts). A session ended through node A (sign-out, revoke, password change, disable)
 * closes its socket on node B within 1 s of A's response; a demoted admin's stats stream on node B
 * stops; a member removed through node A gets no further frame of the conversation on node B, even
 * one sent through node B right after the removal.
 */
import { type AuthResponse, CloseReason, ErrorCode, type ServerFrame } from '@herald/protocol';
import { ApiClient, postgresAvailable, redisAvailable, startTwoNodes, type TestServer, TestSocket } from '@herald/testkit';
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

const ready = (await postgresAvailable()) && (await redisAvailable());
const isStats = (f: ServerFrame) => f.action === 'stats';

describe.skipIf(!ready)('revocation across two nodes (PostgreSQL + Redis)', () => {
  let a: TestServer;
  let b: TestServer;
  let apiA: ApiClient;
  let apiB: ApiClient;
  let admin: AuthResponse;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    [a, b] = await startTwoNodes({ HERALD_RATE_PER_SECOND: '1000', HERALD_RATE_BURST: '1000' });
    apiA = new ApiClient(a.url);
    apiB = new ApiClient(b.url);
    admin = await apiA.register('Admin'); // the first account of the shared database
  });
  afterAll(async () => {
    for (const socket of sockets) socket.ws.terminate();
    await b?.destroy();
    await a?.destroy();
  });

  /** A socket on node B. */
  const onB = async (auth: AuthResponse) => {
    const socket = await TestSocket.connect(b.wsUrl, auth.accessToken);
    sockets.push(socket);
    return socket;
  };

  it("sign-out through node A closes the session's socket on node B within 1 s", async () => {
    const alice = await apiA.register('Alice');
    const socket = await onB(alice);
    await expectClosedAfter(
      () => apiA.rest.auth.logout({ body: { refreshToken: alice.refreshToken } }),
      [closeOf(socket)],
      CloseReason.SessionRevoked,
    );
  });

  it('revoking a session through node A closes its socket on node B; the other session on B keeps working', async () => {
    const first = await apiA.register('Alice');
    const second = await signInAgain(apiA, first);
    const conversationId = await ownConversation(apiA, first);
    const [keep, revoked] = [await onB(first), await onB(second)];
    await expectClosedAfter(
      () => apiA.rest.auth.revokeSession({ params: { id: second.sessionId }, token: first.accessToken }),
      [closeOf(revoked)],
      CloseReason.SessionRevoked,
    );
    await expectWorking(keep, conversationId);
  });

  it("a password change through node A closes the other sessions' sockets on node B", async () => {
    const current = await apiA.register('Alice');
    const other = await signInAgain(apiA, current);
    const conversationId = await ownConversation(apiA, current);
    const [keep, closing] = [await onB(current), await onB(other)];
    await expectClosedAfter(
      () =>
        apiA.rest.auth.changePassword({
          body: { currentPassword: PASSWORD, newPassword: 'another passphrase' },
          token: current.accessToken,
        }),
      [closeOf(closing)],
      CloseReason.SessionRevoked,
    );
    await expectWorking(keep, conversationId);
  });

  it('disabling an account through node A closes its sockets on node B with account_disabled', async () => {
    const bob = await apiA.register('Bob');
    const second = await signInAgain(apiA, bob);
    const [one, two] = [await onB(bob), await onB(second)];
    await expectClosedAfter(
      () => apiA.rest.admin.disableUser({ params: { id: bob.user.id }, token: admin.accessToken }),
      [closeOf(one), closeOf(two)],
      CloseReason.AccountDisabled,
    );
    const refused = await apiB.request<{ error: { code: string } }>('POST', '/api/v1/auth/login', {
      body: { email: bob.user.email, password: PASSWORD },
    });
    expect(refused.body.error.code).toBe(ErrorCode.AccountDisabled);
  });

  it("an admin's revoke of a user's sessions through node A closes them on node B", async () => {
    const carol = await apiA.register('Carol');
    const socket = await onB(carol);
    await expectClosedAfter(
      () => apiA.rest.admin.revokeUserSessions({ params: { id: carol.user.id }, token: admin.accessToken }),
      [closeOf(socket)],
      CloseReason.SessionRevoked,
    );
  });

  it('demoting an admin through node A stops their stats stream on node B and node B refuses their next admin request', async () => {
    const eve = await apiA.register('Eve');
    await apiA.rest.users.setRole({ params: { id: eve.user.id }, body: { role: 'admin' }, token: admin.accessToken });
    const streaming = await onB(eve);
    await streaming.request({ action: 'stats_subscribe', type: 'control', data: {} });
    await streaming.waitFor(isStats, 5_000);
    // Node B's stats clock: another admin's stream on the same node.
    const clock = await onB(admin);
    await clock.request({ action: 'stats_subscribe', type: 'control', data: {} });

    await apiA.rest.users.setRole({ params: { id: eve.user.id }, body: { role: 'user' }, token: admin.accessToken });
    const ended = await streaming.waitFor((f) => f.action === 'error' && f.data.code === ErrorCode.Forbidden, 2_000);
    expect(ended.action === 'error' && ended.data.message).toBe('stats stream ended: admins only');
    const seen = streaming.frames.length;
    await clock.waitForCount(isStats, clock.frames.filter(isStats).length + 2, 5_000);
    await flushed(streaming);
    expect(streaming.frames.slice(seen).filter(isStats)).toEqual([]);
    expect((await apiB.request('GET', '/api/v1/admin/stats', { token: eve.accessToken })).status).toBe(403);
    await expect(streaming.request({ action: 'stats_subscribe', type: 'control', data: {} })).rejects.toMatchObject({
      data: { code: ErrorCode.Forbidden },
    });
  });

  it('a member removed through node A gets no further frame of the conversation on node B, even one sent through B at once', async () => {
    const [carol, dave, erin] = [await apiA.register('Carol'), await apiA.register('Dave'), await apiA.register('Erin')];
    const conversationId = await apiA.conversation(carol.accessToken, {
      kind: 'group',
      title: 'nodes',
      memberIds: [dave.user.id, erin.user.id],
    });
    const [c, d, e] = [await onB(carol), await onB(dave), await onB(erin)];
    for (const socket of [c, d, e]) await socket.request({ action: 'subscribe', type: 'control', data: { conversationId, since: 0 } });
    // Warm node B's member cache (and prove Erin receives before the removal).
    await d.request({ action: 'send_message', type: 'text', data: { conversationId, text: 'before' } });
    d.sendFrame({ action: 'typing_status', type: 'typing', data: { conversationId, isTyping: true } });
    await e.waitFor((f) => f.action === 'new_message' && f.data.text === 'before');
    await e.waitFor((f) => f.action === 'typing_status' && f.data.isTyping);

    await apiA.rest.conversations.removeMember({ params: { id: conversationId, userId: erin.user.id }, token: carol.accessToken });
    const seen = e.frames.length;
    // Straight after A's answer, through B (whose member cache may not have heard of the removal yet).
    d.sendFrame({ action: 'typing_status', type: 'typing', data: { conversationId, isTyping: false } });
    const { seq } = (await d.request({ action: 'send_message', type: 'text', data: { conversationId, text: 'after' } })) as { seq: number };
    await c.request({ action: 'mark_read', type: 'read', data: { conversationId, seq } });
    await c.waitFor((f) => f.action === 'typing_status' && !f.data.isTyping);
    await c.waitFor((f) => f.action === 'new_message' && f.data.text === 'after');
    await c.waitFor((f) => f.action === 'read_status' && f.data.userId === carol.user.id && f.data.lastReadSeq === seq);
    await flushed(e);
    // `member_removed` (conversation-events.test.ts) is the one frame of it Erin may get after the removal.
    const after = framesOf(e, conversationId).filter((f) => e.frames.indexOf(f) >= seen);
    expect(after.filter((f) => f.action !== 'member_removed')).toEqual([]);
  });
});
