import type { ClientFrame } from '@herald/protocol';
import { expect, it } from 'vitest';
import { ActionRegistry, handlerBeforeAuthentication, handlerFor } from './action-registry.js';
import type { Connection } from './connection.js';

const noop = async () => {};

it('refuses a second handler for an action, naming both owners', () => {
  const registry = new ActionRegistry().register('core', { history: handlerFor('history', noop) });
  expect(() => registry.register('plugin', { history: handlerFor('history', noop) })).toThrow(/"history".*core and plugin/);
  expect(registry.get('history')).toBeDefined();
  expect(registry.get('mark_read')).toBeUndefined();
});

it('runs a handler only for its own action, and only with a user unless it is served before authentication', async () => {
  const seen: string[] = [];
  const authenticated = handlerFor('history', async (_connection, frame, userId) => {
    seen.push(`${frame.action}:${userId}`);
  });
  const early = handlerBeforeAuthentication('heartbeat', async (_connection, frame) => {
    seen.push(frame.action);
  });
  const frame = (action: string) => ({ id: 'f1', type: 'control', action, data: {}, timestamp: 0 }) as unknown as ClientFrame;
  const anonymous = { userId: undefined } as Connection;
  const alice = { userId: 'alice' } as Connection;
  await authenticated.handle(anonymous, frame('history'));
  await authenticated.handle(alice, frame('subscribe'));
  await authenticated.handle(alice, frame('history'));
  await early.handle(anonymous, frame('heartbeat'));
  expect(seen).toEqual(['history:alice', 'heartbeat']);
  expect([authenticated.beforeAuthentication, early.beforeAuthentication]).toEqual([undefined, true]);
});
