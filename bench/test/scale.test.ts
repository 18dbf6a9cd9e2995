/**
 * `npm run bench:scale -- --quick`: the connect storm, presence in one group and idle scenarios run
 * against a real Herald (users prepared in advance) and the raw ws server, and their figures hold
 * together. Behaviour only, never a speed: every socket connects; a small group's members are told
 * of each other (presence_update is pushed below LARGE_GROUP_MIN_MEMBERS) while a large group's get
 * no presence frame at all (nobody watches anyone), so its frames do not grow with its size.
 */
import { LARGE_GROUP_MIN_MEMBERS } from '@herald/protocol';
import { expect, it } from 'vitest';
import { runJsonCli } from './run-json-cli.js';

interface Side {
  connectedMs?: number;
  failures?: number;
  connected?: number;
  kibPerConnection?: number;
}
type Row =
  | { scenario: 'storm'; sockets: number; herald: Side; rawWs: Side; ratio: number }
  | { scenario: 'group'; members: number; connected: number; presenceFrames: number; presenceFramesPerConnect: number }
  | { scenario: 'idle'; sockets: number; herald: Side; rawWs: Side; ratio: number };

it('runs every scale scenario at quick sizes and reports consistent figures', async () => {
  const run = await runJsonCli<Row[]>(['bench/src/scale/cli.mjs', '--quick', '--json']);
  expect(run.code, run.stderr).toBe(0);
  const rows = run.json ?? [];
  const storm = rows.find((r) => r.scenario === 'storm');
  expect(storm?.herald.failures).toBe(0);
  expect(storm?.rawWs.failures).toBe(0);
  expect(storm?.ratio).toBeGreaterThan(0);
  const groups = rows.filter((r): r is Extract<Row, { scenario: 'group' }> => r.scenario === 'group');
  expect(groups.map((g) => g.connected)).toEqual(groups.map((g) => g.members));
  const small = groups.find((g) => g.members < LARGE_GROUP_MIN_MEMBERS);
  const large = groups.find((g) => g.members >= LARGE_GROUP_MIN_MEMBERS);
  expect(small?.presenceFrames).toBeGreaterThan(0);
  expect(large?.presenceFrames).toBe(0);
  const idle = rows.find((r) => r.scenario === 'idle');
  expect(idle?.herald.connected).toBe(idle?.sockets);
  expect(idle?.herald.kibPerConnection).toBeGreaterThan(0);
  expect(idle?.rawWs.kibPerConnection).toBeGreaterThan(0);
}, 120_000);
