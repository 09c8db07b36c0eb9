import * as E from 'fp-ts/lib/Either.js';
import { parseConfig } from './config.js';
import { startServer } from './server.js';

const SHUTDOWN_GRACE_MS = 10_000;

const config = parseConfig(process.env);
if (E.isLeft(config)) {
  process.stderr.write(`${config.left}\n`);
  process.exit(2);
}

const server = await startServer(config.right).catch((error: unknown) => {
  process.stderr.write(`cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

const shutdown = (signal: string) => {
  server.app.log.info({ signal }, 'shutting down');
  const forced = setTimeout(() => {
    server.app.log.error('shutdown took too long; exiting');
    process.exit(1);
  }, SHUTDOWN_GRACE_MS);
  forced.unref();
  server.close().then(
    () => process.exit(0),
    (error: unknown) => {
      server.app.log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    },
  );
};
process.once('SIGTERM', () => shutdown('SIGTERM'));
process.once('SIGINT', () => shutdown('SIGINT'));
