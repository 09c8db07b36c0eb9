import type { ViewDifference } from '../read-model/read-model-catalog.js';
import { catchUp } from './catch-up.js';
import { bulkFold } from './bulk-fold.js';
import { atLeast } from './log-lag.js';
import type { ReadModelJob } from './read-model-job.js';

export type ProjectionVerdict = {
  readonly projection: string;
  readonly live_position: number;
  readonly rebuilt_position: number;
  readonly differences: number;
  /** The first few, for the report. */
  readonly examples: readonly ViewDifference[];
};

export type Verification = { readonly matches: boolean; readonly position: number; readonly projections: readonly ProjectionVerdict[] };

const EXAMPLES = 10;

/**
 * Rebuilds every projection into scratch tables up to the position the live read model has reached, and compares
 * the two view by view. The live view of an event-sourced system must equal a clean rebuild of its log: any
 * difference is a bug in a projection (or in the runner) and is reported with examples.
 */
export const verifyReadModel = async (options: ReadModelJob): Promise<Verification> => {
  const { readModel, projections } = options;
  const now = options.now ?? (() => new Date());
  const { position } = await catchUp({ store: options.store, readModel, projections, now });
  const scratch = await readModel.catalog.createScratch(projections, 'verify', now().toISOString());
  try {
    const { targets } = await bulkFold({
      store: options.store,
      readModel,
      targets: scratch,
      until: position,
      now,
      onProgress: (done) => options.onProgress?.(done, atLeast(done, options.store.eventsBetween(0, position))),
    });
    const verdicts: ProjectionVerdict[] = [];
    for (const target of targets) {
      const { livePosition, count, examples } = await readModel.catalog.differingViews(target, EXAMPLES);
      verdicts.push({
        projection: target.projection.name,
        live_position: livePosition,
        rebuilt_position: target.position,
        differences: count,
        examples,
      });
    }
    return { matches: verdicts.every((v) => v.differences === 0), position, projections: verdicts };
  } finally {
    await readModel.catalog.dropScratch(scratch);
  }
};
