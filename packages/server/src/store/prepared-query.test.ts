import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely } from 'kysely';
import { afterAll, expect, it } from 'vitest';
import { preparedQuery } from './prepared-query.js';
import type { Database } from './schema.js';
import { openSqlite } from './sqlite-dialect.js';

const dir = mkdtempSync(join(tmpdir(), 'herald-prepared-'));
const sqlite = openSqlite(join(dir, 'p.db'));
const db = new Kysely<Database>({ dialect: sqlite.dialect });
afterAll(async () => {
  await db.destroy();
  await sqlite.stopCheckpoints();
  rmSync(dir, { recursive: true, force: true });
});

it('runs one compiled statement with fresh values each time', async () => {
  await db.schema.createTable('users').addColumn('id', 'text').addColumn('email', 'text').addColumn('name', 'text').execute();
  const insert = preparedQuery(3, (id: string, email: string, name: string) => db.insertInto('users').values({ id, email, name } as never));
  const byName = preparedQuery(1, (name: string) => db.selectFrom('users').select(['id', 'email']).where('name', '=', name));
  await insert(db, 'u1', 'a@x', 'ann');
  await insert(db, 'u2', 'b@x', 'bob');
  expect((await byName(db, 'bob')).rows).toEqual([{ id: 'u2', email: 'b@x' }]);
  expect((await byName(db, 'ann')).rows).toEqual([{ id: 'u1', email: 'a@x' }]);
});

it('refuses a builder that does not use an argument as a parameter', () => {
  expect(() => preparedQuery(2, (name: string, _ignored: string) => db.selectFrom('users').selectAll().where('name', '=', name))).toThrow(
    /argument 1/,
  );
});
