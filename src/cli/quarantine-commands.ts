import type { Command } from 'commander';
import * as E from 'fp-ts/lib/Either.js';
import { listQuarantine } from '../quarantine/quarantine-listing.js';
import { QuarantineListQuery } from '../quarantine/quarantine-query.js';
import { retryEveryQuarantined, retryQuarantined, type RetryDeps, type RetryOutcome } from '../quarantine/retry-quarantine.js';
import { describeEventStoreError, type EventStoreError } from '../store/event-store-error.js';
import { parameters, type Options } from './command-parameters.js';
import type { WithStore } from './history-commands.js';
import { printRows } from './output.js';
import { progressLine } from './progress.js';

const ITEM_COLUMNS = ['revision', 'position', 'event_id', 'received_at', 'event', 'delivery_id', 'reason', 'body_bytes', 'status'];
const OUTCOME_COLUMNS = ['quarantine_event_id', 'status', 'event', 'stream', 'position', 'reason'];

/** "2 appended, 1 still_invalid" */
const countsOf = (statuses: readonly string[]): string => {
  const counts = new Map<string, number>();
  for (const status of statuses) counts.set(status, (counts.get(status) ?? 0) + 1);
  return counts.size === 0 ? 'nothing in quarantine' : [...counts].map(([status, n]) => `${n} ${status}`).join(', ');
};

/** One kept delivery, or all of them (with progress on a terminal); undefined when `id` is not in quarantine. */
const retried = async (deps: RetryDeps, id: string | undefined): Promise<E.Either<EventStoreError, RetryOutcome[] | undefined>> => {
  if (id !== undefined) return E.map((outcome: RetryOutcome | undefined) => (outcome === undefined ? undefined : [outcome]))(await retryQuarantined(deps, id));
  const outcomes: RetryOutcome[] = [];
  const progress = progressLine(process.stderr, 'retrying');
  const walked = await retryEveryQuarantined(deps, (outcome) => {
    outcomes.push(outcome);
    progress.tick(outcomes.length);
  });
  progress.finish();
  return E.map(() => outcomes)(walked);
};

export const registerQuarantineCommands = (program: Command, withStore: WithStore, now: () => Date): void => {
  const quarantine = program.command('quarantine').description('deliveries intake kept aside (invalid or not a delivery at all)');

  quarantine
    .command('list')
    .description('what is kept and why, and whether it passes validation now or was retried')
    .option('--limit <n>', 'rows per page (max 500)')
    .option('--after-revision <n>', 'next page, from the previous output')
    .option('--json', 'JSON output')
    .action((options: Options) =>
      withStore(async (store) => {
        const page = await listQuarantine(store, parameters(QuarantineListQuery, options));
        if (E.isLeft(page)) throw new Error(describeEventStoreError(page.left));
        const json = options['json'] === true;
        if (json) {
          process.stdout.write(`${JSON.stringify(page.right)}\n`);
          return 0;
        }
        printRows(page.right.items.map((item) => ({ ...item, reason: item.reason.slice(0, 80) })), ITEM_COLUMNS, false);
        if (page.right.next_after_revision !== null) process.stdout.write(`more: --after-revision ${page.right.next_after_revision}\n`);
        return 0;
      }),
    );

  quarantine
    .command('retry')
    .description('re-validate kept deliveries (all, or the one with this event id) and append those that now pass, once')
    .argument('[id]', 'the quarantined event id (from quarantine list)')
    .option('--json', 'JSON output')
    .action((id: string | undefined, options: Options) =>
      withStore(async (store) => {
        const outcomes = await retried({ store, now }, id);
        if (E.isLeft(outcomes)) throw new Error(describeEventStoreError(outcomes.left));
        if (outcomes.right === undefined) {
          process.stderr.write(`no quarantined delivery ${id ?? ''}\n`);
          return 1;
        }
        printRows(outcomes.right, OUTCOME_COLUMNS, options['json'] === true);
        if (options['json'] !== true) process.stdout.write(`${countsOf(outcomes.right.map((outcome) => outcome.status))}\n`);
        return outcomes.right.some((outcome) => outcome.status === 'unavailable') ? 1 : 0;
      }),
    );
};
