import type { AddressInfo, Socket } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { keepFragmentListYoung } from './young-fragments.js';

interface Internals {
  _socket: Socket;
  _receiver: { _fragments: unknown[] };
}

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

/** A real WebSocket pair on loopback; the swap installed on the server side as the gateway does. */
async function pair() {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const accepted = new Promise<WebSocket>((resolve) => wss.once('connection', (ws) => resolve(ws)));
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  await new Promise<void>((resolve) => client.once('open', () => resolve()));
  const server = await accepted;
  cleanup = async () => {
    client.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  };
  const installed = keepFragmentListYoung(server);
  return { server, client, installed, internals: server as unknown as Internals };
}

const nextMessage = (ws: WebSocket) => new Promise<string>((resolve) => ws.once('message', (data) => resolve(String(data))));

it("installs on ws's server sockets (fails when a ws upgrade renames what it relies on)", async () => {
  const { installed, internals } = await pair();
  expect(installed).toBe(true);
  expect(Array.isArray(internals._receiver._fragments)).toBe(true);
});

it('gives each frame a fragment list created when its chunk arrived, not the one left from the last message', async () => {
  const { server, client, internals } = await pair();
  for (const text of ['first', 'second']) {
    // The list ws left after the previous message: without the swap the payload is pushed into it.
    const leftover = internals._receiver._fragments;
    const message = nextMessage(server);
    client.send(text);
    expect(await message).toBe(text);
    expect(leftover).toEqual([]);
    expect(internals._receiver._fragments).not.toBe(leftover);
  }
});

it('leaves a fragmented message in progress alone', async () => {
  const { server, client, internals } = await pair();
  // After ws's own 'data' listener has run: the first fragment is held in the receiver's list.
  const firstHeld = new Promise<void>((resolve) => {
    const check = () => {
      if (internals._receiver._fragments.length === 0) return;
      internals._socket.off('data', check);
      resolve();
    };
    internals._socket.on('data', check);
  });
  const message = nextMessage(server);
  client.send('hello, ', { fin: false });
  await firstHeld;
  client.send('world', { fin: true });
  expect(await message).toBe('hello, world');
});

it('does nothing on a socket without the internals it expects, or with another ws copy', async () => {
  expect(keepFragmentListYoung({} as WebSocket)).toBe(false);
  expect(keepFragmentListYoung({ _socket: null, _receiver: { _fragments: [] } } as unknown as WebSocket)).toBe(false);
  expect((await pair()).installed).toBe(true);
  const foreign = Object.assign(Object.create({ _write() {} }) as object, { _fragments: [] });
  expect(keepFragmentListYoung({ _receiver: foreign } as unknown as WebSocket)).toBe(false);
  expect(Object.hasOwn(foreign, '_write')).toBe(false);
});
