/**
 * The seam between scenarios and servers. A scenario only asks a Target for clients in rooms and
 * publishes text; each target maps that onto its own protocol (Herald frames, Socket.IO events,
 * raw frames). Every target echoes a message to every socket in its room, sender included.
 * Invariants: a client calls `onDeliver` once per delivered chat message, with the id the text
 * carries (see delivery-ledger.mjs); clients read only what they must (the id, and control frames
 * while connecting), so the load generator's cost per delivery stays as low as each protocol allows.
 */

/** @typedef {{ kind: 'idle' } | { kind: 'fanout' } | { kind: 'pair', index: number }} Room */

/**
 * @typedef {object} Layout what the scenarios will ask for, so a target can create accounts and rooms up front
 * @property {number} users distinct accounts (clients of one user share them)
 * @property {number} fanoutMembers users 0..fanoutMembers-1 belong to the fan-out room
 * @property {Array<[number, number]>} pairs the two-person rooms of the chat scenario
 */

/**
 * @typedef {object} ClientSpec
 * @property {number} user which account the client signs in as
 * @property {Room} room the room it sends to and reads from
 * @property {(id: number) => void} onDeliver called for every chat message delivered to it, with the id its text carries
 * @property {(reason: string) => void} [onDrop] called if the server ends the connection after it was ready
 * @property {number} [slot] the client's place in its scenario (0, 1, 2, ...): a cluster target puts it on node `slot % nodes`
 */

/**
 * @typedef {object} BenchClient
 * @property {(text: string) => void} publish send a chat message to the client's room
 * @property {() => void} close drop the connection
 */

/**
 * @typedef {object} Target
 * @property {string} name stable id used in results ("herald-sqlite", "socketio", "raw-ws", ...)
 * @property {string} label human name for tables
 * @property {() => number} pid the measured server process (a cluster's first node)
 * @property {() => number[]} [serverPids] every measured server process (a cluster's nodes); `[pid()]` when absent
 * @property {() => number[]} databasePids processes doing its database work outside it (PostgreSQL backends), or none
 * @property {(layout: Layout) => Promise<void>} start create accounts and rooms, then start the measured server
 * @property {(spec: ClientSpec) => Promise<BenchClient>} connect open one client, resolved once it can send and receive
 * @property {() => { count: number, first: string | undefined }} errors error replies the server sent (Herald)
 * @property {() => Promise<void>} stop stop the server and remove its data
 * @property {(cpus: Array<string | undefined>) => Promise<void>} [relaunch] a cluster's: stop its nodes and start one per entry (taskset CPUs) on the same data
 * @property {() => import('../gc-trace.mjs').GcEvent[]} [gcEvents] the measured server's collections so far (Herald under `--gc-trace`)
 * @property {() => import('../loop-stalls.mjs').LoopStall[]} [stallEvents] the measured server's event-loop stalls so far (under `--loop-stalls`)
 */

/**
 * @typedef {object} ClusterOptions several server processes of one system behind one Redis
 * @property {string} redisUrl the Redis every node publishes through
 * @property {Array<string | undefined>} cpus one taskset CPU list per node (undefined = not pinned); its length is the node count
 * @property {() => number[]} [extraDatabasePids] processes doing the cluster's shared work (Redis), counted with its database CPU
 */

/** Every measured server process of a target (its nodes, when it is a cluster). @param {Target} target */
export function serverPidsOf(target) {
  return target.serverPids?.() ?? [target.pid()];
}

/** Room name for targets whose rooms are plain strings. */
export function roomName(/** @type {Room} */ room) {
  return room.kind === 'pair' ? `p${room.index}` : room.kind;
}

/**
 * Two-person rooms spread evenly over `users` accounts: pair p joins user p mod U with the user
 * `1 + floor(p / U)` places further on, so no pair repeats while that offset stays under U/2.
 * @param {number} count @param {number} users
 * @returns {Array<[number, number]>}
 */
export function pairUp(count, users) {
  if (Math.floor(count / users) + 1 >= users / 2) throw new Error(`${count} distinct pairs need more than ${users} users`);
  return Array.from({ length: count }, (_, p) => {
    const a = p % users;
    return [a, (a + 1 + Math.floor(p / users)) % users];
  });
}
