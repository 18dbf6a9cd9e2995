/**
 * The soak's table: one column per backend, one row per figure (ledger counts, refused sends by
 * code, half-open detection, delivery delay, faults, the quiesce, and the command to reproduce),
 * then what each fault cost (delivery delay by the fault that touched the message).
 * Invariant: a figure that fails the run is marked ✗, so a reader sees why the exit code is 1.
 */

/** @typedef {Awaited<ReturnType<typeof import('./soak.mjs').runSoak>> & { reproduce: string }} SoakResult */
/** @typedef {{ backend: string, skipped: string }} SkippedResult */

const ms = (/** @type {number | null | undefined} */ v) => (v === null || v === undefined ? '–' : `${Math.round(v)} ms`);
/** The largest, or null when any is null (a recovery that never came) or there are none. @param {Array<number | null | undefined>} values */
const maxOf = (values) =>
  values.length === 0 || values.some((v) => v === null || v === undefined) ? null : Math.max(.../** @type {number[]} */ (values));
const bad = (/** @type {number} */ n) => (n === 0 ? '0' : `${n} ✗`);
const codes = (/** @type {Record<string, number>} */ byCode) =>
  Object.entries(byCode)
    .map(([code, n]) => `${code} ${n}`)
    .join(', ') || '–';

/** @param {Array<SoakResult | SkippedResult>} results @returns {string} */
export function soakTable(results) {
  const ran = /** @type {SoakResult[]} */ (results.filter((r) => !('skipped' in r)));
  const lines = [];
  for (const r of results) if ('skipped' in r) lines.push(`${r.backend}: SKIPPED (${r.skipped})`);
  if (ran.length === 0) return lines.join('\n');
  /** @type {Array<[string, (r: SoakResult) => string]>} */
  const rows = [
    ['sent', (r) => String(r.sent)],
    ['accepted (acked + stored without ack)', (r) => `${r.accepted} (${r.acked} + ${r.storedWithoutAck})`],
    ['delivered (member × message)', (r) => `${r.delivered} of ${r.expectedDeliveries}`],
    ['lost', (r) => bad(r.lost)],
    ['duplicated', (r) => bad(r.duplicated)],
    ['reordered', (r) => bad(r.reordered)],
    ['refused sends', (r) => `${bad(r.refused)}${r.refused ? ` (${codes(r.refusedByCode)})` : ''}`],
    ['still in an outbox at the end', (r) => bad(r.stillQueued)],
    [
      'unaccounted sends / acked not stored / phantom / store gaps',
      (r) => `${bad(r.unaccounted)} / ${bad(r.ackedNotStored)} / ${bad(r.phantom)} / ${bad(r.storeGaps)}`,
    ],
    ['delivery delay p50 / p99 / max', (r) => `${ms(r.delay.p50)} / ${ms(r.delay.p99)} / ${ms(r.delay.max)}`],
    [
      'half-open detection (socket replaced) min / p50 / max',
      (r) =>
        `${ms(r.halfOpen.min)} / ${ms(r.halfOpen.p50)} / ${ms(r.halfOpen.max)} (${r.halfOpen.detected} of ${r.halfOpen.stalls} stalls)`,
    ],
    [
      'half-open noticed (status left connected) min / p50 / max',
      (r) => `${ms(r.halfOpen.noticed.min)} / ${ms(r.halfOpen.noticed.p50)} / ${ms(r.halfOpen.noticed.max)}`,
    ],
    ['stalls over before detection / ended by the quiesce', (r) => `${r.halfOpen.undetected} / ${r.halfOpen.endedByQuiesce}`],
    ['faults', (r) => codes(r.faults)],
    [
      'kill -9: down / clients reconnected after the kill / after the node was back (max)',
      (r) => {
        const kills = r.recoveries.filter((x) => x.kind === 'kill');
        if (kills.length === 0) return '–';
        return `${ms(maxOf(kills.map((x) => x.downMs)))} / ${ms(maxOf(kills.map((x) => x.reconnectedMs)))} / ${ms(maxOf(kills.map((x) => x.afterBackMs)))}`;
      },
    ],
    [
      'Redis restart: down / bus up on every node after Redis was back (max)',
      (r) => {
        const restarts = r.recoveries.filter((x) => x.kind === 'redis');
        if (restarts.length === 0) return '–';
        return `${ms(maxOf(restarts.map((x) => x.downMs)))} / ${ms(maxOf(restarts.map((x) => x.busBackMs)))}`;
      },
    ],
    ['quiesce', (r) => `${ms(r.quiesce.ms)}${r.quiesce.timedOut ? ` ✗ timed out waiting for ${r.quiesce.timedOut}` : ''}`],
    ['clients that reached `error`', (r) => bad(r.clientsInError)],
    ['client onError reports', (r) => codes(r.clientErrors)],
  ];
  lines.push(`| | ${ran.map((r) => r.backend).join(' | ')} |`, `|---|${ran.map(() => '---').join('|')}|`);
  for (const [label, cell] of rows) lines.push(`| ${label} | ${ran.map(cell).join(' | ')} |`);
  const kinds = ['quiet', 'cut', 'stall', 'kill', 'redis'];
  lines.push('', 'Delivery delay by the fault that touched the message (p50 / p99 / max, deliveries):', '');
  lines.push(`| fault | ${ran.map((r) => r.backend).join(' | ')} |`, `|---|${ran.map(() => '---').join('|')}|`);
  for (const kind of kinds) {
    if (!ran.some((r) => r.costs[kind])) continue;
    const cell = (/** @type {SoakResult} */ r) => {
      const c = r.costs[kind];
      return c ? `${ms(c.p50)} / ${ms(c.p99)} / ${ms(c.max)} (${c.deliveries})` : '–';
    };
    lines.push(`| ${kind} | ${ran.map(cell).join(' | ')} |`);
  }
  lines.push('');
  for (const r of ran) lines.push(`${r.backend}: ${r.ok && !r.clientsInError ? 'PASS' : 'FAIL'} — reproduce: ${r.reproduce}`);
  return lines.join('\n');
}
