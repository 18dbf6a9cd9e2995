/**
 * ApiKeyRepository contract: keys are found by hash until revoked, each use is recorded, and a key
 * is revoked once. Real SQLite and PostgreSQL.
 */
import { beforeAll, expect, it } from 'vitest';
import { repositorySuite } from './repository-suite.js';

repositorySuite('api key repository contract', ({ repositories, newUser }) => {
  let store: ReturnType<typeof repositories>;
  beforeAll(() => {
    store = repositories();
  });

  it('finds a key by hash until it is revoked, records its use, and revokes once', async () => {
    const admin = await newUser();
    const key = await store.apiKeys.insertApiKey({ name: 'backend', keyHash: 'hash-1', prefix: 'hk_abc', createdBy: admin.id });
    expect(key).toMatchObject({ name: 'backend', prefix: 'hk_abc', createdBy: admin.id, revokedAt: null, lastUsedAt: null });
    expect(await store.apiKeys.useApiKey('hash-1')).toMatchObject({ id: key.id });
    expect((await store.apiKeys.listApiKeys()).find((k) => k.id === key.id)?.lastUsedAt).toEqual(expect.any(Number));
    expect(await store.apiKeys.useApiKey('no-such-hash')).toBeUndefined();

    const results = await Promise.all([store.apiKeys.revokeApiKey(key.id), store.apiKeys.revokeApiKey(key.id)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.apiKeys.useApiKey('hash-1')).toBeUndefined();
    expect((await store.apiKeys.listApiKeys()).find((k) => k.id === key.id)?.revokedAt).toEqual(expect.any(Number));
    expect(await store.apiKeys.revokeApiKey('no-such-key')).toBe(false);
  });

  it('lists keys newest first', async () => {
    const first = await store.apiKeys.insertApiKey({ name: 'one', keyHash: 'hash-one', prefix: 'hk_1', createdBy: null });
    const second = await store.apiKeys.insertApiKey({ name: 'two', keyHash: 'hash-two', prefix: 'hk_2', createdBy: null });
    const ids = (await store.apiKeys.listApiKeys()).map((k) => k.id);
    expect(ids).toContain(first.id);
    expect(ids).toContain(second.id);
    if (second.createdAt > first.createdAt) expect(ids.indexOf(second.id)).toBeLessThan(ids.indexOf(first.id));
  });
});
