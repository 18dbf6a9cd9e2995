/**
 * Every reach into ws's internals (ws-internals.ts), checked on real sockets on loopback: each
 * accessor must find what it expects on a connected server-side socket. A ws upgrade that renames
 * or reshapes any of them fails here, rather than silently falling back to the slower path.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { keepFragmentListYoung, sendFramed, socketOf, textFrame } from './ws-internals.js';

interface Internals {
  _socket: Socket;
  _receiver: { _fragments: unknown[] };
}

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

/** A real WebSocket pair on loopback (server side as the gateway gets it, less the fragment swap). */
async function connectedPair(options: { perMessageDeflate?: boolean } = {}) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: options.perMessageDeflate ?? false });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const accepted = new Promise<WebSocket>((resolve) => wss.once('connection', (ws) => resolve(ws)));
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, {
    perMessageDeflate: options.perMessageDeflate ?? false,
  });
  await new Promise<void>((resolve) => client.once('open', () => resolve()));
  const server = await accepted;
  cleanup = async () => {
    client.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  };
  return { server, client };
}

/** A pair with the swap installed on the server side, as the gateway does. */
async function pair() {
  const { server, client } = await connectedPair();
  const installed = keepFragmentListYoung(server);
  return { server, client, installed, internals: server as unknown as Internals };
}

const nextMessage = (ws: WebSocket) => new Promise<string>((resolve) => ws.once('message', (data) => resolve(String(data))));

it('runs on the exact ws version packages/server/package.json pins', () => {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const installed = (createRequire(import.meta.url)('ws/package.json') as { version: string }).version;
  expect(manifest.dependencies.ws).toBe(installed);
});

describe('socketOf', () => {
  it('finds the TCP socket under a connected server-side socket, and it is what ws writes to', async () => {
    const { server, client } = await connectedPair();
    const socket = socketOf(server);
    expect(socket).toBeInstanceOf(Socket);
    // Corked, a frame stays in the socket; uncorked, it leaves: this is the socket ws writes to.
    socket?.cork();
    const message = nextMessage(client);
    server.send('corked');
    expect(socket?.writableLength).toBeGreaterThan(0);
    socket?.uncork();
    expect(await message).toBe('corked');
  });

  it('finds nothing on an object that is not a connected ws socket', () => {
    expect(socketOf({} as WebSocket)).toBeUndefined();
  });
});

describe('textFrame and sendFramed', () => {
  it('build the frame ws would write for a text message: FIN, text opcode, unmasked, length, payload', () => {
    const payload = Buffer.from('{"hello":"world"}');
    const frame = textFrame(payload);
    expect(frame).toBeDefined();
    const bytes = frame?.[0] ?? Buffer.alloc(0);
    expect(bytes[0]).toBe(0x81);
    expect(bytes[1]).toBe(payload.length);
    expect(bytes.subarray(2)).toEqual(payload);
  });

  it('write a pre-built frame through an idle sender, and the peer reads it as the text it carries', async () => {
    const { server, client } = await connectedPair();
    const text = 'x'.repeat(70_000); // past the 16-bit length: the 8-byte length form
    const frame = textFrame(Buffer.from(text));
    expect(frame).toBeDefined();
    const message = nextMessage(client);
    expect(sendFramed(server, frame as readonly [Buffer])).toBe(true);
    expect(await message).toBe(text);
  });

  it('leave a busy sender alone (a send still being compressed keeps its place)', async () => {
    const { server, client } = await connectedPair({ perMessageDeflate: true });
    const received: string[] = [];
    client.on('message', (data) => received.push(String(data)));
    server.send('y'.repeat(10_000)); // compressed off the event loop: the sender is busy until it is done
    expect(sendFramed(server, textFrame(Buffer.from('second')) as readonly [Buffer])).toBe(false);
    server.send('second');
    while (received.length < 2) await new Promise((resolve) => setImmediate(resolve));
    expect(received).toEqual(['y'.repeat(10_000), 'second']);
  });
});

describe('keepFragmentListYoung', () => {
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
});
