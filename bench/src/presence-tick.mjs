/**
 * Presence micro-benchmark: how long the PresenceService's periodic tick holds the event loop
 * with N users online on one node. Real bus (in-process), real session registry; the clock is
 * advanced by hand so a minute of ticks runs in a moment. Prints the median, p90 and longest
 * tick (the longest may hold a garbage collection of this process) and the announcements made,
 * per N.
 *
 *   npm run bench:presence -- [--users 10000,50000] [--seconds 60]
 *
 * Each user has one connection (a stand-in object: only `userId` and `device` are read).
 */
import { parseArgs } from 'node:util';

// The server's internals, from its build (`npm run bench:presence` builds first); the types come from its sources.
const dist = new URL('../../packages/server/dist/', import.meta.url);
/** @type {typeof import('../../packages/server/src/bus/memory-bus.js')} */
const { MemoryBus } = await import(new URL('bus/memory-bus.js', dist).href);
/** @type {typeof import('../../packages/server/src/gateway/local-sessions.js')} */
const { LocalSessions } = await import(new URL('gateway/local-sessions.js', dist).href);
/** @type {typeof import('../../packages/server/src/metrics.js')} */
const { Metrics } = await import(new URL('metrics.js', dist).href);
/** @type {typeof import('../../packages/server/src/presence/presence-service.js')} */
const { PresenceService } = await import(new URL('presence/presence-service.js', dist).href);

const { values } = parseArgs({
  options: { users: { type: 'string', default: '10000,50000' }, seconds: { type: 'string', default: '60' } },
});
const counts = values.users.split(',').map(Number);
const seconds = Number(values.seconds);
if (counts.some((n) => !Number.isInteger(n) || n < 1) || !(seconds > 0))
  throw new Error('--users takes positive integers, --seconds a positive number');

const silent = { warn() {}, info() {}, error() {}, debug() {} };
const realNow = Date.now;
let now = realNow();
Date.now = () => now;

for (const users of counts) {
  const bus = new MemoryBus();
  const sessions = new LocalSessions(bus, new Metrics(), { fetchGap: async () => [], onError: () => {} });
  const store = /** @type {any} */ ({ contactIds: async () => [], conversationIdsOf: async () => [], memberSet: async () => new Set() });
  const presence = new PresenceService(bus, sessions, store, /** @type {any} */ (silent), {
    nodeId: 'n1',
    graceMs: 3000,
    refreshMs: 15_000,
  });
  // The ticks below run in one synchronous loop, so the service's own (unref'd) timer never fires meanwhile.
  const { tickMs } = presence;
  // Users announced, and the bus messages that carried them (one per tick at most, in chunks).
  let announced = 0;
  let messages = 0;
  bus.subscribe((message) => {
    if (message.type !== 'presence') return;
    messages++;
    announced += message.users.length;
  });
  for (let i = 0; i < users; i++) sessions.add(/** @type {any} */ ({ userId: `u${i}`, device: { deviceType: 'web', deviceId: `d${i}` } }));
  // The first tick publishes every user just added (a connect storm): counted with the rest.
  /** @type {number[]} */
  const ticks = [];
  for (let t = 0; t < seconds * 1000; t += tickMs) {
    now += tickMs;
    const started = process.hrtime.bigint();
    presence.tick();
    ticks.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  const longest = ticks.indexOf(Math.max(...ticks));
  const sorted = [...ticks].sort((a, b) => a - b);
  const at = (/** @type {number} */ q) => (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0).toFixed(2);
  console.log(
    `${users} users, ${ticks.length} ticks of ${tickMs} ms: tick median ${at(0.5)} ms, p90 ${at(0.9)} ms, longest ${at(1)} ms (tick ${longest + 1}); ` +
      `${announced} users announced in ${messages} bus messages in ${seconds} s (${(announced / users).toFixed(1)} per user, ${(messages / seconds).toFixed(1)} messages/s)`,
  );
  presence.close();
  sessions.close();
}
Date.now = realNow;
console.log(`Command: npm run bench:presence -- --users ${counts.join(',')} --seconds ${seconds}`);
