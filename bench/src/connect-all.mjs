/**
 * connectAll: open many clients with a bounded number of handshakes in flight (an unbounded
 * burst measures the listen backlog, not the server), and time it.
 * Invariants: a failed connection is counted, never retried, so the rate is honest;
 * `clients[i]` is the client opened by `open(i)` (undefined when it failed).
 */

/**
 * @template T
 * @param {number} count
 * @param {(index: number) => Promise<T>} open
 * @param {number} concurrency
 * @returns {Promise<{ clients: Array<T | undefined>, failures: number, firstError: string | undefined, elapsedMs: number }>}
 */
export async function connectAll(count, open, concurrency) {
  /** @type {Array<T | undefined>} */
  const clients = new Array(count);
  let failures = 0;
  /** @type {string | undefined} */
  let firstError;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < count) {
      const index = next++;
      try {
        clients[index] = await open(index);
      } catch (error) {
        failures++;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { clients, failures, firstError, elapsedMs: performance.now() - started };
}

/**
 * Run `task` over `items` with at most `concurrency` at a time; results keep the input order.
 * @template I, R
 * @param {I[]} items @param {number} concurrency @param {(item: I, index: number) => Promise<R>} task
 * @returns {Promise<R[]>}
 */
export async function mapLimit(items, concurrency, task) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(/** @type {I} */ (items[index]), index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
