import type { Command } from 'commander';
import * as E from 'fp-ts/lib/Either.js';
import type { Projection } from '../../projections/projection.js';
import { eraseContact } from '../erasure/erase-contact.js';
import { listErasures } from '../erasure/erasure-record.js';
import { liftErasure } from '../erasure/lift-erasure.js';
import { ForgetRequest } from '../erasure/forget-request.js';
import type { ReadModel } from '../read-model/read-model.js';
import { IdParams } from '../read-model/query-schemas.js';
import { catchUp } from '../runner/catch-up.js';
import { describeEventStoreError } from '../store/event-store-error.js';
import type { OpenedStore } from '../store/event-store.js';
import { argument, parameters, type Options } from './command-parameters.js';
import { printRecord, printRows } from './output.js';

/** Runs a command over the event store and the read model and returns its exit code. */
type WithStores = (run: (store: OpenedStore, readModel: ReadModel) => Promise<number>) => Promise<void>;

const ERASURE_COLUMNS = ['erasure_id', 'contact_id', 'reason', 'forgotten_at', 'completed_at', 'events_rewritten'];

export const registerErasureCommands = (program: Command, projections: readonly Projection[], withStores: WithStores): void => {
  const contact = program.commands.find((command) => command.name() === 'contact') ?? program.command('contact');
  registerForgetCommand(contact, projections, withStores);
  const erasures = program.command('erasures').description('erasures done: when, why, how many events they rewrote (no personal data)');
  registerLiftCommand(erasures, withStores);
  registerListCommand(erasures, withStores);
};

/** `contact forget ID --reason`. */
const registerForgetCommand = (contact: Command, projections: readonly Projection[], withStores: WithStores): void => {
  contact
    .command('forget')
    .description("erase the contact's personal data from the log, the read model and their files (idempotent; see docs/personal-data.md)")
    .argument('<id>', "the contact's id")
    .requiredOption('--reason <text>', 'why (kept with the erasure: no personal data in it)')
    .option('--json', 'JSON output')
    .action((id: string, options: Options) =>
      withStores(async (store, readModel) => {
        const { id: key } = argument(IdParams, 'id', id);
        const { reason } = parameters(ForgetRequest, { reason: options['reason'] });
        const applied = async (position: number) => (await catchUp({ store, readModel, projections })).position >= position;
        const erased = await eraseContact({ store, readModel, now: () => new Date(), applied }, key, reason);
        if (E.isLeft(erased)) throw new Error(describeEventStoreError(erased.left));
        if (erased.right === undefined) {
          process.stderr.write(`no contact ${key}\n`);
          return 1;
        }
        const { status, erasure, read_model_purged } = erased.right;
        const json = options['json'] === true;
        printRecord(json ? { status, erasure, read_model_purged } : { status, ...erasure, read_model_purged }, json);
        return 0;
      }),
    );
};

/** `erasures lift ID --reason`. */
const registerLiftCommand = (erasures: Command, withStores: WithStores): void => {
  erasures
    .command('lift')
    .description('store new deliveries about a forgotten contact as received again (what was erased stays erased)')
    .argument('<id>', "the contact's id")
    .requiredOption('--reason <text>', 'why (kept in the erasures record)')
    .action((id: string, options: Options) =>
      withStores(async (store) => {
        const { id: key } = argument(IdParams, 'id', id);
        const { reason } = parameters(ForgetRequest, { reason: options['reason'] });
        const lifted = await liftErasure({ store, now: () => new Date() }, key, reason);
        if (E.isLeft(lifted)) throw new Error(describeEventStoreError(lifted.left));
        if (lifted.right === undefined) {
          process.stderr.write('that contact is not forgotten, or its redaction at intake is lifted already\n');
          return 1;
        }
        process.stdout.write(`new deliveries about contact ${String(lifted.right.contact_id)} are stored as received again\n`);
        return 0;
      }),
    );
};

/** `erasures list`. */
const registerListCommand = (erasures: Command, withStores: WithStores): void => {
  erasures
    .command('list')
    .option('--json', 'JSON output')
    .action((options: Options) =>
      withStores(async (store) => {
        const records = await listErasures(store);
        if (E.isLeft(records)) throw new Error(describeEventStoreError(records.left));
        // --json: the API's shape (GET /erasures).
        if (options['json'] === true) process.stdout.write(`${JSON.stringify({ items: records.right })}\n`);
        else printRows(records.right, ERASURE_COLUMNS, false);
        return 0;
      }),
    );
};
