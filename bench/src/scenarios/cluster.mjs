/**
 * Scenario D, cluster: Herald scaled out (PostgreSQL + Redis bus) against Socket.IO scaled out
 * (`@socket.io/redis-adapter`), each with 1 node and then 2 nodes, running fan-out (B) and chat (C)
 * unchanged. Client i connects to node i % nodes, so every chat room has one member on each node
 * and the fan-out room is split in halves: every message crosses Redis.
 * Server CPU is the sum of the nodes'; "database" CPU is every postgres process's (Herald) plus the
 * Redis server's (both).
 * Invariants: both systems use one dedicated redis-server on an ephemeral port (never a shared
 * Redis), stopped at the end with every node; the 1-node run of a system uses the same
 * configuration as its 2-node run (Redis included; Herald the same accounts and conversations,
 * set up once, the nodes relaunched), so the node count is the only difference;
 * CPU placement comes from machine.mjs's clusterCores and is recorded, as is the generator's.
 */
import { clusterUnavailable } from '../chaos/backend.mjs';
import { freePort, redisNode } from '../chaos/processes.mjs';
import { clusterCores } from '../machine.mjs';
import { heraldTarget } from '../targets/herald.mjs';
import { socketIoTarget } from '../targets/socketio.mjs';
import { runChat } from './chat.mjs';
import { runFanout } from './fanout.mjs';

/** Node counts measured for each system. */
export const CLUSTER_NODES = [1, 2];

/**
 * @typedef {object} ClusterOptions
 * @property {Array<'herald' | 'socketio'>} systems which systems to scale out
 * @property {import('../plan.mjs').Plan} plan
 * @property {import('../targets/target.mjs').Layout} layout
 * @property {{ loadgen: string | undefined }} pinning where pinCores put this process (restored at the end)
 * @property {boolean} pin whether pinning is allowed at all (--no-pin)
 * @property {string} repoRoot
 * @property {string} pgUrl
 * @property {boolean} loopStalls
 * @property {(line: string) => void} log
 */

/** @param {ClusterOptions} options @returns {Promise<import('../results.mjs').ClusterResult>} */
export async function runCluster({ systems, plan, layout, pinning, pin, repoRoot, pgUrl, loopStalls, log }) {
  const unavailable = await clusterUnavailable();
  if (unavailable) return { skipped: unavailable, placement: undefined, runs: [] };
  const redis = redisNode(await freePort());
  const maxNodes = Math.max(...CLUSTER_NODES);
  const clusterPlan = { ...plan, rates: plan.rates.slice(0, Math.max(1, plan.clusterRateSteps)) };
  const cores = clusterCores(pin, maxNodes, pinning);
  const placement = {
    pinned: cores.pinned,
    nodes: cores.nodes,
    loadgen: cores.loadgen,
    note: cores.pinned
      ? `node i on CPU i, load generator on CPU ${cores.loadgen}; PostgreSQL and Redis not pinned`
      : `not pinned: this machine has too few cores (or pinning is off) for ${maxNodes} nodes and a generator on a core each, ` +
        'so nodes, generator, PostgreSQL and Redis share the cores and the 2-node scaling is not judged',
  };
  /** @type {import('../results.mjs').ClusterRun[]} */
  const runs = [];
  try {
    await redis.start();
    const redisUrl = `redis://127.0.0.1:${redis.port}`;
    const redisPid = () => {
      const pid = redis.pid();
      return pid === undefined ? [] : [pid];
    };
    for (const system of systems) {
      const first = CLUSTER_NODES[0] ?? 1;
      const cluster = { redisUrl, cpus: cores.nodes.slice(0, first), extraDatabasePids: redisPid };
      const target =
        system === 'herald'
          ? heraldTarget({ database: 'postgres', cpus: undefined, repoRoot, pgUrl, loopStalls, log, cluster })
          : socketIoTarget({ cpus: undefined, loopStalls, cluster });
      try {
        for (const nodes of CLUSTER_NODES) {
          const noun = system === 'herald' ? (nodes > 1 ? 'nodes' : 'node') : nodes > 1 ? 'processes' : 'process';
          /** @type {import('../results.mjs').ClusterRun} */
          const run = { name: `${target.name}-${nodes}`, label: `${target.label}, ${nodes} ${noun}`, system, nodes };
          runs.push(run);
          log(`== cluster: ${run.label}`);
          try {
            const errorsBefore = target.errors().count;
            if (nodes === first) await target.start(layout);
            else if (target.relaunch) await target.relaunch(cores.nodes.slice(0, nodes));
            else throw new Error(`${target.name} cannot change its node count`);
            log(`  fan-out: ${plan.fanoutSubscribers} subscribers over ${nodes} ${noun}`);
            run.fanout = await runFanout(target, clusterPlan, log);
            log(`  chat: ${plan.chatClients} clients over ${nodes} ${noun}`);
            run.chat = await runChat(target, clusterPlan, layout.pairs);
            log(`  chat: p99 ${run.chat.latencyMs?.p99} ms, missing ${run.chat.missing}, servers ${run.chat.serverCpuPercent}% cpu`);
            const errors = target.errors();
            run.serverErrors = { count: errors.count - errorsBefore, first: errors.first };
          } catch (error) {
            run.error = error instanceof Error ? error.message : String(error);
            log(`!! cluster ${run.label} failed: ${run.error}`);
            break;
          }
        }
      } finally {
        await target.stop();
      }
    }
  } finally {
    await redis.kill();
    cores.restore();
  }
  return { placement, runs };
}
