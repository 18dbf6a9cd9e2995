/**
 * The targets, checked against one run's results. Each goal says what was compared,
 * the two numbers, and met / not met / n/a (a side is missing from the run).
 * Fan-out CPU per delivery is compared at the highest rate that every server carried: it kept up
 * with the offered rate and delivered every message (latency aside: CPU per delivery is about work,
 * not about queueing), where fixed per-second costs (timers, pings) weigh least; if there is none,
 * at the first rate. A step that fell behind and stopped publishing early (`gaveUp`) delivered all
 * it sent but did not carry the rate, and an overloaded server's cost per delivery is not its cost
 * at that rate.
 */

/** @typedef {import('../results.mjs').TargetResult | undefined} Result */
/** @typedef {import('../results.mjs').Goal} Goal */

/** @param {Record<string, import('../results.mjs').TargetResult>} byTarget results keyed by target name @returns {Goal[]} */
export function checkGoals(byTarget) {
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
  return goals;
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
  const met = heraldValue === null || referenceValue === null ? null : heraldValue <= referenceValue * factor;
  return { goal, herald, herald_value: heraldValue, reference, reference_value: referenceValue, limit: `≤ ${factor}× ${reference}`, met };
}

/**
 * Herald's value must be at least the reference's.
 * @param {string} goal @param {string} herald @param {number | null} heraldValue
 * @param {string} reference @param {number | null} referenceValue @returns {Goal}
 */
function atLeast(goal, herald, heraldValue, reference, referenceValue) {
  const met = heraldValue === null || referenceValue === null ? null : heraldValue >= referenceValue;
  return { goal, herald, herald_value: heraldValue, reference, reference_value: referenceValue, limit: `≥ ${reference}`, met };
}
