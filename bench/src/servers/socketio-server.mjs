/**
 * The Socket.IO 4 peer: in-memory adapter, websocket transport only. A client connects with
 * `auth: { token }` (checked for presence, standing in for Herald's authentication) and
 * `query: { room }`; each `m` event is re-emitted to the whole room, sender included.
 * Run: node socketio-server.mjs [port]; prints {"ready":true,"port":N} when listening.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const server = createServer();
const io = new Server(server, { transports: ['websocket'], serveClient: false, perMessageDeflate: false });

io.use((socket, next) => {
  const token = socket.handshake.auth?.token;
  next(typeof token === 'string' && token.length > 0 ? undefined : new Error('unauthorized'));
});

io.on('connection', (socket) => {
  const room = String(socket.handshake.query.room ?? '');
  socket.join(room);
  socket.on('m', (message) => {
    io.to(room).emit('m', message);
  });
});

server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  const address = server.address();
  console.log(JSON.stringify({ ready: true, port: typeof address === 'object' && address ? address.port : 0 }));
});
process.on('SIGTERM', () => process.exit(0));
