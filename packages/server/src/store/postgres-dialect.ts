/**
 * PostgreSQL dialect for scale-out: a pg Pool, optionally pinned to one schema
 * (used by tests so parallel runs never collide). BIGINT columns come back as numbers:
 * every bigint Herald stores (ms timestamps, seqs) fits in 2^53.
 */
import { PostgresDialect } from 'kysely';
import pg from 'pg';

const INT8_OID = 20;

/** Create the dialect; `schema` sets the search_path of every pooled connection. */
export function createPostgresDialect(url: string, options: { schema?: string; poolSize?: number } = {}): PostgresDialect {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  return new PostgresDialect({ pool });
}

/** Create a schema if missing (with a short-lived client, before the pool pins to it). */
export async function ensurePostgresSchema(url: string, schema: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name "${schema}"`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`create schema if not exists ${schema}`);
  } finally {
    await client.end();
  }
}

/** Drop a schema and everything in it (test clean-up). */
export async function dropPostgresSchema(url: string, schema: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name "${schema}"`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await client.end();
  }
}
