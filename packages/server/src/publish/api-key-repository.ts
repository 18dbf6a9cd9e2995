/**
 * ApiKeyRepository: the server API keys of the publish API (stored as hashes, never in clear).
 * Invariants: a revoked key is never returned by `useApiKey`; a key is revoked at most once.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { ApiKeysTable, Database } from '../store/schema.js';

export interface ApiKeyRecord {
  id: string;
  name: string;
  prefix: string;
  createdBy: string | null;
  createdAt: number;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

export interface NewApiKey {
  name: string;
  keyHash: string;
  prefix: string;
  createdBy: string | null;
}

export interface ApiKeyRepository {
  insertApiKey(key: NewApiKey): Promise<ApiKeyRecord>;
  /** The key with this hash, if it exists and is not revoked; records its use. */
  useApiKey(keyHash: string): Promise<ApiKeyRecord | undefined>;
  listApiKeys(): Promise<ApiKeyRecord[]>;
  revokeApiKey(id: string): Promise<boolean>;
}

function toApiKey(row: Selectable<ApiKeysTable>): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
  };
}

/** ApiKeyRepository on Kysely: one code path for SQLite and PostgreSQL. */
export class KyselyApiKeyRepository implements ApiKeyRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insertApiKey(key: NewApiKey): Promise<ApiKeyRecord> {
    const row = {
      id: randomUUID(),
      name: key.name,
      key_hash: key.keyHash,
      prefix: key.prefix,
      created_by: key.createdBy,
      created_at: Date.now(),
      revoked_at: null,
      last_used_at: null,
    };
    await this.db.insertInto('api_keys').values(row).execute();
    return toApiKey(row);
  }

  async useApiKey(keyHash: string): Promise<ApiKeyRecord | undefined> {
    const row = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('key_hash', '=', keyHash)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (!row) return undefined;
    await this.db.updateTable('api_keys').set({ last_used_at: Date.now() }).where('id', '=', row.id).execute();
    return toApiKey(row);
  }

  async listApiKeys(): Promise<ApiKeyRecord[]> {
    return (await this.db.selectFrom('api_keys').selectAll().orderBy('created_at', 'desc').execute()).map(toApiKey);
  }

  async revokeApiKey(id: string): Promise<boolean> {
    const result = await this.db
      .updateTable('api_keys')
      .set({ revoked_at: Date.now() })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
