/**
 * The machine a run happened on, as docs/performance.md records it: cores, CPU model, memory,
 * Node version, and the load average at the start (a busy machine skews every number).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, totalmem } from 'node:os';

export function machineInfo() {
  const cpuinfo = safeRead('/proc/cpuinfo');
  return {
    nproc: availableParallelism(),
    cpuModel: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    kernel: safeRead('/proc/sys/kernel/osrelease').trim(),
    loadAverageAtStart: loadavg().map((n) => Math.round(n * 100) / 100),
    tasksetAvailable: commandExists('taskset'),
  };
}

/** @param {string} path */
function safeRead(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** True when `name` runs (checked with `name --version`). @param {string} name */
export function commandExists(name) {
  try {
    execFileSync(name, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * CPU placement: the server on core 0 and this process (the load generator) on core 1 when there
 * are two cores and taskset; otherwise nothing is pinned (and the report says so).
 * @param {boolean} enabled
 * @returns {{ server: string | undefined, loadgen: string | undefined }}
 */
export function pinCores(enabled) {
  if (!enabled || availableParallelism() < 2 || !commandExists('taskset')) return { server: undefined, loadgen: undefined };
  execFileSync('taskset', ['-a', '-c', '-p', '1', String(process.pid)], { stdio: 'ignore' });
  return { server: '0', loadgen: '1' };
}

/**
 * CPU placement of the cluster scenario, which needs a core per node plus one for the load
 * generator: with three or more cores (and taskset, and pinning enabled) node i runs on CPU i and
 * this process moves to CPU `nodes`; otherwise nothing is pinned and this process may run on any
 * core (the report says so: nodes and generator then share cores, so scaling is not judged).
 * `restore()` puts this process back where `pinCores` put it.
 * @param {boolean} enabled @param {number} nodes @param {{ loadgen: string | undefined }} pinning what pinCores returned
 * @returns {{ nodes: Array<string | undefined>, loadgen: string | undefined, pinned: boolean, restore: () => void }}
 */
export function clusterCores(enabled, nodes, pinning) {
  const cores = availableParallelism();
  const taskset = commandExists('taskset');
  const pinTo = (/** @type {string} */ cpus) => execFileSync('taskset', ['-a', '-c', '-p', cpus, String(process.pid)], { stdio: 'ignore' });
  const restore = () => {
    if (taskset && pinning.loadgen !== undefined) pinTo(pinning.loadgen);
  };
  if (enabled && taskset && cores >= nodes + 1) {
    const loadgen = String(nodes);
    pinTo(loadgen);
    return { nodes: Array.from({ length: nodes }, (_, i) => String(i)), loadgen, pinned: true, restore };
  }
  if (taskset && pinning.loadgen !== undefined) pinTo(`0-${cores - 1}`);
  return { nodes: Array.from({ length: nodes }, () => undefined), loadgen: undefined, pinned: false, restore };
}
