import { setImmediate } from 'node:timers/promises';
import type { Projection } from '../../projections/projection.js';
import { appliedByAll, CheckpointMoved, type ProjectionTarget } from '../read-model/read-model-catalog.js';
import type { ReadModel } from '../read-model/read-model.js';
import { EventStoreFailure } from '../store/event-store-error.js';
import type { EventStore, RecordedEvent, Subscription } from '../store/event-store.js';
import { appliedCheckpoints, type ProjectionProgress } from './applied-checkpoints.js';
import { batchApplier } from './apply-batch.js';
import { batches } from './batches.js';

export type RunnerLog = {
  info: (fields: object, message: string) => void;
  warn: (fields: object, message: string) => void;
  error: (fields: object, message: string) => void;
};

export type RunnerOptions = {
  readonly store: EventStore;
  readonly readModel: ReadModel;
  readonly projections: readonly Projection[];
  readonly log: RunnerLog;
  readonly now?: () => Date;
  readonly maxBatch?: number;
  /** Wait before resubscribing after the store failed. */
  readonly retryDelayMs?: number;
  /** How often the catalog is checked for a swap by another process (a CLI rebuild) while no event arrives. */
  readonly catalogCheckMs?: number;
  /** Told each time it committed or reloaded the checkpoints (a runner in a worker thread says so to its parent). */
  readonly onCommitted?: () => void;
  /** Runs after each committed batch, before the progress is told (an erasure's purge of this node's file). */
  readonly afterCommit?: (events: readonly RecordedEvent[]) => Promise<void>;
};

export type { ProjectionProgress };

export type Runner = {
  /** Settles once the checkpoints are known (or the runner could not start: it says why, and tries again). */
  readonly started: Promise<void>;
  /** The position every projection has applied (the lowest checkpoint). */
  readonly appliedPosition: () => number;
  readonly progress: () => readonly ProjectionProgress[];
  /** Resolves true once every projection has applied `position`, false after `timeoutMs`. */
  readonly waitFor: (position: number, timeoutMs: number) => Promise<boolean>;
  /** Re-reads the catalog (after a rebuild swapped tables in) and resubscribes from the checkpoints. */
  readonly reload: () => Promise<void>;
  readonly stop: () => Promise<void>;
};

/**
 * Keeps the read model up to date: subscribes to the log from the lowest checkpoint and applies each batch to
 * every projection in one transaction. On a store failure it resubscribes from its checkpoint; when a rebuild
 * swaps a table in, it reloads the checkpoints and resumes from there.
 */
export const startRunner = (options: RunnerOptions): Runner => {
  const { store, readModel, projections, log } = options;
  const now = options.now ?? (() => new Date());
  const maxBatch = options.maxBatch ?? 2000;
  const retryDelayMs = options.retryDelayMs ?? 1000;
  const catalogCheckMs = options.catalogCheckMs ?? 500;
  const writer = batchApplier(readModel.writes);

  const loadTargets = (): Promise<ProjectionTarget[]> => readModel.catalog.liveTargets(projections);

  let targets: readonly ProjectionTarget[] = [];
  const checkpoints = appliedCheckpoints(loadTargets, now);
  let markStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  let stopped = false;
  let subscription: Subscription | undefined;
  const notify = async () => {
    options.onCommitted?.();
    await checkpoints.refresh();
  };

  /**
   * Whether another writer changed the catalog since this runner last committed: a rebuild swapped a table in
   * (perhaps at a checkpoint behind this runner's), or a CLI catch-up advanced a checkpoint.
   */
  const catalogMoved = async (): Promise<boolean> => {
    const live = await loadTargets();
    return live.length !== targets.length || live.some((t, i) => t.tableName !== targets[i]?.tableName || t.position !== targets[i]?.position);
  };

  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  let wakeIdle: () => void = () => undefined;
  const runOnce = async () => {
    await readModel.catalog.ensure(projections, now().toISOString());
    targets = await loadTargets();
    await notify();
    markStarted();
    if (targets.length === 0) {
      await new Promise<void>((resolve) => (wakeIdle = resolve));
      return;
    }
    subscription = store.subscribe({ fromPosition: appliedByAll(targets) });
    for await (const batch of batches(subscription, maxBatch)) {
      if (stopped) return;
      targets = await writer.apply(targets, batch, now().toISOString());
      await options.afterCommit?.(batch);
      await notify();
      // Catching up on a long backlog must not starve the requests the same process serves.
      await setImmediate();
    }
  };

  const loop = (async () => {
    while (!stopped) {
      try {
        await runOnce();
      } catch (error) {
        if (stopped) break;
        // A fold that met a table another process dropped in its swap fails on that table, not on the checkpoint.
        // The read model failing, the runner says so below and starts again.
        markStarted();
        if (error instanceof CheckpointMoved || (await catalogMoved().catch(() => false))) {
          log.info(error instanceof CheckpointMoved ? { projection: error.projection } : {}, 'read model swapped; resuming from its checkpoint');
          continue;
        }
        if (!(error instanceof EventStoreFailure)) {
          log.error({ err: error }, 'runner failed; retrying');
        } else {
          log.warn({ reason: error.message }, 'event store unavailable; resubscribing');
        }
        await pause(retryDelayMs);
      } finally {
        await subscription?.close();
      }
    }
  })();

  const reload = async () => {
    wakeIdle();
    await subscription?.close();
  };
  // Without this a swap by another process would be noticed only when the next event arrives, and its tables'
  // checkpoint may be behind this runner's (the rebuild leaves the last events to the live runner).
  const watch = setInterval(() => {
    void catalogMoved().then(
      (moved) => {
        if (stopped || !moved) return;
        log.info({}, 'read model changed by another process; resuming from its checkpoints');
        void reload();
      },
      // The read model failed: the loop meets and reports the same failure.
      () => undefined,
    );
  }, catalogCheckMs);
  watch.unref();

  return {
    started,
    appliedPosition: checkpoints.appliedPosition,
    progress: checkpoints.progress,
    waitFor: async (position, timeoutMs) => {
      if (await catalogMoved()) void reload();
      return checkpoints.waitFor(position, timeoutMs);
    },
    reload,
    stop: async () => {
      stopped = true;
      clearInterval(watch);
      wakeIdle();
      await subscription?.close();
      await loop;
      markStarted();
      checkpoints.close();
    },
  };
};
