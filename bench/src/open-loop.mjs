/**
 * runOpenLoop: publish at a fixed rate on a fixed schedule (message i is due at t0 + i/rate),
 * whatever the server does. A late tick sends everything that came due, and the ledger measures
 * from the due time, so falling behind is visible as latency. `shouldStop` lets a step give up
 * once it has clearly failed (e.g. deliveries seconds behind), to keep the backlog bounded.
 */

/**
 * @param {{ rate: number, durationMs: number, send: (index: number, dueAt: number) => void,
 *           shouldStop?: (now: number) => boolean }} options
 * @returns {Promise<{ sent: number, stopped: boolean, startedAt: number, endedAt: number }>}
 */
export function runOpenLoop({ rate, durationMs, send, shouldStop = () => false }) {
  const total = Math.max(1, Math.round((rate * durationMs) / 1000));
  const interval = 1000 / rate;
  const startedAt = performance.now() + 2;
  let next = 0;
  return new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (next < total && startedAt + next * interval <= now) {
        send(next, startedAt + next * interval);
        next++;
      }
      if (next >= total || shouldStop(now)) {
        resolve({ sent: next, stopped: next < total, startedAt, endedAt: performance.now() });
        return;
      }
      setTimeout(tick, Math.max(0, startedAt + next * interval - performance.now()));
    };
    setTimeout(tick, 2);
  });
}
