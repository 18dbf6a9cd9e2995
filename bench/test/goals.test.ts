/** The targets table: which fan-out rate the CPU comparison is made at, and the verdicts there. */
import { describe, expect, it } from 'vitest';
import { checkGoals } from '../src/report/goals.mjs';

type Step = { rate: number; cpu: number; gaveUp?: boolean; complete?: boolean };

const step = ({ rate, cpu, gaveUp = false, complete = true }: Step) => ({
  rate,
  published: rate * 5,
  expectedDeliveries: rate * 5 * 1000,
  delivered: complete ? rate * 5 * 1000 : 0,
  missing: complete ? 0 : rate * 5 * 1000,
  duplicates: 0,
  strays: 0,
  complete,
  latencyMs: { samples: 1000, p50: 5, p99: gaveUp ? 2000 : 20, max: 30, mean: 6 },
  gaveUp,
  droppedConnections: 0,
  deliveredPerSec: rate * 1000,
  serverCpuPercent: 50,
  serverCpuUsPerDelivery: cpu,
  serverCpuWaitPercent: 0,
  databaseCpuPercent: null,
  databaseCpuUsPerDelivery: null,
  loadgenCpuPercent: 50,
  loadgenCpuWaitPercent: 0,
  sustained: complete && !gaveUp,
  attempts: 1,
});

const target = (name: string, steps: Step[]) => ({
  name,
  label: name,
  fanout: { subscribers: 1000, maxSustainedRate: 0, projectedRate: null, steps: steps.map(step) },
});

const fanoutGoals = (byTarget: Parameters<typeof checkGoals>[0]) =>
  checkGoals(byTarget).filter((g) => g.goal.startsWith('fan-out server CPU'));

describe('checkGoals', () => {
  it('compares fan-out CPU at the highest rate every server carried, not at one where a server fell behind', () => {
    const goals = fanoutGoals({
      'herald-sqlite': target('herald-sqlite', [
        { rate: 150, cpu: 5.7 },
        { rate: 200, cpu: 4.6 },
      ]),
      'raw-ws': target('raw-ws', [
        { rate: 150, cpu: 5.2 },
        { rate: 200, cpu: 4.9 },
      ]),
      // Socket.IO fell behind at 200 and stopped publishing early: everything it sent arrived,
      // but it did not carry 200 msg/s, and its cost per delivery there is an overloaded one.
      socketio: target('socketio', [
        { rate: 150, cpu: 6.6 },
        { rate: 200, cpu: 7.1, gaveUp: true },
      ]),
    });
    expect(goals.map((g) => g.goal)).toEqual([
      'fan-out server CPU µs/delivery at 150 msg/s',
      'fan-out server CPU µs/delivery at 150 msg/s',
    ]);
    expect(goals.map((g) => [g.herald_value, g.reference_value, g.met])).toEqual([
      [5.7, 5.2, true], // ≤ 1.2× raw ws
      [5.7, 6.6, false], // not ≤ 0.7× Socket.IO
    ]);
  });

  it('skips a rate at which a server lost messages, and uses the top rate when all carried it', () => {
    const herald = target('herald-sqlite', [
      { rate: 100, cpu: 7 },
      { rate: 150, cpu: 6 },
    ]);
    const rawWs = (completeAt150: boolean) =>
      target('raw-ws', [
        { rate: 100, cpu: 6.5 },
        { rate: 150, cpu: 5.5, complete: completeAt150 },
      ]);
    const lossy = fanoutGoals({ 'herald-sqlite': herald, 'raw-ws': rawWs(false) });
    expect(lossy[0]?.goal).toBe('fan-out server CPU µs/delivery at 100 msg/s');
    const carried = fanoutGoals({ 'herald-sqlite': herald, 'raw-ws': rawWs(true) });
    expect(carried[0]?.goal).toBe('fan-out server CPU µs/delivery at 150 msg/s');
    expect(carried[0]?.herald_value).toBe(6);
  });
});
