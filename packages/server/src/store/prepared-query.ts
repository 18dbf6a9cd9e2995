/**
 * preparedQuery: a Kysely query built and compiled once, run many times with new parameter values.
 * Building and compiling a query tree costs more than SQLite takes to run our hot statements, and
 * the message path runs the same four statements for every message.
 * Invariant: the statement text never changes between runs, only its parameters (so the driver's
 * statement cache hits every time); each argument must appear among the compiled parameters.
 */
import type { Compilable, CompiledQuery, QueryResult } from 'kysely';

export interface QueryExecutor {
  executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>>;
}

const marker = (index: number) => `\u0000herald-parameter-${index}\u0000`;

/**
 * `build` receives one placeholder per argument and must use each as a value (never in SQL text).
 * Returns a runner taking an executor (the Kysely instance or a transaction) and the real values.
 */
export function preparedQuery<Row, Args extends unknown[]>(
  arity: Args['length'],
  build: (...placeholders: Args) => Compilable<Row>,
): (executor: QueryExecutor, ...args: Args) => Promise<QueryResult<Row>> {
  const placeholders = Array.from({ length: arity }, (_, i) => marker(i)) as unknown as Args;
  const compiled = build(...placeholders).compile();
  const slots = placeholders.map((_, i) => compiled.parameters.flatMap((value, position) => (value === marker(i) ? [position] : [])));
  const missing = slots.findIndex((positions) => positions.length === 0);
  if (missing !== -1) throw new Error(`preparedQuery: argument ${missing} is not a parameter of: ${compiled.sql}`);
  return (executor, ...args) => {
    const parameters = compiled.parameters.slice();
    for (const [i, positions] of slots.entries()) for (const position of positions) parameters[position] = args[i];
    return executor.executeQuery({ ...compiled, parameters });
  };
}
