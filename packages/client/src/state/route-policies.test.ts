import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICIES, DISABLED_POLICY, type RoutePolicies, resolvePolicy, wantsConnection } from './route-policies.js';

const table: RoutePolicies = {
  ...DEFAULT_POLICIES,
  '/chat/archive': { enabled: true, requireAuth: true, autoConnect: false, connectionType: 'chat', features: [] },
  '/public': { enabled: true, requireAuth: false, autoConnect: true, connectionType: 'chat', features: [] },
  '/widget': { enabled: true, requireAuth: false, autoConnect: true, connectionType: 'none', features: [] },
};

describe('resolvePolicy', () => {
  it('matches exactly first, then the longest prefix on a path boundary, else disabled', () => {
    expect(resolvePolicy(table, '/chat')).toBe(table['/chat']);
    expect(resolvePolicy(table, '/chat/42')).toBe(table['/chat']);
    expect(resolvePolicy(table, '/chat/archive/7')).toBe(table['/chat/archive']);
    expect(resolvePolicy(table, '/chatroom')).toBe(DISABLED_POLICY);
    expect(resolvePolicy(table, '/admin/users?tab=online#top')).toBe(table['/admin']);
    expect(resolvePolicy(table, '/login')).toMatchObject({ enabled: false });
    expect(resolvePolicy(table, '/')).toBe(DISABLED_POLICY);
    expect(resolvePolicy({ '/': table['/public'] as never }, '/anything')).toBe(table['/public']);
  });

  it('the defaults: chat and admin connect when signed in, login never', () => {
    expect(DEFAULT_POLICIES['/chat']).toEqual({
      enabled: true,
      requireAuth: true,
      autoConnect: true,
      connectionType: 'chat',
      features: ['messaging', 'typing', 'upload'],
    });
    expect(DEFAULT_POLICIES['/admin']).toMatchObject({ connectionType: 'admin', features: ['notifications', 'monitoring', 'stats'] });
    expect(DEFAULT_POLICIES['/login']?.enabled).toBe(false);
  });
});

describe('wantsConnection', () => {
  it('needs enabled, autoConnect, a connection type, and sign-in unless the page does not require it', () => {
    const chat = resolvePolicy(table, '/chat');
    expect(wantsConnection(chat, true)).toBe(true);
    expect(wantsConnection(chat, false)).toBe(false);
    expect(wantsConnection(resolvePolicy(table, '/public'), false)).toBe(true);
    expect(wantsConnection(resolvePolicy(table, '/chat/archive'), true)).toBe(false);
    expect(wantsConnection(resolvePolicy(table, '/widget'), true)).toBe(false);
    expect(wantsConnection(resolvePolicy(table, '/login'), true)).toBe(false);
  });
});
