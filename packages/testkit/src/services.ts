/**
 * External services the integration tests use (PostgreSQL, Redis), and the rule for when one is missing:
 * on a developer machine the suite skips with a loud reason; with CI=true it fails instead.
 */
import pg from 'pg';

export const PG_URL = process.env.HERALD_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.HERALD_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const isCi = process.env.CI === 'true' || process.env.CI === '1';

/**
 * Probe a service. Resolves true when it answers; false (after a loud warning) when it does not,
 * unless CI=true, where a missing service is an error that fails the suite.
 */
export async function serviceAvailable(name: string, probe: () => Promise<void>): Promise<boolean> {
  try {
    await probe();
    return true;
  } catch (error) {
    const reason = `${name} is not reachable (${(error as Error).message}).`;
    if (isCi) throw new Error(`${reason} CI=true: service-backed tests must run, not skip.`);
    console.warn(`\n!!! SKIPPING ${name}-backed tests: ${reason} Start it (see README, "Tests") to run them.\n`);
    return false;
  }
}

/** True when PostgreSQL at PG_URL accepts a query. */
export function postgresAvailable(): Promise<boolean> {
  return serviceAvailable('PostgreSQL', async () => {
    const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
    await client.connect();
    try {
      await client.query('select 1');
    } finally {
      await client.end();
    }
  });
}

/** True when Redis at REDIS_URL answers PING. */
export function redisAvailable(): Promise<boolean> {
  return serviceAvailable('Redis', async () => {
    const { Redis } = await import('ioredis');
    const client = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0 });
    try {
      await client.connect();
      await client.ping();
    } finally {
      client.disconnect();
    }
  });
}

/** A schema name unique to this run, so parallel runs on one database never collide. */
export function uniqueSchemaName(prefix = 'herald_test'): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
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
