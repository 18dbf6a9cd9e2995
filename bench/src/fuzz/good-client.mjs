/**
 * The well-behaved client: another user on its own socket who, while the fuzzers hammer the
 * server, sends a message or reads a page of history every 50 ms (stop-and-wait) in its own
 * conversation and times each request. Its latencies are the "good client p99 during" figure.
 * Invariants: every one of its requests must be answered with an ack within 5 s and its socket
 * must stay open; anything else is a breach (the fuzzers must not take the server from others).
 */
import WebSocket from 'ws';
import { LatencyHistogram } from '../latency-histogram.mjs';
import { breach, shown } from './tally.mjs';

const TIMEOUT_MS = 5_000;
const EVERY_MS = 50;

/**
 * @param {{ wsUrl: string, token: string, conversationId: string, tally: import('./tally.mjs').Tally }} options
 */
export async function startGoodClient({ wsUrl, token, conversationId, tally }) {
  const ws = new WebSocket(wsUrl, { perMessageDeflate: false });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const histogram = new LatencyHistogram();
  let requests = 0;
  let counter = 0;
  let stopping = false;
  /** @type {Map<string, (frame: any) => void>} */
  const waiting = new Map();
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString());
    const ref = frame.action === 'connected' ? 'auth' : frame.data?.ref;
    if (typeof ref === 'string') waiting.get(ref)?.(frame);
  });
  ws.on('close', (code) => {
    if (!stopping) breach(tally, 'good client: socket closed', String(code));
    for (const resolve of waiting.values()) resolve({ action: 'closed' });
  });
  /** @param {string} id @param {object} frame @returns {Promise<any>} */
  const request = (id, frame) =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        waiting.delete(id);
        resolve({ action: 'timeout' });
      }, TIMEOUT_MS);
      waiting.set(id, (reply) => {
        clearTimeout(timer);
        waiting.delete(id);
        resolve(reply);
      });
      ws.send(JSON.stringify({ id, ...frame, timestamp: Date.now() }));
    });
  const connected = await request('auth', {
    type: 'control',
    action: 'authenticate',
    data: { token, device: { deviceType: 'desktop', deviceId: 'good-client' } },
  });
  if (connected.action !== 'connected') throw new Error(`good client: authenticate answered ${shown(connected)}`);

  const loop = (async () => {
    while (!stopping) {
      const id = `good-${++counter}`;
      const frame =
        counter % 2 === 0
          ? { type: 'text', action: 'send_message', data: { conversationId, text: `good ${counter}` } }
          : { type: 'control', action: 'history', data: { conversationId, limit: 20 } };
      const started = performance.now();
      const reply = await request(id, frame);
      const ms = performance.now() - started;
      if (stopping && reply.action === 'closed') break;
      requests++;
      histogram.record(ms);
      if (reply.action !== 'ack') breach(tally, 'good client: request not served', `${frame.action} → ${shown(reply)}`);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, EVERY_MS - ms)));
    }
  })();

  return {
    /** Stop, close, and give the figures. */
    async stop() {
      stopping = true;
      await loop;
      ws.close(1000);
      return { requests, ...histogram.summary() };
    },
  };
}
