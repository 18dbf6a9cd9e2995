/**
 * The wire fuzzer in `npm test`: a short run of `npm run fuzz` (the same command line, built server,
 * real sockets) on SQLite and on PostgreSQL, which must end with no breach of any invariant (one
 * reply per request with its ref, documented codes only, no `internal`, the good client served,
 * no crash, RSS back near its start). PostgreSQL absent is a skip locally and a failure under CI=true.
 * And the fuzzer can fail: pointed at a fake server that answers badly, its socket driver reports it.
 */
import { type AddressInfo, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import * as protocol from '@herald/protocol';
import { buildServer } from '@herald/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { planArbitrary } from '../src/fuzz/frames.mjs';
import { documentedCodes } from '../src/fuzz/oracle.mjs';
import { newTally } from '../src/fuzz/tally.mjs';
import { fuzzSocket, planStream } from '../src/fuzz/wire-socket.mjs';
import { benchPgUrl, postgresReachable } from '../src/targets/herald.mjs';
import { runJsonCli } from './run-json-cli.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const isCi = process.env.CI === 'true' || process.env.CI === '1';
/** Per database; the whole file stays near a minute on a busy 2-core machine. */
const FRAMES = 6_000;
const SEED = 2121;
const hasPostgres = await postgresReachable(benchPgUrl());

interface Result {
  backend: string;
  ok: boolean;
  breaches: number;
  crash?: string;
  tally: {
    frames: number;
    replies: number;
    codes: Record<string, number>;
    breaches: Record<string, { count: number; examples: string[] }>;
  };
  good?: { requests: number; p99: number };
  reproduce: string;
}

/** Run the CLI for one backend and read its JSON. */
async function fuzz(backend: 'sqlite' | 'postgres'): Promise<{ code: number | null; results: Result[]; stderr: string }> {
  const run = await runJsonCli<{ results: Result[] }>([
    'bench/src/fuzz/cli.mjs',
    '--frames',
    String(FRAMES),
    '--backend',
    backend,
    '--seed',
    String(SEED),
    '--sockets',
    '6',
    '--json',
  ]);
  if (!run.json) throw new Error(`fuzz printed no JSON (exit ${run.code}):\n${run.stderr}`);
  return { code: run.code, results: run.json.results, stderr: run.stderr };
}

function expectClean(run: { code: number | null; results: Result[]; stderr: string }) {
  const [result] = run.results;
  expect(result, run.stderr.slice(-2000)).toBeDefined();
  if (!result) return;
  const why = `${result.reproduce}\n${JSON.stringify(result.tally.breaches, null, 2).slice(0, 6000)}`;
  expect(result.crash, why).toBeUndefined();
  expect(result.breaches, why).toBe(0);
  expect(run.code, why).toBe(0);
  // It really fuzzed: every frame sent, replies came, both acks and refusals among them.
  expect(result.tally.frames).toBeGreaterThanOrEqual(FRAMES);
  expect(result.tally.replies).toBeGreaterThan(FRAMES * 0.8);
  expect(result.tally.codes.ack ?? 0).toBeGreaterThan(0);
  expect(result.tally.codes.invalid_frame ?? 0).toBeGreaterThan(0);
  expect(result.good?.requests ?? 0).toBeGreaterThan(0);
}

describe('npm run fuzz (short)', () => {
  beforeAll(() => buildServer(), 180_000);

  it.concurrent('sqlite: every fuzzed frame gets its documented answer', { timeout: 150_000 }, async () => {
    expectClean(await fuzz('sqlite'));
  });

  it.skipIf(!hasPostgres && !isCi).concurrent(
    `postgres: every fuzzed frame gets its documented answer${!hasPostgres && !isCi ? ' — SKIPPED: PostgreSQL does not answer' : ''}`,
    { timeout: 150_000 },
    async () => {
      expect(hasPostgres, `CI must run the PostgreSQL fuzz: ${benchPgUrl()} does not answer`).toBe(true);
      expectClean(await fuzz('postgres'));
    },
  );
});

describe('the fuzzer can fail', () => {
  let wss: WebSocketServer;
  let url = '';
  beforeAll(async () => {
    // A port that is free now (the fake server listens on it at once).
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    wss = new WebSocketServer({ host: '127.0.0.1', port });
    url = `ws://127.0.0.1:${port}`;
    // Answers authenticate with connected; everything else with an `internal` error that cuts its ref.
    wss.on('connection', (socket) => {
      socket.on('error', () => undefined); // bad UTF-8 and the like: the fake just drops the socket
      socket.on('message', (data) => {
        let frame: unknown;
        try {
          frame = JSON.parse(data.toString());
        } catch {}
        const { id, action } = frame !== null && typeof frame === 'object' ? (frame as { id?: unknown; action?: unknown }) : {};
        if (action === 'authenticate')
          socket.send(JSON.stringify({ id: 's', type: 'system', action: 'connected', data: {}, timestamp: 1 }));
        else
          socket.send(
            JSON.stringify({
              id: 's',
              type: 'error',
              action: 'error',
              data: { code: 'internal', message: 'x', ref: String(id).slice(0, 3) },
              timestamp: 1,
            }),
          );
      });
    });
  });
  afterAll(() => new Promise<void>((resolve) => wss.close(() => resolve())));

  it('reports internal errors, wrong refs and undocumented answers of a bad server', async () => {
    const tally = newTally();
    const ctx = { token: 't', ownConversations: ['c1', 'c2'], otherConversations: ['c3'], messageIds: ['m1'], userIds: ['u1'] };
    const socket = fuzzSocket({
      url,
      protocol,
      ctx,
      next: planStream(planArbitrary(protocol, ctx), 7),
      tally,
      documented: documentedCodes(protocol, repoRoot),
      maxFrameBytes: 64 * 1024,
      tag: 'bad',
      seed: 7,
      replyTimeoutMs: 1_000,
    });
    await socket.run(200, () => false);
    const categories = Object.keys(tally.breaches);
    expect(categories).toContain('internal error');
    expect(categories).toContain('ref is not the request id');
  }, 60_000);
});
