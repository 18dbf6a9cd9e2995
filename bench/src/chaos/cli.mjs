/**
 * `npm run chaos`: the soak command (the root script builds the packages first). Runs each backend
 * in turn, prints the table (or JSON with --json) and exits 1 when any run lost, repeated,
 * reordered or refused a message, left one in an outbox, or a backend asked for could not run;
 * 2 on a usage mistake.
 * Invariant: the seed and the command to reproduce are always printed, pass or fail.
 */
import { fileURLToPath } from 'node:url';
import { clusterUnavailable } from './backend.mjs';
import { parseChaosArgs, reproduce, USAGE, UsageError } from './options.mjs';
import { soakTable } from './report.mjs';
import { runSoak } from './soak.mjs';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const isCi = process.env.CI === 'true' || process.env.CI === '1';

async function main() {
  /** @type {ReturnType<typeof parseChaosArgs>} */
  let parsed;
  try {
    parsed = parseChaosArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const log = (/** @type {string} */ line) => process.stderr.write(`${line}\n`);
  log(`chaos: seed ${parsed.soak.seed}`);
  /** @type {Array<import('./report.mjs').SoakResult | import('./report.mjs').SkippedResult>} */
  const results = [];
  let failed = false;
  for (const backend of parsed.backends) {
    const why = backend === 'cluster' ? await clusterUnavailable() : undefined;
    if (why) {
      log(`\n!!! SKIPPING the cluster soak: ${why}${isCi || parsed.backendNamed ? ' (asked for: failing)' : ''}\n`);
      results.push({ backend, skipped: why });
      if (isCi || parsed.backendNamed) failed = true;
      continue;
    }
    const result = { ...(await runSoak(backend, parsed.soak, { repoRoot, log })), reproduce: reproduce(parsed, backend) };
    if (!result.ok || result.clientsInError > 0) failed = true;
    results.push(result);
  }
  if (parsed.json) process.stdout.write(`${JSON.stringify({ seed: parsed.soak.seed, ok: !failed, results }, null, 2)}\n`);
  else process.stdout.write(`\n${soakTable(results)}\n`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`chaos: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
