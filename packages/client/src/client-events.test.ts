/**
 * sendTypingStatus and reconnectLimit against the in-memory fake server.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../test/fake-clock.js';
import { FakeServer } from '../test/fake-socket.js';
import { FakeOnline, FakeVisibility } from '../test/fake-sources.js';
import { sendTypingStatus } from './client-events.js';
import { createClient } from './herald-client.js';
import { reconnectLimit } from './reconnect-limit.js';

function setup(reconnect?: { maxAttempts: number }) {
  const server = new FakeServer();
  const client = createClient({
    url: 'ws://fake/ws',
    device: { deviceType: 'desktop', deviceId: 'dev-1' },
    credentials: () => 'token',
    WebSocket: server.WebSocket,
    timers: new FakeClock(),
    online: new FakeOnline(),
    visibility: new FakeVisibility(),
    ...(reconnect ? { reconnect } : {}),
  });
  return { server, client };
}

describe('sendTypingStatus', () => {
  it('sends a typing_status event on a ready connection, and nothing without one', async () => {
    const { server, client } = setup();
    expect(sendTypingStatus(client, 'c1', true)).toBe(false);
    await client.connect();
    expect(sendTypingStatus(client, 'c1', true)).toBe(true);
    expect(sendTypingStatus(client, 'c1', false)).toBe(true);
    const sent = server.last.sentOf('typing_status');
    expect(sent.map((frame) => [frame.type, frame.data])).toEqual([
      ['typing', { conversationId: 'c1', isTyping: true }],
      ['typing', { conversationId: 'c1', isTyping: false }],
    ]);
    client.dispose();
  });
});

describe('reconnectLimit', () => {
  it("is the client's maxAttempts, 15 by default", () => {
    expect(reconnectLimit(setup().client)).toBe(15);
    expect(reconnectLimit(setup({ maxAttempts: 4 }).client)).toBe(4);
  });
});
