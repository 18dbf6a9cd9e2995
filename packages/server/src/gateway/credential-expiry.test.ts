/**
 * CredentialExpiry's rule, driven with explicit times (the sweep takes `now`); the real-socket side
 * (a socket that does not renew is closed with 4001 `token_expired`, one that renews is kept) is in
 * test/credential-renewal.test.ts.
 */
import { CloseCode, CloseReason, ErrorCode, type HeraldError } from '@herald/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { CredentialExpiry, type CredentialHolder, EXPIRY_SLICE } from './credential-expiry.js';
import { STEP_MS } from './liveness.js';

class Holder implements CredentialHolder {
  state: CredentialHolder['state'] = 'ready';
  errors: string[] = [];
  closedWith: { code: number; reason: string } | undefined;
  constructor(public credentialExpiresAt: number) {}
  sendError(error: HeraldError): void {
    this.errors.push(error.code);
  }
  close(code: number, reason: string): void {
    if (this.state === 'closing' || this.state === 'closed') return;
    this.closedWith = { code, reason };
    this.state = 'closing';
  }
}

const GRACE = 5_000;
const running: CredentialExpiry<Holder>[] = [];
function watch(holders: Holder[]): CredentialExpiry<Holder> {
  // An hour's tick: only the test's own sweeps (with its own clock) run.
  const expiry = new CredentialExpiry<Holder>(new Set(holders), { graceMs: GRACE, tickMs: 3_600_000 });
  running.push(expiry);
  return expiry;
}
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

afterEach(() => {
  for (const expiry of running.splice(0)) expiry.stop();
});

describe('CredentialExpiry', () => {
  it('keeps a socket until its expiry plus the grace, then sends token_expired and closes it with 4001 token_expired', () => {
    const holder = new Holder(10_000);
    const expiry = watch([holder]);
    expiry.sweep(10_000); // expired, but within the grace
    expiry.sweep(10_000 + GRACE - 1);
    expect(holder.closedWith).toBeUndefined();
    expect(holder.errors).toEqual([]);
    expiry.sweep(10_000 + GRACE);
    expect(holder.errors).toEqual([ErrorCode.TokenExpired]);
    expect(holder.closedWith).toEqual({ code: CloseCode.Unauthorized, reason: CloseReason.TokenExpired });
  });

  it('follows a renewal: the new expiry is the one judged', () => {
    const holder = new Holder(10_000);
    const expiry = watch([holder]);
    holder.credentialExpiresAt = 20_000; // reauthenticate landed
    expiry.sweep(10_000 + GRACE);
    expect(holder.closedWith).toBeUndefined();
    expiry.sweep(20_000 + GRACE);
    expect(holder.closedWith?.reason).toBe(CloseReason.TokenExpired);
  });

  it('judges only ready sockets: not one still authenticating (liveness has that deadline), nor one already closing', () => {
    const authenticating = new Holder(0);
    authenticating.state = 'authenticating';
    const closing = new Holder(1_000);
    closing.state = 'closing';
    const expiry = watch([authenticating, closing]);
    expiry.sweep(1_000_000);
    expect(authenticating.errors).toEqual([]);
    expect(closing.errors).toEqual([]);
    expect(authenticating.closedWith).toBeUndefined();
    expect(closing.closedWith).toBeUndefined();
  });

  it(`closes a wave of expired sockets at most ${EXPIRY_SLICE} per event-loop turn, each once`, async () => {
    const holders = Array.from({ length: 3 * EXPIRY_SLICE + 5 }, () => new Holder(10_000));
    const expiry = watch(holders);
    const closed = () => holders.filter((h) => h.closedWith).length;
    expiry.sweep(10_000 + GRACE);
    const perTurn = [closed()];
    while (closed() < holders.length && perTurn.length < 100) {
      expiry.sweep(10_000 + GRACE + perTurn.length); // a sweep while the wave goes out queues nobody twice
      await nextTurn();
      perTurn.push(closed() - perTurn.reduce((a, b) => a + b, 0));
    }
    expect(perTurn[0]).toBe(EXPIRY_SLICE);
    expect(Math.max(...perTurn)).toBe(EXPIRY_SLICE);
    expect(holders.every((h) => h.errors.length === 1)).toBe(true);
  });

  it('spares a socket that renewed while its close waited for its slice', async () => {
    const holders = Array.from({ length: EXPIRY_SLICE + 1 }, () => new Holder(10_000));
    const expiry = watch(holders);
    expiry.sweep(10_000 + GRACE);
    const last = holders.at(-1)!;
    last.credentialExpiresAt = 60_000;
    await nextTurn();
    expect(last.closedWith).toBeUndefined();
    expect(last.errors).toEqual([]);
    expect(holders.slice(0, -1).every((h) => h.closedWith?.reason === CloseReason.TokenExpired)).toBe(true);
  });

  it('sweeps on its own timer, every tickMs', async () => {
    const holder = new Holder(Date.now() - GRACE);
    const closed = new Promise<void>((resolve) => {
      holder.close = (code, reason) => {
        holder.closedWith = { code, reason };
        resolve();
      };
    });
    const expiry = new CredentialExpiry(new Set([holder]), { graceMs: GRACE, tickMs: 20 });
    running.push(expiry);
    await closed; // the test's timeout is the bound: no sweep, no close
    expect(holder.closedWith?.reason).toBe(CloseReason.TokenExpired);
  });
});

describe('paced walk', () => {
  it('finds expired sockets a share per step, and closes each within a pass and a step of its deadline', async () => {
    const holders = Array.from({ length: 10_000 }, () => new Holder(10_000));
    let judged = 0;
    const counted = new Set(holders);
    const expiry = new CredentialExpiry<Holder>(counted, { graceMs: GRACE, tickMs: 1_000 });
    running.push(expiry);
    const expired = expiry.expired.bind(expiry);
    expiry.expired = (connection, now) => {
      judged++;
      return expired(connection, now);
    };
    const deadline = 10_000 + GRACE;
    const share = Math.ceil((holders.length * STEP_MS) / 1_000);
    let now = deadline;
    while (holders.some((h) => h.closedWith === undefined)) {
      const before = judged;
      expiry.step(now);
      // Judged in the walk (at most a share), and again when its close's turn comes.
      expect(judged - before).toBeLessThanOrEqual(2 * share);
      // A real step's 50 ms hold many event-loop turns: enough for the closes (64 a turn) to keep up.
      for (let turn = 0; turn < 10; turn++) await nextTurn();
      expect(now - deadline).toBeLessThanOrEqual(1_000 + STEP_MS);
      now += STEP_MS;
    }
    expect(holders.every((h) => h.closedWith?.code === CloseCode.Unauthorized)).toBe(true);
  });
});
