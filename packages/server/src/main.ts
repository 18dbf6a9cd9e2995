/**
 * `npm start` entry: load config from the environment, start, print how to begin, stop cleanly on SIGTERM/SIGINT.
 */
import { createHeraldServer } from './app.js';
import { ConfigError, loadConfig } from './config.js';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
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
    server.log.info({ signal }, 'shutting down');
    server.close().then(
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

main().catch((error: unknown) => {
  console.error('herald: failed to start:', error);
  process.exit(1);
});
