/**
 * Rate limits as flow control, against a real server at its DEFAULT limits (20 frames/s, burst 40):
 * a burst of 200 sends is delivered whole and in order, and no send stalls longer than the
 * `retryAfterMs` of its `rate_limited` reply plus a small margin (the wire is recorded by a `ws`
 * subclass: when each reply arrived, when each frame left). Once paced to `connected.limits`
 * (the default), and once with pacing off, so the server really does refuse sends.
 */
import type { AuthResponse, SendMessageResult } from '@herald/protocol';
import { ApiClient, startTestServer, type TestServer } from '@herald/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Inbox, nodeClient, waitForState } from './harness.js';

/**
 * How late a resend may leave after its `retryAfterMs` ran out: the SDK pads 5 ms, the rest is timers
 * and the event loop, which a loaded machine (other test files in parallel) delays by tens of ms now
 * and then; the median must stay within `TYPICAL_MS` (the stalls were 10 s).
 */
const MARGIN_MS = 400;
const TYPICAL_MS = 40;
const BURST = 200;

let server: TestServer;
let alice: AuthResponse;
let bob: AuthResponse;
let conversationId: string;

beforeAll(async () => {
  server = await startTestServer(); // the server's own default limits
  const api = new ApiClient(server.url);
  [alice, bob] = [await api.register('Alice'), await api.register('Bob')];
  conversationId = await api.conversation(alice.accessToken, { kind: 'direct', userId: bob.user.id });
});
afterAll(() => server?.destroy());

interface WireEvent {
  at: number;
  direction: 'out' | 'in';
  id?: string;
  action?: string;
  ref?: string;
  code?: string;
  retryAfterMs?: number;
}

/** A real `ws` socket that notes every frame it sends and receives, with the time. */
function recordingWebSocket(log: WireEvent[]) {
  return class RecordingWebSocket extends WebSocket {
    constructor(url: string) {
      super(url);
      // Registered before the client's own `onmessage`, so `at` is when the reply reached the client.
      this.on('message', (data) => {
        const frame = JSON.parse(String(data)) as {
          action: string;
          data: { ref?: string; code?: string; details?: { retryAfterMs?: number } };
        };
        log.push({
          at: performance.now(),
          direction: 'in',
          action: frame.action,
          ref: frame.data.ref,
          code: frame.data.code,
          retryAfterMs: frame.data.details?.retryAfterMs,
        });
      });
    }

    override send(data: string): void {
      const frame = JSON.parse(data) as { id: string; action: string };
      log.push({ at: performance.now(), direction: 'out', id: frame.id, action: frame.action });
      super.send(data);
    }
  };
}

/** For each `rate_limited` reply: how long after it the same frame was sent again (undefined: never). */
function resendDelays(log: WireEvent[]): { retryAfterMs: number; waitedMs: number | undefined }[] {
  return log.flatMap((event, index) => {
    if (event.direction !== 'in' || event.code !== 'rate_limited') return [];
    const resend = log.slice(index + 1).find((later) => later.direction === 'out' && later.id === event.ref);
    return [{ retryAfterMs: event.retryAfterMs ?? Number.NaN, waitedMs: resend ? resend.at - event.at : undefined }];
  });
}

async function burst(pace: boolean) {
  const log: WireEvent[] = [];
  const sender = nodeClient(server.wsUrl, alice.accessToken, {
    WebSocket: recordingWebSocket(log),
    requestTimeoutMs: 10_000,
    outbox: { pace },
  });
  const reader = nodeClient(server.wsUrl, bob.accessToken);
  const inbox = new Inbox(reader.client, conversationId);
  await reader.client.connect();
  await reader.client.subscribeConversation(conversationId);
  await sender.client.connect();
  const states: string[] = [];
  const stopWatching = sender.client.subscribe((state) => states.push(state.status));

  const texts = Array.from({ length: BURST }, (_, i) => `${pace ? 'paced' : 'unpaced'} ${i}`);
  const started = performance.now();
  const results: SendMessageResult[] = await Promise.all(texts.map((text) => sender.client.sendMessage(conversationId, { text })));
  const drainMs = performance.now() - started;
  await inbox.waitForCount(BURST, 20_000);

  stopWatching();
  sender.client.dispose();
  reader.client.dispose();
  return { log, results, texts, inbox, drainMs, states, errors: sender.errors };
}

describe('a rate-limited burst at the default limit', () => {
  it('paced to connected.limits: all 200 delivered in order, no stall past retryAfterMs + margin', async () => {
    const run = await burst(true);
    const seqs = run.results.map((r) => r.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(BURST);
    expect(run.inbox.texts).toEqual(run.texts);
    const delays = resendDelays(run.log);
    for (const { retryAfterMs, waitedMs } of delays) {
      expect(waitedMs).toBeGreaterThanOrEqual(retryAfterMs);
      expect(waitedMs).toBeLessThanOrEqual(retryAfterMs + MARGIN_MS);
    }
    expect(run.states).not.toContain('reconnecting');
    // Pacing keeps the client inside the server's bucket, and no send waits longer than one refill (50 ms at 20/s).
    expect(delays.length).toBeLessThan(5);
    const sends = run.log.filter((e) => e.direction === 'out' && e.action === 'send_message').map((e) => e.at);
    const longestGap = Math.max(...sends.slice(1).map((at, i) => at - (sends[i] ?? at)));
    expect(longestGap).toBeLessThanOrEqual(50 + MARGIN_MS);
    console.info(
      `paced burst: ${BURST} messages in ${Math.round(run.drainMs)} ms = ${((BURST / run.drainMs) * 1000).toFixed(1)} msg/s, ${delays.length} rate_limited replies`,
    );
  }, 40_000);

  it('unpaced: the server refuses sends, each is resent right after its retryAfterMs, the socket is never closed', async () => {
    const run = await burst(false);
    const delays = resendDelays(run.log);
    expect(delays.length).toBeGreaterThan(10);
    for (const { retryAfterMs, waitedMs } of delays) {
      expect(waitedMs).toBeGreaterThanOrEqual(retryAfterMs);
      expect(waitedMs).toBeLessThanOrEqual(retryAfterMs + MARGIN_MS);
    }
    const overshoots = delays
      .map(({ retryAfterMs, waitedMs }) => (waitedMs ?? Number.POSITIVE_INFINITY) - retryAfterMs)
      .sort((a, b) => a - b);
    const median = overshoots[Math.floor(overshoots.length / 2)] ?? 0;
    expect(median).toBeLessThanOrEqual(TYPICAL_MS);
    const seqs = run.results.map((r) => r.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(run.inbox.texts).toEqual(run.texts);
    // Honouring retryAfterMs is never a strike: no 4008, no reconnect.
    expect(run.states).not.toContain('reconnecting');
    console.info(
      `unpaced burst: ${BURST} messages in ${Math.round(run.drainMs)} ms = ${((BURST / run.drainMs) * 1000).toFixed(1)} msg/s, ${delays.length} rate_limited replies, resent ${median.toFixed(1)} ms (median) / ${(overshoots.at(-1) ?? 0).toFixed(1)} ms (max) after retryAfterMs`,
    );
  }, 40_000);
});

describe('a message too long for the protocol', () => {
  it('fails at once with a coded, non-retryable too_big and is never queued nor sent', async () => {
    const log: WireEvent[] = [];
    const { client } = nodeClient(server.wsUrl, alice.accessToken, { WebSocket: recordingWebSocket(log) });
    await client.connect();
    await waitForState(client, (state) => state.status === 'connected');
    const sent = client.sendMessage(conversationId, { text: 'x'.repeat(16_001) }, { id: 'too-long-1' });
    await expect(sent).rejects.toMatchObject({ code: 'too_big', details: { reason: 'text_too_long', max: 16_000 } });
    expect(client.pendingMessages()).toEqual([]);
    await client.sendMessage(conversationId, { text: 'after it' });
    expect(log.filter((e) => e.direction === 'out' && e.id === 'too-long-1')).toEqual([]);
    client.dispose();
  });
});
