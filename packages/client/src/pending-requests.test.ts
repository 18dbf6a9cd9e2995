import { HeraldError } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../test/fake-clock.js';
import { ackFrame, errorFrame } from '../test/fake-socket.js';
import { PendingRequests } from './pending-requests.js';

describe('PendingRequests', () => {
  it('resolves with the ack result and rejects with the error frame as a HeraldError', async () => {
    const clock = new FakeClock();
    const pending = new PendingRequests(clock);
    const ok = pending.add('a', 1000);
    const bad = pending.add('b', 1000);
    expect(pending.reply(ackFrame('a', { x: 1 }))).toBe(true);
    expect(pending.reply(errorFrame('b', 'forbidden', 'not a member'))).toBe(true);
    expect(pending.reply(ackFrame('zzz', {}))).toBe(false);
    await expect(ok).resolves.toEqual({ x: 1 });
    const error = await bad.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeraldError);
    expect(error).toMatchObject({ code: 'forbidden', message: 'not a member' });
    expect(clock.pending).toBe(0);
  });

  it('times out with code timeout, and rejectAll settles the rest', async () => {
    const clock = new FakeClock();
    const pending = new PendingRequests(clock);
    const slow = pending.add('a', 1000);
    const other = pending.add('b', 5000);
    clock.advance(1000);
    await expect(slow).rejects.toMatchObject({ code: 'timeout' });
    pending.rejectAll(new HeraldError('disconnected', 'gone'));
    await expect(other).rejects.toMatchObject({ code: 'disconnected' });
    expect(pending.size).toBe(0);
    expect(clock.pending).toBe(0);
  });
});
