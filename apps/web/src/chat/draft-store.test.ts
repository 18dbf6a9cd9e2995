import { describe, expect, it } from 'vitest';
import { type DraftStorage, DraftStore } from './draft-store';

/** A Map behind the Storage interface (what localStorage is to these methods). */
function mapStorage(): DraftStorage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => void map.set(key, value),
    removeItem: (key) => void map.delete(key),
  };
}

describe('DraftStore', () => {
  it('keeps a draft per account and conversation, across instances (a reload)', () => {
    const storage = mapStorage();
    new DraftStore('u1', storage).save('c1', 'x'.repeat(16_500));
    new DraftStore('u1', storage).save('c2', 'other');
    expect(new DraftStore('u1', storage).load('c1')).toHaveLength(16_500);
    expect(new DraftStore('u1', storage).load('c2')).toBe('other');
    expect(new DraftStore('u2', storage).load('c1')).toBe('');
  });

  it('removes a blank or cleared draft', () => {
    const storage = mapStorage();
    const drafts = new DraftStore('u1', storage);
    drafts.save('c1', 'hello');
    drafts.save('c1', '   ');
    expect(storage.map.size).toBe(0);
    drafts.save('c1', 'hello');
    drafts.clear('c1');
    expect(drafts.load('c1')).toBe('');
  });

  it('keeps the draft in memory when the storage refuses it', () => {
    const refusing: DraftStorage = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => undefined,
    };
    const drafts = new DraftStore('u1', refusing);
    drafts.save('c1', 'kept');
    expect(drafts.load('c1')).toBe('kept');
  });
});
