import { HeraldError } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { Metrics } from '../metrics.js';
import { defaultHashConcurrency, HashQueue } from './hash-queue.js';

/** A task the test finishes by hand, recording when it started. */
function gate(started: number[], id: number) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return {
    task: async () => {
      started.push(id);
      await done;
      return id;
    },
    finish,
  };
}

describe('HashQueue', () => {
  it('never runs more than `concurrency` tasks at once, and starts waiters in arrival order', async () => {
    const queue = new HashQueue({ concurrency: 2, maxWaiting: 10 });
    const started: number[] = [];
    let running = 0;
    let most = 0;
    const results = Array.from({ length: 8 }, (_, id) =>
      queue.run(async () => {
        started.push(id);
        running++;
        most = Math.max(most, running);
        // Uneven durations, so slots free up out of order.
        await new Promise((resolve) => setTimeout(resolve, (id % 3) * 5));
        running--;
        return id;
      }),
    );
    expect(await Promise.all(results)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(most).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('hands a freed slot to the oldest waiter, not to a newcomer', async () => {
    const queue = new HashQueue({ concurrency: 1, maxWaiting: 5 });
    const started: number[] = [];
    const first = gate(started, 1);
    const second = gate(started, 2);
    const third = gate(started, 3);
    const runs = [queue.run(first.task), queue.run(second.task)];
    expect(queue.load).toEqual({ running: 1, waiting: 1 });
    first.finish();
    // The newcomer arrives in the same tick the slot frees: it still queues behind `second`.
    runs.push(queue.run(third.task));
    await expect.poll(() => started).toEqual([1, 2]);
    expect(queue.load).toEqual({ running: 1, waiting: 1 });
    second.finish();
    third.finish();
    expect(await Promise.all(runs)).toEqual([1, 2, 3]);
    expect(queue.load).toEqual({ running: 0, waiting: 0 });
  });

  it('refuses at once with rate_limited hash_queue and a Retry-After when the queue is full, counting the rejection', async () => {
    const metrics = new Metrics();
    const queue = new HashQueue({ concurrency: 1, maxWaiting: 2, metrics });
    const started: number[] = [];
    const gates = [gate(started, 1), gate(started, 2), gate(started, 3)];
    const runs = gates.map((g) => queue.run(g.task));
    const refused = await queue.run(async () => 4).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(HeraldError);
    expect(refused).toMatchObject({ code: 'rate_limited', details: { limit: 'hash_queue' } });
    expect((refused as HeraldError).details).toMatchObject({ retryAfterMs: expect.any(Number) });
    expect(((refused as HeraldError).details as { retryAfterMs: number }).retryAfterMs).toBeGreaterThanOrEqual(1000);
    expect((await metrics.limitRejections.get()).values).toEqual([expect.objectContaining({ labels: { limit: 'hash_queue' }, value: 1 })]);
    // Nothing queued was lost, and the queue takes work again once it drains.
    for (const g of gates) g.finish();
    expect(await Promise.all(runs)).toEqual([1, 2, 3]);
    expect(await queue.run(async () => 5)).toBe(5);
  });

  it('frees the slot of a task that throws', async () => {
    const queue = new HashQueue({ concurrency: 1, maxWaiting: 0 });
    await expect(queue.run(async () => Promise.reject(new Error('argon2 failed')))).rejects.toThrow('argon2 failed');
    expect(queue.load).toEqual({ running: 0, waiting: 0 });
    expect(await queue.run(async () => 'next')).toBe('next');
  });

  it('sizes the default to half the cores, between 1 and 2', () => {
    expect([1, 2, 3, 4, 8, 64].map(defaultHashConcurrency)).toEqual([1, 1, 1, 2, 2, 2]);
  });
});
