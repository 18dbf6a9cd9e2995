/**
 * HeraldClient against an in-memory fake server and a fake clock: requests, acks, error frames and handlers.
 * (The same behaviours run against the real server in ../test.)
 */
import { HeraldError as HeraldErrorClass, type ServerFrame } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { setup } from '../test/client-setup.js';
import { settle } from '../test/fake-clock.js';
import { messageFrame } from '../test/fake-socket.js';

describe('HeraldClient requests and frames', () => {
  it('resolves typed ack results; a message that breaks the schema fails locally, other requests are the server’s to check', async () => {
    const t = setup({ requestTimeoutMs: 1000 });
    await t.client.connect();
    const history = await t.client.request('history', { conversationId: 'c1' });
    expect(history).toEqual({ messages: [], hasMore: false });
    const bad = t.client.request('send_message', { conversationId: '' });
    await expect(bad).rejects.toBeInstanceOf(HeraldErrorClass);
    await expect(bad).rejects.toMatchObject({ code: 'invalid_frame' });
    expect(t.client.pendingMessages()).toEqual([]);
    // Not a message: sent as it is (the real server's refusal is tested in test/delivery.test.ts).
    void t.client.request('history', { conversationId: '' }).catch(() => undefined);
    expect(t.server.last.sentOf('history').map((frame) => frame.data)).toContainEqual({ conversationId: '' });
    await expect(t.client.request('unsubscribe', { conversationId: 'c9' })).resolves.toEqual({ conversationId: 'c9' });
  });

  it('rejects with the code of an error frame, and times out when no reply comes', async () => {
    const t = setup({ requestTimeoutMs: 1000, server: { autoRespond: false } });
    const ready = t.client.connect();
    await settle();
    t.server.last.open();
    t.server.last.receive(JSON.stringify({ ...messageFrame('x', 1), action: 'connected' }));
    // An invalid frame is reported, not thrown.
    expect(t.errors.map(([e, c]) => [e.code, c.source])).toEqual([['invalid_frame', 'frame']]);
    const { connectedFrame, errorFrame } = await import('../test/fake-socket.js');
    t.server.last.receive(connectedFrame());
    await ready;
    const refused = t.client.request('history', { conversationId: 'c1' }, { id: 'q1' });
    t.server.last.receive(errorFrame('q1', 'forbidden', 'not a member'));
    await expect(refused).rejects.toMatchObject({ code: 'forbidden', message: 'not a member' });
    const slow = expect(t.client.request('history', { conversationId: 'c1' })).rejects.toMatchObject({ code: 'timeout' });
    await t.clock.advanceAsync(1000);
    await slow;
    t.server.last.receive('not json');
    expect(t.errors.at(-1)?.[0].code).toBe('bad_json');
    expect(t.client.getState().status).toBe('connected');
  });

  it('rejects a request made while disconnected', async () => {
    const t = setup();
    await expect(t.client.request('history', { conversationId: 'c1' })).rejects.toMatchObject({ code: 'disconnected' });
  });

  it('handlers get frames in order after the call returns; a throwing handler is reported, others still run', async () => {
    const t = setup();
    const seen: string[] = [];
    t.client.on('connected', () => {
      throw new Error('bad handler');
    });
    t.client.on('connected', (f) => void seen.push(`connected:${f.data.connectionId}`));
    t.client.onAny((f: ServerFrame) => void seen.push(`any:${f.action}`));
    expect(t.client.handlerCount).toBe(3);
    await t.client.connect();
    expect(seen).toEqual([]); // dispatch never runs inside the socket event
    await t.clock.advanceAsync(0);
    expect(seen).toEqual(['connected:conn', 'any:connected']);
    expect(t.errors.map(([e, c]) => [e.message, c])).toEqual([
      ['a connected handler failed: bad handler', { source: 'handler', detail: 'connected' }],
    ]);
  });
});
