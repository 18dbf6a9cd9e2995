/**
 * The counts of one fuzz run on one backend: frames sent, replies, error codes, close codes, and
 * every invariant breach by category with its first examples (the frame as sent and what came
 * back, cut to a readable length).
 * Invariant: a breach is never dropped: the count is exact even when only the first examples are kept.
 */

/**
 * @typedef {object} Tally
 * @property {number} frames fuzz payloads sent (each frame of a burst counts)
 * @property {number} replies replies received (ack, error, heartbeat, connected)
 * @property {number} pushes other server frames received (new_message, presence_update...)
 * @property {number} connections sockets opened by the fuzz sockets
 * @property {number} cut requests whose reply a documented close took the place of (4008 after a strike, 1009, 1007)
 * @property {Record<string, number>} codes replies by kind (`ack`, `heartbeat`, `connected`) and error code
 * @property {Record<string, number>} closes close codes the server sent the fuzz sockets
 * @property {Record<string, number>} kinds payloads by kind (valid, mutated, garbage, binary...)
 * @property {Record<string, { count: number, examples: string[] }>} breaches
 */

/** @returns {Tally} */
export function newTally() {
  return { frames: 0, replies: 0, pushes: 0, connections: 0, cut: 0, codes: {}, closes: {}, kinds: {}, breaches: {} };
}

/** @param {Record<string, number>} counts @param {string} key */
export function bump(counts, key, by = 1) {
  counts[key] = (counts[key] ?? 0) + by;
}

const EXAMPLES = 5;

/** Show a payload or reply readably: escapes for control and lone surrogates, cut in the middle. @param {unknown} value */
export function shown(value, max = 300) {
  const text =
    typeof value === 'string'
      ? value
      : Buffer.isBuffer(value)
        ? `<${value.byteLength} bytes: ${value.subarray(0, 60).toString('hex')}…>`
        : JSON.stringify(value);
  const safe = JSON.stringify(text ?? String(value)).slice(1, -1);
  return safe.length <= max ? safe : `${safe.slice(0, max / 2)}…(${safe.length} chars)…${safe.slice(-max / 4)}`;
}

/** Record an invariant breach. @param {Tally} tally @param {string} category @param {string} example */
export function breach(tally, category, example) {
  tally.breaches[category] ??= { count: 0, examples: [] };
  const entry = tally.breaches[category];
  entry.count++;
  if (entry.examples.length < EXAMPLES) entry.examples.push(example);
}

/** Total breaches. @param {Tally} tally */
export const breachCount = (tally) => Object.values(tally.breaches).reduce((n, b) => n + b.count, 0);
