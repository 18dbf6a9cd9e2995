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

  it('judges Herald on PostgreSQL against the durable peer (server + postgres CPU) and against one commit', () => {
    const withDb = (name: string, cpu: number, db: number, p99: number) => {
      const t = target(name, [{ rate: 100, cpu }]);
      const s0 = t.fanout.steps[0];
      if (s0) s0.databaseCpuUsPerDelivery = db as never;
      return {
        ...t,
        chat: { ...step({ rate: 100, cpu }), databaseCpuUsPerDelivery: db, latencyMs: { samples: 100, p50: 1, p99, max: p99, mean: 1 } },
      };
    };
    const byTarget = {
      'herald-postgres': withDb('herald-postgres', 10, 4, 3.0),
      'socketio-postgres': withDb('socketio-postgres', 20, 10, 4.0),
      socketio: withDb('socketio', 5, 0, 2.5),
    } as unknown as Parameters<typeof checkGoals>[0];
    const commit = { statement: { samples: 2000, p50: 0.2, p99: 0.4, max: 1, mean: 0.2 } } as never;
    const goals = checkGoals(byTarget, { commit });
    const find = (prefix: string) => goals.find((g) => g.goal.startsWith(prefix));
    // 3.0 ≤ 0.8 × 4.0 = 3.2
    expect(find('chat p99 (ms), durable peer')).toMatchObject({ herald_value: 3, reference_value: 4, met: true, by: '0.75×' });
    // 10 + 4 = 14 ≤ 0.7 × (20 + 10) = 21
    expect(find('fan-out CPU µs/delivery at 100 msg/s, server + postgres')).toMatchObject({
      herald_value: 14,
      reference_value: 30,
      met: true,
    });
    // 3.0 − 2.5 = 0.5 ≤ 1.5 × 0.4 = 0.6
    expect(find('chat p99 above Socket.IO')).toMatchObject({ herald_value: 0.5, reference_value: 0.4, met: true, by: '1.25×' });
  });

  it('does not judge cluster scaling when nodes and generator shared the cores', () => {
    const run = (name: string, rate: number, p99: number) => ({
      name,
      fanout: { maxSustainedRate: rate },
      chat: { complete: true, latencyMs: { p99 } },
    });
    const runs = [run('herald-cluster-1', 300, 5), run('herald-cluster-2', 500, 6), run('socketio-redis-2', 1000, 7)];
    const cluster = (pinned: boolean) => ({ placement: { pinned, nodes: [], loadgen: undefined, note: '' }, runs }) as never;
    const scaling = (pinned: boolean) => checkGoals({}, { cluster: cluster(pinned) }).find((g) => g.goal.startsWith('cluster fan-out'));
    expect(scaling(true)).toMatchObject({ herald_value: 500, reference_value: 300, met: true, by: '1.67×' });
    expect(scaling(false)).toMatchObject({ met: null, by: '1.67×' });
    expect(scaling(false)?.note).toContain('not judged');
    const chat = checkGoals({}, { cluster: cluster(false) }).find((g) => g.goal.startsWith('cluster chat p99'));
    expect(chat).toMatchObject({ herald_value: 6, reference_value: 7, met: true });
  });
});
