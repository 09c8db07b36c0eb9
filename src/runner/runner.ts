import type { StoredProjection } from '../../projections/projection.js';
import { ensureReadModels, readModelEntries } from '../read-model/read-model-catalog.js';
import type { ReadModelDb } from '../read-model/read-model-db.js';
import { EventStoreFailure } from '../store/event-store-error.js';
import type { EventStore, Subscription } from '../store/event-store.js';
import { batchApplier, CheckpointMoved, type ProjectionTarget } from './apply-batch.js';
import { batches } from './batches.js';

export type RunnerLog = {
  info: (fields: object, message: string) => void;
  warn: (fields: object, message: string) => void;
  error: (fields: object, message: string) => void;
};

export type RunnerOptions = {
  readonly store: EventStore;
  readonly db: ReadModelDb;
  readonly projections: readonly StoredProjection[];
  readonly log: RunnerLog;
  readonly now?: () => Date;
  readonly maxBatch?: number;
  /** Wait before resubscribing after the store failed. */
  readonly retryDelayMs?: number;
};

export type ProjectionProgress = { readonly name: string; readonly version: number; readonly position: number };

export type Runner = {
  /** The position every projection has applied (the lowest checkpoint). */
  readonly appliedPosition: () => number;
  readonly progress: () => readonly ProjectionProgress[];
  /** Resolves true once every projection has applied `position`, false after `timeoutMs`. */
  readonly waitFor: (position: number, timeoutMs: number) => Promise<boolean>;
  readonly stop: () => Promise<void>;
};

/**
 * Keeps the read model up to date: subscribes to the log from the lowest checkpoint and applies each batch to
 * every projection in one transaction. On a store failure it resubscribes from its checkpoint; when a rebuild
 * swaps a table in, it reloads the checkpoints and resumes from there.
 */
export const startRunner = (options: RunnerOptions): Runner => {
  const { store, db, projections, log } = options;
  const now = options.now ?? (() => new Date());
  const maxBatch = options.maxBatch ?? 2000;
  const retryDelayMs = options.retryDelayMs ?? 1000;
  ensureReadModels(db, projections, now().toISOString());
  const apply = batchApplier(db);

  const loadTargets = (): ProjectionTarget[] => {
    const entries = readModelEntries(db);
    return projections.flatMap((projection) => {
      const entry = entries.get(projection.name);
      return entry === undefined ? [] : [{ projection, tableName: entry.table_name, position: entry.position }];
    });
  };

  let targets = loadTargets();
  let stopped = false;
  let subscription: Subscription | undefined;
  const waiters = new Set<{ position: number; resolve: (reached: boolean) => void }>();
  const appliedPosition = () => Math.min(...targets.map((t) => t.position));
  const notify = () => {
    const applied = appliedPosition();
    for (const waiter of waiters) {
      if (waiter.position <= applied) {
        waiters.delete(waiter);
        waiter.resolve(true);
      }
    }
  };

  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  const runOnce = async () => {
    targets = loadTargets();
    notify();
    subscription = store.subscribe({ fromPosition: appliedPosition() });
    for await (const batch of batches(subscription, maxBatch)) {
      if (stopped) return;
      targets = apply(targets, batch, now().toISOString());
      notify();
    }
  };

  const loop = (async () => {
    while (!stopped) {
      try {
        await runOnce();
      } catch (error) {
        if (stopped) break;
        if (error instanceof CheckpointMoved) {
          log.info({ projection: error.projection }, 'read model swapped; resuming from its checkpoint');
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

  return {
    appliedPosition,
    progress: () => targets.map((t) => ({ name: t.projection.name, version: t.projection.version, position: t.position })),
    waitFor: (position, timeoutMs) => {
      if (appliedPosition() >= position) return Promise.resolve(true);
      return new Promise((resolve) => {
        const waiter = {
          position,
          resolve: (reached: boolean) => {
            clearTimeout(timer);
            resolve(reached);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          resolve(false);
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    stop: async () => {
      stopped = true;
      await subscription?.close();
      await loop;
      for (const waiter of waiters) waiter.resolve(false);
      waiters.clear();
    },
  };
};
