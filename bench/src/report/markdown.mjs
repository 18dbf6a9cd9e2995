/**
 * Renders one run's results as Markdown: machine, idle (A), fan-out (B, every rate step),
 * chat (C), and the targets. The same text goes to stdout and into docs/performance.md.
 */

const cell = (v) => (v === null || v === undefined || Number.isNaN(v) ? '–' : String(v));
/** "cpu% / wait%" of server and load generator, e.g. `3.1 / 0.2`. */
const waits = (r) => `${cell(r.serverCpuWaitPercent)} / ${cell(r.loadgenCpuWaitPercent)}`;
const yes = (b) => (b === null ? 'n/a' : b ? '**met**' : '**not met**');

function table(header, rows) {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join(
    '\n',
  );
}

/** @param {any} run the JSON the CLI writes */
export function renderMarkdown(run) {
  const m = run.machine;
  const out = [];
  out.push(
    `Machine: ${m.nproc} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, Linux ${m.kernel}; ` +
      `load average at start ${m.loadAverageAtStart.join(' / ')}. ` +
      (run.pinning.server
        ? `Server pinned to CPU ${run.pinning.server}, load generator to CPU ${run.pinning.loadgen}.`
        : 'Nothing pinned.'),
  );
  out.push(`Plan: ${run.plan.name}. Command: \`${run.command}\`. Started ${run.startedAt}, took ${run.elapsedSeconds} s.`);
  if (run.note) out.push(`Note: ${run.note}`);
  const targets = run.targets;

  const idle = targets.filter((t) => t.idle);
  if (idle.length) {
    out.push(`\n**A. Idle** — authenticated connections held open; RSS growth of the server process.\n`);
    out.push(
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
        idle.map((t) => [
          t.label,
          t.idle.failures ? `${t.idle.connections} (${t.idle.failures} failed)` : t.idle.connections,
          t.idle.connectPerSec,
          t.idle.rssBeforeMiB,
          t.idle.rssAfterMiB,
          t.idle.rssPerConnectionKiB,
          t.idle.serverCpuUsPerConnection,
          t.idle.loadgenCpuPercent,
          waits(t.idle),
        ]),
      ),
    );
  }

  const fan = targets.filter((t) => t.fanout);
  if (fan.length) {
    const subs = fan[0].fanout.subscribers;
    out.push(
      `\n**B. Fan-out** — ${subs} subscribers in one room, one publisher, open-loop rate steps of ${run.plan.stepMs / 1000} s; ` +
        `latency from the scheduled send time. Sustained = every copy delivered and p99 < 100 ms.\n`,
    );
    out.push(
      table(
        ['server', 'highest sustained msg/s', 'CPU µs/delivery at that rate'],
        fan.map((t) => {
          const best = t.fanout.steps?.find((s) => s.rate === t.fanout.maxSustainedRate);
          return [t.label, t.fanout.error ? `error: ${t.fanout.error}` : t.fanout.maxSustainedRate, best?.serverCpuUsPerDelivery];
        }),
      ),
    );
    out.push('');
    const rows = [];
    for (const t of fan) {
      for (const s of t.fanout.steps ?? []) {
        rows.push([
          t.label,
          s.rate,
          s.deliveredPerSec,
          s.missing ? `${s.missing} missing` : 'all',
          s.latencyMs.p50,
          s.latencyMs.p99,
          s.latencyMs.max,
          s.serverCpuPercent,
          s.serverCpuUsPerDelivery,
          s.loadgenCpuPercent,
          waits(s),
          s.sustained ? 'yes' : 'no',
        ]);
      }
    }
    out.push(
      table(
        [
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
          'sustained',
        ],
        rows,
      ),
    );
  }

  const chat = targets.filter((t) => t.chat);
  if (chat.length) {
    const c = chat[0].chat;
    out.push(
      `\n**C. Chat** — ${c.clients} clients in ${c.rooms} two-person rooms, each sending every ${run.plan.chatIntervalMs / 1000} s ` +
        `(${c.rate} msg/s, each delivered to both sockets of its room), ${run.plan.chatMs / 1000} s measured.\n`,
    );
    out.push(
      table(
        [
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
        ],
        chat.map((t) =>
          t.chat.error
            ? [t.label, `error: ${t.chat.error}`]
            : [
                t.label,
                t.chat.rate,
                t.chat.deliveredPerSec,
                t.chat.missing ? `${t.chat.missing} missing` : 'all',
                t.chat.latencyMs.p50,
                t.chat.latencyMs.p99,
                t.chat.latencyMs.max,
                t.chat.serverCpuPercent,
                t.chat.serverCpuUsPerDelivery,
                t.chat.loadgenCpuPercent,
                waits(t.chat),
              ],
        ),
      ),
    );
  }

  const errors = targets.filter((t) => t.error || t.serverErrors?.count);
  for (const t of errors) {
    out.push(
      `\n${t.label}: ${t.error ? `failed: ${t.error}` : ''}${t.serverErrors?.count ? ` ${t.serverErrors.count} error frames (first: ${t.serverErrors.first})` : ''}`,
    );
  }

  if (run.goals?.length) {
    out.push('\n**Targets**\n');
    out.push(
      table(
        ['target', 'Herald', 'reference', 'limit', 'result'],
        run.goals.map((g) => [
          g.goal,
          `${g.herald}: ${cell(g.herald_value)}`,
          `${g.reference}: ${cell(g.reference_value)}`,
          g.limit,
          yes(g.met),
        ]),
      ),
    );
  }
  return `${out.join('\n')}\n`;
}
