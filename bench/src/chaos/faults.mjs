/**
 * The soak's fault injector: at random moments (seeded), one fault of an enabled kind —
 * `cut` (one client's proxy resets its connections), `stall` (one client's proxy black-holes
 * traffic for a while: half-open), `kill` (kill -9 of a server node, restarted after a pause; on
 * the cluster its clients' proxies point at the other node meanwhile, as a load balancer would),
 * `redis` (the dedicated redis-server killed and started again on its port after a pause).
 * Invariants: at most one process fault (kill, redis) at a time; `stop()` ends every fault in
 * progress and resolves only when every node and Redis run again and no proxy is stalled; every
 * fault is recorded as a window (kind, start, end, clients affected) for the cost report.
 */

/** @typedef {'cut' | 'stall' | 'kill' | 'redis'} FaultKind */
/** @typedef {{ kind: FaultKind, start: number, end: number, clients: number[] | 'all' }} FaultWindow */

export const FAULT_KINDS = /** @type {const} */ (['cut', 'stall', 'kill', 'redis']);

/**
 * @param {{ kinds: FaultKind[], rng: import('./rng.mjs').Rng, clients: import('./load.mjs').SoakClient[],
 *           nodes: import('./processes.mjs').Killable[], redis: import('./processes.mjs').Killable | undefined,
 *           everyMs: [number, number], stallMs: [number, number], downMs: [number, number], log: (line: string) => void }} options
 */
export function startFaults({ kinds, rng, clients, nodes, redis, everyMs, stallMs, downMs, log }) {
  /** @type {FaultWindow[]} */
  const windows = [];
  /** @type {Record<string, number>} */
  const counts = {};
  /** Stalls that ended (restored) before the client replaced its socket, and stalls the quiesce ended. */
  const stalls = { undetected: 0, endedByQuiesce: 0 };
  /** @type {Set<Promise<void>>} */
  const running = new Set();
  /** @type {Set<ReturnType<typeof setTimeout>>} */
  const stallTimers = new Set();
  let processFault = false;
  let stopping = false;
  /** @type {(() => void) | undefined} */
  let wake;
  const pause = (/** @type {number} */ ms) =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve(undefined);
      };
    });
  const available = kinds.filter((kind) => kind !== 'redis' || redis !== undefined);
  /** @param {Promise<void>} work */
  const track = (work) => {
    const tracked = work
      .catch((error) => log(`fault failed: ${error instanceof Error ? error.message : error}`))
      .finally(() => running.delete(tracked));
    running.add(tracked);
  };

  /** @param {FaultKind} kind */
  const inject = (kind) => {
    counts[kind] = (counts[kind] ?? 0) + 1;
    const start = Date.now();
    if (kind === 'cut') {
      // Not a stalled client: its reconnect would pass for a half-open detection.
      const open = clients.filter((c) => !c.proxy.stalled());
      if (open.length === 0) return;
      const target = rng.pick(open);
      target.proxy.cut();
      windows.push({ kind, start, end: start, clients: [target.index] });
      return;
    }
    if (kind === 'stall') {
      const idle = clients.filter((c) => !c.proxy.stalled());
      if (idle.length === 0) return;
      const target = rng.pick(idle);
      const ms = rng.int(stallMs[0], stallMs[1]);
      target.stalledAt = start;
      target.proxy.stall();
      /** @type {FaultWindow} */
      const window = { kind, start, end: start + ms, clients: [target.index] };
      windows.push(window);
      // Not tracked: stop() restores every proxy at once instead of waiting the stall out.
      const timer = setTimeout(() => {
        stallTimers.delete(timer);
        if (target.stalledAt === start) {
          stalls.undetected++; // the stall ended before the client noticed: held frames flow on
          target.stalledAt = undefined;
        }
        target.proxy.restore();
        window.end = Math.min(window.end, Date.now());
      }, ms);
      stallTimers.add(timer);
      return;
    }
    processFault = true;
    const ms = rng.int(downMs[0], downMs[1]);
    /** @type {FaultWindow} */
    const window = { kind, start, end: start, clients: 'all' };
    windows.push(window);
    if (kind === 'kill') {
      const victim = rng.int(0, nodes.length - 1);
      const node = /** @type {import('./processes.mjs').Killable} */ (nodes[victim]);
      const survivor = nodes.length > 1 ? nodes[(victim + 1) % nodes.length] : undefined;
      track(
        (async () => {
          await node.kill();
          log(`kill -9 ${node.label}; back in ${ms} ms`);
          if (survivor) for (const c of clients) if (c.node === victim) c.proxy.retarget(survivor.port);
          await new Promise((resolve) => setTimeout(resolve, ms));
          await node.start();
          for (const c of clients) if (c.node === victim) c.proxy.retarget(node.port);
          window.end = Date.now();
        })().finally(() => {
          processFault = false;
        }),
      );
      return;
    }
    const server = /** @type {import('./processes.mjs').Killable} */ (redis);
    track(
      (async () => {
        await server.kill();
        log(`redis-server killed; back in ${ms} ms`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        await server.start();
        window.end = Date.now();
      })().finally(() => {
        processFault = false;
      }),
    );
  };

  const loop = (async () => {
    while (!stopping && available.length > 0) {
      await pause(rng.int(everyMs[0], everyMs[1]));
      if (stopping) break;
      let kind = rng.pick(available);
      if ((kind === 'kill' || kind === 'redis') && processFault) kind = available.includes('cut') ? 'cut' : kind;
      if ((kind === 'kill' || kind === 'redis') && processFault) continue;
      inject(kind);
    }
  })();

  return {
    windows,
    counts,
    stalls,
    /** Stop injecting; wait for faults in progress to end (stalls restored, processes back). */
    async stop() {
      stopping = true;
      wake?.();
      await loop;
      for (const timer of stallTimers) clearTimeout(timer);
      for (const c of clients) {
        if (c.stalledAt !== undefined) stalls.endedByQuiesce++;
        const open = windows.find((w) => w.kind === 'stall' && w.end > Date.now() && w.clients !== 'all' && w.clients.includes(c.index));
        if (open) open.end = Date.now();
        c.stalledAt = undefined;
        if (c.proxy.stalled()) c.proxy.restore();
      }
      await Promise.all([...running]);
      for (const node of nodes) if (!node.running()) await node.start();
      if (redis && !redis.running()) await redis.start();
    },
  };
}
