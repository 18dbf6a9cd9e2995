/**
 * repositorySuite: one repository contract, described once and run on every database backend (a
 * real SQLite file, real PostgreSQL in a schema of its own), each with fresh repositories.
 */
import { createRepositories } from '@herald/server';
import { type DatabaseBackend, databaseBackends, type OpenRepositories, type TestDatabase } from '@herald/testkit';
import { afterAll, beforeAll, describe } from 'vitest';
import type { UserRecord } from '../src/auth/account-repository.js';

export interface RepositorySuite {
  backend: DatabaseBackend;
  /** Every repository on this backend's database (valid inside tests). */
  repositories(): OpenRepositories;
  /** A new user with a unique email (name defaults to `userN`). */
  newUser(name?: string): Promise<UserRecord>;
}

const backends = await databaseBackends();

export function repositorySuite(title: string, body: (suite: RepositorySuite) => void): void {
  for (const backend of backends) {
    describe.skipIf(!backend.enabled)(`${title}: ${backend.name}`, () => {
      let test: TestDatabase | undefined;
      let repositories: OpenRepositories | undefined;
      let n = 0;
      const opened = (): OpenRepositories => {
        if (!repositories) throw new Error('repositories are opened in beforeAll');
        return repositories;
      };
      beforeAll(async () => {
        test = await backend.open();
        const { database } = test;
        repositories = { ...createRepositories(database), database, close: () => database.close() };
      });
      afterAll(async () => {
        await repositories?.close();
        await test?.cleanup();
      });
      body({
        backend,
        repositories: opened,
        newUser: (name = `user${++n}`) =>
          opened().accounts.createUser({ email: `${name}-${++n}@example.test`, name, passwordHash: 'x', role: 'user' }),
      });
    });
  }
}
