/**
 * The issue's targets, checked against one run's results. Each goal says what was compared,
 * the two numbers, and met / not met / n/a (a side is missing from the run).
 * Fan-out CPU per delivery is compared at the highest rate that every server carried: it kept up
 * with the offered rate and delivered every message (latency aside: CPU per delivery is about work,
 * not about queueing), where fixed per-second costs (timers, pings) weigh least; if there is none,
 * at the first rate. A step that fell behind and stopped publishing early (`gaveUp`) delivered all
 * it sent but did not carry the rate, and an overloaded server's cost per delivery is not its cost
 * at that rate.
 * Against the durable peer (Socket.IO + PostgreSQL), CPU per delivery is the server's plus every
 * postgres process's over the same window (both sides' database work counted the same way), and
 * fan-out compares at the highest rate both carried. The commit floor compares Herald's chat p99
 * above plain Socket.IO's with the p99 of one autocommitted single-row INSERT measured in the same
 * run. Cluster goals use the 2-node runs; the scaling goal is n/a when the nodes and the generator
 * did not have a core each (placement not pinned), since it would measure the shared cores.
 * Every goal says by how much: Herald's value as a multiple of the reference's (`by`).
 */

/** @typedef {import('../results.mjs').TargetResult | undefined} Result */
/** @typedef {import('../results.mjs').Goal} Goal */

/**
 * @param {Record<string, import('../results.mjs').TargetResult>} byTarget results keyed by target name
 * @param {{ commit?: import('../results.mjs').RunResult['commit'], cluster?: import('../results.mjs').ClusterResult }} [extra] the commit probe and scenario D
 * @returns {Goal[]}
 */
export function checkGoals(byTarget, extra = {}) {
  const herald = byTarget['herald-sqlite'];
  const raw = byTarget['raw-ws'];
  const sio = byTarget.socketio;
  const goals = [];
  const fanoutRate = commonFanoutRate([herald, raw, sio]);
  const cpuAt = (/** @type {Result} */ t) => t?.fanout?.steps?.find((s) => s.rate === fanoutRate)?.serverCpuUsPerDelivery ?? null;
  goals.push(ratio(`fan-out server CPU µs/delivery at ${fanoutRate} msg/s`, 'Herald (SQLite)', cpuAt(herald), 'raw ws', cpuAt(raw), 1.2));
  goals.push(
    ratio(`fan-out server CPU µs/delivery at ${fanoutRate} msg/s`, 'Herald (SQLite)', cpuAt(herald), 'Socket.IO', cpuAt(sio), 0.7),
  );
  const maxRate = (/** @type {Result} */ t) => t?.fanout?.maxSustainedRate ?? null;
  goals.push(atLeast('highest sustained fan-out rate (msg/s)', 'Herald (SQLite)', maxRate(herald), 'raw ws', maxRate(raw)));
  const rss = (/** @type {Result} */ t) => t?.idle?.rssPerConnectionKiB ?? null;
  goals.push(ratio('idle RSS per connection (KiB)', 'Herald (SQLite)', rss(herald), 'raw ws', rss(raw), 1.3));
  const p99 = (/** @type {Result} */ t) => (t?.chat?.complete ? t.chat.latencyMs.p99 : null);
  goals.push(ratio('chat p99 (ms), SQLite', 'Herald (SQLite)', p99(herald), 'Socket.IO', p99(sio), 1));
  goals.push(ratio('chat p99 (ms), PostgreSQL', 'Herald (PostgreSQL)', p99(byTarget['herald-postgres']), 'Socket.IO', p99(sio), 1));
  goals.push(...durablePeerGoals(byTarget, extra.commit));
  goals.push(...clusterGoals(extra.cluster));
  return goals;
}

/**
 * Herald on PostgreSQL against Socket.IO + PostgreSQL, and against one commit.
 * @param {Record<string, import('../results.mjs').TargetResult>} byTarget @param {import('../results.mjs').RunResult['commit']} commit
 * @returns {Goal[]}
 */
function durablePeerGoals(byTarget, commit) {
  const herald = byTarget['herald-postgres'];
  const peer = byTarget['socketio-postgres'];
  const sio = byTarget.socketio;
  const p99 = (/** @type {Result} */ t) => (t?.chat?.complete ? t.chat.latencyMs.p99 : null);
  /** Server + database CPU µs per delivery of one window. @param {import('../results.mjs').WindowResult | undefined} w */
  const withDb = (w) => (w?.serverCpuUsPerDelivery == null ? null : round2(w.serverCpuUsPerDelivery + (w.databaseCpuUsPerDelivery ?? 0)));
  const rate = commonFanoutRate([herald, peer]);
  const fanoutCpu = (/** @type {Result} */ t) => withDb(t?.fanout?.steps?.find((s) => s.rate === rate));
  const chatCpu = (/** @type {Result} */ t) => (t?.chat?.complete ? withDb(t.chat) : null);
  const sioPeer = 'Socket.IO + PostgreSQL';
  const goals = [
    ratio('chat p99 (ms), durable peer', 'Herald (PostgreSQL)', p99(herald), sioPeer, p99(peer), 0.8),
    ratio(
      `fan-out CPU µs/delivery at ${rate} msg/s, server + postgres`,
      'Herald (PostgreSQL)',
      fanoutCpu(herald),
      sioPeer,
      fanoutCpu(peer),
      0.7,
    ),
    ratio('chat CPU µs/delivery, server + postgres', 'Herald (PostgreSQL)', chatCpu(herald), sioPeer, chatCpu(peer), 0.7),
  ];
  const heraldP99 = p99(herald);
  const sioP99 = p99(sio);
  const commitP99 = commit && 'statement' in commit ? commit.statement.p99 : null;
  const above = heraldP99 === null || sioP99 === null ? null : round2(heraldP99 - sioP99);
  goals.push(
    ratio('chat p99 above Socket.IO (ms), PostgreSQL', 'Herald (PostgreSQL) − Socket.IO', above, 'one commit p99', commitP99, 1.5),
  );
  return goals;
}

/** Scenario D's two targets. @param {import('../results.mjs').ClusterResult | undefined} cluster @returns {Goal[]} */
function clusterGoals(cluster) {
  const run = (/** @type {string} */ name) => cluster?.runs.find((r) => r.name === name);
  const p99 = (/** @type {import('../results.mjs').ClusterRun | undefined} */ r) => (r?.chat?.complete ? r.chat.latencyMs.p99 : null);
  const rate = (/** @type {import('../results.mjs').ClusterRun | undefined} */ r) => (r?.fanout ? r.fanout.maxSustainedRate : null);
  const chat = ratio(
    'cluster chat p99 (ms), 2 nodes',
    'Herald, 2 nodes',
    p99(run('herald-cluster-2')),
    'Socket.IO + Redis, 2 processes',
    p99(run('socketio-redis-2')),
    1,
  );
  const one = rate(run('herald-cluster-1'));
  const scaling = atLeast(
    'cluster fan-out highest sustained msg/s, 2 nodes',
    'Herald, 2 nodes',
    rate(run('herald-cluster-2')),
    'Herald, 1 node',
    one,
    1.6,
  );
  if (cluster?.placement && !cluster.placement.pinned) {
    scaling.met = null;
    scaling.note = 'not judged: nodes and load generator shared the cores (see the cluster placement)';
  }
  return [chat, scaling];
}

/** @param {Result[]} targets */
function commonFanoutRate(targets) {
  // Only the servers that ran fan-out: one left out of the run has no say in the rate.
  const ran = targets.filter((t) => t?.fanout);
  const carried = ran.map((t) => new Set((t?.fanout?.steps ?? []).filter((s) => s.complete && !s.gaveUp).map((s) => s.rate)));
  const all = ran.flatMap((t) => (t?.fanout?.steps ?? []).map((s) => s.rate));
  const common = all.filter((rate) => carried.every((set) => set.has(rate)));
  return common.length ? Math.max(...common) : all.length ? Math.min(...all) : 0;
}

/**
 * Herald's value must be at most `factor` times the reference's.
 * @param {string} goal @param {string} herald @param {number | null} heraldValue
 * @param {string} reference @param {number | null} referenceValue @param {number} factor @returns {Goal}
 */
function ratio(goal, herald, heraldValue, reference, referenceValue, factor) {
  return compared(goal, herald, heraldValue, reference, referenceValue, '≤', factor);
}

/**
 * Herald's value must be at least `factor` times the reference's.
 * @param {string} goal @param {string} herald @param {number | null} heraldValue
 * @param {string} reference @param {number | null} referenceValue @param {number} [factor] @returns {Goal}
 */
function atLeast(goal, herald, heraldValue, reference, referenceValue, factor = 1) {
  return compared(goal, herald, heraldValue, reference, referenceValue, '≥', factor);
}

/**
 * @param {string} goal @param {string} herald @param {number | null} heraldValue
 * @param {string} reference @param {number | null} referenceValue @param {'≤' | '≥'} op @param {number} factor @returns {Goal}
 */
function compared(goal, herald, heraldValue, reference, referenceValue, op, factor) {
  const met =
    heraldValue === null || referenceValue === null
      ? null
      : op === '≤'
        ? heraldValue <= referenceValue * factor
        : heraldValue >= referenceValue * factor;
  return {
    goal,
    herald,
    herald_value: heraldValue,
    reference,
    reference_value: referenceValue,
    limit: factor === 1 && op === '≥' ? `≥ ${reference}` : `${op} ${factor}× ${reference}`,
    met,
    by: times(heraldValue, referenceValue),
  };
}

/** "0.87×": Herald's value over the reference's, or null when either is missing or the reference is 0. @param {number | null} value @param {number | null} reference */
function times(value, reference) {
  return value === null || reference === null || reference === 0 ? null : `${round2(value / reference)}×`;
}

const round2 = (/** @type {number} */ n) => Math.round(n * 100) / 100;
