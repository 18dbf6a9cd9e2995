/**
 * PresenceService's periodic work, on a real in-process bus and session registry with the clock
 * faked (the periods are seconds): a node publishes one bus message per tick whatever the number of
 * users that changed (a connect storm included), re-announcing this node's users is spread over the
 * refresh period instead of landing in one turn, counts from a node that stops refreshing expire
 * while counts that are refreshed do not, and watchers get one batch per tick.
 */
import pino from 'pino';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { MemoryBus } from '../bus/memory-bus.js';
import type { Connection } from '../gateway/connection.js';
import { LocalSessions } from '../gateway/local-sessions.js';
import { Metrics } from '../metrics.js';
import { PresenceService, TELL_PER_TICK } from './presence-service.js';

const REFRESH_MS = 1000;
const GRACE_MS = 400; // ticks every 100 ms
const TICK_MS = 100;

let bus: MemoryBus;
let sessions: LocalSessions;
let presence: PresenceService;
/** Presence counts published by this node, per user, and the bus messages that carried them. */
let announced: Map<string, number>;
let messages: number;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
  bus = new MemoryBus();
  sessions = new LocalSessions(bus, new Metrics(), { fetchGap: async () => [], onError: () => {} });
  // Only presence_update's fan-out reads the directory, to find whom to tell; nobody here shares a conversation.
  const store = { contactIds: async () => [], conversationIdsOf: async () => [], memberSet: async () => new Set<string>() };
  presence = new PresenceService(bus, sessions, store, pino({ level: 'silent' }), {
    nodeId: 'n1',
    graceMs: GRACE_MS,
    refreshMs: REFRESH_MS,
  });
  announced = new Map();
  messages = 0;
  bus.subscribe((message) => {
    if (message.type !== 'presence' || message.nodeId !== 'n1') return;
    messages++;
    for (const { userId } of message.users) announced.set(userId, (announced.get(userId) ?? 0) + 1);
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
  // A storm is published at the next tick, in one bus message, not one per user.
  expect(total()).toBe(0);
  vi.advanceTimersByTime(TICK_MS);
  expect(total()).toBe(1000);
  expect(messages).toBe(1);
  expect(presence.isOnline('u0')).toBe(true);
  announced.clear();
  messages = 0;

  const perTick: number[] = [];
  // Until 3 s after the start (the storm's tick was the first): two whole passes.
  for (let t = TICK_MS; t < 3000; t += TICK_MS) {
    const before = total();
    vi.advanceTimersByTime(TICK_MS);
    perTick.push(total() - before);
  }
  expect(perTick.slice(0, 8).every((n) => n === 0)).toBe(true); // nothing is due in the first period (its first tick went to the storm)
  expect(Math.max(...perTick)).toBeLessThanOrEqual(Math.ceil((1000 * TICK_MS) / REFRESH_MS));
  // Two passes (at 1 s and 2 s): every user twice, nobody more; one message per tick at most.
  expect(messages).toBeLessThanOrEqual(perTick.length);
  expect(announced.size).toBe(1000);
  expect(new Set(announced.values())).toEqual(new Set([2]));
  expect(presence.isOnline('u999')).toBe(true);
});

it('forgets the counts of a node that stops refreshing them, 3 to 4 refresh periods after its last word, and keeps refreshed ones', () => {
  const fromN2 = (userId: string) =>
    bus.publish({ type: 'presence', nodeId: 'n2', users: [{ userId, connections: 1, deviceTypes: ['mobile'] }], at: Date.now() });
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

it('tells each watching connection once per tick, every watched change in one presence_batch; unwatching and closing stop it', () => {
  const frames = new Map<string, unknown[]>();
  const watcher = (name: string) => {
    frames.set(name, []);
    return { sendText: (text: string) => frames.get(name)?.push(JSON.parse(text)) } as unknown as Connection;
  };
  const a = watcher('a');
  const b = watcher('b');
  presence.watchers.watch(a, ['u1', 'u2', 'u3']);
  presence.watchers.watch(b, ['u3']);
  connect('u1');
  connect('u2');
  connect('u3');
  connect('u4'); // watched by nobody
  vi.advanceTimersByTime(TICK_MS);
  expect(frames.get('a')).toEqual([
    expect.objectContaining({
      action: 'presence_batch',
      type: 'presence',
      data: { presence: ['u1', 'u2', 'u3'].map((userId) => expect.objectContaining({ userId, online: true })) },
    }),
  ]);
  expect(frames.get('b')).toEqual([
    expect.objectContaining({ data: { presence: [expect.objectContaining({ userId: 'u3', online: true })] } }),
  ]);
  // Nothing changed: nothing sent.
  vi.advanceTimersByTime(TICK_MS * 3);
  expect(frames.get('a')).toHaveLength(1);
  expect(presence.watchers.unwatch(a, ['u3'])).toBe(2);
  presence.watchers.drop(b);
  for (const connection of [...sessions.ofUser('u3')]) sessions.remove(connection);
  vi.advanceTimersByTime(GRACE_MS + TICK_MS * 2);
  expect(presence.isOnline('u3')).toBe(false);
  expect(frames.get('a')).toHaveLength(1);
  expect(frames.get('b')).toHaveLength(1);
  expect(presence.watchers.watchedUsers).toBe(2);
});

it('tells a storm of changes over several ticks, TELL_PER_TICK at a time, oldest first, losing none', () => {
  const batches: string[][] = [];
  const watcher = {
    sendText: (text: string) => batches.push(JSON.parse(text).data.presence.map((p: { userId: string }) => p.userId)),
  } as unknown as Connection;
  const ids = Array.from({ length: 2 * TELL_PER_TICK + 500 }, (_, i) => `s${i}`);
  presence.watchers.watch(watcher, ids);
  for (const id of ids) connect(id);
  vi.advanceTimersByTime(TICK_MS * 3);
  expect(batches.map((b) => b.length)).toEqual([TELL_PER_TICK, TELL_PER_TICK, 500]);
  expect(batches.flat()).toEqual(ids);
});
