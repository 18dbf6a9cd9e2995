/**
 * waitForState: a promise for the first connection state (current or future) that passes a test,
 * e.g. "reconnecting" after a cut. Rejects after `timeoutMs`; leaves no listener or timer behind.
 */
import type { ConnectionState } from './connection-state.js';
import type { HeraldClient } from './herald-client.js';

export function waitForState(
  client: HeraldClient,
  test: (state: ConnectionState) => boolean,
  timeoutMs = 10_000,
): Promise<ConnectionState> {
  return new Promise((resolve, reject) => {
    if (test(client.getState())) return resolve(client.getState());
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for a state; now ${JSON.stringify(client.getState())}`));
    }, timeoutMs);
    const stop = client.subscribe((state) => {
      if (!test(state)) return;
      clearTimeout(timer);
      stop();
      resolve(state);
    });
  });
}
