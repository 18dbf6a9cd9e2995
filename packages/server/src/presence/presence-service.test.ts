/**
 * PresenceService's periodic work, on a real in-process bus and session registry with the clock
 * faked (the periods are seconds): re-announcing this node's users is spread over the refresh
 * period instead of landing in one turn, and counts from a node that stops refreshing expire
 * while counts that are refreshed do not.
 */
import pino from 'pino';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { MemoryBus } from '../bus/memory-bus.js';
import type { Connection } from '../gateway/connection.js';
import { LocalSessions } from '../gateway/local-sessions.js';
import { Metrics } from '../metrics.js';
import { PresenceService } from './presence-service.js';

const REFRESH_MS = 1000;
const GRACE_MS = 400; // ticks every 100 ms
const TICK_MS = 100;

let bus: MemoryBus;
let sessions: LocalSessions;
let presence: PresenceService;
/** Presence messages from this node, per user. */
let announced: Map<string, number>;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
  bus = new MemoryBus();
  sessions = new LocalSessions(bus, new Metrics(), { fetchGap: async () => [], onError: () => {} });
  // Only tellContacts reads the store, to find whom to tell; nobody here has contacts.
  const store = { contactIds: async () => [] };
  presence = new PresenceService(bus, sessions, store, pino({ level: 'silent' }), {
    nodeId: 'n1',
    graceMs: GRACE_MS,
    refreshMs: REFRESH_MS,
  });
  announced = new Map();
  bus.subscribe((message) => {
    if (message.type === 'presence' && message.nodeId === 'n1') announced.set(message.userId, (announced.get(message.userId) ?? 0) + 1);
  });
});

afterEach(() => {
  presence.close();
  sessions.close();
  vi.useRealTimers();
});

const connect = (userId: string) => sessions.add({ userId, device: { deviceType: 'web', deviceId: userId } } as unknown as Connection);
const total = () => [...announced.values()].reduce((a, b) => a + b, 0);

it("re-announces each of this node's users about once per refresh period, a share per tick, never all in one turn", () => {
  for (let i = 0; i < 1000; i++) connect(`u${i}`);
  expect(total()).toBe(1000); // each connect announces
  announced.clear();

  const perTick: number[] = [];
  for (let t = 0; t < 3000; t += TICK_MS) {
    const before = total();
    vi.advanceTimersByTime(TICK_MS);
    perTick.push(total() - before);
  }
  expect(perTick.slice(0, 9).every((n) => n === 0)).toBe(true); // nothing is due in the first period
  expect(Math.max(...perTick)).toBeLessThanOrEqual(Math.ceil((1000 * TICK_MS) / REFRESH_MS));
  // Two passes in three seconds (the first starts at 1 s): every user twice, nobody more.
  expect(announced.size).toBe(1000);
  expect(new Set(announced.values())).toEqual(new Set([2]));
  expect(presence.isOnline('u999')).toBe(true);
});

it('forgets the counts of a node that stops refreshing them, 3 to 4 refresh periods after its last word, and keeps refreshed ones', () => {
  const fromN2 = (userId: string) =>
    bus.publish({ type: 'presence', nodeId: 'n2', userId, connections: 1, deviceTypes: ['mobile'], at: Date.now() });
  void fromN2('silent');
  void fromN2('refreshed');
  expect(presence.get(['silent', 'refreshed']).map((p) => [p.online, p.deviceTypes])).toEqual([
    [true, ['mobile']],
    [true, ['mobile']],
  ]);

  for (let t = TICK_MS; t <= 6 * REFRESH_MS; t += TICK_MS) {
    vi.advanceTimersByTime(TICK_MS);
    if (t % REFRESH_MS === 0) void fromN2('refreshed');
    if (t <= 3 * REFRESH_MS) expect(presence.isOnline('silent'), `at ${t} ms`).toBe(true);
  }
  // Expired by 4 periods, then offline once the grace period is over.
  expect(presence.isOnline('silent')).toBe(false);
  expect(presence.get(['silent'])[0]).toMatchObject({ online: false, deviceTypes: [] });
  expect(presence.isOnline('refreshed')).toBe(true);
});
