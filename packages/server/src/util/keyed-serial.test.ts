import { expect, it } from 'vitest';
import { KeyedSerial } from './keyed-serial.js';

it('runs tasks of one key in order, survives a failure, and drains', async () => {
  const serial = new KeyedSerial();
  const order: string[] = [];
  let open!: () => void;
  const gate = { promise: new Promise<void>((resolve) => (open = resolve)) };
  const a1 = serial.run('a', async () => {
    await gate.promise;
    order.push('a1');
  });
  const a2 = serial.run('a', async () => {
    order.push('a2');
    throw new Error('boom');
  });
  const a3 = serial.run('a', async () => order.push('a3'));
  const b1 = serial.run('b', async () => order.push('b1'));
  await b1;
  expect(order).toEqual(['b1']);
  open();
  await a1;
  await expect(a2).rejects.toThrow('boom');
  await a3;
  expect(order).toEqual(['b1', 'a1', 'a2', 'a3']);
  await serial.drain();
  expect(serial.size).toBe(0);
});
