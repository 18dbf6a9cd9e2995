import { ErrorCode, HeraldError } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../test/fake-clock.js';
import { DeliveryConfirmer } from './delivery-confirmer.js';

interface Call {
  conversationId: string;
  seq: number;
  resolve(): void;
  reject(error: unknown): void;
}

function setup() {
  const clock = new FakeClock();
  const calls: Call[] = [];
  let connected = true;
  const confirmer = new DeliveryConfirmer(
    {
      timers: clock,
      confirm: (conversationId, seq) =>
        new Promise((resolve, reject) =>
          calls.push({ conversationId, seq, resolve: () => resolve({ conversationId, deliveredSeq: seq }), reject }),
        ),
      isConnected: () => connected,
      userId: () => 'me',
    },
    300,
  );
  const flush = () => new Promise((resolve) => setImmediate(resolve));
  return { clock, calls, confirmer, flush, setConnected: (value: boolean) => (connected = value) };
}

const from = (senderId: string, ...seqs: number[]) => seqs.map((seq) => ({ seq, senderId }));

describe('DeliveryConfirmer', () => {
  it('never asks for a negative delay (a browser wraps a huge negative one to a long wait)', () => {
    const { clock, confirmer } = setup();
    const asked: number[] = [];
    const schedule = clock.setTimeout;
    clock.setTimeout = (run, ms) => {
      asked.push(ms);
      return schedule(run, ms);
    };
    confirmer.received('c', from('bob', 1));
    clock.advance(5_000);
    confirmer.received('c', from('bob', 2));
    expect(asked).toEqual([0, 0]);
  });

  it('confirms on the next tick, then coalesces a burst into one frame per window with the highest seq', async () => {
    const { clock, calls, confirmer, flush } = setup();
    confirmer.received('c', from('bob', 1));
    expect(calls).toHaveLength(0);
    clock.advance(0);
    expect(calls.map((c) => c.seq)).toEqual([1]);
    calls[0]?.resolve();
    await flush();
    for (let seq = 2; seq <= 20; seq++) confirmer.received('c', from('bob', seq));
    clock.advance(299);
    expect(calls).toHaveLength(1);
    clock.advance(1);
    expect(calls.map((c) => c.seq)).toEqual([1, 20]);
  });

  it('ignores my own messages and never confirms a lower seq after a higher one', async () => {
    const { clock, calls, confirmer, flush } = setup();
    confirmer.received('c', from('me', 5));
    clock.advance(1000);
    expect(calls).toHaveLength(0);
    confirmer.received('c', from('bob', 7, 3));
    clock.advance(0);
    calls[0]?.resolve();
    await flush();
    confirmer.received('c', from('bob', 4));
    clock.advance(1000);
    expect(calls.map((c) => c.seq)).toEqual([7]);
  });

  it('confirms several conversations in one window, each with its own highest seq', async () => {
    const { clock, calls, confirmer } = setup();
    confirmer.received('a', from('bob', 1));
    confirmer.received('b', from('bob', 9));
    clock.advance(0);
    expect(calls.map((c) => `${c.conversationId}:${c.seq}`)).toEqual(['a:1', 'b:9']);
    confirmer.received('a', from('bob', 2));
    confirmer.received('a', from('bob', 3));
    clock.advance(299);
    expect(calls).toHaveLength(2);
    clock.advance(1);
    expect(calls.map((c) => `${c.conversationId}:${c.seq}`)).toEqual(['a:1', 'b:9', 'a:3']);
  });

  it('sends what was owed after a reconnect, and drops a conversation the server refuses', async () => {
    const { clock, calls, confirmer, flush, setConnected } = setup();
    setConnected(false);
    confirmer.received('c', from('bob', 3));
    confirmer.received('gone', from('bob', 2));
    clock.advance(1000);
    expect(calls).toHaveLength(0);
    setConnected(true);
    confirmer.connected();
    clock.advance(0);
    expect(calls.map((c) => c.seq)).toEqual([3, 2]);
    // The connection drops before the ack: owed again, sent after the next `connected`.
    calls[0]?.reject(new HeraldError(ErrorCode.Disconnected, 'connection lost'));
    calls[1]?.reject(new HeraldError(ErrorCode.Forbidden, 'not a member'));
    await flush();
    confirmer.connected();
    clock.advance(1000);
    expect(calls.map((c) => `${c.conversationId}:${c.seq}`)).toEqual(['c:3', 'gone:2', 'c:3']);
  });

  it('keeps a confirmation refused for now owed (resent after the next connected), and dispose stops its timer', async () => {
    const { clock, calls, confirmer, flush } = setup();
    confirmer.received('c', from('bob', 3));
    clock.advance(0);
    calls[0]?.reject(new HeraldError(ErrorCode.RateLimited, 'slow down'));
    await flush();
    clock.advance(1000);
    expect(calls).toHaveLength(1);
    confirmer.connected();
    clock.advance(0);
    expect(calls.map((c) => c.seq)).toEqual([3, 3]);
    confirmer.received('c', from('bob', 4));
    confirmer.dispose();
    clock.advance(1000);
    expect(calls).toHaveLength(2);
    expect(clock.pending).toBe(0);
  });
});
