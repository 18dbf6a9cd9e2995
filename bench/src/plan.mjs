/**
 * The sizes of a run. FULL is the benchmark (10k idle, 1k fan-out, 2k chat clients);
 * QUICK is a smoke-sized run finishing in well under a minute.
 * Invariant: QUICK exercises every code path FULL does, only with smaller numbers.
 */

/**
 * @typedef {object} Plan
 * @property {string} name
 * @property {number} users accounts Herald registers (argon2 makes each ~0.1 s of server CPU)
 * @property {number} connectConcurrency handshakes in flight while connecting
 * @property {number} warmupConnections opened and closed before the idle baseline
 * @property {number} idleConnections
 * @property {number} settleMs wait after connecting before reading RSS
 * @property {number} fanoutSubscribers sockets in the fan-out room
 * @property {number} fanoutMembers accounts those sockets belong to (round-robin)
 * @property {number[]} rates fan-out publish rates, msg/s
 * @property {number} stepMs length of one fan-out rate step
 * @property {number} drainMs how long a step waits for its last deliveries
 * @property {number} giveUpMs a step stops publishing once a message has waited this long
 * @property {number} stepRetries a fan-out step that is not sustained is measured again this many times (noise on a shared machine)
 * @property {number} chatClients sockets in the chat scenario (two per room)
 * @property {number} chatIntervalMs each chat client sends once per interval
 * @property {number} chatWarmupMs unmeasured chat traffic before the measured window
 * @property {number} chatMs measured chat window
 * @property {number} chatRounds measured chat windows; the row is the one with the median p99
 * @property {number} messageBytes chat text length
 * @property {number} clusterRateSteps how many of `rates` (from the first) the cluster scenario's fan-out may step through
 * @property {number} commitSamples timed single-row commits of each shape in the commit probe (commit-latency.mjs)
 */

/** @type {Plan} */
export const FULL = {
  name: 'full',
  users: 200,
  connectConcurrency: 200,
  warmupConnections: 200,
  idleConnections: 10_000,
  settleMs: 2000,
  fanoutSubscribers: 1000,
  fanoutMembers: 200,
  rates: [10, 20, 50, 100, 150, 200, 300, 500, 700, 1000],
  stepMs: 5000,
  drainMs: 5000,
  giveUpMs: 2000,
  stepRetries: 2,
  chatClients: 2000,
  chatIntervalMs: 2000,
  chatWarmupMs: 2000,
  chatMs: 10_000,
  chatRounds: 5,
  messageBytes: 64,
  clusterRateSteps: 10,
  commitSamples: 2000,
};

/** @type {Plan} */
export const QUICK = {
  name: 'quick',
  users: 6,
  connectConcurrency: 50,
  warmupConnections: 10,
  idleConnections: 200,
  settleMs: 300,
  fanoutSubscribers: 40,
  fanoutMembers: 6,
  rates: [20, 100],
  stepMs: 1000,
  drainMs: 3000,
  giveUpMs: 2000,
  stepRetries: 0,
  chatClients: 20,
  chatIntervalMs: 1000,
  chatWarmupMs: 300,
  chatMs: 1500,
  chatRounds: 1,
  messageBytes: 64,
  // One step per system and node count keeps the quick run's four cluster runs short.
  clusterRateSteps: 1,
  commitSamples: 200,
};
