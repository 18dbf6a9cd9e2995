/**
 * The soak's fault injector: at random moments (seeded), one fault of an enabled kind —
 * `cut` (one client's proxy resets its connections), `stall` (one client's proxy black-holes its
 * open connection for a while, both directions: a half-open socket; new connections work), `kill`
 * (kill -9 of a server node, restarted after a pause; on the cluster its clients' proxies point at
 * the other node meanwhile, as a load balancer would), `redis` (the dedicated redis-server killed
 * and started again on its port after a pause).
 * Every fault is recorded as a window (kind, start, end, clients affected) for the cost report; a
 * window ends when the fault's effect has: a cut when its client is connected again, a stall when
 * the proxy forwards again or the client replaced its socket (whichever first), a kill when the
 * node is back and every client it had is connected again, a Redis restart when every node's bus
 * is up again with nothing queued. Each process fault also records its recovery times.
 * Invariants: at most one process fault (kill, redis) at a time, until the previous one has
 * recovered; the schedule first strikes each enabled kind once (in a seeded order) and then picks
 * at random, so a short run covers every kind; a stall only hits a client whose SDK says
 * `connected` (a client already reconnecting would open its next socket at once and pass for a
 * detection); `stop()` ends every fault in progress and resolves only when every node and Redis
 * run again and no proxy is stalled.
 */

/** @typedef {'cut' | 'stall' | 'kill' | 'redis'} FaultKind */
/** @typedef {{ kind: FaultKind, start: number, end: number, clients: number[] | 'all' }} FaultWindow */
/**
 * A process fault's recovery, ms. kill: `downMs` from the kill to the node serving again,
 * `reconnectedMs` from the kill to the last of its clients connected again (on the cluster they
 * move to the other node; a client whose socket is half-open at the kill is left to its stall),
 * `afterBackMs` from the node serving again to that moment (0 when they
 * were all back before it), `clients` how many it had. redis: `downMs`, and `busBackMs` from
 * redis-server serving again to every node's bus up with nothing queued. A field is null when
 * that moment did not come within RECOVERY_TIMEOUT_MS.
 * @typedef {{ kind: 'kill', node: string, downMs: number, clients: number, reconnectedMs: number | null, afterBackMs: number | null }
 *   | { kind: 'redis', downMs: number, busBackMs: number | null }} Recovery
 */

export const FAULT_KINDS = /** @type {const} */ (['cut', 'stall', 'kill', 'redis']);

/** Longest wait for a fault's effect to end before its window is closed anyway. */
const RECOVERY_TIMEOUT_MS = 60_000;

/**
 * @param {{ kinds: FaultKind[], rng: import('./rng.mjs').Rng, clients: import('./load.mjs').SoakClient[],
 *           nodes: import('./processes.mjs').Killable[], redis: import('./processes.mjs').Killable | undefined,
 *           everyMs: [number, number], stallMs: [number, number], downMs: [number, number], log: (line: string) => void }} options
 */
export function startFaults({ kinds, rng, clients, nodes, redis, everyMs, stallMs, downMs, log }) {
  /** @type {FaultWindow[]} */
  const windows = [];
  /** @type {Recovery[]} */
  const recoveries = [];
  /** @type {Record<string, number>} */
  const counts = {};
  /** Stalls that ended (restored) before the client replaced its socket, and stalls the quiesce ended. */
  const stalls = { undetected: 0, endedByQuiesce: 0 };
  /** @type {Set<Promise<void>>} */
  const running = new Set();
  /** @type {Set<ReturnType<typeof setTimeout>>} */
  const stallTimers = new Set();
  /** Windows whose end is still awaited: stop() closes them. @type {Set<FaultWindow>} */
  const open = new Set();
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
  /** @param {FaultWindow} window @param {number} at */
  const close = (window, at) => {
    if (!open.delete(window)) return;
    window.end = at;
  };

  /** Strike `kind` now; false when it found nothing to strike (then it is not counted). @param {FaultKind} kind @returns {boolean} */
  const inject = (kind) => {
    const start = Date.now();
    if (kind === 'cut') {
      // Not a stalled client: its reconnect would pass for a half-open detection.
      const targets = clients.filter((c) => !c.proxy.stalled());
      if (targets.length === 0) return false;
      const target = rng.pick(targets);
      /** @type {FaultWindow} */
      const window = { kind, start, end: start, clients: [target.index] };
      windows.push(window);
      open.add(window);
      const connects = target.connects;
      target.proxy.cut();
      target.connectedAgain(connects, RECOVERY_TIMEOUT_MS).then((at) => close(window, at ?? Date.now()));
      counts[kind] = (counts[kind] ?? 0) + 1;
      return true;
    }
    if (kind === 'stall') {
      const targets = clients.filter((c) => !c.proxy.stalled() && c.client.getState().status === 'connected');
      if (targets.length === 0) return false;
      const target = rng.pick(targets);
      const ms = rng.int(stallMs[0], stallMs[1]);
      /** @type {FaultWindow} */
      const window = { kind, start, end: start + ms, clients: [target.index] };
      windows.push(window);
      open.add(window);
      target.stalledAt = start;
      target.stallNoticed = false;
      target.proxy.stall();
      // Replaced: from then on the client is served again over its new socket.
      target.connectedAgain(target.connects, ms).then((at) => {
        if (at !== undefined) close(window, at);
      });
      // Not tracked: stop() restores every proxy at once instead of waiting the stall out.
      const timer = setTimeout(() => {
        stallTimers.delete(timer);
        if (target.stalledAt === start) {
          stalls.undetected++; // the stall ended before the client noticed: held frames flow on
          target.stalledAt = undefined;
        }
        target.proxy.restore();
        close(window, Date.now());
      }, ms);
      stallTimers.add(timer);
      counts[kind] = (counts[kind] ?? 0) + 1;
      return true;
    }
    processFault = true;
    counts[kind] = (counts[kind] ?? 0) + 1;
    const ms = rng.int(downMs[0], downMs[1]);
    /** @type {FaultWindow} */
    const window = { kind, start, end: start, clients: 'all' };
    windows.push(window);
    open.add(window);
    if (kind === 'kill') {
      const victim = rng.int(0, nodes.length - 1);
      const node = /** @type {import('./processes.mjs').Killable} */ (nodes[victim]);
      const survivor = nodes.length > 1 ? nodes[(victim + 1) % nodes.length] : undefined;
      // Its clients: those with a connection to it now (after earlier kills, not only its own), not
      // counting a half-open one (the stall accounts for that client).
      const affected = clients.filter((c) => c.proxy.connectedTo(node.port)).map((c) => ({ c, connects: c.connects }));
      track(
        (async () => {
          await node.kill();
          log(`kill -9 ${node.label}; back in ${ms} ms`);
          if (survivor) for (const c of clients) if (c.node === victim) c.proxy.retarget(survivor.port);
          const reconnected = Promise.all(affected.map(({ c, connects }) => c.connectedAgain(connects, RECOVERY_TIMEOUT_MS)));
          await new Promise((resolve) => setTimeout(resolve, ms));
          await node.start();
          const back = Date.now();
          for (const c of clients) if (c.node === victim) c.proxy.retarget(node.port);
          const times = await reconnected;
          const last = times.includes(undefined) ? null : Math.max(back, ...times.map(Number));
          recoveries.push({
            kind,
            node: node.label,
            downMs: back - start,
            clients: affected.length,
            reconnectedMs: last === null ? null : Math.max(start, ...times.map(Number)) - start,
            afterBackMs: last === null ? null : last - back,
          });
          close(window, last ?? Date.now());
        })().finally(() => {
          processFault = false;
        }),
      );
      return true;
    }
    const server = /** @type {import('./processes.mjs').Killable} */ (redis);
    track(
      (async () => {
        await server.kill();
        log(`redis-server killed; back in ${ms} ms`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        await server.start();
        const back = Date.now();
        const up = await busesUp(nodes, back + RECOVERY_TIMEOUT_MS);
        recoveries.push({ kind, downMs: back - start, busBackMs: up === undefined ? null : up - back });
        close(window, up ?? Date.now());
      })().finally(() => {
        processFault = false;
      }),
    );
    return true;
  };

  const isProcess = (/** @type {FaultKind} */ kind) => kind === 'kill' || kind === 'redis';
  // Each kind once first (seeded order), so even a short run sees every kind; random after that.
  /** @type {FaultKind[]} */
  const unseen = [...available];
  for (let i = unseen.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [unseen[i], unseen[j]] = [/** @type {FaultKind} */ (unseen[j]), /** @type {FaultKind} */ (unseen[i])];
  }
  /** The next kind to strike, or undefined when none can strike now (a process fault is running). @returns {FaultKind | undefined} */
  const nextKind = () => {
    const fresh = unseen.find((kind) => !(isProcess(kind) && processFault));
    if (fresh) return fresh;
    const kind = rng.pick(available);
    if (!(isProcess(kind) && processFault)) return kind;
    return available.find((k) => !isProcess(k));
  };

  /** @type {() => void} */
  let everyKindStruck = () => undefined;
  /** Resolves once each kind has struck at least once. */
  const struck = new Promise((resolve) => {
    everyKindStruck = () => resolve(undefined);
  });
  if (unseen.length === 0) everyKindStruck();

  const loop = (async () => {
    while (!stopping && available.length > 0) {
      await pause(rng.int(everyMs[0], everyMs[1]));
      if (stopping) break;
      const kind = nextKind();
      if (kind && inject(kind) && unseen.includes(kind)) {
        unseen.splice(unseen.indexOf(kind), 1);
        if (unseen.length === 0) everyKindStruck();
      }
    }
  })();

  return {
    windows,
    counts,
    /** Resolves once every enabled kind has struck (a slow recovery can hold the first round up). */
    struck,
    stalls,
    recoveries,
    /** Stop injecting; wait for faults in progress to end (stalls restored, processes back and recovered). */
    async stop() {
      stopping = true;
      wake?.();
      await loop;
      for (const timer of stallTimers) clearTimeout(timer);
      for (const c of clients) {
        if (c.stalledAt !== undefined) stalls.endedByQuiesce++;
        c.stalledAt = undefined;
        if (c.proxy.stalled()) c.proxy.restore();
      }
      for (const window of [...open]) if (window.kind === 'stall') close(window, Date.now());
      await Promise.all([...running]);
      for (const node of nodes) if (!node.running()) await node.start();
      if (redis && !redis.running()) await redis.start();
      // A cut whose client is not back yet: its window ends with the fault phase.
      for (const window of [...open]) close(window, Date.now());
    },
  };
}

/**
 * When every node reports its bus up with nothing queued for the others (GET /api/v1/health), or
 * undefined at `deadline`. Polled: the health report is the only outside view of the bus.
 * @param {import('./processes.mjs').Killable[]} nodes @param {number} deadline @returns {Promise<number | undefined>}
 */
async function busesUp(nodes, deadline) {
  while (Date.now() < deadline) {
    const states = await Promise.all(
      nodes.map(async (node) => {
        try {
          const response = await fetch(`http://127.0.0.1:${node.port}/api/v1/health`, { signal: AbortSignal.timeout(1000) });
          const body = /** @type {{ checks?: { bus?: { ok?: boolean, queued?: number } } }} */ (await response.json());
          return body.checks?.bus?.ok === true && (body.checks.bus.queued ?? 0) === 0;
        } catch {
          return false;
        }
      }),
    );
    if (states.every(Boolean)) return Date.now();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return undefined;
}
