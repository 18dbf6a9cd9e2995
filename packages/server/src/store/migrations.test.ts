import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropPostgresSchema, openRepositories, PG_URL, postgresAvailable, uniqueSchemaName } from '@herald/testkit';
import SQLite from 'better-sqlite3';
import { Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { PinnedPostgresDialect } from './pinned-schema-introspector.js';

// Schema details the write path's cost depends on; the repository contract suites cover behaviour.
const dir = mkdtempSync(join(tmpdir(), 'herald-migrations-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const hasPostgres = await postgresAvailable();

it('indexes messages by file only where they have one, and file lookups use that index (SQLite)', async () => {
  const file = join(dir, 'm.db');
  await (await openRepositories({ kind: 'sqlite', file })).close();
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

/**
 * Migrates a fresh PostgreSQL schema, then runs `inspect` with a catalog client (`before`, if any,
 * runs with it first); drops the schema after.
 */
async function withMigratedSchema(
  inspect: (client: pg.Client, schema: string) => Promise<void>,
  before?: (client: pg.Client) => Promise<void>,
): Promise<void> {
  const schema = uniqueSchemaName();
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await before?.(client);
    await (await openRepositories({ kind: 'postgres', url: PG_URL, schema })).close();
    await inspect(client, schema);
  } finally {
    await client.end();
    await dropPostgresSchema(PG_URL, schema);
  }
}

it.skipIf(!hasPostgres)('indexes messages by file only where they have one (PostgreSQL)', () =>
  withMigratedSchema(async (client, schema) => {
    const { rows } = await client.query<{ indexdef: string }>(
      "SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND indexname = 'messages_file'",
      [schema],
    );
    expect(rows[0]?.indexdef).toMatch(/WHERE \(file_id IS NOT NULL\)/);
  }),
);

it.skipIf(!hasPostgres)("creates the batch message write function in the store's own schema (PostgreSQL)", async () => {
  const functionsIn = async (client: pg.Client, schema: string) =>
    (
      await client.query(
        "SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.proname = 'herald_append_messages' AND n.nspname = $1",
        [schema],
      )
    ).rowCount;
  let publicBefore: number | null = null;
  await withMigratedSchema(
    async (client, schema) => {
      expect(await functionsIn(client, schema)).toBe(1);
      // Not in public, where one schema's down migration would take it from every other: the
      // migration leaves public as it found it (a Herald run on public may have put one there).
      expect(await functionsIn(client, 'public')).toBe(publicBefore);
    },
    async (client) => {
      publicBefore = await functionsIn(client, 'public');
    },
  );
});

it.skipIf(!hasPostgres)(
  "looks only at its own schema's tables, so another schema's bookkeeping or drop cannot disturb it (PostgreSQL)",
  async () => {
    const other = uniqueSchemaName();
    try {
      await withMigratedSchema(
        async (client, schema) => {
          const db = new Kysely<unknown>({
            dialect: new PinnedPostgresDialect({ pool: new pg.Pool({ connectionString: PG_URL }) }, schema),
          });
          try {
            const tables = await db.introspection.getTables();
            expect(new Set(tables.map((t) => t.schema))).toEqual(new Set([schema]));
            expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['messages', 'kysely_migration']));
            expect(tables.find((t) => t.name === 'messages')?.columns.map((c) => c.name)).toContain('seq');
            expect(await db.introspection.getSchemas()).toEqual([{ name: schema }]);
          } finally {
            await db.destroy();
          }
          // Dropping the other schema now is harmless to this one.
          await client.query(`drop schema ${other} cascade`);
        },
        // Another schema already holds a fully migrated bookkeeping table: ours must still be made.
        async (client) => {
          await client.query(`create schema ${other}`);
          await client.query(`create table ${other}.kysely_migration (name varchar(255) primary key, timestamp varchar(255) not null)`);
        },
      );
    } finally {
      await dropPostgresSchema(PG_URL, other);
    }
  },
);
