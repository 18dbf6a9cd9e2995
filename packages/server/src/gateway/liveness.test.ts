/**
 * Liveness's schedule, driven with explicit times (the sweep takes `now`); the real-socket side
 * (a silent peer dropped with 4010, a talking one never pinged) is in test/lifecycle.test.ts.
 */
import { CloseCode } from '@herald/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { type LiveConnection, Liveness, PING_SLICE, STEP_MS } from './liveness.js';

class Peer implements LiveConnection {
  state: LiveConnection['state'] = 'ready';
  alive = true;
  heardAt: number;
  pingSentAt = 0;
  pings = 0;
  closedWith: number | undefined;
  constructor(readonly openedAt = 0) {
    this.heardAt = openedAt;
  }
  confirmAlive(now: number): void {
    this.alive = false;
    this.heardAt = now;
    this.pingSentAt = 0;
  }
  pinged(now: number): void {
    this.pingSentAt = now;
  }
  close(code: number): void {
    this.closedWith = code;
    this.state = 'closing';
  }
  terminate(code: number): void {
    this.closedWith = code;
    this.state = 'closed';
  }
  ping(): void {
    this.pings++;
  }
}

const INTERVAL = 30_000;
const running: Liveness<Peer>[] = [];
function watch(peers: Peer[] | Set<Peer>): Liveness<Peer> {
  const liveness = new Liveness<Peer>(peers instanceof Set ? peers : new Set(peers), { authTimeoutMs: 5_000, pingIntervalMs: INTERVAL });
  running.push(liveness);
  return liveness;
}
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

afterEach(() => {
  for (const liveness of running.splice(0)) liveness.stop();
});

describe('Liveness', () => {
  it('never pings a connection that keeps talking', () => {
    const peer = new Peer();
    const liveness = watch([peer]);
    for (let now = 0; now <= 10 * INTERVAL; now += INTERVAL / 2) {
      peer.alive = true; // a frame arrived since the last sweep
      liveness.sweep(now);
    }
    expect(peer.pings).toBe(0);
    expect(peer.closedWith).toBeUndefined();
  });

  it('pings a silent connection once, and drops it only a full interval after an unanswered ping', () => {
    const peer = new Peer();
    const liveness = watch([peer]);
    liveness.sweep(0); // heard (it authenticated)
    liveness.sweep(INTERVAL - 1);
    expect(peer.pings).toBe(0);
    liveness.sweep(INTERVAL);
    expect(peer.pings).toBe(1);
    liveness.sweep(2 * INTERVAL - 1);
    expect(peer.pings).toBe(1); // one outstanding ping at a time
    expect(peer.closedWith).toBeUndefined();
    liveness.sweep(2 * INTERVAL);
    expect(peer.closedWith).toBe(CloseCode.Timeout);
  });

  it('keeps a connection that answers the ping', () => {
    const peer = new Peer();
    const liveness = watch([peer]);
    liveness.sweep(0);
    liveness.sweep(INTERVAL);
    expect(peer.pings).toBe(1);
    peer.alive = true; // the pong
    liveness.sweep(2 * INTERVAL);
    expect(peer.closedWith).toBeUndefined();
    liveness.sweep(3 * INTERVAL); // silent again: pinged again rather than dropped
    expect(peer.pings).toBe(2);
    expect(peer.closedWith).toBeUndefined();
  });

  it(`pings a wave of silent connections at most ${PING_SLICE} per event-loop turn`, async () => {
    const peers = Array.from({ length: 5 * PING_SLICE + 7 }, () => new Peer());
    const liveness = watch(peers);
    liveness.sweep(0);
    liveness.sweep(INTERVAL);
    const sent = () => peers.reduce((n, peer) => n + peer.pings, 0);
    const perTurn = [sent()];
    while (sent() < peers.length && perTurn.length < 100) {
      await nextTurn();
      perTurn.push(sent() - perTurn.reduce((a, b) => a + b, 0));
    }
    expect(perTurn[0]).toBe(PING_SLICE);
    expect(Math.max(...perTurn)).toBe(PING_SLICE);
    expect(peers.every((peer) => peer.pings === 1)).toBe(true);
    // A sweep while the wave is still going out does not queue anyone twice.
    liveness.sweep(INTERVAL + 1);
    await nextTurn();
    expect(sent()).toBe(peers.length);
  });

  it('does not ping a connection that closed while its ping waited for its slice', async () => {
    const peers = Array.from({ length: PING_SLICE + 1 }, () => new Peer());
    const liveness = watch(peers);
    liveness.sweep(0);
    liveness.sweep(INTERVAL);
    const last = peers.at(-1)!;
    last.state = 'closed';
    await nextTurn();
    expect(last.pings).toBe(0);
    expect(peers.slice(0, -1).every((peer) => peer.pings === 1)).toBe(true);
  });

  it('closes a socket that has not authenticated in time, with 4001', () => {
    const late = new Peer(0);
    late.state = 'authenticating';
    const onTime = new Peer(1_000);
    onTime.state = 'authenticating';
    const liveness = watch([late, onTime]);
    liveness.sweep(5_500);
    expect(late.closedWith).toBe(CloseCode.Unauthorized);
    expect(onTime.closedWith).toBeUndefined();
    expect(late.pings + onTime.pings).toBe(0);
  });
});

describe('paced walk', () => {
  it('checks a share of the connections per step, every connection once per pass, and pings a silent one within a pass and a step', () => {
    const peers = new Set(Array.from({ length: 10_000 }, () => new Peer(0)));
    const liveness = watch(peers);
    let checked = 0;
    for (const peer of peers) {
      const confirm = peer.confirmAlive.bind(peer);
      peer.confirmAlive = (now) => {
        checked++;
        confirm(now);
      };
    }
    const share = Math.ceil((peers.size * STEP_MS) / liveness.passMs);
    const perStep: number[] = [];
    // Every peer talked; one pass's worth of steps, from the first due one.
    for (let now = liveness.passMs; now < 2 * liveness.passMs; now += STEP_MS) {
      const before = checked;
      liveness.step(now);
      perStep.push(checked - before);
    }
    expect(Math.max(...perStep)).toBeLessThanOrEqual(share);
    expect(checked).toBe(peers.size); // each once
    // Silent from now on: the pings come within a pass (plus a step) of the interval ending.
    let now = 2 * liveness.passMs;
    const deadline = INTERVAL + 2 * liveness.passMs + liveness.passMs + STEP_MS;
    while ([...peers].some((p) => p.pingSentAt === 0)) {
      now += STEP_MS;
      liveness.step(now);
      expect(now).toBeLessThanOrEqual(deadline);
    }
  });

  it('closes an unauthenticated socket within a pass and a step of its deadline, and skips connections that left', () => {
    const late = new Peer(0);
    late.state = 'authenticating';
    const gone = new Peer(0);
    const peers = new Set([late, gone]);
    const liveness = watch(peers);
    peers.delete(gone);
    gone.alive = true;
    let now = 0;
    while (late.closedWith === undefined) {
      now += STEP_MS;
      liveness.step(now);
    }
    expect(late.closedWith).toBe(CloseCode.Unauthorized);
    expect(now).toBeGreaterThan(5_000);
    expect(now).toBeLessThanOrEqual(5_000 + liveness.passMs + STEP_MS);
    expect(gone.heardAt).toBe(0); // never checked
  });
});
