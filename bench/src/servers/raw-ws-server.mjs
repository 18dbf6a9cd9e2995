/**
 * The floor: a minimal `ws` broadcast server. A client joins one room with `/?room=NAME`; every
 * frame it sends is forwarded unchanged to every socket in that room (itself included, as Herald
 * and the Socket.IO server here also echo to the sender). No parsing, no auth, no persistence:
 * the least work per message a Node WebSocket server can do.
 * Run: node raw-ws-server.mjs [port]; prints {"ready":true,"port":N} when listening.
 */
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

/** @type {Map<string, Set<import('ws').WebSocket>>} */
const rooms = new Map();
const server = createServer((_request, response) => response.writeHead(404).end());
const wss = new WebSocketServer({ server, perMessageDeflate: false });

wss.on('connection', (socket, request) => {
  const room = new URL(request.url ?? '/', 'http://bench').searchParams.get('room') ?? '';
  let members = rooms.get(room);
  if (!members) {
    members = new Set();
    rooms.set(room, members);
  }
  const joined = members;
  joined.add(socket);
  socket.on('message', (data, isBinary) => {
    for (const peer of joined) peer.send(data, { binary: isBinary });
  });
  socket.on('close', () => {
    joined.delete(socket);
    if (joined.size === 0 && rooms.get(room) === joined) rooms.delete(room);
  });
  socket.on('error', () => undefined);
});

server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  const address = server.address();
  console.log(JSON.stringify({ ready: true, port: typeof address === 'object' && address ? address.port : 0 }));
});
process.on('SIGTERM', () => process.exit(0));
