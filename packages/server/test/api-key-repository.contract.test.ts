/**
 * ApiKeyRepository contract: keys come back with their scopes and limits as stored, are found by
 * hash whatever their state (the caller refuses revoked and expired ones), each use is recorded,
 * and a key is revoked once. Real SQLite and PostgreSQL.
 */
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import type { NewApiKey } from '../src/publish/api-key-repository.js';
import { repositorySuite } from './repository-suite.js';

const unscoped = { scopes: [], conversationIds: null, senderIds: null, expiresAt: null } satisfies Partial<NewApiKey>;

repositorySuite('api key repository contract', ({ repositories, newUser }) => {
  let store: ReturnType<typeof repositories>;
  beforeAll(() => {
    store = repositories();
  });

  it('stores scopes, conversation and sender limits and expiry, and reads them back', async () => {
    const admin = await newUser();
    const expiresAt = Date.now() + 60_000;
    const key = await store.apiKeys.insertApiKey({
      name: 'billing',
      keyHash: 'hash-scoped',
      prefix: 'hk_s',
      createdBy: admin.id,
      scopes: ['messages', 'events'],
      conversationIds: ['c1', 'c2'],
      senderIds: ['*'],
      expiresAt,
    });
    const expected = {
      id: key.id,
      name: 'billing',
      prefix: 'hk_s',
      scopes: ['messages', 'events'],
      conversationIds: ['c1', 'c2'],
      senderIds: ['*'],
      expiresAt,
      createdBy: admin.id,
      createdAt: key.createdAt,
      revokedAt: null,
      lastUsedAt: null,
    };
    expect(key).toEqual(expected);
    expect(await store.apiKeys.findApiKeyByHash('hash-scoped')).toEqual(expected);
    expect((await store.apiKeys.listApiKeys()).find((k) => k.id === key.id)).toEqual(expected);

    const open = await store.apiKeys.insertApiKey({
      name: 'open',
      keyHash: 'hash-open',
      prefix: 'hk_o',
      createdBy: admin.id,
      ...unscoped,
      scopes: ['notifications'],
    });
    expect(await store.apiKeys.findApiKeyByHash('hash-open')).toMatchObject({
      id: open.id,
      scopes: ['notifications'],
      conversationIds: null,
      senderIds: null,
      expiresAt: null,
    });
  });

  it('reads a key from before scopes (the migration defaults) as unscoped', async () => {
    const { db } = store.database;
    await db
      .insertInto('api_keys')
      .values({
        id: 'legacy-key',
        name: 'old',
        key_hash: 'hash-legacy',
        prefix: 'hk_l',
        created_by: null,
        created_at: Date.now(),
        revoked_at: null,
        last_used_at: null,
      })
      .execute();
    expect(await store.apiKeys.findApiKeyByHash('hash-legacy')).toMatchObject({
      id: 'legacy-key',
      scopes: [],
      conversationIds: null,
      senderIds: null,
      expiresAt: null,
    });
    // A value that is not a JSON array of strings reads as the most restrictive one.
    await sql`update api_keys set scopes = 'not json', sender_ids = '{"a":1}' where id = 'legacy-key'`.execute(db);
    expect(await store.apiKeys.findApiKeyByHash('hash-legacy')).toMatchObject({ scopes: [], senderIds: [] });
  });

  it('finds a key by hash in any state, records its use, and revokes once', async () => {
    const admin = await newUser();
    const key = await store.apiKeys.insertApiKey({
      name: 'backend',
      keyHash: 'hash-1',
      prefix: 'hk_abc',
      createdBy: admin.id,
      ...unscoped,
    });
    expect(key).toMatchObject({ name: 'backend', prefix: 'hk_abc', createdBy: admin.id, revokedAt: null, lastUsedAt: null });
    expect(await store.apiKeys.findApiKeyByHash('hash-1')).toMatchObject({ id: key.id, lastUsedAt: null });
    await store.apiKeys.recordApiKeyUse(key.id, 1_700_000_000_000);
    expect(await store.apiKeys.findApiKeyByHash('hash-1')).toMatchObject({ lastUsedAt: 1_700_000_000_000 });
    expect(await store.apiKeys.findApiKeyByHash('no-such-hash')).toBeUndefined();

    const results = await Promise.all([store.apiKeys.revokeApiKey(key.id), store.apiKeys.revokeApiKey(key.id)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await store.apiKeys.findApiKeyByHash('hash-1'))?.revokedAt).toEqual(expect.any(Number));
    expect((await store.apiKeys.listApiKeys()).find((k) => k.id === key.id)?.revokedAt).toEqual(expect.any(Number));
    expect(await store.apiKeys.revokeApiKey('no-such-key')).toBe(false);
  });

  it('lists keys newest first', async () => {
    const first = await store.apiKeys.insertApiKey({ name: 'one', keyHash: 'hash-one', prefix: 'hk_1', createdBy: null, ...unscoped });
    const second = await store.apiKeys.insertApiKey({ name: 'two', keyHash: 'hash-two', prefix: 'hk_2', createdBy: null, ...unscoped });
    const ids = (await store.apiKeys.listApiKeys()).map((k) => k.id);
    expect(ids).toContain(first.id);
    expect(ids).toContain(second.id);
    if (second.createdAt > first.createdAt) expect(ids.indexOf(second.id)).toBeLessThan(ids.indexOf(first.id));
  });
});
