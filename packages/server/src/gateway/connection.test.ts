import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pino from 'pino';
import { afterEach, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { Metrics } from '../metrics.js';
import { Connection } from './connection.js';
import { socketOf } from './ws-internals.js';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

/** A real WebSocket pair on loopback; the server side wrapped in a Connection. */
async function pair(sendBufferBytes = 1 << 20) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const accepted = new Promise<WebSocket>((resolve) => wss.once('connection', (ws) => resolve(ws)));
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  const received: string[] = [];
  client.on('message', (data) => received.push(String(data)));
  await new Promise<void>((resolve) => client.once('open', () => resolve()));
  const socket = await accepted;
  const limits = { ratePerSecond: 100, burst: 100, sendBufferBytes, strikeBurst: 10 };
  const connection = new Connection(socket, limits, new Metrics(), pino({ level: 'silent' }));
  cleanup = async () => {
    client.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  };
  const raw = socketOf(socket);
  if (!raw) throw new Error('no TCP socket under the server-side WebSocket');
  return { connection, raw, received, client };
}

const until = async (check: () => boolean) => {
  while (!check()) await new Promise((resolve) => setImmediate(resolve));
};

it('sends every frame written in one turn with one system call, in order', async () => {
  const { connection, raw, received } = await pair();
  const writes: number[] = [];
  // Observe (not replace) the socket's two ways down to the kernel: one chunk, or many at once.
  const writev = raw._writev?.bind(raw);
  const write = raw._write.bind(raw);
  raw._writev = (chunks, callback) => {
    writes.push(chunks.length);
    writev?.(chunks, callback);
  };
  raw._write = (chunk, encoding, callback) => {
    writes.push(1);
    write(chunk, encoding, callback);
  };
  for (let i = 1; i <= 5; i++) connection.sendText(`{"n":${i}}`);
  expect(writes).toEqual([]); // held until the turn's microtasks are done
  await until(() => received.length === 5);
  expect(writes).toHaveLength(1); // one writev (ws writes a header and a payload chunk per frame)
  expect(writes[0]).toBeGreaterThanOrEqual(5);
  expect(received).toEqual([1, 2, 3, 4, 5].map((n) => `{"n":${n}}`));
  // Next turn: a single frame goes out on its own.
  connection.sendText('{"n":6}');
  await until(() => received.length === 6);
  expect(writes).toHaveLength(2);
});

it('does not hold more than a few KiB: a long burst in one turn is not a slow consumer', async () => {
  const { connection, received } = await pair(64 * 1024);
  const big = `"${'x'.repeat(15_000)}"`;
  // 2 MB in one turn, far over the 64 KiB cap if it were all held back; the peer reads normally.
  const sent = Array.from({ length: 140 }, () => connection.sendText(big));
  expect(sent.every(Boolean)).toBe(true);
  expect(connection.state).not.toBe('closing');
  await until(() => received.length === 140);
});

it('runs tasks in order and keeps nothing of a finished one', async () => {
  setFlagsFromString('--expose-gc');
  const collect = runInNewContext('gc') as () => void;
  const { connection } = await pair();
  const order: string[] = [];
  let result: WeakRef<object> | undefined;
  // In its own scope, so that no promise of this test holds the result either.
  await (async () => {
    let release = () => {};
    const first = connection.inOrder(async () => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      order.push('first');
    });
    const second = connection.inOrder(async () => {
      order.push('second');
      const message = { text: 'x'.repeat(10_000) };
      result = new WeakRef(message);
      return message;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual([]); // the second waits for the first
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first', 'second']);
  })();
  // A WeakRef holds its target until the current job ends; then only the connection could.
  await new Promise((resolve) => setImmediate(resolve));
  collect();
  expect(result?.deref()).toBeUndefined();
});
