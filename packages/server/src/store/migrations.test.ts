import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PG_URL, postgresAvailable, uniqueSchemaName } from '@herald/testkit';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { createStore } from './create-store.js';
import { dropPostgresSchema } from './postgres-dialect.js';

// Schema details the write path's cost depends on; the Store contract suite covers behaviour.
const dir = mkdtempSync(join(tmpdir(), 'herald-migrations-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const hasPostgres = await postgresAvailable();

it('indexes messages by file only where they have one, and file lookups use that index (SQLite)', async () => {
  const file = join(dir, 'm.db');
  await (await createStore({ kind: 'sqlite', file })).close();
  const database = new SQLite(file, { readonly: true });
  try {
    const { sql } = database.prepare("SELECT sql FROM sqlite_master WHERE name = 'messages_file'").get() as { sql: string };
    expect(sql).toMatch(/where\s+"?file_id"?\s+is\s+not\s+null/i);
    const plan = database.prepare('EXPLAIN QUERY PLAN SELECT id FROM messages WHERE file_id = ?').all('f1') as { detail: string }[];
    expect(plan.map((step) => step.detail).join('\n')).toContain('USING INDEX messages_file');
  } finally {
    database.close();
  }
});

it.skipIf(!hasPostgres)('indexes messages by file only where they have one (PostgreSQL)', async () => {
  const schema = uniqueSchemaName();
  await (await createStore({ kind: 'postgres', url: PG_URL, schema })).close();
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ indexdef: string }>(
      "SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND indexname = 'messages_file'",
      [schema],
    );
    expect(rows[0]?.indexdef).toMatch(/WHERE \(file_id IS NOT NULL\)/);
  } finally {
    await client.end();
    await dropPostgresSchema(PG_URL, schema);
  }
});

it.skipIf(!hasPostgres)("creates the batch message write function in the store's own schema (PostgreSQL)", async () => {
  const schema = uniqueSchemaName();
  await (await createStore({ kind: 'postgres', url: PG_URL, schema })).close();
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ schema: string }>(
      "SELECT n.nspname AS schema FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.proname = 'herald_append_messages'",
    );
    // Not in public, where one schema's down migration would take it from every other.
    expect(rows.map((row) => row.schema)).toContain(schema);
    expect(rows.map((row) => row.schema)).not.toContain('public');
  } finally {
    await client.end();
    await dropPostgresSchema(PG_URL, schema);
  }
});
