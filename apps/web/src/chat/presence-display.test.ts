import type { Presence } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { peerPresence } from './presence-display';

const online: Presence = { userId: 'p', online: true, lastSeenAt: 100, deviceTypes: ['desktop'] };
const offline: Presence = { userId: 'p', online: false, lastSeenAt: 50, deviceTypes: [] };

describe('peerPresence', () => {
  it('is live while we are connected', () => {
    expect(peerPresence(online, { status: 'connected', lastDisconnected: null })).toEqual({ kind: 'online', lastSeenAt: null });
    expect(peerPresence(offline, { status: 'connected', lastDisconnected: null })).toEqual({ kind: 'offline', lastSeenAt: 50 });
    expect(peerPresence(undefined, { status: 'connected', lastDisconnected: null })).toEqual({ kind: 'offline', lastSeenAt: null });
  });

  it('is unknown while our connection is down: never "online", last seen when we lost sight of them', () => {
    for (const status of ['reconnecting', 'connecting', 'disconnected', 'error'] as const) {
      expect(peerPresence(online, { status, lastDisconnected: 900 })).toEqual({ kind: 'unknown', lastSeenAt: 900 });
      expect(peerPresence(offline, { status, lastDisconnected: 900 })).toEqual({ kind: 'unknown', lastSeenAt: 50 });
    }
  });
});
