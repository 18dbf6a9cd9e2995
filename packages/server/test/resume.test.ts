/**
 * Gapless resume: `subscribe` with `since` delivers exactly the missed messages and then live
 * ones with no gap or repeat at the seam, even while the conversation is busy; a slow consumer is
 * closed and then resumes without loss.
 */
import type { AuthResponse, ServerFrame, ServerFrameOf } from '@herald/protocol';
import { ApiClient, startTestServer, type TestServer, TestSocket } from '@herald/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let server: TestServer;
let api: ApiClient;
let alice: AuthResponse;
let bob: AuthResponse;

beforeAll(async () => {
  server = await startTestServer({
    env: { HERALD_RATE_PER_SECOND: '5000', HERALD_RATE_BURST: '5000', HERALD_SEND_BUFFER_BYTES: '65536' },
  });
  api = new ApiClient(server.url);
  [alice, bob] = [await api.register('Alice'), await api.register('Bob')];
});
afterAll(() => server.destroy());

const seqsOf = (frames: ServerFrame[], conversationId: string) =>
  frames
    .filter((f): f is ServerFrameOf<'new_message'> => f.action === 'new_message' && f.data.conversationId === conversationId)
    .map((f) => f.data.seq);

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('resume', () => {
  it('delivers exactly the missed messages, then live ones, with no gap or repeat at the seam', async () => {
    const conversationId = await api.conversation(alice.accessToken, { kind: 'direct', userId: bob.user.id });
    const sender = await TestSocket.connect(server.wsUrl, alice.accessToken);
    const send = (text: string) => sender.request({ action: 'send_message', type: 'text', data: { conversationId, text } });

    const first = await TestSocket.connect(server.wsUrl, bob.accessToken);
    await first.request({ action: 'subscribe', type: 'control', data: { conversationId, since: 0 } });
    for (let i = 1; i <= 50; i++) await send(`m${i}`);
    await first.waitFor((f) => f.action === 'new_message' && f.data.seq === 50);
    const since = Math.max(...seqsOf(first.frames, conversationId));
    expect(since).toBe(50);
    await first.close();

    for (let i = 51; i <= 100; i++) await send(`m${i}`); // missed while offline
    // Keep the conversation busy while Bob comes back, so live messages race the catch-up.
    const busy = (async () => {
      for (let i = 101; i <= 200; i++) await send(`m${i}`);
    })();
    const second = await TestSocket.connect(server.wsUrl, bob.accessToken);
    const subscribeId = second.sendFrame({ action: 'subscribe', type: 'control', data: { conversationId, since } });
    const ack = (await second.waitFor((f) => f.action === 'ack' && f.data.ref === subscribeId)) as ServerFrameOf<'ack'>;
    await busy;
    await second.waitFor((f) => f.action === 'new_message' && f.data.seq === 200);

    const seqs = seqsOf(second.frames, conversationId);
    expect([...seqs].sort((a, b) => a - b)).toEqual(range(51, 200)); // every missed and live message, once
    const ackIndex = second.frames.indexOf(ack);
    const afterAck = seqsOf(second.frames.slice(ackIndex), conversationId);
    const lastSeq = (ack.data.result as { lastSeq: number }).lastSeq;
    expect(afterAck).toEqual(range(lastSeq + 1, 200)); // live part: in order, straight after the catch-up
    const beforeAck = seqsOf(second.frames.slice(0, ackIndex), conversationId);
    expect(new Set(beforeAck)).toEqual(new Set(range(51, lastSeq)));
    await second.close();
    await sender.close();
  });

  it('with ackFirst: acks at once with the target, then streams; catch-ups of 4 conversations overlap and a history request is answered mid-stream', async () => {
    const conversations = await Promise.all(
      range(1, 4).map((n) => api.conversation(alice.accessToken, { kind: 'group', title: `ack first ${n}`, memberIds: [bob.user.id] })),
    );
    const sender = await TestSocket.connect(server.wsUrl, alice.accessToken);
    for (let from = 1; from <= 1000; from += 100) {
      const last = conversations.map((conversationId) => {
        let id = '';
        for (let i = from; i < from + 100; i++)
          id = sender.sendFrame({ action: 'send_message', type: 'text', data: { conversationId, text: `m${i}` } });
        return id;
      });
      await Promise.all(last.map((id) => sender.waitForNext((f) => f.action === 'ack' && f.data.ref === id, 20_000)));
    }
    await sender.close();

    const reader = await TestSocket.connect(server.wsUrl, bob.accessToken);
    const subscribeIds = conversations.map((conversationId) =>
      reader.sendFrame({ action: 'subscribe', type: 'control', data: { conversationId, since: 0, ackFirst: true } }),
    );
    const historyId = reader.sendFrame({
      action: 'history',
      type: 'control',
      data: { conversationId: conversations[0] as string, limit: 1 },
    });
    await reader.waitForCount((f) => f.action === 'new_message', 4000, 30_000);
    const frames = reader.frames;
    const firstIndex: number[] = [];
    const lastIndex: number[] = [];
    conversations.forEach((conversationId, n) => {
      const ack = frames.findIndex((f) => f.action === 'ack' && f.data.ref === subscribeIds[n]);
      expect((frames[ack] as ServerFrameOf<'ack'>).data.result).toEqual({ conversationId, lastSeq: 1000, firstSeq: 1 });
      const own = frames.flatMap((f, i) => (f.action === 'new_message' && f.data.conversationId === conversationId ? [i] : []));
      expect(ack).toBeLessThan(own[0] as number); // the ack comes before the catch-up, not after it
      expect(seqsOf(frames, conversationId)).toEqual(range(1, 1000)); // in order, once
      firstIndex.push(own[0] as number);
      lastIndex.push(own.at(-1) as number);
    });
    expect(Math.max(...firstIndex)).toBeLessThan(Math.min(...lastIndex)); // none waited for another to finish
    const historyAck = frames.findIndex((f) => f.action === 'ack' && f.data.ref === historyId);
    expect(historyAck).toBeLessThan(Math.max(...lastIndex)); // not held behind the catch-ups
    await reader.close();
  });

  it('subscribing without since starts live from now', async () => {
    const conversationId = await api.conversation(alice.accessToken, { kind: 'group', title: 'now', memberIds: [bob.user.id] });
    await api.request('POST', `/api/v1/conversations/${conversationId}/messages`, { token: alice.accessToken, body: { text: 'old' } });
    const socket = await TestSocket.connect(server.wsUrl, bob.accessToken);
    const result = await socket.request({ action: 'subscribe', type: 'control', data: { conversationId } });
    expect(result).toEqual({ conversationId, lastSeq: 1, firstSeq: 1 });
    await api.request('POST', `/api/v1/conversations/${conversationId}/messages`, { token: alice.accessToken, body: { text: 'new' } });
    await socket.waitFor((f) => f.action === 'new_message' && f.data.text === 'new');
    expect(seqsOf(socket.frames, conversationId)).toEqual([2]);
    // unsubscribe mutes live delivery of that conversation on this connection
    await socket.request({ action: 'unsubscribe', type: 'control', data: { conversationId } });
    await api.request('POST', `/api/v1/conversations/${conversationId}/messages`, { token: alice.accessToken, body: { text: 'muted' } });
    const resumed = await socket.request({ action: 'subscribe', type: 'control', data: { conversationId, since: 2 } });
    expect(resumed).toEqual({ conversationId, lastSeq: 3, firstSeq: 1 });
    expect(seqsOf(socket.frames, conversationId)).toEqual([2, 3]);
    await socket.close();
  });

  it('closes a slow consumer with 4009, and it resumes without loss', async () => {
    const conversationId = await api.conversation(alice.accessToken, { kind: 'group', title: 'firehose', memberIds: [bob.user.id] });
    const slow = await TestSocket.connect(server.wsUrl, bob.accessToken);
    await slow.request({ action: 'subscribe', type: 'control', data: { conversationId, since: 0 } });
    slow.ws.pause(); // stop reading: the server's send buffer for this socket fills up
    const big = 'x'.repeat(15_000);
    let sent = 0;
    const closedBy4009 = async () => {
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      return /herald_closes_total\{code="4009"\} [1-9]/.test(metrics);
    };
    while (!(await closedBy4009())) {
      expect(sent).toBeLessThan(5000); // the cap must trip long before this
      const batch = Array.from({ length: 20 }, () =>
        api.request('POST', `/api/v1/conversations/${conversationId}/messages`, { token: alice.accessToken, body: { text: big } }),
      );
      for (const r of await Promise.all(batch)) expect(r.status).toBe(201);
      sent += 20;
    }
    slow.ws.resume();
    const closed = await slow.closed;
    expect([4009, 1006]).toContain(closed.code); // 1006 if the kernel dropped the close frame with the unread data
    const got = seqsOf(slow.frames, conversationId);
    expect(got).toEqual(range(1, got.length)); // what did arrive is in order, with no gap
    expect(got.length).toBeLessThan(sent);

    const again = await TestSocket.connect(server.wsUrl, bob.accessToken);
    const since = got.length;
    const result = (await again.request({ action: 'subscribe', type: 'control', data: { conversationId, since } }, 20_000)) as {
      lastSeq: number;
    };
    expect(result.lastSeq).toBe(sent);
    expect(seqsOf(again.frames, conversationId)).toEqual(range(since + 1, sent));
    await again.close();
  });
});
