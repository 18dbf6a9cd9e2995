/**
 * The shape of a run's JSON (bench/results/<plan>-latest.json), as JSDoc types for the code that
 * writes and reads it. Times are ms, CPU figures are of one core, sizes are as named.
 * Invariant: fields are only ever added, so older result files stay readable.
 */

/**
 * @typedef {object} LatencySummary
 * @property {number} samples
 * @property {number | null} p50
 * @property {number | null} p99
 * @property {number | null} max
 * @property {number | null} mean
 */

/**
 * @typedef {object} WindowResult one measured traffic window (see scenarios/measure.mjs)
 * @property {number} published
 * @property {number} expectedDeliveries
 * @property {number} delivered
 * @property {number} missing
 * @property {number} duplicates
 * @property {number} strays
 * @property {boolean} complete
 * @property {LatencySummary} latencyMs
 * @property {boolean} gaveUp the publisher stopped early because deliveries fell seconds behind
 * @property {number} droppedConnections connections the server ended during the window (e.g. Herald's slow-consumer close)
 * @property {number} deliveredPerSec
 * @property {number} serverCpuPercent
 * @property {number | null} serverCpuUsPerDelivery
 * @property {number} serverCpuWaitPercent
 * @property {number | null} databaseCpuPercent CPU of the database processes (PostgreSQL backends, every client's), null without one
 * @property {number | null} databaseCpuUsPerDelivery
 * @property {number} loadgenCpuPercent
 * @property {number} loadgenCpuWaitPercent
 * @property {ReturnType<typeof import('./loop-stalls.mjs').summariseStalls>} [loopStalls] the server's event-loop stalls in the window (under `--loop-stalls`)
 */

/**
 * @typedef {object} IdleResult
 * @property {number} connections
 * @property {number} failures
 * @property {string | undefined} firstError
 * @property {number} connectPerSec
 * @property {number} rssBeforeMiB
 * @property {number} rssAfterMiB
 * @property {number | null} rssPerConnectionKiB
 * @property {number | null} serverCpuUsPerConnection
 * @property {number} serverCpuWaitPercent
 * @property {number} loadgenCpuPercent
 * @property {number} loadgenCpuWaitPercent
 */

/** @typedef {WindowResult & { rate: number, sustained: boolean, attempts: number }} FanoutStep */

/**
 * @typedef {object} FanoutResult
 * @property {number} subscribers
 * @property {number} maxSustainedRate 0 when no step was sustained
 * @property {number | null} projectedRate msg/s one full core would carry at the CPU µs/delivery of the busiest complete step
 * @property {string} [firstDrop] why the first dropped connection was dropped, when one was
 * @property {FanoutStep[]} steps
 */

/** @typedef {WindowResult & { clients: number, rooms: number, rate: number, roundsP99: (number | null)[], roundsLongestStallMs?: (number | null)[] }} ChatResult the median round by p99 (latency, CPU), delivery counts over every round (scenarios/chat.mjs) */

/**
 * @typedef {object} TargetResult
 * @property {string} name
 * @property {string} label
 * @property {IdleResult} [idle]
 * @property {FanoutResult} [fanout]
 * @property {ChatResult} [chat]
 * @property {{ count: number, first: string | undefined }} [serverErrors]
 * @property {string} [error] why the target's run stopped (its finished scenarios are still reported)
 * @property {boolean} [skipped] the target could not run here (its database is unreachable): `error` says why
 */

/**
 * @typedef {object} ClusterRun one system at one node count in the cluster scenario (scenarios/cluster.mjs)
 * @property {string} name e.g. "herald-cluster-2", "socketio-redis-1"
 * @property {string} label
 * @property {'herald' | 'socketio'} system
 * @property {number} nodes
 * @property {FanoutResult} [fanout] server CPU summed over the nodes; database CPU = PostgreSQL (Herald) + Redis
 * @property {ChatResult} [chat]
 * @property {{ count: number, first: string | undefined }} [serverErrors]
 * @property {string} [error]
 */

/**
 * @typedef {object} ClusterResult
 * @property {string} [skipped] why the scenario did not run (no PostgreSQL or no redis-server)
 * @property {string} [error] why it stopped
 * @property {{ pinned: boolean, nodes: Array<string | undefined>, loadgen: string | undefined, note: string } | undefined} placement
 * @property {ClusterRun[]} runs
 */

/**
 * @typedef {object} Goal
 * @property {string} goal
 * @property {string} herald
 * @property {number | null} herald_value
 * @property {string} reference
 * @property {number | null} reference_value
 * @property {string} limit
 * @property {boolean | null} met null when a side is missing (or, with `note`, when the run cannot judge it)
 * @property {string | null} [by] Herald's value as a multiple of the reference's, e.g. "0.87×"
 * @property {string} [note] why a goal is not judged
 */

/**
 * @typedef {object} RunResult
 * @property {string} command
 * @property {string} startedAt
 * @property {number} elapsedSeconds
 * @property {ReturnType<typeof import('./machine.mjs').machineInfo>} machine
 * @property {{ server: string | undefined, loadgen: string | undefined }} pinning
 * @property {string | undefined} note
 * @property {import('./plan.mjs').Plan} plan
 * @property {TargetResult[]} targets
 * @property {import('./commit-latency.mjs').CommitLatency | { error: string }} [commit] one durable commit alone (when a PostgreSQL target ran)
 * @property {ClusterResult} [cluster] scenario D (when asked for)
 * @property {Goal[]} goals
 */

export {};
