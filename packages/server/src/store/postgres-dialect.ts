/**
 * PostgreSQL connections for scale-out: the pg Pool that Kysely's PostgresDialect and the message
 * write path share, optionally pinned to one schema (used by tests so parallel runs never
 * collide). BIGINT columns come back as numbers: every bigint Herald stores (ms timestamps, seqs)
 * fits in 2^53.
 */
import pg from 'pg';

const INT8_OID = 20;

export interface PostgresPoolOptions {
  /** Sets the search_path of every pooled connection. */
  schema?: string;
  poolSize?: number;
}

/** The pool Kysely runs on, and the message write path with its named statement (see postgres-message-append.ts). */
export function createPostgresPool(url: string, options: PostgresPoolOptions = {}): pg.Pool {
  return new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
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
