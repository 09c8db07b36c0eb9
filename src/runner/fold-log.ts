import { setImmediate } from 'node:timers/promises';
import type { ReadModelDb } from '../read-model/read-model-db.js';
import type { EventStore } from '../store/event-store.js';
import { batchApplier, type ProjectionTarget } from './apply-batch.js';
import { batches } from './batches.js';

export type FoldLogOptions = {
  readonly store: EventStore;
  readonly db: ReadModelDb;
  readonly targets: readonly ProjectionTarget[];
  /** Where the targets' checkpoints live: the live catalog, or the rebuilds in progress. */
  readonly checkpointTable: 'read_models' | 'rebuilds';
  /** Last position to apply (inclusive). */
  readonly until: number;
  readonly now: () => Date;
  readonly batchSize?: number;
  readonly onProgress?: (done: number) => void;
  /** Stops between batches (the server shutting down during a start-up rebuild). */
  readonly signal?: AbortSignal;
};

export type FoldLogResult = { readonly targets: readonly ProjectionTarget[]; readonly events: number };

/**
 * Streams the log from the lowest checkpoint of `targets` up to `until` and applies it batch by batch; memory
 * stays bounded by the batch size whatever the length of the log.
 */
export const foldLog = async (options: FoldLogOptions): Promise<FoldLogResult> => {
  const apply = batchApplier(options.db, options.checkpointTable);
  let targets = options.targets;
  let events = 0;
  if (targets.length === 0) return { targets, events };
  const from = Math.min(...targets.map((t) => t.position));
  if (from >= options.until) return { targets, events };
  for await (const batch of batches(options.store.readAll({ fromPosition: from }), options.batchSize ?? 20_000)) {
    options.signal?.throwIfAborted();
    const inRange = batch.filter((event) => event.position <= options.until);
    targets = apply(targets, inRange, options.now().toISOString());
    events += inRange.length;
    options.onProgress?.(events);
    if (inRange.length < batch.length) break;
    // A long fold must not starve the server it runs in: let pending requests through between batches.
    await setImmediate();
  }
  return { targets, events };
};
