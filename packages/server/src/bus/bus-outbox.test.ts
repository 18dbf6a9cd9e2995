import { describe, expect, it } from 'vitest';
import { BusOutbox } from './bus-outbox.js';

/** A medium the test opens and fails by hand; each batch waits until the test settles it. */
function medium() {
  const batches: { batch: readonly string[]; accept: () => void; fail: () => void }[] = [];
  const send = (batch: readonly string[]) =>
    new Promise<void>((resolve, reject) => batches.push({ batch: [...batch], accept: resolve, fail: () => reject(new Error('down')) }));
  return { batches, send };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('BusOutbox', () => {
  it('sends nothing while paused, then everything in order, one batch in flight at a time', async () => {
    const m = medium();
    const outbox = new BusOutbox({ send: m.send, maxBytes: 1000 });
    outbox.push('a');
    outbox.push('b');
    expect(m.batches).toHaveLength(0);
    outbox.resume();
    outbox.push('c');
    expect(m.batches.map((b) => b.batch)).toEqual([['a', 'b']]);
    m.batches[0]?.accept();
    await tick();
    expect(m.batches.map((b) => b.batch)).toEqual([['a', 'b'], ['c']]);
    m.batches[1]?.accept();
    await tick();
    expect(outbox.length).toBe(0);
  });

  it('keeps a failed batch and sends it again, first, on resume', async () => {
    const m = medium();
    const errors: unknown[] = [];
    const outbox = new BusOutbox({ send: m.send, maxBytes: 1000, onError: (e) => errors.push(e) });
    outbox.resume();
    outbox.push('a');
    outbox.push('b');
    m.batches[0]?.fail();
    await tick();
    expect(errors).toHaveLength(1);
    outbox.push('c');
    expect(m.batches).toHaveLength(1); // paused after the failure
    outbox.resume();
    expect(m.batches[1]?.batch).toEqual(['a', 'b', 'c']);
  });

  it('drops the oldest past maxBytes and counts them', () => {
    const m = medium();
    const outbox = new BusOutbox({ send: m.send, maxBytes: 10 });
    for (const text of ['aaaa', 'bbbb', 'cccc', 'dddd']) outbox.push(text);
    expect(outbox.length).toBe(2);
    expect(outbox.dropped).toBe(2);
    outbox.resume();
    expect(m.batches[0]?.batch).toEqual(['cccc', 'dddd']);
  });
});
