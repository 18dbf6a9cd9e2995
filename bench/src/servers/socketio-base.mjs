/**
 * What every Socket.IO peer server shares: the HTTP server, Socket.IO 4 with the websocket
 * transport only, the handshake check (`auth: { token }` present, standing in for Herald's
 * authentication), the room from `query: { room }`, and the `{"ready":true,"port":N}` line once
 * listening. Each peer adds only what it does with an `m` event.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';

/**
 * Start a peer: `onMessage(room, message)` runs for every `m` event of a socket in `room`;
 * `onStop` runs before the process exits on SIGTERM.
 * @param {{ onMessage: (room: string, message: any) => void, adapter?: any, onStop?: () => Promise<unknown> }} options
 * @returns {import('socket.io').Server}
 */
export function startSocketIoPeer({ onMessage, adapter, onStop }) {
  const server = createServer();
  const io = new Server(server, { transports: ['websocket'], serveClient: false, perMessageDeflate: false });
  if (adapter) io.adapter(adapter);
  io.use((socket, next) => {
    const token = socket.handshake.auth?.token;
    next(typeof token === 'string' && token.length > 0 ? undefined : new Error('unauthorized'));
  });
  io.on('connection', (socket) => {
    const room = String(socket.handshake.query.room ?? '');
    socket.join(room);
    socket.on('m', (message) => onMessage(room, message));
  });
  server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
    const address = server.address();
    console.log(JSON.stringify({ ready: true, port: typeof address === 'object' && address ? address.port : 0 }));
  });
  process.on('SIGTERM', () => {
    (onStop?.() ?? Promise.resolve()).finally(() => process.exit(0));
  });
  return io;
}
