import { Command } from 'commander';
import * as E from 'fp-ts/lib/Either.js';
import { projections } from '../../projections/registry.js';
import { parseConfig, type Config } from '../config.js';
import { acceptDelivery } from '../intake/accept-delivery.js';
import type { ReadModel } from '../read-model/read-model.js';
import { openReadModel } from '../read-model/open-read-model.js';
import { catchUp } from '../runner/catch-up.js';
import { claimReadModelAtStart } from '../runner/claim-read-model.js';
import { logLag } from '../runner/log-lag.js';
import type { OpenedStore } from '../store/event-store.js';
import { describeLog } from '../store/describe-log.js';
import { openEventStore } from '../store/open-event-store.js';
import { registerErasureCommands } from './erasure-commands.js';
import { registerHistoryCommands, showContactAsOf } from './history-commands.js';
import { runIngest } from './ingest-command.js';
import { EXIT_USAGE, UsageError } from './exit-codes.js';
import { answeredEmpty, answerIsEmpty, printRows } from './output.js';
import { packageVersion } from './package-version.js';
import { progressLine } from './progress.js';
import { registerQuarantineCommands } from './quarantine-commands.js';
import { registerQueryCommands } from './query-commands.js';
import { registerReplayCommands } from './replay-commands.js';

const loadConfig = (): Config => {
  const config = parseConfig(process.env);
  if (E.isLeft(config)) {
    process.stderr.write(`${config.left}\n`);
    process.exit(2);
  }
  return config.right;
};

/** Opens what a command needs, runs it, closes everything, and turns failures into a message and an exit code. */
const withStores = async (run: (store: OpenedStore, readModel: ReadModel) => Promise<number>): Promise<void> => {
  const config = loadConfig();
  let store: OpenedStore | undefined;
  let readModel: ReadModel | undefined;
  try {
    store = await openEventStore(config);
    readModel = await openReadModel(config);
    const claim = await claimReadModelAtStart({ store, readModel, policy: config.FOREIGN_READ_MODEL, now: () => new Date(), readModelFile: readModel.location });
    if (claim.kind === 'rebuilt') process.stderr.write(`read model was not built from this event log (${claim.reason}): emptied, rebuilding it\n`);
    process.exitCode = await run(store, readModel);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = error instanceof UsageError ? EXIT_USAGE : 1;
  } finally {
    // "no contact 77" or an empty list from an empty ./data the user did not mean: say which log was read.
    if ((process.exitCode !== 0 || answeredEmpty()) && process.exitCode !== EXIT_USAGE && store !== undefined) process.stderr.write(`(read the ${describeLog(config)})\n`);
    await store?.close();
    await readModel?.close();
  }
};

const program = new Command()
  .name('skylight-projector')
  .version(packageVersion())
  // Set before the commands are added, which inherit it: help and --version exit 0, any other parse error is a usage error.
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : EXIT_USAGE))
  .description(
    'SkyLight Chat webhooks as an event log: ingest, query, audit, replay. Configured by the same environment variables as the server (DATA_DIR, EVENT_STORE, ...).',
  );

program
  .command('ingest')
  .description(
    'append JSONL deliveries (one envelope per line) through the webhook pipeline; "-" reads stdin. Lines not appended are named on stderr; exit 0 when every line was appended or a duplicate, 3 when some were kept aside (quarantined, unrecognized, not JSON), 1 when some were not stored at all (store unavailable: run it again)',
  )
  .argument('<file>', 'JSONL file, or - for standard input')
  .option('--json', 'print the counts as JSON')
  .action((file: string, options: { json?: boolean }) =>
    withStores((store) =>
      // npm runs scripts from the project root; INIT_CWD is where the user typed the command.
      runIngest(file, acceptDelivery({ store }), { json: options.json === true, cwd: process.env['INIT_CWD'] ?? process.cwd() }),
    ),
  );

registerQueryCommands(program, (run) =>
  withStores(async (store, readModel) => {
    const progress = progressLine(process.stderr, 'catching up');
    const { position, head } = await catchUp({ store, readModel, projections, onProgress: progress.tick });
    if (position < head) process.stderr.write(`another node is the writer and has applied the log up to position ${position} of ${head}: this answer is ${head - position} events behind\n`);
    return run(readModel.queries);
  }),
  (id, options) => withStores((store) => showContactAsOf(store, id, options)),
);

registerHistoryCommands(program, withStores);
registerErasureCommands(program, projections, withStores);
registerQuarantineCommands(program, withStores, () => new Date());

registerReplayCommands(program, projections, withStores);

program
  .command('status')
  .description("the log's head and how far each projection has applied it")
  .option('--json', 'JSON output')
  .action((options: { json?: boolean }) =>
    withStores(async (store, readModel) => {
      await readModel.catalog.ensure(projections, new Date().toISOString());
      const head = await store.headPosition();
      if (E.isLeft(head)) throw new Error(`event store unavailable: ${head.left.kind}`);
      const rows = [];
      for (const entry of await readModel.catalog.entries()) {
        const lag = await logLag(store, entry.position, new Date());
        if (E.isLeft(lag)) throw new Error(`event store unavailable: ${lag.left.kind}`);
        rows.push({
          projection: entry.name,
          version: entry.version,
          position: entry.position,
          head: head.right,
          lag: lag.right.events,
          lag_exact: lag.right.eventsExact,
          lag_seconds: Math.round(lag.right.seconds),
          updated_at: entry.updated_at,
        });
      }
      if (head.right === 0) answerIsEmpty();
      if (options.json !== true) process.stdout.write(`store: ${store.kind}, head position ${head.right}\n`);
      printRows(rows, ['projection', 'version', 'position', 'lag', 'lag_exact', 'lag_seconds', 'updated_at'], options.json === true);
      return 0;
    }),
  );

await program.parseAsync(process.argv);
