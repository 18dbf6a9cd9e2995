/**
 * Liveness's schedule, driven with explicit times (the sweep takes `now`); the real-socket side
 * (a silent peer dropped with 4010, a talking one never pinged) is in test/lifecycle.test.ts.
 */
import { CloseCode } from '@herald/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { type LiveConnection, Liveness, PING_SLICE } from './liveness.js';

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
function watch(peers: Peer[]): Liveness<Peer> {
  const liveness = new Liveness(peers, { authTimeoutMs: 5_000, pingIntervalMs: INTERVAL });
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
