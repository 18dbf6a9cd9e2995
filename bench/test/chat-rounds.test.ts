/** The chat row over several rounds: latency and CPU from the median round by p99, deliveries summed. */
import { describe, expect, it } from 'vitest';
import { combineRounds } from '../src/scenarios/chat.mjs';

const round = (p99: number, missing = 0) => ({
  published: 100,
  expectedDeliveries: 200,
  delivered: 200 - missing,
  missing,
  duplicates: 0,
  strays: 0,
  complete: missing === 0,
  latencyMs: { samples: 200, p50: 1, p99, max: p99 * 2, mean: 1 },
  gaveUp: false,
  droppedConnections: 0,
  deliveredPerSec: 2000,
  serverCpuPercent: p99,
  serverCpuUsPerDelivery: p99,
  serverCpuWaitPercent: 0,
  databaseCpuPercent: null,
  databaseCpuUsPerDelivery: null,
  loadgenCpuPercent: 10,
  loadgenCpuWaitPercent: 0,
});

describe('combineRounds', () => {
  it('reports the median round by p99 and every round p99 in run order', () => {
    const row = combineRounds([round(9), round(2), round(4)]);
    expect(row.latencyMs.p99).toBe(4);
    expect(row.serverCpuUsPerDelivery).toBe(4);
    expect(row.roundsP99).toEqual([9, 2, 4]);
  });

  it('counts deliveries over every round, so a loss in a discarded round still shows', () => {
    const row = combineRounds([round(1), round(50, 3), round(2)]);
    expect(row.latencyMs.p99).toBe(2);
    expect(row).toMatchObject({ published: 300, expectedDeliveries: 600, delivered: 597, missing: 3, complete: false });
  });
});
