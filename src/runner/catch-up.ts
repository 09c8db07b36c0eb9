import * as E from 'fp-ts/lib/Either.js';
import { CheckpointMoved } from '../read-model/read-model-catalog.js';
import { EventStoreFailure } from '../store/event-store-error.js';
import { foldLog } from './fold-log.js';
import type { ReadModelJob } from './read-model-job.js';
import { atLeast } from './log-lag.js';
import { rebuildProjections } from './rebuild.js';

export type CatchUpResult = { readonly events: number; readonly position: number };

/**
 * Applies what the log holds beyond the read model's checkpoints, up to the head as it was when called, then
 * returns. The CLI does this before answering, so it never shows a stale view, server running or not.
 */
export const catchUp = async (options: ReadModelJob): Promise<CatchUpResult> => {
  const { store, readModel, projections } = options;
  const now = options.now ?? (() => new Date());
  await readModel.catalog.ensure(projections, now().toISOString());
  const head = await store.headPosition();
  if (E.isLeft(head)) throw new EventStoreFailure(head.left);
  const cold = await readModel.catalog.liveTargets(projections);
  // An empty read model is built like a rebuild: in bulk, each row written once, then swapped in.
  const rebuilt =
    head.right > 0 && cold.length > 0 && cold.every((t) => t.position === 0)
      ? (await rebuildProjections({ ...options, projections: cold.map((t) => t.projection), now })).events
      : 0;
  for (let attempt = 0; ; attempt++) {
    const targets = await readModel.catalog.liveTargets(projections);
    const from = Math.min(...targets.map((t) => t.position));
    try {
      const { events } = await foldLog({
        store,
        readModel,
        targets,
        until: head.right,
        now,
        onProgress: (done) => options.onProgress?.(done, atLeast(done, store.eventsBetween(from, head.right))),
      });
      return { events: rebuilt + events, position: head.right };
    } catch (error) {
      // A running server advanced a checkpoint meanwhile: start again from the new checkpoints.
      if (!(error instanceof CheckpointMoved) || attempt >= 5) throw error;
    }
  }
};
