/**
 * CountingTimers: real timers that count how many are pending, so a test can prove that a client
 * left none behind.
 */
import { systemTimers, type Timers } from '@herald/client';

export class CountingTimers implements Timers {
  private readonly live = new Set<unknown>();

  now = (): number => systemTimers.now();

  setTimeout = (run: () => void, ms: number): unknown => {
    const handle = systemTimers.setTimeout(() => {
      this.live.delete(handle);
      run();
    }, ms);
    this.live.add(handle);
    return handle;
  };

  clearTimeout = (handle: unknown): void => {
    this.live.delete(handle);
    systemTimers.clearTimeout(handle);
  };

  get pending(): number {
    return this.live.size;
  }
}
