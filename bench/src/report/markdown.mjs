/**
 * Renders one run's results as Markdown: machine, idle (A), fan-out (B, every rate step),
 * chat (C), one commit alone, cluster (D), and the targets. The same text goes to stdout and into
 * docs/performance.md.
 */

/** @typedef {import('../results.mjs').RunResult} RunResult */

const cell = (/** @type {unknown} */ v) => (v === null || v === undefined || Number.isNaN(v) ? '–' : String(v));
/** "server wait % / load generator wait %": time each was runnable but another process had its CPU. */
const waits = (/** @type {{ serverCpuWaitPercent: number, loadgenCpuWaitPercent: number }} */ r) =>
  `${cell(r.serverCpuWaitPercent)} / ${cell(r.loadgenCpuWaitPercent)}`;
const verdict = (/** @type {boolean | null} */ b) => (b === null ? 'n/a' : b ? '**met**' : '**not met**');
/** Server CPU, plus the database's when there is one: `72.9 + 41.0 db`. */
const withDb = (/** @type {number | null} */ server, /** @type {number | null | undefined} */ db) =>
  db === null || db === undefined ? server : `${cell(server)} + ${db} db`;
/** "all", or what was missing and how many connections the server dropped. */
const delivered = (/** @type {{ missing: number, droppedConnections?: number }} */ r) =>
  [r.missing ? `${r.missing} missing` : 'all', r.droppedConnections ? `${r.droppedConnections} conns dropped` : '']
    .filter(Boolean)
    .join(', ');

/** @param {string[]} header @param {unknown[][]} rows */
function table(header, rows) {
  const line = (/** @type {unknown[]} */ cells) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}

/** @param {RunResult} run */
function header(run) {
  const m = run.machine;
  const pinning = run.pinning.server
    ? `Server pinned to CPU ${run.pinning.server}, load generator to CPU ${run.pinning.loadgen}.`
    : 'Nothing pinned.';
  const lines = [
    `Machine: ${m.nproc} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, Linux ${m.kernel}; ` +
      `load average at start ${m.loadAverageAtStart.join(' / ')}. ${pinning}`,
    `Plan: ${run.plan.name}. Command: \`${run.command}\`. Started ${run.startedAt}, took ${run.elapsedSeconds} s.`,
  ];
  if (run.note) lines.push(`Note: ${run.note}`);
  return lines;
}

/** @param {RunResult} run */
function idleSection(run) {
  const rows = run.targets.flatMap((t) =>
    t.idle
      ? [
          [
            t.label,
            t.idle.failures ? `${t.idle.connections} (${t.idle.failures} failed)` : t.idle.connections,
            t.idle.connectPerSec,
            t.idle.rssBeforeMiB,
            t.idle.rssAfterMiB,
            t.idle.rssPerConnectionKiB,
            t.idle.serverCpuUsPerConnection,
            t.idle.loadgenCpuPercent,
            waits(t.idle),
          ],
        ]
      : [],
  );
  if (!rows.length) return [];
  return [
    `\n**A. Idle** — ${run.plan.idleConnections} authenticated connections held open; RSS growth of the server process.\n`,
    table(
      [
        'server',
        'connections',
        'connect/s',
        'RSS before MiB',
        'RSS after MiB',
        'RSS/conn KiB',
        'server CPU µs/conn',
        'loadgen CPU %',
        'CPU wait % srv / lg',
      ],
      rows,
    ),
  ];
}

/** @param {RunResult} run */
function fanoutSection(run) {
  const results = run.targets.flatMap((t) => (t.fanout ? [{ label: t.label, fanout: t.fanout }] : []));
  if (!results.length) return [];
  const summary = results.map(({ label, fanout }) => {
    const best = fanout.steps.find((s) => s.rate === fanout.maxSustainedRate);
    return [
      label,
      fanout.maxSustainedRate,
      best ? withDb(best.serverCpuUsPerDelivery, best.databaseCpuUsPerDelivery) : null,
      best?.serverCpuPercent,
      best?.loadgenCpuPercent,
      fanout.projectedRate,
    ];
  });
  const steps = results.flatMap(({ label, fanout }) => fanout.steps.map((s) => fanoutStepRow(label, s)));
  return [
    `\n**B. Fan-out** — ${run.plan.fanoutSubscribers} subscribers in one room, one publisher, open-loop rate steps of ` +
      `${run.plan.stepMs / 1000} s; latency from the scheduled send time. Sustained = every copy delivered and p99 < 100 ms.\n`,
    table(
      [
        'server',
        'highest sustained msg/s',
        'CPU µs/delivery there',
        'server CPU % there',
        'loadgen CPU % there',
        'projected msg/s at 100 % of one core',
      ],
      summary,
    ),
    '',
    table([...LOAD_COLUMNS, 'sustained'], steps),
  ];
}

/** Columns shared by the fan-out steps and the chat table. */
const LOAD_COLUMNS = [
  'server',
  'msg/s',
  'delivered/s',
  'delivered',
  'p50 ms',
  'p99 ms',
  'max ms',
  'server CPU %',
  'CPU µs/delivery',
  'loadgen CPU %',
  'CPU wait % srv / lg',
];

/** @param {RunResult} run */
function chatSection(run) {
  const rows = run.targets.flatMap((t) =>
    t.chat
      ? [
          [
            t.label,
            t.chat.rate,
            t.chat.deliveredPerSec,
            delivered(t.chat),
            t.chat.latencyMs.p50,
            t.chat.latencyMs.p99,
            t.chat.latencyMs.max,
            withDb(t.chat.serverCpuPercent, t.chat.databaseCpuPercent),
            withDb(t.chat.serverCpuUsPerDelivery, t.chat.databaseCpuUsPerDelivery),
            t.chat.loadgenCpuPercent,
            waits(t.chat),
            (t.chat.roundsP99 ?? [t.chat.latencyMs.p99]).join(' / '),
          ],
        ]
      : [],
  );
  if (!rows.length) return [];
  const { chatClients, chatIntervalMs, chatMs } = run.plan;
  const rounds = run.plan.chatRounds ?? 1;
  return [
    `\n**C. Chat** — ${chatClients} clients in ${chatClients / 2} two-person rooms, each sending every ${chatIntervalMs / 1000} s ` +
      `(${chatClients / (chatIntervalMs / 1000)} msg/s, each delivered to both sockets of its room), ` +
      (rounds > 1
        ? `${rounds} rounds of ${chatMs / 1000} s measured; latency and CPU are the round with the median p99, delivery counts cover all rounds.\n`
        : `${chatMs / 1000} s measured.\n`),
    table([...LOAD_COLUMNS, 'p99 ms of each round'], rows),
  ];
}

/** @param {RunResult} run */
function problems(run) {
  return run.targets.flatMap((t) => {
    const lines = [];
    if (t.error) lines.push(`\n${t.label} ${t.skipped ? 'skipped' : 'failed'}: ${t.error}`);
    if (t.serverErrors?.count) lines.push(`\n${t.label}: ${t.serverErrors.count} error frames (first: ${t.serverErrors.first})`);
    return lines;
  });
}

/** @param {RunResult} run */
function commitSection(run) {
  const commit = run.commit;
  if (!commit) return [];
  if ('error' in commit) return [`\nOne commit alone: not measured (${commit.error}).`];
  const { statement: s, transaction: t } = commit;
  return [
    `\n**One commit alone** — ${s.samples} sequential single-row commits from the load generator to the same PostgreSQL ` +
      `(synchronous_commit ${commit.synchronousCommit}, fsync ${commit.fsync}), before any server ran.\n`,
    table(
      ['commit', 'p50 ms', 'p99 ms', 'max ms', 'mean ms'],
      [
        ['INSERT in autocommit (1 round trip)', s.p50, s.p99, s.max, s.mean],
        ['BEGIN; INSERT; COMMIT (3 round trips)', t.p50, t.p99, t.max, t.mean],
      ],
    ),
  ];
}

/** @param {RunResult} run */
function clusterSection(run) {
  const cluster = run.cluster;
  if (!cluster) return [];
  if (cluster.skipped) return [`\n**D. Cluster** — skipped: ${cluster.skipped}.`];
  const rows = cluster.runs.map((r) => {
    const best = r.fanout?.steps.find((s) => s.rate === r.fanout?.maxSustainedRate);
    return [
      r.label,
      r.fanout?.maxSustainedRate,
      best ? withDb(best.serverCpuUsPerDelivery, best.databaseCpuUsPerDelivery) : null,
      r.fanout?.projectedRate,
      r.chat ? delivered(r.chat) : null,
      r.chat?.latencyMs.p50,
      r.chat?.latencyMs.p99,
      r.chat ? withDb(r.chat.serverCpuUsPerDelivery, r.chat.databaseCpuUsPerDelivery) : null,
      r.chat?.loadgenCpuPercent,
      r.error ? `failed: ${r.error}` : r.serverErrors?.count ? `${r.serverErrors.count} errors (first: ${r.serverErrors.first})` : '',
    ];
  });
  const steps = cluster.runs.flatMap((r) => (r.fanout?.steps ?? []).map((s) => fanoutStepRow(r.label, s)));
  return [
    `\n**D. Cluster** — fan-out (B) and chat (C) against 1 and 2 nodes sharing one Redis (Herald: and PostgreSQL); ` +
      `client i connects to node i mod nodes. Server CPU is the nodes' sum; db is every postgres process (Herald) plus Redis. ` +
      `Placement: ${cluster.placement?.note ?? 'unknown'}.${cluster.error ? ` Stopped: ${cluster.error}.` : ''}\n`,
    table(
      [
        'system',
        'highest sustained fan-out msg/s',
        'fan-out CPU µs/delivery there',
        'projected msg/s at 100 % of one core',
        'chat delivered',
        'chat p50 ms',
        'chat p99 ms',
        'chat CPU µs/delivery',
        'chat loadgen CPU %',
        'problems',
      ],
      rows,
    ),
    '',
    table([...LOAD_COLUMNS, 'sustained'], steps),
  ];
}

/** @param {RunResult} run */
function goalsSection(run) {
  if (!run.goals.length) return [];
  return [
    '\n**Targets**\n',
    table(
      ['target', 'Herald', 'reference', 'limit', 'Herald ÷ reference', 'result'],
      run.goals.map((g) => [
        g.goal,
        `${g.herald}: ${cell(g.herald_value)}`,
        `${g.reference}: ${cell(g.reference_value)}`,
        g.limit,
        g.by,
        g.note ? `${verdict(g.met)} (${g.note})` : verdict(g.met),
      ]),
    ),
  ];
}

/** The whole report for one run. @param {RunResult} run */
export function renderMarkdown(run) {
  const sections = [
    ...header(run),
    ...idleSection(run),
    ...fanoutSection(run),
    ...chatSection(run),
    ...commitSection(run),
    ...clusterSection(run),
    ...problems(run),
    ...goalsSection(run),
  ];
  return `${sections.join('\n')}\n`;
}

/**
 * One fan-out step as a row of the steps tables (B, and D's per node count).
 * @param {string} label @param {import('../results.mjs').FanoutStep} s
 */
function fanoutStepRow(label, s) {
  return [
    label,
    s.rate,
    s.deliveredPerSec,
    delivered(s),
    s.latencyMs.p50,
    s.latencyMs.p99,
    s.latencyMs.max,
    withDb(s.serverCpuPercent, s.databaseCpuPercent),
    withDb(s.serverCpuUsPerDelivery, s.databaseCpuUsPerDelivery),
    s.loadgenCpuPercent,
    waits(s),
    `${s.sustained ? 'yes' : 'no'}${s.attempts > 1 ? ` (try ${s.attempts})` : ''}`,
  ];
}
