import type { HeraldError, ServerFrame } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { ackFrame, messageFrame } from '../test/fake-socket.js';
import { HandlerRegistry } from './handler-registry.js';

describe('HandlerRegistry', () => {
  it('runs every handler of the action and every catch-all, in order', () => {
    const registry = new HandlerRegistry(() => undefined);
    const calls: string[] = [];
    registry.on('new_message', (f) => void calls.push(`a:${f.data.seq}`));
    registry.on('new_message', (f) => void calls.push(`b:${f.data.seq}`));
    registry.on('ack', () => void calls.push('ack'));
    registry.onAny((f) => void calls.push(`any:${f.action}`));
    registry.dispatch(messageFrame('c', 1));
    registry.dispatch(ackFrame('r', {}));
    expect(calls).toEqual(['a:1', 'b:1', 'any:new_message', 'ack', 'any:ack']);
  });

  it('a throwing or rejecting handler is reported and does not stop the others', async () => {
    const errors: [HeraldError, string][] = [];
    const registry = new HandlerRegistry((error, action) => errors.push([error, action]));
    const got: number[] = [];
    registry.on('new_message', () => {
      throw new Error('boom');
    });
    registry.on('new_message', async () => {
      throw new Error('async boom');
    });
    registry.on('new_message', (f) => void got.push(f.data.seq));
    expect(() => registry.dispatch(messageFrame('c', 1))).not.toThrow();
    await Promise.resolve();
    expect(got).toEqual([1]);
    expect(errors.map(([e, a]) => [e.code, e.message, a])).toEqual([
      ['handler_failed', 'a new_message handler failed: boom', 'new_message'],
      ['handler_failed', 'a new_message handler failed: async boom', 'new_message'],
    ]);
  });

  it('a throwing error reporter is contained too', () => {
    const registry = new HandlerRegistry(() => {
      throw new Error('reporter');
    });
    registry.onAny(() => {
      throw new Error('handler');
    });
    expect(() => registry.dispatch(ackFrame('r', {}))).not.toThrow();
  });

  it('counts handlers exactly; unsubscribe is idempotent; the same function may register twice', () => {
    const registry = new HandlerRegistry(() => undefined);
    let runs = 0;
    const handler = (_f: ServerFrame) => void runs++;
    const offs = [registry.on('ack', handler), registry.on('ack', handler), registry.onAny(handler)];
    expect(registry.count).toBe(3);
    registry.dispatch(ackFrame('r', {}));
    expect(runs).toBe(3);
    offs[0]?.();
    offs[0]?.();
    expect(registry.count).toBe(2);
    for (const off of offs) off();
    expect(registry.count).toBe(0);
  });
});
