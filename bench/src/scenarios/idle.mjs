/**
 * Scenario A, idle: open many authenticated connections that then sit idle. Reports the connect
 * rate and the server's RSS growth per connection (after a warm-up, so JIT code and lazily loaded
 * modules are in the baseline, not in the per-connection figure).
 */
import { connectAll } from '../connect-all.mjs';
import { cpuMeter, rssBytes, waitIdle } from '../proc-stats.mjs';
import { round1, round2, sleep } from './measure.mjs';

const ignore = () => undefined;

/**
 * @param {import('../targets/target.mjs').Target} target
 * @param {import('../plan.mjs').Plan} plan
 */
export async function runIdle(target, plan) {
  const pid = target.pid();
  const open = (/** @type {number} */ i) => target.connect({ user: i % plan.users, room: { kind: 'idle' }, onDeliver: ignore });
  const warm = await connectAll(plan.warmupConnections, open, plan.connectConcurrency);
  for (const client of warm.clients) client?.close();
  await sleep(500);
  await waitIdle(pid);
  const rssBefore = rssBytes(pid);
  const cpu = cpuMeter(pid);
  const loadgen = cpuMeter(process.pid);
  const opened = await connectAll(plan.idleConnections, open, plan.connectConcurrency);
  const { cpuNs, waitNs, wallMs } = cpu.lap();
  const own = loadgen.lap();
  const connected = plan.idleConnections - opened.failures;
  await sleep(plan.settleMs);
  const rssAfter = rssBytes(pid);
  for (const client of opened.clients) client?.close();
  await sleep(1000);
  await waitIdle(pid);
  return {
    connections: connected,
    failures: opened.failures,
    firstError: opened.firstError,
    connectPerSec: Math.round(connected / (opened.elapsedMs / 1000)),
    rssBeforeMiB: round1(rssBefore / 2 ** 20),
    rssAfterMiB: round1(rssAfter / 2 ** 20),
    rssPerConnectionKiB: connected ? round2((rssAfter - rssBefore) / 1024 / connected) : null,
    serverCpuUsPerConnection: connected ? round1(cpuNs / 1e3 / connected) : null,
    serverCpuWaitPercent: round1((waitNs / 1e6 / wallMs) * 100),
    loadgenCpuPercent: round1((own.cpuNs / 1e6 / wallMs) * 100),
    loadgenCpuWaitPercent: round1((own.waitNs / 1e6 / wallMs) * 100),
  };
}
