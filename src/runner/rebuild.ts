import * as E from 'fp-ts/lib/Either.js';
import type { ProjectionTarget } from '../read-model/read-model-catalog.js';
import { EventStoreFailure } from '../store/event-store-error.js';
import { bulkFold } from './bulk-fold.js';
import type { FoldJob } from './fold-job.js';
import { foldLog } from './fold-log.js';
import { atLeast } from './log-lag.js';
import type { ReadModelJob } from './read-model-job.js';

export type RebuildOptions = ReadModelJob & Pick<FoldJob, 'signal' | 'workingSet'>;

export type RebuildResult = {
  readonly projections: readonly string[];
  readonly events: number;
  readonly position: number;
  readonly seconds: number;
};

/** A pass that leaves fewer events than this behind is followed by the swap (the live runner applies the rest). */
const CLOSE_ENOUGH = 1000;

/** Folds the whole log into the scratch tables, pass after pass, until they are close to the head. */
export const fillScratchTables = async (
  options: RebuildOptions & { targets: readonly ProjectionTarget[]; closeEnough?: number },
): Promise<{ targets: readonly ProjectionTarget[]; events: number }> => {
  const now = options.now ?? (() => new Date());
  let targets = options.targets;
  let events = 0;
  for (;;) {
    const head = await options.store.headPosition();
    if (E.isLeft(head)) throw new EventStoreFailure(head.left);
    const from = Math.min(...targets.map((t) => t.position));
    const remaining = options.store.eventsBetween(from, head.right);
    const job: FoldJob = {
      store: options.store,
      readModel: options.readModel,
      targets,
      until: head.right,
      now,
      onProgress: (done: number) =>
        options.onProgress?.(events + done, atLeast(events + done, remaining === undefined ? undefined : events + remaining)),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.workingSet === undefined ? {} : { workingSet: options.workingSet }),
    };
    // The fresh tables are filled in bulk; what arrived meanwhile is folded onto them in order.
    const pass = events === 0 ? await bulkFold(job) : await foldLog(job);
    targets = pass.targets;
    events += pass.events;
    if (pass.events <= (options.closeEnough ?? CLOSE_ENOUGH)) return { targets, events };
  }
};

/**
 * Rebuilds projections from position 0 into fresh tables and swaps them in atomically; the live tables keep
 * answering until the swap.
 */
export const rebuildProjections = async (options: RebuildOptions): Promise<RebuildResult> => {
  const now = options.now ?? (() => new Date());
  const started = performance.now();
  const { catalog } = options.readModel;
  await catalog.ensure(options.projections, now().toISOString());
  const scratch = await catalog.createScratch(options.projections, 'rebuild', now().toISOString());
  const { targets, events } = await fillScratchTables({ ...options, targets: scratch });
  const live = await catalog.swapIn(targets, now().toISOString());
  return {
    projections: live.map((t) => t.projection.name),
    events,
    position: Math.min(...live.map((t) => t.position)),
    seconds: (performance.now() - started) / 1000,
  };
};
