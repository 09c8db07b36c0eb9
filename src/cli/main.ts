import { Command } from 'commander';
import * as E from 'fp-ts/lib/Either.js';
import { parseConfig, type Config } from '../config.js';
import { acceptDelivery } from '../intake/accept-delivery.js';
import type { EventStore } from '../store/event-store.js';
import { openEventStore } from '../store/open-event-store.js';
import { runIngest } from './ingest-command.js';

const loadConfig = (): Config => {
  const config = parseConfig(process.env);
  if (E.isLeft(config)) {
    process.stderr.write(`${config.left}\n`);
    process.exit(2);
  }
  return config.right;
};

const withStore = async (run: (store: EventStore, config: Config) => Promise<number>): Promise<void> => {
  const config = loadConfig();
  const store = await openEventStore(config);
  try {
    process.exitCode = await run(store, config);
  } finally {
    await store.close();
  }
};

const program = new Command()
  .name('skylight-projector')
  .description('SkyLight Chat webhooks as an event log: ingest, query, audit, replay. Configured by the same environment variables as the server.');

program
  .command('ingest')
  .description('append JSONL deliveries (one envelope per line) through the webhook pipeline; "-" reads stdin')
  .argument('<file>', 'JSONL file, or - for standard input')
  .option('--json', 'print the counts as JSON')
  .action((file: string, options: { json?: boolean }) =>
    withStore((store) =>
      runIngest(file, acceptDelivery({ store, now: () => new Date() }), { json: options.json === true }),
    ),
  );

await program.parseAsync(process.argv);
