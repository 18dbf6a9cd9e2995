import { describe, expect, it } from 'vitest';
import { FakeClock } from '../test/fake-clock.js';
import { DispatchQueue } from './dispatch-queue.js';

function setup(capacity = 100, batchSize = 3) {
  const clock = new FakeClock();
  const consumed: number[] = [];
  const drops: number[] = [];
  const queue = new DispatchQueue<number>(
    clock,
    { capacity, batchSize, budgetMs: 1000 },
    (n) => consumed.push(n),
    (n) => drops.push(n),
  );
  return { clock, queue, consumed, drops };
}

describe('DispatchQueue', () => {
  it('never runs the consumer inside push, and keeps arrival order', () => {
    const { clock, queue, consumed } = setup();
    queue.push(1);
    queue.push(2);
    expect(consumed).toEqual([]);
    clock.advance(0);
    expect(consumed).toEqual([1, 2]);
  });

  it('yields to the event loop between batches', () => {
    const { clock, queue, consumed } = setup(100, 3);
    for (let i = 1; i <= 7; i++) queue.push(i);
    let turns = 0;
    while (queue.size > 0) {
      // One timer turn processes one batch; the loop gets control back in between.
      expect(clock.runDue()).toBe(1);
      turns++;
      expect(consumed.length).toBeLessThanOrEqual(turns * 3);
    }
    expect(turns).toBe(3);
    expect(consumed).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('stops a batch when its time budget is spent', () => {
    const clock = new FakeClock();
    const consumed: number[] = [];
    const queue = new DispatchQueue<number>(
      clock,
      { capacity: 100, batchSize: 100, budgetMs: 5 },
      (n) => {
        consumed.push(n);
        clock.jump(3);
      },
      () => undefined,
    );
    for (let i = 0; i < 10; i++) queue.push(i);
    clock.advance(0);
    expect(consumed.length).toBe(2);
  });

  it('drops the oldest beyond capacity and reports how many', () => {
    const { clock, queue, consumed, drops } = setup(3, 10);
    for (let i = 1; i <= 5; i++) queue.push(i);
    clock.advance(0);
    expect(consumed).toEqual([3, 4, 5]);
    expect(drops).toEqual([2]);
  });

  it('never drops kept items, and they do not count against capacity', () => {
    const { clock, queue, consumed, drops } = setup(3, 10_000);
    for (let i = 1; i <= 1000; i++) queue.push(i, true);
    queue.push(-1);
    queue.push(-2);
    clock.advance(0);
    expect(consumed).toEqual([...Array.from({ length: 1000 }, (_, i) => i + 1), -1, -2]);
    expect(drops).toEqual([]);
  });

  it('keeps one arrival order across both lanes and drops only the oldest droppable item', () => {
    const { clock, queue, consumed, drops } = setup(2, 100);
    queue.push(1);
    queue.push(2, true);
    queue.push(3);
    queue.push(4, true);
    queue.push(5); // the third droppable item: 1 goes
    clock.advance(0);
    expect(consumed).toEqual([2, 3, 4, 5]);
    expect(drops).toEqual([1]);
  });

  it('clear() drops everything and its timer', () => {
    const { clock, queue, consumed } = setup();
    queue.push(1);
    queue.clear();
    expect(clock.pending).toBe(0);
    clock.advance(10);
    expect(consumed).toEqual([]);
  });
});
