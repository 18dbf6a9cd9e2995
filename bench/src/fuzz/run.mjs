/**
 * One fuzz run on one backend: start the server, make the fixtures, start the well-behaved client,
 * take the RSS, run every fuzz socket and the REST fuzzer side by side until their share of frames
 * is sent, then stop the good client, let the server settle and take the RSS again.
 * Invariants asserted (each failure is a breach in the tally): the process never exits; every
 * socket invariant of wire-socket.mjs and REST invariant of rest.mjs; the good client is always
 * served; the server logs no error; RSS after the run is within max(64 MiB, 50 %) of before.
 * Deterministic in what it sends for a seed (each socket's payloads come from its own derived
 * seed); timing on a real machine still varies, so a re-run repeats the payloads, not every interleaving.
 */
import { planArbitrary } from './frames.mjs';
import { startGoodClient } from './good-client.mjs';
import { documentedCodes } from './oracle.mjs';
import { restFuzzer } from './rest.mjs';
import { makeFixtures, startFuzzServer } from './server.mjs';
import { breach, breachCount, newTally } from './tally.mjs';
import { fuzzSocket, planStream } from './wire-socket.mjs';

/** Share of the frames that go to the REST fuzzer (REST requests are far slower than socket frames). */
const REST_SHARE = 0.01;
const MiB = 1024 * 1024;

/**
 * @typedef {object} FuzzOptions
 * @property {number} frames socket frames plus REST requests, for this backend
 * @property {number} seed
 * @property {number} sockets concurrent fuzz sockets
 * @property {number} [replyTimeoutMs]
 */

/**
 * @typedef {object} FuzzResult
 * @property {'sqlite' | 'postgres'} backend
 * @property {boolean} ok no breach
 * @property {number} seconds
 * @property {import('./tally.mjs').Tally} tally
 * @property {number} breaches
 * @property {string | undefined} crash
 * @property {{ requests: number, samples: number, p50: number | null, p99: number | null, max: number | null, mean: number | null } | undefined} good
 * @property {{ before: number, peak: number, after: number }} rssMiB
 * @property {{ count: number, first: string[] }} errorLogs
 */

/**
 * @param {'sqlite' | 'postgres'} backend
 * @param {FuzzOptions} options
 * @param {{ repoRoot: string, log: (line: string) => void }} env
 * @returns {Promise<FuzzResult>}
 */
export async function runFuzz(backend, options, { repoRoot, log }) {
  const protocol = await import('@herald/protocol');
  const documented = documentedCodes(protocol, repoRoot);
  const tally = newTally();
  const server = await startFuzzServer({ database: backend, repoRoot, log });
  const started = Date.now();
  let crash;
  try {
    const fixtures = await makeFixtures(server.baseUrl, options.sockets);
    log(`fuzz: ${backend} fixtures ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const good = await startGoodClient({
      wsUrl: server.wsUrl,
      token: fixtures.good.token,
      conversationId: fixtures.good.conversationId,
      tally,
    });
    await new Promise((resolve) => setTimeout(resolve, 1000)); // let the process reach its working size before the first reading
    const before = server.rss();
    let peak = before;
    let stop = false;
    const stopped = () => stop;
    const watch = setInterval(() => {
      peak = Math.max(peak, server.rss());
      if (server.crashed()) stop = true;
      const done = tally.frames;
      log(
        `fuzz: ${backend} ${done} frames, ${tally.replies} replies, ${breachCount(tally)} breaches, ${((Date.now() - started) / 1000).toFixed(0)} s`,
      );
    }, 5000);
    const restCount = Math.max(1, Math.round(options.frames * REST_SHARE));
    const perSocket = Math.ceil((options.frames - restCount) / options.sockets);
    const runs = fixtures.fuzz.map((ctx, i) =>
      fuzzSocket({
        url: server.wsUrl,
        protocol,
        ctx,
        next: planStream(planArbitrary(protocol, ctx), options.seed + i * 7919),
        tally,
        documented,
        maxFrameBytes: server.maxFrameBytes,
        tag: `f${i}`,
        seed: options.seed ^ (i + 1),
        replyTimeoutMs: options.replyTimeoutMs,
      }).run(perSocket, stopped),
    );
    runs.push(restFuzzer({ protocol, baseUrl: server.baseUrl, fixtures, tally, documented, seed: options.seed }).run(restCount, stopped));
    const outcomes = await Promise.allSettled(runs);
    for (const outcome of outcomes)
      if (outcome.status === 'rejected') breach(tally, 'fuzz driver failed', String(outcome.reason?.stack ?? outcome.reason));
    clearInterval(watch);
    crash = server.crashed();
    const goodFigures = crash ? undefined : await good.stop();
    // Settle: the server frees what the run held (sockets, buffers) and its heap shrinks back.
    let after = server.rss();
    const limit = before + Math.max(64 * MiB, before / 2);
    for (let i = 0; i < 20 && after > limit && !crash; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      after = server.rss();
    }
    if (crash) breach(tally, 'server crashed', crash);
    else if (after > limit)
      breach(
        tally,
        'RSS did not return near its starting point',
        `before ${(before / MiB).toFixed(0)} MiB, after ${(after / MiB).toFixed(0)} MiB (limit ${(limit / MiB).toFixed(0)} MiB)`,
      );
    if (server.errorLogs.count > 0) breach(tally, 'server logged errors', server.errorLogs.first.join('\n'));
    const breaches = breachCount(tally);
    return {
      backend,
      ok: breaches === 0,
      seconds: Math.round((Date.now() - started) / 1000),
      tally,
      breaches,
      crash,
      good: goodFigures,
      rssMiB: { before: Math.round(before / MiB), peak: Math.round(peak / MiB), after: Math.round(after / MiB) },
      errorLogs: server.errorLogs,
    };
  } finally {
    await server.stop();
  }
}
