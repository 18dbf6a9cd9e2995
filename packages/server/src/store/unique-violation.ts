/**
 * isUniqueViolation: the one dialect difference repositories test for, a UNIQUE constraint failure,
 * whose error shape differs per driver (pg: SQLSTATE 23505; better-sqlite3: SQLITE_CONSTRAINT_*).
 */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
