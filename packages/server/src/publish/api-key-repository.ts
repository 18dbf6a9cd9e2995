/**
 * ApiKeyRepository: the server API keys of the publish API (stored as hashes, never in clear), with
 * their scopes and limits.
 * Invariants: a key is revoked at most once; `findApiKeyByHash` returns revoked and expired keys
 * too (the caller refuses them, and audits the attempt); scopes, conversation ids and sender ids
 * are stored as JSON arrays and read back as such (a value that is not an array of strings reads
 * as the most restrictive one: no scopes, no conversations, no senders).
 */
import { randomUUID } from 'node:crypto';
import { type ApiKeyScope, ApiKeyScopeSchema } from '@herald/protocol';
import type { Kysely, Selectable } from 'kysely';
import type { ApiKeysTable, Database } from '../store/schema.js';

export interface ApiKeyRecord {
  id: string;
  name: string;
  prefix: string;
  /** Empty on keys created before scopes existed. */
  scopes: ApiKeyScope[];
  /** null = any conversation. */
  conversationIds: string[] | null;
  /** Users the key may post messages as; `['*']` = any; null = none. */
  senderIds: string[] | null;
  expiresAt: number | null;
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
  scopes: ApiKeyScope[];
  conversationIds: string[] | null;
  senderIds: string[] | null;
  expiresAt: number | null;
}

export interface ApiKeyRepository {
  insertApiKey(key: NewApiKey): Promise<ApiKeyRecord>;
  /** The key with this hash, revoked or expired ones included; undefined if there is none. */
  findApiKeyByHash(keyHash: string): Promise<ApiKeyRecord | undefined>;
  /** Record a use of the key at `at` (ms epoch). */
  recordApiKeyUse(id: string, at: number): Promise<void>;
  /** Every key, newest first. */
  listApiKeys(): Promise<ApiKeyRecord[]>;
  /** Revoke a live key; false if there is no such key or it was already revoked. */
  revokeApiKey(id: string): Promise<boolean>;
}

const strings = (text: string | null): string[] | null => {
  if (text === null) return null;
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
};

function toApiKey(row: Selectable<ApiKeysTable>): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: (strings(row.scopes) ?? []).filter((s): s is ApiKeyScope => ApiKeyScopeSchema.safeParse(s).success),
    conversationIds: strings(row.conversation_ids),
    senderIds: strings(row.sender_ids),
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
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
    const row: Selectable<ApiKeysTable> = {
      id: randomUUID(),
      name: key.name,
      key_hash: key.keyHash,
      prefix: key.prefix,
      created_by: key.createdBy,
      created_at: Date.now(),
      revoked_at: null,
      last_used_at: null,
      scopes: JSON.stringify(key.scopes),
      conversation_ids: key.conversationIds === null ? null : JSON.stringify(key.conversationIds),
      sender_ids: key.senderIds === null ? null : JSON.stringify(key.senderIds),
      expires_at: key.expiresAt,
    };
    await this.db.insertInto('api_keys').values(row).execute();
    return toApiKey(row);
  }

  async findApiKeyByHash(keyHash: string): Promise<ApiKeyRecord | undefined> {
    const row = await this.db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst();
    return row ? toApiKey(row) : undefined;
  }

  async recordApiKeyUse(id: string, at: number): Promise<void> {
    await this.db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
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
