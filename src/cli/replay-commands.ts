import { type Command, InvalidArgumentError } from 'commander';
import type { Projection } from '../../projections/projection.js';
import type { ReadModel } from '../read-model/read-model.js';
import { catchUp } from '../runner/catch-up.js';
import { rebuildProjections } from '../runner/rebuild.js';
import { verifyReadModel } from '../runner/verify.js';
import type { OpenedStore } from '../store/event-store.js';
import { printRows } from './output.js';
import { progressLine } from './progress.js';

type WithStores = (run: (store: OpenedStore, readModel: ReadModel) => Promise<number>) => Promise<void>;

const selected = (projections: readonly Projection[], name: string | undefined): Projection[] => {
  if (name === undefined) return [...projections];
  const found = projections.filter((p) => p.name === name);
  if (found.length === 0) throw new Error(`no projection ${name}; known: ${projections.map((p) => p.name).join(', ')}`);
  return found;
};

const positiveInteger = (value: string, name: string): number => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError(`${name} takes a whole number above 0`);
  return parsed;
};

const rate = (events: number, seconds: number) => Math.round(events / Math.max(seconds, 1e-3));

export const registerReplayCommands = (program: Command, projections: readonly Projection[], withStores: WithStores): void => {
  program
    .command('rebuild')
    .description('fold the whole log into fresh read-model tables and swap them in atomically (a running server keeps answering)')
    .option('--projection <name>', 'only this projection')
    .option('--working-set <states>', 'entity states held in memory at once (default 40000; memory grows with it, about 1.5 KB each)', (value) =>
      positiveInteger(value, '--working-set'),
    )
    .option('--json', 'JSON summary')
    .action((options: { projection?: string; workingSet?: number; json?: boolean }) =>
      withStores(async (store, readModel) => {
        const chosen = selected(projections, options.projection);
        const progress = progressLine(process.stderr, 'rebuilding');
        const result = await rebuildProjections({
          store,
          readModel,
          projections: chosen,
          onProgress: progress.tick,
          ...(options.workingSet === undefined ? {} : { workingSet: options.workingSet }),
        });
        progress.finish();
        // The swap leaves at most a few events for the live runner; apply them now in case no server runs.
        await catchUp({ store, readModel, projections });
        const summary = { ...result, events_per_second: rate(result.events, result.seconds) };
        process.stdout.write(
          options.json === true
            ? `${JSON.stringify(summary)}\n`
            : `rebuilt ${result.projections.join(', ')}: ${result.events} events in ${result.seconds.toFixed(2)} s (${summary.events_per_second} events/s)\n`,
        );
        return 0;
      }),
    );

  program
    .command('verify')
    .description('rebuild into scratch tables and compare with the live read model; exit 1 on any difference')
    .option('--json', 'JSON report')
    .action((options: { json?: boolean }) =>
      withStores(async (store, readModel) => {
        const progress = progressLine(process.stderr, 'verifying');
        const verification = await verifyReadModel({ store, readModel, projections, onProgress: progress.tick });
        progress.finish();
        if (options.json === true) {
          process.stdout.write(`${JSON.stringify(verification)}\n`);
        } else {
          printRows(verification.projections, ['projection', 'live_position', 'rebuilt_position', 'differences'], false);
          for (const verdict of verification.projections) {
            for (const example of verdict.examples) {
              process.stdout.write(`${verdict.projection} ${example.key}:\n  live:    ${JSON.stringify(example.live)}\n  rebuilt: ${JSON.stringify(example.rebuilt)}\n`);
            }
          }
          process.stdout.write(verification.matches ? 'live read model equals a clean rebuild\n' : 'DIFFERENCES FOUND\n');
        }
        return verification.matches ? 0 : 1;
      }),
    );
};
