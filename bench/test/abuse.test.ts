/**
 * `npm run abuse` in `npm test`, at tiny sizes against this tree's built server: it runs every
 * scenario of issue 22 and prints each one's figures as JSON (behaviour, not speed: nothing here
 * judges the numbers, which the lead reads from a full run in docs/security.md).
 */
import { buildServer } from '@herald/testkit';
import { beforeAll, expect, it } from 'vitest';
import { runJsonCli } from './run-json-cli.js';

interface AbuseRun {
  reproduce: string;
  results: Record<string, Record<string, unknown>>;
}

beforeAll(() => buildServer(), 180_000);

it('prints the figures of every abuse scenario', { timeout: 120_000 }, async () => {
  const run = await runJsonCli<AbuseRun>([
    'bench/src/abuse/cli.mjs',
    ...['--groups', '12', '--logins', '2', '--auth-sockets', '6', '--anon-sockets', '4', '--flood-sockets', '3'],
    ...['--flood-per-socket', '3', '--uploads', '2', '--upload-mib', '1', '--slow', '5', '--slow-wait', '15'],
    ...['--report-sources', '3', '--report-ms', '200', '--env', 'HERALD_HTTP_REQUEST_TIMEOUT_MS=1000', '--json'],
  ]);
  expect(run.json, run.stderr).toBeDefined();
  const results = run.json?.results ?? {};
  const why = `${JSON.stringify(results, null, 2)}\n${run.stderr}`;
  for (const name of ['a_groupFlood', 'b_loginStall', 'c_sockets', 'd_messageFlood', 'e_uploads', 'f_slowBodies', 'g_errorReports']) {
    expect(results[name], `${name}\n${why}`).toBeDefined();
    expect(results[name], `${name}\n${why}`).not.toHaveProperty('error');
  }
  expect(results.a_groupFlood).toMatchObject({ groupsAttempted: 12, list: { status: expect.any(Number), bytes: expect.any(Number) } });
  expect(results.b_loginStall).toMatchObject({ idleDownloadMs: expect.any(Number), downloadStatus: 200 });
  expect(results.b_loginStall?.rows).toEqual([
    expect.objectContaining({ logins: 2, downloadMs: expect.any(Number), peakRssMiB: expect.any(Number) }),
  ]);
  expect(results.c_sockets).toMatchObject({ authAttempted: 6, authConnected: expect.any(Number), anonOpenAtOnce: expect.any(Number) });
  expect(results.d_messageFlood).toMatchObject({ accepted: expect.any(Number), elapsedSeconds: expect.any(Number) });
  expect(results.e_uploads).toMatchObject({ attempted: 2, accepted: expect.any(Number), seconds: expect.any(Number) });
  // This tree drops slow bodies (1 s timeout here), well within the 15 s wait.
  expect(results.f_slowBodies).toMatchObject({ connections: 5, stillOpen: 0 });
  expect(results.g_errorReports).toMatchObject({ sources: 3, sent: expect.any(Number), databaseGrowthMiB: expect.any(Number) });
  expect(run.json?.reproduce).toContain('npm run abuse --');
  expect(run.code, why).toBe(0);
});
