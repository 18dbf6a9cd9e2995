import { describe, expect, it, vi } from 'vitest';
import { NotificationPreferences } from './preferences';

function memoryStorage(initial: Record<string, string> = {}) {
  const values = new Map(Object.entries(initial));
  return {
    getItem: (key: string) => values.get(key) ?? null,
    setItem: (key: string, value: string) => void values.set(key, value),
    values,
  };
}

describe('NotificationPreferences: mutes', () => {
  it('keeps mutes per user, persists them and notifies on change only', () => {
    const storage = memoryStorage();
    const preferences = new NotificationPreferences(storage);
    const listener = vi.fn();
    preferences.subscribe(listener);
    expect(preferences.isMuted('u1', 'c1')).toBe(false);
    preferences.setMuted('u1', 'c1', true);
    preferences.setMuted('u1', 'c1', true);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(preferences.isMuted('u1', 'c1')).toBe(true);
    expect(preferences.isMuted('u2', 'c1')).toBe(false);
    // Another page load reads them back.
    const again = new NotificationPreferences(storage);
    expect(again.isMuted('u1', 'c1')).toBe(true);
    again.setMuted('u1', 'c1', false);
    expect(new NotificationPreferences(storage).isMuted('u1', 'c1')).toBe(false);
  });

  it('returns the same set until it changes (for useSyncExternalStore), and survives garbage in storage', () => {
    const preferences = new NotificationPreferences(memoryStorage({ 'herald.muted.u1': '{not json', 'herald.muted.u2': '["c9", 3]' }));
    const first = preferences.getMuted('u1');
    expect(first.size).toBe(0);
    expect(preferences.getMuted('u1')).toBe(first);
    expect([...preferences.getMuted('u2')]).toEqual(['c9']);
    preferences.setMuted('u1', 'c2', true);
    expect(preferences.getMuted('u1')).not.toBe(first);
  });
});
