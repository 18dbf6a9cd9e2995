/**
 * `npm start` entry: load config from the environment, start, print how to begin, stop cleanly on SIGTERM/SIGINT.
 * A stop drains (docs/deploy.md): readiness turns 503 at once, the node serves for HERALD_DRAIN_DELAY_MS
 * so a load balancer takes it out, then moves its sockets (1001, spread over HERALD_DRAIN_SPREAD_MS),
 * finishes in-flight writes and exits 0. A second signal does not cut the drain short.
 */
import { type CloseOptions, createHeraldServer } from './app.js';
import { ConfigError, loadConfig } from './config.js';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  let drain: CloseOptions;
  try {
    config = loadConfig();
    drain = drainOptions(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`herald: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const server = await createHeraldServer({ config });
  const url = await server.listen();
  const shown = url.replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
  server.log.info({ url: shown, database: config.database.kind, bus: server.bus.kind }, 'herald listening');
  if ((await server.repositories.accounts.countUsers()) === 0) {
    console.log(
      `\nHerald is running at ${shown} with no accounts yet.\n` +
        `Sign up (the first account becomes admin):\n` +
        `  curl -X POST ${shown}/api/v1/auth/register -H 'content-type: application/json' \\\n` +
        `    -d '{"email":"you@example.com","password":"at-least-8-chars","name":"You"}'\n`,
    );
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.log.info({ signal, ...drain }, 'shutting down');
    server.close(drain).then(
      () => process.exit(0),
      (error: unknown) => {
        server.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/**
 * The drain of a signalled stop, from the environment. In production the defaults suit a 500 ms
 * health check that falls after 1-2 failures; elsewhere they are 0, so a developer's Ctrl-C (or
 * `node --watch` restarting `npm run dev`'s server) stops at once.
 */
function drainOptions(env: Record<string, string | undefined>): CloseOptions {
  const production = env.NODE_ENV === 'production';
  return {
    drainDelayMs: milliseconds(env, 'HERALD_DRAIN_DELAY_MS', production ? 2_000 : 0),
    spreadMs: milliseconds(env, 'HERALD_DRAIN_SPREAD_MS', production ? 1_000 : 0),
  };
}

function milliseconds(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 60_000) {
    throw new ConfigError(`invalid configuration:\n  ${name}: expected whole milliseconds from 0 to 60000, got "${raw}"`);
  }
  return value;
}

main().catch((error: unknown) => {
  console.error('herald: failed to start:', error);
  process.exit(1);
});
