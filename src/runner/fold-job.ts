import { setImmediate } from 'node:timers/promises';
import type { ReadModel } from '../read-model/read-model.js';
import type { ProjectionTarget } from '../read-model/read-model-catalog.js';
import type { EventStore, RecordedEvent } from '../store/event-store.js';
import { batches } from './batches.js';

/** A fold of the log into targets up to a position: in order (foldLog) or by buckets of entities (bulkFold). */
export type FoldJob = {
  readonly store: EventStore;
  readonly readModel: ReadModel;
  /** Each starts from its checkpoint; bulkFold's are empty scratch tables, all at one position. */
  readonly targets: readonly ProjectionTarget[];
  /** Last position to apply (inclusive). */
  readonly until: number;
  readonly now: () => Date;
  /**
   * What the fold holds in memory: entity states between commits (foldLog), entity touches per group of buckets
   * (bulkFold); each has its default.
   */
  readonly workingSet?: number;
  /** Events done so far. */
  readonly onProgress?: (done: number) => void;
  /** Stops between batches (the server shutting down during a start-up rebuild); what was not committed is dropped. */
  readonly signal?: AbortSignal;
};

export type FoldResult = { readonly targets: readonly ProjectionTarget[]; readonly events: number };

/** Events read from the log at a time. */
export const LOG_BATCH = 5_000;

/**
 * The log after `from` up to the job's `until`, in batches of at most `size`. Stops when aborted; between batches
 * lets the server the fold runs in answer pending requests.
 */
export async function* logUpTo(job: FoldJob, from: number, size = LOG_BATCH): AsyncGenerator<readonly RecordedEvent[]> {
  for await (const batch of batches(job.store.readAll({ fromPosition: from }), size)) {
    job.signal?.throwIfAborted();
    const inRange = batch.filter((event) => event.position <= job.until);
    yield inRange;
    if (inRange.length < batch.length) return;
    await setImmediate();
  }
}
