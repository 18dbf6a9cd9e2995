/**
 * In-band credential renewal through the public client, on the fake server and clock: renewed
 * ahead of expiry on the same socket, retried when refused, handed to the reconnect path when the
 * server ends the socket anyway, and never left running after the socket is gone.
 * The real server's side is packages/server/test/credential-renewal.test.ts.
 */
import { ErrorCode, HeraldError } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { setup } from '../test/client-setup.js';
import { settle } from '../test/fake-clock.js';
import { RENEW_RETRIES } from './credential-renewal.js';

const TTL = 60_000;
// Lead: max(5 s, 25 % of 60 s) = 15 s, minus jitter (random 0.5: 0.05 × 15 s = 750 ms).
const RENEW_AFTER = TTL - 15_000 - 750;

describe('HeraldClient credential renewal', () => {
  it('renews ahead of expiry on the same socket: a forced refresh, `reauthenticate`, and the ack schedules the next', async () => {
    const t = setup({ server: { credentialTtlMs: TTL } });
    await t.client.connect();
    const socket = t.server.last;
    await t.clock.advanceAsync(RENEW_AFTER - 1);
    expect(socket.sentOf('reauthenticate')).toHaveLength(0);
    await t.clock.advanceAsync(1);
    expect(t.credentialReasons).toEqual(['connect', 'renew']);
    expect(t.credentialCalls).toEqual([false, true]);
    expect(socket.sentOf('reauthenticate').map((f) => f.data.token)).toEqual(['token-2']);
    // Acked with an expiry TTL from the renewal: the next is RENEW_AFTER after it.
    await t.clock.advanceAsync(RENEW_AFTER - 1);
    expect(socket.sentOf('reauthenticate')).toHaveLength(1);
    await t.clock.advanceAsync(1);
    await t.clock.advanceAsync(RENEW_AFTER);
    expect(socket.sentOf('reauthenticate').map((f) => f.data.token)).toEqual(['token-2', 'token-3', 'token-4']);
    expect(t.server.sockets).toHaveLength(1);
    expect(t.statuses).toEqual(['connecting', 'connected']);
    expect(t.errors).toEqual([]);
  });

  it('keeps subscriptions and sends flowing across a renewal (nothing is resent or resubscribed)', async () => {
    const t = setup({ server: { credentialTtlMs: TTL } });
    await t.client.connect();
    await t.client.subscribeConversation('c1');
    const socket = t.server.last;
    await t.clock.advanceAsync(RENEW_AFTER);
    const sent = t.client.sendMessage('c1', { text: 'during' });
    await settle();
    expect((await sent).seq).toBe(1);
    expect(socket.sentOf('subscribe')).toHaveLength(1);
    expect(socket.sentOf('send_message')).toHaveLength(1);
    expect(socket.sentOf('reauthenticate')).toHaveLength(1);
  });

  it('measures expiry on the server clock: a client clock an hour off renews on time', async () => {
    const t = setup({ server: { credentialTtlMs: TTL, now: () => Date.now() - 3_600_000 } });
    // The fake server's clock is the real one, an hour behind; ours is the fake clock (2023).
    await t.client.connect();
    await t.clock.advanceAsync(RENEW_AFTER - 1);
    expect(t.server.last.sentOf('reauthenticate')).toHaveLength(0);
    await t.clock.advanceAsync(1);
    expect(t.server.last.sentOf('reauthenticate')).toHaveLength(1);
  });

  it('retries a refused renewal with backoff, reporting each failure as a connection error, and recovers', async () => {
    const t = setup({ server: { credentialTtlMs: TTL } });
    await t.client.connect();
    t.server.refuseRenewals.push(ErrorCode.Unauthorized, ErrorCode.TokenExpired);
    await t.clock.advanceAsync(RENEW_AFTER);
    expect(t.errors.map(([e, c]) => [e.code, c.source])).toEqual([[ErrorCode.Unauthorized, 'connection']]);
    await t.clock.advanceAsync(750); // retry 1: 1 s × jitter 0.75
    expect(t.errors.map(([e]) => e.code)).toEqual([ErrorCode.Unauthorized, ErrorCode.TokenExpired]);
    await t.clock.advanceAsync(1_500); // retry 2: 2 s × 0.75, accepted
    const socket = t.server.last;
    expect(socket.sentOf('reauthenticate')).toHaveLength(3);
    expect(t.credentialReasons).toEqual(['connect', 'renew', 'renew', 'renew']);
    expect(t.errors).toHaveLength(2);
    expect(t.statuses).toEqual(['connecting', 'connected']);
    // Back on schedule from the accepted renewal.
    await t.clock.advanceAsync(RENEW_AFTER);
    expect(socket.sentOf('reauthenticate')).toHaveLength(4);
  });

  it(`gives up after ${RENEW_RETRIES} retries; the server's token_expired close then refreshes and reconnects, resuming with since`, async () => {
    const t = setup({ server: { credentialTtlMs: TTL } });
    await t.client.connect();
    await t.client.subscribeConversation('c1');
    const first = t.server.last;
    first.receive(t.server.publish('c1'));
    await settle();
    t.server.refuseRenewals.push(...Array.from({ length: RENEW_RETRIES + 1 }, () => ErrorCode.Unauthorized));
    await t.clock.advanceAsync(TTL - 1); // up to the expiry: every try used
    expect(first.sentOf('reauthenticate')).toHaveLength(RENEW_RETRIES + 1);
    expect(t.errors).toHaveLength(RENEW_RETRIES + 1);
    expect(t.errors.at(-1)?.[0].message).toMatch(/giving up/);
    first.drop(4001, 'token_expired'); // what the server does at expiry + grace
    await settle();
    await settle();
    expect(t.client.getState().status).toBe('connected');
    expect(t.statuses).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
    expect(t.credentialReasons.at(-1)).toBe('refused');
    expect(t.server.last.sentOf('subscribe')[0]?.data).toEqual({ conversationId: 'c1', since: 1, ackFirst: true });
  });

  it('stops at session_revoked: the server closes, the refresh is refused, and the client ends in error without retrying', async () => {
    let calls = 0;
    const t = setup({
      server: { credentialTtlMs: TTL },
      credentials: ({ reason }) => {
        calls++;
        if (reason === 'refused') throw new HeraldError(ErrorCode.SessionRevoked, 'signed out');
        return `token-${calls}`;
      },
    });
    await t.client.connect();
    t.server.refuseRenewals.push(ErrorCode.SessionRevoked);
    await t.clock.advanceAsync(RENEW_AFTER);
    await settle();
    expect(t.client.getState().status).toBe('error');
    expect(t.client.getState().error?.code).toBe(ErrorCode.SessionRevoked);
    expect(t.errors).toEqual([]); // not a renewal failure to retry: the connection's path handled it
    await t.clock.advanceAsync(10 * TTL);
    expect(t.server.sockets).toHaveLength(1);
    expect(calls).toBe(3); // connect, renew, refused
  });

  it('clears the renewal timer on disconnect and dispose, and ignores a reply to an abandoned renewal', async () => {
    const t = setup({ server: { credentialTtlMs: TTL } });
    await t.client.connect();
    t.server.ignore.add('reauthenticate');
    await t.clock.advanceAsync(RENEW_AFTER);
    expect(t.server.last.sentOf('reauthenticate')).toHaveLength(1);
    t.client.disconnect(); // the unanswered renewal is rejected with `disconnected`: not reported
    await t.clock.advanceAsync(10 * TTL);
    expect(t.credentialReasons).toEqual(['connect', 'renew']);
    expect(t.errors).toEqual([]);
    t.client.dispose();
    expect(t.clock.pending).toBe(0);
  });

  it('a new connection replaces the old schedule: one renewal per socket lifetime, from its own connected', async () => {
    const t = setup({ server: { credentialTtlMs: TTL }, reconnect: { baseDelayMs: 1, maxDelayMs: 1 } });
    await t.client.connect();
    await t.clock.advanceAsync(RENEW_AFTER / 2);
    t.server.last.drop(1006);
    await t.clock.advanceAsync(1);
    expect(t.client.getState().status).toBe('connected');
    const second = t.server.last;
    // The first socket's renewal time passes without a renewal...
    await t.clock.advanceAsync(RENEW_AFTER / 2 + 1);
    expect(t.server.sockets.flatMap((s) => s.sentOf('reauthenticate'))).toHaveLength(0);
    // ...and the second socket's comes RENEW_AFTER after it connected.
    await t.clock.advanceAsync(RENEW_AFTER / 2);
    expect(second.sentOf('reauthenticate')).toHaveLength(1);
    expect(t.credentialReasons.filter((r) => r === 'renew')).toHaveLength(1);
  });
});
