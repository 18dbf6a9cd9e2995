/**
 * The Socket.IO 4 peer: in-memory adapter, websocket transport only. A client connects with
 * `auth: { token }` (checked for presence, standing in for Herald's authentication) and
 * `query: { room }`; each `m` event is re-emitted to the whole room, sender included.
 * With BENCH_REDIS_URL set it is one node of a cluster: `@socket.io/redis-adapter` (on ioredis,
 * the client Herald uses) carries each emit to the other processes' sockets of the room, as a
 * team scaling Socket.IO out would run it.
 * Run: node socketio-server.mjs [port]; prints {"ready":true,"port":N} when listening.
 */
import { startSocketIoPeer } from './socketio-base.mjs';
import { redisAdapterFrom } from './socketio-redis.mjs';

const redisUrl = process.env.BENCH_REDIS_URL;
const io = startSocketIoPeer({
  adapter: redisUrl ? await redisAdapterFrom(redisUrl) : undefined,
  onMessage: (room, message) => {
    io.to(room).emit('m', message);
  },
});
